/* SPDX-License-Identifier: MIT */
/* Seccomp policies (Docker/OCI JSON, minijail text) read, checked and compiled to filters. */
#ifndef LIBCBPF_POLICY_H
#define LIBCBPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "prog.h"
#include "seccomp.h"

/* ---------------------------------------------------------------- policies */

enum cbpf_policy_lang {
	CBPF_POLICY_AUTO, /* JSON when the first significant character is '[', or '{' followed
			   * by what is no syscall name ('"', '}'); minijail text otherwise
			   * ("{read, write}: allow" too) */
	CBPF_POLICY_JSON, /* a Docker / OCI seccomp profile */
	CBPF_POLICY_TEXT, /* a minijail policy file */
};

/* Options for reading a policy and generating its filter. A zeroed struct (or NULL) is valid. */
struct cbpf_policy_opts {
	const char *file; /* name for diagnostics; the base of relative @include paths */
	enum cbpf_policy_lang lang;

	/* The architectures the filter checks. None given: a JSON profile's own (its archMap entry
	 * for the host, or "architectures"), else the host's. */
	const enum cbpf_arch *arches;
	size_t n_arches;
	/* The machine the container runs on: picks the archMap entry and decides includes and
	 * excludes by "arches" in a JSON profile, as Docker on that machine would; its
	 * architecture is always in a profile's filter, as libseccomp's native one is in runc's
	 * (unless arches is given). CBPF_ARCH_NONE:
	 * cbpf_arch_native(), or arches[0] when arches leaves this machine's out. */
	enum cbpf_arch host;
	/* The container's capabilities (bounding set) for JSON includes/excludes by "caps", as a
	 * NULL-terminated list of names ("CAP_SYS_ADMIN" or "SYS_ADMIN", any case; "ALL" for every
	 * one; an unknown name is an error). NULL: Docker's default set. */
	const char *const *caps;
	/* The kernel version for JSON minKernel ("5.10"; a bad one is an error). NULL: the running
	 * kernel's. */
	const char *kernel;

	/* Override the policy's default action (what a syscall no rule names gets). */
	bool has_default_action;
	uint32_t default_action;
	/* The action for an architecture the filter does not list. Default: kill_thread, as
	 * libseccomp's SCMP_ACT_KILL, which Docker and runc keep. */
	bool has_badarch_action;
	uint32_t badarch_action;
	/* Every action but allow becomes log (rules, the default, the bad-arch action), as
	 * minijail's --use-ret-log: the filter only reports what it would refuse, for writing a
	 * policy. Applied after the two overrides above. */
	bool log_mode;

	/* (text) A syscall missing on some of the architectures is a warning and has no rule
	 * there, instead of an error; (JSON) an architecture cbpf has no table for is skipped with
	 * a warning. A name no architecture has (a typo) stays an error in text; in JSON it is a
	 * warning and left out, as runc leaves out the names libseccomp does not know. */
	bool lenient;
	/* (JSON) Two rules for one syscall with different actions that a call can meet both of are
	 * an error, instead of what runc makes of them (libseccomp keeps a syscall's first rule
	 * without conditions; one without conditions replaces the argument rules before it; rules
	 * with conditions get the action of libseccomp 2.5.4's argument tree, the rules added in
	 * file order) with a warning. Rules libseccomp refuses (EEXIST) or never finishes adding
	 * are an error either way. */
	bool strict;
	bool no_includes;    /* refuse @include (text) */
	bool no_comments;    /* generate the program without per-instruction comments */
	unsigned max_errors; /* 0 means 20 */
	/* The most a file read (cbpf_policy_parse_file, an @include) may hold, in bytes; a larger
	 * one is an error. 0 means CBPF_MAX_INPUT_SIZE (64 MiB). */
	size_t max_file_size;
};

/* A parsed policy: architectures, default actions and rules. Opaque; see the accessors below. */
struct cbpf_policy;

/*
 * Parses a policy from src[0..len) (opts->lang picks the front end) and checks it: unknown
 * syscall names, bad actions and architectures, argument indexes over 5, malformed JSON,
 * contradicting rules for one syscall are located errors (in a JSON profile they are resolved
 * as runc and libseccomp resolve them, with a warning, unless opts->strict); so is a policy
 * with no rules and no
 * default action (an empty file). Returns 0 and sets *out, or -EINVAL
 * (diagnostics in diags), -ENOENT (an @include file missing), -E2BIG (an @include file larger
 * than opts->max_file_size), -ENOMEM.
 */
CBPF_API int cbpf_policy_parse(const char *src, size_t len, const struct cbpf_policy_opts *opts,
			       struct cbpf_policy **out, struct cbpf_diags *diags);
/*
 * The same, reading the file at path (which also names it in diagnostics unless opts->file); it
 * may also return -ENOENT (no such file), -E2BIG (larger than opts->max_file_size) and -EIO (it
 * cannot be read: the diagnostic says why).
 */
CBPF_API int cbpf_policy_parse_file(const char *path, const struct cbpf_policy_opts *opts,
				    struct cbpf_policy **out, struct cbpf_diags *diags);
