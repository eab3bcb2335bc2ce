// SPDX-License-Identifier: MIT
/* Policies: actions, the rule set shared by the front ends, its checks, and the entry points. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seccomp/policy_ir.h"
#include "util/infile.h"

/* ---------------------------------------------------------------- actions */

struct action_name {
	const char *name;
	uint32_t action;
	int data; /* 0: none; 1: optional number (errno defaults to EPERM, trace to 0) */
};

static const struct action_name action_names[] = {
	{ "allow", CBPF_SECCOMP_RET_ALLOW, 0 },
	{ "log", CBPF_SECCOMP_RET_LOG, 0 },
	{ "trap", CBPF_SECCOMP_RET_TRAP, 1 },
	{ "kill_process", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "kill_thread", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "kill", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "user_notif", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "user_notify", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "notify", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "errno", CBPF_SECCOMP_RET_ERRNO, 1 },
	{ "trace", CBPF_SECCOMP_RET_TRACE, 1 },
	/* libseccomp's names; SCMP_ACT_KILL is the thread (and Docker and runc keep it so). */
	{ "SCMP_ACT_ALLOW", CBPF_SECCOMP_RET_ALLOW, 0 },
	{ "SCMP_ACT_LOG", CBPF_SECCOMP_RET_LOG, 0 },
	{ "SCMP_ACT_TRAP", CBPF_SECCOMP_RET_TRAP, 0 },
	{ "SCMP_ACT_KILL_PROCESS", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "SCMP_ACT_KILL_THREAD", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_NOTIFY", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "SCMP_ACT_ERRNO", CBPF_SECCOMP_RET_ERRNO, 1 },
	{ "SCMP_ACT_TRACE", CBPF_SECCOMP_RET_TRACE, 1 },
};

/* A number (decimal, 0x hex, 0 octal) or an errno name, up to 0xffff. 0 or -EINVAL. */
static int parse_data(const char *s, size_t len, uint32_t *out)
{
	char buf[32];
	char *end;
	unsigned long long v;
	int err;

	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		v = strtoull(buf, &end, 0);
		if (errno || *end || v > 0xffff)
			return -EINVAL;
		*out = (uint32_t)v;
		return 0;
	}
	if (cbpf_errno_parse(buf, &err))
		return -EINVAL;
	*out = (uint32_t)err;
	return 0;
}

/* Compares a name with '-' and '_' equal, letters in any case. */
static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (tolower((unsigned char)x) != tolower((unsigned char)y))
			return false;
	}
	return i == alen && !b[i];
}

int cbpf_seccomp_action_parse(const char *text, uint32_t *out)
{
	const char *s = text, *open;
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	open = memchr(s, '(', len);
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		const struct action_name *an = &action_names[i];
		size_t nlen = open ? (size_t)(open - s) : len;
		uint32_t data = an->action == CBPF_SECCOMP_RET_ERRNO ? 1 : 0; /* EPERM */

		while (nlen && isspace((unsigned char)s[nlen - 1]))
			nlen--;
		if (!name_eq(s, nlen, an->name))
			continue;
		if (open) {
			if (!an->data || s[len - 1] != ')' ||
			    parse_data(open + 1, (size_t)(s + len - 1 - open - 1), &data))
				return -EINVAL;
		}
		*out = an->action | data;
		return 0;
	}
	return -EINVAL;
}

