// SPDX-License-Identifier: MIT
/* Seccomp code generation: arch dispatch, binary search over syscall ranges, argument checks. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_ir.h"
#include "classic/prog.h"

/*
 * The program is built as a graph of blocks: a few straight-line loads (ld, and) and one
 * terminator (a conditional jump, ja, or ret). Blocks are hash-consed, so identical code is
 * emitted once: one ret per action, shared argument checks. Then the blocks are laid out in a
 * topological order and jumps farther than 255 instructions are relaxed.
 */

/* include/uapi/linux/seccomp.h: struct seccomp_data; the five architectures are little-endian. */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG(i, hi) (16 + 8 * (i) + ((hi) ? 4 : 0))

enum bkind { B_RET, B_JMP, B_JA };

struct blk {
	struct cbpf_insn pre[2];
	uint8_t n_pre;
	uint8_t kind;
	uint16_t code; /* B_JMP: the jump's code */
	uint32_t k;
	int jt, jf; /* B_JMP: targets; B_JA: jt */
	char *label;
	size_t pos; /* layout */
	int orig;   /* a relaxation copy: the block it copies; -1 */
};

struct gen {
	struct blk *b;
	size_t n, cap;
	int *htab; /* block id + 1, 0 empty */
	size_t hcap;
	int err;
	bool comments;
	const struct cbpf_policy *pol;
	struct cbpf_diags *diags;
	/* Instructions in the blocks made so far. Every block is reached from the root but the
	 * first test of each architecture's tree, which gets a copy that loads nr: past
	 * CBPF_MAXINSNS + CBPF_ARCH_COUNT, the filter is too long, and generation stops there. */
	size_t insns;
	size_t knowing; /* states generated knowing more than A, all syscalls (KNOWING_ALL) */
	size_t budget;  /* tests a syscall's checks may make knowing more than A (see gen_once) */
	/* the syscall whose checks are being made, where they started, and the one whose checks
	 * took the most: where a too long filter's error points */
	const struct cbpf_policy_rule *cur_rule, *top_rule;
	enum cbpf_arch cur_arch, top_arch;
	size_t cur_start, top_len;
};

/* ---------------------------------------------------------------- blocks */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* The last step of a hash: the tables index by the low bits, which mix() leaves weak. */
static uint64_t fin(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

static uint64_t blk_hash(const struct blk *b)
{
	uint64_t h = mix(b->kind, b->n_pre);

	for (unsigned i = 0; i < b->n_pre; i++)
		h = mix(mix(h, b->pre[i].code), b->pre[i].k);
	h = mix(mix(h, b->code), b->k);
	return fin(mix(mix(h, (uint64_t)(int64_t)b->jt), (uint64_t)(int64_t)b->jf));
}

static bool blk_same(const struct blk *a, const struct blk *b)
{
	if (a->kind != b->kind || a->n_pre != b->n_pre || a->code != b->code || a->k != b->k ||
	    a->jt != b->jt || a->jf != b->jf)
		return false;
	for (unsigned i = 0; i < a->n_pre; i++)
		if (a->pre[i].code != b->pre[i].code || a->pre[i].k != b->pre[i].k)
			return false;
	return true;
}

static bool rehash(struct gen *g, size_t cap)
{
	int *t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < g->n; i++) {
		size_t h = (size_t)blk_hash(&g->b[i]) & (cap - 1);

		if (g->b[i].orig >= 0)
			continue;
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = (int)i + 1;
	}
	free(g->htab);
	g->htab = t;
	g->hcap = cap;
	return true;
}

static int blk_append(struct gen *g, const struct blk *nb)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;
		struct blk *v = realloc(g->b, cap * sizeof(*v));

		if (!v)
			return -1;
		g->b = v;
		g->cap = cap;
	}
	g->b[g->n] = *nb;
	return (int)g->n++;
}

static size_t blk_len(const struct blk *b)
{
	return (size_t)b->n_pre + 1;
}

/* The id of a block equal to nb (its label is taken, or freed when one exists), -1 on error. */
static int mk(struct gen *g, struct blk nb)
{
	size_t h;
	int id;

	nb.orig = -1;
	if (g->err)
		goto fail;
	/* both ways to one place: no test (and no load, when that place is a return, which reads
	 * nothing; a load for a later test must stay) */
	if (nb.kind == B_JMP && nb.jt == nb.jf && (!nb.n_pre || g->b[nb.jt].kind == B_RET)) {
		free(nb.label);
		return nb.jt;
	}
	if (2 * (g->n + 1) > g->hcap && !rehash(g, g->hcap ? 2 * g->hcap : 1024))
		goto nomem;
	h = (size_t)blk_hash(&nb) & (g->hcap - 1);
	for (; g->htab[h]; h = (h + 1) & (g->hcap - 1))
		if (blk_same(&g->b[g->htab[h] - 1], &nb)) {
			free(nb.label);
			return g->htab[h] - 1;
		}
	id = blk_append(g, &nb);
	if (id < 0)
		goto nomem;
	g->htab[h] = id + 1;
	if (nb.kind != B_RET && (g->insns += blk_len(&nb)) > CBPF_MAXINSNS + CBPF_ARCH_COUNT) {
		g->err = -E2BIG;
		return -1;
	}
	return id;
nomem:
	g->err = -ENOMEM;
fail:
	free(nb.label);
	return -1;
}

static char *label(struct gen *g, const char *fmt, ...) CBPF_PRINTF(2, 3);

static char *label(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!g->comments)
		return NULL;
	va_start(ap, fmt);
	s = diag_vformat(fmt, ap);
	va_end(ap);
	if (!s)
		g->err = -ENOMEM;
	return s;
}

static int mk_ret(struct gen *g, uint32_t action)
{
	char name[32];

	cbpf_seccomp_action_format(action, name, sizeof(name));
	return mk(g, (struct blk){ .kind = B_RET, .k = action, .label = label(g, "%s", name) });
}

static struct cbpf_insn ld_abs(uint32_t off)
{
	return (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, off };
}

/* ---------------------------------------------------------------- argument checks */

/* A 32-bit word of seccomp_data the checks read: arg * 2 + hi. */
#define NWORDS 12
#define A_NONE 0xff

/* What is known on a path: which word (and mask) A holds, and a range for every word. */
struct know {
	uint8_t a;      /* word, or A_NONE */
	uint32_t amask; /* A = word & amask */
	uint32_t lo[NWORDS], hi[NWORDS];
	uint32_t ne[NWORDS]; /* a value the word is known not to hold, when has_ne */
	uint16_t has_ne;     /* bit per word */
};

enum { OUT_T = -1, OUT_F = -2 };

/* One test on a word; its outcomes lead to another step or to OUT_T / OUT_F. */
struct step {
	uint8_t word;
	uint16_t op;   /* CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET */
	uint32_t mask; /* A = word & mask first (all ones: plain) */
	uint32_t k;
	int t, f;
};

/* A condition as steps; n = 0 with *constant set when its outcome never depends on the input. */
struct cond_steps {
	struct step s[4];
	int n;
	int first; /* step index, or OUT_T / OUT_F */
};

static int negate(int out)
{
	return out == OUT_T ? OUT_F : out == OUT_F ? OUT_T : out;
}

/* (word & m) == v, continuing to t or f. Appends at most one step. */
static int masked_eq(struct cond_steps *cs, uint8_t word, uint32_t m, uint32_t v, int t, int f)
{
	struct step *s = &cs->s[cs->n];

	if (v & ~m)
		return f;
	if (!m)
		return t; /* 0 == 0 */
	s->word = word;
	s->mask = UINT32_MAX;
	if (m == UINT32_MAX) {
		s->op = CBPF_JEQ, s->k = v, s->t = t, s->f = f;
	} else if (!v) {
		s->op = CBPF_JSET, s->k = m, s->t = f, s->f = t;
	} else if (v == m && !(m & (m - 1))) {
		s->op = CBPF_JSET, s->k = m, s->t = t, s->f = f;
	} else {
		s->op = CBPF_JEQ, s->mask = m, s->k = v, s->t = t, s->f = f;
	}
	return cs->n++;
}

