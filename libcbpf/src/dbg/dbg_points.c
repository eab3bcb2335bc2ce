// SPDX-License-Identifier: MIT
/* Breakpoints and watches: the list a session keeps; runs test them (dbg_run.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"

static int add_point(struct cbpf_dbg *dbg, const struct cbpf_dbg_point *p, unsigned *id)
{
	if (dbg->npoints == dbg->points_cap) {
		size_t cap = dbg->points_cap ? 2 * dbg->points_cap : 8;
		struct cbpf_dbg_point *np = realloc(dbg->points, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		dbg->points = np;
		dbg->points_cap = cap;
	}
	dbg->points[dbg->npoints] = *p;
	dbg->points[dbg->npoints].id = dbg->next_id++;
	if (id)
		*id = dbg->points[dbg->npoints].id;
	dbg->npoints++;
	return 0;
}

int cbpf_dbg_break(struct cbpf_dbg *dbg, long pc, const char *cond, unsigned *id,
		   struct cbpf_diags *diags)
{
	struct cbpf_dbg_point p = { 0 };
	struct cbpf_dbg_expr *expr = NULL;
	int err;

	if (!dbg->prog) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "no program loaded");
		return -EINVAL;
	}
	if (pc < -1 || pc >= (long)dbg->len || (pc < 0 && !cond)) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       pc < 0 ? "a breakpoint needs an instruction or a condition"
				      : "no instruction %ld: the program has %u (l0 to l%u)",
			       pc, dbg->len, dbg->len - 1);
		return -EINVAL;
	}
	if (cond) {
		err = cbpf_dbg_expr_parse(cond, &expr, diags);
		if (err)
			return err;
	}
	p.kind = CBPF_DBG_BREAK;
	p.pc = pc;
	p.cond = expr;
	err = add_point(dbg, &p, id);
	if (err)
		cbpf_dbg_expr_free(expr);
	return err;
}

int cbpf_dbg_watch(struct cbpf_dbg *dbg, unsigned mem, unsigned *id)
{
	struct cbpf_dbg_point p = { 0 };

	if (mem >= CBPF_MEMWORDS)
		return -EINVAL;
	p.kind = CBPF_DBG_WATCH;
	p.pc = -1;
	p.mem = mem;
	return add_point(dbg, &p, id);
}

int cbpf_dbg_delete(struct cbpf_dbg *dbg, unsigned id)
{
	for (size_t i = 0; i < dbg->npoints; i++) {
		if (dbg->points[i].id != id)
			continue;
		cbpf_dbg_expr_free(dbg->points[i].cond);
		memmove(&dbg->points[i], &dbg->points[i + 1],
			(dbg->npoints - i - 1) * sizeof(dbg->points[0]));
		dbg->npoints--;
		return 0;
	}
	return -ENOENT;
}

void cbpf_dbg_delete_all(struct cbpf_dbg *dbg, int kind)
{
	size_t j = 0;

	for (size_t i = 0; i < dbg->npoints; i++) {
		if (kind < 0 || dbg->points[i].kind == (enum cbpf_dbg_point_kind)kind)
			cbpf_dbg_expr_free(dbg->points[i].cond);
		else
			dbg->points[j++] = dbg->points[i];
	}
	dbg->npoints = j;
}

size_t cbpf_dbg_points(const struct cbpf_dbg *dbg, const struct cbpf_dbg_point **out)
{
	*out = dbg->points;
	return dbg->npoints;
}


void dbg_points_free(struct cbpf_dbg *dbg)
{
	cbpf_dbg_delete_all(dbg, -1);
	free(dbg->points);
	dbg->points = NULL;
	dbg->points_cap = 0;
}
