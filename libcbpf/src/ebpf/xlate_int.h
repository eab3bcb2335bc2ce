/* SPDX-License-Identifier: MIT */
/* Inside the translator: its machine, its state and what its files share. Private to libcbpf. */
#ifndef CBPF_XLATE_INT_H
#define CBPF_XLATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/xlate.h"
#include "classic/prog.h"
#include "ebpf/ebpf_prog.h"

/*
 * The machine (the kernel's own choice in net/core/filter.c: bpf_convert_filter): A is r0, so
 * that loads, helper results and the return value need no moves; X is r7; the context is r6 when
 * a helper call or LD_ABS/LD_IND (which clobber r1-r5) would lose it, r1 otherwise; M[k] is the
 * 32-bit stack slot at fp - 4 * (k + 1). XDP and func keep the packet's start and end in r8 and
 * r9; tc and socket use r8 to keep A across a load that must not clobber it, func --probe r6
 * (a function has no context to keep). tc reads packet bytes [0, TC_BUF) through r9, which
 * points at the packet (linear data) or at its copy on the stack (xlate_emit.c:
 * emit_tc_check). r1-r5 are scratch.
 *
 * A and X hold zero-extended 32-bit values at all times (every instruction that writes them is a
 * 32-bit operation or a zero-extending load), so 64-bit compares and moves on them are exact.
 */
#define RA	   CBPF_EBPF_R0
#define RX	   CBPF_EBPF_R7
#define RSAVE	   CBPF_EBPF_R8
#define RDATA	   CBPF_EBPF_R8
#define REND	   CBPF_EBPF_R9
#define RBASE	   CBPF_EBPF_R9
#define FP	   CBPF_EBPF_R10
#define RSAVE_FUNC CBPF_EBPF_R6

#define ETH_HLEN_XDP 14	    /* XDP: the network header is taken to follow an Ethernet header */
#define MAX_PKT_OFF  0xffff /* the verifier's MAX_PACKET_OFF */

/* tc: packet bytes [0, TC_BUF) are read directly or, where the sk_buff's linear part ends
 * before them, fetched to fixed stack places; one 8-byte slot for the rest. */
#define TC_BUF	      256
#define STACK_M	      64		       /* M[0..15] */
#define STACK_SCRATCH (STACK_M + 8)	       /* fp - 72 */
#define STACK_BUF     (STACK_SCRATCH + TC_BUF) /* packet byte 0 at fp - 328, or up to 3 below */
#define STACK_LOOP    (STACK_BUF + 16)	       /* fp - 344 - 8j: loop j's jumps left */

static inline int16_t mem_off(uint32_t k)
{
	return (int16_t)(-4 * (int)(k + 1));
}

/* Per classic instruction. */
#define F_LEADER  0x01 /* starts a straight run: a jump target or after a jump or return */
#define F_REACHED 0x02 /* some path from the start gets here (and is emitted) */
#define F_FIRST	  0x08 /* tc/xdp: the first buffered load of its run: the check goes here */

#define LIVE_A 1
#define LIVE_X 2

struct range {
	uint32_t lo, hi;
};

/* What is known on entry to an instruction, from every path that reaches it. */
struct state {
	struct range a, x;
	uint16_t mem; /* M[k] written on every path */
	uint32_t hi;  /* xdp: bytes [0, hi) checked; tc: bytes [0, hi) readable through r9 */
};

struct fix {
	size_t at; /* the jump instruction */
	uint32_t label;
	bool far;   /* a gotol (BPF_JMP32 | BPF_JA), its offset in imm */
	size_t seq; /* which emit_jump call made it */
};

enum { LBL_ZERO, LBL_MATCH, LBL_NOMATCH, NLBL_FIXED };

struct xl {
	const struct cbpf_prog *prog;
	const struct cbpf_insn *ci;
	uint32_t n;
	enum cbpf_target target;
	bool probe;   /* func: loads through bpf_probe_read_kernel() */
	bool actions; /* tc (direct action) and xdp: results become match/nomatch actions */
	int32_t match, nomatch;
	struct cbpf_diags *diags;

