/* SPDX-License-Identifier: MIT */
/* The same policy through libseccomp's C API: built from a parsed cbpf policy, exported as BPF. */
#ifndef CBPF_TESTS_POLICY_LIBSECCOMP_H
#define CBPF_TESTS_POLICY_LIBSECCOMP_H

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"

struct lsc_result {
	struct cbpf_prog *prog; /* libseccomp's program */
	size_t unknown;		/* rules whose syscall libseccomp does not know: left out */
	size_t refused;		/* rules seccomp_rule_add refused */
	size_t host_order_rets; /* returns of a big-endian export left in host order, repaired */
	char first_unknown[64];
};

static inline uint32_t lsc_arch(enum cbpf_arch a)
{
	switch (a) {
	case CBPF_ARCH_X86_64:
		return SCMP_ARCH_X86_64;
	case CBPF_ARCH_I386:
		return SCMP_ARCH_X86;
	case CBPF_ARCH_X32:
		return SCMP_ARCH_X32;
	case CBPF_ARCH_AARCH64:
		return SCMP_ARCH_AARCH64;
	case CBPF_ARCH_ARM:
		return SCMP_ARCH_ARM;
	case CBPF_ARCH_RISCV64:
		return SCMP_ARCH_RISCV64;
	case CBPF_ARCH_PPC64LE:
		return SCMP_ARCH_PPC64LE;
	case CBPF_ARCH_S390X:
		return SCMP_ARCH_S390X;
#ifdef SCMP_ARCH_LOONGARCH64 /* libseccomp 2.6 */
	case CBPF_ARCH_LOONGARCH64:
		return SCMP_ARCH_LOONGARCH64;
#endif
	case CBPF_ARCH_MIPS:
		return SCMP_ARCH_MIPS;
	case CBPF_ARCH_MIPSEL:
		return SCMP_ARCH_MIPSEL;
	case CBPF_ARCH_MIPS64:
		return SCMP_ARCH_MIPS64;
	case CBPF_ARCH_MIPS64EL:
		return SCMP_ARCH_MIPSEL64;
	case CBPF_ARCH_MIPSN32:
		return SCMP_ARCH_MIPS64N32;
	case CBPF_ARCH_MIPSN32EL:
		return SCMP_ARCH_MIPSEL64N32;
	case CBPF_ARCH_PPC:
		return SCMP_ARCH_PPC;
	case CBPF_ARCH_S390:
		return SCMP_ARCH_S390;
	default:
		return 0; /* SCMP_ARCH_NATIVE: not one libseccomp knows */
	}
}

/* Whether libseccomp can say the same thing: no fallback rules, no (arg & m) != v, no per-arch
 * rules. */
static inline bool lsc_expressible(const struct cbpf_policy *pol)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules);

	for (size_t i = 0; i < n; i++) {
		if (rules[i].fallback || rules[i].arch_mask)
			return false;
		for (size_t c = 0; c < rules[i].n_conds; c++)
			if (rules[i].conds[c].op == CBPF_CMP_MASKED_NE)
				return false;
	}
	return true;
}

/* Whether k is a return libseccomp writes: a known action, with data only where it has some
 * (errno, trace); kill has none. */
static inline bool lsc_ret_valid(uint32_t k)
{
	uint32_t act = k & CBPF_SECCOMP_RET_ACTION_FULL, data = k & ~CBPF_SECCOMP_RET_ACTION_FULL;

	switch (act) {
	case CBPF_SECCOMP_RET_ERRNO:
	case CBPF_SECCOMP_RET_TRACE:
		return true;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
	case CBPF_SECCOMP_RET_KILL_THREAD:
	case CBPF_SECCOMP_RET_TRAP:
	case CBPF_SECCOMP_RET_USER_NOTIF:
	case CBPF_SECCOMP_RET_LOG:
	case CBPF_SECCOMP_RET_ALLOW:
		return data == 0;
	default:
		return false;
	}
}

/*
 * Builds pol with seccomp_init / seccomp_arch_add / seccomp_rule_add_array and exports it
 * (optimize: SCMP_FLTATR_CTL_OPTIMIZE, 1 or 2). 0, or a negative errno.
 */
