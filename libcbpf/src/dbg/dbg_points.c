// SPDX-License-Identifier: MIT
/* Breakpoints and watches: the list a session keeps, made from break's and watch's words. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"
#include "util/diag_int.h"

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

/* "[at] N [if CONDITION]" or "if CONDITION", cut in copy (text's): where the condition starts. */
static int break_words(struct cbpf_dbg *dbg, char *copy, long *pc, size_t *cond_at,
		       struct cbpf_diags *diags)
{
	char *s = copy, *w = dbg_word(&s);
	uint64_t n;
	uint32_t at;
	int err;

	*pc = -1;
	*cond_at = 0;
	if (w && !strcmp(w, "at")) {
		w = dbg_word(&s);
		if (!w)
			return dbg_refuse(diags, 0, 0, "break at needs an instruction");
	}
	if (w && strcmp(w, "if")) {
		err = cbpf_dbg_pc(dbg, w, &at);
		if (err == -EINVAL)
			return dbg_refuse(diags, 0, 0,
					  "break takes [at] N [if CONDITION] or if "
					  "CONDITION, not " DIAG_QF,
					  DIAG_QA(w, strlen(w)));
		if (err && !cbpf_dbg_number(w + (*w == 'l' || *w == 'L'), false, &n))
			return dbg_refuse(diags, 0, 0,
					  "no instruction %" PRIu64 ": the program has l0 to l%u",
					  n, dbg->len - 1);
		*pc = at;
		w = dbg_word(&s);
		if (w && strcmp(w, "if"))
			return dbg_refuse(diags, 0, 0,
					  "expected 'if' after the instruction, not " DIAG_QF,
					  DIAG_QA(w, strlen(w)));
	}
	if (w && !*s)
		return dbg_refuse(diags, 0, 0, "'if' needs a condition");
	if (w)
		*cond_at = (size_t)(s - copy);
	return 0;
}

int cbpf_dbg_break_text(struct cbpf_dbg *dbg, const char *text, unsigned *id, long *pc,
			const char **cond, struct cbpf_diags *diags)
{
	char *copy = strdup(text);
	size_t first = diags->n, at;
	int err;

	if (!copy)
		return -ENOMEM;
	err = break_words(dbg, copy, pc, &at, diags);
	free(copy);
	*cond = at ? text + at : NULL;
	if (!err)
		err = cbpf_dbg_break(dbg, *pc, *cond, id, diags);
	/* The condition's errors point into text. */
	for (size_t i = first; i < diags->n; i++)
		if (diags->v[i].line)
			diags->v[i].col += (unsigned)at;
	return err;
}

int cbpf_dbg_watch_text(struct cbpf_dbg *dbg, const char *text, unsigned *id, unsigned *mem,
			struct cbpf_diags *diags)
{
	size_t l = strlen(text);
	char num[32];
	uint64_t m = 16;

	/* M[i], or i alone. */
	if ((*text == 'M' || *text == 'm') && text[1] == '[' && l > 3 && text[l - 1] == ']' &&
	    l - 3 < sizeof(num)) {
		memcpy(num, text + 2, l - 3);
		num[l - 3] = '\0';
		if (cbpf_dbg_number(num, false, &m))
			m = 16;
	} else if (*text != 'M' && *text != 'm' && cbpf_dbg_number(text, false, &m)) {
		m = 16;
	}
	if (m > 15)
		return dbg_refuse(diags, 0, 0, "watch takes M[i] (i from 0 to 15), not " DIAG_QF,
				  DIAG_QA(text, l));
	*mem = (unsigned)m;
	return cbpf_dbg_watch(dbg, *mem, id);
}
