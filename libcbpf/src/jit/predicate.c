// SPDX-License-Identifier: MIT
/* The JIT's predicated copy: a short filter's branches taken out (if-conversion), cmov instead. */
#include <errno.h>
#include <stdlib.h>

#include "jit/x86_64_int.h"

/*
 * Predicated code: the branches of a short program taken out (if-conversion).
 *
 * A filter's jumps follow the packet, and on mixed traffic the processor mispredicts them (see
 * docs/jit.md). So a short program also gets a branch-free copy that runs every instruction in
 * order, each one's effect kept only where the program really is. That place is one register,
 * npc (r11d): where the path goes next, moved by the jumps on it. Since jumps go forward, the
 * path is at instruction pc exactly when npc <= pc; a jump there sets npc to its target with
 * cmov, and an instruction whose effect must not land when the path is elsewhere writes through
 * cmovbe after cmp npc, pc. A return, or a jump to one, sets npc to RET_BASE + 4 * pc, past
 * every instruction: the result is then read from a table of the returns' k in the image.
 *
 * The copy runs when caplen covers every [k] load of the program (one comparison on entry, met
 * by nearly every packet), so that none can be out of bounds. What it cannot do without a
 * branch it leaves to the branching code, which then runs from the start (a program has no
 * effect but its result): a [x + k] load past caplen or at a negative offset (SKF_*), on the
 * path or off it.
 */
#define PRED_MAX_LEN 64
/*
 * Past about 80 instructions (tcp port 80 takes 65 in 273 bytes) the copy costs more than the
 * branches it saves on the bench's traffic (docs/jit.md, Speed): host 10.0.0.1 and (tcp port 80
 * or udp port 53) takes 88 in 367 bytes and ran slower than the branching code. Bytes stand
 * for instructions.
 */
#define PRED_MAX_BYTES 330
#define REG_NPC	       R11
#define RET_BASE(c)    (4 * (c)->len)

/* Liveness bits: M[0..15], then LIVE_A and LIVE_X (x86_64_int.h). */

/* What instruction in reads and writes, as liveness bits. */
static void uses_defs(const struct cbpf_insn *in, uint32_t *use, uint32_t *def)
{
	uint16_t code = in->code, cls = CBPF_CLASS(code);
	uint32_t x = CBPF_SRC(code) == CBPF_X ? LIVE_X : 0, cell = 1u << (in->k % CBPF_MEMWORDS);

	*use = *def = 0;
	if (cls == CBPF_LD || cls == CBPF_LDX) {
		*def = cls == CBPF_LD ? LIVE_A : LIVE_X;
		*use = CBPF_MODE(code) == CBPF_MEM   ? cell
		       : CBPF_MODE(code) == CBPF_IND ? LIVE_X
						     : 0;
	} else if (cls == CBPF_ST || cls == CBPF_STX) {
		*use = cls == CBPF_ST ? LIVE_A : LIVE_X;
		*def = cell;
	} else if (cls == CBPF_ALU) {
		*use = LIVE_A | (CBPF_OP(code) == CBPF_NEG ? 0 : x);
		*def = LIVE_A;
	} else if (cls == CBPF_JMP && CBPF_OP(code) != CBPF_JA) {
		*use = LIVE_A | x;
	} else if (cls == CBPF_RET && CBPF_RVAL(code) == CBPF_A) {
		*use = LIVE_A;
	} else if (cls == CBPF_MISC) {
		/* tax and txa: one register from the other */
		*use = CBPF_MISCOP(code) == CBPF_TXA ? LIVE_X : LIVE_A;
		*def = LIVE_A | LIVE_X;
		*def &= ~*use;
	}
}

