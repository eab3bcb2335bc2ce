// SPDX-License-Identifier: MIT
/* The x86-64 encoder (Intel SDM vol. 2): REX, ModRM, SIB and displacements the JIT uses. */
#include <stdlib.h>
#include <string.h>

#include "jit/emit.h"

void x86_bytes(struct x86_buf *b, const void *bytes, size_t n)
{
	if (!b->oom && b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p) {
			b->p = p;
			b->cap = cap;
		} else {
			b->oom = true;
		}
	}
	if (!b->oom)
		memcpy(b->p + b->len, bytes, n);
	b->len += n;
}

void x86_u8(struct x86_buf *b, uint8_t v)
{
	x86_bytes(b, &v, 1);
}

void x86_u32(struct x86_buf *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	x86_bytes(b, le, 4);
}

void x86_u64(struct x86_buf *b, uint64_t v)
{
	x86_u32(b, (uint32_t)v);
	x86_u32(b, (uint32_t)(v >> 32));
}

static bool fits8(int32_t v)
{
	return v >= -128 && v <= 127;
}

/* The REX prefix, when one is needed: 64-bit operand size, or a register numbered 8 and up. */
static void rex(struct x86_buf *b, bool w, int reg, int index, int base)
{
	uint8_t r = (uint8_t)(0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (index >= 8 ? 2 : 0) |
			      (base >= 8 ? 1 : 0));

	if (r != 0x40)
		x86_u8(b, r);
}