	uint8_t *flags;
	uint8_t *live;	   /* A and X live after each instruction */
	struct state *in;  /* valid where F_REACHED */
	uint32_t *need_hi; /* at F_FIRST: where the run's last buffered load ends */
	uint32_t *guard;   /* xdp, tc: below this length the program from here returns 0 */
	uint32_t *check;   /* xdp, tc, at F_FIRST: the bytes its check ends at; 0: none */
	uint32_t *dest;	   /* where a jump to each instruction goes (a label) */
	uint8_t live0;	   /* A and X live at the start */
	uint16_t mem_zero; /* M[k] possibly read before any write: zeroed in the prologue */
	unsigned ctx;	   /* r1 or r6 */
	int bufbase;	   /* tc: packet byte p is at fp - bufbase + p */
	bool calls;	   /* a helper call or LD_ABS exists */
	bool packet;	   /* xdp: r8/r9 are needed */
	uint32_t budget;   /* a program with backward jumps: how many a run may take; else 0 */
	uint32_t loops;	   /* the counts kept: one per loop when loops lie apart, else one */

	struct cbpf_ebpf_insn *out;
	long *origin;
	size_t len, cap;
	long pc; /* the classic instruction being emitted, -1 outside */

	size_t *lbl; /* label positions, (size_t)-1 until placed; 0..n-1 are classic pcs */
	size_t nlbl, caplbl;
	struct fix *fix;
	size_t nfix, capfix;
	size_t njumps; /* emit_jump calls so far: the same jumps in the same order each round */
	bool *far;     /* by that number: jumps to emit as gotol; NULL until one is too far */
	size_t nfar;
	bool calm;    /* exits reached by the fallthrough side (see needs_calm) */
	long ret0_at; /* where the first ret #0 (socket, seccomp, --classid) was emitted, or -1 */
	int err;
};

/* Packet bytes read directly between data and data_end: xdp, and func without probe. */
static inline bool xl_direct(const struct xl *x)
{
	return x->target == CBPF_TARGET_XDP || (x->target == CBPF_TARGET_FUNC && !x->probe);
}

/* xdp, tc: the guard of an instruction where every frame makes the program return 0. */
#define GUARD_ALL UINT32_MAX

/*
 * The files, each calling only those listed after it: xlate.c runs the passes; xlate_emit.c
 * emits each classic instruction for the target; xlate_guard.c hoists XDP's and tc's bounds
 * checks; xlate_flow.c analyses the classic program; xlate_jump.c holds the output, its
 * labels and jumps and their layout; xlate_report.c the diagnostics.
 */

/* xlate_report.c: an error located at classic instruction pc (-1: the program); err is kept. */
void xl_report(struct xl *x, long pc, int err, const char *fmt, ...) CBPF_PRINTF(4, 5);

/* xlate_emit.c */
void xl_choose_bufbase(struct xl *x);
void xl_emit_insn(struct xl *x, uint32_t i);
void xl_prologue(struct xl *x);
void xl_epilogue(struct xl *x);

/* xlate_guard.c */
void xl_guards(struct xl *x);
void xl_run_needs(struct xl *x);

/* xlate_flow.c */
bool xl_is_anc(uint32_t k);
long xl_back_target(const struct xl *x, uint32_t i);
int16_t xl_loop_slot(const struct xl *x, uint32_t i);
bool xl_is_msh(uint16_t code);
uint32_t xl_load_size(uint16_t code);
bool xl_is_packet_abs(const struct cbpf_insn *in);
bool xl_xdp_rel(uint32_t k, uint32_t size, uint32_t *off);
bool xl_tc_buffered(uint32_t k, uint32_t size);
bool xl_doomed(const struct xl *x, const struct cbpf_insn *in);
int xl_successors(const struct xl *x, uint32_t i, uint32_t s[2]);
void xl_check_structure(struct xl *x);
void xl_mark_leaders(struct xl *x);
void xl_liveness(struct xl *x);
void xl_forward(struct xl *x);
uint32_t xl_resolve(const struct xl *x, uint32_t t);
void xl_compute_dests(struct xl *x);
void xl_scan_needs(struct xl *x);

/* xlate_jump.c */
void xl_emit(struct xl *x, struct cbpf_ebpf_insn insn);
uint32_t xl_label_new(struct xl *x);
void xl_label_place(struct xl *x, uint32_t l);
void xl_emit_jump(struct xl *x, struct cbpf_ebpf_insn insn, uint32_t l);
bool xl_needs_calm(struct xl *x);
uint32_t xl_fixed_label(const struct xl *x, int which);
uint32_t xl_zero_label(const struct xl *x);
bool xl_label_used(const struct xl *x, uint32_t l);
bool xl_resolve_fixups(struct xl *x);
void xl_fuse_jumps(struct xl *x);
bool xl_compact(struct xl *x);

#endif
