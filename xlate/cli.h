/* SPDX-License-Identifier: MIT */
/* cbpf-xlate's own pieces: the output file. */
#ifndef CBPF_XLATE_CLI_H
#define CBPF_XLATE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out {
	FILE *fp;
	const char *path; /* the target, or NULL for stdout */
	char *tmp;	  /* the temporary file being written, or NULL */
};

/* Opens stdout (path NULL or "-") or a temporary file beside path. 0 or a negative errno. */
int out_open(struct out *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int out_commit(struct out *o);
/* Removes the temporary file; the target is left as it was. */
void out_abort(struct out *o);

#endif
