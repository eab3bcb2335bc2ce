// SPDX-License-Identifier: MIT
/* Random classic programs for tests: valid by construction, or with one rule broken on purpose. */
#include <stdlib.h>
#include <string.h>

#include "randprog.h"
#include "splitmix.h"

/*
 * Validity is built in rather than checked afterwards, so the validator can be tested against
 * it and against the kernel independently: jumps go forward inside the program, constants
 * respect the operators, and scratch loads read only cells the kernel's analysis
 * (net/core/filter.c: check_load_and_stores) sees written, tracked as the program grows.
 */

#define AD_BASE	  ((uint32_t)CBPF_AD_OFF)
#define ALL_CELLS 0xffffu
/*
 * Heavy packet loads stop once the eBPF translation could pass this many instructions, which
 * keeps every jump inside the kernel's 16-bit offsets (32767) with room for one mutation.
 */
#define XLATE_BUDGET 32000

static uint32_t below(struct rng *r, uint64_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

/* Constants near the edges more often than uniform ones. */
static uint32_t interesting(struct rng *r)
{
	static const uint32_t edges[] = { 0,	      1,	  2,	     3,	      4,
					  0xff,	      0x100,	  0xffff,    0x10000, 0x7fffffff,
					  0x80000000, 0xfffffffe, 0xffffffff };

	switch (below(r, 4)) {
	case 0:
		return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return below(r, 256);
	default:
		return (uint32_t)rng_next(r);
	}
}

enum kind {
	K_ALU_K,
	K_ALU_X,
	K_NEG,
	K_LD_IMM,
	K_LDX_IMM,
	K_LD_LEN,
	K_LDX_LEN,
	K_TAX,
	K_TXA,
	K_LD_ABS,
	K_LD_IND,
	K_LDX_MSH,
	K_LD_MEM,
	K_LDX_MEM,
	K_ST,
	K_STX,
	K_JA,
	K_JCOND,
	K_RET,
	K_NKINDS
};

/* How often each shape picks each kind. */
static const uint8_t weights[RANDPROG_NSHAPES][K_NKINDS] = {
	[RANDPROG_SHAPE_MIXED] = { 6, 4, 1, 2, 2, 1, 1, 1, 1, 4, 2, 1, 2, 2, 2, 2, 2, 6, 1 },
	[RANDPROG_SHAPE_BRANCHY] = { 2, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 2, 1, 2, 1, 6, 20, 3 },
	[RANDPROG_SHAPE_MEMORY] = { 3, 1, 0, 2, 2, 0, 0, 1, 1, 1, 0, 0, 10, 8, 10, 8, 2, 6, 1 },
	[RANDPROG_SHAPE_FILTER] = { 3, 0, 0, 1, 0, 1, 0, 1, 0, 12, 3, 2, 0, 0, 0, 0, 1, 14, 4 },
};

struct gen {
	struct rng rng;
	bool seccomp;
	enum randprog_shape shape;
	struct cbpf_insn *v;
	uint16_t *in; /* cells written on entry, the kernel's way */
	size_t len;
	unsigned long cost; /* an upper bound on the eBPF translation so far */
};

static const uint16_t alu_ops[] = { CBPF_ADD, CBPF_SUB, CBPF_MUL, CBPF_DIV, CBPF_OR,
				    CBPF_AND, CBPF_LSH, CBPF_RSH, CBPF_XOR, CBPF_MOD };
#define N_ALU_OPS (sizeof(alu_ops) / sizeof(alu_ops[0]))
static const uint16_t jmp_ops[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };
static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };

static uint16_t pick_alu_op(struct gen *g)
{
	/* Seccomp has no modulo: the last entry. */
	return alu_ops[below(&g->rng, g->seccomp ? N_ALU_OPS - 1 : N_ALU_OPS)];
}

