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
	/* include/uapi/linux/audit.h: __AUDIT_ARCH_LE clear, a big-endian machine, whose 64-bit
	 * arguments are stored high word first: read as 32-bit words here, the halves swap. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (d->arch && !(d->arch & 0x40000000U))
		for (int i = 0; i < 6; i++)
			sd.args[i] = sd.args[i] << 32 | sd.args[i] >> 32;
#endif
	in = cbpf_input_seccomp(&sd);
	if (!steps)
		return cbpf_vm_run(s->vm, &in);
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && !cbpf_vm_step(s->vm, &st, &in, NULL))
		;
	*steps = st.steps;
	return st.ret;
}

#endif