static inline int lsc_build(const struct cbpf_policy *pol, int optimize, struct lsc_result *res)
{
	static const enum scmp_compare ops[] = {
		[CBPF_CMP_EQ] = SCMP_CMP_EQ,
		[CBPF_CMP_NE] = SCMP_CMP_NE,
		[CBPF_CMP_LT] = SCMP_CMP_LT,
		[CBPF_CMP_LE] = SCMP_CMP_LE,
		[CBPF_CMP_GT] = SCMP_CMP_GT,
		[CBPF_CMP_GE] = SCMP_CMP_GE,
		[CBPF_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	const struct cbpf_policy_rule *rules;
	const enum cbpf_arch *arches;
	size_t nr_rules = cbpf_policy_rules(pol, &rules), na = cbpf_policy_arches(pol, &arches);
	uint32_t dflt = cbpf_policy_default_action(pol);
	scmp_filter_ctx ctx;
	bool has_native = false;
	int err = 0, fd = -1;
	FILE *tmp = NULL;
	off_t size;
	struct cbpf_insn *insns = NULL;

	memset(res, 0, sizeof(*res));
	if (!lsc_expressible(pol))
		return -ENOTSUP;
	ctx = seccomp_init(dflt);
	if (!ctx)
		return -ENOMEM;
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, cbpf_policy_badarch_action(pol));
	if (optimize)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, (uint32_t)optimize);
	for (size_t i = 0; i < na; i++) {
		if (!lsc_arch(arches[i])) {
			err = -ENOTSUP;
			goto out;
		}
		has_native |= lsc_arch(arches[i]) == seccomp_arch_native();
	}
	/* native out first: libseccomp takes only architectures of one endianness (-EDOM),
	 * those of the filter's first */
	if (!has_native && (err = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)))
		goto out;
	for (size_t i = 0; i < na; i++)
		if (lsc_arch(arches[i]) != seccomp_arch_native() &&
		    (err = seccomp_arch_add(ctx, lsc_arch(arches[i]))))
			goto out;
	for (size_t r = 0; r < nr_rules; r++) {
		struct scmp_arg_cmp conds[64];
		int nr = seccomp_syscall_resolve_name(rules[r].syscall);

		if (rules[r].action == dflt)
			continue;
		if (nr == __NR_SCMP_ERROR) {
			if (!res->unknown++)
				snprintf(res->first_unknown, sizeof(res->first_unknown), "%s",
					 rules[r].syscall);
			continue;
		}
		for (size_t c = 0; c < rules[r].n_conds && c < 64; c++) {
			const struct cbpf_policy_cond *pc = &rules[r].conds[c];

			conds[c] = (struct scmp_arg_cmp){ pc->arg, ops[pc->op], pc->value, 0 };
			if (pc->op == CBPF_CMP_MASKED_EQ)
				conds[c].datum_a = pc->mask, conds[c].datum_b = pc->value;
		}
		if (seccomp_rule_add_array(ctx, rules[r].action, nr, (unsigned)rules[r].n_conds,
					   conds))
			res->refused++;
	}
	tmp = tmpfile();
	fd = tmp ? fileno(tmp) : -1;
	if (fd < 0 || seccomp_export_bpf(ctx, fd)) {
		err = -EIO;
		goto out;
	}
	size = lseek(fd, 0, SEEK_END);
	insns = malloc((size_t)size + 1);
	if (!insns || pread(fd, insns, (size_t)size, 0) != size) {
		err = -EIO;
		goto out;
	}
	/* libseccomp writes a big-endian filter in its machine's byte order (gen_bpf.c: htot):
	 * turned back into this little-endian machine's. 2.5.4 leaves some returns of large
	 * filters in host order (a shared block swapped twice, it seems: ret 0xff7f for allow,
	 * 0x01000500 for errno(1)); a return that is no action libseccomp writes is turned back,
	 * and counted. */
	if (na && !(cbpf_arch_audit(arches[0]) & 0x40000000U))
		for (size_t i = 0; i < (size_t)size / sizeof(*insns); i++) {
			insns[i].code = __builtin_bswap16(insns[i].code);
			insns[i].k = __builtin_bswap32(insns[i].k);
			if (insns[i].code == (CBPF_RET | CBPF_K) && !lsc_ret_valid(insns[i].k) &&
			    lsc_ret_valid(__builtin_bswap32(insns[i].k))) {
				insns[i].k = __builtin_bswap32(insns[i].k);
				res->host_order_rets++;
			}
		}
	res->prog = cbpf_prog_new(insns, (size_t)size / sizeof(*insns));
	if (!res->prog)
		err = -ENOMEM;
out:
	free(insns);
	if (tmp)
		fclose(tmp);
	seccomp_release(ctx);
	return err;
}

#endif
