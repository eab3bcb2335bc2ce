// SPDX-License-Identifier: MIT
/* Contradicting rules: two actions for a call that can meet the conditions of both. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/arch.h"
#include "seccomp/policy_ir.h"

static int cond_cmp(const void *a, const void *b)
{
	const struct cbpf_policy_cond *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->mask != y->mask)
		return x->mask < y->mask ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return 0;
}

/* Same conditions, in any order (both arrays are sorted copies). */
static bool conds_equal(const struct cbpf_policy_cond *a, size_t na,
			const struct cbpf_policy_cond *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (cond_cmp(&a[i], &b[i]))
			return false;
	return true;
}

struct nr_rule {
	uint32_t nr;
	size_t rule;
};

static int nr_rule_cmp(const void *a, const void *b)
{
	const struct nr_rule *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->rule < y->rule ? -1 : (x->rule > y->rule);
}

/*
 * v: the rules that apply on arch, by number then rule (their groups, each a syscall). Their
 * count.
 */
static size_t arch_groups(const struct cbpf_policy *pol, enum cbpf_arch arch, struct nr_rule *v)
{
	size_t n = 0;

	for (size_t r = 0; r < pol->n_rules; r++) {
		uint32_t nr;

		if (policy_rule_nr(&pol->rules[r], arch, &nr))
			v[n++] = (struct nr_rule){ nr, r };
	}
	qsort(v, n, sizeof(*v), nr_rule_cmp);
	return n;
}

static const char *rule_desc(const struct cbpf_policy_rule *r)
{
	return r->fallback  ? "when no condition matches"
	       : r->n_conds ? "with conditions"
			    : "unconditionally";
}

/*
 * Whether some argument values satisfy the conditions of two rules at once. libseccomp gives such
 * a call the action of whichever rule its argument tree happens to test first (the tree orders
 * nodes by argument, then operator, then value, and what a later rule adds depends on the order
 * the rules were added: src/db.c _db_tree_add); runc adds them in file order. The result is not
 * something a policy should depend on, so an overlap between different actions is an error,
 * except in an OCI profile without --strict, which gets runc's filter: a rule without
 * conditions resolved as libseccomp does (runc_resolve), conditional ones by libseccomp's tree
 * (lsc_replace, policy_libseccomp_tree.c).
 */

/* One argument's conditions: a range, bits fixed by masked compares, and excluded patterns. */
struct arg_set {
	uint64_t lo, hi, mask, bits;
	struct {
		uint64_t mask, value;
	} excl[128];
	size_t n_excl;
	bool empty;
};

/* The smallest x >= lo with (x & mask) == bits; false when there is none. */
static bool next_fixed(uint64_t lo, uint64_t mask, uint64_t bits, uint64_t width, uint64_t *out)
{
	bool found = false;

	for (int i = 63; i >= 0; i--) {
		uint64_t b = 1ULL << i, below = b - 1;
		bool lb = lo & b;

		if (!(width & b))
			continue;
		/* x takes lo's bits above i and 1 at i where lo has 0: a candidate, the lowest wins
		 */
		if (!lb && (!(mask & b) || (bits & b))) {
			*out = (lo & ~(b | below)) | b | (bits & below & width);
			found = true;
		}
		/* a fixed bit unlike lo's: x cannot follow lo further, the last candidate is it */
		if ((mask & b) && !!(bits & b) != lb)
			return found;
	}
	*out = lo;
	return true;
}

static bool arg_sat(const struct arg_set *s, uint64_t lo, uint64_t mask, uint64_t bits,
		    uint64_t width, size_t from, unsigned *budget)
{
	uint64_t x, y, m, v, free_bits;

	if (!*budget)
		return true; /* too many cases to tell apart: assume they overlap */
	--*budget;
	if (!next_fixed(lo, mask, bits, width, &x) || x > s->hi)
		return false;
	if (from == s->n_excl)
		return true;
	/* one value left: it either passes every exclusion or the set is empty */
	if (x == s->hi || !next_fixed(x + 1, mask, bits, width, &y) || y > s->hi) {
		for (size_t e = from; e < s->n_excl; e++)
			if ((x & s->excl[e].mask) == s->excl[e].value)
				return false;
		return true;
	}
	m = s->excl[from].mask;
	v = s->excl[from].value;
	if ((mask & m & (bits ^ v)))
		return arg_sat(s, lo, mask, bits, width, from + 1, budget); /* fixed bits differ */
	free_bits = m & ~mask;
	/* (x & m) != v: some free bit of m differs from v */
	for (int i = 0; i < 64; i++) {
		uint64_t b = 1ULL << i;

		if ((free_bits & b) &&
		    arg_sat(s, lo, mask | b, bits | (~v & b), width, from + 1, budget))
			return true;
	}
	return false;
}

static void arg_add(struct arg_set *s, const struct cbpf_policy_cond *c, uint64_t width)
{
	uint64_t v = c->value & width, m = c->mask & width;

	switch (c->op) {
	case CBPF_CMP_EQ:
		s->lo = s->lo > v ? s->lo : v;
		s->hi = s->hi < v ? s->hi : v;
		break;
	case CBPF_CMP_LT:
		if (!v)
			s->empty = true;
		else if (s->hi > v - 1)
			s->hi = v - 1;
		break;
	case CBPF_CMP_LE:
		s->hi = s->hi < v ? s->hi : v;
		break;
	case CBPF_CMP_GT:
		if (v == width)
			s->empty = true;
		else if (s->lo < v + 1)
			s->lo = v + 1;
		break;
	case CBPF_CMP_GE:
		s->lo = s->lo > v ? s->lo : v;
		break;
	case CBPF_CMP_MASKED_EQ:
		if ((v & ~m) || (s->mask & m & (s->bits ^ v)))
			s->empty = true;
		s->mask |= m;
		s->bits |= v;
		break;
	case CBPF_CMP_NE:
	case CBPF_CMP_MASKED_NE:
		if (c->op == CBPF_CMP_NE)
			m = width;
		if (v & ~m)
			break; /* always true */
		if (s->n_excl == sizeof(s->excl) / sizeof(s->excl[0]))
			break; /* dropping one only widens the set: overlaps are still found */
		s->excl[s->n_excl].mask = m;
		s->excl[s->n_excl++].value = v;
		break;
	}
	if (s->lo > s->hi)
		s->empty = true;
}