static uint32_t alu_k(struct gen *g, uint16_t op)
{
	uint32_t k = interesting(&g->rng);

	if (op == CBPF_LSH || op == CBPF_RSH)
		return chance(&g->rng, 20) ? 31 : below(&g->rng, 32);
	if ((op == CBPF_DIV || op == CBPF_MOD) && k == 0)
		return 1;
	return k;
}

/* A packet offset for a socket filter's absolute load. */
static uint32_t packet_k(struct gen *g)
{
	static const uint32_t edges[] = { 32767, 32768, 65535, 65536, 0x7fffffff };
	struct rng *r = &g->rng;

	switch (below(r, 10)) {
	case 0:
	case 1:
	case 2:
		return below(r, 64);
	case 3:
		return below(r, 1514);
	case 4:
		return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
	case 5:
		return (uint32_t)CBPF_NET_OFF + below(r, 64);
	case 6:
		return (uint32_t)CBPF_LL_OFF + below(r, 64);
	case 7:
		return 0x80000000u + below(r, 0x7fe00000u);
	default:
		return AD_BASE + 4 * below(r, CBPF_AD_MAX / 4);
	}
}

static uint32_t ret_k(struct gen *g)
{
	static const uint32_t actions[] = { 0x7fff0000, 0x00050001, 0x00030000, 0x80000000,
					    0x00000000, 0x7ffc0000, 0x7ff00000, 0x7fc00000 };

	if (g->seccomp && chance(&g->rng, 70))
		return actions[below(&g->rng, sizeof(actions) / sizeof(actions[0]))];
	return chance(&g->rng, 30) ? 262144 : interesting(&g->rng);
}

/* A forward distance that keeps the target at or before the last instruction. */
static uint32_t distance(struct gen *g, size_t pc, uint32_t limit)
{
	size_t room = g->len - 2 - pc;

	if (room > limit)
		room = limit;
	if (chance(&g->rng, 50))
		return below(&g->rng, (room < 4 ? room : 4) + 1);
	return below(&g->rng, room + 1);
}

/* A random set cell of cells (not 0). */
static uint32_t pick_cell(struct gen *g, uint16_t cells)
{
	uint32_t n = (uint32_t)__builtin_popcount(cells), i = below(&g->rng, n);

	for (uint32_t cell = 0;; cell++)
		if ((cells & (1u << cell)) && i-- == 0)
			return cell;
}

static bool kind_allowed(struct gen *g, enum kind kind, uint16_t cells)
{
	switch (kind) {
	case K_LD_IND:
	case K_LDX_MSH:
		return !g->seccomp && g->cost + 22 <= XLATE_BUDGET;
	case K_LD_ABS:
		return g->cost + 22 <= XLATE_BUDGET;
	case K_LD_MEM:
	case K_LDX_MEM:
		return cells != 0;
	default:
		return true;
	}
}

static enum kind pick_kind(struct gen *g, uint16_t cells)
{
	const uint8_t *w = weights[g->shape];
	unsigned total = 0, x;
	int kind;

	for (kind = 0; kind < K_NKINDS; kind++)
		total += kind_allowed(g, kind, cells) ? w[kind] : 0;
	x = below(&g->rng, total);
	for (kind = 0; kind < K_NKINDS; kind++) {
		unsigned wk = kind_allowed(g, kind, cells) ? w[kind] : 0;

		if (x < wk)
			return kind;
		x -= wk;
	}
	return K_LD_IMM;
}

/* One instruction of kind at pc (not the last); cells are those written on entry. */
static struct cbpf_insn make(struct gen *g, enum kind kind, size_t pc, uint16_t cells)
{
	struct rng *r = &g->rng;
	struct cbpf_insn insn = { 0, 0, 0, 0 };
	uint16_t op;

