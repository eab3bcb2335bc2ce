// SPDX-License-Identifier: MIT
/* Warnings where a constant cut to 32 bits means something else on a 32-bit ABI. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "seccomp/policy_ir.h"

/*
 * Whether comparing a 32-bit argument with c's constants cut to 32 bits (what the filter does on
 * i386, arm and x32, as libseccomp does) means something else than comparing it with c's own:
 * some argument value gets another outcome. A constant that is a negative 32-bit number
 * sign-extended (-1, 0xfffffffffffff000) is that number in 32-bit arithmetic, not a change. The
 * high bits of a mask never matter: a 32-bit argument has none (so minijail's & and in keep
 * their meaning).
 */
static bool truncation_changes(const struct cbpf_policy_cond *c)
{
	uint32_t hi = (uint32_t)(c->value >> 32), v = (uint32_t)c->value, m = (uint32_t)c->mask;

	if (!hi || (hi == UINT32_MAX && (v & 0x80000000U)))
		return false;
	switch (c->op) {
	case CBPF_CMP_LE: /* always true before, and after only with 0xffffffff */
	case CBPF_CMP_GT:
		return v != UINT32_MAX;
	case CBPF_CMP_MASKED_EQ: /* never true before; after, unless a bit outside the mask */
	case CBPF_CMP_MASKED_NE:
		return !(v & ~m);
	default: /* == and != never and always true before, < and >= always and never */
		return true;
	}
}

/*
 * Warns, at the rule, where a condition means something else on the filter's 32-bit ABIs than
 * its constant says: the filter keeps libseccomp's reading (the low 32 bits), so that a profile
 * means under cbpf what it means under runc, but the policy's author should know
 * (personality: arg0 == 0x100000000 is arg0 == 0 there, and allows personality(0)).
 */
void policy_check_truncation(struct policy_ctx *ctx)
{
	const struct cbpf_policy *pol = ctx->pol;
	char last[512] = "", msg[512];
	const struct cbpf_policy_rule *prev = NULL;

	for (size_t r = 0; r < pol->n_rules; r++) {
		const struct cbpf_policy_rule *rule = &pol->rules[r];

		for (size_t c = 0; c < rule->n_conds; c++) {
			const struct cbpf_policy_cond *cond = &rule->conds[c];
			uint32_t v = (uint32_t)cond->value, m = (uint32_t)cond->mask;
			char arches[64] = "", was[96], now[96];
			const char *always = "";
			size_t len = 0;
			uint32_t nr;

			if (!truncation_changes(cond))
				continue;
			for (size_t a = 0; a < pol->n_arches; a++)
				if (arch_args32(pol->arches[a]) &&
				    policy_rule_nr(rule, pol->arches[a], &nr))
					len += (size_t)snprintf(arches + len, sizeof(arches) - len,
								"%s%s", len ? ", " : "",
								cbpf_arch_name(pol->arches[a]));
			if (!len)
				continue;
			if ((cond->op == CBPF_CMP_LT && !v) ||
			    (cond->op == CBPF_CMP_MASKED_NE && !m))
				always = ", which never holds";
			else if ((cond->op == CBPF_CMP_GE && !v) ||
				 (cond->op == CBPF_CMP_MASKED_EQ && !m))
				always = ", which always holds";
			policy_cond_format(cond, cond->value, cond->mask, was, sizeof(was));
			policy_cond_format(cond, v, m, now, sizeof(now));
			snprintf(msg, sizeof(msg),
				 "%s is %s on %s%s: arguments are 32 bits there, and constants are "
				 "cut to 32 bits as libseccomp does",
				 was, now, arches, always);
			/* one entry of a profile naming many syscalls: one warning */
			if (prev && prev->file == rule->file && prev->line == rule->line &&
			    prev->col == rule->col && !strcmp(last, msg))
				continue;
			policy_diag(ctx, CBPF_SEV_WARNING, rule->file, rule->line, rule->col, 0,
				    "%s", msg);
			prev = rule;
			snprintf(last, sizeof(last), "%s", msg);
		}
	}
}
