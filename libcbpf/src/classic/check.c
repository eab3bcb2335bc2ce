// SPDX-License-Identifier: MIT
/* The validator: what SO_ATTACH_FILTER and seccomp(2) refuse, each problem located and named. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic/check_impl.h"
#include "classic/insn_int.h"
#include "classic/prog.h"
#include "classic/runnable.h"

/* struct seccomp_data is 64 bytes: nr, arch, instruction_pointer, args[6]. */
#define SECCOMP_DATA_SIZE 64u

/* The lowest ancillary offset, SKF_AD_OFF, as the unsigned k of a load. */
#define AD_BASE ((uint32_t)CBPF_AD_OFF)

/* k as the messages print it: decimal while small, hex beyond. */
static void fmt_k(char *buf, size_t size, uint32_t k)
{
	snprintf(buf, size, k < 0x10000 ? "%" PRIu32 : "0x%" PRIx32, k);
}

/* A load or an ALU operation as bpf_asm writes it, for messages: "ldh [12]", "mod x". */
static void fmt_insn(char *buf, size_t size, const struct cbpf_insn *insn)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(insn->code);
	char k[16];

	fmt_k(k, sizeof(k), insn->k);
	switch (info ? info->operand : CBPF_OPND_NONE) {
	case CBPF_OPND_ABS:
		snprintf(buf, size, "%s [%s]", info->name, k);
		break;
	case CBPF_OPND_IND:
		snprintf(buf, size, "%s [x + %s]", info->name, k);
		break;
	case CBPF_OPND_MSH:
		snprintf(buf, size, "%s 4*([%s]&0xf)", info->name, k);
		break;
	case CBPF_OPND_ALU_K:
		snprintf(buf, size, "%s #%s", info->name, k);
		break;
	case CBPF_OPND_ALU_X:
		snprintf(buf, size, "%s x", info->name);
		break;
	default:
		snprintf(buf, size, "%s", info ? info->name : "?");
		break;
	}
}

/* What cannot run at all (classic/runnable.c), named with the kernel's rule. */
static int report_unrunnable(void *ctx, enum runnable_problem what, long pc, const char *msg)
{
	struct checker *c = ctx;
	const char *rule = RULE_CLASSIC;

	if (what == RUNNABLE_EMPTY || what == RUNNABLE_TOO_LONG)
		rule = c->mode == CBPF_CHECK_SECCOMP ? RULE_SECCOMP_LEN : RULE_BASICS;
	check_report(c, CBPF_SEV_ERROR, pc, rule, "%s", msg);
	return c->err;
}

/* A load from SKF_AD_OFF up must be an ancillary load bpf_anc_helper knows. */
static void check_ancillary(struct checker *c, size_t pc)
{
	uint32_t k = c->insns[pc].k;

	if (k >= AD_BASE && !insn_anc(k))
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_CLASSIC,
			     "unknown ancillary load SKF_AD_OFF + %" PRIu32
			     " (the kernel knows 0 to %d, in steps of 4)",
			     k - AD_BASE, CBPF_AD_MAX - 4);
}

/*
 * net/core/filter.c: bpf_check_classic, one instruction: what the kernel refuses although it
 * could run (runnable_insn has the rest).
 */
static void check_classic(struct checker *c, size_t pc)
{
	const struct cbpf_insn *insn = &c->insns[pc];
	uint32_t k = insn->k;

	switch (insn->code) {
	case CBPF_ALU | CBPF_DIV | CBPF_K:
		if (k == 0)
			check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_CLASSIC,
				     "division by constant zero");
		break;
	case CBPF_ALU | CBPF_MOD | CBPF_K:
		if (k == 0)
			check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_CLASSIC,
				     "modulo by constant zero");
		break;
	case CBPF_ALU | CBPF_LSH | CBPF_K:
	case CBPF_ALU | CBPF_RSH | CBPF_K:
		if (k >= 32)
			check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_CLASSIC,
				     "shift by constant %" PRIu32 " is out of range (at most 31)",
				     k);
		break;
	case CBPF_LD | CBPF_W | CBPF_ABS:
		/* seccomp_check_filter's bound (below) covers every offset this one refuses. */
		if (c->mode != CBPF_CHECK_SECCOMP)
			check_ancillary(c, pc);
		break;
	case CBPF_LD | CBPF_H | CBPF_ABS:
	case CBPF_LD | CBPF_B | CBPF_ABS:
		check_ancillary(c, pc);
		break;
	default:
		break;
	}
}

/* kernel/seccomp.c: seccomp_check_filter, one instruction the classic rules know. */
static void check_seccomp(struct checker *c, size_t pc, const struct cbpf_opcode_info *info)
{
	const struct cbpf_insn *insn = &c->insns[pc];
	char form[48], k[16];

	if (!(info->flags & CBPF_OPF_SECCOMP)) {
		fmt_insn(form, sizeof(form), insn);
		if (CBPF_CLASS(insn->code) == CBPF_ALU)
			check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_SECCOMP,
				     "'%s' is not allowed in seccomp filters", form);
		else
			check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_SECCOMP,
				     "'%s' is not allowed in seccomp filters (their only load "
				     "is 'ld [k]', a 32-bit word of struct seccomp_data)",
				     form);
		return;
	}
	if (insn->code != (CBPF_LD | CBPF_W | CBPF_ABS))
		return;
	fmt_k(k, sizeof(k), insn->k);
	if (insn->k >= SECCOMP_DATA_SIZE)
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_SECCOMP,
			     "offset %s is past the end of struct seccomp_data (%u bytes)", k,
			     SECCOMP_DATA_SIZE);
	else if (insn->k & 3)
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_SECCOMP,
			     "seccomp filters may load only 32-bit aligned words of struct "
			     "seccomp_data (offset %s)",
			     k);
}

