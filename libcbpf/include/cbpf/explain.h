/* SPDX-License-Identifier: MIT */
/* Any seccomp filter's meaning: explained, audited, decompiled, compared; filters read back. */
#ifndef LIBCBPF_EXPLAIN_H
#define LIBCBPF_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "insn.h"
#include "policy.h"

/* ---------------------------------------------------------------- the model */

/*
 * What a seccomp filter does, found by following every path of the program symbolically (not by
 * sampling): for each path to a return, the set of values each 32-bit word of struct
 * seccomp_data may hold on it (ranges, and bits fixed by masks), and the action returned. Opaque.
 */
struct cbpf_seccomp_model;

/*
 * Follows every path of prog, a seccomp filter (cbpf_check's CBPF_CHECK_SECCOMP rules are
 * assumed; what breaks them is still refused here, located). Returns 0 and sets *out; -EINVAL
 * (a load outside struct seccomp_data, a path that never returns, a jump out of the program, a
 * computed return value: located diagnostics), -E2BIG (more than 2^18 paths), -ENOMEM.
 */
CBPF_API int cbpf_seccomp_model_new(const struct cbpf_prog *prog, struct cbpf_seccomp_model **out,
				    struct cbpf_diags *diags);
/* Frees model; NULL is allowed. */
CBPF_API void cbpf_seccomp_model_free(struct cbpf_seccomp_model *model);
/* How many paths the filter has to a return. */
CBPF_API size_t cbpf_seccomp_model_paths(const struct cbpf_seccomp_model *model);
/*
 * The action the filter returns for one call (nr, arch, instruction pointer and six arguments),
 * from the model rather than by running the program. Returns the action.
 */
CBPF_API uint32_t cbpf_seccomp_model_eval(const struct cbpf_seccomp_model *model, uint32_t nr,
					  uint32_t arch, uint64_t ip, const uint64_t args[6]);

/* ---------------------------------------------------------------- explain, audit */

/*
 * Writes the table of what the filter does: per architecture it tells apart, each syscall (by
 * name, in number order) and its action, with the argument conditions under which each action
 * applies; then what the numbers without a name get (gaps, beyond the table), x32's numbers under
 * x86_64, and every other architecture. Returns 0, -EIO or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_explain(FILE *out, const struct cbpf_seccomp_model *model);

/*
 * Adds a warning to diags (located by instruction) for each hole a reviewer looks for: no
 * architecture check, or one after a decision on the syscall number; x32 numbers let through
 * under x86_64; a 64-bit argument compared on its low half only; a default of allow; code no
 * path reaches; loads outside struct seccomp_data. prog is the program model was made from
 * (model may be NULL when it could not be made: then only what needs no paths is looked at).
 * Sets *found to the number of findings. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_audit(const struct cbpf_prog *prog,
				const struct cbpf_seccomp_model *model, size_t *found,
				struct cbpf_diags *diags);

/* ---------------------------------------------------------------- diff */

/*
 * Writes every (architecture, syscall or range of numbers, argument region) where a and b give
 * different actions, with both actions; nothing when they are equal. Actions are compared as the
 * kernel acts on them (allow's data ignored, an unknown action is kill_process). Sets *differs.
 * Returns 0, -EIO or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_diff(FILE *out, const struct cbpf_seccomp_model *a,
			       const struct cbpf_seccomp_model *b, bool *differs);

/* ---------------------------------------------------------------- decompile */

/*
 * Writes a policy in lang (CBPF_POLICY_TEXT: minijail's language; CBPF_POLICY_JSON: an OCI
 * profile) which cbpf_policy_compile turns back into a filter that gives the same action for
 * every input, for the architectures the filter admits (*arches, *n_arches: what to compile the
 * text with, at most CBPF_ARCH_COUNT; may be NULL). What the language cannot say (three actions
 * for one syscall in minijail's, a range of a 64-bit argument's low half only, numbers without a
 * name with their own action, a test of a computed value) is a located error: -EINVAL. Returns
 * 0, -EINVAL, -EIO or -ENOMEM.
 */
CBPF_API int cbpf_seccomp_decompile(FILE *out, const struct cbpf_seccomp_model *model,
				    enum cbpf_policy_lang lang, enum cbpf_arch *arches,
				    size_t *n_arches, struct cbpf_diags *diags);

/* ---------------------------------------------------------------- filters of running processes */

/* One seccomp filter of a process. */
struct cbpf_seccomp_dump {
	struct cbpf_prog *prog; /* owned */
	uint64_t flags;		/* PTRACE_GET_SECCOMP_METADATA's: CBPF_SECCOMP_FLAG_LOG */
	bool has_flags;		/* the kernel told them */
};

/*
 * Reads the seccomp filters of process pid, newest first (ptrace: PTRACE_SEIZE, an interrupt,
 * PTRACE_SECCOMP_GET_FILTER, PTRACE_GET_SECCOMP_METADATA, detach). Sets *out (free with
 * cbpf_seccomp_dump_free) and *n. Returns 0; -ENOENT (no such process, or it has no filter: the
 * diagnostic says which); -EPERM (the caller lacks CAP_SYS_ADMIN, or may not trace pid: which);
 * -ENOTSUP (the kernel cannot read filters back); -ENOMEM.
 */
CBPF_API int cbpf_seccomp_dump_pid(int pid, struct cbpf_seccomp_dump **out, size_t *n,
				   struct cbpf_diags *diags);
CBPF_API void cbpf_seccomp_dump_free(struct cbpf_seccomp_dump *dumps, size_t n);

/*
 * Reads the classic filter attached to socket fd of process pid (pidfd_open, pidfd_getfd, then
 * getsockopt SO_GET_FILTER). Returns 0 and *out; -ENOENT (no such process, descriptor, or no
 * filter on it), -EPERM, -ENOTSUP (not a socket, or the kernel lacks pidfd_getfd), -ENOMEM.
 */
CBPF_API int cbpf_socket_filter_dump(int pid, int fd, struct cbpf_prog **out,
				     struct cbpf_diags *diags);

#endif
