// SPDX-License-Identifier: MIT
/* The generator's dispatch on the syscall number: an optimal search tree over ranges. */
/* (chains of jeq before and after trees; a budget on the longest path of an allowed call) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_gen.h"

struct range {
	uint32_t lo, hi;
	int leaf;
	uint64_t w;
	int16_t need; /* what its checks run to allow a call with arguments 0, or NO_NEED */
};

struct tree {
	struct gen *g;
	struct range *r;
	size_t m;
	/*
	 * Plans are made per budget: level b < nb - 1 holds the cheapest plan in which every
	 * call with arguments 0 that is allowed is decided, its checks included, within b
	 * instructions; level nb - 1 the cheapest plan of all. Per (i, j, b), see ST():
	 */
	size_t nb;
	uint64_t *cost;	   /* expected compares, weighted; UINT64_MAX: no plan in the budget */
	uint64_t *cost_t;  /* the same, transposed (STT) */
	int16_t *worst;	   /* its longest such path (NO_NEED: none is allowed) */
	uint16_t *ldepth;  /* the depth of the first and of the last range: where a chain */
	uint16_t *rdepth;  /* before a plan sends the ranges it merges into them */
	int32_t *choice;   /* split index s (ranges i..s-1 | s..j), or one of the shapes below */
	int32_t *tail;	   /* CHAIN_LEFT, CHAIN_RIGHT: the range k where chain and plan meet */
	uint8_t *peel;	   /* PEEL_*, see struct plan */
	struct chain *lch; /* AT(a, k): the chain over a..k anchored at k (chain_costs) */
	struct chain *rch; /* AT(k, b): the chain over k..b anchored at k */
	size_t *lreach;	   /* per anchor k: the first range its chains reach to the left */
	size_t *rreach;	   /* and the last to the right */
	/* the anchors whose chains reach range i from the right: lanc[lfirst[i]..lfirst[i+1]),
	 * and those reaching j from the left: ranc[rfirst[j]..rfirst[j+1]) */
	size_t *lfirst, *lanc, *rfirst, *ranc;
	enum cbpf_arch arch, arch_x32; /* for the syscall names in comments */
};

#define NO_NEED INT16_MIN

/*
 * A chain: jeq tests on the single numbers of ranges a..b whose leaf is not the anchor's, most
 * weighted first; all the rest (the anchor's leaf) merges into the anchor, and goes on to what
 * follows the chain.
 */
struct chain {
	uint64_t sing; /* what its singletons cost, each reached after the tests before it */
	uint64_t wl;   /* the weight it merges into the anchor, the anchor's own left out */
	uint16_t n;    /* its tests */
	int16_t worst; /* its singletons' longest path to allowing a call with arguments 0 */
};

static bool allows(uint32_t action)
{
	uint32_t a = action & CBPF_SECCOMP_RET_ACTION_FULL;

	return a == CBPF_SECCOMP_RET_ALLOW || a == CBPF_SECCOMP_RET_LOG;
}

/*
 * Shapes besides a split: a chain of jeq over i..k anchored at k, then the plan of k..j
 * (CHAIN_LEFT; a chain over all of i..j when k == j), or over k..j anchored at k after the plan
 * of i..k (CHAIN_RIGHT). Taking the single numbers out merges the ranges around them into range
 * k: the syscalls allowed between two gaps, then the x32 numbers and -1 in a tree.
 */
enum { CHAIN_LEFT = -1, CHAIN_RIGHT = -2 };

#define AT(t, i, j) ((i) * (t)->m + (j))
/* plans by level, then by range i, then j; cost_t by level, then j, then i */
#define ST(t, i, j, b)	(((b) * (t)->m + (i)) * (t)->m + (j))
#define STT(t, i, j, b) (((b) * (t)->m + (j)) * (t)->m + (i))