/* Whether the predicated copy can run instruction in; *end: the bytes its [k] load needs. */
static bool predicable(const struct cbpf_insn *in, uint32_t *end)
{
	uint16_t code = in->code;

	*end = 0;
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		if (CBPF_MODE(code) == CBPF_ABS) {
			if ((int32_t)in->k < 0)
				return false; /* ancillary and SKF_* loads read the record */
			*end = in->k + x64_size_of(code);
		}
		return CBPF_MODE(code) != CBPF_MSH;
	case CBPF_LDX:
		if (CBPF_MODE(code) == CBPF_MSH) {
			if ((int32_t)in->k < 0)
				return false;
			*end = in->k + 1;
			return x64_size_of(code) == 1;
		}
		return CBPF_MODE(code) == CBPF_IMM || CBPF_MODE(code) == CBPF_MEM ||
		       CBPF_MODE(code) == CBPF_LEN;
	case CBPF_ALU:
		/* Division: the powers of two only, which are a shift or an and. */
		if (CBPF_OP(code) == CBPF_DIV || CBPF_OP(code) == CBPF_MOD)
			return CBPF_SRC(code) == CBPF_K && x64_log2_exact(in->k) >= 0;
		return true;
	case CBPF_RET:
		return CBPF_RVAL(code) == CBPF_K;
	default:
		return true;
	}
}

static uint32_t target_of(const struct ctx *c, uint32_t pc, bool taken)
{
	const struct cbpf_insn *in = &c->insns[pc];

	if (CBPF_OP(in->code) == CBPF_JA)
		return pc + 1 + in->k;
	return pc + 1 + (taken ? in->jt : in->jf);
}

/*
 * A register's value on entry to an instruction, when every path brings the same one that can
 * be made again: an immediate, a [k] load (in bounds in the predicated copy), ldxb 4*([k]&0xf).
 */
enum known_kind { K_NONE, K_IMM, K_ABS, K_MSH, K_MANY };
struct known_val {
	uint8_t kind, size;
	uint32_t k;
};
struct known {
	struct known_val a, x;
};

static struct known_val meet(struct known_val u, struct known_val v)
{
	if (u.kind == K_NONE)
		return v;
	if (v.kind == K_NONE || (u.kind == v.kind && u.size == v.size && u.k == v.k))
		return u;
	return (struct known_val){ .kind = K_MANY };
}

/* What instruction in leaves in A and X, from what they held before. */
static struct known transfer(const struct cbpf_insn *in, struct known v)
{
	uint16_t code = in->code;
	struct known_val many = { .kind = K_MANY };

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		if (CBPF_MODE(code) == CBPF_IMM)
			v.a = (struct known_val){ K_IMM, 4, in->k };
		else if (CBPF_MODE(code) == CBPF_ABS)
			v.a = (struct known_val){ K_ABS, (uint8_t)x64_size_of(code), in->k };
		else
			v.a = many;
		break;
	case CBPF_LDX:
		if (CBPF_MODE(code) == CBPF_IMM)
			v.x = (struct known_val){ K_IMM, 4, in->k };
		else if (CBPF_MODE(code) == CBPF_MSH)
			v.x = (struct known_val){ K_MSH, 1, in->k };
		else
			v.x = many;
		break;
	case CBPF_ALU:
		v.a = many;
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TXA)
			v.a = v.x;
		else
			v.x = v.a;
		break;
	}
	return v;
}

static bool is_abs_load(const struct cbpf_insn *in)
{
	return CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_ABS &&
	       CBPF_SIZE(in->code) != CBPF_B;
}

/* A use of A that a value in network byte order serves: jeq and jset #k, k swapped. */
static bool wire_use(const struct cbpf_insn *in)
{
	uint32_t op = CBPF_OP(in->code);

	return CBPF_CLASS(in->code) == CBPF_JMP && CBPF_SRC(in->code) == CBPF_K &&
	       (op == CBPF_JEQ || op == CBPF_JSET);
}

/*
 * Which ldh and ld [k] the predicated copy leaves unswapped (c->wire): those whose every reader
 * is a jeq or jset #k that knows A holds that load (c->known), which then compares with k
 * swapped. Decided by the load's offset and size, so that a register made again agrees.
 * Reaching definitions as bit sets: the copy's programs have at most 64 instructions.
 */
