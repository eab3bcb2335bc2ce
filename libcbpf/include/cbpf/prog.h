/* SPDX-License-Identifier: MIT */
/* Classic programs: instructions with their source positions, comments and kind. */
#ifndef LIBCBPF_PROG_H
#define LIBCBPF_PROG_H

#include <stddef.h>

#include "common.h"
#include "insn.h"

/* Where an instruction came from in its source text; line 0 means unknown. */
struct cbpf_srcloc {
	unsigned line; /* from 1 */
	unsigned col;  /* from 1, in bytes */
	unsigned len;  /* length of the token the position points at, 0 if unknown */
};

/* What kind of filter a program was written as, when its source says so. */
enum cbpf_prog_kind {
	CBPF_KIND_UNKNOWN,
	CBPF_KIND_SOCKET,
	CBPF_KIND_SECCOMP,
};

/*
 * A program: instructions plus what the source said about them (positions, comments).
 * Opaque; built by the readers (asm, listings, bytecode forms, pcap_compile, policies).
 */
struct cbpf_prog;

/* A new program holding a copy of insns[0..len); NULL when out of memory. len may be 0. */
CBPF_API struct cbpf_prog *cbpf_prog_new(const struct cbpf_insn *insns, size_t len);
/* A deep copy, or NULL when out of memory. */
CBPF_API struct cbpf_prog *cbpf_prog_dup(const struct cbpf_prog *prog);
/* Frees prog and all it owns; NULL is allowed. */
CBPF_API void cbpf_prog_free(struct cbpf_prog *prog);

CBPF_API size_t cbpf_prog_len(const struct cbpf_prog *prog);
/* The instructions; valid until prog is freed or changed. */
CBPF_API const struct cbpf_insn *cbpf_prog_insns(const struct cbpf_prog *prog);
/*
 * Whether a and b hold the same instructions, field by field (code, jt, jf, k): what runs the
 * same. Positions, comments, file names and kinds are not compared.
 */
CBPF_API bool cbpf_prog_equal(const struct cbpf_prog *a, const struct cbpf_prog *b);
/* The source position of instruction pc, or NULL when unknown. */
CBPF_API const struct cbpf_srcloc *cbpf_prog_srcloc(const struct cbpf_prog *prog, size_t pc);
/* The name of the file the program was read from, or NULL. */
CBPF_API const char *cbpf_prog_file(const struct cbpf_prog *prog);
/* A comment attached to instruction pc (e.g. a syscall name), or NULL. */
CBPF_API const char *cbpf_prog_comment(const struct cbpf_prog *prog, size_t pc);
/* Attaches a copy of text to instruction pc (NULL removes it). 0, -EINVAL (pc out of range),
 * -ENOMEM. */
CBPF_API int cbpf_prog_set_comment(struct cbpf_prog *prog, size_t pc, const char *text);
CBPF_API enum cbpf_prog_kind cbpf_prog_kind(const struct cbpf_prog *prog);
CBPF_API void cbpf_prog_set_kind(struct cbpf_prog *prog, enum cbpf_prog_kind kind);

#endif
