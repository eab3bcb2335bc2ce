/* SPDX-License-Identifier: MIT */
/* Output files that are never left half-written, and never replaced when they are not files. */
#ifndef CBPF_OUTFILE_H
#define CBPF_OUTFILE_H

#include <stdio.h>

/*
 * "-" is stdout. A regular file (or a name not taken yet) is written under a temporary name
 * beside it and renamed over it on commit; through a symbolic link, beside the file the link
 * names, so the link stays. Anything else (a FIFO, /dev/null, a terminal) is opened and written
 * straight through, as tcpdump -w and shell redirection do: renaming over it would replace it.
 */
struct cbpf_outfile {
	FILE *fp;     /* what to write to */
	char *tmp;    /* the temporary file, renamed over target on commit; NULL: straight */
	char *target; /* the file the temporary one replaces (path with links resolved) */
};

/* Opens path for writing. 0 or a negative errno (-EISDIR for a directory). */
int cbpf_outfile_open(struct cbpf_outfile *o, const char *path);
/* Flushes and closes fp (stdout stays open), then renames the temporary file over its target.
 * 0 or a negative errno; on error the temporary file is removed. */
int cbpf_outfile_commit(struct cbpf_outfile *o);
/* Closes fp and removes the temporary file; the target stays as it was. */
void cbpf_outfile_abort(struct cbpf_outfile *o);

#endif