static int plan_wire(struct ctx *c)
{
	uint64_t *reach = calloc((size_t)c->len + 1, sizeof(*reach));
	bool *bad = calloc((size_t)c->len, sizeof(*bad));

	c->wire = calloc((size_t)c->len, sizeof(*c->wire));
	if (!reach || !bad || !c->wire) {
		free(reach);
		free(bad);
		return -ENOMEM;
	}
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];
		uint32_t use, def;
		uint64_t out;

		uses_defs(in, &use, &def);
		if (use & LIVE_A)
			for (uint32_t d = 0; d < pc; d++) {
				struct known_val v = c->known[pc].a;

				if (!(reach[pc] >> d & 1) || !is_abs_load(&c->insns[d]))
					continue;
				if (!wire_use(in) || v.kind != K_ABS || v.k != c->insns[d].k ||
				    v.size != x64_size_of(c->insns[d].code))
					bad[d] = true;
			}
		out = def & LIVE_A ? (uint64_t)1 << pc : reach[pc];
		if (CBPF_CLASS(in->code) == CBPF_RET)
			continue;
		for (int way = 0; way < 2; way++)
			reach[CBPF_CLASS(in->code) == CBPF_JMP ? target_of(c, pc, way) : pc + 1] |=
				out;
	}
	for (uint32_t d = 0; d < c->len; d++) {
		c->wire[d] = is_abs_load(&c->insns[d]);
		for (uint32_t e = 0; e < c->len && c->wire[d]; e++)
			if (bad[e] && is_abs_load(&c->insns[e]) && c->insns[e].k == c->insns[d].k &&
			    c->insns[e].code == c->insns[d].code)
				c->wire[d] = false;
	}
	free(reach);
	free(bad);
	return 0;
}

/* Whether A, holding the known value v, is in network byte order in the predicated copy. */
static bool wire_value(const struct ctx *c, struct known_val v)
{
	if (v.kind != K_ABS)
		return false;
	for (uint32_t d = 0; d < c->len; d++)
		if (is_abs_load(&c->insns[d]) && c->insns[d].k == v.k &&
		    x64_size_of(c->insns[d].code) == v.size)
			return c->wire[d];
	return false;
}

/*
 * Decides whether the program gets a predicated copy, and for each instruction what is live
 * where the path may be while it is elsewhere: the targets of the jumps that pass over it
 * (c->cross[pc], with CROSSED set when any jump or return does). A write of what none of those
 * reads needs no cmov.
 */
