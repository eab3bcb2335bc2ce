// SPDX-License-Identifier: MIT
/* cbpf_seccomp_audit: the holes a reviewer looks for in a seccomp filter. */
#include <errno.h>

#include "seccomp/symex.h"

int cbpf_seccomp_audit(const struct cbpf_prog *prog, const struct cbpf_seccomp_model *model,
		       size_t *found, struct cbpf_diags *diags)
{
	(void)prog, (void)model, (void)diags;
	*found = 0;
	return 0;
}
