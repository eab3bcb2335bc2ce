// SPDX-License-Identifier: MIT
/* The translator: classic BPF to eBPF for socket filters, tc, XDP and seccomp. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "cbpf/xlate.h"
#include "classic/insn_int.h"
#include "classic/prog.h"
#include "classic/runnable.h"
#include "ebpf/ebpf_prog.h"
#include "util/diag_int.h"

/*
 * The machine (the kernel's own choice in net/core/filter.c: bpf_convert_filter): A is r0, so
 * that loads, helper results and the return value need no moves; X is r7; the context is r6 when
 * a helper call or LD_ABS/LD_IND (which clobber r1-r5) would lose it, r1 otherwise; M[k] is the
 * 32-bit stack slot at fp - 4 * (k + 1). XDP keeps the packet's start and end in r8 and r9; tc and
 * socket use r8 to keep A across a load that must not clobber it. r1-r5 are scratch.
 *
 * A and X hold zero-extended 32-bit values at all times (every instruction that writes them is a
 * 32-bit operation or a zero-extending load), so 64-bit compares and moves on them are exact.
 */
#define RA    CBPF_EBPF_R0
#define RX    CBPF_EBPF_R7
#define RSAVE CBPF_EBPF_R8
#define RDATA CBPF_EBPF_R8
#define REND  CBPF_EBPF_R9
#define FP    CBPF_EBPF_R10

#define ETH_HLEN_XDP 14	    /* XDP: the network header is taken to follow an Ethernet header */
#define MAX_PKT_OFF  0xffff /* the verifier's MAX_PACKET_OFF */

/* tc: packet bytes [0, TC_BUF) are fetched to fixed stack places; one 8-byte slot for the rest. */
#define TC_BUF	      256
#define STACK_M	      64		       /* M[0..15] */
#define STACK_SCRATCH (STACK_M + 8)	       /* fp - 72 */
#define STACK_BUF     (STACK_SCRATCH + TC_BUF) /* packet byte 0 at fp - 328, or up to 3 below */

static int16_t mem_off(uint32_t k)
{
	return (int16_t)(-4 * (int)(k + 1));
}

/* Per classic instruction. */
#define F_LEADER  0x01 /* starts a straight run: a jump target or after a jump or return */
#define F_REACHED 0x02 /* some path from the start gets here (and is emitted) */
#define F_FIRST	  0x08 /* tc/xdp: the first buffered load of its run: the fetch/check goes here */

#define LIVE_A 1
#define LIVE_X 2

struct range {
	uint32_t lo, hi;
};

static const struct range R_ALL = {0, UINT32_MAX};

/* What is known on entry to an instruction, from every path that reaches it. */
struct state {
	struct range a, x;
	uint16_t mem; /* M[k] written on every path */
	uint32_t hi;  /* xdp: bytes [0, hi) checked; tc: bytes [0, hi) in the stack buffer */
};

struct fix {
	size_t at; /* the jump instruction */
	uint32_t label;
	bool far;   /* a gotol (BPF_JMP32 | BPF_JA), its offset in imm */
	size_t seq; /* which emit_jump call made it */
};

enum { LBL_ZERO, LBL_MATCH, LBL_NOMATCH, NLBL_FIXED };

struct xl {
	const struct cbpf_prog *prog;
	const struct cbpf_insn *ci;
	uint32_t n;
	enum cbpf_target target;
	bool actions; /* tc (direct action) and xdp: results become match/nomatch actions */
	int32_t match, nomatch;
	struct cbpf_diags *diags;

	uint8_t *flags;
	uint8_t *live;	   /* A and X live after each instruction */
	struct state *in;  /* valid where F_REACHED */
	uint32_t *need_hi; /* at F_FIRST: where the run's last buffered load ends */
	uint32_t *guard;   /* xdp, tc: below this length the program from here returns 0 */
	uint32_t *check;   /* xdp, tc, at F_FIRST: the bytes its check or fetch ends at; 0: none */
	uint32_t *dest;	   /* where a jump to each instruction goes (a label) */
	uint8_t live0;	   /* A and X live at the start */
	uint16_t mem_zero; /* M[k] possibly read before any write: zeroed in the prologue */
	unsigned ctx;	   /* r1 or r6 */
	int bufbase;	   /* tc: packet byte p is at fp - bufbase + p */
	bool calls;	   /* a helper call or LD_ABS exists */
	bool packet;	   /* xdp: r8/r9 are needed */

	struct cbpf_ebpf_insn *out;
	long *origin;
	size_t len, cap;
	long pc; /* the classic instruction being emitted, -1 outside */

	size_t *lbl; /* label positions, (size_t)-1 until placed; 0..n-1 are classic pcs */
	size_t nlbl, caplbl;
	struct fix *fix;
	size_t nfix, capfix;
	size_t njumps; /* emit_jump calls so far: the same jumps in the same order each round */
	bool *far;     /* by that number: jumps to emit as gotol; NULL until one is too far */
	size_t nfar;
	bool calm;    /* exits reached by the fallthrough side (see needs_calm) */
	long ret0_at; /* where the first ret #0 (socket, seccomp, --classid) was emitted, or -1 */
	int err;
};

/* ---------------------------------------------------------------- diagnostics */

/* A load of an ancillary field, not of packet bytes. */
static bool is_anc(uint32_t k)
{
	return insn_anc(k) != NULL;
}

static void report(struct xl *x, long pc, int err, const char *fmt, ...) CBPF_PRINTF(4, 5);
static void report(struct xl *x, long pc, int err, const char *fmt, ...)
{
	const struct cbpf_srcloc *loc = pc >= 0 ? cbpf_prog_srcloc(x->prog, (size_t)pc) : NULL;
	va_list ap;

	va_start(ap, fmt);
	if (diags_vadd(x->diags, CBPF_SEV_ERROR, cbpf_prog_file(x->prog), loc ? loc->line : 0,
		       loc ? loc->col : 0, loc ? loc->len : 0, pc, fmt, ap))
		err = -ENOMEM;
	va_end(ap);
	if (!x->err || x->err == -EINVAL)
		x->err = err;
}

/* ---------------------------------------------------------------- emitting */

static void emit(struct xl *x, struct cbpf_ebpf_insn insn)
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

static uint32_t label_new(struct xl *x)
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

static void label_place(struct xl *x, uint32_t l)
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
	x->fix[x->nfix++] = (struct fix){x->len, l, far, seq};
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
static void emit_jump(struct xl *x, struct cbpf_ebpf_insn insn, uint32_t l)
{
	size_t seq = x->njumps++;
	bool cond = insn.code != (CBPF_JMP | CBPF_JA);
	bool far = x->far && seq < x->nfar && x->far[seq];
	uint8_t inv = cond ? inverse(CBPF_OP(insn.code)) : 0;
	bool calm = x->calm && cond && inv && l >= x->n;

	if (!far && !calm) {
		add_fix(x, l, false, seq);
		emit(x, insn);
		return;
	}
	if (cond) {
		insn.off = 1;
		if (inv) {
			insn.code = (uint8_t)(CBPF_CLASS(insn.code) | inv | CBPF_SRC(insn.code));
			emit(x, insn);
		} else {
			emit(x, insn);
			emit(x, E_JA(1));
		}
	}
	add_fix(x, l, far, seq);
	emit(x, far ? ebpf_insn(CBPF_EBPF_JMP32 | CBPF_JA, 0, 0, 0, 0) : E_JA(0));
}