#define CROSSED (1u << 31)
int x64_pred_plan(struct ctx *c)
{
	uint32_t *live, *plain_live, end, need = 0;
	bool branches = false, ind = false;

	if (c->mode != CBPF_VM_SOCKET || c->len > PRED_MAX_LEN)
		return 0;
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];

		if (!predicable(in, &end))
			return 0;
		if (end > need)
			need = end;
		if (x64_is_ind(in))
			ind = true;
		/* Only a jump between two returns is branch-free already (return_select). */
		if (CBPF_CLASS(in->code) == CBPF_JMP && CBPF_OP(in->code) != CBPF_JA &&
		    !(x64_is_ret_k(c, target_of(c, pc, true)) &&
		      x64_is_ret_k(c, target_of(c, pc, false))))
			branches = true;
	}
	/*
	 * Without branches there is no copy, but the analyses still serve the branching code: the
	 * byte order of loads (c->wire) and what the prologue must zero (c->live0).
	 */
	live = calloc((size_t)c->len + 1, sizeof(*live));
	plain_live = calloc((size_t)c->len + 1, sizeof(*plain_live));
	c->cross = calloc((size_t)c->len, sizeof(*c->cross));
	c->known = calloc((size_t)c->len + 1, sizeof(*c->known));
	c->remat = calloc((size_t)c->len, sizeof(*c->remat));
	if (!live || !plain_live || !c->cross || !c->known || !c->remat) {
		free(live);
		free(plain_live);
		return -ENOMEM;
	}
	/* Known values, forward (jumps go forward: program order is topological). */
	c->known[0].a = c->known[0].x = (struct known_val){ K_IMM, 4, 0 };
	for (uint32_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc];
		struct known out = transfer(in, c->known[pc]);

		if (CBPF_CLASS(in->code) == CBPF_RET)
			continue;
		for (int way = 0; way < 2; way++) {
			uint32_t t =
				CBPF_CLASS(in->code) == CBPF_JMP ? target_of(c, pc, way) : pc + 1;

			c->known[t].a = meet(c->known[t].a, out.a);
			c->known[t].x = meet(c->known[t].x, out.x);
		}
	}
	/*
	 * Where a jump lands past instructions that write a register it reads, the register is
	 * made again there (when its value is known) rather than each write guarded.
	 */
	for (uint32_t s = 0; s < c->len; s++) {
		if (CBPF_CLASS(c->insns[s].code) != CBPF_JMP)
			continue;
		for (int way = 0; way < 2; way++) {
			uint32_t t = target_of(c, s, way), use, def;

			for (uint32_t u = s + 1; u < t; u++) {
				uses_defs(&c->insns[u], &use, &def);
				/* (K_NONE: no path reaches t.) */
				if ((def & LIVE_A) && c->known[t].a.kind != K_MANY &&
				    c->known[t].a.kind != K_NONE)
					c->remat[t] |= LIVE_A >> 16;
				if ((def & LIVE_X) && c->known[t].x.kind != K_MANY &&
				    c->known[t].x.kind != K_NONE)
					c->remat[t] |= LIVE_X >> 16;
			}
		}
	}
	for (uint32_t pc = c->len; pc-- > 0;) {
		const struct cbpf_insn *in = &c->insns[pc];
		uint32_t use, def, out = 0, plain = 0;

		uses_defs(in, &use, &def);
		if (CBPF_CLASS(in->code) == CBPF_JMP) {
			out = live[target_of(c, pc, true)] | live[target_of(c, pc, false)];
			plain = plain_live[target_of(c, pc, true)] |
				plain_live[target_of(c, pc, false)];
		} else if (CBPF_CLASS(in->code) != CBPF_RET) {
			out = live[pc + 1];
			plain = plain_live[pc + 1];
		}
		live[pc] = use | (out & ~def);
		plain_live[pc] = use | (plain & ~def);
		/* Made again only where read before written. */
		c->remat[pc] &= (uint8_t)(live[pc] >> 16);
		live[pc] &= ~((uint32_t)c->remat[pc] << 16);
	}
	/* The branching code makes nothing again: what it reads first is plain liveness. */
	c->live0_branching = plain_live[0];
	free(plain_live);
	for (uint32_t s = 0; s < c->len; s++) {
		const struct cbpf_insn *in = &c->insns[s];

		if (CBPF_CLASS(in->code) == CBPF_RET) {
			for (uint32_t pc = s + 1; pc < c->len; pc++)
				c->cross[pc] |= CROSSED;
		} else if (CBPF_CLASS(in->code) == CBPF_JMP) {
			for (int way = 0; way < 2; way++) {
				uint32_t t = target_of(c, s, way);

				for (uint32_t pc = s + 1; pc < t; pc++)
					c->cross[pc] |= CROSSED | live[t];
			}
		}
	}
	c->live0 = live[0];
	free(live);
	if (plan_wire(c))
		return -ENOMEM;
	c->pred = branches;
	/* [x + k] compares X + k with caplen - size: caplen must cover a word. */
	c->pred_caplen = ind && need < 4 ? 4 : need;
	c->pred_ind = ind;
	return 0;
}

