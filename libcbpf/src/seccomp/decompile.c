// SPDX-License-Identifier: MIT
/* cbpf_seccomp_decompile: a seccomp filter written back as a minijail or OCI policy. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/symex.h"
#include "seccomp/systab.h"

#define MAX_TERMS 256 /* disjuncts one row may expand into */

/* One comparison: (arg & mask) op value over 64 bits (32 on 32-bit ABIs). */
struct cmp {
	int arg;
	enum cbpf_cmp op;
	uint64_t mask, value;
};

/* A conjunction of comparisons. */
struct term {
	struct cmp c[24];
	size_t n;
};

struct alts;

struct dc {
	struct alts *alt, *bits, *terms; /* scratch, allocated once */
	FILE *out;
	enum cbpf_policy_lang lang;
	struct cbpf_diags *diags;
	int err;
	/* The statements written, for [arch=...] grouping: name, text, arches. */
	struct stmt {
		char *name, *text;
		unsigned arches;
	} * st;
	size_t nst;
};

static int refuse(struct dc *d, const char *fmt, ...) CBPF_PRINTF(2, 3);
static int refuse(struct dc *d, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!d->err)
		cbpf_diags_add(d->diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "%s", msg);
	d->err = -EINVAL;
	return -EINVAL;
}

/* A range lo..hi of values up to max as comparisons appended to t. */
static void range_cmps(struct term *t, int arg, uint64_t lo, uint64_t hi, uint64_t max)
{
	if (lo == hi) {
		t->c[t->n++] = (struct cmp){ arg, CBPF_CMP_EQ, ~0ULL, lo };
		return;
	}
	/* > 0x...ffffffff rather than >= 0x...00000000: cut to 32 bits it never holds, where
	 * '>= 0' would always hold (the high half of a range on a 32-bit ABI). */
	if (lo > 0 && (uint32_t)(lo - 1) == UINT32_MAX)
		t->c[t->n++] = (struct cmp){ arg, CBPF_CMP_GT, ~0ULL, lo - 1 };
	else if (lo > 0)
		t->c[t->n++] = (struct cmp){ arg, CBPF_CMP_GE, ~0ULL, lo };
	if (hi < max)
		t->c[t->n++] = (struct cmp){ arg, CBPF_CMP_LE, ~0ULL, hi };
}

/*
 * A range lo..hi as aligned blocks, each one masked equality: an OCI profile cannot bound an
 * argument on both sides in one rule (runc adds conditions on one argument as rules of their
 * own, which cbpf follows), and a block needs one condition. At most 2 * 64 blocks.
 */
static size_t range_blocks(uint64_t lo, uint64_t hi, uint64_t max, uint64_t *mask, uint64_t *val)
{
	size_t n = 0;

	for (;;) {
		int k = 0;

		while (k < 64 && !(lo & ((uint64_t)1 << k)) && k + 1 <= 64) {
			uint64_t size = k + 1 == 64 ? 0 : (uint64_t)1 << (k + 1);

			if (size == 0 || lo + size - 1 > hi || lo + size - 1 < lo)
				break;
			k++;
		}
		mask[n] = max & ~(((uint64_t)1 << k) - 1);
		val[n++] = lo;
		if (lo + (((uint64_t)1 << k) - 1) >= hi)
			break;
		lo += (uint64_t)1 << k;
	}
	return n;
}

/* The alternatives (ranges) for one argument: each a few comparisons. */
struct alts {
	struct term t[MAX_TERMS];
	size_t n;
};

static int add_range(struct dc *d, struct alts *a, int arg, uint64_t lo, uint64_t hi, uint64_t max,
		     const char *sys)
{
	uint64_t mask[130], val[130];
	size_t n;

	if (d->lang == CBPF_POLICY_TEXT || lo == hi || lo == 0 || hi == max) {
		if (a->n == MAX_TERMS)
			return refuse(d, "%s: arg%d takes too many ranges", sys, arg);
		a->t[a->n].n = 0;
		range_cmps(&a->t[a->n], arg, lo, hi, max);
		a->n++;
		return 0;
	}
	n = range_blocks(lo, hi, max, mask, val);
	if (a->n + n > MAX_TERMS)
		return refuse(d, "%s: arg%d takes too many ranges", sys, arg);
	for (size_t i = 0; i < n; i++) {
		a->t[a->n].n = 1;
		a->t[a->n].c[0] = (struct cmp){ arg, CBPF_CMP_MASKED_EQ, mask[i], val[i] };
		a->n++;
	}
	return 0;
}