/* Instructions no path from the first one reaches; the kernel accepts them. */
static void warn_unreachable(struct checker *c)
{
	/* One spare entry: a last instruction that is not a return falls through past the end. */
	bool *reach = calloc(c->len + 1, sizeof(*reach));
	size_t pc, start;

	if (!reach) {
		c->err = -ENOMEM;
		return;
	}
	bool again = true;

	reach[0] = true;
	/* One pass when jumps go forward; a backward jump (pcap, ebpf mode) asks for another. */
	while (again) {
		again = false;
		for (pc = 0; pc < c->len; pc++) {
			uint64_t t[2];
			long back = insn_back_target(&c->insns[pc], pc, c->len);

			if (!reach[pc])
				continue;
			if (back >= 0) {
				again |= !reach[back];
				reach[back] = true;
				continue;
			}
			/* Every target is inside the program, or one past its end. */
			for (unsigned i = insn_successors(&c->insns[pc], pc, t); i-- > 0;)
				reach[t[i]] = true;
		}
	}
	for (pc = 0; pc < c->len;) {
		if (reach[pc]) {
			pc++;
			continue;
		}
		for (start = pc; pc < c->len && !reach[pc]; pc++)
			;
		if (pc - start == 1)
			check_report(c, CBPF_SEV_WARNING, (long)start, NULL,
				     "instruction %zu is unreachable", start);
		else
			check_report(c, CBPF_SEV_WARNING, (long)start, NULL,
				     "instructions %zu to %zu are unreachable", start, pc - 1);
	}
	free(reach);
}

/* Diagnostics in instruction order (whole-program ones first), keeping each pass's order. */
static int sort_new_diags(struct cbpf_diags *diags, size_t start)
{
	size_t n = diags->n - start, i, width;
	struct cbpf_diag *tmp, *v;

	if (n < 2)
		return 0;
	v = diags->v + start;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	/* A bottom-up merge sort: stable, n log n even for thousands of reports. */
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t mid = i + width < n ? i + width : n;
			size_t end = i + 2 * width < n ? i + 2 * width : n;
			size_t a = i, b = mid, o = i;

			while (a < mid && b < end)
				tmp[o++] = v[b].insn < v[a].insn ? v[b++] : v[a++];
			while (a < mid)
				tmp[o++] = v[a++];
			while (b < end)
				tmp[o++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
	return 0;
}

int cbpf_check(const struct cbpf_prog *prog, enum cbpf_check_mode mode, struct cbpf_diags *diags)
{
	struct checker c = { prog, NULL, 0, mode, diags, 0, 0 };
	bool loops = mode == CBPF_CHECK_PCAP || mode == CBPF_CHECK_EBPF;
	struct runnable_report runnable = { report_unrunnable, &c, loops };
	size_t start = diags ? diags->n : 0, pc;
	long loop = -1; /* the first backward jump */
	bool structure_ok = true;

	if (!prog) {
		check_report(&c, CBPF_SEV_ERROR, -1, NULL, "no program");
		return c.err ? c.err : -EINVAL;
	}
	c.insns = cbpf_prog_insns(prog);
	c.len = cbpf_prog_len(prog);

	/* The length comes first in both paths: __get_filter and seccomp_prepare_filter. */
	runnable_len(c.len, CBPF_MAXINSNS, &runnable);

	for (pc = 0; pc < c.len; pc++) {
		const struct cbpf_insn *insn = &c.insns[pc];
		const struct cbpf_opcode_info *info = cbpf_opcode_lookup(insn->code);
		size_t before = c.errors;

		runnable_insn(c.insns, c.len, pc, &runnable);
		if (loop < 0 && insn_back_target(insn, pc, c.len) >= 0)
			loop = (long)pc;
		if (mode == CBPF_CHECK_PCAP && insn_back_target(insn, pc, c.len) >= 0)
			check_report(
				&c, CBPF_SEV_WARNING, (long)pc, RULE_CLASSIC,
				"jump to insn %ld goes backwards: a loop, which libpcap runs in "
				"user space and the kernel's classic loaders refuse",
				insn_back_target(insn, pc, c.len));
		if (!info) {
			structure_ok = false;
			continue;
		}
		check_classic(&c, pc);
		if (c.errors != before && insn_is_jump(insn))
			structure_ok = false;
		if (mode == CBPF_CHECK_SECCOMP)
			check_seccomp(&c, pc, info);
	}
	if (c.len) {
		runnable_last(c.insns, c.len, &runnable);
		check_memory(&c);
	}
	/* After the first backward jump's error: what does run it. */
	if (loop >= 0 && mode == CBPF_CHECK_SOCKET)
		check_report(
			&c, CBPF_SEV_NOTE, loop, NULL,
			"libpcap runs backward jumps in user space (tcpdump's protochain), and "
			"so does cbpf-dbg; cbpf-xlate translates them to eBPF for socket, tc "
			"and XDP as bounded loops");
	/* The translation is defined only for a program that passed everything else. */
	if (!c.errors && !c.err && !loops)
		check_translation(&c);
	if (structure_ok && c.len && c.len <= CBPF_MAXINSNS && !c.err)
		warn_unreachable(&c);

	if (diags && !c.err)
		c.err = sort_new_diags(diags, start);
	if (c.err)
		return c.err;
	return c.errors ? -EINVAL : 0;
}