/*
 * The verifier keeps the other side of every conditional jump on a stack until the path it
 * follows ends, and gives up past 8192 (kernel/bpf/verifier.c: BPF_COMPLEXITY_LIMIT_JMP_SEQ).
 * The checks that end the program (bounds, fetches, division by zero) would each add one: in a
 * program with that many conditional jumps they are turned around so that the side the
 * verifier follows first is the short one to the exit (x->calm).
 */
static bool needs_calm(struct xl *x)
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

static uint32_t fixed_label(const struct xl *x, int which)
{
	return x->n + (uint32_t)which;
}

/* The label of "the program returns 0": the nomatch action for tc and xdp. */
static uint32_t zero_label(const struct xl *x)
{
	return fixed_label(x, x->actions ? LBL_NOMATCH : LBL_ZERO);
}

/* ---------------------------------------------------------------- what instructions do */

static bool is_abs(uint16_t code)
{
	return CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_ABS;
}

static bool is_msh(uint16_t code)
{
	return code == (CBPF_LDX | CBPF_B | CBPF_MSH);
}

static uint32_t load_size(uint16_t code)
{
	switch (CBPF_SIZE(code)) {
	case CBPF_H:
		return 2;
	case CBPF_B:
		return 1;
	default:
		return 4;
	}
}

/* An absolute load of packet bytes (not an ancillary field), or ldxb 4*([k]&0xf). */
static bool is_packet_abs(const struct cbpf_insn *in)
{
	return (is_abs(in->code) && !is_anc(in->k)) || is_msh(in->code);
}

/*
 * xdp: where an absolute load at k reads, from the start of the frame. The link-layer header is
 * the start (SKF_LL_OFF), the network header 14 bytes in (SKF_NET_OFF). False when no frame can
 * hold it: below SKF_LL_OFF, or past the verifier's MAX_PACKET_OFF (XDP frames are a page).
 */
static bool xdp_rel(uint32_t k, uint32_t size, uint32_t *off)
{
	int32_t sk = (int32_t)k;
	uint64_t o;

	if (sk >= 0)
		o = k;
	else if (sk >= CBPF_NET_OFF)
		o = (uint64_t)ETH_HLEN_XDP + (uint32_t)(sk - CBPF_NET_OFF);
	else if (sk >= CBPF_LL_OFF)
		o = (uint32_t)(sk - CBPF_LL_OFF);
	else
		return false;
	if (o + size > MAX_PKT_OFF)
		return false;
	*off = (uint32_t)o;
	return true;
}

/* tc: an absolute load whose bytes go through the stack buffer. */
static bool tc_buffered(uint32_t k, uint32_t size)
{
	return (int32_t)k >= 0 && k + size <= TC_BUF;
}

/* The instruction always ends the program with 0, whatever the packet. */
static bool doomed(const struct xl *x, const struct cbpf_insn *in)
{
	uint16_t code = in->code;
	uint32_t off;

	if (CBPF_CLASS(code) == CBPF_ALU && CBPF_SRC(code) == CBPF_K &&
	    (CBPF_OP(code) == CBPF_DIV || CBPF_OP(code) == CBPF_MOD) && in->k == 0)
		return true;
	if (x->target == CBPF_TARGET_SECCOMP) {
		/* kernel/seccomp.c: only aligned words of struct seccomp_data can be read. */
		if (code == (CBPF_LD | CBPF_W | CBPF_ABS))
			return in->k >= 64 || in->k % 4;
		return (CBPF_CLASS(code) == CBPF_LD &&
			(CBPF_MODE(code) == CBPF_ABS || CBPF_MODE(code) == CBPF_IND)) ||
		       is_msh(code);
	}
	if (!is_packet_abs(in))
		return false;
	if (x->target == CBPF_TARGET_XDP)
		return !xdp_rel(in->k, is_msh(code) ? 1 : load_size(code), &off);
	/* Below SKF_LL_OFF net/core/filter.c: bpf_internal_load_pointer_neg_helper finds nothing
	 * and the program returns 0; LD_ABS would end the same way at run time, but what follows,
	 * never run, need not be translatable (ld #nla). */
	return (int32_t)in->k < CBPF_LL_OFF;
}

/* The registers an instruction reads and writes (LIVE_A, LIVE_X). */
static void use_def(const struct xl *x, const struct cbpf_insn *in, unsigned *use, unsigned *def)
{
	uint16_t code = in->code;

	*use = *def = 0;
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		*def = LIVE_A;
		if (CBPF_MODE(code) == CBPF_IND)
			*use = LIVE_X;
		if (is_abs(code) && in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_ALU_XOR_X))
			*use = LIVE_A | LIVE_X;
		/* Without a device, ld #ifidx ends a socket filter returning A. */
		if (is_abs(code) && in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_IFINDEX) &&
		    x->target == CBPF_TARGET_SOCKET)
			*use = LIVE_A;
		break;
	case CBPF_LDX:
		*def = LIVE_X;
		break;
	case CBPF_ST:
		*use = LIVE_A;
		break;
	case CBPF_STX:
		*use = LIVE_X;
		break;
	case CBPF_ALU:
		*use = LIVE_A |
		       (CBPF_SRC(code) == CBPF_X && CBPF_OP(code) != CBPF_NEG ? LIVE_X : 0);
		*def = LIVE_A;
		break;
	case CBPF_JMP:
		if (CBPF_OP(code) != CBPF_JA)
			*use = LIVE_A | (CBPF_SRC(code) == CBPF_X ? LIVE_X : 0);
		break;
	case CBPF_RET:
		if (CBPF_RVAL(code) == CBPF_A)
			*use = LIVE_A;
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TAX) {
			*use = LIVE_A;
			*def = LIVE_X;
		} else {
			*use = LIVE_X;
			*def = LIVE_A;
		}
		break;
	}
}

/* The successors of instruction i, each once: up to two, in *s; returns how many. */
static int successors(const struct xl *x, uint32_t i, uint32_t s[2])
{
	uint64_t t[2];
	unsigned n = insn_successors(&x->ci[i], i, t);

	/* Inside the program: what cannot run was refused first. */
	s[0] = (uint32_t)t[0];
	s[1] = (uint32_t)t[1];
	return n == 2 && s[0] == s[1] ? 1 : (int)n;
}

/* ---------------------------------------------------------------- analysis */

/* What cbpf_vm_new also refuses: the program cannot run at all. */
static int refuse(void *ctx, enum runnable_problem what, long pc, const char *msg)
{
	struct xl *x = ctx;

	(void)what;
	report(x, pc, -EINVAL, "%s", msg);
	return x->err == -ENOMEM ? -ENOMEM : 0;
}

/* What cannot run at all is refused in the validator's words (classic/runnable.c). */
static void check_structure(struct xl *x)
{
	struct runnable_report r = { refuse, x };

	prog_runnable(x->ci, x->n, CBPF_MAXINSNS, &r);
}

static void mark_leaders(struct xl *x)
{
	x->flags[0] |= F_LEADER;
	for (uint32_t i = 0; i < x->n; i++) {
		uint32_t s[2];
		int ns;

		if (!insn_is_jump(&x->ci[i]) && !insn_is_ret(&x->ci[i]))
			continue;
		if (i + 1 < x->n)
			x->flags[i + 1] |= F_LEADER;
		ns = successors(x, i, s);
		for (int j = 0; j < ns; j++)
			x->flags[s[j]] |= F_LEADER;
	}
}

