/* SPDX-License-Identifier: MIT */
/*
 * Whether a program can run at all: one check, one wording, for the interpreter, the translator
 * and the validator. Private to libcbpf.
 */
#ifndef CBPF_RUNNABLE_H
#define CBPF_RUNNABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cbpf/insn.h"

/* What is wrong, so that a caller can name the rule (the validator) or ignore it. */
enum runnable_problem {
	RUNNABLE_EMPTY,	   /* no instructions (pc -1) */
	RUNNABLE_TOO_LONG, /* more than max_len (pc max_len) */
	RUNNABLE_OPCODE,   /* an opcode the kernel does not know */
	RUNNABLE_JUMP,	   /* a jump, jt or jf past the end, or back out of the program */
	RUNNABLE_BACKWARD, /* a ja backwards to an instruction of the program: a loop, which
			    * libpcap's bpf_filter runs and the kernel's classic loaders refuse */
	RUNNABLE_MEMORY,   /* M[k] with k >= 16 */
	RUNNABLE_NO_RET,   /* the last instruction is not a return */
};

/*
 * Called for each problem with its instruction (-1 for the whole program) and its message in
 * the validator's words (no rule appended); returns 0, or a negative errno that stops the check.
 */
struct runnable_report {
	int (*report)(void *ctx, enum runnable_problem what, long pc, const char *msg);
	void *ctx;
	bool loops; /* a backward ja inside the program is no problem (the interpreter runs it) */
};

/*
 * The whole check, in this order: the length (an empty program stops there; max_len 0 means no
 * limit), each instruction, the last one. Returns 0 when the program can run, -EINVAL when it
 * reported problems, or the callback's error (-ENOMEM).
 */
int prog_runnable(const struct cbpf_insn *insns, size_t len, size_t max_len,
		  const struct runnable_report *r);

/* The pieces of prog_runnable, for the validator, which interleaves its own rules; same returns. */
int runnable_len(size_t len, size_t max_len, const struct runnable_report *r);
int runnable_insn(const struct cbpf_insn *insns, size_t len, size_t pc,
		  const struct runnable_report *r);
int runnable_last(const struct cbpf_insn *insns, size_t len, const struct runnable_report *r);

#endif
