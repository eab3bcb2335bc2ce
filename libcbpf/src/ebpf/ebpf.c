// SPDX-License-Identifier: MIT
/*
 * eBPF programs: the instruction model checked against the kernel's, targets and helpers by name,
 * programs and their classic origin, shown beside the eBPF code.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/bpf.h>

#include "cbpf/ebpf.h"
#include "cbpf/fmt.h"
#include "ebpf/ebpf_prog.h"
#include "classic/insn_int.h"
#include "classic/prog.h"

/* The model is the kernel's struct bpf_insn, byte for byte. */
static_assert(sizeof(struct cbpf_ebpf_insn) == sizeof(struct bpf_insn), "insn size");
static_assert(offsetof(struct cbpf_ebpf_insn, off) == offsetof(struct bpf_insn, off), "off");
static_assert(offsetof(struct cbpf_ebpf_insn, imm) == offsetof(struct bpf_insn, imm), "imm");
static_assert(CBPF_EBPF_JMP32 == BPF_JMP32 && CBPF_EBPF_ALU64 == BPF_ALU64, "classes");
static_assert(CBPF_EBPF_DW == BPF_DW && CBPF_EBPF_MEM == BPF_MEM, "size, mode");
static_assert(CBPF_EBPF_MOV == BPF_MOV && CBPF_EBPF_ARSH == BPF_ARSH && CBPF_EBPF_END == BPF_END,
	      "alu");
static_assert(CBPF_EBPF_TO_BE == BPF_TO_BE && CBPF_EBPF_TO_LE == BPF_TO_LE, "end");
static_assert(CBPF_EBPF_JNE == BPF_JNE && CBPF_EBPF_JSGT == BPF_JSGT &&
		      CBPF_EBPF_JSGE == BPF_JSGE && CBPF_EBPF_JLT == BPF_JLT &&
		      CBPF_EBPF_JLE == BPF_JLE && CBPF_EBPF_JSLT == BPF_JSLT &&
		      CBPF_EBPF_JSLE == BPF_JSLE,
	      "jumps");
static_assert(CBPF_EBPF_CALL == BPF_CALL && CBPF_EBPF_EXIT == BPF_EXIT, "call, exit");
static_assert(CBPF_EBPF_FUNC_GET_PRANDOM_U32 == BPF_FUNC_get_prandom_u32, "prandom");
static_assert(CBPF_EBPF_FUNC_GET_SMP_PROCESSOR_ID == BPF_FUNC_get_smp_processor_id, "cpu");
static_assert(CBPF_EBPF_FUNC_SKB_LOAD_BYTES == BPF_FUNC_skb_load_bytes, "load_bytes");
static_assert(CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE == BPF_FUNC_skb_load_bytes_relative,
	      "load_bytes_relative");
static_assert(CBPF_EBPF_FUNC_PROBE_READ_KERNEL == BPF_FUNC_probe_read_kernel, "probe_read");
static_assert(CBPF_EBPF_FUNC_XDP_GET_BUFF_LEN == BPF_FUNC_xdp_get_buff_len, "buff_len");
static_assert(CBPF_EBPF_FUNC_XDP_LOAD_BYTES == BPF_FUNC_xdp_load_bytes, "xdp_load_bytes");
static_assert(CBPF_EBPF_HDR_START_MAC == BPF_HDR_START_MAC &&
		      CBPF_EBPF_HDR_START_NET == BPF_HDR_START_NET,
	      "start_header");

static const char *const target_names[] = {
	[CBPF_TARGET_SOCKET] = "socket",   [CBPF_TARGET_TC] = "tc",	[CBPF_TARGET_XDP] = "xdp",
	[CBPF_TARGET_SECCOMP] = "seccomp", [CBPF_TARGET_FUNC] = "func",
};

const char *cbpf_target_name(enum cbpf_target target)
{
	if ((unsigned)target < sizeof(target_names) / sizeof(target_names[0]))
		return target_names[target];
	return "?";
}

int cbpf_target_parse(const char *name, enum cbpf_target *out)
{
	for (size_t i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++)
		if (!strcasecmp(name, target_names[i])) {
			*out = (enum cbpf_target)i;
			return 0;
		}
	return -ENOENT;
}

const char *ebpf_section_name(enum cbpf_target target)
{
	if (target == CBPF_TARGET_FUNC)
		return ".text"; /* libbpf's subprograms, which other programs call */
	return cbpf_target_name(target);
}

/* Names of the helpers a translation can call; bpftool prints calls as "call NAME#ID". */
const char *cbpf_ebpf_func_name(int32_t id)
{
	switch (id) {
	case BPF_FUNC_get_prandom_u32:
		return "bpf_get_prandom_u32";
	case BPF_FUNC_get_smp_processor_id:
		return "bpf_get_smp_processor_id";
	case BPF_FUNC_skb_load_bytes:
		return "bpf_skb_load_bytes";
	case BPF_FUNC_skb_load_bytes_relative:
		return "bpf_skb_load_bytes_relative";
	case BPF_FUNC_probe_read_kernel:
		return "bpf_probe_read_kernel";
	case BPF_FUNC_xdp_get_buff_len:
		return "bpf_xdp_get_buff_len";
	case BPF_FUNC_xdp_load_bytes:
		return "bpf_xdp_load_bytes";
	case BPF_FUNC_ktime_get_ns:
		return "bpf_ktime_get_ns";
	case BPF_FUNC_trace_printk:
		return "bpf_trace_printk";
	default:
		return NULL;
	}
}