int cbpf_seccomp_action_format(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & CBPF_SECCOMP_RET_DATA;

	switch (action & CBPF_SECCOMP_RET_ACTION_FULL) {
	case CBPF_SECCOMP_RET_ERRNO:
		return snprintf(buf, size, "errno(%" PRIu32 ")", data);
	case CBPF_SECCOMP_RET_TRACE:
		return snprintf(buf, size, "trace(%" PRIu32 ")", data);
	case CBPF_SECCOMP_RET_TRAP:
		if (data)
			return snprintf(buf, size, "trap(%" PRIu32 ")", data);
		return snprintf(buf, size, "trap");
	case CBPF_SECCOMP_RET_ALLOW:
		if (!data)
			return snprintf(buf, size, "allow");
		break;
	case CBPF_SECCOMP_RET_LOG:
		if (!data)
			return snprintf(buf, size, "log");
		break;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
		if (!data)
			return snprintf(buf, size, "kill_process");
		break;
	case CBPF_SECCOMP_RET_KILL_THREAD:
		if (!data)
			return snprintf(buf, size, "kill_thread");
		break;
	case CBPF_SECCOMP_RET_USER_NOTIF:
		if (!data)
			return snprintf(buf, size, "user_notif");
		break;
	default:
		break;
	}
	return snprintf(buf, size, "0x%08" PRIx32, action);
}

/* ---------------------------------------------------------------- the rule set */

void policy_vdiag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		  unsigned col, unsigned len, const char *fmt, va_list ap)
{
	if (sev == CBPF_SEV_ERROR && ++ctx->errors > ctx->max_errors)
		return;
	if (diags_vadd(ctx->diags, sev, file, line, col, len, -1, fmt, ap) && !ctx->err)
		ctx->err = -ENOMEM;
}

void policy_diag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		 unsigned col, unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	policy_vdiag(ctx, sev, file, line, col, len, fmt, ap);
	va_end(ap);
}

