// SPDX-License-Identifier: MIT
/*
 * The opcode table: every opcode the kernel knows, its mnemonic and operand, where it is allowed;
 * what it makes of control flow, and the ancillary loads' names.
 */
#include <assert.h>
#include <linux/filter.h>
#include <stddef.h>
#include <stdlib.h>

#include "classic/insn_int.h"

/* Programs are handed to the kernel as they are: the layouts must agree. */
static_assert(sizeof(struct cbpf_insn) == sizeof(struct sock_filter), "insn size");
static_assert(offsetof(struct cbpf_insn, jt) == offsetof(struct sock_filter, jt), "jt");
static_assert(offsetof(struct cbpf_insn, jf) == offsetof(struct sock_filter, jf), "jf");
static_assert(offsetof(struct cbpf_insn, k) == offsetof(struct sock_filter, k), "k");
static_assert(CBPF_AD_OFF == SKF_AD_OFF && CBPF_AD_MAX == SKF_AD_MAX, "ancillary offsets");
static_assert(CBPF_NET_OFF == SKF_NET_OFF && CBPF_LL_OFF == SKF_LL_OFF, "negative offsets");

#define SOCK CBPF_OPF_SOCKET
#define BOTH (CBPF_OPF_SOCKET | CBPF_OPF_SECCOMP)

/*
 * net/core/filter.c: bpf_check_classic knows exactly these codes; kernel/seccomp.c:
 * seccomp_check_filter allows the BOTH ones (no packet loads but LD|W|ABS, no MOD).
 * Sorted by code, for bsearch.
 */
