// SPDX-License-Identifier: MIT
/* cbpf_seccomp_explain: a seccomp filter's paths as a table of syscalls, actions and conditions. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/symex.h"
#include "seccomp/systab.h"

/* A group of numbers that get the same paths. */
struct group {
	size_t *idx, n; /* the paths */
	uint32_t *rng;	/* ranges lo, hi */
	size_t nrng;
};

static bool same_paths(const size_t *a, size_t na, const size_t *b, size_t nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(*a));
}

/* Whether two lists of paths mean the same: one unconditional action each, or the same paths. */
static bool same_beh(const struct cbpf_seccomp_model *m, const size_t *a, size_t na,
		     const size_t *b, size_t nb)
{
	if (na == 1 && nb == 1 && !sx_has_conds(&m->paths[a[0]]) && !sx_has_conds(&m->paths[b[0]]))
		return m->paths[a[0]].action == m->paths[b[0]].action;
	return same_paths(a, na, b, nb);
}

/*
 * The rows of one behaviour: each action once, with the conditions of its rows joined by ||;
 * the last of several actions is what applies otherwise.
 */
static void rows(FILE *out, const char *label, const struct cbpf_seccomp_model *m,
		 const size_t *idx, size_t n, bool is64, bool le)
{
	struct sx_row *r = NULL;
	size_t nr = 0, nact = 0;
	char act[32];

	if (!n) {
		fprintf(out, "  %-30s (no path)\n", label);
		return;
	}
	if (sx_rows(m, idx, n, is64, le, &r, &nr)) {
		fprintf(out, "  %-30s (out of memory)\n", label);
		return;
	}
	for (size_t i = 0; i < nr; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = r[j].action != r[i].action;
		nact += first;
	}
	for (size_t i = 0, row = 0; i < nr; i++) {
		bool first = true;
		const char *sep = " if ";

		for (size_t j = 0; j < i && first; j++)
			first = r[j].action != r[i].action;
		if (!first)
			continue;
		cbpf_seccomp_action_format(r[i].action, act, sizeof(act));
		fprintf(out, "  %-30s %s", row ? "" : label, act);
		if (nact > 1 || sx_row_has_conds(&r[i]))
			fprintf(out, "%*s", (int)(strlen(act) < 14 ? 14 - strlen(act) : 0), "");
		if (++row == nact && nact > 1) {
			fputs(" otherwise", out);
		} else if (nact > 1 || sx_row_has_conds(&r[i])) {
			for (size_t j = i; j < nr; j++) {
				if (r[j].action != r[i].action)
					continue;
				fputs(sep, out);
				sep = " || ";
				if (sx_row_has_conds(&r[j]))
					sx_row_print(out, &r[j], is64, le);
				else
					fputs("always", out);
			}
		}
		fputc('\n', out);
	}
	sx_rows_free(r, nr);
}

static void put_range(FILE *out, uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		fprintf(out, lo < 1024 ? "%" PRIu32 : "0x%" PRIx32, lo);
	else
		fprintf(out,
			lo < 1024 && hi < 1024 ? "%" PRIu32 "..%" PRIu32
					       : "0x%" PRIx32 "..0x%" PRIx32,
			lo, hi);
}

static int add_range(struct group *g, uint32_t lo, uint32_t hi)
{
	uint32_t *r;

	if (g->nrng && g->rng[2 * g->nrng - 1] + 1 == lo) {
		g->rng[2 * g->nrng - 1] = hi;
		return 0;
	}
	r = realloc(g->rng, (g->nrng + 1) * 2 * sizeof(*r));
	if (!r)
		return -ENOMEM;
	g->rng = r;
	r[2 * g->nrng] = lo;
	r[2 * g->nrng + 1] = hi;
	g->nrng++;
	return 0;
}

/*
 * The numbers lo..hi under one architecture value (the paths sel): every named syscall of column
 * col, then the numbers without a name grouped by what they get. One line when all get the same.
 */
