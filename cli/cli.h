/* SPDX-License-Identifier: MIT */
/* What cbpf-asm, cbpf-dbg and cbpf-xlate share: the pieces of a command-line program. */
#ifndef CBPF_CLI_H
#define CBPF_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cbpf.h"

/* Exit statuses: 0 success, 1 invalid input (or a refusal), 2 bad usage. */
#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE	 2

/* ---------------------------------------------------------------- cli.c: messages */

/* The program's name and usage lines, for the messages below; called first. Borrowed. */
void cli_init(const char *prog, const char *usage);
/* "PROG: MESSAGE" and the usage lines on stderr. Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) CBPF_PRINTF(1, 2);
/* "PROG: error: MESSAGE" on stderr. Returns CLI_EXIT_INVALID. */
int cli_error(const char *fmt, ...) CBPF_PRINTF(1, 2);
/* "PROG: warning: MESSAGE" on stderr. */
void cli_warning(const char *fmt, ...) CBPF_PRINTF(1, 2);
/* The usage error for what getopt_long (with opterr 0 and a leading ':') returned as c. */
int cli_getopt_error(int c, char *const *argv);
/* --version: "PROG (cbpf) VERSION" on stdout, then exit(0). */
_Noreturn void cli_version(void);
/* Whether messages to fd get colours: a terminal, and NO_COLOR not set. */
bool cli_color(int fd);

/* ---------------------------------------------------------------- output.c */

/* The output file: stdout, or a file replaced only when everything was written. */
struct cli_output {
	FILE *fp;
	const char *path; /* the target, or NULL for stdout */
	char *tmp;	  /* the temporary file being written, or NULL */
};

/* Opens stdout (path NULL or "-") or a temporary file beside path. 0 or a negative errno. */
int cli_output_open(struct cli_output *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int cli_output_commit(struct cli_output *o);
/* Removes the temporary file; the target is left as it was. */
void cli_output_abort(struct cli_output *o);

/* ---------------------------------------------------------------- input.c */

/*
 * Reads the whole of path (NULL: standard input) into a new NUL-terminated buffer; NUL bytes
 * are allowed inside. 0 or a negative errno; *buf (the caller frees it) and *len on success.
 */
int cli_slurp(const char *path, char **buf, size_t *len);

#endif