static int wcmp_desc(const void *a, const void *b)
{
	const struct range *x = *(const struct range *const *)a,
			   *y = *(const struct range *const *)b;

	if (x->w != y->w)
		return x->w < y->w ? 1 : -1;
	if (x->need != y->need)
		return x->need < y->need ? 1 : -1;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* The singletons of the chain over a..b whose leaf is not leaf, most weighted first. */
static size_t chain_order(const struct tree *t, size_t a, size_t b, int leaf,
			  const struct range **out)
{
	size_t n = 0;

	for (size_t x = a; x <= b; x++)
		if (t->r[x].leaf != leaf)
			out[n++] = &t->r[x];
	qsort(out, n, sizeof(*out), wcmp_desc);
	return n;
}

static int16_t max16(int16_t a, int16_t b)
{
	return a > b ? a : b;
}

/* depth more tests above a plan whose longest path is w */
static int16_t deeper(int16_t w, size_t depth)
{
	return w == NO_NEED ? NO_NEED : (int16_t)(w + (int)depth);
}

/* Whether r is tested before e in a chain (wcmp_desc's order), r lying before e when first. */
static bool chain_before(const struct range *r, const struct range *e, bool first)
{
	if (r->w != e->w)
		return r->w > e->w;
	if (r->need != e->need)
		return r->need > e->need;
	return first;
}

/*
 * Adds range x to a chain anchored at leaf whose singletons o[0..*n) are kept in
 * chain_order()'s order, x lying before them all (first) or after. false when x cannot join.
 */
static bool chain_add(const struct tree *t, struct chain *c, size_t *o, size_t x, int leaf,
		      bool first)
{
	const struct range *r = &t->r[x];
	size_t p;

	if (r->leaf == leaf) {
		c->wl += r->w;
		return true;
	}
	if (r->lo != r->hi)
		return false;
	/* most weighted first, ties in number order */
	for (p = c->n++; p > 0 && chain_before(r, &t->r[o[p - 1]], first); p--)
		o[p] = o[p - 1];
	o[p] = x;
	c->sing = 0;
	c->worst = NO_NEED;
	for (size_t q = 0; q < c->n; q++) {
		c->sing += t->r[o[q]].w * (q + 1);
		c->worst = max16(c->worst, deeper(t->r[o[q]].need, q + 1));
	}
	return true;
}

/*
 * The anchors of chains by where they reach, for the plans to try only those: lanc lists, for
 * each i, the k > i whose chains reach i, nearest first; ranc, for each j, the k < j whose
 * chains reach j, nearest first.
 */
static bool chain_anchors(struct tree *t)
{
	size_t m = t->m, nl = 0, nr = 0;

	t->lfirst = calloc(m + 1, sizeof(*t->lfirst));
	t->rfirst = calloc(m + 1, sizeof(*t->rfirst));
	if (!t->lfirst || !t->rfirst)
		return false;
	for (size_t k = 0; k < m; k++)
		nl += k - t->lreach[k], nr += t->rreach[k] - k;
	t->lanc = malloc((nl + 1) * sizeof(*t->lanc));
	t->ranc = malloc((nr + 1) * sizeof(*t->ranc));
	if (!t->lanc || !t->ranc)
		return false;
	nl = nr = 0;
	for (size_t i = 0; i < m; i++) {
		t->lfirst[i] = nl;
		for (size_t k = i + 1; k < m; k++)
			if (t->lreach[k] <= i)
				t->lanc[nl++] = k;
		t->rfirst[i] = nr;
		for (size_t k = i; k-- > 0;)
			if (t->rreach[k] >= i)
				t->ranc[nr++] = k;
	}
	t->lfirst[m] = nl;
	t->rfirst[m] = nr;
	return true;
}

/* Every chain: for each anchor k, those growing from it to the left and to the right. */
static bool chain_costs(struct tree *t)
{
	size_t *o = malloc((t->m + 1) * sizeof(*o));

	if (!o)
		return false;
	for (size_t k = 0; k < t->m; k++) {
		struct chain c = { 0, 0, 0, NO_NEED };
		size_t a;

		for (a = k; a > 0 && chain_add(t, &c, o, a - 1, t->r[k].leaf, true); a--)
			t->lch[AT(t, a - 1, k)] = c;
		t->lreach[k] = a;
		c = (struct chain){ 0, 0, 0, NO_NEED };
		for (a = k + 1; a < t->m && chain_add(t, &c, o, a, t->r[k].leaf, false); a++)
			t->rch[AT(t, k, a)] = c;
		t->rreach[k] = a - 1;
	}
	free(o);
	return chain_anchors(t);
}

/*
 * What one more compare instruction costs against the weights: a syscall allowed when its
 * arguments are 0 weighs 64 (each compare on its path costs it an executed instruction; these
 * are the calls bench/corpus.c measures against the peers), one allowed only with other
 * arguments 32, another named one 8, a range no rule names 1. Size counts a little, so equal
 * speed goes to the smaller tree.
 */
#define NODE_COST 8

/* A candidate plan for ranges i..j. */
struct plan {
	uint64_t cost;
	int16_t w;
	uint16_t ld, rd;
	int32_t choice, tail;
	uint8_t peel; /* PEEL_*: an end range the plan tests as a single number */
};

/* A plan that tests its first (last) range as a single number cannot follow a chain that
 * merges ranges into it: they would share that range's jeq. */
enum { PEEL_LEFT = 1, PEEL_RIGHT = 2 };

static void plan_take(struct plan *best, struct plan c)
{
	if (c.cost < best->cost || (c.cost == best->cost && c.w < best->w))
		*best = c;
}

/* The budget level below b after d more tests: 0 when none is left, which holds no allowed
 * call (they need at least their return) but ranges that allow none. */
static size_t sub(const struct tree *t, size_t b, size_t d)
{
	if (b == t->nb - 1)
		return b;
	return b >= d ? b - d : 0;
}

/* Whether a longest path of w fits budget level b. */
static bool fits(const struct tree *t, size_t b, int16_t w)
{
	return b == t->nb - 1 || w <= (int)b;
}

/* The cheapest plan of ranges i..j within budget level b, the smaller ones made. */
static struct plan plan_one(const struct tree *t, const uint64_t *wsum, size_t i, size_t j,
			    size_t b)
{
	struct plan best = { .cost = UINT64_MAX, .w = INT16_MAX };
	size_t b1 = sub(t, b, 1);

	if (i == j) {
		if (fits(t, b, t->r[i].need))
			best = (struct plan){ 0, t->r[i].need, 0, 0, 0, 0, 0 };
		return best;
	}
	for (size_t s = i + 1; s <= j; s++) {
		size_t x = ST(t, i, s - 1, b1), y = ST(t, s, j, b1);
		uint64_t cx = t->cost[x], cy = t->cost_t[STT(t, s, j, b1)];

		/* the costs alone first, read along rows of cost and cost_t */
		if (cx == UINT64_MAX || cy == UINT64_MAX ||
		    cx + cy + wsum[j + 1] - wsum[i] + NODE_COST > best.cost)
			continue;
		plan_take(&best, (struct plan){ t->cost[x] + t->cost[y] + wsum[j + 1] - wsum[i] +
							NODE_COST,
						deeper(max16(t->worst[x], t->worst[y]), 1),
						(uint16_t)(t->ldepth[x] + 1),
						(uint16_t)(t->rdepth[y] + 1), (int32_t)s, 0,
						(uint8_t)((t->peel[x] & PEEL_LEFT) |
							  (t->peel[y] & PEEL_RIGHT)) });
	}
	/* chains over i..k, then the plan of k..j */
	for (size_t a = t->lfirst[i]; a < t->lfirst[i + 1]; a++) {
		size_t k = t->lanc[a], bn, y;
		const struct chain *c;

		if (k > j)
			break;
		c = &t->lch[AT(t, i, k)];
		bn = sub(t, b, c->n);
		if (!fits(t, b, c->worst))
			continue;
		y = ST(t, k, j, bn);
		if (t->cost[y] == UINT64_MAX || (c->wl && (t->peel[y] & PEEL_LEFT)))
			continue;
		plan_take(&best,
			  (struct plan){
				  c->sing + (uint64_t)c->n * (c->wl + wsum[j + 1] - wsum[k]) +
					  t->cost[y] + c->wl * t->ldepth[y] + NODE_COST * c->n,
				  max16(c->worst, deeper(t->worst[y], c->n)),
				  (uint16_t)(c->n + t->ldepth[y]), (uint16_t)(c->n + t->rdepth[y]),
				  CHAIN_LEFT, (int32_t)k,
				  (uint8_t)((t->r[i].leaf != t->r[k].leaf ? PEEL_LEFT : 0) |
					    (t->peel[y] & PEEL_RIGHT)) });
	}
	/* the plan of i..k, then chains over k..j */
	for (size_t a = t->rfirst[j]; a < t->rfirst[j + 1]; a++) {
		size_t k = t->ranc[a], bn, x;
		const struct chain *c;

		if (k < i)
			break;
		c = &t->rch[AT(t, k, j)];
		bn = sub(t, b, c->n);
		if (!fits(t, b, c->worst))
			continue;
		x = ST(t, i, k, bn);
		if (t->cost[x] == UINT64_MAX || (c->wl && (t->peel[x] & PEEL_RIGHT)))
			continue;
		plan_take(&best,
			  (struct plan){
				  c->sing + (uint64_t)c->n * (c->wl + wsum[k + 1] - wsum[i]) +
					  t->cost[x] + c->wl * t->rdepth[x] + NODE_COST * c->n,
				  max16(c->worst, deeper(t->worst[x], c->n)),
				  (uint16_t)(c->n + t->ldepth[x]), (uint16_t)(c->n + t->rdepth[x]),
				  CHAIN_RIGHT, (int32_t)k,
				  (uint8_t)((t->peel[x] & PEEL_LEFT) |
					    (t->r[j].leaf != t->r[k].leaf ? PEEL_RIGHT : 0)) });
	}
	return best;
}

/* Knuth's optimal search tree over the ranges, with chains of jeq as other shapes, for every
 * budget level. */
static void tree_plan(struct tree *t)
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
			struct plan all = plan_one(t, wsum, i, j, t->nb - 1), p = all;

			/* the cheapest plan of all is the cheapest of every budget it fits; below
			 * the first budget nothing fits, none fits the smaller ones */
			for (size_t b = t->nb; b-- > 0;) {
				size_t at = ST(t, i, j, b);

				if (b < t->nb - 1 && !fits(t, b, all.w))
					p = p.cost == UINT64_MAX ? p : plan_one(t, wsum, i, j, b);

				t->cost[at] = p.cost;
				t->cost_t[STT(t, i, j, b)] = p.cost;
				t->worst[at] = p.w;
				t->ldepth[at] = p.ld;
				t->rdepth[at] = p.rd;
				t->choice[at] = p.choice;
				t->tail[at] = p.tail;
				t->peel[at] = p.peel;
			}
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
		return name ? gen_label(t->g, "nr == %s%s", x32, name)
			    : gen_label(t->g, "nr == %s", num);
	if (k == CBPF_X32_SYSCALL_BIT && t->arch_x32) /* where x32's numbers start */
		return gen_label(t->g, "nr %s %s (__X32_SYSCALL_BIT)", rel, num);
	return name ? gen_label(t->g, "nr %s %s (%s%s)", rel, num, x32, name)
		    : gen_label(t->g, "nr %s %s", rel, num);
}