/* Backward: A and X live after each instruction (all jumps go forward: one pass). */
static void liveness(struct xl *x)
{
	uint8_t *live_in = calloc(x->n, 1);

	if (!live_in) {
		x->err = -ENOMEM;
		return;
	}
	for (uint32_t i = x->n; i-- > 0;) {
		unsigned use, def, out = 0;
		uint32_t s[2];
		int ns = successors(x, i, s);

		if (doomed(x, &x->ci[i]))
			ns = 0;
		for (int j = 0; j < ns; j++)
			out |= live_in[s[j]];
		use_def(x, &x->ci[i], &use, &def);
		x->live[i] = (uint8_t)out;
		live_in[i] = (uint8_t)(use | (out & ~def));
	}
	x->live0 = live_in[0]; /* A and X read before written: they need their initial zero */
	free(live_in);
}

/*
 * xdp and tc: the loads whose bytes one check (xdp) or one fetch (tc) per straight run provides,
 * and where their bytes end. Both keep bytes [0, end): xdp checks the frame is that long, tc
 * fetches the bytes still missing of them into the stack (fetching from 0 rather than from the
 * run's first byte costs a few bytes of copying and lets later runs find theirs there).
 */
static bool run_load(const struct xl *x, const struct cbpf_insn *in, uint32_t *end)
{
	uint32_t size = is_msh(in->code) ? 1 : load_size(in->code), off;

	if (!is_packet_abs(in))
		return false;
	if (x->target == CBPF_TARGET_XDP && xdp_rel(in->k, size, &off)) {
		*end = off + size;
		return true;
	}
	if (x->target == CBPF_TARGET_TC && tc_buffered(in->k, size)) {
		*end = in->k + size;
		return true;
	}
	return false;
}

#define GUARD_ALL UINT32_MAX /* every frame: the program returns 0 from here */

/*
 * xdp and tc, backward: guard[i] is a packet length below which the program from instruction i
 * returns 0, whatever A, X and M[] are: a load of bytes [0, end) fails below end and otherwise
 * goes on, a conditional jump guards what both its sides do, ret #0 and a doomed instruction
 * every length, another return none. A bounds check (xdp) or a fetch into the stack (tc, whose
 * bpf_skb_load_bytes() fails exactly when a load would) may then ask for guard[i] bytes instead
 * of its run's own: where it fails the program would have returned 0 anyway, and later runs
 * need no check or fetch of their own (cbpfc's "guaranteed guards": a bounds check rises above
 * the branches whose other side returns no match).
 */
static void guards(struct xl *x)
{
	if (x->target != CBPF_TARGET_XDP && x->target != CBPF_TARGET_TC)
		return;
	for (uint32_t i = x->n; i-- > 0;) {
		const struct cbpf_insn *in = &x->ci[i];
		uint32_t g, end, s[2];
		int ns;

		if (doomed(x, in)) {
			g = GUARD_ALL;
		} else if (insn_is_ret(in)) {
			g = in->code == (CBPF_RET | CBPF_K) && !in->k ? GUARD_ALL : 0;
		} else {
			ns = successors(x, i, s);
			g = x->guard[s[0]];
			if (ns == 2 && x->guard[s[1]] < g)
				g = x->guard[s[1]];
			if (run_load(x, in, &end) && end > g)
				g = end;
		}
		x->guard[i] = g;
	}
}

/* Per straight run: the extent of its loads, kept at the first of them (F_FIRST). */
static void run_needs(struct xl *x)
{
	if (x->target != CBPF_TARGET_XDP && x->target != CBPF_TARGET_TC)
		return;
	for (uint32_t i = 0; i < x->n;) {
		uint32_t j = i, hi = 0, end;
		long first = -1;
		bool stop = false;

		do {
			if (doomed(x, &x->ci[j])) {
				stop = true; /* nothing after it in the run ever runs */
			} else if (!stop && run_load(x, &x->ci[j], &end)) {
				hi = end > hi ? end : hi;
				if (first < 0)
					first = j;
			}
			j++;
		} while (j < x->n && !(x->flags[j] & F_LEADER));
		if (first >= 0) {
			x->flags[first] |= F_FIRST;
			x->need_hi[first] = hi;
		}
		i = j;
	}
}

static struct range rconst(uint32_t k)
{
	return (struct range){k, k};
}

/* A bound on the result of a 32-bit ALU operation; R_ALL when there is none worth having. */
static struct range alu_range(uint8_t op, struct range a, struct range b)
{
	uint64_t hi;

	switch (op) {
	case CBPF_ADD:
		if ((uint64_t)a.hi + b.hi <= UINT32_MAX)
			return (struct range){a.lo + b.lo, a.hi + b.hi};
		break;
	case CBPF_SUB:
		if (a.lo >= b.hi)
			return (struct range){a.lo - b.hi, a.hi - b.lo};
		break;
	case CBPF_MUL:
		if ((uint64_t)a.hi * b.hi <= UINT32_MAX)
			return (struct range){a.lo * b.lo, a.hi * b.hi};
		break;
	case CBPF_DIV:
		if (b.hi)
			return (struct range){a.lo / b.hi, a.hi / (b.lo ? b.lo : 1)};
		break;
	case CBPF_MOD:
		if (b.hi)
			return (struct range){0, a.hi < b.hi - 1 ? a.hi : b.hi - 1};
		break;
	case CBPF_AND:
		return (struct range){0, a.hi < b.hi ? a.hi : b.hi};
	case CBPF_OR:
	case CBPF_XOR:
		hi = a.hi > b.hi ? a.hi : b.hi;
		for (uint64_t m = 1;; m <<= 1)
			if (m > hi)
				return (struct range){0, (uint32_t)(m - 1)};
		break;
	case CBPF_LSH:
		if (b.lo == b.hi && ((uint64_t)a.hi << (b.lo & 31)) <= UINT32_MAX)
			return (struct range){a.lo << (b.lo & 31), a.hi << (b.lo & 31)};
		break;
	case CBPF_RSH:
		if (b.lo == b.hi)
			return (struct range){a.lo >> (b.lo & 31), a.hi >> (b.lo & 31)};
		return (struct range){0, a.hi};
	case CBPF_NEG:
		if (a.hi == 0)
			return a;
		break;
	}
	return R_ALL;
}

/* The value range an ancillary load gives. */
static struct range anc_range(uint32_t k)
{
	switch (k - (uint32_t)CBPF_AD_OFF) {
	case CBPF_AD_PROTOCOL:
	case CBPF_AD_VLAN_TAG:
	case CBPF_AD_VLAN_TPID:
	case CBPF_AD_QUEUE:
		return (struct range){0, 0xffff};
	case CBPF_AD_PKTTYPE:
		return (struct range){0, 7};
	case CBPF_AD_VLAN_TAG_PRESENT:
		return (struct range){0, 1};
	default:
		return R_ALL;
	}
}

static struct range load_range(const struct xl *x, const struct cbpf_insn *in)
{
	uint8_t mode = CBPF_MODE(in->code);

	if (mode == CBPF_IMM)
		return rconst(in->k);
	if (mode == CBPF_LEN)
		return x->target == CBPF_TARGET_SECCOMP ? rconst(64) : R_ALL;
	if (mode == CBPF_MSH)
		return (struct range){0, 60};
	if (mode == CBPF_ABS && is_anc(in->k))
		return anc_range(in->k);
	if (mode != CBPF_ABS && mode != CBPF_IND)
		return R_ALL;
	if (CBPF_SIZE(in->code) == CBPF_H)
		return (struct range){0, 0xffff};
	if (CBPF_SIZE(in->code) == CBPF_B)
		return (struct range){0, 0xff};
	return R_ALL;
}

