/* SPDX-License-Identifier: MIT */
/* One loader for every input form: programs in any form and seccomp policies, detected or named. */
#ifndef LIBCBPF_SOURCE_H
#define LIBCBPF_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "fmt.h"
#include "insn.h"
#include "policy.h"

/* What an input is to be read as. */
enum cbpf_source_kind {
	/*
	 * A program in any form (cbpf_prog_read); text that is none but looks like a policy (a
	 * JSON object whose first member is quoted, a minijail line "name:" or "@directive", or a
	 * file named *.json or *.policy) is compiled as one, and its errors are the policy's.
	 */
	CBPF_SOURCE_AUTO,
	CBPF_SOURCE_PROGRAM, /* a program, in opts->form (CBPF_FORM_AUTO detects it) */
	CBPF_SOURCE_POLICY,  /* a seccomp policy: Docker/OCI JSON or minijail text */
	/* A seccomp filter: a program in any form, or else a policy (errors as for AUTO). */
	CBPF_SOURCE_SECCOMP,
};

struct cbpf_source_opts {
	const char *file; /* names the input in diagnostics and the program; NULL: none */
	enum cbpf_source_kind kind;
	enum cbpf_form form; /* CBPF_SOURCE_PROGRAM: the form; CBPF_FORM_AUTO detects */
	bool no_relax;	     /* bpf_asm source: see struct cbpf_asm_opts */
	/* Policies: architectures, capabilities...; NULL for the defaults. Its file, when NULL, is
	 * file above. */
	const struct cbpf_policy_opts *policy;
	/* Not NULL: a policy compiled is kept there (its rules), for the caller to free. */
	struct cbpf_policy **keep_policy;
};

/* What an input turned out to be. */
struct cbpf_source_info {
	bool policy;		/* a policy was compiled (the program is a seccomp filter) */
	enum cbpf_form form;	/* the form it was read in as a program (named or detected);
				 * CBPF_FORM_AUTO when it was compiled as a policy or read as one
				 * only: CBPF_FORM_RAW input has no lines to show in excerpts */
	unsigned seccomp_flags; /* a policy's flags (cbpf_policy_flags) */
};

/*
 * Reads buf[0..len) as opts->kind says (opts NULL: CBPF_SOURCE_AUTO, no name): what cbpf-asm,
 * cbpf-xlate and cbpf-dbg load. A program of a policy is of kind CBPF_KIND_SECCOMP, its
 * comments naming syscalls and actions. info (may be NULL) is filled whether it succeeds or
 * not. Returns 0 and sets *out, -EINVAL (errors in diags), -ENOENT or -E2BIG (a policy's
 * @include), -ENOMEM. The program is not validated (see cbpf_check).
 */
CBPF_API int cbpf_source_read(const void *buf, size_t len, const struct cbpf_source_opts *opts,
			      struct cbpf_prog **out, struct cbpf_source_info *info,
			      struct cbpf_diags *diags);

#endif