static int tree_emit(struct tree *t, size_t i, size_t j, size_t b, const struct range **tmp);

/* The chain over a..b anchored at k, most weighted singleton first, ending in rest. */
static int chain_emit(struct tree *t, size_t a, size_t b, size_t k, int rest,
		      const struct range **tmp)
{
	struct gen *g = t->g;
	size_t n = chain_order(t, a, b, t->r[k].leaf, tmp);
	const struct range **order = malloc((n + 1) * sizeof(*order));
	int id = rest;

	if (!order) {
		g->err = -ENOMEM;
		return -1;
	}
	memcpy(order, tmp, n * sizeof(*order));
	for (size_t x = n; x-- > 0 && id >= 0;) {
		id = gen_mk(g, (struct blk){
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
}

/* The plan of ranges i..j at budget level b, as blocks. */
static int tree_emit(struct tree *t, size_t i, size_t j, size_t b, const struct range **tmp)
{
	struct gen *g = t->g;
	int32_t s;
	size_t k, n;

	if (i == j)
		return t->r[i].leaf;
	s = t->choice[ST(t, i, j, b)];
	k = (size_t)t->tail[ST(t, i, j, b)];
	switch (s) {
	case CHAIN_LEFT: /* the chain first, its singletons out of the way of k..j's plan */
		n = t->lch[AT(t, i, k)].n;
		return chain_emit(t, i, k, k, tree_emit(t, k, j, sub(t, b, n), tmp), tmp);
	case CHAIN_RIGHT:
		n = t->rch[AT(t, k, j)].n;
		return chain_emit(t, k, j, k, tree_emit(t, i, k, sub(t, b, n), tmp), tmp);
	default: {
		int left = tree_emit(t, i, (size_t)s - 1, sub(t, b, 1), tmp),
		    right = tree_emit(t, (size_t)s, j, sub(t, b, 1), tmp);

		if (left < 0 || right < 0)
			return -1;
		return gen_mk(g, (struct blk){
					 .kind = B_JMP,
					 .code = CBPF_JMP | CBPF_JGE | CBPF_K,
					 .k = t->r[s].lo,
					 .jt = right,
					 .jf = left,
					 .label = nr_label(t, ">=", t->r[s].lo),
				 });
	}
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
	return gen_mk(g, (struct blk){ .kind = B_JMP,
				       .code = CBPF_JMP | CBPF_JGE | CBPF_K,
				       .k = t->r[s].lo,
				       .jt = right,
				       .jf = left,
				       .label = nr_label(t, ">=", t->r[s].lo) });
}

static void plan_free(struct tree *t)
{
	free(t->cost);
	free(t->cost_t);
	t->cost_t = NULL;
	free(t->worst);
	free(t->ldepth);
	free(t->rdepth);
	free(t->choice);
	free(t->tail);
	free(t->peel);
	t->peel = NULL;
	t->cost = NULL, t->worst = NULL, t->ldepth = t->rdepth = NULL;
	t->choice = t->tail = NULL;
}

/* Plans for nb budget levels; false when out of memory. */
static bool plan_alloc(struct tree *t, size_t nb)
{
	size_t n = t->m * t->m * nb;

	plan_free(t);
	t->nb = nb;
	t->cost = malloc(n * sizeof(*t->cost));
	t->cost_t = malloc(n * sizeof(*t->cost_t));
	t->worst = malloc(n * sizeof(*t->worst));
	t->ldepth = malloc(n * sizeof(*t->ldepth));
	t->rdepth = malloc(n * sizeof(*t->rdepth));
	t->choice = malloc(n * sizeof(*t->choice));
	t->tail = malloc(n * sizeof(*t->tail));
	t->peel = malloc(n * sizeof(*t->peel));
	return t->cost && t->cost_t && t->worst && t->ldepth && t->rdepth && t->choice && t->tail &&
	       t->peel;
}

/* Past this many ranges, or plans and budget levels in all, the cheapest plan is made alone:
 * the budgets' plans take time and memory that grow with ranges^3 and levels. */
#define PLAN_RANGES 128
#define PLAN_STATES (1u << 20)

/*
 * The dispatch: the cheapest plan, then, where its longest path to an allowing return can be
 * shortened, the plans within each shorter budget, and the one that costs least counting an
 * instruction less on that path as worth a sixteenth of one on every allowed call's path.
 */
static int tree_best(struct tree *t, const struct range **tmp)
{
	size_t m = t->m, best = 0;
	uint64_t lambda = 0, best_cost = UINT64_MAX;
	int16_t w0;

	if (!plan_alloc(t, 1))
		goto nomem;
	tree_plan(t);
	w0 = t->worst[ST(t, 0, m - 1, 0)];
	if (!t->g->err && w0 > 0 && w0 != INT16_MAX && m <= PLAN_RANGES &&
	    m * m * ((size_t)w0 + 1) <= PLAN_STATES) {
		if (!plan_alloc(t, (size_t)w0 + 1))
			goto nomem;
		tree_plan(t);
		for (size_t x = 0; x < m; x++)
			if (t->r[x].need != NO_NEED)
				lambda += t->r[x].w;
		lambda /= 16;
		for (size_t b = 0; b < t->nb; b++) {
			uint64_t c = t->cost[ST(t, 0, m - 1, b)];

			if (c == UINT64_MAX)
				continue;
			c += lambda * (b == t->nb - 1 ? (uint64_t)w0 : b);
			if (c < best_cost)
				best_cost = c, best = b;
		}
	}
	return t->g->err ? -1 : tree_emit(t, 0, m - 1, best, tmp);
nomem:
	t->g->err = -ENOMEM;
	return -1;
}

/*
 * The instructions a call of number nr with every argument 0 runs from block id to an allowing
 * return, or NO_NEED: what bench/corpus.c measures of a filter, calls allowed with their
 * arguments 0, each at its own number. Blocks only jump to blocks made before them.
 */
static int16_t zero_args_path(const struct gen *g, int id, uint32_t nr)
{
	uint32_t a = nr;
	int steps = 0;

	while (id >= 0 && (size_t)id < g->n && steps < INT16_MAX - 8) {
		const struct blk *b = &g->b[id];
		bool taken;

		steps += (int)blk_len(b);
		for (size_t x = 0; x < b->n_pre; x++) {
			const struct cbpf_insn *in = &b->pre[x];

			if (in->code == (CBPF_LD | CBPF_W | CBPF_ABS))
				a = in->k == OFF_NR ? nr : in->k == OFF_ARCH ? a : 0;
			else if (in->code == (CBPF_ALU | CBPF_AND | CBPF_K))
				a &= in->k;
			else
				return NO_NEED;
		}
		if (b->kind == B_RET)
			return allows(b->k) ? (int16_t)steps : NO_NEED;
		if (b->kind == B_JA) {
			id = b->jt >= id ? -1 : b->jt;
			continue;
		}
		switch (CBPF_OP(b->code)) {
		case CBPF_JEQ:
			taken = a == b->k;
			break;
		case CBPF_JGT:
			taken = a > b->k;
			break;
		case CBPF_JGE:
			taken = a >= b->k;
			break;
		case CBPF_JSET:
			taken = a & b->k;
			break;
		default:
			return NO_NEED;
		}
		id = taken ? b->jt : b->jf;
		if (id >= (int)(b - g->b))
			return NO_NEED;
	}
	return NO_NEED;
}

/* What each range needs: the path of its lowest number's call with arguments 0. */
static void ranges_need(const struct gen *g, struct tree *t)
{
	for (size_t x = 0; x < t->m; x++)
		t->r[x].need = zero_args_path(g, t->r[x].leaf, t->r[x].lo);
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

/* A syscall's weight in the tree (see NODE_COST): allowed when its arguments are 0, allowed
 * with others, or named otherwise. */
static uint64_t leaf_weight(const struct gen *g, int leaf, uint32_t nr, bool allowed)
{
	if (zero_args_path(g, leaf, nr) != NO_NEED)
		return 64;
	return allowed ? 32 : 8;
}

/* Appends the range [lo, hi] with leaf, merging it into the last one when they share it. */
static bool range_add(struct range **v, size_t *n, size_t *cap, uint32_t lo, uint32_t hi, int leaf,
		      uint64_t w)
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
	(*v)[(*n)++] = (struct range){ lo, hi, leaf, w, NO_NEED };
	return true;
}

/*
 * The dispatch on nr for one AUDIT_ARCH value: arch, and x32 when it shares x86_64's. The
 * numbers the other ABI of x86_64 would use (the x32 bit set or not) are a bad architecture,
 * but -1 (a tracer skipping the call) gets the default, as libseccomp does.
 */
int gen_arch(struct gen *g, enum cbpf_arch arch, enum cbpf_arch x32)
{
	const struct cbpf_policy *pol = g->pol;
	struct nr_rules *nrs = NULL;
	struct nr_leaf *leaves = NULL;
	const struct cbpf_policy_rule **group = NULL;
	struct range *ranges = NULL;
	const struct range **tmp = NULL;
	size_t n = 0, nl = 0, m = 0, cap = 0;
	struct tree t = { .g = g, .arch = arch, .arch_x32 = x32 };
	int dflt = gen_ret(g, pol->default_action), bad = gen_ret(g, pol->badarch_action);
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
		leaf = gen_syscall(g, nr_name(&t, nrs[i].nr), arch_args32(nrs[i].arch), group, k);
		if (leaf < 0)
			goto fail;
		g->cur_rule = NULL;
		if (g->insns - g->cur_start > g->top_len) {
			g->top_len = g->insns - g->cur_start;
			g->top_rule = group[0];
			g->top_arch = nrs[i].arch;
		}
		/* minijail's @frequency counts weigh on top: frequent syscalls, shorter paths */
		leaves[nl++] = (struct nr_leaf){ nrs[i].nr, leaf,
						 leaf_weight(g, leaf, nrs[i].nr, allowed) *
							 policy_freq(pol, group[0]->syscall) };
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
		t.lch = malloc(m * m * sizeof(*t.lch));
		t.rch = malloc(m * m * sizeof(*t.rch));
		t.lreach = malloc(m * sizeof(*t.lreach));
		t.rreach = malloc(m * sizeof(*t.rreach));
		if (!t.lch || !t.rch || !t.lreach || !t.rreach)
			goto nomem;
		ranges_need(g, &t);
		if (!chain_costs(&t))
			goto nomem;
		id = tree_best(&t, tmp);
	} else {
		id = tree_balanced(&t, 0, m - 1);
	}
	goto out;
nomem:
	g->err = -ENOMEM;
fail:
	id = -1;
out:
	plan_free(&t);
	free(t.lch);
	free(t.rch);
	free(t.lreach);
	free(t.rreach);
	free(t.lfirst);
	free(t.lanc);
	free(t.rfirst);
	free(t.ranc);
	free(tmp);
	free(ranges);
	free(group);
	free(leaves);
	free(nrs);
	return g->err ? -1 : id;
}
