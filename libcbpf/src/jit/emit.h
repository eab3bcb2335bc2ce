/* SPDX-License-Identifier: MIT */
/* The x86-64 encoder: the few instructions the JIT emits, into a growing byte buffer. */
#ifndef CBPF_JIT_EMIT_H
#define CBPF_JIT_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Registers by their encoding number (Intel SDM vol. 2, 2.1.5). */
enum x86_reg {
	RAX,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	NO_REG = -1,
};

/* Condition codes, the low nibble of Jcc and CMOVcc. */
enum x86_cc {
	CC_B = 0x2,  /* unsigned <, CF */
	CC_AE = 0x3, /* unsigned >= */
	CC_E = 0x4,
	CC_NE = 0x5,
	CC_BE = 0x6,
	CC_A = 0x7,
	CC_S = 0x8,
	CC_NS = 0x9,
	CC_L = 0xc, /* signed < */
	CC_GE = 0xd,
	CC_LE = 0xe,
	CC_G = 0xf,
	CC_ALWAYS = 0x10, /* jmp */
};

/* Group 1 arithmetic: the /digit of opcodes 0x81 and 0x83, and op << 3 | 1 is the r/m, r form. */
enum x86_alu {
	ALU_ADD = 0,
	ALU_OR = 1,
	ALU_AND = 4,
	ALU_SUB = 5,
	ALU_XOR = 6,
	ALU_CMP = 7,
};

/* Group 2 shifts: the /digit of 0xc1 and 0xd3. */
enum x86_shift {
	SHIFT_SHL = 4,
	SHIFT_SHR = 5,
};

/*
 * Code being emitted. When oom is set, writes are dropped but len still counts, so that a
 * pass can measure what it would emit.
 */
struct x86_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void x86_bytes(struct x86_buf *b, const void *bytes, size_t n);
void x86_u8(struct x86_buf *b, uint8_t v);
void x86_u32(struct x86_buf *b, uint32_t v);
void x86_u64(struct x86_buf *b, uint64_t v);

/* dst = src, 32 bits (zero-extending into 64), or all 64 with w. */
void x86_mov_rr(struct x86_buf *b, bool w, enum x86_reg dst, enum x86_reg src);
/* dst = imm, 32 bits; 0 as xor (which changes the flags). */
void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint32_t imm);
/* dst = imm as mov r32, imm32, even for 0: the flags stay. */
void x86_mov_ri_keep_flags(struct x86_buf *b, enum x86_reg dst, uint32_t imm);
/* op dst, src (32 bits, or 64 with w). */
void x86_alu_rr(struct x86_buf *b, bool w, enum x86_alu op, enum x86_reg dst, enum x86_reg src);
/* op dst, imm (32 bits, or 64 with w, the immediate sign-extended). */
void x86_alu_ri(struct x86_buf *b, bool w, enum x86_alu op, enum x86_reg dst, uint32_t imm);
/* test r, src / test r, imm (32 bits). */
void x86_test_rr(struct x86_buf *b, enum x86_reg r, enum x86_reg src);
/* test r, src (64 bits). */
void x86_test_rr64(struct x86_buf *b, enum x86_reg r, enum x86_reg src);
void x86_test_ri(struct x86_buf *b, enum x86_reg r, uint32_t imm);
/* cmp byte [base + disp], imm. */
void x86_cmp_m8i(struct x86_buf *b, enum x86_reg base, int32_t disp, uint8_t imm);
/* shl/shr r, imm (imm 1 to 31) and r, cl. */
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, enum x86_reg r, uint8_t imm);
void x86_shift_cl(struct x86_buf *b, enum x86_shift op, enum x86_reg r);
/* dst = src * imm, dst *= src (32 bits). */
void x86_imul_rri(struct x86_buf *b, enum x86_reg dst, enum x86_reg src, uint32_t imm);
void x86_imul_rr(struct x86_buf *b, enum x86_reg dst, enum x86_reg src);
/* edx:eax / r: eax the quotient, edx the remainder. */
void x86_div(struct x86_buf *b, enum x86_reg r);
void x86_neg(struct x86_buf *b, enum x86_reg r);
void x86_bswap(struct x86_buf *b, enum x86_reg r);
/* rol r16, 8: the two low bytes of r swapped. */
void x86_rol16_8(struct x86_buf *b, enum x86_reg r);
/* movsxd dst, src32. */
void x86_movsxd(struct x86_buf *b, enum x86_reg dst, enum x86_reg src);
/*
 * dst = size (1, 2 or 4) bytes at [base + index + disp], zero-extended, or 8 bytes (a pointer);
 * index may be NO_REG.
 */
void x86_load(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg base,
	      enum x86_reg index, int32_t disp);
/* dword [base + disp] = src; dword [base + disp] = imm. */
void x86_store(struct x86_buf *b, enum x86_reg base, int32_t disp, enum x86_reg src);
void x86_store_i(struct x86_buf *b, enum x86_reg base, int32_t disp, uint32_t imm);
/* lea dst, [base + index + disp]: 32 bits (the address wraps) or 64 with w; index may be NO_REG. */
void x86_lea(struct x86_buf *b, bool w, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
	     int32_t disp);
/* cmovcc dst, src (32 bits, or 64 with w). */
void x86_cmov(struct x86_buf *b, bool w, enum x86_cc cc, enum x86_reg dst, enum x86_reg src);
/* lea dst, [rip + disp], disp from the end of the instruction (7 bytes). */
void x86_lea_rip(struct x86_buf *b, enum x86_reg dst, int32_t disp);
void x86_push(struct x86_buf *b, enum x86_reg r);
void x86_pop(struct x86_buf *b, enum x86_reg r);
/* call qword [rip + disp], disp from the end of the instruction (6 bytes). */
void x86_call_rip(struct x86_buf *b, int32_t disp);
void x86_ret(struct x86_buf *b);

/* Bytes of a jump to rel from the end of the jump: 2 when it fits in rel8 and short allowed. */
size_t x86_jmp_size(enum x86_cc cc, bool short_form);
/* A jump (CC_ALWAYS) or conditional jump of rel bytes from its end, short (rel8) or not. */
void x86_jmp(struct x86_buf *b, enum x86_cc cc, bool short_form, int32_t rel);

#endif
