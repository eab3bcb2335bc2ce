/* SPDX-License-Identifier: MIT */
/* Text readers: the kernel's bpf_asm language and tcpdump -d listings. */
#ifndef LIBCBPF_ASM_H
#define LIBCBPF_ASM_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "insn.h"

struct cbpf_asm_opts {
	const char *file;    /* name used in diagnostics and kept in the program; NULL for none */
	unsigned max_errors; /* stop after this many errors; 0 means 20 */
	bool no_relax;       /* refuse conditional jumps farther than 255 instead of rewriting */
};

/*
 * Assembles bpf_asm source (tools/bpf/bpf_exp.y) into a program that records each
 * instruction's source position. Conditional jumps farther than 255 instructions are rewritten
 * through an unconditional jump unless opts->no_relax. The result is not validated (see
 * cbpf_check). Returns 0, -EINVAL (errors in diags, located file:line:col), -ENOMEM.
 */
CBPF_API int cbpf_asm_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
			    struct cbpf_prog **out, struct cbpf_diags *diags);

/*
 * Reads a tcpdump -d listing ("(000) ldh [12]" lines, absolute jump targets).
 * Same contract as cbpf_asm_parse.
 */
CBPF_API int cbpf_listing_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
				struct cbpf_prog **out, struct cbpf_diags *diags);

#endif
