/* SPDX-License-Identifier: MIT */
/* Inside the bytecode forms: what the readers and writers share. Private to libcbpf. */
#ifndef CBPF_FMT_INT_H
#define CBPF_FMT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/*
 * The opcode as tcpdump -d knows it (fmt_insn.c): libpcap's bpf_image names every opcode of the
 * table but ldx #len (LDX|W|LEN), which it prints as "unimp 0x81"; NULL for those it does not.
 */
const struct cbpf_opcode_info *fmt_listing_lookup(uint16_t code);

/* Writes a comment with newlines made spaces; in_c also breaks every closing star-slash. */
int fmt_put_comment(FILE *out, const char *text, bool in_c);

/* The comment of pc when opts asks for comments, else NULL (fmt_insn.c). */
const char *fmt_want_comment(const struct cbpf_prog *prog, size_t pc,
			     const struct cbpf_write_opts *opts);

/*
 * The writers cbpf_prog_write (fmt_write.c) dispatches to; the caller checks ferror(out).
 * fmt_bytecode.c: bpf_asm's comma and C forms, tcpdump's -d, -dd and -ddd, raw (-EIO when a
 * write fails).
 */
void fmt_write_comma(FILE *out, const struct cbpf_prog *prog);
void fmt_write_c(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);
void fmt_write_listing(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);
void fmt_write_dd(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);
void fmt_write_ddd(FILE *out, const struct cbpf_prog *prog);
int fmt_write_raw(FILE *out, const struct cbpf_prog *prog);

/* The control-flow graph as Graphviz dot (fmt_dot.c). Returns 0 or -EIO (-ENOMEM). */
int fmt_write_dot(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);

/* A bpf_asm disassembly with labels (fmt_asm.c). Returns 0, -ENOTSUP, -EIO, -ENOMEM. */
int fmt_write_asm(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts);

#endif