/* Where the predicated copy's jumps send npc: a return's target is its slot in the table. */
static uint32_t npc_of(const struct ctx *c, uint32_t t)
{
	return x64_is_ret_k(c, t) ? RET_BASE(c) + 4 * t : t;
}

/* The register to compute bit's new value in: its own, or edx when the write must be guarded. */
static enum x86_reg pred_dst(const struct ctx *c, uint32_t pc, uint32_t bit, enum x86_reg own)
{
	return c->cross[pc] & bit ? REG_TMP : own;
}

/* own = val where the path is at pc (val already is own when unguarded). */
static void pred_commit(struct ctx *c, uint32_t pc, enum x86_reg own, enum x86_reg val)
{
	if (own == val)
		return;
	x86_alu_ri(&c->b, false, ALU_CMP, REG_NPC, pc);
	x86_cmov(&c->b, false, CC_BE, own, val);
}

/* npc = npc_t when the condition cc holds (CC_ALWAYS: always), on the path; r10 scratch. */
static void pred_goto(struct ctx *c, uint32_t pc, enum x86_cc cc, uint32_t npc_t)
{
	bool guard = c->cross[pc] != 0;

	x86_mov_ri_keep_flags(&c->b, R10, npc_t);
	if (guard) {
		if (cc != CC_ALWAYS)
			x86_cmov(&c->b, false, (enum x86_cc)(cc ^ 1), R10, REG_NPC);
		pred_commit(c, pc, REG_NPC, R10);
	} else if (cc == CC_ALWAYS) {
		x86_mov_rr(&c->b, false, REG_NPC, R10);
	} else {
		x86_cmov(&c->b, false, cc, REG_NPC, R10);
	}
}

static void pred_jmp(struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	uint32_t t, f;
	enum x86_cc cc;

	if (x64_jmp_targets(pc, in, &t, &f)) {
		if (npc_of(c, t) != pc + 1)
			pred_goto(c, pc, CC_ALWAYS, npc_of(c, t));
		return;
	}
	cc = x64_jmp_flags(c, in, x64_jmp_k(c, pc, in));
	t = npc_of(c, t);
	f = npc_of(c, f);
	if (f == pc + 1) {
		pred_goto(c, pc, cc, t);
	} else if (t == pc + 1) {
		pred_goto(c, pc, (enum x86_cc)(cc ^ 1), f);
	} else {
		/* r10 = cond ? t : f, then as a jump always. */
		x86_mov_ri_keep_flags(&c->b, R10, f);
		x86_mov_ri_keep_flags(&c->b, REG_TMP, t);
		x86_cmov(&c->b, false, cc, R10, REG_TMP);
		if (c->cross[pc])
			pred_commit(c, pc, REG_NPC, R10);
		else
			x86_mov_rr(&c->b, false, REG_NPC, R10);
	}
}

/*
 * ld [x + k] predicated: out of bounds, on the path or not, leaves for the branching code. For
 * k + size below 2^31, X + k + size is computed in 64 bits, where it cannot wrap: above caplen
 * (which includes X + k wrapping in 32 bits, left to the branching code) leaves.
 */
static void pred_load_ind(struct ctx *c, uint32_t pc, unsigned size, uint32_t k)
{
	enum x86_reg dst = c->cross[pc] & LIVE_A ? R10 : REG_A;

	if (k <= 0x7fffffffu - size) {
		x86_lea(&c->b, true, REG_TMP, REG_X, NO_REG, (int32_t)(k + size));
		x86_alu_rr(&c->b, true, ALU_CMP, REG_TMP, REG_CAPLEN);
		x64_jump(c, CC_A, L_SLOW(c));
		x86_load(&c->b, size, dst, REG_DATA, REG_X, (int32_t)k);
		if (size == 4)
			x86_bswap(&c->b, dst);
		else if (size == 2)
			x86_rol16_8(&c->b, dst);
	} else {
		/* caplen - size: caplen is at least 4 here (pred_caplen). */
		x86_lea(&c->b, false, REG_TMP, REG_X, NO_REG, (int32_t)k);
		x86_lea(&c->b, false, R10, REG_CAPLEN, NO_REG, -(int32_t)size);
		x86_alu_rr(&c->b, false, ALU_CMP, REG_TMP, R10);
		x64_jump(c, CC_A, L_SLOW(c));
		x64_load_be(c, size, dst, REG_TMP, 0);
	}
	pred_commit(c, pc, REG_A, dst);
}