static const struct cbpf_opcode_info opcodes[] = {
	{ CBPF_LD | CBPF_W | CBPF_IMM, "ld", CBPF_OPND_IMM, BOTH },	  /* 0x00 */
	{ CBPF_LDX | CBPF_W | CBPF_IMM, "ldx", CBPF_OPND_IMM, BOTH },	  /* 0x01 */
	{ CBPF_ST, "st", CBPF_OPND_MEM, BOTH },				  /* 0x02 */
	{ CBPF_STX, "stx", CBPF_OPND_MEM, BOTH },			  /* 0x03 */
	{ CBPF_ALU | CBPF_ADD | CBPF_K, "add", CBPF_OPND_ALU_K, BOTH },	  /* 0x04 */
	{ CBPF_JMP | CBPF_JA, "ja", CBPF_OPND_JA, BOTH },		  /* 0x05 */
	{ CBPF_RET | CBPF_K, "ret", CBPF_OPND_RET_K, BOTH },		  /* 0x06 */
	{ CBPF_MISC | CBPF_TAX, "tax", CBPF_OPND_NONE, BOTH },		  /* 0x07 */
	{ CBPF_ALU | CBPF_ADD | CBPF_X, "add", CBPF_OPND_ALU_X, BOTH },	  /* 0x0c */
	{ CBPF_ALU | CBPF_SUB | CBPF_K, "sub", CBPF_OPND_ALU_K, BOTH },	  /* 0x14 */
	{ CBPF_JMP | CBPF_JEQ | CBPF_K, "jeq", CBPF_OPND_JMP_K, BOTH },	  /* 0x15 */
	{ CBPF_RET | CBPF_A, "ret", CBPF_OPND_RET_A, BOTH },		  /* 0x16 */
	{ CBPF_ALU | CBPF_SUB | CBPF_X, "sub", CBPF_OPND_ALU_X, BOTH },	  /* 0x1c */
	{ CBPF_JMP | CBPF_JEQ | CBPF_X, "jeq", CBPF_OPND_JMP_X, BOTH },	  /* 0x1d */
	{ CBPF_LD | CBPF_W | CBPF_ABS, "ld", CBPF_OPND_ABS, BOTH },	  /* 0x20 */
	{ CBPF_ALU | CBPF_MUL | CBPF_K, "mul", CBPF_OPND_ALU_K, BOTH },	  /* 0x24 */
	{ CBPF_JMP | CBPF_JGT | CBPF_K, "jgt", CBPF_OPND_JMP_K, BOTH },	  /* 0x25 */
	{ CBPF_LD | CBPF_H | CBPF_ABS, "ldh", CBPF_OPND_ABS, SOCK },	  /* 0x28 */
	{ CBPF_ALU | CBPF_MUL | CBPF_X, "mul", CBPF_OPND_ALU_X, BOTH },	  /* 0x2c */
	{ CBPF_JMP | CBPF_JGT | CBPF_X, "jgt", CBPF_OPND_JMP_X, BOTH },	  /* 0x2d */
	{ CBPF_LD | CBPF_B | CBPF_ABS, "ldb", CBPF_OPND_ABS, SOCK },	  /* 0x30 */
	{ CBPF_ALU | CBPF_DIV | CBPF_K, "div", CBPF_OPND_ALU_K, BOTH },	  /* 0x34 */
	{ CBPF_JMP | CBPF_JGE | CBPF_K, "jge", CBPF_OPND_JMP_K, BOTH },	  /* 0x35 */
	{ CBPF_ALU | CBPF_DIV | CBPF_X, "div", CBPF_OPND_ALU_X, BOTH },	  /* 0x3c */
	{ CBPF_JMP | CBPF_JGE | CBPF_X, "jge", CBPF_OPND_JMP_X, BOTH },	  /* 0x3d */
	{ CBPF_LD | CBPF_W | CBPF_IND, "ld", CBPF_OPND_IND, SOCK },	  /* 0x40 */
	{ CBPF_ALU | CBPF_OR | CBPF_K, "or", CBPF_OPND_ALU_K, BOTH },	  /* 0x44 */
	{ CBPF_JMP | CBPF_JSET | CBPF_K, "jset", CBPF_OPND_JMP_K, BOTH }, /* 0x45 */
	{ CBPF_LD | CBPF_H | CBPF_IND, "ldh", CBPF_OPND_IND, SOCK },	  /* 0x48 */
	{ CBPF_ALU | CBPF_OR | CBPF_X, "or", CBPF_OPND_ALU_X, BOTH },	  /* 0x4c */
	{ CBPF_JMP | CBPF_JSET | CBPF_X, "jset", CBPF_OPND_JMP_X, BOTH }, /* 0x4d */
	{ CBPF_LD | CBPF_B | CBPF_IND, "ldb", CBPF_OPND_IND, SOCK },	  /* 0x50 */
	{ CBPF_ALU | CBPF_AND | CBPF_K, "and", CBPF_OPND_ALU_K, BOTH },	  /* 0x54 */
	{ CBPF_ALU | CBPF_AND | CBPF_X, "and", CBPF_OPND_ALU_X, BOTH },	  /* 0x5c */
	{ CBPF_LD | CBPF_MEM, "ld", CBPF_OPND_MEM, BOTH },		  /* 0x60 */
	{ CBPF_LDX | CBPF_MEM, "ldx", CBPF_OPND_MEM, BOTH },		  /* 0x61 */
	{ CBPF_ALU | CBPF_LSH | CBPF_K, "lsh", CBPF_OPND_ALU_K, BOTH },	  /* 0x64 */
	{ CBPF_ALU | CBPF_LSH | CBPF_X, "lsh", CBPF_OPND_ALU_X, BOTH },	  /* 0x6c */
	{ CBPF_ALU | CBPF_RSH | CBPF_K, "rsh", CBPF_OPND_ALU_K, BOTH },	  /* 0x74 */
	{ CBPF_ALU | CBPF_RSH | CBPF_X, "rsh", CBPF_OPND_ALU_X, BOTH },	  /* 0x7c */
	{ CBPF_LD | CBPF_W | CBPF_LEN, "ld", CBPF_OPND_LEN, BOTH },	  /* 0x80 */
	{ CBPF_LDX | CBPF_W | CBPF_LEN, "ldx", CBPF_OPND_LEN, BOTH },	  /* 0x81 */
	{ CBPF_ALU | CBPF_NEG, "neg", CBPF_OPND_NONE, BOTH },		  /* 0x84 */
	{ CBPF_MISC | CBPF_TXA, "txa", CBPF_OPND_NONE, BOTH },		  /* 0x87 */
	{ CBPF_ALU | CBPF_MOD | CBPF_K, "mod", CBPF_OPND_ALU_K, SOCK },	  /* 0x94 */
	{ CBPF_ALU | CBPF_MOD | CBPF_X, "mod", CBPF_OPND_ALU_X, SOCK },	  /* 0x9c */
	{ CBPF_ALU | CBPF_XOR | CBPF_K, "xor", CBPF_OPND_ALU_K, BOTH },	  /* 0xa4 */
	{ CBPF_ALU | CBPF_XOR | CBPF_X, "xor", CBPF_OPND_ALU_X, BOTH },	  /* 0xac */
	{ CBPF_LDX | CBPF_B | CBPF_MSH, "ldxb", CBPF_OPND_MSH, SOCK },	  /* 0xb1 */
};

#define N_OPCODES (sizeof(opcodes) / sizeof(opcodes[0]))

static int compare_code(const void *key, const void *elem)
{
	uint16_t code = *(const uint16_t *)key;
	const struct cbpf_opcode_info *info = elem;

	return (code > info->code) - (code < info->code);
}

const struct cbpf_opcode_info *cbpf_opcode_lookup(uint16_t code)
{
	return bsearch(&code, opcodes, N_OPCODES, sizeof(opcodes[0]), compare_code);
}

const struct cbpf_opcode_info *cbpf_opcode_table(size_t *count)
{
	*count = N_OPCODES;
	return opcodes;
}

/* The operand of a known opcode, CBPF_OPND_NONE for an unknown one. */
static enum cbpf_operand operand_of(const struct cbpf_insn *insn)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(insn->code);

	return info ? info->operand : CBPF_OPND_NONE;
}