	switch (kind) {
	case K_ALU_K:
		op = pick_alu_op(g);
		insn = (struct cbpf_insn){ CBPF_ALU | op | CBPF_K, 0, 0, alu_k(g, op) };
		break;
	case K_ALU_X:
		insn.code = CBPF_ALU | pick_alu_op(g) | CBPF_X;
		break;
	case K_NEG:
		insn.code = CBPF_ALU | CBPF_NEG;
		break;
	case K_LD_IMM:
	case K_LDX_IMM:
		insn = (struct cbpf_insn){ kind == K_LD_IMM ? CBPF_LD | CBPF_IMM
							    : CBPF_LDX | CBPF_IMM,
					   0, 0, interesting(r) };
		break;
	case K_LD_LEN:
		insn.code = CBPF_LD | CBPF_W | CBPF_LEN;
		break;
	case K_LDX_LEN:
		insn.code = CBPF_LDX | CBPF_W | CBPF_LEN;
		break;
	case K_TAX:
		insn.code = CBPF_MISC | CBPF_TAX;
		break;
	case K_TXA:
		insn.code = CBPF_MISC | CBPF_TXA;
		break;
	case K_LD_ABS:
		if (g->seccomp)
			insn = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0,
						   4 * below(r, 16) };
		else
			insn = (struct cbpf_insn){ CBPF_LD | sizes[below(r, 3)] | CBPF_ABS, 0, 0,
						   packet_k(g) };
		break;
	case K_LD_IND:
		insn = (struct cbpf_insn){ CBPF_LD | sizes[below(r, 3)] | CBPF_IND, 0, 0,
					   chance(r, 50) ? below(r, 64) : interesting(r) };
		break;
	case K_LDX_MSH:
		insn = (struct cbpf_insn){ CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0,
					   chance(r, 50) ? 14 : interesting(r) };
		break;
	case K_LD_MEM:
	case K_LDX_MEM:
		insn = (struct cbpf_insn){ kind == K_LD_MEM ? CBPF_LD | CBPF_MEM
							    : CBPF_LDX | CBPF_MEM,
					   0, 0, pick_cell(g, cells) };
		break;
	case K_ST:
	case K_STX:
		insn = (struct cbpf_insn){ kind == K_ST ? CBPF_ST : CBPF_STX, 0, 0,
					   chance(r, 10) ? 15 : below(r, 16) };
		break;
	case K_JA:
		/* Mostly short hops; sometimes as far as the program allows. */
		insn = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0,
					   distance(g, pc, chance(r, 80) ? 255 : UINT32_MAX) };
		break;
	case K_JCOND:
		insn.code = CBPF_JMP | jmp_ops[below(r, 4)] | (chance(r, 30) ? CBPF_X : CBPF_K);
		insn.jt = (uint8_t)distance(g, pc, 255);
		insn.jf = chance(r, 15) ? insn.jt : (uint8_t)distance(g, pc, 255);
		insn.k = interesting(r);
		break;
	case K_RET:
		insn = chance(r, 30) ? (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 }
				     : (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, ret_k(g) };
		break;
	case K_NKINDS:
		break;
	}
	/* Fields the kernel ignores get junk now and then: it must not matter. */
	if (chance(r, 5) && !cbpf_insn_is_cond_jump(&insn)) {
		insn.jt = (uint8_t)below(r, 256);
		insn.jf = (uint8_t)below(r, 256);
	}
	if (chance(r, 5) &&
	    (kind == K_ALU_X || kind == K_NEG || kind == K_TAX || kind == K_TXA ||
	     kind == K_LD_LEN || kind == K_LDX_LEN || insn.code == (CBPF_RET | CBPF_A)))
		insn.k = (uint32_t)rng_next(r);
	return insn;
}

/* An upper bound on what the kernel's translation makes of insn (classic/check_xlate.c has it
 * exact). */