const char *policy_strdup(struct policy_ctx *ctx, const char *s, size_t len)
{
	struct cbpf_policy *pol = ctx->pol;
	char *copy;

	if (pol->n_strings == pol->cap_strings) {
		size_t cap = pol->cap_strings ? 2 * pol->cap_strings : 32;
		char **v = realloc(pol->strings, cap * sizeof(*v));

		if (!v)
			goto nomem;
		pol->strings = v;
		pol->cap_strings = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		goto nomem;
	memcpy(copy, s, len);
	copy[len] = '\0';
	pol->strings[pol->n_strings++] = copy;
	return copy;
nomem:
	if (!ctx->err)
		ctx->err = -ENOMEM;
	return NULL;
}

int policy_add_rule(struct policy_ctx *ctx, const char *syscall, uint32_t action, bool fallback,
		    const struct cbpf_policy_cond *conds, size_t n_conds, unsigned arch_mask,
		    const char *file, unsigned line, unsigned col)
{
	struct cbpf_policy *pol = ctx->pol;
	struct cbpf_policy_cond *copy = NULL;

	if (pol->n_rules == pol->cap_rules) {
		size_t cap = pol->cap_rules ? 2 * pol->cap_rules : 64;
		struct cbpf_policy_rule *v = realloc(pol->rules, cap * sizeof(*v));
		struct cbpf_policy_cond **c;

		if (!v)
			goto nomem;
		pol->rules = v;
		c = realloc(pol->conds, cap * sizeof(*c));
		if (!c)
			goto nomem;
		pol->conds = c;
		pol->cap_rules = cap;
	}
	if (n_conds) {
		copy = malloc(n_conds * sizeof(*copy));
		if (!copy)
			goto nomem;
		memcpy(copy, conds, n_conds * sizeof(*copy));
	}
	pol->conds[pol->n_rules] = copy;
	pol->rules[pol->n_rules++] = (struct cbpf_policy_rule){
		.syscall = syscall,
		.action = action,
		.fallback = fallback,
		.n_conds = n_conds,
		.conds = copy,
		.arch_mask = arch_mask,
		.file = file,
		.line = line,
		.col = col,
	};
	return 0;
nomem:
	if (!ctx->err)
		ctx->err = -ENOMEM;
	return -ENOMEM;
}

void policy_add_arch(struct cbpf_policy *pol, enum cbpf_arch arch)
{
	for (size_t i = 0; i < pol->n_arches; i++)
		if (pol->arches[i] == arch)
			return;
	if (pol->n_arches < CBPF_ARCH_COUNT)
		pol->arches[pol->n_arches++] = arch;
}

bool policy_rule_nr(const struct cbpf_policy_rule *rule, enum cbpf_arch arch, uint32_t *nr)
{
	if (rule->arch_mask && !(rule->arch_mask & (1U << arch)))
		return false;
	return cbpf_syscall_nr(arch, rule->syscall, nr) == 0;
}

bool policy_arch_32bit(enum cbpf_arch arch)
{
	/* libseccomp's arch tables: x32 is ARCH_SIZE_32, its arguments compared as 32 bits. */
	return arch == CBPF_ARCH_I386 || arch == CBPF_ARCH_ARM || arch == CBPF_ARCH_X32;
}

/* ---------------------------------------------------------------- contradictions */

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

static const char *rule_desc(const struct cbpf_policy_rule *r)
{
	return r->fallback ? "when no condition matches" :
	       r->n_conds  ? "with conditions" :
			     "unconditionally";
}

/*
 * Whether some argument values satisfy the conditions of two rules at once. libseccomp gives such
 * a call the action of whichever rule its argument tree happens to test first (the tree orders
 * nodes by argument, then operator, then value, and what a later rule adds depends on the order
 * the rules were added: src/db.c _db_tree_add); runc adds them in file order. The result is not
 * something a policy should depend on, so an overlap between different actions is an error.
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
		/* x takes lo's bits above i and 1 at i where lo has 0: a candidate, the lowest wins */
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
	uint64_t width = policy_arch_32bit(arch) ? UINT32_MAX : UINT64_MAX;
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
	    ctx->pol->rules[second - 1].col == b->col && ctx->pol->rules[second - 1].file == b->file)
		return;
	cbpf_seccomp_action_format(a->action, act_a, sizeof(act_a));
	cbpf_seccomp_action_format(b->action, act_b, sizeof(act_b));
	if (how == OVERLAP)
		policy_diag(ctx, CBPF_SEV_ERROR, b->file, b->line, b->col, 0,
			    "contradicting rules for '%s': %s here and %s in another rule, and a call "
			    "can meet the conditions of both",
			    b->syscall, act_b, act_a);
	else if (how == SAME_CONDS)
		policy_diag(ctx, CBPF_SEV_ERROR, b->file, b->line, b->col, 0,
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
	uint64_t width = policy_arch_32bit(arch) ? UINT32_MAX : UINT64_MAX;
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
		v[m] = (struct cand){ .at = i, .action = rule->action, .conds = sorted[g[i].rule],
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

		for (j = i + 1; j < m && !conds_equal(v[i].conds, v[i].n_conds, v[j].conds,
						      v[j].n_conds); j++)
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

static void check_group(struct policy_ctx *ctx, enum cbpf_arch arch, const struct nr_rule *g,
			size_t n, struct cbpf_policy_cond **sorted, bool *reported)
{
	const struct cbpf_policy_rule *rules = ctx->pol->rules;
	size_t uncond = SIZE_MAX, fallback = SIZE_MAX;
	size_t *first = malloc(n * sizeof(*first));
	enum conflict *how = malloc(n * sizeof(*how));

	if (!first || !how || !group_conflicts(ctx, arch, g, n, sorted, first, how)) {
		if (!ctx->err)
			ctx->err = -ENOMEM;
		goto out;
	}
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
			report_conflict(ctx, reported, uncond < r ? uncond : r, uncond < r ? r : uncond,
					false);
	}
out:
	free(first);
	free(how);
}

void policy_check_conflicts(struct policy_ctx *ctx)
{
	struct cbpf_policy *pol = ctx->pol;
	struct cbpf_policy_cond **sorted = calloc(pol->n_rules + 1, sizeof(*sorted));
	struct nr_rule *v = malloc((pol->n_rules + 1) * sizeof(*v));
	bool *reported = calloc(pol->n_rules + 1, sizeof(*reported));

	if (!sorted || !v || !reported)
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
		size_t n = 0;

		for (size_t r = 0; r < pol->n_rules; r++) {
			uint32_t nr;

			if (policy_rule_nr(&pol->rules[r], pol->arches[a], &nr))
				v[n++] = (struct nr_rule){ nr, r };
		}
		qsort(v, n, sizeof(*v), nr_rule_cmp);
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && v[j].nr == v[i].nr; j++)
				;
			if (j - i > 1)
				check_group(ctx, pol->arches[a], &v[i], j - i, sorted, reported);
		}
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
}

