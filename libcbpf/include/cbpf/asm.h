/* SPDX-License-Identifier: MIT */
/* Text readers: the kernel's bpf_asm language and tcpdump -d listings. */
#ifndef LIBCBPF_ASM_H
#define LIBCBPF_ASM_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "prog.h"

struct cbpf_asm_opts {
	const char *file;    /* name used in diagnostics and kept in the program; NULL for none */
	unsigned max_errors; /* stop after this many errors; 0 means 20 */
	bool no_relax;	     /* refuse conditional jumps farther than 255 instead of rewriting */
};

/*
 * Assembles bpf_asm source (tools/bpf/bpf_exp.y) into a program. Every program bpf_asm accepts
 * encodes to the same instructions; a few more are accepted (see the README). The result is
 * not validated (see cbpf_check).
 *
 * Each instruction records the position of its mnemonic (line, column and length in bytes,
 * from 1). A conditional jump farther than 255 instructions is rewritten to go through an
 * inserted "ja" (which takes the jump's position) unless opts->no_relax; then it is an error.
 *
 * src need not be NUL-terminated; text that is not (NUL, control bytes, invalid UTF-8) gets one
 * error. Errors are located at file:line:col with the offending token's length; reading
 * resumes at the next line, up to opts->max_errors (then a note says it stopped). Diagnostics
 * are appended to diags (which may be NULL), in source order.
 *
 * opts may be NULL. Returns 0 and sets *out (free it with cbpf_prog_free), -EINVAL (errors in
 * diags; *out untouched) or -ENOMEM.
 */
CBPF_API int cbpf_asm_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
			    struct cbpf_prog **out, struct cbpf_diags *diags);

/*
 * Reads a tcpdump -d listing: one instruction per line as libpcap's bpf_image() prints it,
 * "(000) ldh [12]", "(001) jeq #0x800 jt 2 jf 5", "ld #pktlen", "ld [proto]", "unimp 0x81".
 * The "(NNN)" numbers must count up from 0 (they may be left out). Jump targets are absolute
 * and must name a later instruction of the listing; targets farther than 255 are handled as
 * in cbpf_asm_parse. What a line does not show (k of "unimp 0x..", "tax", ...) reads as 0;
 * "unimp" of an opcode that needs k, jt or jf is a warning. Same contract as cbpf_asm_parse.
 */
CBPF_API int cbpf_listing_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
				struct cbpf_prog **out, struct cbpf_diags *diags);

#endif
