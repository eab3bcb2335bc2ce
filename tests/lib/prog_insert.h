/* SPDX-License-Identifier: MIT */
/* Test scaffolding: an instruction inserted into a program, to build what the kernel refuses. */
#ifndef CBPF_PROG_INSERT_H
#define CBPF_PROG_INSERT_H

#include <stddef.h>

#include "classic/prog.h"

/*
 * Inserts one instruction before index at (at == len appends), with its source position (loc
 * may be NULL); jumps are not adjusted. 0 or -ENOMEM.
 */
int prog_insert(struct cbpf_prog *prog, size_t at, struct cbpf_insn insn,
		const struct cbpf_srcloc *loc);

#endif
