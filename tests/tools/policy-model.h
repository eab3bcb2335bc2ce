/* SPDX-License-Identifier: MIT */
/* The meaning of a parsed policy, evaluated directly: the oracle the generated filters must match.
 */
#ifndef CBPF_TESTS_POLICY_MODEL_H
#define CBPF_TESTS_POLICY_MODEL_H

#include "cbpf.h"
#include "policy-sim.h"

/* The last architecture of enum cbpf_arch. */
#define MODEL_ARCH_LAST CBPF_ARCH_S390

/* libseccomp's ARCH_SIZE_32 architectures: arguments compared on their low 32 bits (n32 too,
 * although its AUDIT_ARCH has __AUDIT_ARCH_64BIT). */
static inline bool model_arch32(enum cbpf_arch a)
{
	return a == CBPF_ARCH_I386 || a == CBPF_ARCH_ARM || a == CBPF_ARCH_X32 ||
	       a == CBPF_ARCH_MIPS || a == CBPF_ARCH_MIPSEL || a == CBPF_ARCH_MIPSN32 ||
	       a == CBPF_ARCH_MIPSN32EL || a == CBPF_ARCH_PPC || a == CBPF_ARCH_S390;
}

static inline bool model_cond(const struct cbpf_policy_cond *c, const struct sim_data *d,
			      bool arch32)
{
	uint64_t x = d->args[c->arg], v = c->value, m = c->mask;

	if (arch32) /* 32-bit arches: the low words only, constants truncated as libseccomp does */
		x = (uint32_t)x, v = (uint32_t)v, m = (uint32_t)m;
	switch (c->op) {
	case CBPF_CMP_EQ:
		return x == v;
	case CBPF_CMP_NE:
		return x != v;
	case CBPF_CMP_LT:
		return x < v;
	case CBPF_CMP_LE:
		return x <= v;
	case CBPF_CMP_GT:
		return x > v;
	case CBPF_CMP_GE:
		return x >= v;
	case CBPF_CMP_MASKED_EQ:
		return (x & m) == v;
	case CBPF_CMP_MASKED_NE:
		return (x & m) != v;
	}
	return false;
}

static inline bool model_has(const struct cbpf_policy *pol, enum cbpf_arch a)
{
	const enum cbpf_arch *arches;
	size_t n = cbpf_policy_arches(pol, &arches);

	for (size_t i = 0; i < n; i++)
		if (arches[i] == a)
			return true;
	return false;
}

/* The architecture whose table applies to d, or CBPF_ARCH_NONE with *action set. */
static inline enum cbpf_arch model_arch(const struct cbpf_policy *pol, const struct sim_data *d,
					uint32_t *action)
{
	uint32_t nr = (uint32_t)d->nr;

	*action = cbpf_policy_badarch_action(pol);
	if (d->arch == CBPF_AUDIT_ARCH_X86_64) {
		bool x64 = model_has(pol, CBPF_ARCH_X86_64), x32 = model_has(pol, CBPF_ARCH_X32);

		/* libseccomp splits x86_64 and x32 at the bit's value, not by the bit */
		if (nr >= CBPF_X32_SYSCALL_BIT) {
			if (x32)
				return CBPF_ARCH_X32;
			if (x64 &&
			    nr == UINT32_MAX) /* -1: libseccomp lets it through the x32 check */
				return CBPF_ARCH_X86_64;
			return CBPF_ARCH_NONE;
		}
		return x64 ? CBPF_ARCH_X86_64 : CBPF_ARCH_NONE;
	}
	for (enum cbpf_arch a = CBPF_ARCH_I386; a <= MODEL_ARCH_LAST; a++)
		if (a != CBPF_ARCH_X32 && cbpf_arch_audit(a) == d->arch && model_has(pol, a))
			return a;
	return CBPF_ARCH_NONE;
}

static inline bool model_applies(const struct cbpf_policy_rule *r, enum cbpf_arch a, uint32_t nr)
{
	uint32_t rnr;

	if (r->arch_mask && !(r->arch_mask & (1U << a)))
		return false;
	return !cbpf_syscall_nr(a, r->syscall, &rnr) && rnr == nr;
}

static inline uint32_t model_eval(const struct cbpf_policy *pol, const struct sim_data *d)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules);
	uint32_t action, nr = (uint32_t)d->nr;
	enum cbpf_arch a = model_arch(pol, d, &action);
	bool arch32 = model_arch32(a);
	const struct cbpf_policy_rule *fallback = NULL;

	if (!a)
		return action;
	for (size_t i = 0; i < n; i++) {
		bool all = true;

		if (!model_applies(&rules[i], a, nr))
			continue;
		if (rules[i].fallback) {
			fallback = &rules[i];
			continue;
		}
		for (size_t c = 0; c < rules[i].n_conds && all; c++)
			all = model_cond(&rules[i].conds[c], d, arch32);
		if (all)
			return rules[i].action;
	}
	return fallback ? fallback->action : cbpf_policy_default_action(pol);
}

#endif
