/* SPDX-License-Identifier: MIT */
/* Diagnostics: located messages collected in a caller-owned list, printed like gcc and clang. */
#ifndef LIBCBPF_DIAG_H
#define LIBCBPF_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common.h"

enum cbpf_severity {
	CBPF_SEV_NOTE,
	CBPF_SEV_WARNING,
	CBPF_SEV_ERROR,
};

struct cbpf_diag {
	enum cbpf_severity severity;
	char *file;    /* owned; NULL when the input had no name */
	unsigned line; /* from 1; 0 when the problem has no source position */
	unsigned col;  /* from 1 */
	unsigned len;  /* length of the offending token, for the caret underline; 0 = 1 */
	long insn;     /* instruction index, or -1 */
	char *msg;     /* owned; lowercase, tokens quoted */
};

/* A caller-owned list. Zero-initialise it (or call cbpf_diags_init) and free it after use. */
struct cbpf_diags {
	struct cbpf_diag *v;
	size_t n, cap;
	size_t errors; /* how many entries are CBPF_SEV_ERROR */
};

CBPF_API void cbpf_diags_init(struct cbpf_diags *diags);
/* Frees every entry; the list is left empty and reusable. NULL is allowed. */
CBPF_API void cbpf_diags_free(struct cbpf_diags *diags);

/*
 * Appends one diagnostic. diags may be NULL (the message is dropped). file is copied.
 * Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_diags_add(struct cbpf_diags *diags, enum cbpf_severity severity, const char *file,
			    unsigned line, unsigned col, unsigned len, long insn, const char *fmt,
			    ...) CBPF_PRINTF(8, 9);

struct cbpf_diag_print_opts {
	bool color;	      /* ANSI colours for the severity and caret */
	const char *fallback; /* name printed when a diagnostic has no file ("<stdin>") */
	unsigned max_errors;  /* after this many errors, one line says how many more; 0: all */
};

/*
 * Prints every diagnostic to out: "file:line:col: error: msg", then the source line and a caret
 * when src (the text the diagnostics point into) is given; "file: insn N: error: msg" for a
 * position-less one. With opts->max_errors, what follows the last error shown is left out and
 * one line counts it. opts may be NULL. Returns 0 or -EIO.
 */
CBPF_API int cbpf_diags_print(FILE *out, const struct cbpf_diags *diags, const char *src,
			      size_t srclen, const struct cbpf_diag_print_opts *opts);

#endif
