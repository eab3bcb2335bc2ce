/* SPDX-License-Identifier: MIT */
/* What cbpf-asm, cbpf-dbg and cbpf-xlate share: the pieces of a command-line program. */
#ifndef CBPF_CLI_H
#define CBPF_CLI_H

#include <stdio.h>

/* ---------------------------------------------------------------- output.c */

/* The output file: stdout, or a file replaced only when everything was written. */
struct cli_output {
	FILE *fp;
	const char *path; /* the target, or NULL for stdout */
	char *tmp;        /* the temporary file being written, or NULL */
};

/* Opens stdout (path NULL or "-") or a temporary file beside path. 0 or a negative errno. */
int cli_output_open(struct cli_output *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int cli_output_commit(struct cli_output *o);
/* Removes the temporary file; the target is left as it was. */
void cli_output_abort(struct cli_output *o);

#endif
