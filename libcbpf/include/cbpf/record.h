/* SPDX-License-Identifier: MIT */
/* Recording what programs call: traced runs, strace and audit logs, and the policies they make. */
#ifndef LIBCBPF_RECORD_H
#define LIBCBPF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "policy.h"

/* ---------------------------------------------------------------- one system call */

/* One system call as a tracer or a log saw it. */
struct cbpf_syscall_event {
	int pid;	     /* the caller's, in the tracer's pid namespace; 0 when unknown */
	enum cbpf_arch arch; /* x32 when an x86_64 number carries CBPF_X32_SYSCALL_BIT */
	uint32_t nr;	     /* as seccomp_data.nr (with the x32 bit); see name */
	const char *name;    /* the syscall's name when the source gave one (strace), or NULL */
	unsigned known;	     /* bit i set: args[i] holds argument i (a tracer: all six) */
	uint64_t args[6];
	uint64_t ip; /* the instruction pointer, 0 when unknown */
	/* (logs) where the event was read */
	const char *file;
	unsigned line;
};

/*
 * The arguments of ev written into buf as strace writes the ones it names, for reports: known
 * flags and constants by name on ev->arch (socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0),
 * mmap(..., PROT_READ|PROT_EXEC, ...)), anything else in hex. Always terminated. Returns the
 * length it needed, like snprintf.
 */
CBPF_API int cbpf_syscall_args_format(const struct cbpf_syscall_event *ev, char *buf, size_t size);

/* ---------------------------------------------------------------- a recording */

/* What a recording is written as. */
enum cbpf_record_format {
	CBPF_RECORD_MINIJAIL, /* a minijail policy file */
	CBPF_RECORD_OCI,      /* a Docker / OCI seccomp profile (JSON) */
};

/* The set of (architecture, syscall, argument values) that a run needs. Opaque. */
struct cbpf_recording;

struct cbpf_recording_opts {
	/*
	 * Keep the arguments that usually take one constant (socket's family and type, ioctl's
	 * request, prctl's option, clone's flags, personality, mmap's and mprotect's PROT_EXEC),
	 * so that the policy allows those values only.
	 */
	bool args;
};

/* A new, empty recording (opts NULL: no arguments kept). 0 or -ENOMEM. */
CBPF_API int cbpf_recording_new(const struct cbpf_recording_opts *opts,
				struct cbpf_recording **out);
/* Frees rec; NULL is allowed. */
CBPF_API void cbpf_recording_free(struct cbpf_recording *rec);
/*
 * Adds one call. ev->name is used when set, else ev->arch's table names ev->nr. Returns 0,
 * -ENOENT (no such syscall on that architecture: nothing added) or -ENOMEM.
 */
CBPF_API int cbpf_recording_add(struct cbpf_recording *rec, const struct cbpf_syscall_event *ev);
/*
 * Adds what policy allows (its rules whose action is allow or log), as a recording of them:
 * how an existing recording is merged with a new run. A condition the recording cannot keep
 * makes that syscall unconditional. 0 or -ENOMEM.
 */
CBPF_API int cbpf_recording_add_policy(struct cbpf_recording *rec,
				       const struct cbpf_policy *policy);
/* How many (architecture, syscall) pairs rec holds. */
CBPF_API size_t cbpf_recording_count(const struct cbpf_recording *rec);
/* The architectures rec has calls of: bit 1 << enum cbpf_arch for each. */
CBPF_API unsigned cbpf_recording_arch_mask(const struct cbpf_recording *rec);

struct cbpf_recording_write_opts {
	/* The architectures the policy is for; none: those the recording saw (the host's when it
	 * saw none). A call of another architecture is left out. */
	const enum cbpf_arch *arches;
	size_t n_arches;
	/* Only the rules, without the header (minijail) or as a bare "syscalls" list (OCI): the
	 * lines a policy lacks, for --learn. */
	bool rules_only;
};

/*
 * Writes rec as a policy that allows what it holds and nothing else: minijail text (the default
 * action kill-process, minijail's; a statement per syscall, "[arch=...]" where the
 * architectures differ) or an OCI profile (defaultAction SCMP_ACT_ERRNO, EPERM, as Docker's).
 * The architectures are named in a first comment line (minijail), which
 * cbpf_recording_read_arches reads back. Returns 0 or -EIO (fp failed).
 */