static int numbers(FILE *out, const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel,
		   int col, uint32_t lo, uint32_t hi, bool is64, bool le)
{
	uint32_t *cuts = NULL, *named = NULL;
	size_t ncuts = 0, nnamed = 0, *idx = NULL, n = 0, ngroups = 0, inside = 0;
	size_t **beh = NULL, *nb = NULL, best = 0, dom = SIZE_MAX;
	bool other_unnamed = false;
	struct group *groups = NULL;
	char label[64];
	int err;

	err = sx_cuts(m, sel, nsel, SX_NR, &cuts, &ncuts);
	if (err)
		return err;
	for (size_t i = 0; i < ncuts; i++)
		if (cuts[i] > lo && cuts[i] <= hi)
			inside++;
	if (!inside) {
		err = sx_select(m, sel, nsel, SX_NR, lo, &idx, &n);
		if (!err) {
			snprintf(label, sizeof(label), "every number");
			rows(out, label, m, idx, n, is64, le);
		}
		goto out;
	}
	if (col >= 0) {
		err = sx_sys_numbers(col, &named, &nnamed);
		if (err)
			goto out;
	}
	/* Each named number's paths; the most common of them is said once, at the end. */
	beh = calloc(nnamed + 1, sizeof(*beh));
	nb = calloc(nnamed + 1, sizeof(*nb));
	if (!beh || !nb) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nnamed; i++) {
		size_t count = 0;

		if (named[i] < lo || named[i] > hi)
			continue;
		err = sx_select(m, sel, nsel, SX_NR, named[i], &beh[i], &nb[i]);
		if (err)
			goto out;
		for (size_t j = 0; j <= i; j++)
			if (beh[j] && same_beh(m, beh[j], nb[j], beh[i], nb[i]))
				count++;
		if (count > best) {
			best = count;
			dom = i;
		}
	}
	if (best < 2)
		dom = SIZE_MAX;
	for (size_t i = 0; i < nnamed; i++) {
		if (!beh[i] || (dom != SIZE_MAX && same_beh(m, beh[dom], nb[dom], beh[i], nb[i])))
			continue;
		snprintf(label, sizeof(label), "%-5" PRIu32 " %s", named[i] & ~CBPF_X32_SYSCALL_BIT,
			 sx_sys_name(col, named[i]));
		rows(out, label, m, beh[i], nb[i], is64, le);
	}
	/* The numbers without a name, interval by interval, grouped by their paths. */
	size_t ni = 0;
	for (size_t c = 0; c < ncuts; c++) {
		uint64_t a = cuts[c], b = c + 1 < ncuts ? (uint64_t)cuts[c + 1] - 1 : UINT32_MAX;
		struct group *g = NULL;

		if (b < lo || a > hi)
			continue;
		if (a < lo)
			a = lo;
		if (b > hi)
			b = hi;
		err = sx_select(m, sel, nsel, SX_NR, (uint32_t)a, &idx, &n);
		if (err)
			goto out;
		for (size_t i = 0; i < ngroups && !g; i++)
			if (same_beh(m, groups[i].idx, groups[i].n, idx, n))
				g = &groups[i];
		while (ni < nnamed && named[ni] < a)
			ni++;
		for (uint64_t v = a; v <= b && !err;) {
			uint64_t end = b;

			if (ni < nnamed && named[ni] <= b) {
				if (named[ni] == v) {
					v++;
					ni++;
					continue;
				}
				end = named[ni] - 1;
			}
			if (!g) {
				struct group *ng = realloc(groups, (ngroups + 1) * sizeof(*ng));

				if (!ng) {
					err = -ENOMEM;
					break;
				}
				groups = ng;
				g = &groups[ngroups++];
				memset(g, 0, sizeof(*g));
				g->idx = idx;
				g->n = n;
				idx = NULL;
			}
			err = add_range(g, (uint32_t)v, (uint32_t)end);
			v = end + 1;
		}
		free(idx);
		idx = NULL;
		if (err)
			goto out;
	}
	for (size_t i = 0; i < ngroups; i++) {
		if (dom != SIZE_MAX && same_beh(m, beh[dom], nb[dom], groups[i].idx, groups[i].n)) {
			other_unnamed = true;
			continue;
		}
		fprintf(out, "  numbers without a name: ");
		for (size_t r = 0; r < groups[i].nrng; r++) {
			if (r == 8) {
				fprintf(out, ", ... (%zu ranges)", groups[i].nrng);
				break;
			}
			fprintf(out, r ? ", " : "");
			put_range(out, groups[i].rng[2 * r], groups[i].rng[2 * r + 1]);
		}
		fputc('\n', out);
		rows(out, "", m, groups[i].idx, groups[i].n, is64, le);
	}
	if (dom != SIZE_MAX) {
		snprintf(label, sizeof(label), "the other %zu syscalls%s", best,
			 other_unnamed ? ", numbers" : "");
		rows(out, label, m, beh[dom], nb[dom], is64, le);
	}