static void add_step(struct cond_steps *cs, uint8_t word, uint16_t op, uint32_t k, int t, int f,
		     int *at)
{
	cs->s[cs->n] = (struct step){ word, op, UINT32_MAX, k, t, f };
	*at = cs->n++;
}

/* Expands a condition into steps, comparing 64 bits unsigned (32 on 32-bit arches). */
static void cond_expand(const struct cbpf_policy_cond *c, bool arch32, struct cond_steps *cs)
{
	uint8_t lo = (uint8_t)(c->arg * 2), hi = (uint8_t)(c->arg * 2 + 1);
	uint64_t v = c->value, m = c->mask;
	uint32_t vlo = (uint32_t)v, vhi = (uint32_t)(v >> 32);
	bool neg = false;
	int at;

	cs->n = 0;
	switch (c->op) {
	case CBPF_CMP_EQ:
	case CBPF_CMP_NE:
	case CBPF_CMP_MASKED_EQ:
	case CBPF_CMP_MASKED_NE:
		neg = c->op == CBPF_CMP_NE || c->op == CBPF_CMP_MASKED_NE;
		if (c->op == CBPF_CMP_EQ || c->op == CBPF_CMP_NE)
			m = UINT64_MAX;
		at = masked_eq(cs, lo, (uint32_t)m, vlo, OUT_T, OUT_F);
		if (!arch32)
			at = masked_eq(cs, hi, (uint32_t)(m >> 32), vhi, at, OUT_F);
		break;
	case CBPF_CMP_LT: /* !(>=) */
	case CBPF_CMP_GE:
		neg = c->op == CBPF_CMP_LT;
		if (arch32) {
			add_step(cs, lo, CBPF_JGE, vlo, OUT_T, OUT_F, &at);
		} else if (!vlo) {
			add_step(cs, hi, CBPF_JGE, vhi, OUT_T, OUT_F, &at);
		} else {
			int l, e;

			add_step(cs, lo, CBPF_JGE, vlo, OUT_T, OUT_F, &l);
			add_step(cs, hi, CBPF_JEQ, vhi, l, OUT_F, &e);
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, e, &at);
		}
		break;
	case CBPF_CMP_LE: /* !(>) */
	case CBPF_CMP_GT:
	default:
		neg = c->op == CBPF_CMP_LE;
		if (arch32) {
			add_step(cs, lo, CBPF_JGT, vlo, OUT_T, OUT_F, &at);
		} else if (vlo == UINT32_MAX) {
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, OUT_F, &at);
		} else {
			int l, e;

			add_step(cs, lo, CBPF_JGT, vlo, OUT_T, OUT_F, &l);
			add_step(cs, hi, CBPF_JEQ, vhi, l, OUT_F, &e);
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, e, &at);
		}
		break;
	}
	if (neg) {
		for (int i = 0; i < cs->n; i++)
			cs->s[i].t = negate(cs->s[i].t), cs->s[i].f = negate(cs->s[i].f);
		at = negate(at);
	}
	cs->first = at;
}

/* 1 true, 0 false, -1 unknown under k. */
static int step_eval(const struct step *s, const struct know *k)
{
	uint32_t lo = k->lo[s->word], hi = k->hi[s->word];

	if (s->mask != UINT32_MAX)
		return lo == hi ? (lo & s->mask) == s->k : -1;
	switch (s->op) {
	case CBPF_JEQ:
		if (lo == hi)
			return lo == s->k;
		if ((k->has_ne & (1U << s->word)) && k->ne[s->word] == s->k)
			return 0; /* arg0 == 1 || arg0 == 1: the second test is known false */
		return s->k < lo || s->k > hi ? 0 : -1;
	case CBPF_JGT:
		return lo > s->k ? 1 : hi <= s->k ? 0 : -1;
	case CBPF_JGE:
		return lo >= s->k ? 1 : hi < s->k ? 0 : -1;
	default: /* JSET */
		if (lo == hi)
			return (lo & s->k) != 0;
		return hi < (s->k & (0 - s->k)) ? 0 : -1;
	}
}

/* What a test's outcome teaches about its word. */
static void step_refine(const struct step *s, bool taken, struct know *k)
{
	uint32_t *lo = &k->lo[s->word], *hi = &k->hi[s->word];

	k->a = s->word;
	k->amask = s->mask;
	if (s->mask != UINT32_MAX)
		return;
	switch (s->op) {
	case CBPF_JEQ:
		if (taken) {
			*lo = *hi = s->k;
			k->has_ne &= (uint16_t)~(1U << s->word);
		} else if (s->k == *lo && *lo < *hi) {
			(*lo)++;
		} else if (s->k == *hi && *lo < *hi) {
			(*hi)--;
		} else {
			k->ne[s->word] = s->k;
			k->has_ne |= (uint16_t)(1U << s->word);
		}
		break;
	case CBPF_JGT:
		if (taken)
			*lo = *lo > s->k + 1 ? *lo : s->k + 1;
		else
			*hi = *hi < s->k ? *hi : s->k;
		break;
	case CBPF_JGE:
		if (taken)
			*lo = *lo > s->k ? *lo : s->k;
		else
			*hi = *hi < s->k - 1 ? *hi : s->k - 1;
		break;
	default:
		break;
	}
}

/*
 * What a word's later tests can tell apart. Knowledge of a word matters only through the tests
 * that read it later on the path: two ranges whose ends fall in the same cells between those
 * tests' constants lead to the same code, and a known-unequal value that no later jeq compares
 * with is worth nothing. The knowledge is reduced to that before it keys the memo, which keeps
 * the states of a syscall's checks few (88 rules of "arg0 != i && arg1 == i": 2,256, where the
 * whole struct know made more than the 65,536 a memo held) and changes no code. "Later" is
 * rules r.. from within rule r: a superset of what a path can still reach, so the reduction
 * stays exact. A word some later masked test or jset reads keeps its exact value.
 */
struct cells {
	uint32_t *v;    /* sorted boundaries: a cell is [v[j], v[j + 1]) */
	int32_t *last;  /* per boundary: the last rule whose tests make it */
	int32_t *tree;  /* max of last over power-of-two segments, leaves from size on */
	size_t n, size;
	uint32_t *eq;   /* sorted constants of unmasked jeq tests, and their last rules */
	int32_t *eq_last;
	size_t n_eq;
	int32_t exact; /* the last rule with a masked test or a jset on the word, or -1 */
};

/* A boundary or jeq constant a rule's test makes on a word, while the tables are built. */
struct mark {
	uint32_t v;
	int32_t rule;
	uint8_t word, eq;
};

static int mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->word != y->word)
		return x->word < y->word ? -1 : 1;
	if (x->eq != y->eq)
		return x->eq < y->eq ? -1 : 1;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* The index of the last boundary j <= i whose last rule is r or later, -1 for none. */
static long cells_prev(const struct cells *cl, long i, int32_t r)
{
	size_t p;

	if (i < 0)
		return -1;
	p = cl->size + (size_t)i;
	if (cl->tree[p] >= r)
		return i;
	for (; p > 1; p >>= 1) {
		if ((p & 1) && cl->tree[p - 1] >= r) {
			for (p--; p < cl->size;)
				p = cl->tree[2 * p + 1] >= r ? 2 * p + 1 : 2 * p;
			return (long)(p - cl->size);
		}
	}
	return -1;
}

/* The index of the first boundary j >= i whose last rule is r or later, -1 for none. */
static long cells_next(const struct cells *cl, size_t i, int32_t r)
{
	size_t p;

	if (i >= cl->n)
		return -1;
	p = cl->size + i;
	if (cl->tree[p] >= r)
		return (long)i;
	for (; p > 1; p >>= 1) {
		if (!(p & 1) && cl->tree[p + 1] >= r) {
			for (p++; p < cl->size;)
				p = cl->tree[2 * p] >= r ? 2 * p : 2 * p + 1;
			return (long)(p - cl->size);
		}
	}
	return -1;
}

