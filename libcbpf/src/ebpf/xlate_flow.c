// SPDX-License-Identifier: MIT
/*
 * The translator's analyses of the classic program: what instructions read and write, leaders,
 * liveness, value ranges, what the program needs, where jumps land.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classic/insn_int.h"
#include "ebpf/xlate_int.h"
#include "classic/runnable.h"

static const struct range R_ALL = { 0, UINT32_MAX };

/* A load of an ancillary field, not of packet bytes. */
bool xl_is_anc(uint32_t k)
{
	return insn_anc(k) != NULL;
}

static bool is_abs(uint16_t code)
{
	return CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_ABS;
}

bool xl_is_msh(uint16_t code)
{
	return code == (CBPF_LDX | CBPF_B | CBPF_MSH);
}

uint32_t xl_load_size(uint16_t code)
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
bool xl_is_packet_abs(const struct cbpf_insn *in)
{
	return (is_abs(in->code) && !xl_is_anc(in->k)) || xl_is_msh(in->code);
}

/*
 * xdp: where an absolute load at k reads, from the start of the frame. The link-layer header is
 * the start (SKF_LL_OFF), the network header 14 bytes in (SKF_NET_OFF). False when no frame can
 * hold it: below SKF_LL_OFF, or past the verifier's MAX_PACKET_OFF (XDP frames are a page).
 */
bool xl_xdp_rel(uint32_t k, uint32_t size, uint32_t *off)
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
bool xl_tc_buffered(uint32_t k, uint32_t size)
{
	return (int32_t)k >= 0 && k + size <= TC_BUF;
}

/* The instruction always ends the program with 0, whatever the packet. */
bool xl_doomed(const struct xl *x, const struct cbpf_insn *in)
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
		       xl_is_msh(code);
	}
	if (!xl_is_packet_abs(in))
		return false;
	if (x->target == CBPF_TARGET_XDP || x->target == CBPF_TARGET_FUNC)
		return !xl_xdp_rel(in->k, xl_is_msh(code) ? 1 : xl_load_size(code), &off);
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
int xl_successors(const struct xl *x, uint32_t i, uint32_t s[2])
{
	uint64_t t[2] = { 0, 0 }; /* t[1] unset when there is one successor */
	unsigned n = insn_successors(&x->ci[i], i, t);

	/* Inside the program: what cannot run was refused first. */
	s[0] = (uint32_t)t[0];
	s[1] = (uint32_t)t[1];
	return n == 2 && s[0] == s[1] ? 1 : (int)n;
}

/* Where the ja at i jumps back to (a loop, run within x->budget), or -1. */
long xl_back_target(const struct xl *x, uint32_t i)
{
	return x->budget ? insn_back_target(&x->ci[i], i, x->n) : -1;
}

/*
 * The stack slot counting the backward jumps of the ja at i: its loop's own when loops lie apart
 * (the loops before it in the program have the slots above), else the one slot.
 */
int16_t xl_loop_slot(const struct xl *x, uint32_t i)
{
	long t = xl_back_target(x, i);
	int j = 0;

	if (x->loops > 1) {
		bool *seen = calloc((size_t)t + 1, sizeof(*seen));

		/* Few loops, each entered once: the earlier starts, counted. */
		for (uint32_t p = 0; seen && p < x->n; p++) {
			long h = xl_back_target(x, p);

			if (h >= 0 && h < t && !seen[h]) {
				seen[h] = true;
				j++;
			}
		}
		free(seen);
	}
	return (int16_t) - (STACK_LOOP + 8 * j);
}

/* What cbpf_vm_new also refuses: the program cannot run at all. */
static int refuse(void *ctx, enum runnable_problem what, long pc, const char *msg)
{
	struct xl *x = ctx;

	(void)what;
	xl_report(x, pc, -EINVAL, "%s", msg);
	return x->err == -ENOMEM ? -ENOMEM : 0;
}

/* What cannot run at all is refused in the validator's words (classic/runnable.c). */
void xl_check_structure(struct xl *x)
{
	/* Loops become bounded loops (kernel 5.3), but seccomp's classic loader knows none. */
	struct runnable_report r = { refuse, x, x->target != CBPF_TARGET_SECCOMP };

	prog_runnable(x->ci, x->n, CBPF_MAXINSNS, &r);
	for (uint32_t i = 0; i < x->n && !x->err && r.loops && !x->budget; i++)
		if (insn_back_target(&x->ci[i], i, x->n) >= 0)
			x->budget = insn_loop_budget(x->ci, x->n);
	if (x->budget && insn_loops_apart(x->ci, x->n)) {
		bool *head = calloc(x->n, sizeof(*head));

		if (!head) {
			x->err = -ENOMEM;
			return;
		}
		for (uint32_t i = 0; i < x->n; i++) {
			long t = insn_back_target(&x->ci[i], i, x->n);

			if (t >= 0 && !head[t]) {
				head[t] = true;
				x->loops++;
			}
		}
		free(head);
	} else if (x->budget) {
		x->loops = 1;
	}
}

