/* SPDX-License-Identifier: MIT */
/* A trace replayed through a seccomp filter: the calls it would deny, and what it never reached. */
#ifndef LIBCBPF_REPLAY_H
#define LIBCBPF_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "policy.h"
#include "prog.h"
#include "record.h"

/* The calls of one syscall that the filter gave one action other than allow (and one rule). */
struct cbpf_replay_denial {
	enum cbpf_arch arch;
	uint32_t nr;			     /* as seccomp_data.nr */
	const char *name;		     /* its name on arch (static), or NULL: none */
	uint32_t action;		     /* the filter's */
	const struct cbpf_policy_rule *rule; /* the policy's rule that decided (borrowed from
					      * it), or NULL: its default or bad-arch action,
					      * or no policy given */
	bool other_arch;		     /* (policy given) arch is none of the policy's:
					      * its bad-architecture action decided */
	uint64_t count;
	unsigned line; /* the first such call's line in the trace */
};

struct cbpf_replay_opts {
	/* The policy the filter was compiled from, or NULL: its rules are named and counted. It
	 * must outlive the replay. */
	const struct cbpf_policy *policy;
	enum cbpf_trace_form form; /* CBPF_TRACE_AUTO tells strace, audit and recordings apart */
	const char *file;	   /* names the trace in diagnostics and the report */
};

/* What a replay found. Opaque. */
struct cbpf_replay;

/*
 * Runs every call of the trace src[0..len) (read by cbpf_trace_read: an strace -f log, audit
 * records, a recording) through prog, a seccomp filter, as the kernel would: seccomp_data gets
 * the call's architecture, number and the arguments the trace gives; an argument it does not
 * give (a string, a structure, all of them in an audit record) is 0; on 32-bit architectures
 * the low half of each. Lines that cannot be read are warnings in diags and the rest is
 * replayed. Returns 0 and sets *out (free with cbpf_replay_free), -EINVAL (no call could be
 * read, or prog cannot run: diags says why), -ENOMEM.
 */
CBPF_API int cbpf_replay_run(const struct cbpf_prog *prog, const char *src, size_t len,
			     const struct cbpf_replay_opts *opts, struct cbpf_replay **out,
			     struct cbpf_diags *diags);
/* Frees r; NULL is allowed. */
CBPF_API void cbpf_replay_free(struct cbpf_replay *r);

/* How many calls were replayed; *denied (may be NULL) how many got another action than allow. */
CBPF_API uint64_t cbpf_replay_calls(const struct cbpf_replay *r, uint64_t *denied);
/* The denied calls grouped by (architecture, syscall, action, rule), most calls first. */
CBPF_API size_t cbpf_replay_denials(const struct cbpf_replay *r,
				    const struct cbpf_replay_denial **out);
/* How often each instruction of the filter ran; *insns (may be NULL) the filter's instructions,
 * *n their number. */
CBPF_API const uint64_t *cbpf_replay_insn_hits(const struct cbpf_replay *r,
					       const struct cbpf_insn **insns, size_t *n);
/* How many calls each rule of the policy decided, or NULL when no policy was given; *rules (may
 * be NULL) the policy's rules (cbpf_policy_rules), *n their number. */
CBPF_API const uint64_t *cbpf_replay_rule_hits(const struct cbpf_replay *r,
					       const struct cbpf_policy_rule **rules, size_t *n);

/*
 * The report: a summary line, the denied calls by syscall with their count, action (errnos by
 * name, errno(EPERM)) and deciding rule (file:line) or "default action", the first line of the
 * trace each was seen on; then the rules no call reached and the instructions none ran. 0 or
 * -EIO.
 */
CBPF_API int cbpf_replay_write(FILE *fp, const struct cbpf_replay *r);

#endif
