// SPDX-License-Identifier: MIT
/* Fuzz target: any bytes as raw instructions, checked as a socket and as a seccomp filter. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Some room past the kernel's 4096 so the length rule is exercised too. */
#define MAX_INSNS 4200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cbpf_insn insns[MAX_INSNS];
	size_t n = size / sizeof(insns[0]);
	struct cbpf_prog *prog;

	if (n > MAX_INSNS)
		n = MAX_INSNS;
	memcpy(insns, data, n * sizeof(insns[0]));
	prog = cbpf_prog_new(insns, n);
	if (!prog)
		return 0;
	for (int mode = CBPF_CHECK_SOCKET; mode <= CBPF_CHECK_SECCOMP; mode++) {
		struct cbpf_diags diags = { 0 };
		int ret = cbpf_check(prog, (enum cbpf_check_mode)mode, &diags);

		/* The verdict is the errors, with or without a list to put them in. */
		if ((ret == -EINVAL) != (diags.errors > 0) || (ret && ret != -EINVAL) ||
		    cbpf_check(prog, (enum cbpf_check_mode)mode, NULL) != ret)
			__builtin_trap();
		for (size_t i = 0; i < diags.n; i++)
			if (!diags.v[i].msg || diags.v[i].insn < -1 ||
			    diags.v[i].insn >= (long)(n > 4096 ? n : 4097))
				__builtin_trap();
		cbpf_diags_free(&diags);
	}
	cbpf_prog_free(prog);
	return 0;
}