/* Frees policy; NULL is allowed. */
CBPF_API void cbpf_policy_free(struct cbpf_policy *policy);

/*
 * Generates the classic seccomp filter for policy: the architecture check, a binary search over
 * ranges of syscall numbers that share an action, argument checks, one return per action.
 * Instructions carry comments (syscall names, conditions) unless opts->no_comments; the program
 * is of kind CBPF_KIND_SECCOMP. Returns 0 and sets *out, -E2BIG (more than CBPF_MAXINSNS
 * instructions), -ENOMEM.
 */
CBPF_API int cbpf_policy_gen(const struct cbpf_policy *policy, const struct cbpf_policy_opts *opts,
			     struct cbpf_prog **out, struct cbpf_diags *diags);

/* Parse and generate in one call. Same returns as the two. */
CBPF_API int cbpf_policy_compile(const char *src, size_t len, const struct cbpf_policy_opts *opts,
				 struct cbpf_prog **out, struct cbpf_diags *diags);
CBPF_API int cbpf_policy_compile_file(const char *path, const struct cbpf_policy_opts *opts,
				      struct cbpf_prog **out, struct cbpf_diags *diags);

/* How a condition compares argument arg (64 bits; the low 32 on 32-bit architectures). */
enum cbpf_cmp {
	CBPF_CMP_EQ, /* arg == value */
	CBPF_CMP_NE, /* arg != value */
	CBPF_CMP_LT, /* arg < value, unsigned */
	CBPF_CMP_LE,
	CBPF_CMP_GT,
	CBPF_CMP_GE,
	CBPF_CMP_MASKED_EQ, /* (arg & mask) == value */
	CBPF_CMP_MASKED_NE, /* (arg & mask) != value */
};

struct cbpf_policy_cond {
	unsigned arg; /* 0..5 */
	enum cbpf_cmp op;
	/* MASKED_*; all ones otherwise, but for an order (LT LE GT GE) whose mask lies within one
	 * 32-bit half: (arg & mask) op value, that half's masked bits alone (the tests
	 * libseccomp 2.5.4's filter makes on a stale accumulator, docs/policy.md) */
	uint64_t mask;
	uint64_t value;
};

/*
 * One rule: syscall gets action when every condition holds (none: always). Rules of one syscall
 * are tried in the order written; a fallback rule (minijail's "; return N") applies when none of
 * that syscall's conditional rules matched; a syscall no rule matches gets the default action.
 */
struct cbpf_policy_rule {
	const char *syscall;
	uint32_t action;
	bool fallback;
	size_t n_conds;
	const struct cbpf_policy_cond *conds;
	unsigned arch_mask; /* bit 1 << enum cbpf_arch: the architectures it is for; 0: all */
	const char *file;   /* where it was written */
	unsigned line, col;
};

CBPF_API size_t cbpf_policy_arches(const struct cbpf_policy *policy, const enum cbpf_arch **arches);
CBPF_API uint32_t cbpf_policy_default_action(const struct cbpf_policy *policy);
CBPF_API uint32_t cbpf_policy_badarch_action(const struct cbpf_policy *policy);
CBPF_API size_t cbpf_policy_rules(const struct cbpf_policy *policy,
				  const struct cbpf_policy_rule **rules);
/*
 * The flags a JSON profile asks the filter to be installed with ("flags":
 * SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW, _WAIT_KILLABLE_RECV), as CBPF_SECCOMP_FLAG_* for
 * cbpf_seccomp_install; 0 for a text policy. An unknown flag is a parse error.
 */
CBPF_API unsigned cbpf_policy_flags(const struct cbpf_policy *policy);

/* ---------------------------------------------------------------- the host */

/*
 * The number of a capability (include/uapi/linux/capability.h): "CAP_SYS_ADMIN" or "SYS_ADMIN",
 * in any case. Returns 0 (and *cap unless NULL) or -ENOENT.
 */
CBPF_API int cbpf_cap_parse(const char *name, int *cap);
/* A kernel version as minKernel and uname -r write it: "5.10", "6.1.0-13-amd64". 0 (and
 * *major, *minor unless NULL) or -EINVAL. */
CBPF_API int cbpf_kernel_version_parse(const char *text, unsigned *major, unsigned *minor);

/* ---------------------------------------------------------------- installing a filter */

/*
 * Installs prog as a seccomp filter on the calling thread: prctl(PR_SET_NO_NEW_PRIVS) unless
 * CBPF_SECCOMP_KEEP_PRIVS, then seccomp(SECCOMP_SET_MODE_FILTER, flags). With
 * CBPF_SECCOMP_FLAG_NEW_LISTENER the listener descriptor goes to *listener (may be NULL
 * otherwise). Every later syscall of the thread runs under the filter. Returns 0, -EINVAL (the
 * kernel refused the program or a flag; a diagnostic says so), -EPERM, -ENOTSUP (no seccomp
 * filters in this kernel), -E2BIG (too long).
 */
CBPF_API int cbpf_seccomp_install(const struct cbpf_prog *prog, unsigned flags, int *listener,
				  struct cbpf_diags *diags);

#endif
