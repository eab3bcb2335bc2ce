// SPDX-License-Identifier: MIT
/* Which rule of a policy decides a call: what --report names beside the filter's action. */
#include <errno.h>
#include <string.h>

#include "seccomp/policy_ir.h"
#include "seccomp/record_int.h"

int cbpf_policy_decide(const struct cbpf_policy *policy, const struct cbpf_syscall_event *ev,
		       uint32_t *action, const struct cbpf_policy_rule **rule)
{
	const enum cbpf_arch *arches;
	size_t na = cbpf_policy_arches(policy, &arches);
	const struct cbpf_policy_rule *rules, *fallback = NULL;
	size_t n = cbpf_policy_rules(policy, &rules);
	const char *name = ev->name ? ev->name : cbpf_syscall_name(ev->arch, ev->nr);
	bool ours = false, narrow = rec_arch_32(ev->arch);

	for (size_t a = 0; a < na; a++)
		ours |= arches[a] == ev->arch;
	*rule = NULL;
	if (!ours) {
		*action = cbpf_policy_badarch_action(policy);
		return 0;
	}
	*action = cbpf_policy_default_action(policy);
	if (!name)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		const struct cbpf_policy_rule *r = &rules[i];
		bool all = true;

		if (strcmp(r->syscall, name) ||
		    (r->arch_mask && !(r->arch_mask & (1U << ev->arch))))
			continue;
		if (r->fallback) {
			if (!fallback)
				fallback = r;
			continue;
		}
		for (size_t c = 0; c < r->n_conds && all; c++)
			all = policy_cond_holds(&r->conds[c], ev->args[r->conds[c].arg], narrow);
		if (all) {
			*action = r->action;
			*rule = r;
			return 0;
		}
	}
	if (fallback) {
		*action = fallback->action;
		*rule = fallback;
	}
	return 0;
}
