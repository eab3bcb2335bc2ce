// SPDX-License-Identifier: MIT
/* Placeholder until the reader lands: refuses every input. */
#include <errno.h>

#include "cbpf/asm.h"

int cbpf_asm_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts, struct cbpf_prog **out,
	 struct cbpf_diags *diags)
{
	(void)src, (void)len, (void)out;
	cbpf_diags_add(diags, CBPF_SEV_ERROR, opts ? opts->file : NULL, 0, 0, 0, -1,
		       "not implemented");
	return -ENOTSUP;
}
