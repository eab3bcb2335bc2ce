/* SPDX-License-Identifier: MIT */
/* Running seccomp programs in the policy tests: libcbpf's interpreter, counting instructions. */
#ifndef CBPF_TESTS_POLICY_SIM_H
#define CBPF_TESTS_POLICY_SIM_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

/* struct seccomp_data, as the interpreter reads it. */
struct sim_data {
	int32_t nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

#if __has_include("cbpf/vm.h")
#include "cbpf/vm.h"
#define SIM_ENGINE "libcbpf's interpreter (cbpf_vm, seccomp mode)"

struct sim {
	struct cbpf_vm *vm;
};

static inline int sim_new(const struct cbpf_prog *prog, struct sim *s)
{
	return cbpf_vm_new(prog, CBPF_VM_SECCOMP, &s->vm, NULL);
}

static inline void sim_free(struct sim *s)
{
	cbpf_vm_free(s->vm);
	s->vm = NULL;
}

/* The action; *steps (may be NULL) receives the instructions executed. */
static inline uint32_t sim_run(const struct sim *s, const struct sim_data *d, uint64_t *steps)
{
	struct cbpf_seccomp_data sd;
	struct cbpf_input in;
	struct cbpf_vm_state st;

	memcpy(&sd, d, sizeof(sd));
	in = cbpf_input_seccomp(&sd);
	if (!steps)
		return cbpf_vm_run(s->vm, &in);
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(s->vm, &st, &in, NULL))
		;
	*steps = st.steps;
	return st.ret;
}
#else
/* Until the interpreter is merged: the few instructions seccomp programs use. */
#define SIM_ENGINE "the tests' stand-in evaluator (cbpf/vm.h absent)"

struct sim {
	struct cbpf_insn *insns;
	size_t len;
};

static inline int sim_new(const struct cbpf_prog *prog, struct sim *s)
{
	s->len = cbpf_prog_len(prog);
	s->insns = malloc((s->len + 1) * sizeof(*s->insns));
	if (!s->insns)
		return -ENOMEM;
	memcpy(s->insns, cbpf_prog_insns(prog), s->len * sizeof(*s->insns));
	return 0;
}

static inline void sim_free(struct sim *s)
{
	free(s->insns);
	s->insns = NULL;
}

static inline uint32_t sim_run(const struct sim *s, const struct sim_data *d, uint64_t *steps)
{
	uint32_t A = 0, X = 0, M[16] = { 0 };
	uint64_t n = 0;
	size_t pc = 0;

	while (pc < s->len) {
		const struct cbpf_insn *in = &s->insns[pc++];
		uint32_t w;

		n++;
		switch (in->code) {
		case CBPF_LD | CBPF_W | CBPF_ABS:
			if (in->k > 60 || (in->k & 3))
				goto zero;
			memcpy(&w, (const char *)d + in->k, 4);
			A = w;
			break;
		case CBPF_LD | CBPF_W | CBPF_LEN:
			A = 64;
			break;
		case CBPF_LD | CBPF_IMM:
			A = in->k;
			break;
		case CBPF_LDX | CBPF_IMM:
			X = in->k;
			break;
		case CBPF_LD | CBPF_MEM:
			A = M[in->k & 15];
			break;
		case CBPF_LDX | CBPF_MEM:
			X = M[in->k & 15];
			break;
		case CBPF_ST:
			M[in->k & 15] = A;
			break;
		case CBPF_STX:
			M[in->k & 15] = X;
			break;
		case CBPF_ALU | CBPF_AND | CBPF_K:
			A &= in->k;
			break;
		case CBPF_ALU | CBPF_OR | CBPF_K:
			A |= in->k;
			break;
		case CBPF_MISC | CBPF_TAX:
			X = A;
			break;
		case CBPF_MISC | CBPF_TXA:
			A = X;
			break;
		case CBPF_JMP | CBPF_JA:
			pc += in->k;
			break;
		case CBPF_JMP | CBPF_JEQ | CBPF_K:
			pc += A == in->k ? in->jt : in->jf;
			break;
		case CBPF_JMP | CBPF_JGT | CBPF_K:
			pc += A > in->k ? in->jt : in->jf;
			break;
		case CBPF_JMP | CBPF_JGE | CBPF_K:
			pc += A >= in->k ? in->jt : in->jf;
			break;
		case CBPF_JMP | CBPF_JSET | CBPF_K:
			pc += (A & in->k) ? in->jt : in->jf;
			break;
		case CBPF_JMP | CBPF_JEQ | CBPF_X:
			pc += A == X ? in->jt : in->jf;
			break;
		case CBPF_RET | CBPF_K:
			if (steps)
				*steps = n;
			return in->k;
		case CBPF_RET | CBPF_A:
			if (steps)
				*steps = n;
			return A;
		default:
			goto zero;
		}
	}
zero:
	if (steps)
		*steps = n;
	return 0;
}
#endif

#endif
