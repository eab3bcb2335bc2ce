// SPDX-License-Identifier: MIT
/* The generator's dispatch on the syscall number: an optimal search tree over ranges. */
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
	const struct range *x = *(const struct range *const *)a,
			   *y = *(const struct range *const *)b;

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
		return name ? gen_label(t->g, "nr == %s%s", x32, name)
			    : gen_label(t->g, "nr == %s", num);
	if (k == CBPF_X32_SYSCALL_BIT && t->arch_x32) /* where x32's numbers start */
		return gen_label(t->g, "nr %s %s (__X32_SYSCALL_BIT)", rel, num);
	return name ? gen_label(t->g, "nr %s %s (%s%s)", rel, num, x32, name)
		    : gen_label(t->g, "nr %s %s", rel, num);
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
	} else {
		int left = tree_emit(t, i, (size_t)s - 1, tmp),
		    right = tree_emit(t, (size_t)s, j, tmp);

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
	(*v)[(*n)++] = (struct range){ lo, hi, leaf, w };
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
		leaves[nl++] = (struct nr_leaf){
			nrs[i].nr, leaf, (allowed ? 64 : 8) * policy_freq(pol, group[0]->syscall)
		};
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
