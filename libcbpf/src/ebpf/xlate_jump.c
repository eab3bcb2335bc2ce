// SPDX-License-Identifier: MIT
/* The translator's output: instructions, labels, jumps and their layout (far jumps, fusing). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classic/insn_int.h"
#include "ebpf/xlate_int.h"

void xl_emit(struct xl *x, struct cbpf_ebpf_insn insn)
{
	if (x->len == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		struct cbpf_ebpf_insn *out = realloc(x->out, cap * sizeof(*out));
		long *origin;

		if (!out) {
			x->err = -ENOMEM;
			return;
		}
		x->out = out;
		origin = realloc(x->origin, cap * sizeof(*origin));
		if (!origin) {
			x->err = -ENOMEM;
			return;
		}
		x->origin = origin;
		x->cap = cap;
	}
	x->origin[x->len] = x->pc;
	x->out[x->len++] = insn;
}

uint32_t xl_label_new(struct xl *x)
{
	if (x->nlbl == x->caplbl) {
		size_t cap = 2 * x->caplbl;
		size_t *l = realloc(x->lbl, cap * sizeof(*l));

		if (!l) {
			x->err = -ENOMEM;
			return 0;
		}
		x->lbl = l;
		x->caplbl = cap;
	}
	x->lbl[x->nlbl] = (size_t)-1;
	return (uint32_t)x->nlbl++;
}

void xl_label_place(struct xl *x, uint32_t l)
{
	x->lbl[l] = x->len;
}

/* Emits a jump whose offset is resolved once label l is placed. */
static void add_fix(struct xl *x, uint32_t l, bool far, size_t seq)
{
	if (x->nfix == x->capfix) {
		size_t cap = x->capfix ? 2 * x->capfix : 64;
		struct fix *f = realloc(x->fix, cap * sizeof(*f));

		if (!f) {
			x->err = -ENOMEM;
			return;
		}
		x->fix = f;
		x->capfix = cap;
	}
	x->fix[x->nfix++] = (struct fix){ x->len, l, far, seq };
}

/* The condition that holds exactly when op's does not; 0 for JSET, which has none. */
static uint8_t inverse(uint8_t op)
{
	switch (op) {
	case CBPF_JEQ:
		return CBPF_EBPF_JNE;
	case CBPF_EBPF_JNE:
		return CBPF_JEQ;
	case CBPF_JGT:
		return CBPF_EBPF_JLE;
	case CBPF_EBPF_JLE:
		return CBPF_JGT;
	case CBPF_JGE:
		return CBPF_EBPF_JLT;
	case CBPF_EBPF_JLT:
		return CBPF_JGE;
	case CBPF_EBPF_JSGT:
		return CBPF_EBPF_JSLE;
	case CBPF_EBPF_JSLE:
		return CBPF_EBPF_JSGT;
	case CBPF_EBPF_JSGE:
		return CBPF_EBPF_JSLT;
	case CBPF_EBPF_JSLT:
		return CBPF_EBPF_JSGE;
	default:
		return 0;
	}
}

/*
 * Emits a jump whose offset is resolved once label l is placed. A jump found too far for the
 * 16-bit offset in an earlier round (x->far, by its number) becomes a gotol, which reaches
 * 2^31 (Linux 6.4): an unconditional one directly, a conditional one as its inverse over the
 * gotol (JSET, which has no inverse, as jset over a goto over the gotol).
 */
void xl_emit_jump(struct xl *x, struct cbpf_ebpf_insn insn, uint32_t l)
{
	size_t seq = x->njumps++;
	bool cond = insn.code != (CBPF_JMP | CBPF_JA);
	bool far = x->far && seq < x->nfar && x->far[seq];
	uint8_t inv = cond ? inverse(CBPF_OP(insn.code)) : 0;
	bool calm = x->calm && cond && inv && l >= x->n;

	if (!far && !calm) {
		add_fix(x, l, false, seq);
		xl_emit(x, insn);
		return;
	}
	if (cond) {
		insn.off = 1;
		if (inv) {
			insn.code = (uint8_t)(CBPF_CLASS(insn.code) | inv | CBPF_SRC(insn.code));
			xl_emit(x, insn);
		} else {
			xl_emit(x, insn);
			xl_emit(x, E_JA(1));
		}
	}
	add_fix(x, l, far, seq);
	xl_emit(x, far ? ebpf_insn(CBPF_EBPF_JMP32 | CBPF_JA, 0, 0, 0, 0) : E_JA(0));
}