/* A register made again from its known value (x64_pred_plan), written as a load would be. */
static void pred_remat(struct ctx *c, uint32_t pc, uint32_t bit)
{
	enum x86_reg own = bit == LIVE_A ? REG_A : REG_X, r = pred_dst(c, pc, bit, own);
	struct known_val v = bit == LIVE_A ? c->known[pc].a : c->known[pc].x;

	if (v.kind == K_IMM) {
		x86_mov_ri(&c->b, r, v.k);
	} else if (bit == LIVE_A && wire_value(c, v)) {
		x86_load(&c->b, v.size, r, REG_DATA, NO_REG, (int32_t)v.k);
	} else {
		x64_load_be(c, v.size, r, NO_REG, (int32_t)v.k);
		if (v.kind == K_MSH) {
			x86_alu_ri(&c->b, false, ALU_AND, r, 0xf);
			x86_shift_ri(&c->b, SHIFT_SHL, r, 2);
		}
	}
	pred_commit(c, pc, own, r);
}

static void pred_insn(struct ctx *c, uint32_t pc)
{
	const struct cbpf_insn *in = &c->insns[pc];
	uint16_t code = in->code;
	enum x86_reg r;

	if (c->remat[pc] & (LIVE_A >> 16))
		pred_remat(c, pc, LIVE_A);
	if (c->remat[pc] & (LIVE_X >> 16))
		pred_remat(c, pc, LIVE_X);
	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
	case CBPF_LDX: {
		bool x = CBPF_CLASS(code) == CBPF_LDX;
		enum x86_reg own = x ? REG_X : REG_A;

		if (x64_is_ind(in)) {
			pred_load_ind(c, pc, x64_size_of(code), in->k);
			break;
		}
		r = pred_dst(c, pc, x ? LIVE_X : LIVE_A, own);
		if (x64_emit_ld_reg(c, in, r)) {
			/* ld #k, M[k], #len */
		} else if (CBPF_MODE(code) == CBPF_MSH) {
			x64_load_be(c, 1, r, NO_REG, (int32_t)in->k);
			x86_alu_ri(&c->b, false, ALU_AND, r, 0xf);
			x86_shift_ri(&c->b, SHIFT_SHL, r, 2);
		} else if (c->wire[pc]) { /* [k], in bounds: caplen was checked on entry */
			x86_load(&c->b, x64_size_of(code), r, REG_DATA, NO_REG, (int32_t)in->k);
		} else {
			x64_load_be(c, x64_size_of(code), r, NO_REG, (int32_t)in->k);
		}
		pred_commit(c, pc, own, r);
		break;
	}
	case CBPF_ST:
	case CBPF_STX:
		r = CBPF_CLASS(code) == CBPF_ST ? REG_A : REG_X;
		if (c->cross[pc] & (1u << in->k)) {
			x86_load(&c->b, 4, REG_TMP, RSP, NO_REG, x64_mem_disp(c, in->k));
			pred_commit(c, pc, REG_TMP, r);
			r = REG_TMP;
		}
		x86_store(&c->b, RSP, x64_mem_disp(c, in->k), r);
		break;
	case CBPF_ALU:
		r = pred_dst(c, pc, LIVE_A, REG_A);
		if (r != REG_A)
			x86_mov_rr(&c->b, false, r, REG_A);
		x64_emit_alu(c, in, r);
		pred_commit(c, pc, REG_A, r);
		break;
	case CBPF_JMP:
		pred_jmp(c, pc, in);
		break;
	case CBPF_RET:
		/* Reached by falling through only: a jump to a return goes to its slot. */
		if (pc == 0 || (CBPF_CLASS(c->insns[pc - 1].code) != CBPF_JMP &&
				CBPF_CLASS(c->insns[pc - 1].code) != CBPF_RET))
			pred_goto(c, pc, CC_ALWAYS, RET_BASE(c) + 4 * pc);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TXA) {
			r = pred_dst(c, pc, LIVE_A, REG_A);
			x86_mov_rr(&c->b, false, r, REG_X);
			pred_commit(c, pc, REG_A, r);
		} else {
			r = pred_dst(c, pc, LIVE_X, REG_X);
			x86_mov_rr(&c->b, false, r, REG_A);
			pred_commit(c, pc, REG_X, r);
		}
		break;
	}
}

