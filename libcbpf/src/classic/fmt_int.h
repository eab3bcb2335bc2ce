/* SPDX-License-Identifier: MIT */
/* Inside the bytecode forms: what the readers and writers share. Private to libcbpf. */
#ifndef CBPF_FMT_INT_H
#define CBPF_FMT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cbpf/fmt.h"

/*
 * The absolute target of a jump, as a listing prints it: pc + 1 + offset, modulo 2^32 (a ja
 * whose k wraps lands before pc). Used to check targets against the program length.
 */
static inline unsigned long long fmt_target(size_t pc, unsigned long off)
{
	return ((unsigned long long)pc + 1 + off) & 0xffffffffULL;
}

/* Writes a comment with newlines made spaces; in_c also breaks every closing star-slash. */
int fmt_put_comment(FILE *out, const char *text, bool in_c);

/* The control-flow graph as Graphviz dot (fmt_dot.c). Returns 0 or -EIO (-ENOMEM). */
int fmt_write_dot(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);

/* A bpf_asm disassembly with labels (fmt_write.c). Returns 0, -ENOTSUP, -EIO, -ENOMEM. */
int fmt_write_asm(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);

#endif