/* Whether a call on arch can match both rules' conditions. The cases tried add to *work. */
static bool rules_overlap(const struct cbpf_policy_rule *a, const struct cbpf_policy_rule *b,
			  enum cbpf_arch arch, size_t *work)
{
	uint64_t width = arch_args32(arch) ? UINT32_MAX : UINT64_MAX;
	const struct cbpf_policy_rule *both[2] = { a, b };

	for (unsigned arg = 0; arg < 6; arg++) {
		struct arg_set s = { .hi = width };
		unsigned budget = 1U << 16;
		bool sat;

		for (int r = 0; r < 2; r++)
			for (size_t c = 0; c < both[r]->n_conds; c++)
				if (both[r]->conds[c].arg == arg)
					arg_add(&s, &both[r]->conds[c], width);
		sat = !s.empty && arg_sat(&s, s.lo, s.mask, s.bits, width, 0, &budget);
		*work += (1U << 16) - budget;
		if (!sat)
			return false;
	}
	return true;
}

enum conflict { DIFFERENT, SAME_CONDS, OVERLAP };

static void report_conflict(struct policy_ctx *ctx, bool *reported, size_t first, size_t second,
			    enum conflict how)
{
	const struct cbpf_policy_rule *a = &ctx->pol->rules[first], *b = &ctx->pol->rules[second];
	char act_a[32], act_b[32];

	if (reported[second])
		return;
	reported[second] = true;
	/* runc's split of one entry (an argument named twice) is one rule to the reader */
	if (second > 0 && reported[second - 1] && ctx->pol->rules[second - 1].line == b->line &&
	    ctx->pol->rules[second - 1].col == b->col &&
	    ctx->pol->rules[second - 1].file == b->file)
		return;
	cbpf_seccomp_action_format(a->action, act_a, sizeof(act_a));
	cbpf_seccomp_action_format(b->action, act_b, sizeof(act_b));
	if (how == OVERLAP)
		policy_diag(
			ctx, CBPF_SEV_ERROR, b->file, b->line, b->col, 0,
			"contradicting rules for '%s': %s here and %s in another rule, and a call "
			"can meet the conditions of both",
			b->syscall, act_b, act_a);
	else if (how == SAME_CONDS)
		policy_diag(
			ctx, CBPF_SEV_ERROR, b->file, b->line, b->col, 0,
			"contradicting rules for '%s': %s here and %s in another rule, with the "
			"same conditions",
			b->syscall, act_b, act_a);
	else
		policy_diag(ctx, CBPF_SEV_ERROR, b->file, b->line, b->col, 0,
			    "contradicting rules for '%s': %s %s here, %s %s in another rule",
			    b->syscall, act_b, rule_desc(b), act_a, rule_desc(a));
	policy_diag(ctx, CBPF_SEV_NOTE, a->file, a->line, a->col, 0,
		    "the other rule for '%s' is here", a->syscall);
}

/*
 * A conditional rule of a group, for finding the earlier rules it may contradict: its sorted
 * conditions, and the range each argument keeps under them (arg_add's, so two rules whose
 * ranges of one argument do not meet never overlap), or empty when no call meets them.
 */
struct cand {
	size_t at; /* index in the group */
	uint32_t action;
	const struct cbpf_policy_cond *conds;
	size_t n_conds;
	uint64_t key; /* what cand_key_cmp sorts by */
	uint64_t lo[6], hi[6];
	bool empty;
};

struct cand_pair {
	size_t later, earlier; /* indexes in the group */
};

static int cand_pair_cmp(const void *a, const void *b)
{
	const struct cand_pair *x = a, *y = b;

	if (x->later != y->later)
		return x->later < y->later ? -1 : 1;
	return (x->earlier > y->earlier) - (x->earlier < y->earlier);
}

static int cand_conds_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->n_conds != y->n_conds)
		return x->n_conds < y->n_conds ? -1 : 1;
	for (size_t i = 0; i < x->n_conds; i++) {
		int c = cond_cmp(&x->conds[i], &y->conds[i]);

		if (c)
			return c;
	}
	return (x->at > y->at) - (x->at < y->at);
}

static int cand_key_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

/* How many of v[from..n), sorted by key, have a key of at most x. */
static size_t cand_upto(const struct cand *v, size_t from, size_t n, uint64_t x)
{
	size_t lo = from, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].key <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - from;
}

static bool cand_meet(const struct cand *x, const struct cand *y)
{
	for (unsigned a = 0; a < 6; a++)
		if (x->lo[a] > y->hi[a] || y->lo[a] > x->hi[a])
			return false;
	return !x->empty && !y->empty;
}

static bool cand_push(struct cand_pair **v, size_t *n, size_t *cap, size_t x, size_t y)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		struct cand_pair *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct cand_pair){ x > y ? x : y, x < y ? x : y };
	return true;
}

/* Pairs whose ranges of one argument meet: more, and the candidates are not listed. */
#define CAND_PAIRS_MAX (1U << 20)
/* Pairs compared, and cases tried in them, for one group when the candidates are not listed. */
#define CAND_WORK_MAX (1U << 24)

/* Whether rule y contradicts the earlier rule x (another action), and how. */
static bool cand_check(const struct cand *x, const struct cand *y, enum cbpf_arch arch,
		       const struct cbpf_policy_rule *rx, const struct cbpf_policy_rule *ry,
		       size_t *work, enum conflict *how)
{
	if (x->action == y->action)
		return false;
	if (conds_equal(x->conds, x->n_conds, y->conds, y->n_conds))
		*how = SAME_CONDS;
	else if (cand_meet(x, y) && rules_overlap(rx, ry, arch, work))
		*how = OVERLAP;
	else
		return false;
	return true;
}

