// SPDX-License-Identifier: MIT
/* Seccomp code generation: one dispatch per architecture, then layout; too long a filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic/prog.h"
#include "seccomp/policy_gen.h"

/*
 * The error for a filter too long: len instructions, or more than the limit when len is 0 (the
 * generation stopped there). It points at the syscall whose checks take the most. -E2BIG.
 */
static int too_long(struct gen *g, size_t len)
{
	const struct cbpf_policy_rule *r = g->top_rule;
	enum cbpf_arch arch = g->top_arch;
	size_t part = g->top_len;
	bool partial = false;
	char need[64];

	if (g->cur_rule && g->insns - g->cur_start >= part) {
		r = g->cur_rule;
		arch = g->cur_arch;
		part = g->insns - g->cur_start;
		partial = true;
	}
	if (len)
		snprintf(need, sizeof(need), "%zu instructions, more than the kernel's %d", len,
			 CBPF_MAXINSNS);
	else
		snprintf(need, sizeof(need), "more than the kernel's %d instructions",
			 CBPF_MAXINSNS);
	if (r)
		cbpf_diags_add(g->diags, CBPF_SEV_ERROR, r->file, r->line, r->col, 0, -1,
			       "the filter needs %s; the checks of '%s' on %s take %s%zu of them "
			       "(its rules start here)",
			       need, r->syscall, cbpf_arch_name(arch), partial ? "at least " : "",
			       part);
	else /* no argument checks: the syscalls and architectures are too many */
		cbpf_diags_add(g->diags, CBPF_SEV_ERROR,
			       g->pol->n_rules ? g->pol->rules[0].file : NULL, 0, 0, 0, -1,
			       "the filter needs %s", need);
	return -E2BIG;
}

/* One generation, with that budget of tests knowing more than A a syscall (see below). */
static int gen_once(const struct cbpf_policy *pol, const struct cbpf_policy_opts *opts,
		    size_t budget, struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct gen g = { .pol = pol,
			 .diags = diags,
			 .comments = !(opts && opts->no_comments),
			 .budget = budget };
	struct layout l = { 0 };
	int bad, root, err;
	size_t len;
	/* one dispatch per AUDIT_ARCH value; x32 joins x86_64 */
	enum cbpf_arch main_arch[CBPF_ARCH_COUNT], x32_arch[CBPF_ARCH_COUNT];
	uint32_t audit[CBPF_ARCH_COUNT];
	size_t na = 0;

	for (size_t i = 0; i < pol->n_arches; i++) {
		enum cbpf_arch a = pol->arches[i];
		uint32_t au = cbpf_arch_audit(a);
		size_t j;

		for (j = 0; j < na && audit[j] != au; j++)
			;
		if (j == na) {
			audit[na] = au;
			main_arch[na] = x32_arch[na] = CBPF_ARCH_NONE;
			na++;
		}
		if (a == CBPF_ARCH_X32)
			x32_arch[j] = a;
		else
			main_arch[j] = a;
	}
	bad = gen_ret(&g, pol->badarch_action);
	root = bad;
	for (size_t i = na; i-- > 0 && root >= 0;) {
		int tree = gen_arch(&g, main_arch[i], x32_arch[i]);
		struct blk nb = { .kind = B_JMP,
				  .code = CBPF_JMP | CBPF_JEQ | CBPF_K,
				  .k = audit[i] };
		const char *an = cbpf_arch_name(main_arch[i] ? main_arch[i] : x32_arch[i]);

		if (tree < 0) {
			root = -1;
			break;
		}
		/* the tree starts by loading nr */
		if (g.b[tree].kind == B_JMP && !g.b[tree].n_pre) {
			struct blk tb = g.b[tree];

			tb.pre[tb.n_pre++] = ld_abs(OFF_NR);
			tb.label = tb.label ? strdup(tb.label) : NULL;
			tree = gen_mk(&g, tb);
		}
		nb.jt = tree;
		nb.jf = root;
		if (main_arch[i] && x32_arch[i])
			nb.label = gen_label(&g, "arch == %s or x32", an);
		else
			nb.label = gen_label(&g, "arch == %s", an);
		if (i == 0)
			nb.pre[nb.n_pre++] = ld_abs(OFF_ARCH);
		root = gen_mk(&g, nb);
	}
	if (g.err || root < 0) {
		err = g.err == -E2BIG ? too_long(&g, 0) : g.err ? g.err : -ENOMEM;
		goto out;
	}
	if (!gen_layout(&g, root, &l)) {
		err = -ENOMEM;
		goto out;
	}
	/* Relaxation only adds instructions, and prunes returns: the rest already decides a
	 * filter too long, before relaxation's work on it */
	len = 1;
	for (size_t i = 0; i < l.n; i++)
		len += g.b[l.order[i]].kind == B_RET ? 0 : blk_len(&g.b[l.order[i]]);
	if (len > CBPF_MAXINSNS) {
		err = too_long(&g, len);
		goto out;
	}
	if (!gen_relax(&g, &l) || !gen_prune(&g, &l)) {
		err = -ENOMEM;
		goto out;
	}
	len = gen_place(&g, &l);
	if (len > CBPF_MAXINSNS) {
		err = too_long(&g, len);
		goto out;
	}
	err = gen_emit(&g, &l, len, out);
out:
	for (size_t i = 0; i < g.n; i++)
		free(g.b[i].label);
	free(g.b);
	free(g.htab);
	free(l.order);
	return err;
}

/*
 * Knowledge makes code smaller until it makes it larger: each path that knows something else
 * gets its own copy of the checks after it, which pays where tests become known (a list of
 * ioctl numbers: one test a rule) and costs where they do not (rules of random comparisons on
 * several arguments specialise into thousands of copies). A syscall's checks make at most 4,096
 * tests with what their paths know, past which the outcomes forget it; when the filter is still
 * too long, it is made again forgetting sooner, then at once (checks linear in the rules).
 */
int cbpf_policy_gen(const struct cbpf_policy *pol, const struct cbpf_policy_opts *opts,
		    struct cbpf_prog **out, struct cbpf_diags *diags)
{
	static const size_t budgets[] = { 4096, 512, 0 };
	int err = -E2BIG;

	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]) && err == -E2BIG; i++) {
		bool last = i + 1 == sizeof(budgets) / sizeof(budgets[0]);

		err = gen_once(pol, opts, budgets[i], out, last ? diags : NULL);
	}
	return err;
}