/* ---------------------------------------------------------------- 32-bit arguments */

/*
 * Whether comparing a 32-bit argument with c's constants cut to 32 bits (what the filter does on
 * i386, arm and x32, as libseccomp does) means something else than comparing it with c's own:
 * some argument value gets another outcome. A constant that is a negative 32-bit number
 * sign-extended (-1, 0xfffffffffffff000) is that number in 32-bit arithmetic, not a change. The
 * high bits of a mask never matter: a 32-bit argument has none (so minijail's & and in keep
 * their meaning).
 */
static bool truncation_changes(const struct cbpf_policy_cond *c)
{
	uint32_t hi = (uint32_t)(c->value >> 32), v = (uint32_t)c->value, m = (uint32_t)c->mask;

	if (!hi || (hi == UINT32_MAX && (v & 0x80000000U)))
		return false;
	switch (c->op) {
	case CBPF_CMP_LE: /* always true before, and after only with 0xffffffff */
	case CBPF_CMP_GT:
		return v != UINT32_MAX;
	case CBPF_CMP_MASKED_EQ: /* never true before; after, unless a bit outside the mask */
	case CBPF_CMP_MASKED_NE:
		return !(v & ~m);
	default: /* == and != never and always true before, < and >= always and never */
		return true;
	}
}

static void cond_format(const struct cbpf_policy_cond *c, uint64_t value, uint64_t mask,
			char *buf, size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=", "==", "!=" };

	if (c->op == CBPF_CMP_MASKED_EQ || c->op == CBPF_CMP_MASKED_NE)
		snprintf(buf, size, "(arg%u & %#" PRIx64 ") %s %#" PRIx64, c->arg, mask,
			 ops[c->op], value);
	else
		snprintf(buf, size, "arg%u %s %#" PRIx64, c->arg, ops[c->op], value);
}

/*
 * Warns, at the rule, where a condition means something else on the filter's 32-bit ABIs than
 * its constant says: the filter keeps libseccomp's reading (the low 32 bits), so that a profile
 * means under cbpf what it means under runc, but the policy's author should know
 * (personality: arg0 == 0x100000000 is arg0 == 0 there, and allows personality(0)).
 */
void policy_check_truncation(struct policy_ctx *ctx)
{
	const struct cbpf_policy *pol = ctx->pol;
	char last[512] = "", msg[512];
	const struct cbpf_policy_rule *prev = NULL;

	for (size_t r = 0; r < pol->n_rules; r++) {
		const struct cbpf_policy_rule *rule = &pol->rules[r];

		for (size_t c = 0; c < rule->n_conds; c++) {
			const struct cbpf_policy_cond *cond = &rule->conds[c];
			uint32_t v = (uint32_t)cond->value, m = (uint32_t)cond->mask;
			char arches[64] = "", was[96], now[96];
			const char *always = "";
			size_t len = 0;
			uint32_t nr;

			if (!truncation_changes(cond))
				continue;
			for (size_t a = 0; a < pol->n_arches; a++)
				if (policy_arch_32bit(pol->arches[a]) &&
				    policy_rule_nr(rule, pol->arches[a], &nr))
					len += (size_t)snprintf(arches + len, sizeof(arches) - len,
								"%s%s", len ? ", " : "",
								cbpf_arch_name(pol->arches[a]));
			if (!len)
				continue;
			if ((cond->op == CBPF_CMP_LT && !v) ||
			    (cond->op == CBPF_CMP_MASKED_NE && !m))
				always = ", which never holds";
			else if ((cond->op == CBPF_CMP_GE && !v) ||
				 (cond->op == CBPF_CMP_MASKED_EQ && !m))
				always = ", which always holds";
			cond_format(cond, cond->value, cond->mask, was, sizeof(was));
			cond_format(cond, v, m, now, sizeof(now));
			snprintf(msg, sizeof(msg),
				 "%s is %s on %s%s: arguments are 32 bits there, and constants are "
				 "cut to 32 bits as libseccomp does",
				 was, now, arches, always);
			/* one entry of a profile naming many syscalls: one warning */
			if (prev && prev->file == rule->file && prev->line == rule->line &&
			    prev->col == rule->col && !strcmp(last, msg))
				continue;
			policy_diag(ctx, CBPF_SEV_WARNING, rule->file, rule->line, rule->col, 0,
				    "%s", msg);
			prev = rule;
			snprintf(last, sizeof(last), "%s", msg);
		}
	}
}