/* Every pair of v[0..m) in the order the rules come, up to CAND_WORK_MAX (see below). */
static void compare_all(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g,
			struct cand *v, size_t m, size_t *first, enum conflict *how)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	size_t work = 0;

	for (size_t i = 0; i < m; i++)
		v[i].key = v[i].at;
	qsort(v, m, sizeof(*v), cand_key_cmp);
	for (size_t i = 0; i < m; i++) {
		const struct cbpf_policy_rule *r = &rules[g[v[i].at].rule];

		for (size_t j = 0; j < i && first[v[i].at] == SIZE_MAX; j++) {
			if (++work > CAND_WORK_MAX) {
				policy_diag(ctx, CBPF_SEV_WARNING, r->file, r->line, r->col, 0,
					    "too many rules for '%s' on %s to compare each pair "
					    "for contradictions: this one and those after it were "
					    "not compared with all earlier ones",
					    r->syscall, cbpf_arch_name(arch));
				return;
			}
			if (cand_check(&v[j], &v[i], arch, &rules[g[v[j].at].rule], r, &work,
				       &how[v[i].at]))
				first[v[i].at] = v[j].at;
		}
	}
}

/*
 * For each conditional rule of a group (g, n), the first earlier conditional rule with another
 * action that it contradicts (the same conditions, or a call can meet both): first[i] and
 * how[i], else SIZE_MAX. Comparing every pair is quadratic in the rules; the candidates are the
 * pairs with the same conditions and those whose ranges meet on every argument, listed from the
 * argument where the fewest ranges meet (a rule per ioctl number: none meet). When even those
 * are too many (masks and != leave whole ranges), every pair is compared up to a bound, past
 * which a warning says the rest were not. false when out of memory.
 */
static bool group_conflicts(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g,
			    size_t n, struct cbpf_policy_cond **sorted, size_t *first,
			    enum conflict *how)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	uint64_t width = arch_args32(arch) ? UINT32_MAX : UINT64_MAX;
	struct cand *v = malloc((n + 1) * sizeof(*v));
	struct cand_pair *p = NULL;
	size_t m = 0, np = 0, cap = 0, best = SIZE_MAX, work = 0;
	unsigned best_arg = 0;
	bool mixed = false, ok = false;

	for (size_t i = 0; i < n; i++)
		first[i] = SIZE_MAX;
	if (!v)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct cbpf_policy_rule *rule = &rules[g[i].rule];

		if (rule->fallback || !rule->n_conds)
			continue;
		mixed |= m && v[0].action != rule->action;
		v[m] = (struct cand){ .at = i,
				      .action = rule->action,
				      .conds = sorted[g[i].rule],
				      .n_conds = rule->n_conds };
		for (unsigned a = 0; a < 6; a++) {
			struct arg_set s = { .hi = width };

			for (size_t c = 0; c < rule->n_conds; c++)
				if (rule->conds[c].arg == a)
					arg_add(&s, &rule->conds[c], width);
			v[m].lo[a] = s.lo;
			v[m].hi[a] = s.hi;
			v[m].empty |= s.empty;
		}
		m++;
	}
	if (!mixed)
		goto done;
	/* the argument where the fewest ranges meet */
	for (unsigned a = 0; a < 6 && best; a++) {
		size_t meet = 0;

		for (size_t i = 0; i < m; i++)
			v[i].key = v[i].lo[a];
		qsort(v, m, sizeof(*v), cand_key_cmp);
		for (size_t i = 0; i < m && meet <= CAND_PAIRS_MAX; i++)
			meet += cand_upto(v, i + 1, m, v[i].hi[a]);
		if (meet < best)
			best = meet, best_arg = a;
	}
	if (best > CAND_PAIRS_MAX) {
		compare_all(ctx, arch, g, v, m, first, how);
		goto done;
	}
	for (size_t i = 0; i < m; i++)
		v[i].key = v[i].lo[best_arg];
	qsort(v, m, sizeof(*v), cand_key_cmp);
	for (size_t i = 0; i < m; i++) {
		size_t end = i + 1 + cand_upto(v, i + 1, m, v[i].hi[best_arg]);

		for (size_t j = i + 1; j < end; j++)
			if (v[i].action != v[j].action && cand_meet(&v[i], &v[j]) &&
			    !cand_push(&p, &np, &cap, v[i].at, v[j].at))
				goto out;
	}
	/* the same conditions (whether or not a call meets them): the first other action */
	qsort(v, m, sizeof(*v), cand_conds_cmp);
	for (size_t i = 0, j; i < m; i = j) {
		size_t other = SIZE_MAX;

		for (j = i + 1;
		     j < m && !conds_equal(v[i].conds, v[i].n_conds, v[j].conds, v[j].n_conds); j++)
			;
		for (size_t x = i + 1; x < j; x++) {
			size_t e = v[x].action != v[i].action ? v[i].at : other;

			if (e != SIZE_MAX && !cand_push(&p, &np, &cap, v[x].at, e))
				goto out;
			if (v[x].action != v[i].action && other == SIZE_MAX)
				other = v[x].at;
		}
	}
	/* each rule against its candidates, earliest first (first[] holds where each rule is in v
	 * until then) */
	if (np)
		qsort(p, np, sizeof(*p), cand_pair_cmp);
	for (size_t i = 0; i < m; i++)
		first[v[i].at] = i;
	for (size_t i = 0, j; i < np; i = j) {
		const struct cand *x = &v[first[p[i].later]];
		size_t found = SIZE_MAX;

		for (j = i; j < np && p[j].later == p[i].later; j++) {
			const struct cand *y = &v[first[p[j].earlier]];

			if (found == SIZE_MAX &&
			    cand_check(y, x, arch, &rules[g[y->at].rule], &rules[g[x->at].rule],
				       &work, &how[x->at]))
				found = y->at;
		}
		p[i].earlier = found;
	}
	for (size_t i = 0; i < m; i++)
		first[v[i].at] = SIZE_MAX;
	for (size_t i = 0; i < np; i++)
		if (!i || p[i].later != p[i - 1].later)
			first[p[i].later] = p[i].earlier;
done:
	ok = true;
out:
	free(v);
	free(p);
	return ok;
}

