// SPDX-License-Identifier: MIT
/* Fuzz target: the Docker / OCI profile reader and the code generator behind it. */
#include <stddef.h>
#include <stdint.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const no_caps[] = { NULL };
	/* the host by the input's size, any architecture but x32 (not a machine) */
	enum cbpf_arch host = (enum cbpf_arch)(CBPF_ARCH_X86_64 + (size >> 2) % CBPF_ARCH_COUNT);
	struct cbpf_policy_opts opts = {
		.lang = CBPF_POLICY_JSON,
		.host = host == CBPF_ARCH_X32 ? CBPF_ARCH_X86_64 : host,
		.kernel = "6.1",
		.caps = size & 1 ? no_caps : NULL,
		.lenient = size & 2,
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;

	if (!cbpf_policy_compile((const char *)data, size, &opts, &prog, &diags))
		cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return 0;
}
