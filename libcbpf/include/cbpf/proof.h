/* SPDX-License-Identifier: MIT */
/* Proofs: a translation run against its classic program, frame by frame. */
#ifndef LIBCBPF_PROOF_H
#define LIBCBPF_PROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "ebpf.h"

/*
 * A translation checked against its classic program frame by frame: the classic interpreter runs
 * the original, and the kernel (BPF_PROG_TEST_RUN) or libcbpf's eBPF interpreter the translation,
 * both on the input cbpf_ebpf_test_input() describes; the classic result, mapped to the target's
 * actions, must equal the translation's.
 */
struct cbpf_proof;

enum cbpf_proof_engine {
	CBPF_PROOF_KERNEL,	/* BPF_PROG_TEST_RUN; socket programs run as SCHED_CLS */
	CBPF_PROOF_INTERPRETER, /* cbpf_ebpf_run() */
};

struct cbpf_proof_opts {
	bool interpreter; /* do not try the kernel */
	char *log_buf;	  /* the verifier's log if it refuses the program; may be NULL */
	size_t log_size;
	bool no_jit; /* interpret the classic program rather than run it as native code
		      * (cbpf/jit.h; the same results) */
};

/*
 * Prepares a proof of prog, which must come from cbpf_xlate() (it carries its classic program)
 * for socket, tc or xdp. The kernel is used unless opts->interpreter, or bpf(2) is not allowed
 * (EPERM), or the verifier refused the translation in a process with neither CAP_PERFMON nor
 * CAP_SYS_ADMIN, or the program reads #rand or #cpu, whose values the kernel chooses; *why then
 * says why the interpreter is used (a static string; NULL with the kernel). Returns 0, -ENOTSUP
 * (seccomp, or a program without its classic one), -EINVAL (the verifier refused the
 * translation: its log in opts->log_buf), -ENOMEM.
 */
CBPF_API int cbpf_proof_new(const struct cbpf_ebpf_prog *prog, const struct cbpf_proof_opts *opts,
			    struct cbpf_proof **out, const char **why, struct cbpf_diags *diags);
CBPF_API enum cbpf_proof_engine cbpf_proof_engine(const struct cbpf_proof *proof);
/* Frees proof (and unloads its program); NULL is allowed. */
CBPF_API void cbpf_proof_free(struct cbpf_proof *proof);

struct cbpf_proof_result {
	bool skipped;	   /* the frame cannot be run (shorter than 14 bytes); the rest unset */
	bool interpreted;  /* with the kernel as engine, this frame ran in libcbpf's interpreter:
			    * longer than the kernel's test runs take (socket, tc: about 3.5 KB)
			    * or keep in one piece (xdp: see XDP_TEST_LINEAR in kernel/proof.c) */
	uint32_t classic;  /* the classic program's result */
	uint32_t expected; /* what the translation must return: classic, or its action */
	uint32_t got;	   /* what the translation returned */
	bool agree;	   /* got == expected */
};

/* Runs one frame (from its link-layer header). Returns 0, or -EINVAL (the interpreter faulted:
 * a translation bug, described in diags), -EPERM. */
CBPF_API int cbpf_proof_frame(struct cbpf_proof *proof, const uint8_t *frame, uint32_t size,
			      struct cbpf_proof_result *res, struct cbpf_diags *diags);

#endif