/* The number of boundaries <= x. */
static size_t cells_rank(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The reduction of a word's knowledge at rule r (see struct cells). */
static void cells_reduce(const struct cells *cl, int32_t r, unsigned w, struct know *k)
{
	uint32_t bit = 1U << w;

	if (k->has_ne & bit) {
		uint32_t ne = k->ne[w];
		size_t i = cells_rank(cl->eq, cl->n_eq, ne);

		if (ne < k->lo[w] || ne > k->hi[w] || !i || cl->eq[i - 1] != ne ||
		    cl->eq_last[i - 1] < r)
			k->has_ne &= (uint16_t)~bit;
	}
	if (!(k->has_ne & bit))
		k->ne[w] = 0;
	if (r > cl->exact) {
		long j = cells_prev(cl, (long)cells_rank(cl->v, cl->n, k->lo[w]) - 1, r);

		k->lo[w] = j < 0 ? 0 : cl->v[j];
		j = cells_next(cl, cells_rank(cl->v, cl->n, k->hi[w]), r);
		k->hi[w] = j < 0 ? UINT32_MAX : cl->v[j] - 1;
	}
}

/* A state of the checks: the step about to run at (rule, cond, step), and what is known. */
struct state {
	uint32_t rule, cond;
	int step;
	struct know k;
};

/* The checks of one syscall: conditional rules in order, then the final action. */
struct checks {
	struct gen *g;
	const char *name;
	bool arch32;
	size_t n_rules;
	const struct cbpf_policy_rule **rules;
	struct cond_steps **steps; /* per rule, per condition */
	uint16_t **uses;           /* per rule, per condition: words read from there on */
	int *action_blk;           /* per rule */
	int final_blk;
	struct cells cells[NWORDS];
	/* memo: state -> block (-1 while it is being generated), hashed */
	struct memo {
		struct state st;
		int blk;
	} *memo;
	size_t n_memo, cap_memo;
	uint32_t *mtab; /* memo index + 1, 0 empty */
	size_t mcap;
	/* states generated with what their paths knew; past the limit, paths forget it */
	size_t knowing;
	/* tests still to make with what their paths knew; then their outcomes forget it */
	size_t budget;
	/* the states being generated, innermost last */
	struct frame {
		uint32_t memo; /* the state's entry */
		int phase;     /* F_NEW, F_KNOWN, F_TRUE, F_FALSE */
		int t;         /* F_FALSE: the block of the true outcome */
		bool blind;    /* the outcomes forget what the path knew (out of budget) */
	} *stack;
	size_t sp, cap_stack;
};

enum { F_NEW, F_KNOWN, F_TRUE, F_FALSE };

/*
 * States a syscall's checks may generate knowing more than which word A holds, and all the
 * syscalls of a filter: a bound on the work (and the code) whatever the rules. Past it, paths
 * forget what they knew, and every state is a (rule, condition, step, A), of which there are
 * few. Real policies stay far below it: Docker's profile generates 22 such states in all, the
 * most for one syscall in 2,100 random policies of policy-equiv's kind for five architectures
 * is 149, and 1,319 for a whole filter.
 */
#define KNOWING_MAX 65536
#define KNOWING_ALL 262144

static void cond_text(const struct cbpf_policy_cond *c, char *buf, size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };

	if (c->op <= CBPF_CMP_GE)
		snprintf(buf, size, "arg%u %s %#" PRIx64, c->arg, ops[c->op], c->value);
	else
		snprintf(buf, size, "(arg%u & %#" PRIx64 ") %s %#" PRIx64, c->arg, c->mask,
			 c->op == CBPF_CMP_MASKED_EQ ? "==" : "!=", c->value);
}

static void project(const struct checks *ch, size_t r, size_t c, struct know *k)
{
	uint16_t use = r < ch->n_rules ? ch->uses[r][c] : 0;

	for (unsigned w = 0; w < NWORDS; w++)
		if (!(use & (1U << w)))
			k->lo[w] = 0, k->hi[w] = UINT32_MAX, k->ne[w] = 0;
	k->has_ne &= use;
	if (k->a != A_NONE && !(use & (1U << k->a)))
		k->a = A_NONE, k->amask = 0;
	for (unsigned w = 0; w < NWORDS; w++)
		if (use & (1U << w))
			cells_reduce(&ch->cells[w], (int32_t)r, w, k);
}

static void forget(struct know *k)
{
	for (unsigned w = 0; w < NWORDS; w++)
		k->lo[w] = 0, k->hi[w] = UINT32_MAX, k->ne[w] = 0;
	k->has_ne = 0;
}

static bool knows(const struct know *k)
{
	if (k->has_ne)
		return true;
	for (unsigned w = 0; w < NWORDS; w++)
		if (k->lo[w] || k->hi[w] != UINT32_MAX)
			return true;
	return false;
}

static uint64_t state_hash(const struct state *s)
{
	uint64_t h = mix(mix(mix(s->rule, s->cond), (uint64_t)(int64_t)s->step),
			 s->k.a | (uint64_t)s->k.has_ne << 8);

	h = mix(h, s->k.amask);
	for (unsigned w = 0; w < NWORDS; w++)
		h = mix(mix(h, s->k.lo[w] | (uint64_t)s->k.hi[w] << 32), s->k.ne[w]);
	return fin(h);
}

static bool state_eq(const struct state *x, const struct state *y)
{
	return x->rule == y->rule && x->cond == y->cond && x->step == y->step &&
	       x->k.a == y->k.a && x->k.amask == y->k.amask && x->k.has_ne == y->k.has_ne &&
	       !memcmp(x->k.lo, y->k.lo, sizeof(x->k.lo)) &&
	       !memcmp(x->k.hi, y->k.hi, sizeof(x->k.hi)) &&
	       !memcmp(x->k.ne, y->k.ne, sizeof(x->k.ne));
}

/* The slot of st in the memo's table: where it is, or the empty one where it would go. */
static uint32_t *memo_slot(const struct checks *ch, const struct state *st)
{
	size_t h = (size_t)state_hash(st) & (ch->mcap - 1);

	for (; ch->mtab[h]; h = (h + 1) & (ch->mcap - 1))
		if (state_eq(&ch->memo[ch->mtab[h] - 1].st, st))
			break;
	return &ch->mtab[h];
}

/* Adds st, whose block is to come; false when out of memory. */
static bool memo_add(struct checks *ch, const struct state *st)
{
	uint32_t *slot;

	if (ch->n_memo == ch->cap_memo) {
		size_t cap = ch->cap_memo ? 2 * ch->cap_memo : 64;
		struct memo *mv = realloc(ch->memo, cap * sizeof(*mv));

		if (!mv)
			return false;
		ch->memo = mv;
		ch->cap_memo = cap;
	}
	if (2 * (ch->n_memo + 1) > ch->mcap) {
		size_t cap = ch->mcap ? 2 * ch->mcap : 256;
		uint32_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return false;
		free(ch->mtab);
		ch->mtab = t;
		ch->mcap = cap;
		for (size_t i = 0; i < ch->n_memo; i++)
			*memo_slot(ch, &ch->memo[i].st) = (uint32_t)i + 1;
	}
	slot = memo_slot(ch, st);
	ch->memo[ch->n_memo] = (struct memo){ *st, -1 };
	*slot = (uint32_t)++ch->n_memo;
	return true;
}

/* The block of st, or -1 when it has none yet (a state is never met again while it is being
 * generated: the steps of a path go forward). */
static int memo_find(const struct checks *ch, const struct state *st)
{
	uint32_t i = ch->mcap ? *memo_slot(ch, st) : 0;

	return i ? ch->memo[i - 1].blk : -1;
}

#define PENDING (-2) /* enter: a frame was pushed, its block comes later */

/*
 * Where outcome `at` of a step in condition c of rule r leads, knowing k: a block now (a return,
 * or a state generated before), or PENDING with the state pushed to be generated. -1 on error.
 */