void xl_mark_leaders(struct xl *x)
{
	x->flags[0] |= F_LEADER;
	for (uint32_t i = 0; i < x->n; i++) {
		uint32_t s[2];
		int ns;

		if (!insn_is_jump(&x->ci[i]) && !insn_is_ret(&x->ci[i]))
			continue;
		if (i + 1 < x->n)
			x->flags[i + 1] |= F_LEADER;
		ns = xl_successors(x, i, s);
		for (int j = 0; j < ns; j++)
			x->flags[s[j]] |= F_LEADER;
	}
}

/*
 * Backward: A and X live after each instruction. Forward jumps need one pass; a loop's backward
 * jump sees its target's set only on the next, until nothing changes (two bits: a few passes).
 */
void xl_liveness(struct xl *x)
{
	uint8_t *live_in = calloc(x->n, 1);
	bool again = true;

	if (!live_in) {
		x->err = -ENOMEM;
		return;
	}
	while (again) {
		again = false;
		for (uint32_t i = x->n; i-- > 0;) {
			unsigned use, def, out = 0;
			uint32_t s[2];
			int ns = xl_successors(x, i, s);

			if (xl_doomed(x, &x->ci[i]))
				ns = 0;
			for (int j = 0; j < ns; j++)
				out |= live_in[s[j]];
			use_def(x, &x->ci[i], &use, &def);
			x->live[i] = (uint8_t)out;
			again |= x->budget && live_in[i] != (uint8_t)(use | (out & ~def));
			live_in[i] = (uint8_t)(use | (out & ~def));
		}
	}
	x->live0 = live_in[0]; /* A and X read before written: they need their initial zero */
	free(live_in);
}

static struct range rconst(uint32_t k)
{
	return (struct range){ k, k };
}

/* A bound on the result of a 32-bit ALU operation; R_ALL when there is none worth having. */
static struct range alu_range(uint8_t op, struct range a, struct range b)
{
	uint64_t hi;