static unsigned cost_of(const struct cbpf_insn *insn)
{
	switch (CBPF_CLASS(insn->code)) {
	case CBPF_LD:
		if (CBPF_MODE(insn->code) == CBPF_ABS || CBPF_MODE(insn->code) == CBPF_IND)
			return 16;
		return 1;
	case CBPF_LDX:
		return CBPF_MODE(insn->code) == CBPF_MSH ? 22 : 1;
	case CBPF_ALU:
		return 5;
	case CBPF_JMP:
		return 3;
	case CBPF_RET:
		return 2;
	default:
		return 1;
	}
}

/* Fills g->v[0 .. g->len) with a valid program, recording each entry set in g->in. */
static int generate(struct gen *g)
{
	uint16_t *masks = malloc(g->len * sizeof(*masks)), cells = 0;
	bool falls = false;

	if (!masks)
		return -1;
	memset(masks, 0xff, g->len * sizeof(*masks));
	for (size_t pc = 0; pc < g->len; pc++) {
		struct cbpf_insn insn;

		cells = (pc == 0 ? 0 : falls ? cells : ALL_CELLS) & masks[pc];
		g->in[pc] = cells;
		if (pc == 0 && g->len >= CBPF_MAXINSNS && g->len > 1)
			insn = (struct cbpf_insn){ CBPF_LD | CBPF_IMM, 0, 0, interesting(&g->rng) };
		else if (pc == g->len - 1)
			insn = chance(&g->rng, 30)
				       ? (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 }
				       : (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, ret_k(g) };
		else
			insn = make(g, pick_kind(g, cells), pc, cells);
		g->v[pc] = insn;
		g->cost += cost_of(&insn);

		/* What the next instruction inherits, as the kernel's analysis sees it. */
		falls = true;
		if (insn.code == CBPF_ST || insn.code == CBPF_STX) {
			cells |= (uint16_t)(1u << insn.k);
		} else if (insn.code == (CBPF_JMP | CBPF_JA)) {
			masks[pc + 1 + insn.k] &= cells;
			falls = false;
		} else if (cbpf_insn_is_cond_jump(&insn)) {
			masks[pc + 1 + insn.jt] &= cells;
			masks[pc + 1 + insn.jf] &= cells;
			falls = false;
		}
	}
	free(masks);
	return 0;
}

/* Makes room for one instruction in front (jumps are relative: they land where they did). */
static void insert_front(struct gen *g, struct cbpf_insn insn)
{
	memmove(&g->v[1], &g->v[0], g->len * sizeof(*g->v));
	memmove(&g->in[1], &g->in[0], g->len * sizeof(*g->in));
	g->v[0] = insn;
	g->in[0] = 0;
	g->len++;
}

static bool plain(const struct gen *g, size_t pc)
{
	uint16_t code = g->v[pc].code;

	return pc + 1 < g->len && CBPF_CLASS(code) != CBPF_JMP && code != CBPF_ST &&
	       code != CBPF_STX;
}

/*
 * An instruction that can be replaced by any non-jump, non-store one without changing what the
 * kernel's analysis sees elsewhere (see plain()), or a new one in front when there is none.
 * Full-length programs always start with one (generate), so they never grow past 4096.
 */
static size_t pick_plain(struct gen *g)
{
	size_t n = 0, pick, pc;

	for (pc = 0; pc < g->len; pc++)
		n += plain(g, pc);
	if (n == 0) {
		insert_front(g, (struct cbpf_insn){ CBPF_LD | CBPF_IMM, 0, 0, 0 });
		return 0;
	}
	pick = below(&g->rng, n);
	for (pc = 0;; pc++)
		if (plain(g, pc) && pick-- == 0)
			return pc;
}