static int enter(struct checks *ch, size_t r, size_t c, int at, const struct know *known)
{
	struct state st;
	int id;

	for (;;) {
		if (at == OUT_T) {
			if (c + 1 >= ch->rules[r]->n_conds)
				return ch->action_blk[r];
			at = ch->steps[r][++c].first;
		} else if (at == OUT_F) {
			if (r + 1 >= ch->n_rules)
				return ch->final_blk;
			c = 0;
			at = ch->steps[++r][0].first;
		} else {
			break;
		}
	}
	st = (struct state){ (uint32_t)r, (uint32_t)c, at, *known };
	project(ch, r, c, &st.k);
	id = memo_find(ch, &st);
	if (id >= 0)
		return id;
	if (knows(&st.k)) {
		if (ch->knowing >= KNOWING_MAX || ch->g->knowing >= KNOWING_ALL) {
			forget(&st.k);
			id = memo_find(ch, &st);
			if (id >= 0)
				return id;
		} else {
			ch->knowing++;
			ch->g->knowing++;
		}
	}
	if (ch->sp == ch->cap_stack) {
		size_t cap = ch->cap_stack ? 2 * ch->cap_stack : 64;
		struct frame *v = realloc(ch->stack, cap * sizeof(*v));

		if (!v)
			goto nomem;
		ch->stack = v;
		ch->cap_stack = cap;
	}
	if (!memo_add(ch, &st))
		goto nomem;
	ch->stack[ch->sp++] = (struct frame){ .memo = (uint32_t)ch->n_memo - 1, .phase = F_NEW };
	return PENDING;
nomem:
	ch->g->err = -ENOMEM;
	return -1;
}

/* The block of a test whose outcomes lead to t and f, in state st. */
static int test_blk(struct checks *ch, const struct state *st, int t, int f)
{
	struct gen *g = ch->g;
	const struct step *s = &ch->steps[st->rule][st->cond].s[st->step];
	struct blk nb = { .kind = B_JMP, .code = (uint16_t)(CBPF_JMP | s->op | CBPF_K), .k = s->k };
	uint32_t amask = st->k.amask;
	char text[96];

	if (st->k.a != s->word || (amask != s->mask && amask != UINT32_MAX)) {
		nb.pre[nb.n_pre++] = ld_abs(OFF_ARG(s->word / 2, s->word & 1));
		amask = UINT32_MAX;
	}
	if (s->mask != UINT32_MAX && amask != s->mask)
		nb.pre[nb.n_pre++] =
			(struct cbpf_insn){ CBPF_ALU | CBPF_AND | CBPF_K, 0, 0, s->mask };
	nb.jt = t;
	nb.jf = f;
	if (g->comments) {
		cond_text(&ch->rules[st->rule]->conds[st->cond], text, sizeof(text));
		nb.label = label(g, "%s: %s%s", ch->name, text,
				 ch->arch32 ? "" : s->word & 1 ? " (high word)" : " (low word)");
	}
	return mk(g, nb);
}

/*
 * The checks from the first step of rule 0 on: every state once (the memo), depth first, on a
 * stack of frames in memory rather than the C stack, whose depth grows with the rules.
 */
static int gen_checks(struct checks *ch)
{
	struct know k0 = { .a = A_NONE };
	int res;

	for (unsigned w = 0; w < NWORDS; w++)
		k0.hi[w] = UINT32_MAX;
	res = enter(ch, 0, 0, ch->steps[0][0].first, &k0);
	while (ch->sp && res != -1) {
		struct frame *fr = &ch->stack[ch->sp - 1];
		const struct state *st = &ch->memo[fr->memo].st;
		const struct step *s = &ch->steps[st->rule][st->cond].s[st->step];
		struct know k = st->k;
		int v;

		if (res == PENDING) { /* fr is new */
			v = step_eval(s, &k);
			if (v >= 0) {
				fr->phase = F_KNOWN;
				res = enter(ch, st->rule, st->cond, v ? s->t : s->f, &k);
			} else {
				fr->phase = F_TRUE;
				fr->blind = !ch->budget;
				ch->budget -= !fr->blind;
				step_refine(s, true, &k);
				if (fr->blind)
					forget(&k);
				res = enter(ch, st->rule, st->cond, s->t, &k);
			}
			continue;
		}
		if (fr->phase == F_TRUE) { /* res is the true outcome's block */
			fr->phase = F_FALSE;
			fr->t = res;
			step_refine(s, false, &k);
			if (fr->blind)
				forget(&k);
			res = enter(ch, st->rule, st->cond, s->f, &k);
			continue;
		}
		if (fr->phase == F_FALSE)
			res = test_blk(ch, st, fr->t, res);
		ch->memo[fr->memo].blk = res;
		ch->sp--;
	}
	return ch->g->err ? -1 : res;
}

/* Builds the cells of every word from the steps of the rules (see struct cells). */
static bool cells_build(struct checks *ch)
{
	struct mark *m;
	size_t n = 0, cap = 0;
	bool ok = false;

	for (unsigned w = 0; w < NWORDS; w++)
		ch->cells[w].exact = -1;
	for (size_t r = 0; r < ch->n_rules; r++)
		for (size_t c = 0; c < ch->rules[r]->n_conds; c++)
			cap += 3 * (size_t)ch->steps[r][c].n;
	m = malloc((cap + 1) * sizeof(*m));
	if (!m)
		return false;
	for (size_t r = 0; r < ch->n_rules; r++) {
		for (size_t c = 0; c < ch->rules[r]->n_conds; c++) {
			const struct cond_steps *cs = &ch->steps[r][c];

			for (int i = 0; i < cs->n; i++) {
				const struct step *s = &cs->s[i];
				struct mark mk0 = { .rule = (int32_t)r, .word = s->word };

				if (s->mask != UINT32_MAX || s->op == CBPF_JSET) {
					ch->cells[s->word].exact = (int32_t)r;
					continue;
				}
				if (s->op == CBPF_JEQ) {
					m[n] = mk0, m[n].v = s->k, m[n++].eq = 1;
					if (s->k != UINT32_MAX)
						m[n] = mk0, m[n++].v = s->k + 1;
					m[n] = mk0, m[n++].v = s->k;
				} else if (s->op == CBPF_JGT && s->k != UINT32_MAX) {
					m[n] = mk0, m[n++].v = s->k + 1;
				} else if (s->op == CBPF_JGE && s->k) {
					m[n] = mk0, m[n++].v = s->k;
				}
			}
		}
	}
	qsort(m, n, sizeof(*m), mark_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		struct cells *cl = &ch->cells[m[i].word];
		bool eq = m[i].eq;
		size_t nv = 0, size = 1;
		uint32_t *v;
		int32_t *last;

		for (j = i; j < n && m[j].word == m[i].word && m[j].eq == eq; j++)
			nv += j == i || m[j].v != m[j - 1].v;
		v = malloc(nv * sizeof(*v));
		last = malloc(nv * sizeof(*last));
		if (eq)
			cl->eq = v, cl->eq_last = last, cl->n_eq = nv;
		else
			cl->v = v, cl->last = last, cl->n = nv;
		if (!v || !last)
			goto out;
		nv = 0;
		for (size_t x = i; x < j; x++) {
			if (x == i || m[x].v != m[x - 1].v)
				v[nv++] = m[x].v;
			last[nv - 1] = m[x].rule; /* sorted by rule within a value: the last wins */
		}
		if (eq)
			continue;
		while (size < nv)
			size *= 2;
		cl->size = size;
		cl->tree = malloc(2 * size * sizeof(*cl->tree));
		if (!cl->tree)
			goto out;
		for (size_t x = 0; x < size; x++)
			cl->tree[size + x] = x < nv ? last[x] : -1;
		for (size_t x = size; x-- > 1;)
			cl->tree[x] = cl->tree[2 * x] > cl->tree[2 * x + 1] ? cl->tree[2 * x] :
									 cl->tree[2 * x + 1];
	}
	ok = true;
out:
	free(m);
	return ok;
}

