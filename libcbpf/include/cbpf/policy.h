/* SPDX-License-Identifier: MIT */
/* Seccomp: syscall tables, actions, policies (Docker/OCI JSON, minijail text) compiled to filters. */
#ifndef LIBCBPF_POLICY_H
#define LIBCBPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "insn.h"

/* ---------------------------------------------------------------- architectures */

/* The architectures cbpf generates filters for. */
enum cbpf_arch {
	CBPF_ARCH_NONE,
	CBPF_ARCH_X86_64,
	CBPF_ARCH_I386,
	CBPF_ARCH_X32,
	CBPF_ARCH_AARCH64,
	CBPF_ARCH_ARM,
};
#define CBPF_ARCH_COUNT 5 /* CBPF_ARCH_X86_64 .. CBPF_ARCH_ARM */

/* include/uapi/linux/audit.h: what seccomp_data.arch holds. x32 shares x86_64's. */
#define CBPF_AUDIT_ARCH_X86_64 0xc000003eU
#define CBPF_AUDIT_ARCH_I386 0x40000003U
#define CBPF_AUDIT_ARCH_AARCH64 0xc00000b7U
#define CBPF_AUDIT_ARCH_ARM 0x40000028U
/* arch/x86/include/uapi/asm/unistd.h: __X32_SYSCALL_BIT, set in every x32 syscall number. */
#define CBPF_X32_SYSCALL_BIT 0x40000000U

/* "x86_64", "i386", "x32", "aarch64", "arm"; NULL for CBPF_ARCH_NONE or a bad value. */
CBPF_API const char *cbpf_arch_name(enum cbpf_arch arch);
/*
 * Parses an architecture name: the names above, the kernel's and Docker's aliases (amd64, x86,
 * 386, arm64) and libseccomp's SCMP_ARCH_* tokens, in any case. Returns 0 or -ENOENT.
 */
CBPF_API int cbpf_arch_parse(const char *name, enum cbpf_arch *out);
/* The AUDIT_ARCH_* value a filter compares seccomp_data.arch with; 0 for a bad arch. */
CBPF_API uint32_t cbpf_arch_audit(enum cbpf_arch arch);
/* The architecture libcbpf was built for, or CBPF_ARCH_NONE when it is none of the five. */
CBPF_API enum cbpf_arch cbpf_arch_native(void);

/* ---------------------------------------------------------------- system call tables */

/*
 * The number of system call name on arch, as seccomp_data.nr carries it (an x32 number includes
 * CBPF_X32_SYSCALL_BIT). Returns 0, -ENOENT (no such system call on arch; see
 * cbpf_syscall_exists) or -EINVAL (bad arch).
 */
CBPF_API int cbpf_syscall_nr(enum cbpf_arch arch, const char *name, uint32_t *nr);
/* The name of system call nr on arch, or NULL. Static storage, never freed. */
CBPF_API const char *cbpf_syscall_name(enum cbpf_arch arch, uint32_t nr);
/* True when name is a Linux system call on some architecture, including ones cbpf has no
 * table for (riscv_hwprobe, s390_runtime_instr, ...). */
CBPF_API bool cbpf_syscall_exists(const char *name);
/* The names in the table, sorted (strcmp): cbpf_syscall_at(0 .. cbpf_syscall_count() - 1). */
CBPF_API size_t cbpf_syscall_count(void);
CBPF_API const char *cbpf_syscall_at(size_t i);

/* ---------------------------------------------------------------- named constants */

/*
 * The constants policies compare arguments with (O_CLOEXEC, MADV_MERGEABLE, TCGETS2, AF_INET,
 * EPERM...), each with its value on each architecture, generated from the kernel's and libc's
 * headers (libcbpf/data/constants.csv).
 */

/*
 * The value of constant name (case matters) on arch, as a 64-bit number: a negative value of a
 * signed type is sign-extended (AT_FDCWD is 0xffffffffffffff9c), an unsigned one is not (~0UL is
 * 0xffffffff on a 32-bit architecture). Returns 0, -ENOENT (not defined on arch; see
 * cbpf_const_exists) or -EINVAL (bad arch).
 */
CBPF_API int cbpf_const_value(enum cbpf_arch arch, const char *name, uint64_t *value);
/* True when name is a constant on some architecture of the table, including ones cbpf does not
 * generate filters for yet (mips, ppc64le...). */
CBPF_API bool cbpf_const_exists(const char *name);
/*
 * The known names closest to name (edit distance ignoring case, at most a third of its length,
 * and at most one more than the best's): up to n (at most 8) of them into out[], best first,
 * only names defined on arch (any architecture for CBPF_ARCH_NONE). Returns how many it wrote.
 * The strings are static, never freed.
 */
CBPF_API size_t cbpf_const_suggest(enum cbpf_arch arch, const char *name, const char **out,
				   size_t n);
/*
 * The name of value within a family of constants on arch, for printing: family is a name
 * prefix ("AF_", "SOCK_", "MADV_", "SIG"), or "E" for errno numbers (the errno headers' names
 * only, not EPOLLIN or ECHO). Where several names share the value, the kernel's spelling wins
 * over libc's, then the first in strcmp order (EAGAIN, not EWOULDBLOCK), except AF_UNIX and
 * PF_UNIX. Returns NULL when none; static storage.
 */
CBPF_API const char *cbpf_const_name(enum cbpf_arch arch, const char *family, uint64_t value);

/* ---------------------------------------------------------------- actions */

