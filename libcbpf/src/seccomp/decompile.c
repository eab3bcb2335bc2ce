// SPDX-License-Identifier: MIT
/* cbpf_seccomp_decompile: a seccomp filter written back as a minijail or OCI policy. */
#include <errno.h>

#include "seccomp/symex.h"

int cbpf_seccomp_decompile(FILE *out, const struct cbpf_seccomp_model *model,
			   enum cbpf_policy_lang lang, enum cbpf_arch *arches, size_t *n_arches,
			   struct cbpf_diags *diags)
{
	(void)out, (void)model, (void)lang, (void)arches, (void)n_arches, (void)diags;
	return -ENOTSUP;
}
