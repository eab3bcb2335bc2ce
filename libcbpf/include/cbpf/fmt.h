/* SPDX-License-Identifier: MIT */
/* Bytecode forms in and out: detection, readers and writers for every form. */
#ifndef LIBCBPF_FMT_H
#define LIBCBPF_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "prog.h"

enum cbpf_form {
	CBPF_FORM_AUTO,	   /* reading only: detect the form from the text */
	CBPF_FORM_ASM,	   /* bpf_asm source; written, a disassembly that reassembles */
	CBPF_FORM_LISTING, /* tcpdump -d */
	CBPF_FORM_COMMA,   /* bpf_asm's default, tc and iptables -m bpf: "N,code jt jf k,..." */
	CBPF_FORM_C,	   /* bpf_asm -c: "{ 0x28,  0,  0, 0x0000000c }," */
	CBPF_FORM_DD,	   /* tcpdump -dd */
	CBPF_FORM_DDD,	   /* tcpdump -ddd: the count, then "code jt jf k" in decimal */
	CBPF_FORM_RAW,	   /* the struct sock_filter array, host byte order */
	CBPF_FORM_DOT,	   /* Graphviz control-flow graph; writing only */
};

/* The form's name as the command line spells it ("comma", "dd", ...), never NULL. */
CBPF_API const char *cbpf_form_name(enum cbpf_form form);
/* Parses a form name. Returns 0 or -ENOENT. */
CBPF_API int cbpf_form_parse(const char *name, enum cbpf_form *out);

/*
 * The form buf[0..len) is written in. Input that is not text (NUL or control bytes, invalid
 * UTF-8) is CBPF_FORM_RAW; otherwise the first significant line (blank and comment lines
 * skipped) decides: "(NNN)" a listing, "N," the comma form, "{" or a C declaration the C form,
 * a number alone the -ddd form, anything else bpf_asm source. Never CBPF_FORM_AUTO.
 */
CBPF_API enum cbpf_form cbpf_form_detect(const void *buf, size_t len);

struct cbpf_read_opts {
	const char *file;    /* name for diagnostics and the program; NULL for none */
	enum cbpf_form form; /* CBPF_FORM_AUTO (0) to detect */
	unsigned max_errors; /* 0 means 20 */
	bool no_relax;	     /* see struct cbpf_asm_opts */
};

/*
 * Reads a program in any form (bpf_asm source, tcpdump listing, comma, C, -dd, -ddd, raw);
 * bpf_asm source and listings go to cbpf_asm_parse and cbpf_listing_parse. The C reader takes
 * bpf_asm -c and tcpdump -dd alike, with comments, any C integer constants and an optional
 * array declaration around them. Every error is located (file:line:col in text, "insn N" in
 * raw input) and says why: a count that does not match the instructions, a value wider than
 * its field (code 16 bits, jt and jf 8, k 32), text glued to a value, raw input whose size is
 * not a multiple of 8, empty input. Text instructions keep their source positions. Returns 0,
 * -EINVAL (errors in diags), -ENOMEM. The program is not validated (see cbpf_check).
 */
CBPF_API int cbpf_prog_read(const void *buf, size_t len, const struct cbpf_read_opts *opts,
			    struct cbpf_prog **out, struct cbpf_diags *diags);

struct cbpf_write_opts {
	bool comments; /* add the program's per-instruction comments where the form allows */
};

/*
 * Writes prog to out in the given form. Returns 0, -EINVAL (CBPF_FORM_AUTO or an unknown form),
 * -ENOTSUP (CBPF_FORM_ASM cannot hold this program, see cbpf_form_can_write; nothing is written),
 * -ENOMEM, -EIO.
 */
CBPF_API int cbpf_prog_write(FILE *out, const struct cbpf_prog *prog, enum cbpf_form form,
			     const struct cbpf_write_opts *opts);

/*
 * Whether form can hold every instruction of prog. The bytecode forms always can. bpf_asm source
 * and tcpdump listings have no spelling for an unknown opcode (listings: nor for ldx #len, which
 * libpcap prints as "unimp") or for a jump that leaves the program; DOT is never read. When the
 * answer is false, *pc receives the first instruction that cannot be written and *why a short
 * reason (static text); either may be NULL. Note that bpf_asm source and listings do not spell
 * fields an opcode does not use (jt and jf of non-jumps, k of tax, txa, neg, "x" operands, ret a
 * and len loads): they read back as 0, which the kernel does not look at.
 */
CBPF_API bool cbpf_form_can_write(const struct cbpf_prog *prog, enum cbpf_form form, size_t *pc,
				  const char **why);

/*
 * One instruction at index pc as tcpdump -d prints it after the "(NNN) " prefix, without the
 * newline, into buf (terminated when size > 0; buf may be NULL when size is 0). Like libpcap's
 * bpf_image, opcodes it does not know (and ldx #len) print as "unimp 0x..". Returns the length
 * it needed, like snprintf.
 */
CBPF_API int cbpf_insn_format(const struct cbpf_insn *insn, size_t pc, char *buf, size_t size);

#endif