/*
 * The verifier keeps the other side of every conditional jump on a stack until the path it
 * follows ends, and gives up past 8192 (kernel/bpf/verifier.c: BPF_COMPLEXITY_LIMIT_JMP_SEQ).
 * The checks that end the program (bounds, failed helpers, division by zero) would each add
 * one: in a program with that many conditional jumps they are turned around so that the side
 * the verifier follows first is the short one to the exit (x->calm). tc's packet checks, both of
 * whose sides go on, add one each either way.
 */
bool xl_needs_calm(struct xl *x)
{
	size_t conds = 0;

	if (x->calm)
		return false;
	for (size_t i = 0; i < x->len; i++) {
		uint8_t cls = CBPF_CLASS(x->out[i].code), op = CBPF_OP(x->out[i].code);

		conds += (cls == CBPF_JMP || cls == CBPF_EBPF_JMP32) && op != CBPF_JA &&
			 op != CBPF_EBPF_CALL && op != CBPF_EBPF_EXIT;
	}
	x->calm = conds > 4096;
	return x->calm;
}

uint32_t xl_fixed_label(const struct xl *x, int which)
{
	return x->n + (uint32_t)which;
}

/* The label of "the program returns 0": the nomatch action for tc and xdp. */
uint32_t xl_zero_label(const struct xl *x)
{
	return xl_fixed_label(x, x->actions ? LBL_NOMATCH : LBL_ZERO);
}

bool xl_label_used(const struct xl *x, uint32_t l)
{
	for (size_t i = 0; i < x->nfix; i++)
		if (x->fix[i].label == l)
			return true;
	return false;
}

/* Sets every jump's offset; returns false when some are too far, marked for the next round. */
bool xl_resolve_fixups(struct xl *x)
{
	bool again = false;

	for (size_t i = 0; i < x->nfix && !x->err; i++) {
		size_t at = x->fix[i].at, to = x->lbl[x->fix[i].label];
		long off = (long)to - (long)at - 1;

		if (to == (size_t)-1) {
			xl_report(x, x->origin[at], -EINVAL,
				  "internal error: unplaced jump target");
		} else if (x->fix[i].far) {
			x->out[at].imm = (int32_t)off;
		} else if (off >= INT16_MIN && off <= INT16_MAX) {
			x->out[at].off = (int16_t)off;
		} else {
			again = true;
		}
	}
	if (!again || x->err)
		return true;
	/* Which jumps, by the number emit_jump gave them: the same ones next round. */
	{
		bool *far = realloc(x->far, x->njumps * sizeof(*far));

		if (!far) {
			x->err = -ENOMEM;
			return true;
		}
		for (size_t j = x->nfar; j < x->njumps; j++)
			far[j] = false;
		x->far = far;
		x->nfar = x->njumps;
	}
	for (size_t i = 0; i < x->nfix; i++) {
		size_t at = x->fix[i].at, to = x->lbl[x->fix[i].label];
		long off = (long)to - (long)at - 1;

		if (!x->fix[i].far && (off < INT16_MIN || off > INT16_MAX))
			x->far[x->fix[i].seq] = true;
	}
	return false;
}

/* The eBPF successors of instruction i (fallthrough and jump target); returns how many. */
static int ebpf_succ(const struct cbpf_ebpf_insn *in, size_t i, size_t s[2])
{
	uint8_t cls = CBPF_CLASS(in->code), op = CBPF_OP(in->code);

	if (cls != CBPF_JMP && cls != CBPF_EBPF_JMP32) {
		s[0] = i + 1;
		return 1;
	}
	if (op == CBPF_EBPF_EXIT)
		return 0;
	if (op == CBPF_EBPF_CALL) {
		s[0] = i + 1;
		return 1;
	}
	if (op == CBPF_JA) {
		s[0] = (size_t)((long)i + 1 + (cls == CBPF_EBPF_JMP32 ? in->imm : in->off));
		return 1;
	}
	s[0] = i + 1;
	s[1] = (size_t)((long)i + 1 + in->off);
	return 2;
}

