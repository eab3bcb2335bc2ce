// SPDX-License-Identifier: MIT
/* cbpf-dbg's breakpoints, watches and expressions: break, breakpoint, watch, delete, print. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sh.h"

/* bpf_dbg's breakpoint [N|reset]: plain breakpoints at instructions. */
int cmd_breakpoint(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_point *p;
	size_t n;
	uint32_t pc;
	char dis[96];

	(void)off;
	if (!sh_ready(sh, CBPF_DBG_NEED_PROG, NULL))
		return 1;
	n = cbpf_dbg_points(sh->dbg, &p);
	if (!*args) {
		cbpf_dbg_write_breakpoints(sh->out, sh->dbg);
		return 0;
	}
	if (sh_matches(args, "reset")) {
		cbpf_dbg_delete_all(sh->dbg, CBPF_DBG_BREAK);
		return 0;
	}
	if (cbpf_dbg_pc(sh->dbg, args, &pc)) {
		sh_error(sh, "no instruction " DIAG_QF ": the program has l0 to l%zu", QUOTE(args),
			 cbpf_prog_len(cbpf_dbg_prog(sh->dbg)) - 1);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].kind == CBPF_DBG_BREAK && p[i].pc == pc && !p[i].cond) {
			fprintf(sh->out, "breakpoint already set!\n");
			goto show;
		}
	}
	cbpf_dbg_break(sh->dbg, pc, NULL, NULL, NULL);
show:
	cbpf_dbg_disasm(&cbpf_prog_insns(cbpf_dbg_prog(sh->dbg))[pc], pc, dis, sizeof(dis));
	fprintf(sh->out, "breakpoint at: %s\n", dis);
	return 0;
}

int cmd_break(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	const char *cond;
	unsigned id;
	long pc;

	if (!sh_ready(sh, CBPF_DBG_NEED_PROG, NULL))
		return 1;
	if (!*args) {
		cbpf_dbg_write_points(sh->out, sh->dbg);
		return 0;
	}
	if (sh_said(sh, cbpf_dbg_break_text(sh->dbg, args, &id, &pc, &cond, &diags), &diags, off))
		return 1;
	fprintf(sh->out, "breakpoint %u", id);
	if (pc >= 0)
		fprintf(sh->out, " at l%ld", pc);
	if (cond)
		fprintf(sh->out, " if %s", cond);
	fputc('\n', sh->out);
	return 0;
}

int cmd_watch(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	const struct cbpf_dbg_point *p;
	unsigned id, m;
	size_t n;

	if (!*args) {
		n = cbpf_dbg_points(sh->dbg, &p);
		for (size_t i = 0; i < n; i++)
			if (p[i].kind == CBPF_DBG_WATCH)
				fprintf(sh->out, "%u\twatch M[%u]\n", p[i].id, p[i].mem);
		return 0;
	}
	if (sh_said(sh, cbpf_dbg_watch_text(sh->dbg, args, &id, &m, &diags), &diags, off))
		return 1;
	fprintf(sh->out, "watch %u: M[%u]\n", id, m);
	return 0;
}

int cmd_delete(struct sh *sh, char *args, size_t off)
{
	char *rest = args, *w;
	int rc = 0;

	(void)off;
	if (!*args) {
		cbpf_dbg_delete_all(sh->dbg, -1);
		return 0;
	}
	while ((w = sh_word(&rest))) {
		uint64_t id;

		if (cbpf_dbg_number(w, false, &id) || id > UINT32_MAX ||
		    cbpf_dbg_delete(sh->dbg, (unsigned)id)) {
			sh_error(sh, "no breakpoint or watch " DIAG_QF " ('break' lists them)",
				 QUOTE(w));
			rc = 1;
		}
	}
	return rc;
}

int cmd_print(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_expr *e;
	uint64_t v;
	int err;

	if (!*args) {
		sh_error(sh, "print needs an expression, such as pkt[12:2] or M[1] + 1");
		return 1;
	}
	if (cbpf_dbg_expr_parse(args, &e, &diags)) {
		sh_diags(sh, &diags, off, NULL, 0);
		return 1;
	}
	err = cbpf_dbg_expr_eval(sh->dbg, e, &v);
	cbpf_dbg_expr_free(e);
	if (err == -EINVAL) {
		sh_error(sh, "division by zero");
		return 1;
	}
	if (err) {
		sh_error(sh,
			 DIAG_QF " has no value here (a packet byte not captured, a field of "
				 "the other kind of input, or no input)",
			 QUOTE(args));
		return 1;
	}
	fprintf(sh->out, "%#" PRIx64 " (%" PRIu64 ")\n", v, v);
	return 0;
}