static int arg_alts(struct dc *d, const struct sx_path *p, int arg, bool is64, bool le,
		    const char *sys, struct alts *a)
{
	const struct iset *lo = &p->w[4 + 2 * arg + !le], *hi = &p->w[4 + 2 * arg + le];
	uint64_t max = is64 ? UINT64_MAX : UINT32_MAX;

	a->n = 0;
	if (!is64 && !iset_is_full(hi))
		return refuse(d, "%s: the high half of arg%d is tested on a 32-bit architecture",
			      sys, arg);
	if (is64 && !iset_is_full(lo) && !(hi->n == 1 && hi->v[0] == hi->v[1]))
		return refuse(d,
			      "%s: arg%d's low half is tested with its high half free: no "
			      "policy comparison says that",
			      sys, arg);
	if (iset_is_full(lo) && (!is64 || iset_is_full(hi))) {
		a->t[a->n++].n = 0;
		return 0;
	}
	/* One excluded value: '!='. */
	if (!is64 && lo->n == 2 && lo->v[0] == 0 && lo->v[3] == UINT32_MAX &&
	    lo->v[2] == lo->v[1] + 2) {
		a->t[0].n = 0;
		a->t[0].c[a->t[0].n++] =
			(struct cmp){ arg, CBPF_CMP_NE, ~0ULL, (uint64_t)lo->v[1] + 1 };
		a->n = 1;
		return 0;
	}
	if (is64 && iset_is_full(lo)) {
		for (size_t r = 0; r < hi->n; r++)
			if (add_range(d, a, arg, (uint64_t)hi->v[2 * r] << 32,
				      (uint64_t)hi->v[2 * r + 1] << 32 | UINT32_MAX, max, sys))
				return d->err;
		return 0;
	}
	uint64_t base = is64 ? (uint64_t)hi->v[0] << 32 : 0;

	for (size_t r = 0; r < lo->n; r++)
		if (add_range(d, a, arg, base | lo->v[2 * r], base | lo->v[2 * r + 1], max, sys))
			return d->err;
	return 0;
}

/* A field's ranges as alternatives. */
static int rset_alts(struct dc *d, const struct rset *s, int arg, const char *sys, struct alts *a)
{
	a->n = 0;
	if (rset_is_full(s)) {
		a->t[a->n++].n = 0;
		return 0;
	}
	/* One excluded value: '!='. */
	if (s->n == 2 && s->v[0] == 0 && s->v[3] == UINT64_MAX && s->v[2] == s->v[1] + 2) {
		a->t[0].n = 1;
		a->t[0].c[0] = (struct cmp){ arg, CBPF_CMP_NE, ~0ULL, s->v[1] + 1 };
		a->n = 1;
		return 0;
	}
	for (size_t r = 0; r < s->n; r++)
		if (add_range(d, a, arg, s->v[2 * r], s->v[2 * r + 1], UINT64_MAX, sys))
			return d->err;
	return 0;
}

/* A row's conditions as disjunctive terms. */
static int path_terms(struct dc *d, const struct sx_row *row, bool is64, bool le, const char *sys,
		      struct alts *out)
{
	struct alts *ap = d->alt, *bp = d->bits; /* large: allocated once, used one at a time */
	struct term one = { .n = 0 };
	const struct sx_path *p = row->p;
	size_t nbits = 0;

