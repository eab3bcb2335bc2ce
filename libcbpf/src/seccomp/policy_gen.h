/* SPDX-License-Identifier: MIT */
/* The seccomp code generator's parts: the block graph they build, and what each part adds. */
#ifndef CBPF_POLICY_GEN_H
#define CBPF_POLICY_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp/policy_ir.h"

/*
 * The program is built as a graph of blocks: a few straight-line loads (ld, and) and one
 * terminator (a conditional jump, ja, or ret). Blocks are hash-consed, so identical code is
 * emitted once: one ret per action, shared argument checks. Then the blocks are laid out in a
 * topological order and jumps farther than 255 instructions are relaxed.
 */

/* include/uapi/linux/seccomp.h: struct seccomp_data. hi: the word at offset + 4, which is the
 * high half of an argument on a little-endian architecture and the low half on a big-endian one
 * (arch_big_endian). */
#define OFF_NR	       0
#define OFF_ARCH       4
#define OFF_ARG(i, hi) (16 + 8 * (i) + ((hi) ? 4 : 0))

enum bkind { B_RET, B_JMP, B_JA };

struct blk {
	struct cbpf_insn pre[2];
	uint8_t n_pre;
	uint8_t kind;
	uint16_t code; /* B_JMP: the jump's code */
	uint32_t k;
	int jt, jf; /* B_JMP: targets; B_JA: jt */
	char *label;
	size_t pos; /* layout */
	int orig;   /* a relaxation copy: the block it copies; -1 */
};

struct gen {
	struct blk *b;
	size_t n, cap;
	int *htab; /* block id + 1, 0 empty */
	size_t hcap;
	int err;
	bool comments;
	const struct cbpf_policy *pol;
	struct cbpf_diags *diags;
	/* Instructions in the blocks made so far. Every block is reached from the root but the
	 * first test of each architecture's tree, which gets a copy that loads nr: past
	 * CBPF_MAXINSNS + CBPF_ARCH_COUNT, the filter is too long, and generation stops there. */
	size_t insns;
	size_t knowing; /* states generated knowing more than A, all syscalls (KNOWING_ALL) */
	size_t budget;	/* tests a syscall's checks may make knowing more than A (see gen_once) */
	/* the syscall whose checks are being made, where they started, and the one whose checks
	 * took the most: where a too long filter's error points */
	const struct cbpf_policy_rule *cur_rule, *top_rule;
	enum cbpf_arch cur_arch, top_arch;
	size_t cur_start, top_len;
};

/* ---------------------------------------------------------------- blocks (policy_gen_blk.c) */

static inline uint64_t gen_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* The last step of a hash: the tables index by the low bits, which gen_mix() leaves weak. */
static inline uint64_t gen_fin(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

static inline size_t blk_len(const struct blk *b)
{
	return (size_t)b->n_pre + 1;
}

static inline struct cbpf_insn ld_abs(uint32_t off)
{
	return (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, off };
}

/* Appends nb as it is (a relaxation copy); its id, or -1 when out of memory. */
int gen_append(struct gen *g, const struct blk *nb);
/* The id of a block equal to nb (its label is taken, or freed when one exists), -1 on error. */
int gen_mk(struct gen *g, struct blk nb);
/* A comment for a block, or NULL without comments (or out of memory: g->err). */
char *gen_label(struct gen *g, const char *fmt, ...) CBPF_PRINTF(2, 3);
/* The block that returns action. */
int gen_ret(struct gen *g, uint32_t action);

/* ---------------------------------------------------------------- the parts */

/*
 * (policy_gen_args.c) The block that decides syscall name given its rules on this arch, whose
 * arguments are 32 bits when arch32. A holds nr on entry. -1 on error (g->err).
 */
int gen_syscall(struct gen *g, const char *name, bool arch32, const struct cbpf_policy_rule **rules,
		size_t n);
/*
 * (policy_gen_nr.c) The dispatch on nr for one AUDIT_ARCH value: arch, and x32 when it shares
 * x86_64's (either may be CBPF_ARCH_NONE). -1 on error (g->err).
 */
int gen_arch(struct gen *g, enum cbpf_arch arch, enum cbpf_arch x32);

/* (policy_gen_layout.c) The blocks in program order. */
struct layout {
	int *order; /* block ids in program order */
	size_t n, cap;
};

/* Orders the blocks reached from root: jumps in reverse postorder, returns last. */
bool gen_layout(struct gen *g, int root, struct layout *l);
/* Gives each block its position; the program's length. */
size_t gen_place(struct gen *g, const struct layout *l);
/* Makes every conditional jump reach within 255 instructions. false when out of memory. */
bool gen_relax(struct gen *g, struct layout *l);
/* Leaves out the blocks no jump reaches any more. false when out of memory. */
bool gen_prune(struct gen *g, struct layout *l);
/* The program of len instructions, placed, with its comments. 0 or -ENOMEM. */
int gen_emit(struct gen *g, const struct layout *l, size_t len, struct cbpf_prog **out);

#endif
