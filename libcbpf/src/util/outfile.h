/* SPDX-License-Identifier: MIT */
/* Output files that are never left half-written, and never replaced when they are not files. */
#ifndef CBPF_OUTFILE_H
#define CBPF_OUTFILE_H

#include <stdio.h>

/*
 * "-" is stdout. A regular file (or a name not taken yet) is written under a temporary name
 * beside it (".NAME.XXXXXX", NAME shortened when the whole would pass the directory's name
 * length limit), synced to disk and renamed over it on commit; through a symbolic link, beside
 * the file the link names, so the link stays. Anything else (a FIFO, /dev/null, a terminal) is
 * opened and written straight through, as tcpdump -w and shell redirection do: renaming over it
 * would replace it.
 *
 * What is written to fp goes through the outfile, which keeps the errno of the first write that
 * failed: commit reports "No space left on device" or "Bad file descriptor", not the EIO stdio
 * leaves once its buffer is dropped. fp is unbuffered for stdout, so that what the program
 * prints there itself stays in order with it.
 */
struct cbpf_outfile {
	FILE *fp;			/* what to write to */
	struct cbpf_outfile_sink *sink; /* where fp's bytes go; private to outfile.c */
};

/* Opens path for writing. 0 or a negative errno (-EISDIR for a directory). */
int cbpf_outfile_open(struct cbpf_outfile *o, const char *path);
/*
 * Flushes and closes fp (stdout is flushed, and stays open), then syncs the temporary file,
 * renames it over its target and syncs the directory. 0 or the negative errno of the first
 * thing that failed; on error the temporary file is removed.
 */
int cbpf_outfile_commit(struct cbpf_outfile *o);
/* Closes fp and removes the temporary file; the target stays as it was. */
void cbpf_outfile_abort(struct cbpf_outfile *o);
/*
 * The negative errno of the first write to fp that failed, or 0: what to report when a writer
 * says -EIO (common.h: a FILE * failed), before commit or abort.
 */
int cbpf_outfile_error(const struct cbpf_outfile *o);

/*
 * Removes every temporary file that outfiles have open: for a program's handler of SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE, before it dies of the signal (cli/signals.c). Async-signal-safe:
 * it only reads a table of names and calls unlink(2). The library installs no handler itself.
 * (A program with more than 64 outputs open at once has the others left out.)
 */
void cbpf_outfile_remove_temps(void);

#endif
