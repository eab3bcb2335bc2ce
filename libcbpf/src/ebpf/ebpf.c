// SPDX-License-Identifier: MIT
/* eBPF programs: the instruction model checked against the kernel's, names, raw and C writers. */
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
static_assert(CBPF_EBPF_FUNC_XDP_GET_BUFF_LEN == BPF_FUNC_xdp_get_buff_len, "buff_len");
static_assert(CBPF_EBPF_FUNC_XDP_LOAD_BYTES == BPF_FUNC_xdp_load_bytes, "xdp_load_bytes");
static_assert(CBPF_EBPF_HDR_START_MAC == BPF_HDR_START_MAC &&
		      CBPF_EBPF_HDR_START_NET == BPF_HDR_START_NET,
	      "start_header");

static const char *const target_names[] = {
	[CBPF_TARGET_SOCKET] = "socket",
	[CBPF_TARGET_TC] = "tc",
	[CBPF_TARGET_XDP] = "xdp",
	[CBPF_TARGET_SECCOMP] = "seccomp",
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

long cbpf_ebpf_prog_origin(const struct cbpf_ebpf_prog *prog, size_t idx)
{
	if (!prog->origin || idx >= prog->len)
		return -1;
	return prog->origin[idx];
}

const char *cbpf_ebpf_prog_name(const struct cbpf_ebpf_prog *prog)
{
	static const char *const names[] = {
		[CBPF_TARGET_SOCKET] = "cbpf_socket",
		[CBPF_TARGET_TC] = "cbpf_tc",
		[CBPF_TARGET_XDP] = "cbpf_xdp",
		[CBPF_TARGET_SECCOMP] = "cbpf_seccomp",
	};

	if ((unsigned)prog->target < sizeof(names) / sizeof(names[0]))
		return names[prog->target];
	return "cbpf";
}

const char *cbpf_ebpf_prog_license(const struct cbpf_ebpf_prog *prog)
{
	(void)prog;
	return "Dual MIT/GPL";
}

/* ---------------------------------------------------------------- forms */

static const char *const form_names[] = {
	[CBPF_EBPF_FORM_ELF] = "elf",
	[CBPF_EBPF_FORM_RAW] = "raw",
	[CBPF_EBPF_FORM_C] = "c",
	[CBPF_EBPF_FORM_ASM] = "asm",
};

const char *cbpf_ebpf_form_name(enum cbpf_ebpf_form form)
{
	if ((unsigned)form < sizeof(form_names) / sizeof(form_names[0]))
		return form_names[form];
	return "?";
}

int cbpf_ebpf_form_parse(const char *name, enum cbpf_ebpf_form *out)
{
	for (size_t i = 0; i < sizeof(form_names) / sizeof(form_names[0]); i++)
		if (!strcasecmp(name, form_names[i])) {
			*out = (enum cbpf_ebpf_form)i;
			return 0;
		}
	return -ENOENT;
}

/* Macro argument spellings of tools/include/linux/filter.h. */
static const char *const size_macro[] = {"BPF_W", "BPF_H", "BPF_B", "BPF_DW"};

static const char *alu_macro(uint8_t op)
{
	static const char *const names[16] = {
		"BPF_ADD",  "BPF_SUB", "BPF_MUL", "BPF_DIV", "BPF_OR",	"BPF_AND",
		"BPF_LSH",  "BPF_RSH", "BPF_NEG", "BPF_MOD", "BPF_XOR", "BPF_MOV",
		"BPF_ARSH", "BPF_END", "0xe0",	  "0xf0",
	};

	return names[op >> 4];
}

static const char *jmp_macro(uint8_t op)
{
	static const char *const names[16] = {
		"BPF_JA",   "BPF_JEQ",	"BPF_JGT",  "BPF_JGE",	"BPF_JSET", "BPF_JNE",
		"BPF_JSGT", "BPF_JSGE", "BPF_CALL", "BPF_EXIT", "BPF_JLT",  "BPF_JLE",
		"BPF_JSLT", "BPF_JSLE", "0xe0",	    "0xf0",
	};

	return names[op >> 4];
}

static const char *func_macro(int32_t id, char *buf, size_t size)
{
	const char *name = cbpf_ebpf_func_name(id);

	if (name)
		snprintf(buf, size, "BPF_FUNC_%s", name + 4);
	else
		snprintf(buf, size, "%d", id);
	return buf;
}

/*
 * One instruction as the macro of tools/include/linux/filter.h that builds it; what has no macro
 * of its own is a BPF_RAW_INSN. Returns the number of instruction slots it used (1 or 2).
 */
static int c_macro(FILE *out, const struct cbpf_ebpf_insn *in, const struct cbpf_ebpf_insn *next)
{
	uint8_t cls = CBPF_CLASS(in->code), op = CBPF_OP(in->code), src = CBPF_SRC(in->code);
	unsigned d = in->dst_reg, s = in->src_reg;
	bool is64 = cls == CBPF_EBPF_ALU64;
	char fn[64];

	switch (cls) {
	case CBPF_ALU:
	case CBPF_EBPF_ALU64:
		if (op == CBPF_EBPF_END && cls == CBPF_ALU) {
			fprintf(out, "BPF_ENDIAN(%s, BPF_REG_%u, %d)",
				src == CBPF_EBPF_TO_BE ? "BPF_TO_BE" : "BPF_TO_LE", d, in->imm);
			return 1;
		}
		if (in->off)
			break;
		if (op == CBPF_EBPF_MOV && src == CBPF_X) {
			fprintf(out, "BPF_MOV%s_REG(BPF_REG_%u, BPF_REG_%u)", is64 ? "64" : "32", d,
				s);
			return 1;
		}
		if (op == CBPF_EBPF_MOV) {
			fprintf(out, "BPF_MOV%s_IMM(BPF_REG_%u, %d)", is64 ? "64" : "32", d,
				in->imm);
			return 1;
		}
		if (op == CBPF_NEG) {
			fprintf(out, "BPF_ALU%s_IMM(BPF_NEG, BPF_REG_%u, 0)", is64 ? "64" : "32",
				d);
			return 1;
		}
		if (src == CBPF_X)
			fprintf(out, "BPF_ALU%s_REG(%s, BPF_REG_%u, BPF_REG_%u)",
				is64 ? "64" : "32", alu_macro(op), d, s);
		else
			fprintf(out, "BPF_ALU%s_IMM(%s, BPF_REG_%u, %d)", is64 ? "64" : "32",
				alu_macro(op), d, in->imm);
		return 1;
	case CBPF_LD:
		if (CBPF_MODE(in->code) == CBPF_ABS) {
			fprintf(out, "BPF_LD_ABS(%s, %d)", size_macro[CBPF_SIZE(in->code) >> 3],
				in->imm);
			return 1;
		}
		if (CBPF_MODE(in->code) == CBPF_IND) {
			fprintf(out, "BPF_LD_IND(%s, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], s, in->imm);
			return 1;
		}
		if (in->code == CBPF_EBPF_LD_IMM64 && next && s == 0) {
			fprintf(out, "BPF_LD_IMM64(BPF_REG_%u, 0x%llxULL)", d,
				(unsigned long long)(((uint64_t)(uint32_t)next->imm << 32) |
						     (uint32_t)in->imm));
			return 2;
		}
		break;
	case CBPF_LDX:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_LDX_MEM(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, s, in->off);
			return 1;
		}
		break;
	case CBPF_STX:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_STX_MEM(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, s, in->off);
			return 1;
		}
		break;
	case CBPF_ST:
		if (CBPF_MODE(in->code) == CBPF_EBPF_MEM) {
			fprintf(out, "BPF_ST_MEM(%s, BPF_REG_%u, %d, %d)",
				size_macro[CBPF_SIZE(in->code) >> 3], d, in->off, in->imm);
			return 1;
		}
		break;
	case CBPF_JMP:
	case CBPF_EBPF_JMP32:
		if (in->code == (CBPF_JMP | CBPF_JA)) {
			fprintf(out, "BPF_JMP_A(%d)", in->off);
			return 1;
		}
		if (in->code == (CBPF_JMP | CBPF_EBPF_EXIT)) {
			fprintf(out, "BPF_EXIT_INSN()");
			return 1;
		}
		if (in->code == (CBPF_JMP | CBPF_EBPF_CALL) && s == 0) {
			fprintf(out, "BPF_EMIT_CALL(%s)", func_macro(in->imm, fn, sizeof(fn)));
			return 1;
		}
		if (op == CBPF_JA || op == CBPF_EBPF_CALL || op == CBPF_EBPF_EXIT)
			break;
		if (src == CBPF_X)
			fprintf(out, "BPF_JMP%s_REG(%s, BPF_REG_%u, BPF_REG_%u, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, s, in->off);
		else if (in->imm >= 0) /* compared constants read best in hex, as in the asm */
			fprintf(out, "BPF_JMP%s_IMM(%s, BPF_REG_%u, 0x%x, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, (unsigned)in->imm,
				in->off);
		else
			fprintf(out, "BPF_JMP%s_IMM(%s, BPF_REG_%u, %d, %d)",
				cls == CBPF_JMP ? "" : "32", jmp_macro(op), d, in->imm, in->off);
		return 1;
	default:
		break;
	}
	fprintf(out, "BPF_RAW_INSN(0x%02x, %u, %u, %d, %d)", in->code, d, s, in->off, in->imm);
	return 1;
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

static int write_c(FILE *out, const struct cbpf_ebpf_prog *prog,
		   const struct cbpf_ebpf_write_opts *opts)
{
	bool annotate = opts && opts->annotate && prog->classic;
	long next_pc = 0;

	fprintf(out, "/* %s: %zu eBPF instructions", cbpf_ebpf_prog_name(prog), prog->len);
	if (prog->classic)
		fprintf(out, " from %zu classic", cbpf_prog_len(prog->classic));
	fprintf(out, " */\n");
	/* The macros are not in an installed header: say where to get them. */
	fputs("/* The instruction macros are those of tools/include/linux/filter.h in the kernel's "
	      "source\n * tree; struct bpf_insn and BPF_FUNC_* come from <linux/bpf.h>. */\n",
	      out);
	fprintf(out, "struct bpf_insn %s[] = {\n", cbpf_ebpf_prog_name(prog));
	for (size_t i = 0; i < prog->len;) {
		const struct cbpf_ebpf_insn *next = i + 1 < prog->len ? &prog->insns[i + 1] : NULL;

		if (annotate)
			ebpf_annotate(out, prog, i, &next_pc, "\t/* ", " */");
		fputc('\t', out);
		i += (size_t)c_macro(out, &prog->insns[i], next);
		fputs(",\n", out);
	}
	fputs("};\n", out);
	return 0;
}

int cbpf_ebpf_write(FILE *out, const struct cbpf_ebpf_prog *prog, enum cbpf_ebpf_form form,
		    const struct cbpf_ebpf_write_opts *opts)
{
	int err;

	switch (form) {
	case CBPF_EBPF_FORM_ELF:
		err = ebpf_write_elf(out, prog);
		break;
	case CBPF_EBPF_FORM_RAW:
		err = prog->len && fwrite(prog->insns, sizeof(*prog->insns), prog->len, out) !=
					      prog->len
			      ? -EIO
			      : 0;
		break;
	case CBPF_EBPF_FORM_C:
		err = write_c(out, prog, opts);
		break;
	case CBPF_EBPF_FORM_ASM:
		err = ebpf_write_asm(out, prog, opts);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	return fflush(out) || ferror(out) ? -EIO : 0;
}