/* A rule runc's filter leaves out, with the rule that makes it so, said once per rule. */
static void report_dropped(struct policy_ctx *ctx, bool *reported, size_t kept, size_t dropped,
			   bool replaced)
{
	const struct cbpf_policy_rule *k = &ctx->pol->rules[kept], *d = &ctx->pol->rules[dropped];
	char act_k[32], act_d[32];

	if (reported[dropped])
		return;
	reported[dropped] = true;
	cbpf_seccomp_action_format(k->action, act_k, sizeof(act_k));
	cbpf_seccomp_action_format(d->action, act_d, sizeof(act_d));
	if (replaced)
		policy_diag(
			ctx, CBPF_SEV_WARNING, d->file, d->line, d->col, 0,
			"rule for '%s' (%s %s) has no effect: a later rule without conditions "
			"(%s) replaces it, as libseccomp does when runc adds them in file order "
			"(--strict: an error)",
			d->syscall, act_d, rule_desc(d), act_k);
	else
		policy_diag(
			ctx, CBPF_SEV_WARNING, d->file, d->line, d->col, 0,
			"rule for '%s' (%s %s) has no effect: an earlier rule without conditions "
			"(%s) decides the syscall, as libseccomp keeps it when runc adds them in "
			"file order (--strict: an error)",
			d->syscall, act_d, rule_desc(d), act_k);
	policy_diag(ctx, CBPF_SEV_NOTE, k->file, k->line, k->col, 0,
		    "the rule that decides '%s' is here", k->syscall);
}

/*
 * An OCI profile as runc loads it (libcontainer/seccomp: one seccomp_rule_add per name, in file
 * order) into libseccomp (src/db.c db_rule_add): a syscall that has a rule without conditions
 * keeps it, and later rules for it add nothing; a rule without conditions clears the argument
 * rules added before it. The rules left out on arch are marked in gone[] and taken out of the
 * group (*n shrinks); what remains is checked as any policy's rules are. Rules with the same
 * action are left alone: they change nothing.
 */
static void runc_resolve(struct policy_ctx *ctx, enum cbpf_arch arch, struct nr_rule *g, size_t *n,
			 unsigned *gone, bool *reported)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	size_t uncond = SIZE_MAX, m = 0;

	for (size_t i = 0; i < *n; i++) {
		const struct cbpf_policy_rule *r = &rules[g[i].rule];

		if (uncond != SIZE_MAX) {
			if (r->action != rules[uncond].action) {
				report_dropped(ctx, reported, uncond, g[i].rule, false);
				gone[g[i].rule] |= 1U << arch;
			}
			continue;
		}
		if (r->n_conds || r->fallback)
			continue;
		uncond = g[i].rule;
		for (size_t j = 0; j < i; j++)
			if (!(gone[g[j].rule] & (1U << arch)) &&
			    rules[g[j].rule].action != r->action) {
				report_dropped(ctx, reported, uncond, g[j].rule, true);
				gone[g[j].rule] |= 1U << arch;
			}
	}
	for (size_t i = 0; i < *n; i++)
		if (!(gone[g[i].rule] & (1U << arch)))
			g[m++] = g[i];
	*n = m;
}

/* Takes the rules runc leaves out off the architectures where it does; none left: gone. */
static void runc_drop(struct cbpf_policy *pol, const unsigned *gone)
{
	size_t m = 0;

	for (size_t r = 0; r < pol->n_rules; r++) {
		struct cbpf_policy_rule *rule = &pol->rules[r];
		/* bits 1 .. CBPF_ARCH_COUNT: every architecture */
		unsigned mask = rule->arch_mask ? rule->arch_mask : (2U << CBPF_ARCH_COUNT) - 2;
		bool left = false;

		mask &= ~gone[r];
		for (size_t a = 0; a < pol->n_arches; a++)
			left |= !!(mask & (1U << pol->arches[a]));
		if (gone[r] && !left) {
			free(pol->conds[r]);
			continue;
		}
		if (gone[r])
			rule->arch_mask = mask;
		pol->conds[m] = pol->conds[r];
		pol->rules[m++] = *rule;
	}
	pol->n_rules = m;
}

/* The rules libseccomp's tree makes of overlapping ones, added once every group is checked. */
struct derived {
	struct derived_rule {
		enum cbpf_arch arch;
		const char *syscall, *file;
		unsigned line, col;
		struct policy_lsc_rule r; /* conds owned */
	} * v;
	size_t n, cap;
};

/* A 32-bit word of an argument as a message names it: "arg0's high word & 0xff". */
static void word_text(char *buf, size_t size, bool arch32, unsigned arg, bool hi, uint32_t mask)
{
	int n = arch32 ? snprintf(buf, size, "arg%u", arg)
		       : snprintf(buf, size, "arg%u's %s word", arg, hi ? "high" : "low");

	if (mask != UINT32_MAX && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " & %#" PRIx32, mask);
}

/*
 * Where libseccomp's filter tests another word than its tree names (out->stale), for a
 * message; "" where it tests what the tree says.
 */
static void stale_text(char *buf, size_t size, enum cbpf_arch arch,
		       const struct policy_lsc_stale *st)
{
	char node[48], acc[48];

	*buf = 0;
	if (!st->any)
		return;
	word_text(node, sizeof(node), arch_args32(arch), st->arg, st->hi, st->mask);
	word_text(acc, sizeof(acc), arch_args32(arch), st->acc_arg, st->acc_hi, st->acc_mask);
	snprintf(buf, size,
		 "on %s libseccomp 2.5.4's filter compares %s where its tree compares %s (an "
		 "earlier test left that word in the accumulator), and so does this filter: runc's "
		 "may not do what the profile says",
		 cbpf_arch_name(arch), acc, node);
}

static void report_overlap(struct policy_ctx *ctx, bool *reported, size_t first, size_t second,
			   enum cbpf_arch arch, const struct policy_lsc_stale *st)
{
	const struct cbpf_policy_rule *a = &ctx->pol->rules[first], *b = &ctx->pol->rules[second];
	bool *told = reported + 2 * (ctx->pol->n_rules + 1);
	char act_a[32], act_b[32], stale[384];

