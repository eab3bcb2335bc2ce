/* SPDX-License-Identifier: MIT */
/* A seccomp filter evaluator of the tests' own, apart from libcbpf's interpreter: the second
 * opinion that checks it, and the one that runs other compilers' filters. */
#ifndef CBPF_TESTS_SECCOMP_SIM_H
#define CBPF_TESTS_SECCOMP_SIM_H

/*
 * Written from the kernel's rules, not from libcbpf: kernel/seccomp.c (seccomp_check_filter:
 * the instructions a seccomp filter may use, loads of an aligned word inside struct
 * seccomp_data; __seccomp_filter: what a return value means), net/core/filter.c
 * (bpf_check_classic: jumps inside the program, a return last, no constant division by zero,
 * shifts below 32; check_load_and_stores: no scratch word read before a store on every path;
 * bpf_convert_filter: a division by X == 0 returns 0). It uses nothing of libcbpf, so that a bug
 * there cannot hide in both. A header, as the tools link one source file each.
 *
 * Besides the verdict, a run can record what each conditional jump compared: the word of
 * seccomp_data that A came from (through loads, scratch memory, tax/txa, and masks), the
 * operator and the constant. The corpus test derives argument values from them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* include/uapi/linux/filter.h and bpf_common.h: the classic encoding. */
#define SSIM_CLASS(c) ((c)&0x07)
#define SSIM_LD	      0x00
#define SSIM_LDX      0x01
#define SSIM_ST	      0x02
#define SSIM_STX      0x03
#define SSIM_ALU      0x04
#define SSIM_JMP      0x05
#define SSIM_RET      0x06
#define SSIM_MISC     0x07
#define SSIM_W	      0x00
#define SSIM_ABS      0x20
#define SSIM_IMM      0x00
#define SSIM_MEM      0x60
#define SSIM_LEN      0x80
#define SSIM_K	      0x00
#define SSIM_X	      0x08
#define SSIM_A	      0x10
#define SSIM_ADD      0x00
#define SSIM_SUB      0x10
#define SSIM_MUL      0x20
#define SSIM_DIV      0x30
#define SSIM_OR	      0x40
#define SSIM_AND      0x50
#define SSIM_LSH      0x60
#define SSIM_RSH      0x70
#define SSIM_NEG      0x80
#define SSIM_XOR      0xa0
#define SSIM_JA	      0x00
#define SSIM_JEQ      0x10
#define SSIM_JGT      0x20
#define SSIM_JGE      0x30
#define SSIM_JSET     0x40
#define SSIM_TAX      0x00
#define SSIM_TXA      0x80
#define SSIM_MAXINSNS 4096 /* BPF_MAXINSNS */
#define SSIM_MEMWORDS 16   /* BPF_MEMWORDS */

/* include/uapi/linux/seccomp.h: SECCOMP_RET_ACTION_FULL and the actions. */
#define SSIM_RET_ACTION_FULL  0xffff0000U
#define SSIM_RET_DATA	      0x0000ffffU
#define SSIM_RET_KILL_PROCESS 0x80000000U
#define SSIM_RET_KILL_THREAD  0x00000000U
#define SSIM_RET_TRAP	      0x00030000U
#define SSIM_RET_ERRNO	      0x00050000U
#define SSIM_RET_USER_NOTIF   0x7fc00000U
#define SSIM_RET_TRACE	      0x7ff00000U
#define SSIM_RET_LOG	      0x7ffc0000U
#define SSIM_RET_ALLOW	      0x7fff0000U

/* One instruction as struct sock_filter lays it out (host byte order, as the raw files are). */
struct ssim_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

/* struct seccomp_data. */
struct ssim_data {
	int32_t nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};
#define SSIM_DATA_SIZE 64

/* What a conditional jump compared: (word & mask) op k; word -1 when A is no word of the input
 * (an immediate, arithmetic other than a mask). */
struct ssim_cmp {
	int word; /* byte offset in struct seccomp_data of the 32-bit word A came from */
	uint32_t mask;
	uint16_t op; /* SSIM_JEQ, _JGT, _JGE, _JSET */
	uint32_t k;
};