/* include/uapi/linux/seccomp.h: a filter's return value is an action and 16 bits of data. */
#define CBPF_SECCOMP_RET_KILL_PROCESS 0x80000000U
#define CBPF_SECCOMP_RET_KILL_THREAD 0x00000000U
#define CBPF_SECCOMP_RET_TRAP 0x00030000U
#define CBPF_SECCOMP_RET_ERRNO 0x00050000U
#define CBPF_SECCOMP_RET_USER_NOTIF 0x7fc00000U
#define CBPF_SECCOMP_RET_TRACE 0x7ff00000U
#define CBPF_SECCOMP_RET_LOG 0x7ffc0000U
#define CBPF_SECCOMP_RET_ALLOW 0x7fff0000U
#define CBPF_SECCOMP_RET_ACTION_FULL 0xffff0000U
#define CBPF_SECCOMP_RET_DATA 0x0000ffffU

/*
 * Parses an action: allow, log, trap, kill_process, kill_thread (kill), user_notif, errno(N),
 * trace(N) (N a number or an errno name such as EPERM; "errno" alone is errno(EPERM), "trace"
 * alone trace(0)); '-' may stand for '_' (kill-process); libseccomp's SCMP_ACT_* names are
 * accepted too (SCMP_ACT_ERRNO(1)). Returns 0 or -EINVAL.
 */
CBPF_API int cbpf_seccomp_action_parse(const char *text, uint32_t *out);
/*
 * Writes the action's name into buf (always terminated): "allow", "errno(1)", "trace(3)",
 * "kill_process"...; a value no action has is printed in hex. Returns the length it needed,
 * like snprintf.
 */
CBPF_API int cbpf_seccomp_action_format(uint32_t action, char *buf, size_t size);
/* The errno number of a name such as "EPERM" (Linux's generic values). 0 or -ENOENT. */
CBPF_API int cbpf_errno_parse(const char *name, int *out);
/* The name of an errno number ("EPERM"), or NULL. */
CBPF_API const char *cbpf_errno_name(int err);

/*
 * The number of a capability (include/uapi/linux/capability.h): "CAP_SYS_ADMIN" or "SYS_ADMIN",
 * in any case. Returns 0 (and *cap unless NULL) or -ENOENT.
 */
CBPF_API int cbpf_cap_parse(const char *name, int *cap);
/* A kernel version as minKernel and uname -r write it: "5.10", "6.1.0-13-amd64". 0 (and
 * *major, *minor unless NULL) or -EINVAL. */
CBPF_API int cbpf_kernel_version_parse(const char *text, unsigned *major, unsigned *minor);

/* ---------------------------------------------------------------- policies */

enum cbpf_policy_lang {
	CBPF_POLICY_AUTO, /* JSON when the first significant character is '{' or '[', text
			   * otherwise */
	CBPF_POLICY_JSON, /* a Docker / OCI seccomp profile */
	CBPF_POLICY_TEXT, /* a minijail policy file */
};

/* Options for reading a policy and generating its filter. A zeroed struct (or NULL) is valid. */
struct cbpf_policy_opts {
	const char *file;           /* name for diagnostics; the base of relative @include paths */
	enum cbpf_policy_lang lang;

	/* The architectures the filter checks. None given: a JSON profile's own (its archMap entry
	 * for the host, or "architectures"), else the host's. */
	const enum cbpf_arch *arches;
	size_t n_arches;
	/* The machine the container runs on: picks the archMap entry and decides includes and
	 * excludes by "arches" in a JSON profile, as Docker on that machine would. CBPF_ARCH_NONE:
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

	/* (text) A syscall missing on some of the architectures is a warning and has no rule
	 * there, instead of an error; (JSON) an architecture cbpf has no table for is skipped with
	 * a warning. A name no architecture has (a typo) stays an error. */
	bool lenient;
	bool no_includes;  /* refuse @include (text) */
	bool no_comments;  /* generate the program without per-instruction comments */
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
 * contradicting rules for one syscall are located errors; so is a policy with no rules and no
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
	CBPF_CMP_EQ,        /* arg == value */
	CBPF_CMP_NE,        /* arg != value */
	CBPF_CMP_LT,        /* arg < value, unsigned */
	CBPF_CMP_LE,
	CBPF_CMP_GT,
	CBPF_CMP_GE,
	CBPF_CMP_MASKED_EQ, /* (arg & mask) == value */
	CBPF_CMP_MASKED_NE, /* (arg & mask) != value */
};

struct cbpf_policy_cond {
	unsigned arg; /* 0..5 */
	enum cbpf_cmp op;
	uint64_t mask; /* MASKED_*; all ones otherwise */
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

/* ---------------------------------------------------------------- any seccomp program */

/*
 * Adds comments to a seccomp program the way seccomp-tools' disassembler explains it: loads
 * name the field (arch, nr, args[1] high word...), a comparison of the architecture names it,
 * and after a load of nr the compared constants become syscall names of the architecture the
 * program has checked on that path (assume when it has not: CBPF_ARCH_NONE names none), returns
 * name their action. Existing comments are kept. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_annotate(struct cbpf_prog *prog, enum cbpf_arch assume);

/* include/uapi/linux/seccomp.h: SECCOMP_FILTER_FLAG_*. */
#define CBPF_SECCOMP_FLAG_TSYNC 0x1U
#define CBPF_SECCOMP_FLAG_LOG 0x2U
#define CBPF_SECCOMP_FLAG_SPEC_ALLOW 0x4U
#define CBPF_SECCOMP_FLAG_NEW_LISTENER 0x8U
#define CBPF_SECCOMP_FLAG_WAIT_KILLABLE_RECV 0x20U
/* Ours: do not set no_new_privs first (the caller has CAP_SYS_ADMIN). */
#define CBPF_SECCOMP_KEEP_PRIVS 0x80000000U

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