static void cells_free(struct cells *cl)
{
	free(cl->v);
	free(cl->last);
	free(cl->tree);
	free(cl->eq);
	free(cl->eq_last);
}

/*
 * The block that decides syscall name (number nr) given its rules on this arch. A is nr on
 * entry. Rules: conditional ones in order, at most one unconditional action, a fallback.
 */
static int gen_syscall(struct gen *g, const char *name, bool arch32,
		       const struct cbpf_policy_rule **rules, size_t n)
{
	struct checks ch = { .g = g, .name = name, .arch32 = arch32, .budget = g->budget };
	const struct cbpf_policy_rule **cond = calloc(n + 1, sizeof(*cond));
	uint32_t final = g->pol->default_action;
	bool decided = false;
	int id = -1;

	if (!cond) {
		g->err = -ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rules[i]->n_conds && !rules[i]->fallback) {
			final = rules[i]->action;
			decided = true;
		}
	}
	for (size_t i = 0; i < n && !decided; i++) {
		if (rules[i]->fallback)
			final = rules[i]->action;
		else
			cond[ch.n_rules++] = rules[i];
	}
	/* Trailing rules that give the final action anyway need no test. */
	while (ch.n_rules && cond[ch.n_rules - 1]->action == final)
		ch.n_rules--;
	ch.final_blk = mk_ret(g, final);
	if (!ch.n_rules || ch.final_blk < 0) {
		free(cond);
		return ch.final_blk;
	}
	ch.rules = cond;
	ch.steps = calloc(ch.n_rules, sizeof(*ch.steps));
	ch.uses = calloc(ch.n_rules, sizeof(*ch.uses));
	ch.action_blk = calloc(ch.n_rules, sizeof(*ch.action_blk));
	if (!ch.steps || !ch.uses || !ch.action_blk)
		goto nomem;
	for (size_t r = 0; r < ch.n_rules; r++) {
		size_t nc = cond[r]->n_conds;

		ch.steps[r] = calloc(nc, sizeof(**ch.steps));
		ch.uses[r] = calloc(nc, sizeof(**ch.uses));
		if (!ch.steps[r] || !ch.uses[r])
			goto nomem;
		for (size_t c = 0; c < nc; c++)
			cond_expand(&cond[r]->conds[c], arch32, &ch.steps[r][c]);
		ch.action_blk[r] = mk_ret(g, cond[r]->action);
	}
	/* Words read from (rule, cond) on: this and the following conditions and rules. */
	for (size_t r = ch.n_rules, next = 0; r-- > 0;) {
		uint16_t acc = (uint16_t)next;

		for (size_t c = cond[r]->n_conds; c-- > 0;) {
			const struct cond_steps *cs = &ch.steps[r][c];

			for (int s = 0; s < cs->n; s++)
				acc |= (uint16_t)(1U << cs->s[s].word);
			ch.uses[r][c] = acc;
		}
		next = acc;
	}
	if (!cells_build(&ch))
		goto nomem;
	id = gen_checks(&ch);
	goto out;
nomem:
	g->err = -ENOMEM;
out:
	for (size_t r = 0; r < ch.n_rules; r++) {
		free(ch.steps ? ch.steps[r] : NULL);
		free(ch.uses ? ch.uses[r] : NULL);
	}
	for (unsigned w = 0; w < NWORDS; w++)
		cells_free(&ch.cells[w]);
	free(ch.steps);
	free(ch.uses);
	free(ch.action_blk);
	free(ch.memo);
	free(ch.mtab);
	free(ch.stack);
	free(cond);
	return g->err ? -1 : id;
}

/* ---------------------------------------------------------------- the syscall number */

struct range {
	uint32_t lo, hi;
	int leaf;
	uint64_t w;
};

struct tree {
	struct gen *g;
	struct range *r;
	size_t m;
	uint64_t *cost; /* m * m: expected compares, weighted */
	uint16_t *height;
	int32_t *choice; /* split index s (ranges i..s-1 | s..j), or -1: a chain of jeq */
	enum cbpf_arch arch, arch_x32; /* for the syscall names in comments */
};

#define AT(t, i, j) ((i) * (t)->m + (j))

/* Ranges i..j alternate: the same leaf at i, i+2, ..., j and single numbers between. */
static bool chain_ok(const struct tree *t, size_t i, size_t j)
{
	if ((j - i) % 2 || j - i < 2)
		return false;
	for (size_t x = i + 2; x <= j; x += 2)
		if (t->r[x].leaf != t->r[i].leaf)
			return false;
	for (size_t x = i + 1; x < j; x += 2)
		if (t->r[x].lo != t->r[x].hi)
			return false;
	return true;
}

static int wcmp_desc(const void *a, const void *b)
{
	const struct range *x = *(const struct range *const *)a, *y = *(const struct range *const *)b;

	return x->w < y->w ? 1 : x->w > y->w ? -1 : (x->lo > y->lo) - (x->lo < y->lo);
}

/* The singletons of a chain, most weighted first. */
static size_t chain_order(const struct tree *t, size_t i, size_t j, const struct range **out)
{
	size_t n = 0;

	for (size_t x = i + 1; x < j; x += 2)
		out[n++] = &t->r[x];
	qsort(out, n, sizeof(*out), wcmp_desc);
	return n;
}

static uint64_t chain_cost(const struct tree *t, size_t i, size_t j, const struct range **tmp)
{
	size_t n = chain_order(t, i, j, tmp);
	uint64_t c = 0, wl = 0;

	for (size_t x = 0; x < n; x++)
		c += tmp[x]->w * (x + 1);
	for (size_t x = i; x <= j; x += 2)
		wl += t->r[x].w;
	return c + wl * n;
}

/*
 * What one more compare instruction costs against the weights: a syscall some rule allows weighs
 * 64 (each compare on its path costs it an executed instruction), another named one 8, a range
 * no rule names 1. Size counts a little, so equal speed goes to the smaller tree.
 */
#define NODE_COST 8

/* Knuth's optimal search tree over the ranges, with chains of jeq as a second shape. */
static void tree_plan(struct tree *t, const struct range **tmp)
{
	size_t m = t->m;
	uint64_t *wsum = malloc((m + 1) * sizeof(*wsum));

	if (!wsum) {
		t->g->err = -ENOMEM;
		return;
	}
	wsum[0] = 0;
	for (size_t i = 0; i < m; i++)
		wsum[i + 1] = wsum[i] + t->r[i].w;
	for (size_t len = 1; len <= m; len++) {
		for (size_t i = 0; i + len <= m; i++) {
			size_t j = i + len - 1;
			uint64_t best = UINT64_MAX;
			uint16_t bh = UINT16_MAX;
			int32_t bc = 0;

			if (len == 1) {
				t->cost[AT(t, i, j)] = 0;
				t->height[AT(t, i, j)] = 0;
				continue;
			}
			for (size_t s = i + 1; s <= j; s++) {
				uint64_t c = t->cost[AT(t, i, s - 1)] + t->cost[AT(t, s, j)];
				uint16_t h = t->height[AT(t, i, s - 1)];

				if (t->height[AT(t, s, j)] > h)
					h = t->height[AT(t, s, j)];
				h++;
				if (c < best || (c == best && h < bh))
					best = c, bh = h, bc = (int32_t)s;
			}
			best += wsum[j + 1] - wsum[i] + NODE_COST;
			if (chain_ok(t, i, j)) {
				uint64_t c = chain_cost(t, i, j, tmp) + NODE_COST * ((j - i) / 2);
				uint16_t h = (uint16_t)((j - i) / 2);

				if (c < best || (c == best && h < bh))
					best = c, bh = h, bc = -1;
			}
			t->cost[AT(t, i, j)] = best;
			t->height[AT(t, i, j)] = bh;
			t->choice[AT(t, i, j)] = bc;
		}
	}
	free(wsum);
}

