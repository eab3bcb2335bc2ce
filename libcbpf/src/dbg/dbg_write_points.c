// SPDX-License-Identifier: MIT
/* What the user set on the session written out: breakpoints and watches, packet metadata. */
#include <inttypes.h>

#include "dbg/dbg_int.h"

/* bpf_dbg's breakpoint list: each instruction once, unconditional or not. */
void cbpf_dbg_write_breakpoints(FILE *o, const struct cbpf_dbg *dbg)
{
	const struct cbpf_dbg_point *p;
	size_t n = cbpf_dbg_points(dbg, &p);

	fprintf(o, "breakpoints: ");
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		if (p[i].kind != CBPF_DBG_BREAK || p[i].pc < 0)
			continue;
		for (size_t j = 0; j < i; j++)
			dup |= p[j].kind == CBPF_DBG_BREAK && p[j].pc == p[i].pc;
		if (!dup)
			fprintf(o, "%ld ", p[i].pc);
	}
	fprintf(o, "\n");
}

void cbpf_dbg_write_points(FILE *o, const struct cbpf_dbg *dbg)
{
	const struct cbpf_dbg_point *p;
	size_t n = cbpf_dbg_points(dbg, &p);

	if (!n) {
		fprintf(o, "no breakpoints or watches\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(o, "%u\t", p[i].id);
		if (p[i].kind == CBPF_DBG_WATCH) {
			fprintf(o, "watch M[%u]", p[i].mem);
		} else {
			fprintf(o, "break");
			if (p[i].pc >= 0)
				fprintf(o, " at l%ld", p[i].pc);
			if (p[i].cond)
				fprintf(o, " if %s", cbpf_dbg_expr_text(p[i].cond));
		}
		if (p[i].hits)
			fprintf(o, "\t(%" PRIu64 " hit%s)", p[i].hits, p[i].hits == 1 ? "" : "s");
		fputc('\n', o);
	}
}

void cbpf_dbg_write_meta(FILE *o, struct cbpf_dbg *dbg)
{
	size_t nf;
	const struct cbpf_dbg_field *f = cbpf_dbg_fields(&nf);

	for (size_t i = 0; i < nf; i++) {
		const char *how;
		uint64_t v;
		bool set;

		cbpf_dbg_meta_get(dbg, f[i].name, &v, &set);
		how = set ? "set" : f[i].derived ? "from the packet" : NULL;
		if (how)
			fprintf(o, "%-13s%#-12" PRIx64 "%s\n", f[i].name, v, how);
		else
			fprintf(o, "%-13s%#" PRIx64 "\n", f[i].name, v);
	}
}