static void meet(struct state *into, const struct state *s)
{
	into->a.lo = s->a.lo < into->a.lo ? s->a.lo : into->a.lo;
	into->a.hi = s->a.hi > into->a.hi ? s->a.hi : into->a.hi;
	into->x.lo = s->x.lo < into->x.lo ? s->x.lo : into->x.lo;
	into->x.hi = s->x.hi > into->x.hi ? s->x.hi : into->x.hi;
	into->mem &= s->mem;
	into->hi = s->hi < into->hi ? s->hi : into->hi;
}

/*
 * Forward, in program order (every jump goes forward, so a state is complete when reached):
 * which instructions run, what is known on entry to each (ranges of A and X, M[] written, the
 * packet bytes checked or fetched), and which M[k] may be read unwritten.
 */
static void forward(struct xl *x)
{
	bool *has = calloc(x->n, sizeof(*has));

	if (!has) {
		x->err = -ENOMEM;
		return;
	}
	x->in[0] = (struct state){rconst(0), rconst(0), 0, 0};
	has[0] = true;
	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		struct state st;
		uint32_t s[2];
		int ns;

		if (!has[i])
			continue;
		x->flags[i] |= F_REACHED;
		if (doomed(x, in))
			continue;
		st = x->in[i];
		switch (CBPF_CLASS(in->code)) {
		case CBPF_LD:
		case CBPF_LDX:
			if (CBPF_MODE(in->code) == CBPF_MEM && !(st.mem & (1u << in->k)))
				x->mem_zero |= (uint16_t)(1u << in->k);
			if (CBPF_CLASS(in->code) == CBPF_LD)
				st.a = load_range(x, in);
			else
				st.x = load_range(x, in);
			break;
		case CBPF_ST:
		case CBPF_STX:
			st.mem |= (uint16_t)(1u << in->k);
			break;
		case CBPF_ALU:
			st.a = alu_range(CBPF_OP(in->code), st.a,
					 CBPF_SRC(in->code) == CBPF_X ? st.x : rconst(in->k));
			break;
		case CBPF_MISC:
			if (CBPF_MISCOP(in->code) == CBPF_TAX)
				st.x = st.a;
			else
				st.a = st.x;
			break;
		}
		if ((x->flags[i] & F_FIRST) && x->need_hi[i] > st.hi) {
			st.hi = x->need_hi[i];
			if (x->guard[i] != GUARD_ALL && x->guard[i] > st.hi)
				st.hi = x->guard[i];
			x->check[i] = st.hi;
		}
		ns = successors(x, i, s);
		for (int j = 0; j < ns; j++) {
			if (!has[s[j]]) {
				x->in[s[j]] = st;
				has[s[j]] = true;
			} else {
				meet(&x->in[s[j]], &st);
			}
		}
	}
	free(has);
}

/* ---------------------------------------------------------------- emitting instructions */

/*
 * Where a jump to classic instruction t really goes: through ja chains, to the shared exit of a
 * statically doomed instruction, and for tc and xdp straight to the match or nomatch exit when t
 * returns a constant.
 */
static uint32_t resolve(const struct xl *x, uint32_t t)
{
	return x->dest[t];
}

/* Backward, so that a ja's target is known before the ja: linear however long the chains. */
static void compute_dests(struct xl *x)
{
	for (uint32_t t = x->n; t-- > 0;) {
		const struct cbpf_insn *in = &x->ci[t];

		if (x->actions && in->code == (CBPF_RET | CBPF_K))
			x->dest[t] = fixed_label(x, in->k ? LBL_MATCH : LBL_NOMATCH);
		else if (doomed(x, in))
			x->dest[t] = zero_label(x);
		else if (in->code == (CBPF_JMP | CBPF_JA))
			x->dest[t] = x->dest[t + 1 + in->k];
		else
			x->dest[t] = t;
	}
}

static void emit_be(struct xl *x, unsigned reg, uint32_t size)
{
	if (size > 1)
		emit(x, E_BE(reg, (int32_t)(8 * size)));
}

static uint8_t ebpf_size(uint32_t size)
{
	return size == 1 ? CBPF_B : size == 2 ? CBPF_H : CBPF_W;
}

/*
 * reg = the length of the packet. XDP asks a helper rather than subtracting data from data_end:
 * the verifier lets only loaders with CAP_PERFMON subtract pointers ("pointer -= pointer
 * prohibited"); the helper's length is the same for the linear frames XDP gives programs loaded
 * without BPF_F_XDP_HAS_FRAGS. Its call keeps r6-r9 and clobbers A (r0): ldx keeps A on the stack.
 */
static void emit_len(struct xl *x, uint32_t i, unsigned reg)
{
	bool save_a = reg != RA && (x->live[i] & LIVE_A);

	switch (x->target) {
	case CBPF_TARGET_XDP:
		if (save_a)
			emit(x, E_STX(CBPF_W, FP, RA, -STACK_SCRATCH));
		emit(x, E_MOV64_REG(CBPF_EBPF_R1, x->ctx));
		emit(x, E_CALL(CBPF_EBPF_FUNC_XDP_GET_BUFF_LEN));
		if (reg != RA)
			emit(x, E_MOV32_REG(reg, RA));
		if (save_a)
			emit(x, E_LDX(CBPF_W, RA, FP, -STACK_SCRATCH));
		break;
	case CBPF_TARGET_SECCOMP:
		emit(x, E_MOV32_IMM(reg, 64)); /* kernel/seccomp.c: sizeof(struct seccomp_data) */
		break;
	default:
		emit(x, E_LDX(CBPF_W, reg, x->ctx, offsetof(struct __sk_buff, len)));
		break;
	}
}

/* xdp: the check that the frame holds the run's bytes, unless every path checked enough. */
static void emit_xdp_check(struct xl *x, uint32_t i)
{
	if (!(x->flags[i] & F_FIRST) || !x->check[i])
		return;
	emit(x, E_MOV64_REG(CBPF_EBPF_R1, RDATA));
	emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, (int32_t)x->check[i]));
	emit_jump(x, E_JMP_REG(CBPF_JGT, CBPF_EBPF_R1, REND, 0), zero_label(x));
}

/* xdp: dst = the size bytes at frame offset off, checked already. */
static void emit_xdp_load(struct xl *x, unsigned dst, uint32_t off, uint32_t size)
{
	if (off <= INT16_MAX) {
		emit(x, E_LDX(ebpf_size(size), dst, RDATA, (int16_t)off));
	} else {
		emit(x, E_MOV64_REG(CBPF_EBPF_R1, RDATA));
		emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, (int32_t)off));
		emit(x, E_LDX(ebpf_size(size), dst, CBPF_EBPF_R1, 0));
	}
	emit_be(x, dst, size);
}

/* r1 = ctx, r3 = fp + stack, r4 = len: the arguments of the load helpers but the offset. */
static void emit_helper_args(struct xl *x, int16_t stack, uint32_t len)
{
	emit(x, E_MOV64_REG(CBPF_EBPF_R1, x->ctx));
	emit(x, E_MOV64_REG(CBPF_EBPF_R3, FP));
	emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R3, stack));
	emit(x, E_MOV64_IMM(CBPF_EBPF_R4, (int32_t)len));
}