static void modrm_rr(struct x86_buf *b, int reg, int rm)
{
	x86_u8(b, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* ModRM, SIB and displacement of [base + index + disp]; index may be NO_REG (never RSP). */
static void modrm_mem(struct x86_buf *b, int reg, int base, int index, int32_t disp)
{
	uint8_t mod = disp == 0 && (base & 7) != RBP ? 0x00 : fits8(disp) ? 0x40 : 0x80;

	if (index == NO_REG && (base & 7) != RSP) {
		x86_u8(b, (uint8_t)(mod | (reg & 7) << 3 | (base & 7)));
	} else {
		x86_u8(b, (uint8_t)(mod | (reg & 7) << 3 | 4));
		/* SIB: scale 1, index (100 = none), base. */
		x86_u8(b, (uint8_t)((index == NO_REG ? 4 : index & 7) << 3 | (base & 7)));
	}
	if (mod == 0x40)
		x86_u8(b, (uint8_t)(int8_t)disp);
	else if (mod == 0x80)
		x86_u32(b, (uint32_t)disp);
}

/* An instruction with a memory operand: [rex] opcode modrm [sib] [disp]. */
static void op_mem(struct x86_buf *b, bool w, const uint8_t *op, size_t oplen, int reg, int base,
		   int index, int32_t disp)
{
	rex(b, w, reg, index == NO_REG ? 0 : index, base);
	x86_bytes(b, op, oplen);
	modrm_mem(b, reg, base, index, disp);
}

/* An instruction on two registers: [rex] opcode modrm. */
static void op_rr(struct x86_buf *b, bool w, const uint8_t *op, size_t oplen, int reg, int rm)
{
	rex(b, w, reg, 0, rm);
	x86_bytes(b, op, oplen);
	modrm_rr(b, reg, rm);
}

void x86_mov_rr(struct x86_buf *b, bool w, enum x86_reg dst, enum x86_reg src)
{
	op_rr(b, w, (const uint8_t[]){ 0x89 }, 1, src, dst);
}

void x86_mov_ri(struct x86_buf *b, enum x86_reg dst, uint32_t imm)
{
	if (imm == 0) {
		x86_alu_rr(b, false, ALU_XOR, dst, dst);
		return;
	}
	rex(b, false, 0, 0, dst);
	x86_u8(b, (uint8_t)(0xb8 + (dst & 7)));
	x86_u32(b, imm);
}

void x86_mov_ri_keep_flags(struct x86_buf *b, enum x86_reg dst, uint32_t imm)
{
	rex(b, false, 0, 0, dst);
	x86_u8(b, (uint8_t)(0xb8 + (dst & 7)));
	x86_u32(b, imm);
}

void x86_alu_rr(struct x86_buf *b, bool w, enum x86_alu op, enum x86_reg dst, enum x86_reg src)
{
	op_rr(b, w, (const uint8_t[]){ (uint8_t)(op << 3 | 1) }, 1, src, dst);
}

void x86_alu_ri(struct x86_buf *b, bool w, enum x86_alu op, enum x86_reg dst, uint32_t imm)
{
	if (fits8((int32_t)imm)) {
		op_rr(b, w, (const uint8_t[]){ 0x83 }, 1, op, dst);
		x86_u8(b, (uint8_t)imm);
	} else if (dst == RAX) {
		rex(b, w, 0, 0, 0);
		x86_u8(b, (uint8_t)(op << 3 | 5));
		x86_u32(b, imm);
	} else {
		op_rr(b, w, (const uint8_t[]){ 0x81 }, 1, op, dst);
		x86_u32(b, imm);
	}
}

void x86_test_rr(struct x86_buf *b, enum x86_reg r, enum x86_reg src)
{
	op_rr(b, false, (const uint8_t[]){ 0x85 }, 1, src, r);
}

void x86_test_rr64(struct x86_buf *b, enum x86_reg r, enum x86_reg src)
{
	op_rr(b, true, (const uint8_t[]){ 0x85 }, 1, src, r);
}

void x86_test_ri(struct x86_buf *b, enum x86_reg r, uint32_t imm)
{
	/* The low byte alone where it holds every bit tested: al, cl, dl, bl need no REX. */
	if (imm <= 0xff && r == RAX) {
		x86_u8(b, 0xa8);
		x86_u8(b, (uint8_t)imm);
	} else if (imm <= 0xff && r <= RBX) {
		op_rr(b, false, (const uint8_t[]){ 0xf6 }, 1, 0, r);
		x86_u8(b, (uint8_t)imm);
	} else if (r == RAX) {
		x86_u8(b, 0xa9);
		x86_u32(b, imm);
	} else {
		op_rr(b, false, (const uint8_t[]){ 0xf7 }, 1, 0, r);
		x86_u32(b, imm);
	}
}

void x86_cmp_m8i(struct x86_buf *b, enum x86_reg base, int32_t disp, uint8_t imm)
{
	op_mem(b, false, (const uint8_t[]){ 0x80 }, 1, ALU_CMP, base, NO_REG, disp);
	x86_u8(b, imm);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, enum x86_reg r, uint8_t imm)
{
	if (imm == 1) {
		op_rr(b, false, (const uint8_t[]){ 0xd1 }, 1, op, r);
	} else {
		op_rr(b, false, (const uint8_t[]){ 0xc1 }, 1, op, r);
		x86_u8(b, imm);
	}
}

void x86_shift_cl(struct x86_buf *b, enum x86_shift op, enum x86_reg r)
{
	op_rr(b, false, (const uint8_t[]){ 0xd3 }, 1, op, r);
}

void x86_imul_rri(struct x86_buf *b, enum x86_reg dst, enum x86_reg src, uint32_t imm)
{
	if (fits8((int32_t)imm)) {
		op_rr(b, false, (const uint8_t[]){ 0x6b }, 1, dst, src);
		x86_u8(b, (uint8_t)imm);
	} else {
		op_rr(b, false, (const uint8_t[]){ 0x69 }, 1, dst, src);
		x86_u32(b, imm);
	}
}

void x86_imul_rr(struct x86_buf *b, enum x86_reg dst, enum x86_reg src)
{
	op_rr(b, false, (const uint8_t[]){ 0x0f, 0xaf }, 2, dst, src);
}

void x86_div(struct x86_buf *b, enum x86_reg r)
{
	op_rr(b, false, (const uint8_t[]){ 0xf7 }, 1, 6, r);
}

void x86_neg(struct x86_buf *b, enum x86_reg r)
{
	op_rr(b, false, (const uint8_t[]){ 0xf7 }, 1, 3, r);
}

void x86_bswap(struct x86_buf *b, enum x86_reg r)
{
	rex(b, false, 0, 0, r);
	x86_u8(b, 0x0f);
	x86_u8(b, (uint8_t)(0xc8 + (r & 7)));
}

void x86_rol16_8(struct x86_buf *b, enum x86_reg r)
{
	x86_u8(b, 0x66);
	op_rr(b, false, (const uint8_t[]){ 0xc1 }, 1, 0, r);
	x86_u8(b, 8);
}

void x86_movsxd(struct x86_buf *b, enum x86_reg dst, enum x86_reg src)
{
	op_rr(b, true, (const uint8_t[]){ 0x63 }, 1, dst, src);
}

void x86_load(struct x86_buf *b, unsigned size, enum x86_reg dst, enum x86_reg base,
	      enum x86_reg index, int32_t disp)
{
	static const uint8_t movzx8[] = { 0x0f, 0xb6 }, movzx16[] = { 0x0f, 0xb7 };
	static const uint8_t mov[] = { 0x8b };

	if (size == 1)
		op_mem(b, false, movzx8, 2, dst, base, index, disp);
	else if (size == 2)
		op_mem(b, false, movzx16, 2, dst, base, index, disp);
	else
		op_mem(b, size == 8, mov, 1, dst, base, index, disp);
}

void x86_store(struct x86_buf *b, enum x86_reg base, int32_t disp, enum x86_reg src)
{
	op_mem(b, false, (const uint8_t[]){ 0x89 }, 1, src, base, NO_REG, disp);
}

void x86_store_i(struct x86_buf *b, enum x86_reg base, int32_t disp, uint32_t imm)
{
	op_mem(b, false, (const uint8_t[]){ 0xc7 }, 1, 0, base, NO_REG, disp);
	x86_u32(b, imm);
}

void x86_lea(struct x86_buf *b, bool w, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
	     int32_t disp)
{
	op_mem(b, w, (const uint8_t[]){ 0x8d }, 1, dst, base, index, disp);
}

void x86_cmov(struct x86_buf *b, bool w, enum x86_cc cc, enum x86_reg dst, enum x86_reg src)
{
	op_rr(b, w, (const uint8_t[]){ 0x0f, (uint8_t)(0x40 | cc) }, 2, dst, src);
}

void x86_lea_rip(struct x86_buf *b, enum x86_reg dst, int32_t disp)
{
	rex(b, true, dst, 0, 0);
	x86_u8(b, 0x8d);
	/* ModRM mod 00, r/m 101: [rip + disp32]. */
	x86_u8(b, (uint8_t)(0x05 | (dst & 7) << 3));
	x86_u32(b, (uint32_t)disp);
}

void x86_push(struct x86_buf *b, enum x86_reg r)
{
	rex(b, false, 0, 0, r);
	x86_u8(b, (uint8_t)(0x50 + (r & 7)));
}

void x86_pop(struct x86_buf *b, enum x86_reg r)
{
	rex(b, false, 0, 0, r);
	x86_u8(b, (uint8_t)(0x58 + (r & 7)));
}

void x86_call_rip(struct x86_buf *b, int32_t disp)
{
	x86_u8(b, 0xff);
	x86_u8(b, 0x15);
	x86_u32(b, (uint32_t)disp);
}

void x86_ret(struct x86_buf *b)
{
	x86_u8(b, 0xc3);
}

size_t x86_jmp_size(enum x86_cc cc, bool short_form)
{
	return short_form ? 2 : cc == CC_ALWAYS ? 5 : 6;
}

void x86_jmp(struct x86_buf *b, enum x86_cc cc, bool short_form, int32_t rel)
{
	if (short_form) {
		x86_u8(b, cc == CC_ALWAYS ? 0xeb : (uint8_t)(0x70 | cc));
		x86_u8(b, (uint8_t)(int8_t)rel);
	} else if (cc == CC_ALWAYS) {
		x86_u8(b, 0xe9);
		x86_u32(b, (uint32_t)rel);
	} else {
		x86_u8(b, 0x0f);
		x86_u8(b, (uint8_t)(0x80 | cc));
		x86_u32(b, (uint32_t)rel);
	}
}