static long mutate_jump_past_end(struct gen *g)
{
	struct rng *r = &g->rng;
	size_t pc = pick_plain(g), room = g->len - 1 - pc;
	uint64_t k;

	/* A conditional jump reaches only 255 ahead. */
	if (room <= 255 && chance(r, 60)) {
		uint8_t far = (uint8_t)(room + below(r, 255 - room + 1));

		if (chance(r, 50))
			far = (uint8_t)room; /* exactly one past the last instruction */
		g->v[pc] = (struct cbpf_insn){ CBPF_JMP | jmp_ops[below(r, 4)] | CBPF_K, 0, 0,
					       interesting(r) };
		if (chance(r, 50))
			g->v[pc].jt = far;
		else
			g->v[pc].jf = far;
		return (long)pc;
	}
	switch (below(r, 3)) {
	case 0:
		k = room;
		break;
	case 1:
		k = room + below(r, 300);
		break;
	default:
		k = UINT32_MAX - below(r, 16);
		break;
	}
	g->v[pc] = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0, (uint32_t)k };
	return (long)pc;
}

/* A non-return for the last instruction. */
static long mutate_no_ret(struct gen *g)
{
	static const uint16_t codes[] = { CBPF_LD | CBPF_IMM, CBPF_MISC | CBPF_TAX,
					  CBPF_MISC | CBPF_TXA, CBPF_ALU | CBPF_ADD | CBPF_K,
					  CBPF_LD | CBPF_W | CBPF_LEN };
	size_t pc = g->len - 1;

	g->v[pc] = (struct cbpf_insn){ codes[below(&g->rng, 5)], 0, 0, interesting(&g->rng) };
	return (long)pc;
}

static long mutate_mem_uninit(struct gen *g)
{
	size_t n = 0, pc, pick;

	for (pc = 0; pc < g->len; pc++)
		n += plain(g, pc) && g->in[pc] != ALL_CELLS;
	if (n == 0) {
		/* Nothing is written on entry to the first instruction. */
		insert_front(g, (struct cbpf_insn){ CBPF_LD | CBPF_IMM, 0, 0, 0 });
		pc = 0;
	} else {
		pick = below(&g->rng, n);
		for (pc = 0;; pc++)
			if (plain(g, pc) && g->in[pc] != ALL_CELLS && pick-- == 0)
				break;
	}
	g->v[pc] =
		(struct cbpf_insn){ chance(&g->rng, 50) ? CBPF_LD | CBPF_MEM : CBPF_LDX | CBPF_MEM,
				    0, 0, pick_cell(g, (uint16_t)~g->in[pc]) };
	return (long)pc;
}

/* One instruction seccomp refuses, with operands a socket filter accepts. */
static struct cbpf_insn seccomp_refused(struct gen *g)
{
	struct rng *r = &g->rng;

	switch (below(r, 5)) {
	case 0:
		return (struct cbpf_insn){ CBPF_LD | (chance(r, 50) ? CBPF_H : CBPF_B) | CBPF_ABS,
					   0, 0, below(r, 64) };
	case 1:
		return (struct cbpf_insn){ CBPF_LD | sizes[below(r, 3)] | CBPF_IND, 0, 0,
					   below(r, 64) };
	case 2:
		return (struct cbpf_insn){ CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, 14 };
	case 3:
		return (struct cbpf_insn){ CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 1 + below(r, 100) };
	default:
		return (struct cbpf_insn){ CBPF_ALU | CBPF_MOD | CBPF_X, 0, 0, 0 };
	}
}

/* 'ld [k]' that a socket filter accepts but seccomp does not. */
static uint32_t seccomp_bad_k(struct gen *g)
{
	static const uint32_t edges[] = { 1, 2, 3, 6, 62, 63, 64, 65, 68, 0x1000 };
	struct rng *r = &g->rng;

	switch (below(r, 4)) {
	case 0:
		return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (4 * below(r, 16)) | (1 + below(r, 3));
	case 2:
		return 64 + below(r, 0x7fffffc0u);
	default:
		return AD_BASE + 4 * below(r, CBPF_AD_MAX / 4);
	}
}

/*
 * Heavy packet loads pushing a jump past what bpf_convert_filter encodes: either the jump
 * itself sits past eBPF instruction 32767, or a 'ja' at the start spans the loads.
 */