struct ssim_trace {
	struct ssim_cmp *cmps;
	size_t n, cap;	/* cmps[] has room for cap; past it comparisons are counted, not kept */
	size_t steps;	/* instructions executed */
	uint8_t *taken; /* NULL, or per instruction: 1 when a jump was taken, 2 when not */
};

/* The 32-bit word at byte offset off of d, as a filter's load reads it (native order). */
static inline uint32_t ssim_word(const struct ssim_data *d, unsigned off)
{
	unsigned char buf[SSIM_DATA_SIZE];
	uint32_t w;

	memcpy(buf, &d->nr, 4);
	memcpy(buf + 4, &d->arch, 4);
	memcpy(buf + 8, &d->ip, 8);
	memcpy(buf + 16, d->args, 48);
	memcpy(&w, buf + off, 4);
	return w;
}

/* Sets the 32-bit word at byte offset off of d. */
static inline void ssim_set_word(struct ssim_data *d, unsigned off, uint32_t w)
{
	unsigned char buf[SSIM_DATA_SIZE];

	memcpy(buf, &d->nr, 4);
	memcpy(buf + 4, &d->arch, 4);
	memcpy(buf + 8, &d->ip, 8);
	memcpy(buf + 16, d->args, 48);
	memcpy(buf + off, &w, 4);
	memcpy(&d->nr, buf, 4);
	memcpy(&d->arch, buf + 4, 4);
	memcpy(&d->ip, buf + 8, 8);
	memcpy(d->args, buf + 16, 48);
}

/* kernel/seccomp.c: seccomp_check_filter's list of what a seccomp filter may use. */
static inline bool ssim_allowed(uint16_t code)
{
	switch (code) {
	case SSIM_LD | SSIM_W | SSIM_ABS:
	case SSIM_LD | SSIM_W | SSIM_LEN:
	case SSIM_LDX | SSIM_W | SSIM_LEN:
	case SSIM_RET | SSIM_K:
	case SSIM_RET | SSIM_A:
	case SSIM_LD | SSIM_IMM:
	case SSIM_LDX | SSIM_IMM:
	case SSIM_MISC | SSIM_TAX:
	case SSIM_MISC | SSIM_TXA:
	case SSIM_LD | SSIM_MEM:
	case SSIM_LDX | SSIM_MEM:
	case SSIM_ST:
	case SSIM_STX:
	case SSIM_ALU | SSIM_NEG:
	case SSIM_JMP | SSIM_JA:
		return true;
	}
	if (SSIM_CLASS(code) == SSIM_ALU) {
		switch (code & 0xf0) {
		case SSIM_ADD:
		case SSIM_SUB:
		case SSIM_MUL:
		case SSIM_DIV:
		case SSIM_AND:
		case SSIM_OR:
		case SSIM_XOR:
		case SSIM_LSH:
		case SSIM_RSH:
			return (code & ~0xf8) == SSIM_ALU; /* K or X, nothing else */
		}
		return false;
	}
	if (SSIM_CLASS(code) == SSIM_JMP) {
		switch (code & 0xf0) {
		case SSIM_JEQ:
		case SSIM_JGT:
		case SSIM_JGE:
		case SSIM_JSET:
			return (code & ~0xf8) == SSIM_JMP;
		}
	}
	return false;
}

/*
 * Checks prog as seccomp(2) would before installing it; 0, or -1 with why in err.
 */