	if (p->no)
		return refuse(d,
			      "%s: a test of a computed value (insn %" PRIu32 ") has no policy "
			      "comparison",
			      sys, p->o[0].pc);
	out->n = 1;
	out->t[0].n = 0;
	for (size_t i = 0; i < p->nm; i++) {
		const struct mcon *c = &p->m[i];
		int arg = (c->word - 4) / 2;
		bool high = le ? (c->word & 1) : !(c->word & 1);
		uint64_t mask = high ? (uint64_t)c->mask << 32 : c->mask;

		if (c->word < 4)
			return refuse(d, "%s: a test of the instruction pointer", sys);
		if (high && !is64)
			return refuse(d,
				      "%s: the high half of arg%d is tested on a 32-bit "
				      "architecture",
				      sys, arg);
		if (c->set.n == 1 && c->set.v[0] == c->set.v[1])
			one.c[one.n++] =
				(struct cmp){ arg, CBPF_CMP_MASKED_EQ, mask,
					      high ? (uint64_t)c->set.v[0] << 32 : c->set.v[0] };
		else if (c->set.n == 1 && c->set.v[0] == 1 && c->set.v[1] == c->mask &&
			 d->lang == CBPF_POLICY_JSON && !(mask & (mask - 1)))
			/* One bit set: (arg & bit) == bit. */
			one.c[one.n++] = (struct cmp){ arg, CBPF_CMP_MASKED_EQ, mask, mask };
		else if (c->set.n == 1 && c->set.v[0] == 1 && c->set.v[1] == c->mask &&
			 d->lang == CBPF_POLICY_JSON) {
			/* Some bit of the mask set: one alternative per bit, (arg & b) == b. */
			if (nbits)
				return refuse(d, "%s: two tests of 'some bit set' in one condition",
					      sys);
			for (int b = 0; b < 64; b++)
				if (mask >> b & 1) {
					bp->t[nbits].n = 1;
					bp->t[nbits++].c[0] =
						(struct cmp){ arg, CBPF_CMP_MASKED_EQ,
							      (uint64_t)1 << b, (uint64_t)1 << b };
				}
			bp->n = nbits;
		} else if (c->set.n == 1 && c->set.v[0] == 1 && c->set.v[1] == c->mask)
			one.c[one.n++] = (struct cmp){ arg, CBPF_CMP_MASKED_NE, mask, 0 };
		else
			return refuse(d, "%s: arg%d & 0x%" PRIx64 " is compared with a range", sys,
				      arg, mask);
		if (one.n >= 12)
			return refuse(d, "%s: too many comparisons", sys);
	}
	out->t[0] = one;
	if (row->plain && !rset_is_full(&row->f[0]))
		return refuse(d, "%s: a test of the instruction pointer", sys);
	for (int arg = 0; arg < 6; arg++) {
		size_t n0 = out->n;

		if (row->plain ? rset_alts(d, &row->f[1 + arg], arg, sys, ap)
			       : arg_alts(d, p, arg, is64, le, sys, ap))
			return d->err;
		if (ap->n == 1 && !ap->t[0].n)
			continue;
		if (n0 * ap->n > MAX_TERMS)
			return refuse(d, "%s: its conditions take more than %d alternatives", sys,
				      MAX_TERMS);
		/* The product: every earlier term with every alternative. */
		for (size_t i = n0; i-- > 0;) {
			struct term base = out->t[i];

			for (size_t j = 0; j < ap->n; j++) {
				struct term *t = &out->t[i * ap->n + j];

				*t = base;
				if (t->n + ap->t[j].n > 24)
					return refuse(d, "%s: too many comparisons", sys);
				memcpy(&t->c[t->n], ap->t[j].c, ap->t[j].n * sizeof(ap->t[j].c[0]));
				t->n += ap->t[j].n;
			}
		}
		out->n = n0 * ap->n;
	}
	if (nbits) {
		size_t n0 = out->n;

		if (n0 * nbits > MAX_TERMS)
			return refuse(d, "%s: its conditions take more than %d alternatives", sys,
				      MAX_TERMS);
		for (size_t i = n0; i-- > 0;) {
			struct term base = out->t[i];

			for (size_t j = 0; j < nbits; j++) {
				struct term *t = &out->t[i * nbits + j];

				*t = base;
				if (t->n + 1 > 24)
					return refuse(d, "%s: too many comparisons", sys);
				t->c[t->n++] = bp->t[j].c[0];
			}
		}
		out->n = n0 * nbits;
	}
	return 0;
}

/*
 * An OCI rule takes one condition per argument (runc adds several on one argument as rules of
 * their own): masked equalities on one argument become one, and equalities are masked ones
 * with a full mask. Returns false when a term still has two on one argument.
 */
static bool one_per_arg(struct term *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = i + 1; j < t->n;) {
			struct cmp *a = &t->c[i], *b = &t->c[j];
			uint64_t ma = a->op == CBPF_CMP_EQ ? ~0ULL : a->mask;
			uint64_t mb = b->op == CBPF_CMP_EQ ? ~0ULL : b->mask;

			if (a->arg != b->arg) {
				j++;
				continue;
			}
			if ((a->op != CBPF_CMP_MASKED_EQ && a->op != CBPF_CMP_EQ) ||
			    (b->op != CBPF_CMP_MASKED_EQ && b->op != CBPF_CMP_EQ) ||
			    ((a->value ^ b->value) & ma & mb))
				return false;
			a->value = (a->value & ma) | (b->value & mb);
			a->mask = ma | mb;
			a->op = a->mask == ~0ULL ? CBPF_CMP_EQ : CBPF_CMP_MASKED_EQ;
			memmove(b, b + 1, (t->n - j - 1) * sizeof(*b));
			t->n--;
		}
	return true;
}

static const char *op_text(enum cbpf_cmp op)
{
	static const char *const t[] = { "==", "!=", "<", "<=", ">", ">=", "&", "&" };

	return t[op];
}

static const char *op_json(enum cbpf_cmp op)
{
	static const char *const t[] = { "SCMP_CMP_EQ",	       "SCMP_CMP_NE",	    "SCMP_CMP_LT",
					 "SCMP_CMP_LE",	       "SCMP_CMP_GT",	    "SCMP_CMP_GE",
					 "SCMP_CMP_MASKED_EQ", "SCMP_CMP_MASKED_EQ" };

	return t[op];
}

