// SPDX-License-Identifier: MIT
/* Placeholder until the validator lands: refuses every program. */
#include <errno.h>

#include "cbpf/check.h"

int cbpf_check(const struct cbpf_prog *prog, enum cbpf_check_mode mode, struct cbpf_diags *diags)
{
	(void)prog, (void)mode;
	cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "not implemented");
	return -ENOTSUP;
}
