/* SPDX-License-Identifier: MIT */
/* cbpf-xlate's seccomp authoring loop: --record (from a run or from logs), --report, --learn. */
#ifndef CBPF_XLATE_RECORD_H
#define CBPF_XLATE_RECORD_H

#include <stdbool.h>

#include "cbpf.h"

struct record_opts {
	const char *file; /* --record FILE */
	bool format_set;  /* --format minijail|oci */
	enum cbpf_record_format format;
	bool args;			      /* --args */
	const char *from_strace, *from_audit; /* --from-strace LOG, --from-audit LOG */
	bool report, learn;		      /* --report, --learn */
	const enum cbpf_arch *arches;	      /* --arch */
	size_t n_arches;
	char **argv; /* the command */
	int verbose;
};

/* --record: runs the command (or reads the logs) and writes or merges FILE. An exit status. */
int record_run(const struct record_opts *o);
/*
 * --report, --learn: runs the command under filter (installed with flags; not installed for
 * --learn), naming each call it does not allow, with policy's rule (policy may be NULL: a
 * filter read from a file) and policy_file in the messages. An exit status: the command's.
 */
int report_run(const struct record_opts *o, const struct cbpf_prog *filter, unsigned flags,
	       const struct cbpf_policy *policy, bool policy_json);

#endif
