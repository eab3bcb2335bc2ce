/* SPDX-License-Identifier: MIT */
/* The classic BPF instruction model: encoding constants and the opcode table. */
#ifndef LIBCBPF_INSN_H
#define LIBCBPF_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* One classic instruction, laid out exactly like the kernel's struct sock_filter. */
struct cbpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

#define CBPF_MAXINSNS 4096 /* include/uapi/linux/bpf_common.h: BPF_MAXINSNS */
#define CBPF_MEMWORDS 16   /* scratch memory M[0..15] */

/* Instruction classes. */
#define CBPF_CLASS(code) ((code)&0x07)
#define CBPF_LD		 0x00
#define CBPF_LDX	 0x01
#define CBPF_ST		 0x02
#define CBPF_STX	 0x03
#define CBPF_ALU	 0x04
#define CBPF_JMP	 0x05
#define CBPF_RET	 0x06
#define CBPF_MISC	 0x07

/* Load sizes and modes. */
#define CBPF_SIZE(code) ((code)&0x18)
#define CBPF_W		0x00
#define CBPF_H		0x08
#define CBPF_B		0x10
#define CBPF_MODE(code) ((code)&0xe0)
#define CBPF_IMM	0x00
#define CBPF_ABS	0x20
#define CBPF_IND	0x40
#define CBPF_MEM	0x60
#define CBPF_LEN	0x80
#define CBPF_MSH	0xa0

/* ALU and jump operations, and their source operand. */
#define CBPF_OP(code)  ((code)&0xf0)
#define CBPF_ADD       0x00
#define CBPF_SUB       0x10
#define CBPF_MUL       0x20
#define CBPF_DIV       0x30
#define CBPF_OR	       0x40
#define CBPF_AND       0x50
#define CBPF_LSH       0x60
#define CBPF_RSH       0x70
#define CBPF_NEG       0x80
#define CBPF_MOD       0x90
#define CBPF_XOR       0xa0
#define CBPF_JA	       0x00
#define CBPF_JEQ       0x10
#define CBPF_JGT       0x20
#define CBPF_JGE       0x30
#define CBPF_JSET      0x40
#define CBPF_SRC(code) ((code)&0x08)
#define CBPF_K	       0x00
#define CBPF_X	       0x08

/* Return value source, and MISC operations. */
#define CBPF_RVAL(code)	  ((code)&0x18)
#define CBPF_A		  0x10
#define CBPF_MISCOP(code) ((code)&0xf8)
#define CBPF_TAX	  0x00
#define CBPF_TXA	  0x80

/* Linux ancillary loads and negative offsets (include/uapi/linux/filter.h). */
#define CBPF_AD_OFF		 (-0x1000)
#define CBPF_AD_PROTOCOL	 0
#define CBPF_AD_PKTTYPE		 4
#define CBPF_AD_IFINDEX		 8
#define CBPF_AD_NLATTR		 12
#define CBPF_AD_NLATTR_NEST	 16
#define CBPF_AD_MARK		 20
#define CBPF_AD_QUEUE		 24
#define CBPF_AD_HATYPE		 28
#define CBPF_AD_RXHASH		 32
#define CBPF_AD_CPU		 36
#define CBPF_AD_ALU_XOR_X	 40
#define CBPF_AD_VLAN_TAG	 44
#define CBPF_AD_VLAN_TAG_PRESENT 48
#define CBPF_AD_PAY_OFFSET	 52
#define CBPF_AD_RANDOM		 56
#define CBPF_AD_VLAN_TPID	 60
#define CBPF_AD_MAX		 64
#define CBPF_NET_OFF		 (-0x100000)
#define CBPF_LL_OFF		 (-0x200000)

/* How an opcode's operand is written (the same in bpf_asm source and tcpdump -d listings). */
enum cbpf_operand {
	CBPF_OPND_NONE,	 /* tax, txa, neg */
	CBPF_OPND_IMM,	 /* #k */
	CBPF_OPND_ABS,	 /* [k] */
	CBPF_OPND_IND,	 /* [x + k] */
	CBPF_OPND_MEM,	 /* M[k] */
	CBPF_OPND_MSH,	 /* 4*([k]&0xf) */
	CBPF_OPND_LEN,	 /* #len (tcpdump: #pktlen) */
	CBPF_OPND_ALU_K, /* #k */
	CBPF_OPND_ALU_X, /* x */
	CBPF_OPND_JA,	 /* an absolute target, pc + 1 + k */
	CBPF_OPND_JMP_K, /* #k, jt, jf */
	CBPF_OPND_JMP_X, /* x, jt, jf */
	CBPF_OPND_RET_K, /* #k */
	CBPF_OPND_RET_A, /* a */
};

/* Which filters an opcode may appear in. */
#define CBPF_OPF_SOCKET	 0x1 /* net/core/filter.c: bpf_check_classic knows it */
#define CBPF_OPF_SECCOMP 0x2 /* kernel/seccomp.c: seccomp_check_filter allows it */

struct cbpf_opcode_info {
	uint16_t code;
	const char *name; /* mnemonic as bpf_asm and tcpdump print it: "ldh", "jeq", "ret" */
	enum cbpf_operand operand;
	unsigned flags; /* CBPF_OPF_* */
};

/* The entry for code, or NULL when the kernel does not know the opcode. */
CBPF_API const struct cbpf_opcode_info *cbpf_opcode_lookup(uint16_t code);

/* All opcodes the kernel knows, in ascending code order; *count receives their number. */
CBPF_API const struct cbpf_opcode_info *cbpf_opcode_table(size_t *count);

/*
 * True when insn is a conditional jump the kernel knows, jeq, jgt, jge or jset with k or x: the
 * only instructions that use jt and jf. An opcode the table does not hold is no jump.
 */
CBPF_API bool cbpf_insn_is_cond_jump(const struct cbpf_insn *insn);

#endif