static int16_t buf_off(const struct xl *x, uint32_t p)
{
	return (int16_t)(-x->bufbase + (int)p);
}

/*
 * tc: the verifier wants stack accesses aligned to their size, and packet fields are aligned to
 * the network header, not to the frame: after a 14-byte Ethernet header the IPv4 addresses are 2
 * bytes off. Where packet byte 0 goes (fp - 328 to fp - 331) is chosen so that most loads are
 * aligned; the rest are put together from smaller ones.
 */
static void choose_bufbase(struct xl *x)
{
	unsigned cost[4] = {0}, best = 2;

	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		uint32_t size = is_msh(in->code) ? 1 : load_size(in->code);

		if (!(x->flags[i] & F_REACHED) || !is_packet_abs(in) || !tc_buffered(in->k, size))
			continue;
		for (unsigned r = 0; r < 4; r++)
			if ((in->k - r) % size)
				cost[r] += size == 4 ? 5 + (in->k - r) % 2 : 3;
	}
	for (unsigned r = 0; r < 4; r++)
		if (cost[r] < cost[best])
			best = r;
	x->bufbase = STACK_BUF + (int)best;
}

/* dst = the size bytes at fp + off, big-endian, in aligned pieces (r1 is scratch). */
static void emit_stack_load(struct xl *x, unsigned dst, int16_t off, uint32_t size)
{
	unsigned tmp = CBPF_EBPF_R1;

	if (size == 1 || off % (int)size == 0) {
		emit(x, E_LDX(ebpf_size(size), dst, FP, off));
		emit_be(x, dst, size);
	} else if (size == 4 && off % 2 == 0) {
		emit(x, E_LDX(CBPF_H, dst, FP, off));
		emit_be(x, dst, 2);
		emit(x, E_ALU32_IMM(CBPF_LSH, dst, 16));
		emit(x, E_LDX(CBPF_H, tmp, FP, (int16_t)(off + 2)));
		emit_be(x, tmp, 2);
		emit(x, E_ALU32_REG(CBPF_OR, dst, tmp));
	} else {
		emit(x, E_LDX(CBPF_B, dst, FP, off));
		for (uint32_t b = 1; b < size; b++) {
			emit(x, E_ALU32_IMM(CBPF_LSH, dst, 8));
			emit(x, E_LDX(CBPF_B, tmp, FP, (int16_t)(off + (int)b)));
			emit(x, E_ALU32_REG(CBPF_OR, dst, tmp));
		}
	}
}

/*
 * tc: the fetch of the bytes up to the run's last into the stack buffer, from where what every
 * path fetched already ends. It fails exactly when a load of the run would be out of bounds.
 */
static void emit_tc_fetch(struct xl *x, uint32_t i, bool save_a)
{
	uint32_t from = x->in[i].hi, to = x->check[i];

	if (!(x->flags[i] & F_FIRST) || !to)
		return;
	if (save_a)
		emit(x, E_MOV32_REG(RSAVE, RA));
	emit(x, E_MOV64_IMM(CBPF_EBPF_R2, (int32_t)from));
	emit_helper_args(x, buf_off(x, from), to - from);
	emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
	emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), zero_label(x));
	if (save_a)
		emit(x, E_MOV32_REG(RA, RSAVE));
}

/*
 * tc: dst = the size bytes at absolute offset k outside the buffer, through the scratch slot:
 * bpf_skb_load_bytes() for k >= 0, bpf_skb_load_bytes_relative() from the network or link-layer
 * header for SKF_NET_OFF and SKF_LL_OFF (net/core/filter.c:
 * bpf_internal_load_pointer_neg_helper reads the same bytes; the helper refuses offsets past
 * 0xffff from the header).
 */
static void emit_tc_single(struct xl *x, uint32_t k, uint32_t size, unsigned dst, bool save_a)
{
	int32_t sk = (int32_t)k;

	if (save_a)
		emit(x, E_MOV32_REG(RSAVE, RA));
	if (sk >= 0)
		emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk));
	else if (sk >= CBPF_NET_OFF)
		emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk - CBPF_NET_OFF));
	else
		emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk - CBPF_LL_OFF));
	emit_helper_args(x, -STACK_SCRATCH, size);
	if (sk >= 0) {
		emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
	} else {
		emit(x, E_MOV64_IMM(CBPF_EBPF_R5, sk >= CBPF_NET_OFF ? CBPF_EBPF_HDR_START_NET
								     : CBPF_EBPF_HDR_START_MAC));
		emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE));
	}
	emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), zero_label(x));
	if (save_a)
		emit(x, E_MOV32_REG(RA, RSAVE));
	emit(x, E_LDX(ebpf_size(size), dst, FP, -STACK_SCRATCH));
	emit_be(x, dst, size);
}

/* ld/ldh/ldb [k] and ldxb 4*([k]&0xf) reading into dst (r0 or r7). */
static void emit_abs(struct xl *x, uint32_t i, unsigned dst, uint32_t size, bool save_a)
{
	uint32_t k = x->ci[i].k, off = 0;

	switch (x->target) {
	case CBPF_TARGET_SOCKET:
		emit(x, E_LD_ABS(ebpf_size(size), (int32_t)k));
		break;
	case CBPF_TARGET_SECCOMP:
		emit(x, E_LDX(CBPF_W, dst, x->ctx, (int16_t)k));
		break;
	case CBPF_TARGET_XDP:
		xdp_rel(k, size, &off);
		emit_xdp_check(x, i);
		emit_xdp_load(x, dst, off, size);
		break;
	case CBPF_TARGET_TC:
		if (tc_buffered(k, size)) {
			emit_tc_fetch(x, i, save_a);
			emit_stack_load(x, dst, buf_off(x, k), size);
		} else {
			emit_tc_single(x, k, size, dst, save_a);
		}
		break;
	}
}

/*
 * reg = X + k in 32 bits. As k + X rather than X + k: the verifier links a register copied from
 * another and then offset by a constant to the original, and then refuses to add it to a packet
 * pointer ("pkt pointer offset ... is not allowed").
 */
static void emit_offset(struct xl *x, unsigned reg, uint32_t k)
{
	if (!k) {
		emit(x, E_MOV32_REG(reg, RX));
		return;
	}
	emit(x, E_MOV32_IMM(reg, (int32_t)k));
	emit(x, E_ALU32_REG(CBPF_ADD, reg, RX));
}

static bool x_nonneg(const struct xl *x, uint32_t i)
{
	return (uint64_t)x->in[i].x.hi + x->ci[i].k <= INT32_MAX;
}

/*
 * ld/ldh/ldb [x + k]. The offset is (int32_t)(X + k), computed in 32 bits like the kernel's
 * int offset argument: it may wrap, or land in SKF_NET_OFF or SKF_LL_OFF. When the known range of
 * X rules that out, only the non-negative case is emitted.
 */