	/* reported[] has a second part for these warnings (a rule warned about on one
	 * architecture can still be an error on another) and a third for the accumulator's */
	reported += ctx->pol->n_rules + 1;
	stale_text(stale, sizeof(stale), arch, st);
	if (reported[second]) {
		if (*stale && !told[second])
			policy_diag(ctx, CBPF_SEV_NOTE, b->file, b->line, b->col, 0,
				    "rules for '%s': %s", b->syscall, stale);
		told[second] |= *stale != 0;
		return;
	}
	reported[second] = true;
	told[second] = *stale != 0;
	cbpf_seccomp_action_format(a->action, act_a, sizeof(act_a));
	cbpf_seccomp_action_format(b->action, act_b, sizeof(act_b));
	policy_diag(ctx, CBPF_SEV_WARNING, b->file, b->line, b->col, 0,
		    "rules for '%s' overlap: %s here and %s in another rule, and a call can meet "
		    "the conditions of both; it gets the action of libseccomp's filter, as runc "
		    "adds them in file order (--strict: an error)%s%s",
		    b->syscall, act_b, act_a, *stale ? "; " : "", stale);
	policy_diag(ctx, CBPF_SEV_NOTE, a->file, a->line, a->col, 0,
		    "the other rule for '%s' is here", a->syscall);
}

/* Where libseccomp puts arch's section in the filter: x86_64 and x32 share the first's. */
static size_t lsc_section(const struct cbpf_policy *pol, enum cbpf_arch arch)
{
	size_t at = pol->n_arches;

	for (size_t i = 0; i < pol->n_arches; i++)
		if (pol->arches[i] == arch ||
		    (pol->arches[i] == CBPF_ARCH_X32 && arch == CBPF_ARCH_X86_64) ||
		    (pol->arches[i] == CBPF_ARCH_X86_64 && arch == CBPF_ARCH_X32))
			at = at < i ? at : i;
	return at;
}

/* Conditional rules of a group (no rule without conditions) that libseccomp's reading is tried
 * on where they do not overlap: more are compiled as they say (as a larger tree is not followed).
 */
#define LSC_AGREE_MAX 256

/*
 * Conditions the witness evaluates at most: for one group, and for all of a policy's groups
 * together, shared evenly, but never fewer than the least for one group (so that a policy of
 * thousands of syscalls compiles in a time that grows with them, not with their product).
 */
#define WITNESS_GROUP_WORK (1ULL << 23)
#define WITNESS_ALL_WORK   (1ULL << 25)
#define WITNESS_LEAST_WORK (1ULL << 12)

/* Whether lsc_agree searches the group: only conditional rules, and more than one of them. */
static bool lsc_agree_tried(const struct cbpf_policy_rule *rules, const struct nr_rule *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!rules[g[i].rule].n_conds || rules[g[i].rule].fallback)
			return false; /* it decides the syscall, or resolved as runc_resolve says */
	return n >= 2 && n <= LSC_AGREE_MAX;
}

/* A syscall's tree on one architecture, at its turn in libseccomp's layout. */
struct lsc_turn {
	size_t section;
	uint32_t prio;
	bool second; /* x32 beside x86_64, or the reverse: the one that comes later in the filter */
	uint32_t nr;
	bool arch32;
	const struct nr_rule *g;
	size_t n;
	size_t tree;	 /* in the trees built (LSC_NO_TREE: none, a rule refused, too large) */
	size_t key_next; /* the turn before with the same first rule and size (SIZE_MAX: none) */
};

#define LSC_NO_TREE SIZE_MAX

/*
 * gen_bpf.c lays out from the filter's end: the last architecture's section first
 * (_gen_bpf_build_bpf), and in a section the syscalls from the end of its list
 * (_gen_bpf_syscalls: by priority, the higher first, then the first architecture's before the
 * second's, each by number).
 */
static int lsc_turn_cmp(const void *a, const void *b)
{
	const struct lsc_turn *x = a, *y = b;

	if (x->section != y->section)
		return x->section > y->section ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->second != y->second)
		return x->second ? -1 : 1;
	return x->nr > y->nr ? -1 : (x->nr < y->nr);
}

