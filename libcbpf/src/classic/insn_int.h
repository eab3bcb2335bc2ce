/* SPDX-License-Identifier: MIT */
/* Inside the instruction model: where control goes, and the ancillary loads' names. Private. */
#ifndef CBPF_INSN_INT_H
#define CBPF_INSN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/insn.h"

/* True for ret #k and ret a. */
bool insn_is_ret(const struct cbpf_insn *insn);
/* True for ja and the conditional jumps: the instructions that do not go on to pc + 1. */
bool insn_is_jump(const struct cbpf_insn *insn);

/*
 * Where control can go after instruction pc, from the opcode table: nowhere after a return;
 * pc + 1 + k after ja; pc + 1 + jt, then pc + 1 + jf after a conditional jump (both, even when
 * they are the same); pc + 1 after anything else, an unknown opcode included. Returns how many
 * targets it put in t (0 to 2). They are not checked against the program's length, and a ja's
 * is computed as the kernel's unsigned k reads: pc + 1 + k, up to 2^32 + pc.
 */
unsigned insn_successors(const struct cbpf_insn *insn, size_t pc, uint64_t t[2]);

/* The names of an ancillary load, ld/ldh/ldb [SKF_AD_OFF + n]. */
struct insn_anc {
	const char *bpf_asm; /* tools/bpf/bpf_exp.l's keyword; NULL for xor_x, which has none */
	const char *alias;   /* bpf_exp.l's other spelling, or NULL */
	const char *pcap;    /* libpcap's bpf_image (bpf_image.c, built on Linux) */
};

/*
 * The ancillary load at k, one the kernel knows (include/linux/filter.h: bpf_anc_helper, k =
 * SKF_AD_OFF + n for n = 0, 4, ... SKF_AD_MAX - 4); NULL for any other k.
 */
const struct insn_anc *insn_anc(uint32_t k);
/* All of them, entry i for SKF_AD_OFF + 4 * i; *count receives their number. */
const struct insn_anc *insn_anc_table(size_t *count);

#endif