/* ---------------------------------------------------------------- entry points */

void cbpf_policy_free(struct cbpf_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n_rules; i++)
		free(pol->conds[i]);
	for (size_t i = 0; i < pol->n_strings; i++)
		free(pol->strings[i]);
	free(pol->conds);
	free(pol->rules);
	free(pol->strings);
	free(pol);
}

static enum cbpf_policy_lang detect_lang(const char *src, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && isspace((unsigned char)src[i]))
		i++;
	/* any JSON value that is a container: a JSON-level error beats a text one ('[' is no
	 * minijail statement either) */
	return i < len && (src[i] == '{' || src[i] == '[') ? CBPF_POLICY_JSON : CBPF_POLICY_TEXT;
}

int cbpf_policy_parse(const char *src, size_t len, const struct cbpf_policy_opts *opts,
		      struct cbpf_policy **out, struct cbpf_diags *diags)
{
	static const struct cbpf_policy_opts defaults;
	struct policy_ctx ctx = { 0 };
	enum cbpf_policy_lang lang;
	size_t host_at;

	if (!opts)
		opts = &defaults;
	ctx.opts = opts;
	ctx.diags = diags;
	ctx.max_errors = opts->max_errors ? opts->max_errors : 20;
	ctx.host = opts->host ? opts->host : cbpf_arch_native();
	if (!cbpf_arch_name(ctx.host))
		ctx.host = CBPF_ARCH_X86_64;
	/*
	 * A filter for other architectures than this machine's (--arch aarch64,arm on x86_64) is
	 * for a machine of the first of them: a profile's archMap and "arches" are decided for that
	 * machine, as Docker would decide them there.
	 */
	if (!opts->host && opts->n_arches && cbpf_arch_name(opts->arches[0])) {
		bool native = false;

		for (size_t i = 0; i < opts->n_arches; i++)
			native |= opts->arches[i] == ctx.host;
		if (!native)
			ctx.host = opts->arches[0];
	}
	ctx.pol = calloc(1, sizeof(*ctx.pol));
	if (!ctx.pol)
		return -ENOMEM;
	ctx.pol->default_action = CBPF_SECCOMP_RET_KILL_PROCESS;
	ctx.pol->badarch_action =
		opts->has_badarch_action ? opts->badarch_action : CBPF_SECCOMP_RET_KILL_THREAD;
	for (size_t i = 0; i < opts->n_arches; i++) {
		if (!cbpf_arch_name(opts->arches[i])) {
			policy_diag(&ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "bad architecture number %d", (int)opts->arches[i]);
			continue;
		}
		policy_add_arch(ctx.pol, opts->arches[i]);
		ctx.have_arches = true;
	}
	lang = opts->lang ? opts->lang : detect_lang(src, len);
	if (lang == CBPF_POLICY_JSON)
		policy_json_parse(&ctx, src, len, opts->file);
	else
		policy_text_parse(&ctx, src, len, opts->file);
	if (!ctx.pol->n_arches)
		policy_add_arch(ctx.pol, ctx.host);
	/* The host's architecture is checked first: its syscalls pay for one comparison. */
	for (host_at = 0; host_at < ctx.pol->n_arches; host_at++)
		if (ctx.pol->arches[host_at] == ctx.host)
			break;
	if (host_at < ctx.pol->n_arches && host_at > 0) {
		enum cbpf_arch h = ctx.pol->arches[host_at];

		memmove(&ctx.pol->arches[1], &ctx.pol->arches[0], host_at * sizeof(h));
		ctx.pol->arches[0] = h;
	}
	if (opts->has_default_action)
		ctx.pol->default_action = opts->default_action;
	/* An empty file (or one with only comments) would kill every syscall: say so. */
	if (!ctx.errors && !ctx.err && !ctx.pol->n_rules && !ctx.have_default &&
	    !opts->has_default_action)
		policy_diag(&ctx, CBPF_SEV_ERROR, opts->file, 0, 0, 0,
			    "no rules and no default action: the filter would kill every syscall "
			    "(write @default to mean that)");
	if (!ctx.errors && !ctx.err)
		policy_check_conflicts(&ctx);
	if (!ctx.errors && !ctx.err)
		policy_check_truncation(&ctx);
	if (ctx.errors || ctx.err) {
		cbpf_policy_free(ctx.pol);
		return ctx.err ? ctx.err : -EINVAL;
	}
	*out = ctx.pol;
	return 0;
}