/* Whether two turns' trees are one: the same rules on architectures of one argument size. */
static bool lsc_same_tree(const struct lsc_turn *x, const struct lsc_turn *y)
{
	if (x->arch32 != y->arch32 || x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (x->g[i].rule != y->g[i].rule)
			return false;
	return true;
}

/*
 * The blocks of every syscall's tree on every architecture, laid out in the order libseccomp
 * lays out its filter (identical blocks are shared between them all, and the first tree to
 * reach one decides whether it loads its word). Each tree is built once (once for every
 * architecture of one argument size that has the same rules: their blocks are the same, and
 * laid out at the first of their turns), kept for its priority, and laid out at its turn; a
 * group read later finds its own blocks laid out as at its turn. Made once per policy; NULL:
 * no memory. A tree it cannot build (a rule refused) adds nothing, as runc loads no filter
 * then.
 */
static struct policy_lsc_layout *lsc_layout(struct policy_ctx *ctx)
{
	const struct cbpf_policy *pol = ctx->pol;
	size_t stride = pol->n_rules + 1, n_turns = 0, n_trees = 0, tried = 0;
	struct nr_rule *v;
	struct lsc_turn *turns;
	struct policy_lsc_tree **trees;
	size_t *last; /* by first rule and size: the last turn with them */
	bool *placed;
	const struct cbpf_policy_rule **rs;
	int err = 0;

	if (ctx->lsc_lay_done)
		return ctx->lsc_lay;
	ctx->lsc_lay_done = true;
	v = malloc(pol->n_arches * stride * sizeof(*v));
	turns = malloc(pol->n_arches * stride * sizeof(*turns));
	trees = malloc(pol->n_arches * stride * sizeof(*trees));
	placed = calloc(pol->n_arches * stride, sizeof(*placed));
	last = malloc(2 * stride * sizeof(*last));
	rs = malloc(stride * sizeof(*rs));
	if (!v || !turns || !trees || !placed || !last || !rs ||
	    !(ctx->lsc_lay = policy_lsc_layout_new()))
		goto out;
	for (size_t i = 0; i < 2 * stride; i++)
		last[i] = SIZE_MAX;
	for (size_t a = 0; a < pol->n_arches && err != -ENOMEM; a++) {
		struct nr_rule *va = v + a * stride;
		size_t n = arch_groups(pol, pol->arches[a], va), section;

		section = lsc_section(pol, pol->arches[a]);
		for (size_t i = 0, j; i < n && err != -ENOMEM; i = j) {
			bool conds = true, arch32 = arch_args32(pol->arches[a]);
			struct lsc_turn *t = &turns[n_turns];
			size_t key = 2 * va[i].rule + arch32, c;

			for (j = i; j < n && va[j].nr == va[i].nr; j++)
				conds &= pol->rules[va[j].rule].n_conds &&
					 !pol->rules[va[j].rule].fallback;
			tried += lsc_agree_tried(pol->rules, &va[i], j - i);
			if (!conds)
				continue; /* a rule without conditions: no tree */
			*t = (struct lsc_turn){ .section = section,
						.second = a != section,
						.nr = va[i].nr,
						.arch32 = arch32,
						.g = &va[i],
						.n = j - i,
						.tree = LSC_NO_TREE,
						.key_next = last[key] };
			for (c = t->key_next; c != SIZE_MAX && !lsc_same_tree(&turns[c], t);
			     c = turns[c].key_next)
				;
			if (c != SIZE_MAX) {
				t->tree = turns[c].tree, t->prio = turns[c].prio;
			} else {
				for (size_t k = 0; k < t->n; k++)
					rs[k] = &pol->rules[t->g[k].rule];
				err = policy_lsc_tree_new(rs, t->n, arch32, &trees[n_trees],
							  &t->prio);
				if (err == 1)
					t->tree = n_trees++;
			}
			last[key] = n_turns++;
		}
	}
	/* the groups lsc_agree searches are among these: they share the witness's budget */
	ctx->witness_work = tried ? WITNESS_ALL_WORK / tried : WITNESS_GROUP_WORK;
	if (ctx->witness_work > WITNESS_GROUP_WORK)
		ctx->witness_work = WITNESS_GROUP_WORK;
	if (ctx->witness_work < WITNESS_LEAST_WORK)
		ctx->witness_work = WITNESS_LEAST_WORK;
	qsort(turns, n_turns, sizeof(*turns), lsc_turn_cmp);
	for (size_t i = 0; i < n_turns && err != -ENOMEM; i++) {
		size_t k = turns[i].tree;

		if (k != LSC_NO_TREE && !placed[k]) {
			placed[k] = true;
			err = policy_lsc_tree_place(trees[k], ctx->lsc_lay);
		}
	}
	if (err == -ENOMEM) {
		policy_lsc_layout_free(ctx->lsc_lay);
		ctx->lsc_lay = NULL;
	}
out:
	for (size_t i = 0; i < n_trees; i++)
		policy_lsc_tree_free(trees[i]);
	free(v);
	free(turns);
	free(trees);
	free(placed);
	free(last);
	free(rs);
	return ctx->lsc_lay;
}

/*
 * What libseccomp's filter makes of a group on arch (policy_libseccomp_tree.c), its blocks laid
 * out as in libseccomp's filter (lsc_layout): 0, or the emulation's error (*why: the rule it
 * is on): -EEXIST (libseccomp refuses a rule, and runc the profile), -ELOOP (libseccomp never
 * finishes), -ENOTSUP, -ENOMEM. res is empty on error.
 */
static int lsc_read(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g, size_t n,
		    struct policy_lsc_rules *res, size_t *why)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	const struct cbpf_policy_rule **rs = malloc(n * sizeof(*rs));
	struct policy_lsc_layout *lay;
	int err;

	memset(res, 0, sizeof(*res));
	if (!rs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		rs[i] = &rules[g[i].rule];
	lay = lsc_layout(ctx);
	err = lay ? policy_lsc_resolve(rs, n, arch_args32(arch), ctx->pol->default_action, lay, res)
		  : -ENOMEM;
	free(rs);
	if (err == -EEXIST)
		*why = g[res->refused].rule;
	else if (err == -ENOTSUP || err == -ELOOP)
		*why = g[0].rule;
	return err;
}

/* The group's rules replaced on arch by res, libseccomp's reading of them (res emptied). */
static int lsc_keep(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g, size_t n,
		    struct policy_lsc_rules *res, unsigned *gone, struct derived *out)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;

	if (out->n + res->n > out->cap) {
		size_t cap = 2 * (out->n + res->n);
		struct derived_rule *v = realloc(out->v, cap * sizeof(*v));

		if (!v) {
			policy_lsc_rules_free(res);
			return -ENOMEM;
		}
		out->v = v, out->cap = cap;
	}
	for (size_t i = 0; i < res->n; i++) {
		const struct cbpf_policy_rule *src = &rules[g[res->v[i].src].rule];

		out->v[out->n++] = (struct derived_rule){ arch,	     src->syscall, src->file,
							  src->line, src->col,	   res->v[i] };
	}
	free(res->v);
	res->v = NULL, res->n = res->cap = 0;
	for (size_t i = 0; i < n; i++)
		gone[g[i].rule] |= 1U << arch;
	return 0;
}

/*
 * An OCI group whose conditional rules overlap with different actions, replaced on arch by what
 * libseccomp's tree makes of them. 0, or lsc_read's error, which leaves the conflicts errors,
 * with a note saying why.
 */
static int lsc_replace(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g,
		       size_t n, unsigned *gone, struct derived *out, size_t *why,
		       struct policy_lsc_stale *stale)
{
	struct policy_lsc_rules res;
	int err = lsc_read(ctx, arch, g, n, &res, why);

	if (err)
		return err;
	*stale = res.stale;
	return lsc_keep(ctx, arch, g, n, &res, gone, out);
}

static void args_text(char *buf, size_t size, const struct policy_lsc_witness *w)
{
	size_t at = 0;

	*buf = 0;
	for (unsigned a = 0; a < 6 && at < size; a++)
		if (w->used & (1U << a)) {
			int k = snprintf(buf + at, size - at, "%sarg%u = %#" PRIx64, at ? ", " : "",
					 a, w->args[a]);

			if (k < 0)
				return;
			at += (size_t)k;
		}
}

