// SPDX-License-Identifier: MIT
/* The rule set the front ends build: a policy's diagnostics, strings, rules, architectures. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_ir.h"

void policy_vdiag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		  unsigned col, unsigned len, const char *fmt, va_list ap)
{
	if (sev == CBPF_SEV_ERROR && ++ctx->errors > ctx->max_errors)
		return;
	if (diags_vadd(ctx->diags, sev, file, line, col, len, -1, fmt, ap) && !ctx->err)
		ctx->err = -ENOMEM;
}

void policy_diag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		 unsigned col, unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	policy_vdiag(ctx, sev, file, line, col, len, fmt, ap);
	va_end(ap);
}

const char *policy_strdup(struct policy_ctx *ctx, const char *s, size_t len)
{
	struct cbpf_policy *pol = ctx->pol;
	char *copy;

	if (pol->n_strings == pol->cap_strings) {
		size_t cap = pol->cap_strings ? 2 * pol->cap_strings : 32;
		char **v = realloc(pol->strings, cap * sizeof(*v));

		if (!v)
			goto nomem;
		pol->strings = v;
		pol->cap_strings = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		goto nomem;
	memcpy(copy, s, len);
	copy[len] = '\0';
	pol->strings[pol->n_strings++] = copy;
	return copy;
nomem:
	if (!ctx->err)
		ctx->err = -ENOMEM;
	return NULL;
}

int policy_add_rule(struct policy_ctx *ctx, const char *syscall, uint32_t action, bool fallback,
		    const struct cbpf_policy_cond *conds, size_t n_conds, unsigned arch_mask,
		    const char *file, unsigned line, unsigned col)
{
	struct cbpf_policy *pol = ctx->pol;
	struct cbpf_policy_cond *copy = NULL;

	if (pol->n_rules == pol->cap_rules) {
		size_t cap = pol->cap_rules ? 2 * pol->cap_rules : 64;
		struct cbpf_policy_rule *v = realloc(pol->rules, cap * sizeof(*v));
		struct cbpf_policy_cond **c;

		if (!v)
			goto nomem;
		pol->rules = v;
		c = realloc(pol->conds, cap * sizeof(*c));
		if (!c)
			goto nomem;
		pol->conds = c;
		pol->cap_rules = cap;
	}
	if (n_conds) {
		copy = malloc(n_conds * sizeof(*copy));
		if (!copy)
			goto nomem;
		memcpy(copy, conds, n_conds * sizeof(*copy));
	}
	pol->conds[pol->n_rules] = copy;
	pol->rules[pol->n_rules++] = (struct cbpf_policy_rule){
		.syscall = syscall,
		.action = action,
		.fallback = fallback,
		.n_conds = n_conds,
		.conds = copy,
		.arch_mask = arch_mask,
		.file = file,
		.line = line,
		.col = col,
	};
	return 0;
nomem:
	if (!ctx->err)
		ctx->err = -ENOMEM;
	return -ENOMEM;
}

void policy_add_arch(struct cbpf_policy *pol, enum cbpf_arch arch)
{
	for (size_t i = 0; i < pol->n_arches; i++)
		if (pol->arches[i] == arch)
			return;
	if (pol->n_arches < CBPF_ARCH_COUNT)
		pol->arches[pol->n_arches++] = arch;
}

bool policy_rule_nr(const struct cbpf_policy_rule *rule, enum cbpf_arch arch, uint32_t *nr)
{
	if (rule->arch_mask && !(rule->arch_mask & (1U << arch)))
		return false;
	return cbpf_syscall_nr(arch, rule->syscall, nr) == 0;
}

bool policy_cond_holds(const struct cbpf_policy_cond *c, uint64_t arg, bool arch32)
{
	uint64_t v = c->value, m = c->mask, om = UINT64_MAX;

	/* an order's mask: all ones, or one 32-bit half's bits, as the generator reads it */
	if (m && m != UINT64_MAX && !((uint32_t)m && m >> 32))
		om = m;
	if (arch32) /* a 32-bit architecture's filter compares the low halves */
		arg = (uint32_t)arg, v = (uint32_t)v, m = (uint32_t)m, om = (uint32_t)om;
	switch (c->op) {
	case CBPF_CMP_EQ:
		return arg == v;
	case CBPF_CMP_NE:
		return arg != v;
	case CBPF_CMP_LT:
		return (arg & om) < v;
	case CBPF_CMP_LE:
		return (arg & om) <= v;
	case CBPF_CMP_GT:
		return (arg & om) > v;
	case CBPF_CMP_GE:
		return (arg & om) >= v;
	case CBPF_CMP_MASKED_EQ:
		return (arg & m) == v;
	case CBPF_CMP_MASKED_NE:
		return (arg & m) != v;
	}
	return false;
}

void policy_cond_format(const struct cbpf_policy_cond *c, uint64_t value, uint64_t mask, char *buf,
			size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=", "==", "!=" };

	/* an order with a mask of its own: libseccomp's filter's test of one masked half */
	if (c->op == CBPF_CMP_MASKED_EQ || c->op == CBPF_CMP_MASKED_NE ||
	    (c->mask && c->mask != UINT64_MAX))
		snprintf(buf, size, "(arg%u & %#" PRIx64 ") %s %#" PRIx64, c->arg, mask, ops[c->op],
			 value);
	else
		snprintf(buf, size, "arg%u %s %#" PRIx64, c->arg, ops[c->op], value);
}

int policy_add_freq(struct policy_ctx *ctx, const char *syscall, uint64_t count)
{
	struct cbpf_policy *pol = ctx->pol;

	for (size_t i = 0; i < pol->n_freqs; i++)
		if (!strcmp(pol->freqs[i].syscall, syscall)) {
			pol->freqs[i].count += count < UINT32_MAX ? count : UINT32_MAX;
			return 0;
		}
	if (pol->n_freqs == pol->cap_freqs) {
		size_t cap = pol->cap_freqs ? 2 * pol->cap_freqs : 16;
		struct policy_freq *v = realloc(pol->freqs, cap * sizeof(*v));

		if (!v)
			return ctx->err = -ENOMEM;
		pol->freqs = v;
		pol->cap_freqs = cap;
	}
	/* counts are capped so that weights (64 per count, summed) cannot overflow */
	pol->freqs[pol->n_freqs++] =
		(struct policy_freq){ syscall, count < UINT32_MAX ? count : UINT32_MAX };
	return 0;
}

uint64_t policy_freq(const struct cbpf_policy *pol, const char *syscall)
{
	for (size_t i = 0; i < pol->n_freqs; i++)
		if (!strcmp(pol->freqs[i].syscall, syscall))
			return pol->freqs[i].count;
	return 1;
}
