/* SPDX-License-Identifier: MIT */
/* The one diagnostic formatter, quoting of input in messages, and clipped source excerpts. */
#ifndef CBPF_DIAG_INT_H
#define CBPF_DIAG_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cbpf/diag.h"

/*
 * fmt and ap formatted into a new string of exactly the size needed (the caller frees it): no
 * message is ever cut. NULL when out of memory.
 */
char *diag_vformat(const char *fmt, va_list ap) CBPF_PRINTF(1, 0);
/* cbpf_diags_add with a va_list: what every wrapper that adds its own context calls. */
int diags_vadd(struct cbpf_diags *diags, enum cbpf_severity severity, const char *file,
	       unsigned line, unsigned col, unsigned len, long insn, const char *fmt, va_list ap)
	CBPF_PRINTF(8, 0);
/* Every diagnostic of from added to the end of to. 0 or -ENOMEM. */
int diags_append(struct cbpf_diags *to, const struct cbpf_diags *from);

/*
 * Messages quote pieces of the input ('token'); a long one (a 10 MB "word") is cut after
 * DIAG_QUOTE_MAX bytes, never inside a UTF-8 sequence, and "..." follows:
 *	diag(..., "unknown syscall " DIAG_QF, DIAG_QA(s, len));
 */
#define DIAG_QUOTE_MAX 48
int diag_quote_len(const char *s, size_t len);
#define DIAG_QF		"'%.*s%s'"
#define DIAG_QA(s, len) diag_quote_len((s), (len)), (s), ((len) > DIAG_QUOTE_MAX ? "..." : "")

/*
 * How many bytes of a source line an excerpt shows at most: a longer line is shown as a window
 * around the column, "..." marking what is left out on either side, as clang does.
 */
#define DIAG_EXCERPT_MAX 120
/*
 * The source line text (len bytes, no newline), then a caret under byte column col (from 1)
 * and '~' under the rest of the ulen bytes from there; tabs are kept so that the caret lines
 * up, and UTF-8 continuation bytes take no room.
 */
void diag_excerpt(FILE *out, const char *text, size_t len, unsigned col, unsigned ulen, bool color);

#endif
