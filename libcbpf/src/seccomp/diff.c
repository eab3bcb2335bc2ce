// SPDX-License-Identifier: MIT
/* cbpf_seccomp_diff: every (arch, syscall, argument region) where two filters act differently. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/symex.h"
#include "seccomp/systab.h"

struct side {
	const struct cbpf_seccomp_model *m;
	size_t *sel, nsel;
};

static int merge_cuts(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t **out,
		      size_t *n)
{
	uint32_t *v = malloc((na + nb) * sizeof(*v));
	size_t i = 0, j = 0, k = 0;

	if (!v)
		return -ENOMEM;
	while (i < na || j < nb) {
		uint32_t x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];

		if (i < na && a[i] == x)
			i++;
		if (j < nb && b[j] == x)
			j++;
		v[k++] = x;
	}
	*out = v;
	*n = k;
	return 0;
}

static void put_action(FILE *out, uint32_t action)
{
	char buf[32];

	cbpf_seccomp_action_format(action, buf, sizeof(buf));
	fputs(buf, out);
}

/* The differences between the paths of nr under both sides, each printed after what (out NULL:
 * only *differs is set). */
static int compare(FILE *out, const struct side *a, const struct side *b, uint32_t nr,
		   const char *what, bool is64, bool le, bool *differs)
{
	size_t *pa = NULL, *pb = NULL, na = 0, nb = 0;
	int err = sx_select(a->m, a->sel, a->nsel, SX_NR, nr, &pa, &na);

	if (!err)
		err = sx_select(b->m, b->sel, b->nsel, SX_NR, nr, &pb, &nb);
	for (size_t i = 0; i < na && !err; i++)
		for (size_t j = 0; j < nb && !err; j++) {
			const struct sx_path *p = &a->m->paths[pa[i]], *q = &b->m->paths[pb[j]];
			struct sx_path both;
			bool meets;

			if (sx_action_norm(p->action) == sx_action_norm(q->action))
				continue;
			err = sx_meet(p, q, &meets, &both);
			if (err || !meets)
				continue;
			*differs = true;
			if (out) {
				fprintf(out, "%s", what);
				if (sx_has_conds(&both)) {
					fputs(" if ", out);
					sx_conds_print(out, &both, is64, le);
				}
				fputs(": ", out);
				put_action(out, p->action);
				fputs(" | ", out);
				put_action(out, q->action);
				fputc('\n', out);
			}
			sx_path_fini(&both);
		}
	free(pa);
	free(pb);
	return err;
}

/* The numbers lo..hi of one architecture value: named ones by name, the rest by range. */
static int numbers(FILE *out, const struct side *a, const struct side *b, const char *arch, int col,
		   uint32_t lo, uint32_t hi, bool is64, bool le, bool *differs)
{
	uint32_t *ca = NULL, *cb = NULL, *cuts = NULL, *named = NULL;
	size_t nca = 0, ncb = 0, ncuts = 0, nnamed = 0, ni = 0;
	char what[128];
	int err;

	err = sx_cuts(a->m, a->sel, a->nsel, SX_NR, &ca, &nca);
	if (!err)
		err = sx_cuts(b->m, b->sel, b->nsel, SX_NR, &cb, &ncb);
	if (!err)
		err = merge_cuts(ca, nca, cb, ncb, &cuts, &ncuts);
	if (!err && col >= 0)
		err = sx_sys_numbers(col, &named, &nnamed);
	for (size_t c = 0; c < ncuts && !err; c++) {
		uint64_t x = cuts[c], y = c + 1 < ncuts ? (uint64_t)cuts[c + 1] - 1 : UINT32_MAX;
		bool differ = false;

		if (y < lo || x > hi)
			continue;
		if (x < lo)
			x = lo;
		if (y > hi)
			y = hi;
		/* Do they differ at all here? Quietly first. */
		err = compare(NULL, a, b, (uint32_t)x, "", is64, le, &differ);
		if (err || !differ)
			continue;
		*differs = true;
		while (ni < nnamed && named[ni] < x)
			ni++;
		for (uint64_t v = x; v <= y && !err;) {
			uint64_t end = y;

			if (ni < nnamed && named[ni] <= y) {
				if (named[ni] == v) {
					snprintf(what, sizeof(what), "%s %s", arch,
						 sx_sys_name(col, (uint32_t)v));
					err = compare(out, a, b, (uint32_t)v, what, is64, le,
						      differs);
					v++;
					ni++;
					continue;
				}
				end = named[ni] - 1;
			}
			if (v == end)
				snprintf(what, sizeof(what), "%s nr %" PRIu64, arch, v);
			else
				snprintf(what, sizeof(what), "%s nr %" PRIu64 "..%" PRIu64, arch, v,
					 end);
			err = compare(out, a, b, (uint32_t)v, what, is64, le, differs);
			v = end + 1;
		}
	}
	free(ca);
	free(cb);
	free(cuts);
	free(named);
	return err;
}

int cbpf_seccomp_diff(FILE *out, const struct cbpf_seccomp_model *ma,
		      const struct cbpf_seccomp_model *mb, bool *differs)
{
	uint32_t *ca = NULL, *cb = NULL, *cuts = NULL;
	size_t nca = 0, ncb = 0, ncuts = 0;
	struct side a = { ma, NULL, 0 }, b = { mb, NULL, 0 };
	char name[48];
	int err;

	*differs = false;
	err = sx_cuts(ma, NULL, ma->n, SX_ARCH, &ca, &nca);
	if (!err)
		err = sx_cuts(mb, NULL, mb->n, SX_ARCH, &cb, &ncb);
	if (!err)
		err = merge_cuts(ca, nca, cb, ncb, &cuts, &ncuts);
	for (size_t c = 0; c < ncuts && !err; c++) {
		uint32_t lo = cuts[c], hi = c + 1 < ncuts ? cuts[c + 1] - 1 : UINT32_MAX;
		struct sx_arch arb;
		const struct sx_arch *ar = lo == hi && sx_arch_by_audit(lo, &arb) ? &arb : NULL;
		bool is64, le;

		arch_audit_layout(lo, CBPF_ARCH_NONE, &is64, &le);
		free(a.sel);
		free(b.sel);
		a.sel = b.sel = NULL;
		err = sx_select(ma, NULL, 0, SX_ARCH, lo, &a.sel, &a.nsel);
		if (!err)
			err = sx_select(mb, NULL, 0, SX_ARCH, lo, &b.sel, &b.nsel);
		if (err)
			break;
		if (ar) {
			err = numbers(out, &a, &b, ar->name, ar->col, 0,
				      ar->x32col >= 0 ? CBPF_X32_SYSCALL_BIT - 1 : UINT32_MAX, is64,
				      le, differs);
			if (!err && ar->x32col >= 0)
				err = numbers(out, &a, &b, "x32", ar->x32col, CBPF_X32_SYSCALL_BIT,
					      UINT32_MAX, false, le, differs);
			continue;
		}
		if (lo == hi)
			snprintf(name, sizeof(name), "arch 0x%08" PRIx32, lo);
		else
			snprintf(name, sizeof(name), "arch 0x%08" PRIx32 "..0x%08" PRIx32, lo, hi);
		err = numbers(out, &a, &b, name, -1, 0, UINT32_MAX, is64, le, differs);
	}
	free(a.sel);
	free(b.sel);
	free(ca);
	free(cb);
	free(cuts);
	if (!err && ferror(out))
		err = -EIO;
	return err;
}