static long build_jump_far(struct gen *g)
{
	struct rng *r = &g->rng;
	size_t loads = 2530 + below(r, 200), pc = 0, rets = 1 + below(r, 3);
	bool span = chance(r, 40);

	g->len = span + loads + (span ? 0 : 1) + rets;
	if (span)
		g->v[pc++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0, (uint32_t)loads };
	/* Each of these becomes at least 13 eBPF instructions. */
	for (size_t i = 0; i < loads; i++)
		g->v[pc++] = (struct cbpf_insn){ CBPF_LD | sizes[below(r, 3)] | CBPF_ABS, 0, 0,
						 1 + below(r, 32767) };
	if (!span) {
		if (chance(r, 50))
			g->v[pc] = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0,
						       below(r, (uint32_t)rets) };
		else
			g->v[pc] = (struct cbpf_insn){ CBPF_JMP | jmp_ops[below(r, 4)],
						       (uint8_t)below(r, (uint32_t)rets),
						       (uint8_t)below(r, (uint32_t)rets),
						       interesting(r) };
		pc++;
	}
	while (pc < g->len)
		g->v[pc++] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, ret_k(g) };
	return span ? 0 : (long)loads;
}

static long mutate(struct gen *g, enum randprog_mutation mutation)
{
	struct rng *r = &g->rng;
	size_t pc;

	switch (mutation) {
	case RANDPROG_BAD_OPCODE:
		pc = pick_plain(g);
		do
			g->v[pc].code = (uint16_t)(chance(r, 50) ? below(r, 0x100) : rng_next(r));
		while (cbpf_opcode_lookup(g->v[pc].code));
		return (long)pc;
	case RANDPROG_JUMP_PAST_END:
		return mutate_jump_past_end(g);
	case RANDPROG_NO_RET:
		return mutate_no_ret(g);
	case RANDPROG_DIV_ZERO:
		pc = pick_plain(g);
		g->v[pc] = (struct cbpf_insn){
			CBPF_ALU | (g->seccomp || chance(r, 50) ? CBPF_DIV : CBPF_MOD) | CBPF_K, 0,
			0, 0
		};
		return (long)pc;
	case RANDPROG_SHIFT_RANGE:
		pc = pick_plain(g);
		g->v[pc] = (struct cbpf_insn){
			CBPF_ALU | (chance(r, 50) ? CBPF_LSH : CBPF_RSH) | CBPF_K, 0, 0,
			chance(r, 50) ? 32 : 32 + below(r, UINT32_MAX - 31)
		};
		return (long)pc;
	case RANDPROG_MEM_RANGE: {
		static const uint16_t codes[] = { CBPF_LD | CBPF_MEM, CBPF_LDX | CBPF_MEM, CBPF_ST,
						  CBPF_STX };

		pc = pick_plain(g);
		g->v[pc] =
			(struct cbpf_insn){ codes[below(r, 4)], 0, 0,
					    chance(r, 50) ? 16 : 16 + below(r, UINT32_MAX - 15) };
		return (long)pc;
	}
	case RANDPROG_MEM_UNINIT:
		return mutate_mem_uninit(g);
	case RANDPROG_BAD_ANCILLARY: {
		uint32_t x;

		if (chance(r, 50))
			x = CBPF_AD_MAX + below(r, 4096 - CBPF_AD_MAX);
		else if (chance(r, 50))
			x = 4 * below(r, CBPF_AD_MAX / 4) + 1 + below(r, 3);
		else
			x = 4095;
		pc = pick_plain(g);
		g->v[pc] = (struct cbpf_insn){ CBPF_LD | sizes[below(r, 3)] | CBPF_ABS, 0, 0,
					       AD_BASE + x };
		return (long)pc;
	}
	case RANDPROG_SECCOMP_OPCODE:
		pc = pick_plain(g);
		g->v[pc] = seccomp_refused(g);
		return (long)pc;
	case RANDPROG_SECCOMP_LOAD:
		pc = pick_plain(g);
		g->v[pc] =
			(struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, seccomp_bad_k(g) };
		return (long)pc;
	case RANDPROG_TOO_LONG:
		return CBPF_MAXINSNS;
	case RANDPROG_JUMP_FAR:
		return build_jump_far(g);
	default:
		return -1;
	}
}