CBPF_API int cbpf_recording_write(FILE *fp, const struct cbpf_recording *rec,
				  enum cbpf_record_format format,
				  const struct cbpf_recording_write_opts *opts);
/*
 * The architectures a minijail recording names in its "# architectures:" comment, into
 * out[0..CBPF_ARCH_COUNT). Returns how many (0: none named).
 */
CBPF_API size_t cbpf_recording_read_arches(const char *src, size_t len, enum cbpf_arch *out);

/* ---------------------------------------------------------------- logs */

enum cbpf_trace_form {
	CBPF_TRACE_AUTO,   /* audit when a line holds "type=1326" or "type=SECCOMP", else strace */
	CBPF_TRACE_STRACE, /* strace -f output, with or without -tt, -T, -o's "PID " prefix */
	CBPF_TRACE_AUDIT,  /* kernel audit records type=1326 (auditd's log, dmesg, journalctl) */
	/* a recording cbpf wrote (cbpf_recording_write: a minijail policy naming its
	 * architectures, or an OCI profile): one call per syscall and per argument values kept,
	 * the other arguments 0; AUTO takes a text that starts with '{' or names its
	 * architectures in a "# architectures:" line as one */
	CBPF_TRACE_RECORDING,
};

typedef int (*cbpf_syscall_fn)(void *ctx, const struct cbpf_syscall_event *ev);

/*
 * Reads a log of system calls from src[0..len), calling fn for each call it names (a nonzero
 * return stops the reading and is returned). Lines that are not calls (signals, exits, resumed
 * halves of a call already counted, audit records of other types) are skipped; a line that
 * looks like neither is a located warning ("file:N: cannot read ..."), and the rest is read.
 * A syscall unknown on its architecture is a located warning too. Arguments are decoded from
 * strace's text where they are numbers or named constants (a string, a structure or an
 * array is not: its bit in ev->known is clear). Returns 0, fn's value, -EINVAL (not one call
 * could be read; a diagnostic says why) or -ENOMEM.
 */
CBPF_API int cbpf_trace_read(const char *src, size_t len, const char *file,
			     enum cbpf_trace_form form, cbpf_syscall_fn fn, void *ctx,
			     struct cbpf_diags *diags);

/* ---------------------------------------------------------------- tracing a run */

struct cbpf_trace_opts {
	/* Called for every system call of the command and everything it starts, at its entry
	 * (before any seccomp filter decides), from the first execve of the command on. A nonzero
	 * return ends the tracing: the processes are killed. */
	cbpf_syscall_fn on_syscall;
	void *ctx;
	/* Called in the child after it is traced and before it runs the command, as the last thing
	 * before execvp (installing a filter); a nonzero return is an errno: the command is not
	 * run. May be NULL. */
	int (*child_setup)(void *ctx);
	/* Called in the parent with the command's pid once it runs (for forwarding signals). */
	void (*started)(void *ctx, int pid);
};

/*
 * Runs argv[0] (found on PATH) with argv under ptrace, following every thread, child and exec'd
 * program, until all of them have ended; signals reach them as they would untraced, and job
 * control stops work. *status receives the command's wait status (waitpid's). Returns 0,
 * -ENOENT or -EACCES (the command could not be run: *status is that of a child that exited
 * 127 or 126; a diagnostic names it), -EPERM (ptrace refused), -ENOMEM, or on_syscall's value.
 */
CBPF_API int cbpf_trace_run(char *const argv[], const struct cbpf_trace_opts *opts, int *status,
			    struct cbpf_diags *diags);

/* ---------------------------------------------------------------- which rule */

/*
 * The rule of policy that decides call ev (arguments as 64-bit values, compared on their low
 * 32 bits on 32-bit architectures), as the rules read: *action gets its action, *rule the rule
 * (NULL: the default action, or the bad-architecture action when ev->arch is not one of the
 * policy's). Returns 0, or -ENOENT when ev's syscall has no name on its architecture (then the
 * default action).
 */
CBPF_API int cbpf_policy_decide(const struct cbpf_policy *policy,
				const struct cbpf_syscall_event *ev, uint32_t *action,
				const struct cbpf_policy_rule **rule);

#endif