/* A minijail action word. */
static int mj_action(struct dc *d, uint32_t action, char *buf, size_t size)
{
	uint32_t n = sx_action_norm(action), data = action & CBPF_SECCOMP_RET_DATA;
	const char *e;

	switch (n & CBPF_SECCOMP_RET_ACTION_FULL) {
	case CBPF_SECCOMP_RET_ALLOW:
		snprintf(buf, size, "allow");
		return 0;
	case CBPF_SECCOMP_RET_LOG:
		snprintf(buf, size, "log");
		return 0;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "kill-process");
		return 0;
	case CBPF_SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "kill-thread");
		return 0;
	case CBPF_SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "user-notify");
		return 0;
	case CBPF_SECCOMP_RET_TRAP:
		if (!data) {
			snprintf(buf, size, "trap");
			return 0;
		}
		break;
	case CBPF_SECCOMP_RET_TRACE:
		if (!data) {
			snprintf(buf, size, "trace");
			return 0;
		}
		break;
	case CBPF_SECCOMP_RET_ERRNO:
		e = cbpf_errno_name((int)data);
		if (e)
			snprintf(buf, size, "return %s", e);
		else
			snprintf(buf, size, "return %" PRIu32, data);
		return 0;
	}
	return refuse(d, "the action 0x%08" PRIx32 " has no word in minijail's language", action);
}

/* An OCI action and its errnoRet. */
static void oci_action(uint32_t action, char *buf, size_t size)
{
	uint32_t n = sx_action_norm(action), data = action & CBPF_SECCOMP_RET_DATA;

	switch (n & CBPF_SECCOMP_RET_ACTION_FULL) {
	case CBPF_SECCOMP_RET_ALLOW:
		snprintf(buf, size, "\"SCMP_ACT_ALLOW\"");
		break;
	case CBPF_SECCOMP_RET_LOG:
		snprintf(buf, size, "\"SCMP_ACT_LOG\"");
		break;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "\"SCMP_ACT_KILL_PROCESS\"");
		break;
	case CBPF_SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "\"SCMP_ACT_KILL_THREAD\"");
		break;
	case CBPF_SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "\"SCMP_ACT_NOTIFY\"");
		break;
	case CBPF_SECCOMP_RET_TRAP:
		snprintf(buf, size, "\"SCMP_ACT_TRAP\"");
		break;
	case CBPF_SECCOMP_RET_TRACE:
		snprintf(buf, size, "\"SCMP_ACT_TRACE\", \"errnoRet\": %" PRIu32, data);
		break;
	default:
		snprintf(buf, size, "\"SCMP_ACT_ERRNO\", \"errnoRet\": %" PRIu32, data);
	}
}