	switch (op) {
	case CBPF_ADD:
		if ((uint64_t)a.hi + b.hi <= UINT32_MAX)
			return (struct range){ a.lo + b.lo, a.hi + b.hi };
		break;
	case CBPF_SUB:
		if (a.lo >= b.hi)
			return (struct range){ a.lo - b.hi, a.hi - b.lo };
		break;
	case CBPF_MUL:
		if ((uint64_t)a.hi * b.hi <= UINT32_MAX)
			return (struct range){ a.lo * b.lo, a.hi * b.hi };
		break;
	case CBPF_DIV:
		if (b.hi)
			return (struct range){ a.lo / b.hi, a.hi / (b.lo ? b.lo : 1) };
		break;
	case CBPF_MOD:
		if (b.hi)
			return (struct range){ 0, a.hi < b.hi - 1 ? a.hi : b.hi - 1 };
		break;
	case CBPF_AND:
		return (struct range){ 0, a.hi < b.hi ? a.hi : b.hi };
	case CBPF_OR:
	case CBPF_XOR:
		hi = a.hi > b.hi ? a.hi : b.hi;
		for (uint64_t m = 1;; m <<= 1)
			if (m > hi)
				return (struct range){ 0, (uint32_t)(m - 1) };
		break;
	case CBPF_LSH:
		if (b.lo == b.hi && ((uint64_t)a.hi << (b.lo & 31)) <= UINT32_MAX)
			return (struct range){ a.lo << (b.lo & 31), a.hi << (b.lo & 31) };
		break;
	case CBPF_RSH:
		if (b.lo == b.hi)
			return (struct range){ a.lo >> (b.lo & 31), a.hi >> (b.lo & 31) };
		return (struct range){ 0, a.hi };
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
		return (struct range){ 0, 0xffff };
	case CBPF_AD_PKTTYPE:
		return (struct range){ 0, 7 };
	case CBPF_AD_VLAN_TAG_PRESENT:
		return (struct range){ 0, 1 };
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
		return (struct range){ 0, 60 };
	if (mode == CBPF_ABS && xl_is_anc(in->k))
		return anc_range(in->k);
	if (mode != CBPF_ABS && mode != CBPF_IND)
		return R_ALL;
	if (CBPF_SIZE(in->code) == CBPF_H)
		return (struct range){ 0, 0xffff };
	if (CBPF_SIZE(in->code) == CBPF_B)
		return (struct range){ 0, 0xff };
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
 * A loop's backward jumps, for xl_forward: their targets, where nothing is known (any A and X, no
 * M[] written, no packet bytes checked), when some path from the start reaches them.
 */
static void loop_heads(struct xl *x, bool *has)
{
	bool *reach = calloc(x->n, sizeof(*reach)), again = true;

	if (!reach) {
		x->err = -ENOMEM;
		return;
	}
	reach[0] = true;
	while (again) {
		again = false;
		for (uint32_t i = 0; i < x->n; i++) {
			uint32_t s[2];
			int ns = reach[i] && !xl_doomed(x, &x->ci[i]) ? xl_successors(x, i, s) : 0;

			for (int j = 0; j < ns; j++) {
				again |= s[j] <= i && !reach[s[j]];
				reach[s[j]] = true;
			}
		}
	}
	for (uint32_t i = 0; i < x->n; i++) {
		long t = xl_back_target(x, i);

		if (t >= 0 && reach[i]) {
			has[t] = true;
			x->in[t] = (struct state){ R_ALL, R_ALL, 0, 0 };
		}
	}
	free(reach);
}

/*
 * Forward, in program order (every forward jump's state is complete when reached; a loop's
 * targets start from nothing known, loop_heads): which instructions run, what is known on entry
 * to each (ranges of A and X, M[] written, the packet bytes checked), and which M[k]
 * may be read unwritten.
 */
void xl_forward(struct xl *x)
{
	bool *has = calloc(x->n, sizeof(*has));

	if (!has) {
		x->err = -ENOMEM;
		return;
	}
	if (x->budget)
		loop_heads(x, has);
	if (has[0])
		meet(&x->in[0], &(struct state){ rconst(0), rconst(0), 0, 0 });
	else
		x->in[0] = (struct state){ rconst(0), rconst(0), 0, 0 };
	has[0] = true;
	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		struct state st;
		uint32_t s[2];
		int ns;

		if (!has[i])
			continue;
		x->flags[i] |= F_REACHED;
		if (xl_doomed(x, in))
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
		ns = xl_successors(x, i, s);
		for (int j = 0; j < ns; j++) {
			if (s[j] <= i) {
				continue; /* a loop's head: loop_heads set it */
			} else if (!has[s[j]]) {
				x->in[s[j]] = st;
				has[s[j]] = true;
			} else {
				meet(&x->in[s[j]], &st);
			}
		}
	}
	free(has);
}

/*
 * Where a jump to classic instruction t really goes: through ja chains, to the shared exit of a
 * statically doomed instruction, and for tc and xdp straight to the match or nomatch exit when t
 * returns a constant.
 */
uint32_t xl_resolve(const struct xl *x, uint32_t t)
{
	return x->dest[t];
}

/* Backward, so that a ja's target is known before the ja: linear however long the chains. */
void xl_compute_dests(struct xl *x)
{
	for (uint32_t t = x->n; t-- > 0;) {
		const struct cbpf_insn *in = &x->ci[t];

		if (x->actions && in->code == (CBPF_RET | CBPF_K))
			x->dest[t] = xl_fixed_label(x, in->k ? LBL_MATCH : LBL_NOMATCH);
		else if (xl_doomed(x, in))
			x->dest[t] = xl_zero_label(x);
		else if (in->code == (CBPF_JMP | CBPF_JA) && xl_back_target(x, t) < 0)
			x->dest[t] = x->dest[t + 1 + in->k];
		else
			x->dest[t] = t;
	}
}

/* What the reached instructions need from the prologue: the context kept, r8/r9 for xdp. */
void xl_scan_needs(struct xl *x)
{
	bool ctx_later = false;

	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		uint16_t code = in->code;
		bool anc = is_abs(code) && xl_is_anc(in->k), load, len, ind;

		if (!(x->flags[i] & F_REACHED) || xl_doomed(x, in))
			continue;
		if (x->target == CBPF_TARGET_FUNC) {
			/* data and data_end come as r1 and r2; no context to keep. */
			x->packet = true;
			continue;
		}
		ind = CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_IND;
		load = (CBPF_CLASS(code) == CBPF_LD && CBPF_MODE(code) == CBPF_ABS) || ind ||
		       xl_is_msh(code);
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
	if (x->target == CBPF_TARGET_FUNC)
		x->packet = true;
	x->ctx = ctx_later && (x->calls || x->target == CBPF_TARGET_XDP) ? CBPF_EBPF_R6
									 : CBPF_EBPF_R1;
}