struct cbpf_ebpf_prog *ebpf_prog_adopt(struct cbpf_ebpf_insn *insns, size_t len, long *origin,
				       enum cbpf_target target)
{
	struct cbpf_ebpf_prog *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return NULL;
	prog->insns = insns;
	prog->len = len;
	prog->origin = origin;
	prog->target = target;
	return prog;
}

struct cbpf_ebpf_prog *cbpf_ebpf_prog_new(const struct cbpf_ebpf_insn *insns, size_t len,
					  enum cbpf_target target)
{
	struct cbpf_ebpf_insn *copy = malloc(len ? len * sizeof(*copy) : 1);
	struct cbpf_ebpf_prog *prog;

	if (!copy)
		return NULL;
	if (len)
		memcpy(copy, insns, len * sizeof(*copy));
	prog = ebpf_prog_adopt(copy, len, NULL, target);
	if (!prog)
		free(copy);
	return prog;
}

void cbpf_ebpf_prog_free(struct cbpf_ebpf_prog *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	free(prog->origin);
	cbpf_prog_free(prog->classic);
	free(prog->name);
	free(prog);
}

size_t cbpf_ebpf_prog_len(const struct cbpf_ebpf_prog *prog)
{
	return prog->len;
}

const struct cbpf_ebpf_insn *cbpf_ebpf_prog_insns(const struct cbpf_ebpf_prog *prog)
{
	return prog->insns;
}

enum cbpf_target cbpf_ebpf_prog_target(const struct cbpf_ebpf_prog *prog)
{
	return prog->target;
}

const struct cbpf_prog *cbpf_ebpf_prog_classic(const struct cbpf_ebpf_prog *prog)
{
	return prog->classic;
}

unsigned cbpf_ebpf_prog_loops(const struct cbpf_ebpf_prog *prog, uint32_t *budget)
{
	const struct cbpf_insn *ci = prog->classic ? cbpf_prog_insns(prog->classic) : NULL;
	size_t len = prog->classic ? cbpf_prog_len(prog->classic) : 0;
	uint64_t seen[CBPF_MAXINSNS / 64] = {
		0
	}; /* loop starts; a translated program is no longer */
	unsigned n = 0;

	for (size_t pc = 0; pc < len && len <= CBPF_MAXINSNS; pc++) {
		long t = insn_back_target(&ci[pc], pc, len);

		if (t >= 0 && !(seen[t / 64] & (1ull << (t % 64)))) {
			seen[t / 64] |= 1ull << (t % 64);
			n++;
		}
	}
	if (budget)
		*budget = n ? insn_loop_budget(ci, len) : 0;
	return n;
}

long cbpf_ebpf_prog_origin(const struct cbpf_ebpf_prog *prog, size_t idx)
{
	if (!prog->origin || idx >= prog->len)
		return -1;
	return prog->origin[idx];
}

const char *cbpf_ebpf_prog_name(const struct cbpf_ebpf_prog *prog)
{
	static const char *const names[] = {
		[CBPF_TARGET_SOCKET] = "cbpf_socket", [CBPF_TARGET_TC] = "cbpf_tc",
		[CBPF_TARGET_XDP] = "cbpf_xdp",	      [CBPF_TARGET_SECCOMP] = "cbpf_seccomp",
		[CBPF_TARGET_FUNC] = "cbpf_filter",
	};

	if (prog->name)
		return prog->name;
	if ((unsigned)prog->target < sizeof(names) / sizeof(names[0]))
		return names[prog->target];
	return "cbpf";
}

const char *cbpf_ebpf_prog_license(const struct cbpf_ebpf_prog *prog)
{
	(void)prog;
	return "Dual MIT/GPL";
}

/* The classic instruction at pc as a comment, tcpdump -d style (from cbpf_insn_format). */
static void classic_comment(FILE *out, const struct cbpf_prog *classic, long pc, const char *open,
			    const char *close)
{
	const char *comment;
	char buf[128];

	if (!classic || pc < 0 || (size_t)pc >= cbpf_prog_len(classic))
		return;
	cbpf_insn_format(&cbpf_prog_insns(classic)[pc], (size_t)pc, buf, sizeof(buf));
	comment = cbpf_prog_comment(classic, (size_t)pc);
	fprintf(out, "%s(%03ld) %s%s%s%s\n", open, pc, buf, comment ? "   // " : "",
		comment ? comment : "", close);
}

void ebpf_annotate(FILE *out, const struct cbpf_ebpf_prog *prog, size_t i, long *next_pc,
		   const char *open, const char *close)
{
	long pc = cbpf_ebpf_prog_origin(prog, i);

	/* Classic instructions that produced nothing (ja 0) are shown with the next one. */
	while (pc >= 0 && *next_pc <= pc) {
		classic_comment(out, prog->classic, *next_pc, open, close);
		(*next_pc)++;
	}
}