out:
	for (size_t i = 0; beh && i < nnamed; i++)
		free(beh[i]);
	free(beh);
	free(nb);
	for (size_t i = 0; i < ngroups; i++) {
		free(groups[i].idx);
		free(groups[i].rng);
	}
	free(groups);
	free(idx);
	free(named);
	free(cuts);
	return err;
}

/* Whether every nr under these paths gets one action without conditions. */
static bool uniform(const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel,
		    uint32_t *action)
{
	if (nsel != 1 || !iset_is_full(&m->paths[sel[0]].w[SX_NR]) ||
	    sx_has_conds(&m->paths[sel[0]]))
		return false;
	*action = m->paths[sel[0]].action;
	return true;
}

int cbpf_seccomp_explain(FILE *out, const struct cbpf_seccomp_model *m)
{
	uint32_t *cuts = NULL, act, other_act = 0;
	size_t ncuts = 0, *sel = NULL, nsel = 0, nother = 0;
	bool other_uniform = true;
	char buf[32];
	int err;

	err = sx_cuts(m, NULL, m->n, SX_ARCH, &cuts, &ncuts);
	if (err)
		return err;
	if (ncuts == 1) {
		/* No test of arch: every architecture alike, named as this machine's. */
		struct sx_arch ab;
		const struct sx_arch *a =
			sx_arch_by_audit(cbpf_arch_audit(cbpf_arch_native()), &ab) ? &ab : NULL;

		err = sx_select(m, NULL, 0, SX_ARCH, 0, &sel, &nsel);
		if (err)
			goto out;
		fprintf(out, "any architecture (the filter never tests arch; names are %s's):\n",
			a ? a->name : "no architecture");
		err = numbers(out, m, sel, nsel, a ? a->col : -1, 0, UINT32_MAX, true, true);
		goto out;
	}
	for (size_t c = 0; c < ncuts && !err; c++) {
		uint32_t lo = cuts[c], hi = c + 1 < ncuts ? cuts[c + 1] - 1 : UINT32_MAX;
		struct sx_arch ab;
		const struct sx_arch *a = lo == hi && sx_arch_by_audit(lo, &ab) ? &ab : NULL;
		bool is64, le;

		arch_audit_layout(lo, CBPF_ARCH_NONE, &is64, &le);
		free(sel);
		sel = NULL;
		err = sx_select(m, NULL, 0, SX_ARCH, lo, &sel, &nsel);
		if (err)
			break;
		if (!a) {
			if (uniform(m, sel, nsel, &act) && (!nother || act == other_act)) {
				other_act = act;
				nother++;
				continue;
			}
			other_uniform = false;
			continue;
		}
		fprintf(out, "arch %s (0x%08" PRIx32 "):\n", a->name, lo);
		err = numbers(out, m, sel, nsel, a->col, 0,
			      a->x32col >= 0 ? CBPF_X32_SYSCALL_BIT - 1 : UINT32_MAX, is64, le);
		if (!err && a->x32col >= 0) {
			fprintf(out, "x32 (arch x86_64, nr from 0x40000000):\n");
			err = numbers(out, m, sel, nsel, a->x32col, CBPF_X32_SYSCALL_BIT,
				      UINT32_MAX, false, le);
		}
	}
	if (err)
		goto out;
	if (other_uniform) {
		cbpf_seccomp_action_format(other_act, buf, sizeof(buf));
		fprintf(out, "other architectures:\n  %-30s %s\n", "every number", buf);
		goto out;
	}
	/* Other values of arch that the filter treats in more than one way: each range. */
	for (size_t c = 0; c < ncuts && !err; c++) {
		uint32_t lo = cuts[c], hi = c + 1 < ncuts ? cuts[c + 1] - 1 : UINT32_MAX;

		struct sx_arch ab;
		bool is64, le;

		if (lo == hi && sx_arch_by_audit(lo, &ab))
			continue;
		free(sel);
		sel = NULL;
		err = sx_select(m, NULL, 0, SX_ARCH, lo, &sel, &nsel);
		if (err)
			break;
		fprintf(out, "arch ");
		put_range(out, lo, hi);
		fprintf(out, " (no architecture cbpf knows):\n");
		arch_audit_layout(lo, CBPF_ARCH_NONE, &is64, &le);
		err = numbers(out, m, sel, nsel, -1, 0, UINT32_MAX, is64, le);
	}
out:
	free(sel);
	free(cuts);
	if (!err && ferror(out))
		err = -EIO;
	return err;
}
