/* SPDX-License-Identifier: MIT */
/* cbpf-asm's output: stdout, or a file replaced only when everything was written. */
#ifndef CBPF_ASM_OUTPUT_H
#define CBPF_ASM_OUTPUT_H

#include <stdio.h>

struct output {
	FILE *fp;
	const char *path; /* the target, or NULL for stdout */
	char *tmp;        /* the temporary file being written, or NULL */
};

/* Opens stdout (path NULL or "-") or a temporary file beside path. 0 or a negative errno. */
int output_open(struct output *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int output_commit(struct output *o);
/* Removes the temporary file; the target is left as it was. */
void output_abort(struct output *o);

#endif