/*
 * An OCI group where no two rules with different actions overlap, but more than one has
 * conditions: libseccomp's filter can still contradict them (its BPF's accumulator, its tree's
 * 64-bit '>' and '>='). Where some call gets another action from it than the rules give, the
 * group is replaced on arch by libseccomp's reading, with a warning naming the rule (--strict:
 * an error); elsewhere it is left as it is. 0 or -ENOMEM.
 */
static int lsc_agree(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g, size_t n,
		     unsigned *gone, struct derived *out, bool *told)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	const struct cbpf_policy_rule **rs;
	struct policy_lsc_rules res;
	struct policy_lsc_witness w;
	size_t why = SIZE_MAX, at;
	const struct cbpf_policy_rule *r;
	char want[32], got[32], args[160], stale[256] = "";
	bool strict = ctx->opts->strict;
	int err;

	if (!lsc_agree_tried(rules, g, n))
		return 0;
	err = lsc_read(ctx, arch, g, n, &res, &why);
	if (err)
		return err == -ENOMEM ? err : 0; /* refusals: lsc_refused's */
	if (!(rs = malloc(n * sizeof(*rs)))) {
		policy_lsc_rules_free(&res);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		rs[i] = &rules[g[i].rule];
	if (!policy_lsc_witness(rs, n, &res, arch_args32(arch), ctx->pol->default_action,
				ctx->witness_work, &w)) {
		free(rs);
		policy_lsc_rules_free(&res);
		return 0;
	}
	free(rs);
	at = g[w.rule != SIZE_MAX ? w.rule : w.src].rule;
	r = &rules[at];
	cbpf_seccomp_action_format(w.want, want, sizeof(want));
	cbpf_seccomp_action_format(w.got, got, sizeof(got));
	args_text(args, sizeof(args), &w);
	if (res.stale.any) {
		char node[48], acc[48];

		word_text(node, sizeof(node), arch_args32(arch), res.stale.arg, res.stale.hi,
			  res.stale.mask);
		word_text(acc, sizeof(acc), arch_args32(arch), res.stale.acc_arg, res.stale.acc_hi,
			  res.stale.acc_mask);
		snprintf(stale, sizeof(stale),
			 " (it compares %s where the profile's rule compares %s: an earlier test "
			 "left that word in the accumulator)",
			 acc, node);
	}
	if (!told[at])
		policy_diag(ctx, strict ? CBPF_SEV_ERROR : CBPF_SEV_WARNING, r->file, r->line,
			    r->col, 0,
			    "rules for '%s': on %s libseccomp 2.5.4's filter gives %s%s where %s "
			    "%s (%s)%s; runc's filter does not do what the profile says%s",
			    r->syscall, cbpf_arch_name(arch), got,
			    w.rule != SIZE_MAX ? "" : " from this rule",
			    w.rule != SIZE_MAX ? "this rule gives"
					       : "no rule holds, and the default is",
			    want, args, stale,
			    strict ? " (--strict)"
				   : ", and this filter does as runc's (--strict: an "
				     "error)");
	told[at] = true;
	if (strict) {
		policy_lsc_rules_free(&res);
		return 0;
	}
	return lsc_keep(ctx, arch, g, n, &res, gone, out);
}

/*
 * Rules that do not overlap but that libseccomp still refuses (EEXIST: a condition no call
 * meets, say), or never finishes adding (its tree's links come round, whatever the actions):
 * runc cannot load the profile, a located error, once per rule. 0, or -ENOMEM.
 */