static const char *nr_name(const struct tree *t, uint32_t nr)
{
	const char *n = NULL;

	if (t->arch_x32 && (nr & CBPF_X32_SYSCALL_BIT))
		n = cbpf_syscall_name(t->arch_x32, nr);
	if (!n && t->arch)
		n = cbpf_syscall_name(t->arch, nr);
	return n;
}

/* "nr >= 57 (fork)", "nr == x32 getpid", "nr >= 0x40000000": a comment for a tree test. */
static char *nr_label(struct tree *t, const char *rel, uint32_t k)
{
	const char *name = nr_name(t, k);
	const char *x32 = t->arch_x32 && t->arch && (k & CBPF_X32_SYSCALL_BIT) ? "x32 " : "";
	char num[16];

	if (k < 0x10000)
		snprintf(num, sizeof(num), "%" PRIu32, k);
	else
		snprintf(num, sizeof(num), "%#" PRIx32, k);
	if (!strcmp(rel, "=="))
		return name ? label(t->g, "nr == %s%s", x32, name) : label(t->g, "nr == %s", num);
	if (k == CBPF_X32_SYSCALL_BIT && t->arch_x32) /* where x32's numbers start */
		return label(t->g, "nr %s %s (__X32_SYSCALL_BIT)", rel, num);
	return name ? label(t->g, "nr %s %s (%s%s)", rel, num, x32, name) :
		      label(t->g, "nr %s %s", rel, num);
}

static int tree_emit(struct tree *t, size_t i, size_t j, const struct range **tmp)
{
	struct gen *g = t->g;
	int32_t s;

	if (i == j)
		return t->r[i].leaf;
	s = t->choice[AT(t, i, j)];
	if (s < 0) {
		size_t n = chain_order(t, i, j, tmp);
		const struct range **order = malloc(n * sizeof(*order));
		int id = t->r[i].leaf;

		if (!order) {
			g->err = -ENOMEM;
			return -1;
		}
		memcpy(order, tmp, n * sizeof(*order));
		for (size_t x = n; x-- > 0 && id >= 0;) {
			id = mk(g, (struct blk){
					   .kind = B_JMP,
					   .code = CBPF_JMP | CBPF_JEQ | CBPF_K,
					   .k = order[x]->lo,
					   .jt = order[x]->leaf,
					   .jf = id,
					   .label = nr_label(t, "==", order[x]->lo),
				   });
		}
		free(order);
		return id;
	} else {
		int left = tree_emit(t, i, (size_t)s - 1, tmp), right = tree_emit(t, (size_t)s, j, tmp);

		if (left < 0 || right < 0)
			return -1;
		return mk(g, (struct blk){
				     .kind = B_JMP,
				     .code = CBPF_JMP | CBPF_JGE | CBPF_K,
				     .k = t->r[s].lo,
				     .jt = right,
				     .jf = left,
				     .label = nr_label(t, ">=", t->r[s].lo),
			     });
	}
}

/* Splits a sorted range list into balanced halves when it is too long for the exact plan. */
static int tree_balanced(struct tree *t, size_t i, size_t j)
{
	struct gen *g = t->g;
	uint64_t total = 0, acc = 0;
	size_t s;
	int left, right;

	if (i == j)
		return t->r[i].leaf;
	for (size_t x = i; x <= j; x++)
		total += t->r[x].w;
	for (s = i + 1; s < j; s++) {
		acc += t->r[s - 1].w;
		if (2 * acc >= total)
			break;
	}
	left = tree_balanced(t, i, s - 1);
	right = tree_balanced(t, s, j);
	if (left < 0 || right < 0)
		return -1;
	return mk(g, (struct blk){ .kind = B_JMP,
				   .code = CBPF_JMP | CBPF_JGE | CBPF_K,
				   .k = t->r[s].lo,
				   .jt = right,
				   .jf = left,
				   .label = nr_label(t, ">=", t->r[s].lo) });
}

struct nr_leaf {
	uint32_t nr;
	int leaf;
	uint64_t w;
};

static int nr_leaf_cmp(const void *a, const void *b)
{
	const struct nr_leaf *x = a, *y = b;

	return (x->nr > y->nr) - (x->nr < y->nr);
}

struct nr_rules {
	uint32_t nr;
	size_t rule;
	enum cbpf_arch arch;
};

static int nr_rules_cmp(const void *a, const void *b)
{
	const struct nr_rules *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

static bool allows(uint32_t action)
{
	uint32_t a = action & CBPF_SECCOMP_RET_ACTION_FULL;

	return a == CBPF_SECCOMP_RET_ALLOW || a == CBPF_SECCOMP_RET_LOG;
}

/* Appends the range [lo, hi] with leaf, merging it into the last one when they share it. */
static bool range_add(struct range **v, size_t *n, size_t *cap, uint32_t lo, uint32_t hi,
		      int leaf, uint64_t w)
{
	if (*n && (*v)[*n - 1].leaf == leaf && (*v)[*n - 1].hi + 1 == lo) {
		(*v)[*n - 1].hi = hi;
		(*v)[*n - 1].w += w;
		return true;
	}
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct range *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct range){ lo, hi, leaf, w };
	return true;
}

/*
 * The dispatch on nr for one AUDIT_ARCH value: arch, and x32 when it shares x86_64's. The
 * numbers the other ABI of x86_64 would use (the x32 bit set or not) are a bad architecture,
 * but -1 (a tracer skipping the call) gets the default, as libseccomp does.
 */
static int gen_arch(struct gen *g, enum cbpf_arch arch, enum cbpf_arch x32)
{
	const struct cbpf_policy *pol = g->pol;
	struct nr_rules *nrs = NULL;
	struct nr_leaf *leaves = NULL;
	const struct cbpf_policy_rule **group = NULL;
	struct range *ranges = NULL;
	const struct range **tmp = NULL;
	size_t n = 0, nl = 0, m = 0, cap = 0;
	struct tree t = { .g = g, .arch = arch, .arch_x32 = x32 };
	int dflt = mk_ret(g, pol->default_action), bad = mk_ret(g, pol->badarch_action);
	int id = -1;
	uint32_t next = 0;

	nrs = malloc((2 * pol->n_rules + 1) * sizeof(*nrs));
	leaves = malloc((2 * pol->n_rules + 1) * sizeof(*leaves));
	group = malloc((pol->n_rules + 1) * sizeof(*group));
	if (!nrs || !leaves || !group)
		goto nomem;
	for (size_t r = 0; r < pol->n_rules; r++) {
		uint32_t nr;

		if (arch && policy_rule_nr(&pol->rules[r], arch, &nr))
			nrs[n++] = (struct nr_rules){ nr, r, arch };
		if (x32 && policy_rule_nr(&pol->rules[r], x32, &nr))
			nrs[n++] = (struct nr_rules){ nr, r, x32 };
	}
	qsort(nrs, n, sizeof(*nrs), nr_rules_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		size_t k = 0;
		bool allowed = false;
		int leaf;

		for (j = i; j < n && nrs[j].nr == nrs[i].nr; j++) {
			group[k++] = &pol->rules[nrs[j].rule];
			allowed |= allows(pol->rules[nrs[j].rule].action);
		}
		g->cur_rule = group[0];
		g->cur_arch = nrs[i].arch;
		g->cur_start = g->insns;
		leaf = gen_syscall(g, nr_name(&t, nrs[i].nr), policy_arch_32bit(nrs[i].arch), group,
				   k);
		if (leaf < 0)
			goto fail;
		g->cur_rule = NULL;
		if (g->insns - g->cur_start > g->top_len) {
			g->top_len = g->insns - g->cur_start;
			g->top_rule = group[0];
			g->top_arch = nrs[i].arch;
		}
		leaves[nl++] = (struct nr_leaf){ nrs[i].nr, leaf, allowed ? 64 : 8 };
	}
	qsort(leaves, nl, sizeof(*leaves), nr_leaf_cmp);
	/* Every number from 0 to 0xffffffff falls in exactly one range. */
	for (size_t i = 0; i <= nl; i++) {
		uint32_t end = i < nl ? leaves[i].nr : UINT32_MAX;
		bool last = i == nl;

		/* the gap [next, end) (or [next, 0xffffffff] after the last leaf) */
		while (last ? next <= end : next < end) {
			uint32_t stop = last ? end : end - 1;
			int leaf = dflt;

			if (arch && !x32 && arch == CBPF_ARCH_X86_64) {
				/* x32 numbers under an x86_64-only filter */
				if (next < CBPF_X32_SYSCALL_BIT) {
					if (stop >= CBPF_X32_SYSCALL_BIT)
						stop = CBPF_X32_SYSCALL_BIT - 1;
				} else if (next < UINT32_MAX) {
					leaf = bad;
					if (stop == UINT32_MAX)
						stop = UINT32_MAX - 1;
				}
			} else if (!arch && x32) {
				/* x86_64 numbers under an x32-only filter */
				if (next < CBPF_X32_SYSCALL_BIT) {
					leaf = bad;
					if (stop >= CBPF_X32_SYSCALL_BIT)
						stop = CBPF_X32_SYSCALL_BIT - 1;
				}
			}
			if (!range_add(&ranges, &m, &cap, next, stop, leaf, 1))
				goto nomem;
			if (stop == UINT32_MAX)
				break;
			next = stop + 1;
		}
		if (last)
			break;
		if (!range_add(&ranges, &m, &cap, leaves[i].nr, leaves[i].nr, leaves[i].leaf,
			       leaves[i].w))
			goto nomem;
		if (leaves[i].nr == UINT32_MAX)
			break;
		next = leaves[i].nr + 1;
	}
	t.r = ranges;
	t.m = m;
	tmp = malloc((m + 1) * sizeof(*tmp));
	if (!tmp)
		goto nomem;
	if (m <= 600) {
		t.cost = malloc(m * m * sizeof(*t.cost));
		t.height = malloc(m * m * sizeof(*t.height));
		t.choice = malloc(m * m * sizeof(*t.choice));
		if (!t.cost || !t.height || !t.choice)
			goto nomem;
		tree_plan(&t, tmp);
		id = g->err ? -1 : tree_emit(&t, 0, m - 1, tmp);
	} else {
		id = tree_balanced(&t, 0, m - 1);
	}
	goto out;
nomem:
	g->err = -ENOMEM;
fail:
	id = -1;
out:
	free(t.cost);
	free(t.height);
	free(t.choice);
	free(tmp);
	free(ranges);
	free(group);
	free(leaves);
	free(nrs);
	return g->err ? -1 : id;
}

