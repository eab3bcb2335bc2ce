/* SPDX-License-Identifier: MIT */
/* What the x86-64 compiler's two files share: registers, labels, one compilation's state. */
#ifndef CBPF_JIT_X86_64_INT_H
#define CBPF_JIT_X86_64_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/vm.h"
#include "jit/emit.h"
#include "jit/jit_int.h"

/*
 * Registers (System V AMD64 ABI: the entry's one argument, the struct cbpf_input, comes in rdi;
 * eax is returned; none of these is callee-saved, so nothing is saved):
 *   eax  A, and the result
 *   ecx  X: a shift by X is shl eax, cl, which takes the count & 31 as the kernel does
 *   rdi  the data, esi caplen (loaded from the input, rdi last)
 *   r8   the cbpf_meta record, or a zeroed one in the image for a NULL meta; r9d wirelen:
 *        loaded only when the program reads them
 *   edx  scratch, and div's high half; r10, r11 scratch (r11d is npc in the predicated copy)
 * M[16] lives in the red zone below rsp (the 128 bytes a leaf function may use without moving
 * rsp), or, when the program calls a helper, in a frame.
 */
#define REG_A	    RAX
#define REG_X	    RCX
#define REG_DATA    RDI
#define REG_CAPLEN  RSI
#define REG_META    R8
#define REG_WIRELEN R9
#define REG_TMP	    RDX

/* The frame of a program that calls helpers: M, and 8 bytes that keep rsp 16-byte aligned. */
#define FRAME_SIZE (4 * CBPF_MEMWORDS + 8)

/* Labels, by instruction: where its code starts, its out-of-line code, the point that code comes
 * back to, and two points inside the out-of-line code. Then the program's own. */
enum {
	L_INSN,
	L_OOL,
	L_RESUME,
	L_OOL_LL,
	L_OOL_CHECK,
	L_PRED, /* its predicated copy */
	L_PER_INSN,
};
#define L_EXIT0(c)   ((size_t)(c)->len * L_PER_INSN + L_PER_INSN)
#define L_EXITA(c)   (L_EXIT0(c) + 1)
#define L_POOL(c)    (L_EXIT0(c) + 2)
#define L_ZEROS(c)   (L_EXIT0(c) + 3)
#define L_SLOW(c)    (L_EXIT0(c) + 4)
#define L_RESULTS(c) (L_EXIT0(c) + 5)
#define N_LABELS(c)  (L_EXIT0(c) + 6)

/* One compilation: the program, the code being laid out, what the analyses found. */
struct ctx {
	const struct cbpf_insn *insns;
	uint32_t len;
	enum cbpf_vm_mode mode;
	jit_helper_fn *const *helpers;

	struct x86_buf b;
	uint32_t *label, *prev; /* this pass's and the previous pass's labels */
	uint32_t *jsite, *prev_jsite;
	size_t njumps, jcap;
	bool first;    /* no previous pass: every jump long */
	bool all_long; /* shrinking did not settle */
	bool unstable; /* a short jump did not reach: lay out again */

	/* What the program needs, found before the first pass. */
	bool frame;		  /* calls helpers: M in a frame */
	bool uses_meta;		  /* reads the cbpf_meta record inline: r8 holds it */
	bool keeps_input;	  /* reads it out of line only ([x + k] < 0): r8 holds the input */
	bool uses_wirelen;	  /* ld #len, ldx #len */
	uint16_t zero_cells;	  /* M[k] read where some path has not written it: zeroed first */
	bool pred;		  /* a predicated copy runs first (predicate.c) */
	uint32_t pred_caplen;	  /* ... when caplen is at least this */
	bool pred_ind;		  /* ... and below 2^31, for its [x + k] */
	uint32_t *cross;	  /* by instruction: live where the path may be instead */
	struct known *known;	  /* by instruction: A's and X's value on entry, when known */
	uint8_t *remat;		  /* by instruction: LIVE_A, LIVE_X reloaded first */
	uint32_t live0;		  /* what the predicated copy reads before it writes */
	uint32_t live0_branching; /* ... and the branching code */
	bool *wire;		  /* by instruction: its ld [k] left in network byte order */
};

struct known; /* predicate.c's known values */

/* x86_64.c: labels, jumps, and the code every instruction's translation shares. */
size_t x64_label(const struct ctx *c, uint32_t pc, int kind);
void x64_mark(struct ctx *c, size_t id);
/* A jump to label id: short when the previous pass says it reaches. */
void x64_jump(struct ctx *c, enum x86_cc cc, size_t id);
void x64_epilogue(struct ctx *c);
/* Where M[k] is, from rsp. */
int32_t x64_mem_disp(const struct ctx *c, uint32_t k);
/* rip-relative displacement to label id from an instruction of len bytes starting now. */
int32_t x64_rip_to(const struct ctx *c, size_t id, size_t len);
/* size bytes at [rdi + index + disp] into dst, from network byte order. */
void x64_load_be(struct ctx *c, unsigned size, enum x86_reg dst, enum x86_reg index, int32_t disp);
/* A op= k or X, A in register a (REG_A, or a copy in the predicated code). */
void x64_emit_alu(struct ctx *c, const struct cbpf_insn *in, enum x86_reg a);
unsigned x64_size_of(uint16_t code);
int x64_log2_exact(uint32_t k);
bool x64_is_ret_k(const struct ctx *c, uint32_t pc);
bool x64_is_ind(const struct cbpf_insn *in);
/* ld or ldx #k, M[k] and #len into r; false (nothing emitted) for the other modes. */
bool x64_emit_ld_reg(struct ctx *c, const struct cbpf_insn *in, enum x86_reg r);
/*
 * A jump's targets, made one when the constant decides it (jge #0, jset #0, ja): returns
 * whether they are one, the jump then unconditional.
 */
bool x64_jmp_targets(uint32_t pc, const struct cbpf_insn *in, uint32_t *t, uint32_t *f);
/* Sets the flags for conditional jump in (A against X, or k), returning the condition taken. */
enum x86_cc x64_jmp_flags(struct ctx *c, const struct cbpf_insn *in, uint32_t k);

/*
 * predicate.c: the branch-free copy of a short filter. x64_pred_plan decides whether the
 * program gets one (c->pred) and analyses it (0 or -ENOMEM); x64_pred_emit lays it out after
 * the prologue's loads; x64_pred_too_long says, after the first layout, that it does not pay;
 * x64_pred_free frees what the analyses kept.
 */
int x64_pred_plan(struct ctx *c);
/*
 * What the analyses tell the branching code too (for the programs the copy could take, even
 * without branches; otherwise the safe answers): whether the program may read A (LIVE_A) or X
 * (LIVE_X) before writing it; whether ld [k] at pc stays in network byte order; the constant
 * jump pc compares A with (k, or k swapped for such a load).
 */
#define LIVE_A (1u << 16)
#define LIVE_X (1u << 17)
bool x64_reads_first(const struct ctx *c, uint32_t bit);
bool x64_wire_load(const struct ctx *c, uint32_t pc);
uint32_t x64_jmp_k(const struct ctx *c, uint32_t pc, const struct cbpf_insn *in);
void x64_pred_emit(struct ctx *c);
bool x64_pred_too_long(const struct ctx *c);
void x64_pred_free(struct ctx *c);

#endif
