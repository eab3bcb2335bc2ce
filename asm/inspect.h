/* SPDX-License-Identifier: MIT */
/* cbpf-asm's seccomp views: --explain, --audit, --to minijail|oci, --diff, --pid, --replay. */
#ifndef CBPF_ASM_INSPECT_H
#define CBPF_ASM_INSPECT_H

#include "cli.h"

enum inspect_mode {
	INSPECT_NONE,
	INSPECT_EXPLAIN,
	INSPECT_AUDIT,
	INSPECT_DECOMPILE,
};

struct inspect {
	enum inspect_mode mode;
	enum cbpf_policy_lang lang; /* INSPECT_DECOMPILE */
	bool diff;		    /* --diff A B */
	const char *diff_b;	    /* B */
	long pid;		    /* --pid, or -1 */
	long fd;		    /* --fd, or -1 */
	long filter;		    /* --filter, or -1 */
	const char *output;	    /* -o */
	const char *replay;	    /* --replay TRACE */
	size_t max_input;	    /* --max-input-size, for the trace */
};

/* What the mode writes for the program in p (a seccomp filter, checked). An exit status. */
int inspect_run(const struct inspect *in, struct cli_prog *p);
/* --diff: loads both (a filter in any form, or a policy) and compares them. An exit status:
 * 0 equal, 1 different, 2 trouble (as diff(1)). */
int inspect_diff(const struct inspect *in, const struct cli_input *inp);
/* --pid: the filters of a process, or the filter on its socket --fd, into *progs (each owned:
 * free with cbpf_prog_free, then free the array), with a label each. An exit status. */
int inspect_pid(const struct inspect *in, struct cbpf_prog ***progs, char ***labels, size_t *n);

/* --replay: the trace's calls through the filter in p (with p->policy's rules when kept). An
 * exit status: 0 every call allowed, 1 some denied or bad input (a message says which). */
int inspect_replay(const struct inspect *in, struct cli_prog *p);

#endif