/* ---------------------------------------------------------------- layout */

struct layout {
	int *order; /* block ids in program order */
	size_t n, cap;
};

static bool order_push(struct layout *l, int id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		int *v = realloc(l->order, cap * sizeof(*v));

		if (!v)
			return false;
		l->order = v;
		l->cap = cap;
	}
	l->order[l->n++] = id;
	return true;
}

/* Reverse postorder of the jumps, returns left out (they go last, shared by everything). */
static bool layout_rpo(struct gen *g, int root, struct layout *l)
{
	int8_t *state = calloc(g->n, 1);
	int *stack = malloc((2 * g->n + 2) * sizeof(*stack));
	int *post = malloc(g->n * sizeof(*post));
	size_t sp = 0, np = 0;
	bool ok = state && stack && post;

	if (!ok)
		goto out;
	stack[sp++] = root;
	while (sp) {
		int id = stack[sp - 1];
		struct blk *b = &g->b[id];

		if (state[id] == 2) {
			sp--;
			continue;
		}
		if (state[id] == 0) {
			state[id] = 1;
			/* jt pushed last is visited first: jf ends up right after its parent */
			if (b->kind == B_JMP) {
				if (!state[b->jf])
					stack[sp++] = b->jf;
				if (!state[b->jt])
					stack[sp++] = b->jt;
			} else if (b->kind == B_JA && !state[b->jt]) {
				stack[sp++] = b->jt;
			}
			continue;
		}
		sp--;
		if (state[id] == 1) {
			state[id] = 2;
			post[np++] = id;
		}
	}
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind != B_RET && !(ok = order_push(l, post[i])))
			goto out;
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind == B_RET && !(ok = order_push(l, post[i])))
			goto out;
out:
	free(state);
	free(stack);
	free(post);
	return ok;
}

static size_t place(struct gen *g, const struct layout *l)
{
	size_t pos = 0;

	for (size_t i = 0; i < l->n; i++) {
		g->b[l->order[i]].pos = pos;
		pos += blk_len(&g->b[l->order[i]]);
	}
	return pos;
}

/*
 * Makes every conditional jump reach its target within 255 instructions. A far return is copied
 * next to the jump (a copy costs no executed instruction); any other far target gets a ja there.
 * The copy goes right after the jumping block: later copies cannot push it out of reach again
 * (at the farthest boundary instead, two copies can push each other out forever). Jumps within
 * reach of an existing copy share it.
 */
static bool relax(struct gen *g, struct layout *l)
{
	for (int rounds = 0; rounds < 100000; rounds++) {
		bool changed = false;

		place(g, l);
		for (size_t i = 0; i < l->n && !changed; i++) {
			struct blk *b = &g->b[l->order[i]];
			size_t at = b->pos + b->n_pre, q = i + 1;
			int *edge[2] = { &b->jt, &b->jf };

			if (b->kind != B_JMP)
				continue;
			for (int e = 0; e < 2 && !changed; e++) {
				int target = *edge[e], orig, copy = -1;
				struct blk nb;

				if (g->b[target].pos - at - 1 <= 255)
					continue;
				orig = g->b[target].orig >= 0 ? g->b[target].orig : target;
				/* an existing copy within reach? */
				for (size_t c = 0; c < g->n && copy < 0; c++)
					if ((c == (size_t)orig || g->b[c].orig == orig) &&
					    g->b[c].pos > at && g->b[c].pos - at - 1 <= 255 &&
					    (c == (size_t)orig || g->b[c].pos != 0))
						copy = (int)c;
				if (copy < 0) {
					nb = g->b[orig];
					nb.label = NULL;
					if (nb.kind != B_RET) {
						nb = (struct blk){ .kind = B_JA, .jt = target };
						nb.label = NULL;
					}
					nb.orig = orig;
					copy = blk_append(g, &nb);
					if (copy < 0)
						return false;
					if (g->b[copy].kind == B_RET && g->comments && g->b[orig].label)
						g->b[copy].label = strdup(g->b[orig].label);
					b = &g->b[l->order[i]]; /* g->b may have moved */
					edge[0] = &b->jt;
					edge[1] = &b->jf;
					if (!order_push(l, copy))
						return false;
					memmove(&l->order[q + 1], &l->order[q],
						(l->n - 1 - q) * sizeof(*l->order));
					l->order[q] = copy;
				}
				*edge[e] = copy;
				changed = true;
			}
		}
		if (!changed)
			return true;
	}
	return false;
}

/*
 * Leaves out what no jump reaches any more: a return whose every jump went to copies next to
 * them (the bad-architecture return, jumped to from the far end of a long filter). Leaving
 * blocks out only shortens forward jumps, so every jump stays within reach.
 */
static bool prune(struct gen *g, struct layout *l)
{
	bool *seen = calloc(g->n, sizeof(*seen));
	size_t n = 0;

	if (!seen)
		return false;
	seen[l->order[0]] = true;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];

		if (!seen[l->order[i]])
			continue;
		if (b->kind == B_JMP)
			seen[b->jt] = seen[b->jf] = true;
		else if (b->kind == B_JA)
			seen[b->jt] = true;
	}
	for (size_t i = 0; i < l->n; i++)
		if (seen[l->order[i]])
			l->order[n++] = l->order[i];
	l->n = n;
	free(seen);
	return true;
}

/* ---------------------------------------------------------------- emission */

