// SPDX-License-Identifier: MIT
/* The translator's diagnostics: errors located at the classic instruction they come from. */
#include <errno.h>
#include <stdarg.h>

#include "ebpf/xlate_int.h"
#include "util/diag_int.h"

void xl_report(struct xl *x, long pc, int err, const char *fmt, ...)
{
	const struct cbpf_srcloc *loc = pc >= 0 ? cbpf_prog_srcloc(x->prog, (size_t)pc) : NULL;
	va_list ap;

	va_start(ap, fmt);
	if (diags_vadd(x->diags, CBPF_SEV_ERROR, cbpf_prog_file(x->prog), loc ? loc->line : 0,
		       loc ? loc->col : 0, loc ? loc->len : 0, pc, fmt, ap))
		err = -ENOMEM;
	va_end(ap);
	if (!x->err || x->err == -EINVAL)
		x->err = err;
}