static void emit_ind(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint32_t size = load_size(in->code);
	bool fast = x_nonneg(x, i);
	uint32_t lpos, lnet, lneg, lrel, lchk;

	switch (x->target) {
	case CBPF_TARGET_SOCKET:
		emit(x, E_LD_IND(ebpf_size(size), RX, (int32_t)in->k));
		return;
	case CBPF_TARGET_XDP:
		/* Through bpf_xdp_load_bytes(): a packet pointer plus a variable offset is refused
		 * to loaders without CAP_PERFMON ("pointer arithmetic with it prohibited for
		 * !root"), a helper call is not. It fails past the frame and past 0xffff. */
		emit_offset(x, CBPF_EBPF_R2, in->k);
		if (!fast) {
			lpos = label_new(x);
			lnet = label_new(x);
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lpos);
			emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, -CBPF_NET_OFF));
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lnet);
			emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, CBPF_NET_OFF - CBPF_LL_OFF));
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0),
				  zero_label(x));
			emit_jump(x, E_JA(0), lpos);
			label_place(x, lnet);
			emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, ETH_HLEN_XDP));
			label_place(x, lpos);
		}
		emit_helper_args(x, -STACK_SCRATCH, size);
		emit(x, E_CALL(CBPF_EBPF_FUNC_XDP_LOAD_BYTES));
		emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), zero_label(x));
		emit(x, E_LDX(ebpf_size(size), RA, FP, -STACK_SCRATCH));
		emit_be(x, RA, size);
		return;
	case CBPF_TARGET_TC:
		emit_offset(x, CBPF_EBPF_R2, in->k);
		emit_helper_args(x, -STACK_SCRATCH, size);
		if (fast) {
			emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
		} else {
			lneg = label_new(x);
			lrel = label_new(x);
			lchk = label_new(x);
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0), lneg);
			emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
			emit_jump(x, E_JA(0), lchk);
			label_place(x, lneg);
			emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, -CBPF_NET_OFF));
			emit(x, E_MOV64_IMM(CBPF_EBPF_R5, CBPF_EBPF_HDR_START_NET));
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lrel);
			emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, CBPF_NET_OFF - CBPF_LL_OFF));
			emit(x, E_MOV64_IMM(CBPF_EBPF_R5, CBPF_EBPF_HDR_START_MAC));
			emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0),
				  zero_label(x));
			label_place(x, lrel);
			emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE));
			label_place(x, lchk);
		}
		emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), zero_label(x));
		emit(x, E_LDX(ebpf_size(size), RA, FP, -STACK_SCRATCH));
		emit_be(x, RA, size);
		return;
	case CBPF_TARGET_SECCOMP:
		return; /* doomed: never emitted */
	}
}

/* ldxb 4*([k]&0xf): X from the low nibble of a byte, A kept. */
static void emit_msh(struct xl *x, uint32_t i)
{
	bool a_live = x->live[i] & LIVE_A;

	if (x->target == CBPF_TARGET_SOCKET) {
		/* LD_ABS loads into r0, which is A: keep A in r8 while it is needed later. */
		if (a_live)
			emit(x, E_MOV32_REG(RSAVE, RA));
		emit(x, E_LD_ABS(CBPF_B, (int32_t)x->ci[i].k));
		emit(x, E_ALU32_IMM(CBPF_AND, RA, 0xf));
		emit(x, E_ALU32_IMM(CBPF_LSH, RA, 2));
		emit(x, E_MOV32_REG(RX, RA));
		if (a_live)
			emit(x, E_MOV32_REG(RA, RSAVE));
		return;
	}
	emit_abs(x, i, RX, 1, a_live);
	emit(x, E_ALU32_IMM(CBPF_AND, RX, 0xf));
	emit(x, E_ALU32_IMM(CBPF_LSH, RX, 2));
}

static void emit_ctx_field(struct xl *x, unsigned dst, int16_t off, bool swap16)
{
	emit(x, E_LDX(CBPF_W, dst, x->ctx, off));
	if (swap16)
		emit_be(x, dst, 2); /* __be16 in a u32: A gets ntohs() like the kernel's */
}

/*
 * ld #anc: the sk_buff fields through struct __sk_buff (net/core/filter.c:
 * bpf_convert_ctx_access maps them to the same fields convert_bpf_extensions reads), #cpu and
 * #rand through helpers; in XDP, struct xdp_md has the device and queue.
 */
static void emit_anc(struct xl *x, uint32_t i)
{
	uint32_t k = x->ci[i].k;
	const char *why = NULL;
	bool xdp = x->target == CBPF_TARGET_XDP;

	switch (k - (uint32_t)CBPF_AD_OFF) {
	case CBPF_AD_PROTOCOL:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, protocol), true);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->protocol";
		break;
	case CBPF_AD_PKTTYPE:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, pkt_type), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->pkt_type";
		break;
	case CBPF_AD_IFINDEX:
		if (xdp) {
			emit_ctx_field(x, RA, offsetof(struct xdp_md, ingress_ifindex), false);
			return;
		}
		if (x->target == CBPF_TARGET_TC) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, ifindex), false);
			return;
		}
		/* A socket filter may see no device (unix, netlink): the kernel returns A then, and
		 * __sk_buff.ifindex reads 0, which no device has. */
		emit_ctx_field(x, CBPF_EBPF_R2, offsetof(struct __sk_buff, ifindex), false);
		emit(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R2, 0, 1));
		emit(x, E_EXIT());
		emit(x, E_MOV32_REG(RA, CBPF_EBPF_R2));
		return;
	case CBPF_AD_MARK:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, mark), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->mark";
		break;
	case CBPF_AD_QUEUE: {
		emit_ctx_field(x, RA,
			       xdp ? offsetof(struct xdp_md, rx_queue_index)
				   : offsetof(struct __sk_buff, queue_mapping),
			       false);
		return;
	}
	case CBPF_AD_RXHASH:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, hash), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->hash";
		break;
	case CBPF_AD_VLAN_TAG:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_tci), false);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_VLAN_TAG_PRESENT:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_present), false);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_VLAN_TPID:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_proto), true);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_CPU:
		emit(x, E_CALL(CBPF_EBPF_FUNC_GET_SMP_PROCESSOR_ID));
		return;
	case CBPF_AD_RANDOM:
		emit(x, E_CALL(CBPF_EBPF_FUNC_GET_PRANDOM_U32));
		return;
	case CBPF_AD_ALU_XOR_X:
		emit(x, E_ALU32_REG(CBPF_XOR, RA, RX));
		return;
	case CBPF_AD_HATYPE:
		why = "no field of the context and no helper gives the device type "
		      "(skb->dev->type)";
		break;
	case CBPF_AD_PAY_OFFSET:
		why = "the flow dissector's payload offset (skb_get_poff) is a helper the kernel "
		      "keeps "
		      "to classic filters";
		break;
	case CBPF_AD_NLATTR:
	case CBPF_AD_NLATTR_NEST:
		why = "the netlink attribute search (nla_find) is a helper the kernel keeps to "
		      "classic "
		      "filters";
		break;
	}
	/* Spelled as bpf_asm writes it: "ldh #proto". */
	report(x, i, -ENOTSUP, "'%s #%s' cannot be translated for %s: %s",
	       cbpf_opcode_lookup(x->ci[i].code)->name, insn_anc(k)->bpf_asm,
	       cbpf_target_name(x->target), why);
}

static void emit_alu(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint8_t op = CBPF_OP(in->code);

	if (op == CBPF_NEG) {
		emit(x, E_ALU32_IMM(CBPF_NEG, RA, 0));
	} else if (CBPF_SRC(in->code) == CBPF_X) {
		/* A division by a zero X ends the classic program with 0. */
		if (op == CBPF_DIV || op == CBPF_MOD)
			emit_jump(x, E_JMP_IMM(CBPF_JEQ, RX, 0, 0), zero_label(x));
		emit(x, E_ALU32_REG(op, RA, RX));
	} else {
		/* Shifts by 32 or more: the validator refuses them, the interpreter uses k & 31. */
		uint32_t k = op == CBPF_LSH || op == CBPF_RSH ? in->k & 31 : in->k;

		emit(x, E_ALU32_IMM(op, RA, (int32_t)k));
	}
}

