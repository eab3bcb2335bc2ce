// SPDX-License-Identifier: MIT
/* The validator's reports: a problem located in the source and named with its kernel rule. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "classic/check_impl.h"
#include "util/diag_int.h"

void check_report(struct checker *c, enum cbpf_severity severity, long insn, const char *rule,
		  const char *fmt, ...)
{
	const struct cbpf_srcloc *loc = NULL;
	va_list ap;
	char *msg;
	int err;

	if (severity == CBPF_SEV_ERROR)
		c->errors++;
	if (!c->diags)
		return;
	va_start(ap, fmt);
	msg = diag_vformat(fmt, ap);
	va_end(ap);
	if (!msg)
		goto nomem;
	if (insn >= 0)
		loc = cbpf_prog_srcloc(c->prog, (size_t)insn);
	err = cbpf_diags_add(c->diags, severity, c->prog ? cbpf_prog_file(c->prog) : NULL,
			     loc ? loc->line : 0, loc ? loc->col : 0, loc ? loc->len : 0, insn,
			     rule ? "%s [%s]" : "%s", msg, rule ? rule : "");
	free(msg);
	if (!err)
		return;
nomem:
	c->err = -ENOMEM;
}
