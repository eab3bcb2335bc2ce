/* SPDX-License-Identifier: MIT */
/* The validator: the kernel's rules for socket and seccomp filters. */
#ifndef LIBCBPF_CHECK_H
#define LIBCBPF_CHECK_H

#include "common.h"
#include "diag.h"
#include "insn.h"

enum cbpf_check_mode {
	CBPF_CHECK_SOCKET,  /* net/core/filter.c: bpf_check_classic (SO_ATTACH_FILTER) */
	CBPF_CHECK_SECCOMP, /* the above, then kernel/seccomp.c: seccomp_check_filter */
};

/*
 * Validates prog as the kernel would. Accepts exactly what the kernel accepts. Each problem is a
 * diagnostic carrying the instruction index and, when the program has source positions,
 * file:line:col; the message names the kernel rule broken. Returns 0 or -EINVAL (-ENOMEM).
 */
CBPF_API int cbpf_check(const struct cbpf_prog *prog, enum cbpf_check_mode mode,
			struct cbpf_diags *diags);

#endif
