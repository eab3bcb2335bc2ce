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

/*
 * The target of a ja that jumps backwards to an instruction of a program of len instructions
 * (a loop: classic BPF's k is unsigned, libpcap's bpf_filter takes it as signed), or -1.
 */
long insn_back_target(const struct cbpf_insn *insn, size_t pc, size_t len);

/*
 * How many backward jumps to one loop's start a run may take (the next one stops the run, with
 * 0, where libpcap would loop on for ever): 4096 / ((1 + the program's conditional jumps) * its
 * loops), at least 1. The verifier keeps at most 8192 branches pending (include/linux/bpf.h:
 * BPF_COMPLEXITY_LIMIT_JMP_SEQ) and a pass of a translated loop leaves up to two per classic
 * conditional jump pending (about 1.5 measured for "ip6 protochain 6" on XDP, which loads up to
 * a budget of 600 and not beyond); with two loops one after the other its work grows faster
 * than the budget (-y RAW "ip6 protochain 44 or ip protochain 17" on XDP: 223,327 instructions
 * processed at 64, 436,147 at 113, past the 1,000,000 limit at 227), hence the division by the
 * loops. So this is as far as the eBPF translation (ebpf/xlate_emit.c) can count and still load:
 * one budget for the interpreter and the translation gives them one verdict. Loops apart
 * (insn_loops_apart) count each its own; others share one count.
 */
uint32_t insn_loop_budget(const struct cbpf_insn *insns, size_t len);

/* The most loops (backward jump targets) that count their backward jumps apart. */
#define INSN_MAX_LOOPS 16

/*
 * Whether a program's loops lie apart: the spans from each backward jump target to the last
 * backward jump to it do not overlap, and there are at most INSN_MAX_LOOPS targets (what
 * libpcap's "protochain" terms give, one loop each). Such a loop is entered once per run, its
 * backward jumps come one after another, and each loop gets the budget. Otherwise every
 * backward jump counts against one budget for the run.
 */
bool insn_loops_apart(const struct cbpf_insn *insns, size_t len);

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