static inline int ssim_check(const struct ssim_insn *p, size_t n, char *err, size_t errlen)
{
	uint16_t known[SSIM_MAXINSNS]; /* scratch words stored, as the kernel reckons, per insn */

	if (n == 0 || n > SSIM_MAXINSNS) {
		snprintf(err, errlen, "%zu instructions (1 to %d)", n, SSIM_MAXINSNS);
		return -1;
	}
	for (size_t pc = 0; pc < n; pc++) {
		const struct ssim_insn *i = &p[pc];

		if (!ssim_allowed(i->code)) {
			snprintf(err, errlen, "insn %zu: opcode 0x%02x not allowed in seccomp", pc,
				 i->code);
			return -1;
		}
		if (i->code == (SSIM_LD | SSIM_W | SSIM_ABS) &&
		    (i->k >= SSIM_DATA_SIZE || (i->k & 3))) {
			snprintf(err, errlen, "insn %zu: load of [%u] outside or unaligned", pc,
				 i->k);
			return -1;
		}
		if ((i->code == (SSIM_ALU | SSIM_DIV | SSIM_K)) && i->k == 0) {
			snprintf(err, errlen, "insn %zu: division by zero", pc);
			return -1;
		}
		if ((i->code == (SSIM_ALU | SSIM_LSH | SSIM_K) ||
		     i->code == (SSIM_ALU | SSIM_RSH | SSIM_K)) &&
		    i->k >= 32) {
			snprintf(err, errlen, "insn %zu: shift by %u", pc, i->k);
			return -1;
		}
		if ((i->code == (SSIM_LD | SSIM_MEM) || i->code == (SSIM_LDX | SSIM_MEM) ||
		     i->code == SSIM_ST || i->code == SSIM_STX) &&
		    i->k >= SSIM_MEMWORDS) {
			snprintf(err, errlen, "insn %zu: scratch word %u", pc, i->k);
			return -1;
		}
		if (i->code == (SSIM_JMP | SSIM_JA)) {
			if (i->k >= n - pc - 1) {
				snprintf(err, errlen, "insn %zu: ja out of the program", pc);
				return -1;
			}
		} else if (SSIM_CLASS(i->code) == SSIM_JMP &&
			   (pc + 1 + i->jt >= n || pc + 1 + i->jf >= n)) {
			snprintf(err, errlen, "insn %zu: jump out of the program", pc);
			return -1;
		}
	}
	if (SSIM_CLASS(p[n - 1].code) != SSIM_RET) {
		snprintf(err, errlen, "the last instruction is not a return");
		return -1;
	}
	/*
	 * check_load_and_stores walks the program in order, not by paths: what is stored carries
	 * over from the instruction before (even a return's), a jump narrows its targets to what
	 * it has stored and starts its successor afresh, and unreachable code is checked too.
	 */
	for (size_t pc = 0; pc < n; pc++)
		known[pc] = 0xffff;
	for (size_t pc = 0, valid = 0; pc < n; pc++) {
		const struct ssim_insn *i = &p[pc];

		valid &= known[pc];
		if (i->code == SSIM_ST || i->code == SSIM_STX) {
			valid |= 1U << i->k;
		} else if (i->code == (SSIM_LD | SSIM_MEM) || i->code == (SSIM_LDX | SSIM_MEM)) {
			if (!(valid & (1U << i->k))) {
				snprintf(err, errlen, "insn %zu: M[%u] read before it is stored",
					 pc, i->k);
				return -1;
			}
		} else if (i->code == (SSIM_JMP | SSIM_JA)) {
			known[pc + 1 + i->k] &= (uint16_t)valid;
			valid = 0xffff;
		} else if (SSIM_CLASS(i->code) == SSIM_JMP) {
			known[pc + 1 + i->jt] &= (uint16_t)valid;
			known[pc + 1 + i->jf] &= (uint16_t)valid;
			valid = 0xffff;
		}
	}
	return 0;
}

/* Where a register's value came from, for the trace. */
struct ssim_src {
	int word; /* -1: not a word of the input */
	uint32_t mask;
};

/*
 * Runs a checked program over d; returns what the filter returns. trace may be NULL. The
 * arithmetic is 32-bit unsigned as in the kernel (the program runs as eBPF ALU32 after
 * bpf_convert_filter); a division by X == 0 ends the program with 0, as it converts it.
 */
static inline uint32_t ssim_run(const struct ssim_insn *p, size_t n, const struct ssim_data *d,
				struct ssim_trace *trace)
{
	uint32_t A = 0, X = 0, M[SSIM_MEMWORDS] = { 0 };
	struct ssim_src sa = { -1, 0 }, sx = { -1, 0 }, sm[SSIM_MEMWORDS];
	size_t pc = 0, steps = 0;