/* The predicated copy, after the prologue's loads; short packets go to the branching code. */
void x64_pred_emit(struct ctx *c)
{
	if (c->pred_caplen) {
		x86_alu_ri(&c->b, false, ALU_CMP, REG_CAPLEN, c->pred_caplen);
		x64_jump(c, CC_B, L_SLOW(c));
	}
	/*
	 * [x + k] below caplen is then below 2^31 too, as the kernel's int offsets must be (X + k
	 * past it is negative: SKF_* or out of bounds).
	 */
	if (c->pred_ind) {
		x86_test_rr(&c->b, REG_CAPLEN, REG_CAPLEN);
		x64_jump(c, CC_S, L_SLOW(c));
	}
	x86_mov_ri(&c->b, REG_NPC, 0);
	/* Only what the copy reads before writing it: what it computes off the path is unused. */
	if (c->live0 & LIVE_A)
		x86_mov_ri(&c->b, REG_A, 0);
	if (c->live0 & LIVE_X)
		x86_mov_ri(&c->b, REG_X, 0);
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (c->zero_cells & c->live0 & (1u << k))
			x86_store_i(&c->b, RSP, x64_mem_disp(c, k), 0);
	for (uint32_t pc = 0; pc < c->len; pc++) {
		x64_mark(c, x64_label(c, pc, L_PRED));
		pred_insn(c, pc);
	}
	x64_mark(c, x64_label(c, c->len, L_PRED));
	/* The result: the k of the return the path ended at. */
	x86_lea_rip(&c->b, R10, x64_rip_to(c, L_RESULTS(c), 7));
	x86_load(&c->b, 4, REG_A, R10, REG_NPC, -(int32_t)RET_BASE(c));
	x64_epilogue(c);
}

bool x64_pred_too_long(const struct ctx *c)
{
	return c->label[x64_label(c, c->len, L_PRED)] - c->label[x64_label(c, 0, L_PRED)] >
	       PRED_MAX_BYTES;
}

void x64_pred_free(struct ctx *c)
{
	free(c->cross);
	free(c->known);
	free(c->remat);
	free(c->wire);
}

bool x64_reads_first(const struct ctx *c, uint32_t bit)
{
	return !c->wire || (c->live0_branching & bit);
}

bool x64_wire_load(const struct ctx *c, uint32_t pc)
{
	return c->wire && c->wire[pc];
}

uint32_t x64_jmp_k(const struct ctx *c, uint32_t pc, const struct cbpf_insn *in)
{
	uint32_t k = in->k;

	if (!c->wire || CBPF_SRC(in->code) != CBPF_K || !wire_value(c, c->known[pc].a))
		return k;
	/* A in network byte order: k swapped the same way (a jeq k past 16 bits fails). */
	if (c->known[pc].a.size == 4)
		return __builtin_bswap32(k);
	if (CBPF_OP(in->code) == CBPF_JSET || k <= 0xffff)
		return __builtin_bswap16((uint16_t)k);
	return k;
}
