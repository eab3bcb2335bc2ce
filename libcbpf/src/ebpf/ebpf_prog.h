/* SPDX-License-Identifier: MIT */
/* Inside struct cbpf_ebpf_prog, and the instruction builders. Private to libcbpf. */
#ifndef CBPF_EBPF_PROG_H
#define CBPF_EBPF_PROG_H

#include "cbpf/ebpf.h"

struct cbpf_ebpf_prog {
	struct cbpf_ebpf_insn *insns;
	size_t len;
	long *origin;		   /* NULL, or len entries: the classic pc, or -1 */
	struct cbpf_prog *classic; /* owned copy, or NULL */
	enum cbpf_target target;
	bool actions; /* tc and xdp: results are match/nomatch actions */
	int32_t match, nomatch;
	char *name; /* owned, or NULL: the target's default */
};

/* Builders for one instruction (the names say what bpftool prints). */
static inline struct cbpf_ebpf_insn ebpf_insn(uint8_t code, unsigned dst, unsigned src, int16_t off,
					      int32_t imm)
{
	struct cbpf_ebpf_insn i = { code, (uint8_t)(dst & 0xf), (uint8_t)(src & 0xf), off, imm };

	return i;
}

#define E_ALU32_IMM(op, dst, imm)      ebpf_insn(CBPF_ALU | (op) | CBPF_K, dst, 0, 0, imm)
#define E_ALU32_REG(op, dst, src)      ebpf_insn(CBPF_ALU | (op) | CBPF_X, dst, src, 0, 0)
#define E_ALU64_IMM(op, dst, imm)      ebpf_insn(CBPF_EBPF_ALU64 | (op) | CBPF_K, dst, 0, 0, imm)
#define E_ALU64_REG(op, dst, src)      ebpf_insn(CBPF_EBPF_ALU64 | (op) | CBPF_X, dst, src, 0, 0)
#define E_MOV32_IMM(dst, imm)	       E_ALU32_IMM(CBPF_EBPF_MOV, dst, imm)
#define E_MOV32_REG(dst, src)	       E_ALU32_REG(CBPF_EBPF_MOV, dst, src)
#define E_MOV64_IMM(dst, imm)	       E_ALU64_IMM(CBPF_EBPF_MOV, dst, imm)
#define E_MOV64_REG(dst, src)	       E_ALU64_REG(CBPF_EBPF_MOV, dst, src)
#define E_BE(dst, bits)		       ebpf_insn(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, dst, 0, 0, bits)
#define E_LDX(size, dst, src, off)     ebpf_insn(CBPF_LDX | CBPF_EBPF_MEM | (size), dst, src, off, 0)
#define E_STX(size, dst, src, off)     ebpf_insn(CBPF_STX | CBPF_EBPF_MEM | (size), dst, src, off, 0)
#define E_ST(size, dst, off, imm)      ebpf_insn(CBPF_ST | CBPF_EBPF_MEM | (size), dst, 0, off, imm)
#define E_LD_ABS(size, imm)	       ebpf_insn(CBPF_LD | CBPF_ABS | (size), 0, 0, 0, imm)
#define E_LD_IND(size, src, imm)       ebpf_insn(CBPF_LD | CBPF_IND | (size), 0, src, 0, imm)
#define E_JMP_IMM(op, dst, imm, off)   ebpf_insn(CBPF_JMP | (op) | CBPF_K, dst, 0, off, imm)
#define E_JMP_REG(op, dst, src, off)   ebpf_insn(CBPF_JMP | (op) | CBPF_X, dst, src, off, 0)
#define E_JMP32_IMM(op, dst, imm, off) ebpf_insn(CBPF_EBPF_JMP32 | (op) | CBPF_K, dst, 0, off, imm)
#define E_JA(off)		       ebpf_insn(CBPF_JMP | CBPF_JA, 0, 0, off, 0)
#define E_CALL(func)		       ebpf_insn(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, func)
#define E_EXIT()		       ebpf_insn(CBPF_JMP | CBPF_EBPF_EXIT, 0, 0, 0, 0)

/* A program taking ownership of insns and origin (origin may be NULL); NULL when out of memory. */
struct cbpf_ebpf_prog *ebpf_prog_adopt(struct cbpf_ebpf_insn *insns, size_t len, long *origin,
				       enum cbpf_target target);

/* The section the program goes in, in ELF objects ("socket", "tc", "xdp", "seccomp"). */
const char *ebpf_section_name(enum cbpf_target target);

/* Writes the ELF object (elf.c). 0, -EIO, -ENOMEM. */
int ebpf_write_elf(FILE *out, const struct cbpf_ebpf_prog *prog);
/* Writes the C array of instruction macros (ebpf_c.c). 0. */
int ebpf_write_c(FILE *out, const struct cbpf_ebpf_prog *prog,
		 const struct cbpf_ebpf_write_opts *opts);
/* Writes the disassembly (ebpf_dis.c). 0 or -EIO. */
int ebpf_write_asm(FILE *out, const struct cbpf_ebpf_prog *prog,
		   const struct cbpf_ebpf_write_opts *opts);
/*
 * Prints, before eBPF instruction i, the classic instructions from *next_pc up to the one i comes
 * from, each as open + "(NNN) tcpdump -d text" + close; advances *next_pc (ebpf.c, for the
 * writers).
 */
void ebpf_annotate(FILE *out, const struct cbpf_ebpf_prog *prog, size_t i, long *next_pc,
		   const char *open, const char *close);

#endif
