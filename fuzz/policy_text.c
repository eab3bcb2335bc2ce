// SPDX-License-Identifier: MIT
/* Fuzz target: the minijail policy reader (no @include) and the code generator behind it. */
#include <stddef.h>
#include <stdint.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cbpf_arch arches[3];
	struct cbpf_policy_opts opts = {
		.lang = CBPF_POLICY_TEXT,
		.host = CBPF_ARCH_X86_64,
		.arches = arches,
		.n_arches = size % 3 + 1,
		.lenient = true,
		.no_includes = true,
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;

	/* x86_64 and up to two more of every architecture, by the input's size (one named twice
	 * is there once) */
	arches[0] = CBPF_ARCH_X86_64;
	for (size_t i = 1; i < 3; i++)
		arches[i] = (enum cbpf_arch)(CBPF_ARCH_X86_64 + (size / (3 * i)) % CBPF_ARCH_COUNT);

	if (!cbpf_policy_compile((const char *)data, size, &opts, &prog, &diags)) {
		cbpf_seccomp_annotate(prog, CBPF_ARCH_X86_64);
		cbpf_prog_free(prog);
	}
	cbpf_diags_free(&diags);
	return 0;
}