/* Appends text for (name, arch) to the statements: the same text on several arches is one. */
static int add_stmt(struct dc *d, const char *name, const char *text, enum cbpf_arch arch)
{
	for (size_t i = 0; i < d->nst; i++)
		if (!strcmp(d->st[i].name, name) && !strcmp(d->st[i].text, text)) {
			d->st[i].arches |= 1U << arch;
			return 0;
		}
	struct stmt *s = realloc(d->st, (d->nst + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	d->st = s;
	s = &d->st[d->nst];
	s->name = strdup(name);
	s->text = strdup(text);
	s->arches = 1U << arch;
	if (!s->name || !s->text) {
		free(s->name);
		free(s->text);
		return -ENOMEM;
	}
	d->nst++;
	return 0;
}

static void print_cmp(FILE *f, const struct cmp *c, bool json)
{
	if (json) {
		fprintf(f, "{ \"index\": %d, \"value\": %" PRIu64 ", %s\"op\": \"%s\" }", c->arg,
			c->op == CBPF_CMP_MASKED_EQ ? c->mask : c->value,
			c->op == CBPF_CMP_MASKED_EQ ? "" : "", op_json(c->op));
		return;
	}
	if (c->op == CBPF_CMP_MASKED_NE) {
		fprintf(f, "arg%d & 0x%" PRIx64, c->arg, c->mask);
	} else if (c->op == CBPF_CMP_MASKED_EQ) {
		/* (arg & m) == v: the bits of v set, the other bits of m clear. */
		const char *sep = "";

		for (int b = 0; b < 64; b++)
			if (c->value >> b & 1) {
				fprintf(f, "%sarg%d & 0x%" PRIx64, sep, c->arg, (uint64_t)1 << b);
				sep = " && ";
			}
		if (c->mask & ~c->value)
			fprintf(f, "%sarg%d in 0x%" PRIx64, sep, c->arg, ~(c->mask & ~c->value));
	} else {
		fprintf(f, "arg%d %s 0x%" PRIx64, c->arg, op_text(c->op), c->value);
	}
}

/* One syscall's behaviour on one architecture as a statement; nothing when it is the default. */
static int statement(struct dc *d, const struct cbpf_seccomp_model *m, const size_t *idx, size_t n,
		     const char *name, enum cbpf_arch arch, bool is64, bool le, uint32_t dflt)
{
	struct alts *tp = d->terms;
	char *text = NULL, act[64];
	size_t len = 0;
	FILE *f;
	uint32_t fallback = dflt;
	bool any = false;
	int err = 0;

	struct sx_row *rw = NULL;
	size_t nrw = 0;

	if (n == 1 && !sx_has_conds(&m->paths[idx[0]]) &&
	    sx_action_norm(m->paths[idx[0]].action) == sx_action_norm(dflt))
		return 0;
	err = sx_rows(m, idx, n, is64, le, &rw, &nrw);
	if (err)
		return err;
	f = open_memstream(&text, &len);
	if (!f) {
		sx_rows_free(rw, nrw);
		return -ENOMEM;
	}
	if (d->lang == CBPF_POLICY_TEXT) {
		/* "expr" allows; "; action" is what applies when it does not hold. */
		const char *sep = "";

		for (size_t i = 0; i < n; i++) {
			uint32_t a = sx_action_norm(m->paths[idx[i]].action);

			if (a == CBPF_SECCOMP_RET_ALLOW &&
			    (n > 1 || sx_has_conds(&m->paths[idx[i]])))
				continue;
			if (fallback != dflt && sx_action_norm(fallback) != a) {
				err = refuse(
					d,
					"%s on %s gets three actions or more, which minijail's "
					"language cannot say (--to oci can)",
					name, cbpf_arch_name(arch));
				goto out;
			}
			fallback = m->paths[idx[i]].action;
		}
		if (n == 1 && !sx_has_conds(&m->paths[idx[0]])) {
			err = mj_action(d, m->paths[idx[0]].action, act, sizeof(act));
			if (!err)
				fprintf(f, "%s", act);
			goto done;
		}
		for (size_t i = 0; i < nrw && !err; i++) {
			if (sx_action_norm(rw[i].action) != CBPF_SECCOMP_RET_ALLOW)
				continue;
			err = path_terms(d, &rw[i], is64, le, name, tp);
			for (size_t t = 0; t < tp->n && !err; t++) {
				fputs(sep, f);
				sep = " || ";
				for (size_t c = 0; c < tp->t[t].n; c++) {
					fputs(c ? " && " : "", f);
					print_cmp(f, &tp->t[t].c[c], false);
				}
				if (!tp->t[t].n)
					fputs("1", f);
				any = true;
			}
		}
		if (!err && !any) {
			err = refuse(d,
				     "%s on %s: no argument condition allows it, and minijail's "
				     "language writes conditions for allow only",
				     name, cbpf_arch_name(arch));
		}
		if (!err && sx_action_norm(fallback) != sx_action_norm(dflt)) {
			err = mj_action(d, fallback, act, sizeof(act));
			if (!err)
				fprintf(f, "; %s", act);
		}
	} else {
		/* Rules with their conditions; what gets the default needs none. */
		for (size_t i = 0; i < nrw && !err; i++) {
			const struct sx_row *p = &rw[i];

			if (sx_action_norm(p->action) == sx_action_norm(dflt))
				continue;
			err = path_terms(d, p, is64, le, name, tp);
			oci_action(p->action, act, sizeof(act));
			for (size_t t = 0; t < tp->n && !err; t++) {
				if (!one_per_arg(&tp->t[t])) {
					err = refuse(d,
						     "%s: two conditions on one argument in one "
						     "rule, which an OCI profile cannot say",
						     name);
					break;
				}
				fprintf(f, "%s{ \"names\": [\"%s\"], \"action\": %s",
					any ? ",\n    " : "", name, act);
				if (tp->t[t].n) {
					fputs(", \"args\": [", f);
					for (size_t c = 0; c < tp->t[t].n; c++) {
						const struct cmp *cm = &tp->t[t].c[c];

						fputs(c ? ", " : " ", f);
						if (cm->op == CBPF_CMP_MASKED_EQ)
							fprintf(f,
								"{ \"index\": %d, \"value\": "
								"%" PRIu64
								", \"valueTwo\": %" PRIu64
								", \"op\": \"SCMP_CMP_MASKED_EQ\" "
								"}",
								cm->arg, cm->mask, cm->value);
						else if (cm->op == CBPF_CMP_MASKED_NE)
							err = refuse(d,
								     "%s: 'any bit of a mask set' "
								     "has no "
								     "OCI comparison",
								     name);
						else
							print_cmp(f, cm, true);
					}
					fputs(" ]", f);
				}
				fputs(" }", f);
				any = true;
			}
		}
	}
done:
out:
	sx_rows_free(rw, nrw);
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (!err && text && *text)
		err = add_stmt(d, name, text, arch);
	free(text);
	return err;
}

/* How an architecture's arguments lie in seccomp_data (x32's and n32's compared on their low
 * half, as libseccomp does). */
static void arg_layout(enum cbpf_arch a, bool *is64, bool *le)
{
	arch_audit_layout(cbpf_arch_audit(a), a, is64, le);
}

int sx_decompile_raw(FILE *out, const struct cbpf_seccomp_model *m, enum cbpf_policy_lang lang,
		     enum cbpf_arch *arches_out, size_t *n_arches_out, uint32_t *badarch_out,
		     struct cbpf_diags *diags);
int sx_decompile_raw(FILE *out, const struct cbpf_seccomp_model *m, enum cbpf_policy_lang lang,
		     enum cbpf_arch *arches_out, size_t *n_arches_out, uint32_t *badarch_out,
		     struct cbpf_diags *diags)
{
	struct dc d = { NULL, NULL, NULL, out, lang, diags, 0, NULL, 0 };
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	uint32_t *cuts = NULL, badarch = 0, dflt = 0;
	char bad_word[32] = "";
	size_t ncuts = 0, narch = 0, *sel[CBPF_ARCH_COUNT + 1] = { 0 }, nsel[CBPF_ARCH_COUNT + 1];
	bool have_bad = false;
	int err;

	d.alt = malloc(sizeof(*d.alt));
	d.bits = malloc(sizeof(*d.bits));
	d.terms = malloc(sizeof(*d.terms));
	err = d.alt && d.bits && d.terms ? 0 : -ENOMEM;
	if (!err)
		err = sx_cuts(m, NULL, m->n, SX_ARCH, &cuts, &ncuts);
	if (err) {
		free(d.alt);
		free(d.bits);
		free(d.terms);
		return err;
	}
	/* The architectures the filter names; every other value must get one action. */
	for (size_t c = 0; c < ncuts && !err; c++) {
		uint32_t lo = cuts[c], hi = c + 1 < ncuts ? cuts[c + 1] - 1 : UINT32_MAX;
		struct sx_arch arb;
		const struct sx_arch *ar = lo == hi && sx_arch_by_audit(lo, &arb) ? &arb : NULL;
		size_t *s = NULL, ns = 0;

		err = sx_select(m, NULL, 0, SX_ARCH, lo, &s, &ns);
		if (err)
			break;
		if (ar && ar->arch != CBPF_ARCH_NONE) {
			sel[narch] = s;
			nsel[narch] = ns;
			arches[narch++] = ar->arch;
			continue;
		}
		if (ns != 1 || !iset_is_full(&m->paths[s[0]].w[SX_NR]) ||
		    sx_has_conds(&m->paths[s[0]]) ||
		    (have_bad &&
		     sx_action_norm(badarch) != sx_action_norm(m->paths[s[0]].action))) {
			err = refuse(&d,
				     "architectures the policy cannot name (arch 0x%08" PRIx32
				     "%s) get actions of their own",
				     lo, ar ? ", which cbpf does not compile for" : "");
		} else {
			badarch = m->paths[s[0]].action;
			have_bad = true;
		}
		free(s);
	}
	if (!err && !narch)
		err = refuse(&d, "the filter admits no architecture cbpf compiles for");
	/*
	 * What other architectures get is the compiler's --bad-arch, which a minijail policy's
	 * header line names; a profile has no word for it (runc's is kill_thread).
	 */
	if (!err && have_bad && sx_action_norm(badarch) != CBPF_SECCOMP_RET_KILL_THREAD) {
		if (lang != CBPF_POLICY_TEXT ||
		    mj_action(&d, badarch, bad_word, sizeof(bad_word)) || strchr(bad_word, ' '))
			err = refuse(&d,
				     "other architectures get %s; a profile gives them kill_thread",
				     badarch == CBPF_SECCOMP_RET_KILL_PROCESS ? "kill_process"
									      : "another action");
	}
	/* The default: what the most named syscalls get unconditionally. */
	if (!err) {
		uint32_t cand[64];
		size_t count[64] = { 0 }, nc = 0, best = 0;

		for (size_t a = 0; a < narch; a++) {
			/* x32's numbers counted as x86_64's: the AUDIT_ARCH's architecture */
			int col = systab_col(
				cbpf_arch_of_audit(cbpf_arch_audit(arches[a]), CBPF_ARCH_NONE));
			uint32_t *nums = NULL;
			size_t nn = 0;

			if (sx_sys_numbers(col, &nums, &nn)) {
				err = -ENOMEM;
				break;
			}
			for (size_t i = 0; i < nn; i++) {
				size_t *idx = NULL, n = 0, k;

				if (sx_select(m, sel[a], nsel[a], SX_NR, nums[i], &idx, &n)) {
					err = -ENOMEM;
					break;
				}
				if (n == 1 && !sx_has_conds(&m->paths[idx[0]])) {
					uint32_t act = sx_action_norm(m->paths[idx[0]].action);

					for (k = 0; k < nc && cand[k] != act; k++)
						;
					if (k == nc && nc < 64)
						cand[nc++] = act;
					if (k < nc)
						count[k]++;
				}
				free(idx);
			}
			free(nums);
		}
		for (size_t k = 0; k < nc; k++)
			if (count[k] > best)
				best = count[k], dflt = cand[k];
		/* What a policy gives a number no rule names is its default: that of a number
		 * beyond the first architecture's table, when it is one action. */
		if (!err && narch) {
			uint32_t probe = arches[0] == CBPF_ARCH_X86_64 ? CBPF_X32_SYSCALL_BIT - 2
								       : 0x7ffffffeU;
			size_t *idx = NULL, n = 0;

			err = sx_select(m, sel[0], nsel[0], SX_NR, probe, &idx, &n);
			if (!err && n == 1 && !sx_has_conds(&m->paths[idx[0]]))
				dflt = sx_action_norm(m->paths[idx[0]].action) ==
						       sx_action_norm(m->paths[idx[0]].action)
					       ? m->paths[idx[0]].action
					       : dflt;
			free(idx);
		}
	}
	/* x32 under x86_64: its own architecture when its numbers get more than one action. */
	for (size_t a = 0; a < narch && !err; a++) {
		size_t *idx = NULL, n = 0;
		uint32_t *xc = NULL;
		size_t nxc = 0, inside = 0;

		if (arches[a] != CBPF_ARCH_X86_64)
			continue;
		err = sx_cuts(m, sel[a], nsel[a], SX_NR, &xc, &nxc);
		for (size_t i = 0; i < nxc; i++)
			if (xc[i] > CBPF_X32_SYSCALL_BIT && xc[i] != UINT32_MAX)
				inside++;
		free(xc);
		if (!err && !inside) {
			/* One action for every x32 number: the bad architecture's when it is
			 * kill_thread; else x32 is an architecture of the policy. */
			err = sx_select(m, sel[a], nsel[a], SX_NR, CBPF_X32_SYSCALL_BIT, &idx, &n);
			if (!err && n == 1 && !sx_has_conds(&m->paths[idx[0]]) &&
			    sx_action_norm(m->paths[idx[0]].action) != CBPF_SECCOMP_RET_KILL_THREAD)
				inside = 1;
			free(idx);
			idx = NULL;
		}
		if (!err && inside && narch < CBPF_ARCH_COUNT) {
			sel[narch] = malloc(nsel[a] * sizeof(size_t));
			if (!sel[narch]) {
				err = -ENOMEM;
				break;
			}
			memcpy(sel[narch], sel[a], nsel[a] * sizeof(size_t));
			nsel[narch] = nsel[a];
			arches[narch++] = CBPF_ARCH_X32;
		}
		free(idx);
		(void)n;
	}
	/* Each named syscall of each architecture. */
	for (size_t a = 0; a < narch && !err; a++) {
		int col = systab_col(arches[a]);
		uint32_t *nums = NULL;
		size_t nn = 0;
		bool is64, le;

		arg_layout(arches[a], &is64, &le);
		err = sx_sys_numbers(col, &nums, &nn);
		for (size_t i = 0; i < nn && !err; i++) {
			size_t *idx = NULL, n = 0;

			err = sx_select(m, sel[a], nsel[a], SX_NR, nums[i], &idx, &n);
			if (!err)
				err = statement(&d, m, idx, n, sx_sys_name(col, nums[i]), arches[a],
						is64, le, dflt);
			free(idx);
		}
		free(nums);
	}
	if (!err)
		err = d.err;
	if (!err) {
		unsigned all = 0;
		char act[64];

		for (size_t a = 0; a < narch; a++)
			all |= 1U << arches[a];
		if (lang == CBPF_POLICY_TEXT) {
			fprintf(out, "# Decompiled by cbpf-asm from a seccomp filter; compile with "
				     "--arch ");
			for (size_t a = 0; a < narch; a++)
				fprintf(out, "%s%s", a ? "," : "", cbpf_arch_name(arches[a]));
			if (bad_word[0]) {
				*badarch_out = badarch;
				fprintf(out, " --bad-arch %s", bad_word);
			}
			err = mj_action(&d, dflt, act, sizeof(act));
			fprintf(out, "\n@default %s\n", act);
			for (size_t i = 0; i < d.nst && !err; i++) {
				if (d.st[i].arches == all) {
					fprintf(out, "%s: %s\n", d.st[i].name, d.st[i].text);
					continue;
				}
				for (size_t a = 0; a < narch; a++)
					if (d.st[i].arches & (1U << arches[a]))
						fprintf(out, "%s[arch=%s]: %s\n", d.st[i].name,
							cbpf_arch_name(arches[a]), d.st[i].text);
			}
		} else {
			const char *sep = "\n    ";
			unsigned wide_arches = 0;

			for (size_t a = 0; a < narch; a++) {
				bool is64, le;

				arg_layout(arches[a], &is64, &le);
				if (is64)
					wide_arches |= 1U << arches[a];
			}

			/* A profile has one meaning per name: where the architectures' differ, a
			 * 64-bit one's (its ranges above 2^32 never hold once cut to 32 bits);
			 * the round trip below says whether that was right. */
			for (size_t i = 0; i < d.nst; i++)
				for (size_t j = 0; j < d.nst; j++) {
					bool wide = d.st[j].arches & wide_arches;

					if (j != i && d.st[i].text[0] && d.st[j].text[0] &&
					    !strcmp(d.st[i].name, d.st[j].name) && wide)
						d.st[i].text[0] = 0;
				}
			oci_action(dflt, act, sizeof(act));
			/* The default's errno is "defaultErrnoRet" (runtime-spec LinuxSeccomp). */
			{
				char *e = strstr(act, "\"errnoRet\"");

				if (e)
					snprintf(e, sizeof(act) - (size_t)(e - act),
						 "\"defaultErrnoRet\": %" PRIu32,
						 dflt & CBPF_SECCOMP_RET_DATA);
			}
			if (!err) {
				fprintf(out, "{\n  \"defaultAction\": %s,\n  \"architectures\": [",
					act);
				for (size_t a = 0; a < narch; a++)
					fprintf(out, "%s\"%s\"", a ? ", " : " ",
						cbpf_arch_scmp_name(arches[a]));
				fprintf(out, " ],\n  \"syscalls\": [");
				for (size_t i = 0; i < d.nst; i++) {
					if (!d.st[i].text[0])
						continue;
					fprintf(out, "%s%s", sep, d.st[i].text);
					sep = ",\n    ";
				}
				fprintf(out, "\n  ]\n}\n");
			}
		}
		if (!err && ferror(out))
			err = -EIO;
	}
	if (!err && arches_out) {
		memcpy(arches_out, arches, narch * sizeof(*arches));
		*n_arches_out = narch;
	}
	for (size_t i = 0; i < d.nst; i++) {
		free(d.st[i].name);
		free(d.st[i].text);
	}
	free(d.st);
	free(d.alt);
	free(d.bits);
	free(d.terms);
	for (size_t a = 0; a <= CBPF_ARCH_COUNT; a++)
		free(sel[a]);
	free(cuts);
	return err ? err : d.err;
}

/*
 * The policy written, compiled back and compared with the filter: what is handed out means
 * the same for every input, or it is refused with the first difference.
 */
int cbpf_seccomp_decompile(FILE *out, const struct cbpf_seccomp_model *m,
			   enum cbpf_policy_lang lang, enum cbpf_arch *arches_out,
			   size_t *n_arches_out, struct cbpf_diags *diags)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t narch = 0, len = 0, dlen = 0;
	char *text = NULL, *dtext = NULL;
	struct cbpf_policy_opts popts = { .file = "<decompiled>",
					  .lang = lang,
					  .no_comments = true };
	struct cbpf_diags quiet = { 0 };
	struct cbpf_prog *back = NULL;
	struct cbpf_seccomp_model *mb = NULL;
	bool differs = true;
	FILE *f = open_memstream(&text, &len), *df;
	int err;

	if (!f)
		return -ENOMEM;
	err = sx_decompile_raw(f, m, lang, arches, &narch, &popts.badarch_action, diags);
	/* --bad-arch, which the policy's first line names */
	popts.has_badarch_action = popts.badarch_action != 0;
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (err)
		goto out;
	popts.arches = arches;
	popts.n_arches = lang == CBPF_POLICY_TEXT ? narch : 0;
	/*
	 * A profile's filter always holds its host's architecture (as runc's does): the host is
	 * one the filter admits, not this machine, whose architecture it may not admit.
	 */
	if (lang == CBPF_POLICY_JSON && narch)
		popts.host = arches[0];
	err = cbpf_policy_compile(text, len, &popts, &back, &quiet);
	if (err == -ENOMEM)
		goto out;
	if (err) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "the policy written does not compile back: %s",
			       quiet.n ? quiet.v[0].msg : "(no reason given)");
		err = -EINVAL;
		goto out;
	}
	err = cbpf_seccomp_model_new(back, &mb, &quiet);
	if (err)
		goto out;
	df = open_memstream(&dtext, &dlen);
	if (!df) {
		err = -ENOMEM;
		goto out;
	}
	err = cbpf_seccomp_diff(df, m, mb, &differs);
	if (fclose(df) && !err)
		err = -ENOMEM;
	if (err)
		goto out;
	if (differs) {
		char *nl = strchr(dtext, '\n');

		if (nl)
			*nl = 0;
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "the policy would not mean what the filter does: %s (the filter's "
			       "action | the policy's)",
			       dtext);
		err = -EINVAL;
		goto out;
	}
	if (fwrite(text, 1, len, out) != len || ferror(out)) {
		err = -EIO;
		goto out;
	}
	if (arches_out) {
		memcpy(arches_out, arches, narch * sizeof(*arches));
		*n_arches_out = narch;
	}
out:
	cbpf_seccomp_model_free(mb);
	cbpf_prog_free(back);
	cbpf_diags_free(&quiet);
	free(dtext);
	free(text);
	return err;
}