static const char *load_comment(uint32_t off, char *buf, size_t size)
{
	if (off == OFF_NR)
		return "A = nr";
	if (off == OFF_ARCH)
		return "A = arch";
	if (off >= 16 && off < 64) {
		snprintf(buf, size, "A = arg%u (%s word)", (off - 16) / 8, (off & 4) ? "high" : "low");
		return buf;
	}
	return NULL;
}

static int emit(struct gen *g, const struct layout *l, size_t len, struct cbpf_prog **out)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	char buf[64];
	int err = -ENOMEM;

	if (!prog)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];
		size_t at;
		struct cbpf_insn insn = { b->code, 0, 0, b->k };

		for (unsigned p = 0; p < b->n_pre; p++) {
			if (prog_append(prog, b->pre[p], NULL))
				goto fail;
			if (g->comments && b->pre[p].code == (CBPF_LD | CBPF_W | CBPF_ABS) &&
			    cbpf_prog_set_comment(prog, prog->len - 1,
						  load_comment(b->pre[p].k, buf, sizeof(buf))))
				goto fail;
		}
		at = b->pos + b->n_pre;
		switch (b->kind) {
		case B_RET:
			insn = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, b->k };
			break;
		case B_JA:
			insn = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0,
						   (uint32_t)(g->b[b->jt].pos - at - 1) };
			break;
		default:
			insn.jt = (uint8_t)(g->b[b->jt].pos - at - 1);
			insn.jf = (uint8_t)(g->b[b->jf].pos - at - 1);
			break;
		}
		if (prog_append(prog, insn, NULL))
			goto fail;
		if (g->comments && b->label && cbpf_prog_set_comment(prog, prog->len - 1, b->label))
			goto fail;
	}
	if (prog->len != len) {
		err = -EINVAL;
		goto fail;
	}
	cbpf_prog_set_kind(prog, CBPF_KIND_SECCOMP);
	*out = prog;
	return 0;
fail:
	cbpf_prog_free(prog);
	return err;
}

/*
 * The error for a filter too long: len instructions, or more than the limit when len is 0 (the
 * generation stopped there). It points at the syscall whose checks take the most. -E2BIG.
 */
static int too_long(struct gen *g, size_t len)
{
	const struct cbpf_policy_rule *r = g->top_rule;
	enum cbpf_arch arch = g->top_arch;
	size_t part = g->top_len;
	bool partial = false;
	char need[64];

	if (g->cur_rule && g->insns - g->cur_start >= part) {
		r = g->cur_rule;
		arch = g->cur_arch;
		part = g->insns - g->cur_start;
		partial = true;
	}
	if (len)
		snprintf(need, sizeof(need), "%zu instructions, more than the kernel's %d", len,
			 CBPF_MAXINSNS);
	else
		snprintf(need, sizeof(need), "more than the kernel's %d instructions",
			 CBPF_MAXINSNS);
	if (r)
		cbpf_diags_add(g->diags, CBPF_SEV_ERROR, r->file, r->line, r->col, 0, -1,
			       "the filter needs %s; the checks of '%s' on %s take %s%zu of them "
			       "(its rules start here)",
			       need, r->syscall, cbpf_arch_name(arch), partial ? "at least " : "",
			       part);
	else /* no argument checks: the syscalls and architectures are too many */
		cbpf_diags_add(g->diags, CBPF_SEV_ERROR,
			       g->pol->n_rules ? g->pol->rules[0].file : NULL, 0, 0, 0, -1,
			       "the filter needs %s", need);
	return -E2BIG;
}

/* One generation, with that budget of tests knowing more than A a syscall (see below). */
static int gen_once(const struct cbpf_policy *pol, const struct cbpf_policy_opts *opts,
		   size_t budget, struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct gen g = { .pol = pol,
			 .diags = diags,
			 .comments = !(opts && opts->no_comments),
			 .budget = budget };
	struct layout l = { 0 };
	int bad, root, err;
	size_t len;
	/* one dispatch per AUDIT_ARCH value; x32 joins x86_64 */
	enum cbpf_arch main_arch[CBPF_ARCH_COUNT], x32_arch[CBPF_ARCH_COUNT];
	uint32_t audit[CBPF_ARCH_COUNT];
	size_t na = 0;

	for (size_t i = 0; i < pol->n_arches; i++) {
		enum cbpf_arch a = pol->arches[i];
		uint32_t au = cbpf_arch_audit(a);
		size_t j;

		for (j = 0; j < na && audit[j] != au; j++)
			;
		if (j == na) {
			audit[na] = au;
			main_arch[na] = x32_arch[na] = CBPF_ARCH_NONE;
			na++;
		}
		if (a == CBPF_ARCH_X32)
			x32_arch[j] = a;
		else
			main_arch[j] = a;
	}
	bad = mk_ret(&g, pol->badarch_action);
	root = bad;
	for (size_t i = na; i-- > 0 && root >= 0;) {
		int tree = gen_arch(&g, main_arch[i], x32_arch[i]);
		struct blk nb = { .kind = B_JMP, .code = CBPF_JMP | CBPF_JEQ | CBPF_K, .k = audit[i] };
		const char *an = cbpf_arch_name(main_arch[i] ? main_arch[i] : x32_arch[i]);

		if (tree < 0) {
			root = -1;
			break;
		}
		/* the tree starts by loading nr */
		if (g.b[tree].kind == B_JMP && !g.b[tree].n_pre) {
			struct blk tb = g.b[tree];

			tb.pre[tb.n_pre++] = ld_abs(OFF_NR);
			tb.label = tb.label ? strdup(tb.label) : NULL;
			tree = mk(&g, tb);
		}
		nb.jt = tree;
		nb.jf = root;
		if (main_arch[i] && x32_arch[i])
			nb.label = label(&g, "arch == %s or x32", an);
		else
			nb.label = label(&g, "arch == %s", an);
		if (i == 0)
			nb.pre[nb.n_pre++] = ld_abs(OFF_ARCH);
		root = mk(&g, nb);
	}
	if (g.err || root < 0) {
		err = g.err == -E2BIG ? too_long(&g, 0) : g.err ? g.err : -ENOMEM;
		goto out;
	}
	if (!layout_rpo(&g, root, &l)) {
		err = -ENOMEM;
		goto out;
	}
	/* Relaxation only adds instructions, and prunes returns: the rest already decides a
	 * filter too long, before relaxation's work on it */
	len = 1;
	for (size_t i = 0; i < l.n; i++)
		len += g.b[l.order[i]].kind == B_RET ? 0 : blk_len(&g.b[l.order[i]]);
	if (len > CBPF_MAXINSNS) {
		err = too_long(&g, len);
		goto out;
	}
	if (!relax(&g, &l) || !prune(&g, &l)) {
		err = -ENOMEM;
		goto out;
	}
	len = place(&g, &l);
	if (len > CBPF_MAXINSNS) {
		err = too_long(&g, len);
		goto out;
	}
	err = emit(&g, &l, len, out);
out:
	for (size_t i = 0; i < g.n; i++)
		free(g.b[i].label);
	free(g.b);
	free(g.htab);
	free(l.order);
	return err;
}

/*
 * Knowledge makes code smaller until it makes it larger: each path that knows something else
 * gets its own copy of the checks after it, which pays where tests become known (a list of
 * ioctl numbers: one test a rule) and costs where they do not (rules of random comparisons on
 * several arguments specialise into thousands of copies). A syscall's checks make at most 4,096
 * tests with what their paths know, past which the outcomes forget it; when the filter is still
 * too long, it is made again forgetting sooner, then at once (checks linear in the rules).
 */
int cbpf_policy_gen(const struct cbpf_policy *pol, const struct cbpf_policy_opts *opts,
		    struct cbpf_prog **out, struct cbpf_diags *diags)
{
	static const size_t budgets[] = { 4096, 512, 0 };
	int err = -E2BIG;

	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]) && err == -E2BIG; i++) {
		bool last = i + 1 == sizeof(budgets) / sizeof(budgets[0]);

		err = gen_once(pol, opts, budgets[i], out, last ? diags : NULL);
	}
	return err;
}