/*
 * A conditional jump over a goto becomes the opposite jump to where the goto went, when nothing
 * else jumps to the goto: "if r0 != 0x11 goto pc+1; goto pc+5" is "if r0 == 0x11 goto pc+6".
 * The goto is left going to the next instruction, which xl_compact() drops. Not in a program whose
 * exits were turned around on purpose (x->calm), nor for JSET, which has no opposite.
 */
void xl_fuse_jumps(struct xl *x)
{
	uint8_t *target;

	if (x->calm || x->len < 2)
		return;
	target = calloc(x->len + 1, 1);
	if (!target) {
		x->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < x->len; i++) {
		size_t s[2];
		int ns = ebpf_succ(&x->out[i], i, s);

		for (int j = 0; j < ns; j++)
			if (s[j] != i + 1 && s[j] <= x->len)
				target[s[j]] = 1;
	}
	for (size_t i = 0; i + 1 < x->len; i++) {
		struct cbpf_ebpf_insn *a = &x->out[i], *b = &x->out[i + 1];
		uint8_t cls = CBPF_CLASS(a->code), op = CBPF_OP(a->code), inv = inverse(op);

		if ((cls != CBPF_JMP && cls != CBPF_EBPF_JMP32) || !inv || a->off != 1 ||
		    b->code != (CBPF_JMP | CBPF_JA) || target[i + 1] || b->off >= INT16_MAX ||
		    b->off < 0)
			continue;
		a->code = (uint8_t)(cls | inv | CBPF_SRC(a->code));
		a->off = (int16_t)(b->off + 1);
		b->off = 0;
	}
	free(target);
}

/*
 * Drops the instructions no path reaches: the verifier refuses them ("unreachable insn"), and
 * jumps that go straight to an exit leave some behind (a return reached only by a jump that now
 * goes to the shared exit instead). Jumps are renumbered. Returns whether it removed any.
 */
bool xl_compact(struct xl *x)
{
	uint8_t *reach = calloc(x->len + 1, 1);
	size_t *stack = malloc((x->len + 1) * sizeof(*stack)), *idx;
	size_t top = 0, kept = 0;
	bool removed;

	if (!reach || !stack) {
		free(reach);
		free(stack);
		x->err = -ENOMEM;
		return false;
	}
	if (x->len) {
		reach[0] = 1;
		stack[top++] = 0;
	}
	while (top) {
		size_t i = stack[--top], s[2];
		int ns = ebpf_succ(&x->out[i], i, s);

		for (int j = 0; j < ns; j++)
			if (s[j] < x->len && !reach[s[j]]) {
				reach[s[j]] = 1;
				stack[top++] = s[j];
			}
	}
	/* The new index of every old one; reused from the stack's memory. */
	idx = stack;
	/* A goto to the next instruction goes too (threaded jumps leave some). */
	for (size_t i = 0; i < x->len; i++)
		if (x->out[i].code == (CBPF_JMP | CBPF_JA) && x->out[i].off == 0)
			reach[i] = 0;
	for (size_t i = 0; i < x->len; i++) {
		idx[i] = kept;
		kept += reach[i];
	}
	idx[x->len] = kept;
	for (size_t i = 0; i < x->len; i++) {
		struct cbpf_ebpf_insn *in = &x->out[i];
		uint8_t cls = CBPF_CLASS(in->code), op = CBPF_OP(in->code);

		if (!reach[i])
			continue;
		if (in->code == (CBPF_EBPF_JMP32 | CBPF_JA))
			in->imm = (int32_t)((long)idx[(long)i + 1 + in->imm] - (long)idx[i] - 1);
		else if ((cls == CBPF_JMP || cls == CBPF_EBPF_JMP32) && op != CBPF_EBPF_EXIT &&
			 op != CBPF_EBPF_CALL)
			in->off = (int16_t)((long)idx[(long)i + 1 + in->off] - (long)idx[i] - 1);
		x->out[idx[i]] = *in;
		x->origin[idx[i]] = x->origin[i];
	}
	removed = kept != x->len;
	x->len = kept;
	free(reach);
	free(stack);
	return removed;
}