int cbpf_policy_parse_file(const char *path, const struct cbpf_policy_opts *opts,
			   struct cbpf_policy **out, struct cbpf_diags *diags)
{
	struct cbpf_policy_opts o = opts ? *opts : (struct cbpf_policy_opts){ 0 };
	char *buf, why[64];
	size_t len;
	int err = cbpf_infile_read(path, o.max_file_size, &buf, &len);

	if (err) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, path, 0, 0, 0, -1, "cannot read: %s",
			       cbpf_infile_why(err, o.max_file_size, why, sizeof(why)));
		/* The closed set of common.h: the reader's own errno is in the message. */
		return err == -ENOENT || err == -ENOMEM ? err : err == -EFBIG ? -E2BIG : -EIO;
	}
	if (!o.file)
		o.file = path;
	err = cbpf_policy_parse(buf, len, &o, out, diags);
	free(buf);
	return err;
}

int cbpf_policy_compile(const char *src, size_t len, const struct cbpf_policy_opts *opts,
			struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_policy *pol;
	int err = cbpf_policy_parse(src, len, opts, &pol, diags);

	if (err)
		return err;
	err = cbpf_policy_gen(pol, opts, out, diags);
	cbpf_policy_free(pol);
	return err;
}

int cbpf_policy_compile_file(const char *path, const struct cbpf_policy_opts *opts,
			     struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_policy *pol;
	int err = cbpf_policy_parse_file(path, opts, &pol, diags);

	if (err)
		return err;
	err = cbpf_policy_gen(pol, opts, out, diags);
	cbpf_policy_free(pol);
	return err;
}

size_t cbpf_policy_arches(const struct cbpf_policy *pol, const enum cbpf_arch **arches)
{
	*arches = pol->arches;
	return pol->n_arches;
}

uint32_t cbpf_policy_default_action(const struct cbpf_policy *pol)
{
	return pol->default_action;
}

uint32_t cbpf_policy_badarch_action(const struct cbpf_policy *pol)
{
	return pol->badarch_action;
}

unsigned cbpf_policy_flags(const struct cbpf_policy *pol)
{
	return pol->flags;
}

size_t cbpf_policy_rules(const struct cbpf_policy *pol, const struct cbpf_policy_rule **rules)
{
	*rules = pol->rules;
	return pol->n_rules;
}