bool cbpf_insn_is_cond_jump(const struct cbpf_insn *insn)
{
	enum cbpf_operand op = operand_of(insn);

	return op == CBPF_OPND_JMP_K || op == CBPF_OPND_JMP_X;
}

bool insn_is_ret(const struct cbpf_insn *insn)
{
	enum cbpf_operand op = operand_of(insn);

	return op == CBPF_OPND_RET_K || op == CBPF_OPND_RET_A;
}

bool insn_is_jump(const struct cbpf_insn *insn)
{
	return operand_of(insn) == CBPF_OPND_JA || cbpf_insn_is_cond_jump(insn);
}

unsigned insn_successors(const struct cbpf_insn *insn, size_t pc, uint64_t t[2])
{
	switch (operand_of(insn)) {
	case CBPF_OPND_RET_K:
	case CBPF_OPND_RET_A:
		return 0;
	case CBPF_OPND_JA:
		t[0] = (uint64_t)pc + 1 + insn->k;
		return 1;
	case CBPF_OPND_JMP_K:
	case CBPF_OPND_JMP_X:
		t[0] = (uint64_t)pc + 1 + insn->jt;
		t[1] = (uint64_t)pc + 1 + insn->jf;
		return 2;
	default:
		t[0] = (uint64_t)pc + 1;
		return 1;
	}
}

uint32_t insn_loop_budget(const struct cbpf_insn *insns, size_t len)
{
	size_t conds = 0, loops = 0;
	long last = -1;

	for (size_t pc = 0; pc < len; pc++) {
		long t = insn_back_target(&insns[pc], pc, len);

		conds += operand_of(&insns[pc]) == CBPF_OPND_JMP_K ||
			 operand_of(&insns[pc]) == CBPF_OPND_JMP_X;
		/* Loops' starts, counted where the targets rise (exact for loops apart). */
		if (t > last) {
			loops++;
			last = t;
		}
	}
	loops = loops ? loops : 1;
	return (conds + 1) * loops >= 4096 ? 1 : (uint32_t)(4096 / ((conds + 1) * loops));
}

long insn_back_target(const struct cbpf_insn *insn, size_t pc, size_t len)
{
	int64_t t = (int64_t)pc + 1 + (int32_t)insn->k;

	if (insn->code != (CBPF_JMP | CBPF_JA) || (int32_t)insn->k >= 0 || t < 0 ||
	    (uint64_t)t >= len)
		return -1;
	return (long)t;
}

bool insn_loops_apart(const struct cbpf_insn *insns, size_t len)
{
	long *end = malloc(len * sizeof(*end)), last = -1;
	size_t loops = 0;
	bool apart = end != NULL;

	for (size_t pc = 0; apart && pc < len; pc++)
		end[pc] = -1;
	for (size_t pc = 0; apart && pc < len; pc++) {
		long t = insn_back_target(&insns[pc], pc, len);

		if (t >= 0)
			end[t] = (long)pc;
	}
	/* In order of their starts, each loop must start after the one before has ended. */
	for (size_t pc = 0; apart && pc < len; pc++) {
		if (end[pc] < 0)
			continue;
		apart = (long)pc > last && ++loops <= INSN_MAX_LOOPS;
		last = end[pc];
	}
	free(end);
	return apart;
}

/*
 * include/uapi/linux/filter.h: SKF_AD_PROTOCOL (0) to SKF_AD_VLAN_TPID (60), in steps of 4. bpf_asm
 * spells vlan_avail vlan_pr too; libpcap calls it vlanp and rand random.
 */
static const struct insn_anc ancillaries[] = {
	{ "proto", NULL, "proto" },
	{ "type", NULL, "type" },
	{ "ifidx", NULL, "ifidx" },
	{ "nla", NULL, "nla" },
	{ "nlan", NULL, "nlan" },
	{ "mark", NULL, "mark" },
	{ "queue", NULL, "queue" },
	{ "hatype", NULL, "hatype" },
	{ "rxhash", NULL, "rxhash" },
	{ "cpu", NULL, "cpu" },
	{ NULL, NULL, "xor_x" },
	{ "vlan_tci", NULL, "vlan_tci" },
	{ "vlan_avail", "vlan_pr", "vlanp" },
	{ "poff", NULL, "poff" },
	{ "rand", NULL, "random" },
	{ "vlan_tpid", NULL, "vlan_tpid" },
};

static_assert(sizeof(ancillaries) / sizeof(ancillaries[0]) == CBPF_AD_MAX / 4, "ancillaries");

const struct insn_anc *insn_anc(uint32_t k)
{
	uint32_t off = k - (uint32_t)CBPF_AD_OFF;

	if (k < (uint32_t)CBPF_AD_OFF || off >= CBPF_AD_MAX || off % 4)
		return NULL;
	return &ancillaries[off / 4];
}

const struct insn_anc *insn_anc_table(size_t *count)
{
	*count = sizeof(ancillaries) / sizeof(ancillaries[0]);
	return ancillaries;
}