static int lsc_refused(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g,
		       size_t n, bool *reported)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	const struct cbpf_policy_rule **rs;
	struct policy_lsc_rules res;
	bool mixed = false;
	int err;

	for (size_t i = 1; i < n && !mixed; i++)
		mixed = rules[g[i].rule].action != rules[g[0].rule].action;
	if (!mixed && !lsc_agree_tried(rules, g, n))
		return 0; /* one action: only a loop to find, where lsc_agree reads anyway */
	if (!(rs = malloc(n * sizeof(*rs))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		rs[i] = &rules[g[i].rule];
	err = policy_lsc_resolve(rs, n, arch_args32(arch), ctx->pol->default_action, NULL, &res);
	free(rs);
	policy_lsc_rules_free(&res);
	/* -ELOOP without a cycle is a large group that the model stopped following, not a proof */
	if (err == -ELOOP && res.cycle) {
		const struct cbpf_policy_rule *r = &rules[g[0].rule];

		if (!reported[g[0].rule])
			policy_diag(ctx, CBPF_SEV_ERROR, r->file, r->line, r->col, 0,
				    "libseccomp does not finish adding the rules for '%s' on %s "
				    "(2.5.4 loops for ever on some), and runc with it",
				    r->syscall, cbpf_arch_name(arch));
		reported[g[0].rule] = true;
		return 0;
	}
	if (err == -EEXIST) {
		size_t at = g[res.refused].rule;
		const struct cbpf_policy_rule *r = &rules[at];

		if (!reported[at])
			policy_diag(
				ctx, CBPF_SEV_ERROR, r->file, r->line, r->col, 0,
				"libseccomp refuses this rule for '%s' on %s (EEXIST) when runc "
				"adds the rules in file order, and runc the profile",
				r->syscall, cbpf_arch_name(arch));
		reported[at] = true;
		return 0;
	}
	return err == -ENOMEM ? -ENOMEM : 0;
}

static void check_group(struct policy_ctx *ctx, enum cbpf_arch arch, struct nr_rule *g, size_t n,
			struct cbpf_policy_cond **sorted, unsigned *gone, bool *reported,
			struct derived *derived)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	size_t uncond = SIZE_MAX, fallback = SIZE_MAX;
	size_t *first = malloc(n * sizeof(*first));
	enum conflict *how = malloc(n * sizeof(*how));
	size_t why = SIZE_MAX; /* the rule a note on libseccomp's reading is about */
	struct policy_lsc_stale stale = { 0 };
	bool any = false; /* conditional rules that contradict */
	unsigned errors = ctx->errors;
	int err = 0;

	if (ctx->oci && !ctx->opts->strict)
		runc_resolve(ctx, arch, g, &n, gone, reported);
	if (!first || !how || !group_conflicts(ctx, arch, g, n, sorted, first, how)) {
		if (!ctx->err)
			ctx->err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !any; i++)
		any = first[i] != SIZE_MAX;
	if (ctx->oci && !ctx->opts->strict) {
		if (any && !(err = lsc_replace(ctx, arch, g, n, gone, derived, &why, &stale))) {
			/* the accumulator is told of once per syscall and architecture */
			for (size_t i = 0; i < n; i++)
				if (first[i] != SIZE_MAX) {
					report_overlap(ctx, reported, g[first[i]].rule, g[i].rule,
						       arch, &stale);
					stale.any = false;
				}
			goto out;
		}
		if (any && err == -ENOMEM) {
			if (!ctx->err)
				ctx->err = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < n && !any; i++)
		any = first[i] != SIZE_MAX;
	if (ctx->oci && !any && lsc_refused(ctx, arch, g, n, reported) && !ctx->err)
		ctx->err = -ENOMEM;
	/* the accumulator's and the tree's contradictions, told of once per rule */
	if (ctx->oci && !any && ctx->errors == errors &&
	    lsc_agree(ctx, arch, g, n, gone, derived, reported + 3 * (ctx->pol->n_rules + 1)) &&
	    !ctx->err)
		ctx->err = -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t r = g[i].rule;
		const struct cbpf_policy_rule *rule = &rules[r];

		if (rule->fallback) {
			if (fallback != SIZE_MAX && rules[fallback].action != rule->action)
				report_conflict(ctx, reported, fallback, r, DIFFERENT);
			if (fallback == SIZE_MAX)
				fallback = r;
			continue;
		}
		if (!rule->n_conds) {
			if (uncond != SIZE_MAX && rules[uncond].action != rule->action)
				report_conflict(ctx, reported, uncond, r, DIFFERENT);
			if (uncond == SIZE_MAX)
				uncond = r;
			continue;
		}
		if (first[i] != SIZE_MAX)
			report_conflict(ctx, reported, g[first[i]].rule, r, how[i]);
	}
	if (uncond == SIZE_MAX)
		goto out;
	/* An unconditional rule decides the syscall: any other action for it contradicts it. */
	for (size_t i = 0; i < n; i++) {
		size_t r = g[i].rule;

		if (r != uncond && rules[r].action != rules[uncond].action)
			report_conflict(ctx, reported, uncond < r ? uncond : r,
					uncond < r ? r : uncond, false);
	}
out:
	/* said once, after the errors it explains (none: they were said on another arch) */
	if (why != SIZE_MAX && ctx->errors > errors) {
		const struct cbpf_policy_rule *r = &rules[why];

		if (err == -EEXIST)
			policy_diag(
				ctx, CBPF_SEV_NOTE, r->file, r->line, r->col, 0,
				"libseccomp refuses this rule for '%s' on %s (EEXIST) when runc "
				"adds the rules in file order, and runc the profile",
				r->syscall, cbpf_arch_name(arch));
		else if (err == -ELOOP)
			policy_diag(ctx, CBPF_SEV_NOTE, r->file, r->line, r->col, 0,
				    "libseccomp does not finish adding the rules for '%s' on %s "
				    "(2.5.4 loops for ever on some), and runc with it",
				    r->syscall, cbpf_arch_name(arch));
		else
			policy_diag(ctx, CBPF_SEV_NOTE, r->file, r->line, r->col, 0,
				    "cbpf cannot reproduce what libseccomp makes of the rules for "
				    "'%s' on %s",
				    r->syscall, cbpf_arch_name(arch));
	}
	free(first);
	free(how);
}

void policy_check_conflicts(struct policy_ctx *ctx)
{
	struct cbpf_policy *pol = ctx->pol;
	struct cbpf_policy_cond **sorted = calloc(pol->n_rules + 1, sizeof(*sorted));
	struct nr_rule *v = malloc((pol->n_rules + 1) * sizeof(*v));
	bool *reported = calloc(4 * (pol->n_rules + 1), sizeof(*reported));
	unsigned *gone = calloc(pol->n_rules + 1, sizeof(*gone));
	struct derived derived = { 0 };

	if (!sorted || !v || !reported || !gone)
		goto nomem;
	for (size_t r = 0; r < pol->n_rules; r++) {
		size_t n = pol->rules[r].n_conds;

		if (!n)
			continue;
		sorted[r] = malloc(n * sizeof(**sorted));
		if (!sorted[r])
			goto nomem;
		memcpy(sorted[r], pol->rules[r].conds, n * sizeof(**sorted));
		qsort(sorted[r], n, sizeof(**sorted), cond_cmp);
	}
	for (size_t a = 0; a < pol->n_arches; a++) {
		size_t n = arch_groups(pol, pol->arches[a], v);

		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && v[j].nr == v[i].nr; j++)
				;
			if (j - i > 1)
				check_group(ctx, pol->arches[a], &v[i], j - i, sorted, gone,
					    reported, &derived);
		}
	}
	for (size_t r = 0; r < pol->n_rules; r++)
		free(sorted[r]);
	free(sorted);
	sorted = NULL;
	runc_drop(pol, gone);
	/* in order: the first that holds decides (the rules it replaced are gone on arch) */
	for (size_t i = 0; i < derived.n && !ctx->err; i++) {
		const struct derived_rule *d = &derived.v[i];

		policy_add_rule(ctx, d->syscall, d->r.action, false, d->r.conds, d->r.n_conds,
				1U << d->arch, d->file, d->line, d->col);
	}
	goto out;
nomem:
	if (!ctx->err)
		ctx->err = -ENOMEM;
out:
	for (size_t r = 0; sorted && r < pol->n_rules; r++)
		free(sorted[r]);
	free(sorted);
	free(v);
	free(reported);
	free(gone);
	policy_lsc_layout_free(ctx->lsc_lay);
	ctx->lsc_lay = NULL;
	ctx->lsc_lay_done = false;
	for (size_t i = 0; i < derived.n; i++)
		free(derived.v[i].r.conds);
	free(derived.v);
}