	for (int i = 0; i < SSIM_MEMWORDS; i++)
		sm[i] = sa;
	if (trace)
		trace->n = 0;
	while (pc < n) {
		const struct ssim_insn *i = &p[pc++];
		uint32_t src = (i->code & SSIM_X) ? X : i->k;
		bool taken = false;

		steps++;
		switch (SSIM_CLASS(i->code)) {
		case SSIM_LD:
			if (i->code == (SSIM_LD | SSIM_W | SSIM_ABS)) {
				A = ssim_word(d, i->k);
				sa = (struct ssim_src){ (int)i->k, 0xffffffffU };
			} else if (i->code == (SSIM_LD | SSIM_W | SSIM_LEN)) {
				A = SSIM_DATA_SIZE, sa.word = -1;
			} else if (i->code == (SSIM_LD | SSIM_MEM)) {
				A = M[i->k], sa = sm[i->k];
			} else {
				A = i->k, sa.word = -1;
			}
			break;
		case SSIM_LDX:
			if (i->code == (SSIM_LDX | SSIM_W | SSIM_LEN))
				X = SSIM_DATA_SIZE, sx.word = -1;
			else if (i->code == (SSIM_LDX | SSIM_MEM))
				X = M[i->k], sx = sm[i->k];
			else
				X = i->k, sx.word = -1;
			break;
		case SSIM_ST:
			M[i->k] = A, sm[i->k] = sa;
			break;
		case SSIM_STX:
			M[i->k] = X, sm[i->k] = sx;
			break;
		case SSIM_ALU:
			switch (i->code & 0xf0) {
			case SSIM_ADD:
				A += src;
				break;
			case SSIM_SUB:
				A -= src;
				break;
			case SSIM_MUL:
				A *= src;
				break;
			case SSIM_DIV:
				if (!src) {
					if (trace)
						trace->steps = steps;
					return 0;
				}
				A /= src;
				break;
			case SSIM_OR:
				A |= src;
				break;
			case SSIM_AND:
				A &= src;
				break;
			case SSIM_XOR:
				A ^= src;
				break;
			case SSIM_LSH:
				A <<= src & 31;
				break; /* ALU32 shifts use the low 5 bits */
			case SSIM_RSH:
				A >>= src & 31;
				break;
			case SSIM_NEG:
				A = -A;
				break;
			}
			/* a mask keeps the word it came from; other arithmetic loses it */
			if ((i->code & 0xf0) == SSIM_AND && !(i->code & SSIM_X))
				sa.mask &= i->k;
			else
				sa.word = -1;
			break;
		case SSIM_JMP:
			if ((i->code & 0xf0) == SSIM_JA) {
				pc += i->k;
				break;
			}
			switch (i->code & 0xf0) {
			case SSIM_JEQ:
				taken = A == src;
				break;
			case SSIM_JGT:
				taken = A > src;
				break;
			case SSIM_JGE:
				taken = A >= src;
				break;
			case SSIM_JSET:
				taken = (A & src) != 0;
				break;
			}
			if (trace && sa.word >= 0) {
				if (trace->n < trace->cap)
					trace->cmps[trace->n] = (struct ssim_cmp){
						sa.word, sa.mask, (uint16_t)(i->code & 0xf0), src
					};
				trace->n++;
			}
			if (trace && trace->taken)
				trace->taken[pc - 1] |= taken ? 1 : 2;
			pc += taken ? i->jt : i->jf;
			break;
		case SSIM_RET:
			if (trace)
				trace->steps = steps;
			return (i->code & SSIM_A) ? A : i->k;
		case SSIM_MISC:
			if (i->code == (SSIM_MISC | SSIM_TAX))
				X = A, sx = sa;
			else
				A = X, sa = sx;
			break;
		}
	}
	/* a checked program cannot get here: its last instruction returns */
	if (trace)
		trace->steps = steps;
	return SSIM_RET_KILL_THREAD;
}

/*
 * The action the kernel takes for a return value (kernel/seccomp.c: __seccomp_filter): an
 * action it does not know kills the process, and an errno is capped at MAX_ERRNO. Two filters
 * agree when their returns mean the same.
 */
static inline uint32_t ssim_meaning(uint32_t ret)
{
	uint32_t action = ret & SSIM_RET_ACTION_FULL, data = ret & SSIM_RET_DATA;

	switch (action) {
	case SSIM_RET_ERRNO:
		return action | (data > 4095 ? 4095 : data);
	case SSIM_RET_TRAP:
	case SSIM_RET_TRACE:
	case SSIM_RET_USER_NOTIF:
		return ret;
	case SSIM_RET_LOG:
	case SSIM_RET_ALLOW:
	case SSIM_RET_KILL_THREAD:
		return action;
	}
	return SSIM_RET_KILL_PROCESS;
}

#endif