/* The compare instruction of a conditional jump with operation op. */
static struct cbpf_ebpf_insn cond(const struct cbpf_insn *in, uint8_t op)
{
	if (CBPF_SRC(in->code) == CBPF_X)
		return E_JMP_REG(op, RA, RX, 0);
	/* The immediate is sign-extended to 64 bits; A is not. JSET does not mind (A's upper half
	 * is zero), the others compare 32 bits when k has its top bit set. */
	if (op == CBPF_JSET || in->k <= INT32_MAX)
		return E_JMP_IMM(op, RA, (int32_t)in->k, 0);
	return E_JMP32_IMM(op, RA, (int32_t)in->k, 0);
}

static void emit_jmp(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint8_t op = CBPF_OP(in->code), inv;
	uint32_t t, f;

	if (op == CBPF_JA) {
		if (in->k)
			emit_jump(x, E_JA(0), resolve(x, i + 1 + in->k));
		return;
	}
	t = i + 1 + in->jt;
	f = i + 1 + in->jf;
	if (t == f) {
		if (in->jt)
			emit_jump(x, E_JA(0), resolve(x, t));
		return;
	}
	inv = op == CBPF_JEQ   ? CBPF_EBPF_JNE
	      : op == CBPF_JGT ? CBPF_EBPF_JLE
	      : op == CBPF_JGE ? CBPF_EBPF_JLT
			       : 0;
	if (in->jf == 0) {
		emit_jump(x, cond(in, op), resolve(x, t));
	} else if (in->jt == 0 && inv) {
		emit_jump(x, cond(in, inv), resolve(x, f));
	} else {
		emit_jump(x, cond(in, op), resolve(x, t));
		emit_jump(x, E_JA(0), resolve(x, f));
	}
}

static void emit_ret(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];

	if (x->actions) {
		if (CBPF_RVAL(in->code) == CBPF_K) {
			emit_jump(x, E_JA(0), fixed_label(x, in->k ? LBL_MATCH : LBL_NOMATCH));
		} else {
			emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, RA, 0, 0), fixed_label(x, LBL_MATCH));
			emit_jump(x, E_JA(0), fixed_label(x, LBL_NOMATCH));
		}
		return;
	}
	if (in->code == (CBPF_RET | CBPF_K) && !in->k && x->ret0_at < 0)
		x->ret0_at = (long)x->len; /* the epilogue's "return 0" can be this one */
	if (CBPF_RVAL(in->code) == CBPF_K)
		emit(x, E_MOV32_IMM(RA, (int32_t)in->k));
	emit(x, E_EXIT());
}

static void emit_insn(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint16_t code = in->code;

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			emit(x, E_MOV32_IMM(RA, (int32_t)in->k));
			break;
		case CBPF_MEM:
			emit(x, E_LDX(CBPF_W, RA, FP, mem_off(in->k)));
			break;
		case CBPF_LEN:
			emit_len(x, i, RA);
			break;
		case CBPF_ABS:
			if (is_anc(in->k))
				emit_anc(x, i);
			else
				emit_abs(x, i, RA, load_size(code), false);
			break;
		case CBPF_IND:
			emit_ind(x, i);
			break;
		}
		break;
	case CBPF_LDX:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			emit(x, E_MOV32_IMM(RX, (int32_t)in->k));
			break;
		case CBPF_MEM:
			emit(x, E_LDX(CBPF_W, RX, FP, mem_off(in->k)));
			break;
		case CBPF_LEN:
			emit_len(x, i, RX);
			break;
		case CBPF_MSH:
			emit_msh(x, i);
			break;
		}
		break;
	case CBPF_ST:
		emit(x, E_STX(CBPF_W, FP, RA, mem_off(in->k)));
		break;
	case CBPF_STX:
		emit(x, E_STX(CBPF_W, FP, RX, mem_off(in->k)));
		break;
	case CBPF_ALU:
		emit_alu(x, i);
		break;
	case CBPF_JMP:
		emit_jmp(x, i);
		break;
	case CBPF_RET:
		emit_ret(x, i);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TAX)
			emit(x, E_MOV32_REG(RX, RA));
		else
			emit(x, E_MOV32_REG(RA, RX));
		break;
	}
}

/* What the reached instructions need from the prologue: the context kept, r8/r9 for xdp. */
static void scan_needs(struct xl *x)
{
	bool ctx_later = false;

	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		uint16_t code = in->code;
		bool anc = is_abs(code) && is_anc(in->k), load, len, ind;

		if (!(x->flags[i] & F_REACHED) || doomed(x, in))
			continue;
		ind = CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_IND;
		load = (CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_ABS) || ind ||
		       is_msh(code);
		len = (CBPF_CLASS(code) == CBPF_LD || CBPF_CLASS(code) == CBPF_LDX) &&
		      CBPF_MODE(code) == CBPF_LEN;
		if (anc && (in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_CPU) ||
			    in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_RANDOM)))
			x->calls = true;
		else if (anc && in->k != (uint32_t)(CBPF_AD_OFF + CBPF_AD_ALU_XOR_X))
			ctx_later = true;
		else if (load && x->target != CBPF_TARGET_XDP) {
			ctx_later = true;
			x->calls |= x->target != CBPF_TARGET_SECCOMP;
		}
		if (x->target == CBPF_TARGET_XDP && (ind || len)) {
			/* bpf_xdp_load_bytes(), bpf_xdp_get_buff_len() */
			ctx_later = true;
			x->calls = true;
		} else if (x->target == CBPF_TARGET_XDP && load && !anc) {
			x->packet = true;
		}
		if (len && x->target != CBPF_TARGET_XDP)
			ctx_later = true;
	}
	/* The context survives in r1 unless a call or LD_ABS clobbers it, or xdp takes r1 as a
	 * temporary. */
	x->ctx = ctx_later && (x->calls || x->target == CBPF_TARGET_XDP) ? CBPF_EBPF_R6
									 : CBPF_EBPF_R1;
}

static void prologue(struct xl *x)
{
	if (x->ctx == CBPF_EBPF_R6)
		emit(x, E_MOV64_REG(CBPF_EBPF_R6, CBPF_EBPF_R1));
	if (x->packet) {
		emit(x, E_LDX(CBPF_W, RDATA, CBPF_EBPF_R1, offsetof(struct xdp_md, data)));
		emit(x, E_LDX(CBPF_W, REND, CBPF_EBPF_R1, offsetof(struct xdp_md, data_end)));
	}
	/* Classic A and X start at 0; emitted only when something reads them before a write. */
	if (x->live0 & LIVE_A)
		emit(x, E_MOV32_IMM(RA, 0));
	if (x->live0 & LIVE_X)
		emit(x, E_MOV32_IMM(RX, 0));
	/* The validator refuses reads of unwritten M[k]; the interpreter reads them as 0. */
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (x->mem_zero & (1u << k))
			emit(x, E_ST(CBPF_W, FP, mem_off(k), 0));
}

static bool label_used(const struct xl *x, uint32_t l)
{
	for (size_t i = 0; i < x->nfix; i++)
		if (x->fix[i].label == l)
			return true;
	return false;
}

