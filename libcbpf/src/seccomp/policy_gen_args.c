// SPDX-License-Identifier: MIT
/* The generator's argument checks: a syscall's rules as tests, each state of knowledge once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_gen.h"

/* A 32-bit word of seccomp_data the checks read: arg * 2 + hi. */
#define NWORDS 12
#define A_NONE 0xff

/* What is known on a path: which word (and mask) A holds, and a range for every word. */
struct know {
	uint8_t a;	/* word, or A_NONE */
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

/*
 * An order on the bits of one 32-bit half (the mask lies within it): (arg & mask) > value, or
 * >= with ge, as at most one step on that half. Whether it applies.
 */
static bool half_order(const struct cbpf_policy_cond *c, bool arch32, bool ge,
		       struct cond_steps *cs, int *at)
{
	uint64_t m = c->mask, v = c->value;
	bool hi = !(uint32_t)m;

	if (!m || m == UINT64_MAX || ((uint32_t)m && m >> 32))
		return false;
	if (hi && arch32) { /* no high half: the masked argument is 0 */
		*at = ge && !v ? OUT_T : OUT_F;
		return true;
	}
	if (!hi && v >> 32) {
		*at = OUT_F;
		return true;
	}
	/* (hi & m):0 >= vhi:vlo needs hi & m > vhi where vlo is not 0 */
	cs->s[cs->n] = (struct step){ (uint8_t)(c->arg * 2 + hi),
				      ge && (hi ? !(uint32_t)v : true) ? CBPF_JGE : CBPF_JGT,
				      hi ? (uint32_t)(m >> 32) : (uint32_t)m,
				      hi ? (uint32_t)(v >> 32) : (uint32_t)v,
				      OUT_T,
				      OUT_F };
	*at = cs->n++;
	return true;
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
		if (half_order(c, arch32, true, cs, &at)) {
			/* one step or none */
		} else if (arch32) {
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
		if (half_order(c, arch32, false, cs, &at)) {
			/* one step or none */
		} else if (arch32) {
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

	if (s->mask != UINT32_MAX && lo != hi)
		return -1;
	if (s->mask != UINT32_MAX)
		return s->op == CBPF_JGT   ? (lo & s->mask) > s->k
		       : s->op == CBPF_JGE ? (lo & s->mask) >= s->k
					   : (lo & s->mask) == s->k;
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
			k->has_ne &= (uint16_t) ~(1U << s->word);
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
	uint32_t *v;   /* sorted boundaries: a cell is [v[j], v[j + 1]) */
	int32_t *last; /* per boundary: the last rule whose tests make it */
	int32_t *tree; /* max of last over power-of-two segments, leaves from size on */
	size_t n, size;
	uint32_t *eq; /* sorted constants of unmasked jeq tests, and their last rules */
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
	bool big_endian; /* the low word of an argument is the one at offset + 4 */
	size_t n_rules;
	const struct cbpf_policy_rule **rules;
	struct cond_steps **steps; /* per rule, per condition */
	uint16_t **uses;	   /* per rule, per condition: words read from there on */
	int *action_blk;	   /* per rule */
	int final_blk;
	struct cells cells[NWORDS];
	/* memo: state -> block (-1 while it is being generated), hashed */
	struct memo {
		struct state st;
		int blk;
	} * memo;
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
		int t;	       /* F_FALSE: the block of the true outcome */
		bool blind;    /* the outcomes forget what the path knew (out of budget) */
	} * stack;
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
	uint64_t h = gen_mix(gen_mix(gen_mix(s->rule, s->cond), (uint64_t)(int64_t)s->step),
			     s->k.a | (uint64_t)s->k.has_ne << 8);

	h = gen_mix(h, s->k.amask);
	for (unsigned w = 0; w < NWORDS; w++)
		h = gen_mix(gen_mix(h, s->k.lo[w] | (uint64_t)s->k.hi[w] << 32), s->k.ne[w]);
	return gen_fin(h);
}

static bool state_eq(const struct state *x, const struct state *y)
{
	return x->rule == y->rule && x->cond == y->cond && x->step == y->step && x->k.a == y->k.a &&
	       x->k.amask == y->k.amask && x->k.has_ne == y->k.has_ne &&
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
		nb.pre[nb.n_pre++] = ld_abs(OFF_ARG(s->word / 2, (s->word & 1) ^ ch->big_endian));
		amask = UINT32_MAX;
	}
	if (s->mask != UINT32_MAX && amask != s->mask)
		nb.pre[nb.n_pre++] =
			(struct cbpf_insn){ CBPF_ALU | CBPF_AND | CBPF_K, 0, 0, s->mask };
	nb.jt = t;
	nb.jf = f;
	if (g->comments) {
		const struct cbpf_policy_cond *c = &ch->rules[st->rule]->conds[st->cond];
		const char *word = ch->arch32 ? "" : s->word & 1 ? " (high word)" : " (low word)";

		policy_cond_format(c, c->value, c->mask, text, sizeof(text));
		nb.label = gen_label(g, "%s: %s%s", ch->name, text, word);
	}
	return gen_mk(g, nb);
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
			cl->tree[x] = cl->tree[2 * x] > cl->tree[2 * x + 1] ? cl->tree[2 * x]
									    : cl->tree[2 * x + 1];
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
int gen_syscall(struct gen *g, const char *name, bool arch32, const struct cbpf_policy_rule **rules,
		size_t n)
{
	struct checks ch = { .g = g,
			     .name = name,
			     .arch32 = arch32,
			     .budget = g->budget,
			     .big_endian = arch_big_endian(g->cur_arch) };
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
	ch.final_blk = gen_ret(g, final);
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
		ch.action_blk[r] = gen_ret(g, cond[r]->action);
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
