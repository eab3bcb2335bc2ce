/* SPDX-License-Identifier: MIT */
/* Random classic programs for tests: valid ones of every opcode and shape, or breaking one rule. */
#ifndef CBPF_RANDPROG_H
#define CBPF_RANDPROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/check.h"

/* What to break in an otherwise valid program: one rule of the kernel's, or none. */
enum randprog_mutation {
	RANDPROG_VALID,		 /* nothing: the kernel accepts the program */
	RANDPROG_BAD_OPCODE,	 /* one opcode the kernel does not know */
	RANDPROG_JUMP_PAST_END,	 /* one jump (ja, jt or jf) to the end of the program or beyond */
	RANDPROG_NO_RET,	 /* the last instruction is not a return */
	RANDPROG_DIV_ZERO,	 /* div or mod by constant zero */
	RANDPROG_SHIFT_RANGE,	 /* lsh or rsh by a constant of 32 or more */
	RANDPROG_MEM_RANGE,	 /* M[k] with k >= 16 (ld, ldx, st or stx) */
	RANDPROG_MEM_UNINIT,	 /* M[k] read where some path has not written it */
	RANDPROG_BAD_ANCILLARY,	 /* ld/ldh/ldb [SKF_AD_OFF + x] with x not a known extension */
	RANDPROG_TOO_LONG,	 /* 4097 to 4100 instructions */
	RANDPROG_EMPTY,		 /* no instructions */
	RANDPROG_SECCOMP_OPCODE, /* one instruction seccomp refuses (ldh, ldb, ind, msh, mod) */
	RANDPROG_SECCOMP_LOAD,	 /* 'ld [k]' misaligned or outside struct seccomp_data */
	RANDPROG_JUMP_FAR,	 /* a jump the kernel's eBPF translation cannot encode */
	RANDPROG_NMUTATIONS
};

enum randprog_shape {
	RANDPROG_SHAPE_ANY,	/* one of the others, picked by the seed */
	RANDPROG_SHAPE_MIXED,	/* every kind of instruction, evenly */
	RANDPROG_SHAPE_BRANCHY, /* mostly conditional and unconditional jumps */
	RANDPROG_SHAPE_MEMORY,	/* scratch memory stores and loads across branches */
	RANDPROG_SHAPE_FILTER,	/* loads, compare ladders and returns, like tcpdump or a policy */
	RANDPROG_NSHAPES
};

struct randprog_opts {
	uint64_t seed;
	/*
	 * Instructions, 1 to 4096; 0 lets the seed pick (mostly short, sometimes 4096).
	 * RANDPROG_EMPTY, RANDPROG_TOO_LONG and RANDPROG_JUMP_FAR choose their own; the other
	 * mutations may add one instruction in front.
	 */
	size_t len;
	bool seccomp; /* only what seccomp filters allow; loads read words of struct seccomp_data */
	enum randprog_shape shape;
	enum randprog_mutation mutation;
};

/*
 * A new program (free it with cbpf_prog_free), or NULL when out of memory. The same options
 * always give the same program. *at (may be NULL) receives the index of the instruction that
 * breaks the rule (the first one past 4096 for RANDPROG_TOO_LONG), or -1.
 */
struct cbpf_prog *randprog_new(const struct randprog_opts *opts, long *at);

/*
 * Whether the kernel accepts programs made with opts when checked in mode: 1 yes, 0 no,
 * -1 unknown (a valid socket program checked as a seccomp filter usually uses something
 * seccomp refuses, but not always).
 */
int randprog_expect(const struct randprog_opts *opts, enum cbpf_check_mode mode);

/* "valid", "bad-opcode", ...; "?" for an unknown value. */
const char *randprog_mutation_name(enum randprog_mutation mutation);
const char *randprog_shape_name(enum randprog_shape shape);

#endif