/* The shared exits; the one a final goto would reach comes first, so that the goto can go. */
static void epilogue(struct xl *x)
{
	bool used[NLBL_FIXED];
	int order[NLBL_FIXED + 1], n = 0;

	x->pc = -1;
	for (int l = 0; l < NLBL_FIXED; l++)
		used[l] = label_used(x, fixed_label(x, l));
	/* Failed loads return 0 through a ret #0 of the program's own where there is one. */
	if (used[LBL_ZERO] && x->ret0_at >= 0) {
		x->lbl[fixed_label(x, LBL_ZERO)] = (size_t)x->ret0_at;
		used[LBL_ZERO] = false;
	}
	if (x->nfix && x->len && x->fix[x->nfix - 1].at == x->len - 1 &&
	    x->out[x->len - 1].code == (CBPF_JMP | CBPF_JA) && x->fix[x->nfix - 1].label >= x->n &&
	    used[x->fix[x->nfix - 1].label - x->n]) {
		order[n++] = (int)(x->fix[x->nfix - 1].label - x->n);
		x->len--;
		x->nfix--;
	}
	for (int l = 0; l < NLBL_FIXED; l++)
		if (used[l] && (!n || l != order[0]))
			order[n++] = l;
	for (int j = 0; j < n; j++) {
		int l = order[j];

		label_place(x, fixed_label(x, l));
		emit(x, E_MOV32_IMM(RA, l == LBL_MATCH	   ? x->match
					: l == LBL_NOMATCH ? x->nomatch
							   : 0));
		emit(x, E_EXIT());
	}
}

/* Sets every jump's offset; returns false when some are too far, marked for the next round. */
static bool resolve_fixups(struct xl *x)
{
	bool again = false;

	for (size_t i = 0; i < x->nfix && !x->err; i++) {
		size_t at = x->fix[i].at, to = x->lbl[x->fix[i].label];
		long off = (long)to - (long)at - 1;

		if (to == (size_t)-1) {
			report(x, x->origin[at], -EINVAL, "internal error: unplaced jump target");
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
 * The goto is left going to the next instruction, which compact() drops. Not in a program whose
 * exits were turned around on purpose (x->calm), nor for JSET, which has no opposite.
 */
static void fuse_jumps(struct xl *x)
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
static bool compact(struct xl *x)
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

static void xl_free(struct xl *x)
{
	free(x->flags);
	free(x->live);
	free(x->in);
	free(x->need_hi);
	free(x->guard);
	free(x->check);
	free(x->dest);
	free(x->out);
	free(x->origin);
	free(x->lbl);
	free(x->fix);
	free(x->far);
}

int cbpf_xlate(const struct cbpf_prog *prog, const struct cbpf_xlate_opts *opts,
	       struct cbpf_ebpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_xlate_opts defaults = {.target = CBPF_TARGET_SOCKET};
	struct xl x;
	struct cbpf_ebpf_prog *res;
	size_t n = cbpf_prog_len(prog);

	if (!opts)
		opts = &defaults;
	memset(&x, 0, sizeof(x));
	x.prog = prog;
	x.ci = cbpf_prog_insns(prog);
	x.n = n > CBPF_MAXINSNS ? CBPF_MAXINSNS + 1 : (uint32_t)n;
	x.target = opts->target;
	x.diags = diags;
	x.pc = -1;
	if ((unsigned)x.target > CBPF_TARGET_SECCOMP) {
		report(&x, -1, -EINVAL, "unknown target %d", (int)x.target);
		return x.err;
	}
	if (opts->classid && x.target != CBPF_TARGET_TC) {
		report(&x, -1, -EINVAL, "class ids are for tc only");
		return x.err;
	}
	if ((opts->set_match || opts->set_nomatch) &&
	    (x.target == CBPF_TARGET_SOCKET || x.target == CBPF_TARGET_SECCOMP || opts->classid)) {
		report(&x, -1, -EINVAL, "match and nomatch actions are for tc and xdp only%s",
		       opts->classid ? ", without class ids" : "");
		return x.err;
	}
	x.actions = (x.target == CBPF_TARGET_TC && !opts->classid) || x.target == CBPF_TARGET_XDP;
	x.match = x.target == CBPF_TARGET_XDP ? XDP_PASS : TC_ACT_OK;
	x.nomatch = x.target == CBPF_TARGET_XDP ? XDP_DROP : TC_ACT_SHOT;
	if (opts->set_match)
		x.match = opts->match;
	if (opts->set_nomatch)
		x.nomatch = opts->nomatch;

	check_structure(&x);
	if (x.err)
		return x.err;
	x.flags = calloc(x.n, sizeof(*x.flags));
	x.live = calloc(x.n, sizeof(*x.live));
	x.in = calloc(x.n, sizeof(*x.in));
	x.need_hi = calloc(x.n, sizeof(*x.need_hi));
	x.guard = calloc(x.n, sizeof(*x.guard));
	x.check = calloc(x.n, sizeof(*x.check));
	x.dest = calloc(x.n, sizeof(*x.dest));
	x.caplbl = x.n + NLBL_FIXED + 16;
	x.lbl = malloc(x.caplbl * sizeof(*x.lbl));
	if (!x.flags || !x.live || !x.in || !x.need_hi || !x.guard || !x.check || !x.dest ||
	    !x.lbl) {
		xl_free(&x);
		return -ENOMEM;
	}
	x.nlbl = x.n + NLBL_FIXED;
	for (size_t l = 0; l < x.nlbl; l++)
		x.lbl[l] = (size_t)-1;

	mark_leaders(&x);
	compute_dests(&x);
	liveness(&x);
	run_needs(&x);
	guards(&x);
	forward(&x);
	scan_needs(&x);
	choose_bufbase(&x);
	/* Emit; jumps too far for 16 bits become gotol, a program with too many conditional jumps
	 * turns its exits around, and it is emitted again. Both only grow: this ends. */
	do {
		x.len = x.nfix = x.njumps = 0;
		x.ret0_at = -1;
		x.nlbl = x.n + NLBL_FIXED;
		for (size_t l = 0; l < x.nlbl; l++)
			x.lbl[l] = (size_t)-1;
		x.pc = -1;
		prologue(&x);
		for (uint32_t i = 0; i < x.n && x.err != -ENOMEM; i++) {
			label_place(&x, i);
			if (!(x.flags[i] & F_REACHED))
				continue;
			x.pc = i;
			if (doomed(&x, &x.ci[i]))
				emit_jump(&x, E_JA(0), zero_label(&x));
			else
				emit_insn(&x, i);
		}
		epilogue(&x);
	} while (!x.err && (!resolve_fixups(&x) || needs_calm(&x)));
	if (!x.err)
		fuse_jumps(&x);
	/* Removing a goto may leave another going to the next instruction: again until none. */
	while (!x.err && compact(&x))
		;
	if (x.err) {
		xl_free(&x);
		return x.err;
	}
	res = ebpf_prog_adopt(x.out, x.len, x.origin, x.target);
	if (res) {
		res->classic = cbpf_prog_dup(prog);
		res->actions = x.actions;
		res->match = x.match;
		res->nomatch = x.nomatch;
	}
	if (!res || !res->classic) {
		if (res) {
			res->insns = NULL;
			res->origin = NULL;
			cbpf_ebpf_prog_free(res);
		}
		xl_free(&x);
		return -ENOMEM;
	}
	x.out = NULL;
	x.origin = NULL;
	xl_free(&x);
	*out = res;
	return 0;
}

uint32_t cbpf_xlate_result(const struct cbpf_ebpf_prog *prog, uint32_t r)
{
	if (!prog->actions)
		return r;
	return (uint32_t)(r ? prog->match : prog->nomatch);
}