static size_t pick_len(struct rng *r)
{
	unsigned x = below(r, 100);

	if (x < 40)
		return 1 + below(r, 16);
	if (x < 70)
		return 17 + below(r, 112);
	if (x < 90)
		return 129 + below(r, 896);
	if (x < 97)
		return 1025 + below(r, 3071);
	return CBPF_MAXINSNS;
}

struct cbpf_prog *randprog_new(const struct randprog_opts *opts, long *at)
{
	struct gen g = { { opts->seed * 0x2545f4914f6cdd1dull + 1 },
			 opts->seccomp,
			 opts->shape,
			 NULL,
			 NULL,
			 0,
			 0 };
	struct cbpf_prog *prog = NULL;
	size_t cap;
	long where = -1;

	if (g.shape <= RANDPROG_SHAPE_ANY || g.shape >= RANDPROG_NSHAPES)
		g.shape = (enum randprog_shape)(1 + below(&g.rng, RANDPROG_NSHAPES - 1));
	g.len = opts->len ? opts->len : pick_len(&g.rng);
	if (opts->mutation == RANDPROG_TOO_LONG)
		g.len = CBPF_MAXINSNS + 1 + below(&g.rng, 4);
	/* Room for the longest case: a jump-far program, or one instruction in front. */
	cap = (g.len > CBPF_MAXINSNS ? g.len : CBPF_MAXINSNS) + 1;
	g.v = malloc(cap * sizeof(*g.v));
	g.in = malloc(cap * sizeof(*g.in));
	if (!g.v || !g.in)
		goto out;
	if (opts->mutation == RANDPROG_EMPTY) {
		g.len = 0;
	} else if (opts->mutation != RANDPROG_JUMP_FAR) {
		if (generate(&g))
			goto out;
	}
	where = mutate(&g, opts->mutation);
	prog = cbpf_prog_new(g.v, g.len);
	if (prog)
		cbpf_prog_set_kind(prog, opts->seccomp ? CBPF_KIND_SECCOMP : CBPF_KIND_SOCKET);
	if (at)
		*at = where;
out:
	free(g.v);
	free(g.in);
	return prog;
}

int randprog_expect(const struct randprog_opts *opts, enum cbpf_check_mode mode)
{
	switch (opts->mutation) {
	case RANDPROG_VALID:
		return mode == CBPF_CHECK_SOCKET || opts->seccomp ? 1 : -1;
	case RANDPROG_SECCOMP_OPCODE:
	case RANDPROG_SECCOMP_LOAD:
		return mode == CBPF_CHECK_SOCKET;
	default:
		return 0;
	}
}

const char *randprog_mutation_name(enum randprog_mutation mutation)
{
	static const char *const names[RANDPROG_NMUTATIONS] = {
		"valid",       "bad-opcode",	 "jump-past-end", "no-ret",	   "div-zero",
		"shift-range", "mem-range",	 "mem-uninit",	  "bad-ancillary", "too-long",
		"empty",       "seccomp-opcode", "seccomp-load",  "jump-far",
	};

	return (unsigned)mutation < RANDPROG_NMUTATIONS ? names[mutation] : "?";
}

const char *randprog_shape_name(enum randprog_shape shape)
{
	static const char *const names[RANDPROG_NSHAPES] = { "any", "mixed", "branchy", "memory",
							     "filter" };

	return (unsigned)shape < RANDPROG_NSHAPES ? names[shape] : "?";
}
