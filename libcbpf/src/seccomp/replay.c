// SPDX-License-Identifier: MIT
/* A trace replayed through a seccomp filter: denials by syscall, rules and instructions unreached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/fmt.h"
#include "cbpf/replay.h"
#include "cbpf/vm.h"
#include "seccomp/record_int.h"

struct cbpf_replay {
	char *file;
	const struct cbpf_policy *policy;
	const struct cbpf_policy_rule *rules;
	size_t n_rules;
	uint64_t *rule_hits;
	struct cbpf_vm *vm;
	const struct cbpf_insn *insns;
	uint64_t *insn_hits;
	size_t len;
	uint64_t calls, denied;
	unsigned arch_mask; /* the architectures the calls were of */
	struct cbpf_replay_denial *d;
	size_t n, cap;
};

/* The denial group of (ev, action, rule), made when missing; NULL: out of memory. */
static struct cbpf_replay_denial *group(struct cbpf_replay *r, const struct cbpf_syscall_event *ev,
					uint32_t action, const struct cbpf_policy_rule *rule)
{
	struct cbpf_replay_denial *g;

	for (size_t i = 0; i < r->n; i++) {
		g = &r->d[i];
		if (g->arch == ev->arch && g->nr == ev->nr && g->action == action &&
		    g->rule == rule)
			return g;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;

		g = realloc(r->d, cap * sizeof(*g));
		if (!g)
			return NULL;
		r->d = g;
		r->cap = cap;
	}
	g = &r->d[r->n++];
	memset(g, 0, sizeof(*g));
	g->arch = ev->arch;
	g->nr = ev->nr;
	g->name = cbpf_syscall_name(ev->arch, ev->nr);
	g->action = action;
	g->rule = rule;
	g->line = ev->line;
	if (r->policy) {
		const enum cbpf_arch *arches;
		size_t n = cbpf_policy_arches(r->policy, &arches);

		g->other_arch = true;
		for (size_t i = 0; i < n; i++)
			g->other_arch &= arches[i] != ev->arch;
	}
	return g;
}

/* One call: run step by step for the instruction counts, as the kernel would see it. */
static int replay_call(void *ctx, const struct cbpf_syscall_event *ev)
{
	struct cbpf_replay *r = ctx;
	struct cbpf_seccomp_data sd = {
		.nr = (int32_t)ev->nr,
		.arch = cbpf_arch_audit(ev->arch),
		.instruction_pointer = ev->ip,
	};
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	const struct cbpf_policy_rule *rule = NULL;
	struct cbpf_vm_state st;
	uint32_t action, decided;

	for (unsigned i = 0; i < 6; i++) /* what the trace does not give is 0 */
		if (ev->known >> i & 1)
			sd.args[i] = rec_arch_32(ev->arch) ? (uint32_t)ev->args[i] : ev->args[i];
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING && st.pc < r->len) {
		r->insn_hits[st.pc]++;
		if (cbpf_vm_step(r->vm, &st, &in, NULL))
			break;
	}
	action = st.ret;
	r->calls++;
	r->arch_mask |= 1U << ev->arch;
	if (r->policy && !cbpf_policy_decide(r->policy, ev, &decided, &rule) && rule)
		r->rule_hits[rule - r->rules]++;
	if ((action & CBPF_SECCOMP_RET_ACTION_FULL) != CBPF_SECCOMP_RET_ALLOW) {
		struct cbpf_replay_denial *g = group(r, ev, action, rule);

		if (!g)
			return -ENOMEM;
		g->count++;
		r->denied++;
	}
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct cbpf_replay_denial *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int cbpf_replay_run(const struct cbpf_prog *prog, const char *src, size_t len,
		    const struct cbpf_replay_opts *opts, struct cbpf_replay **out,
		    struct cbpf_diags *diags)
{
	const struct cbpf_replay_opts none = { 0 };
	struct cbpf_replay *r = calloc(1, sizeof(*r));
	uint32_t n;
	int err = -ENOMEM;

	if (!opts)
		opts = &none;
	if (!r)
		return -ENOMEM;
	r->policy = opts->policy;
	if (opts->file && !(r->file = strdup(opts->file)))
		goto fail;
	err = cbpf_vm_new(prog, CBPF_VM_SECCOMP, &r->vm, diags);
	if (err)
		goto fail;
	r->insns = cbpf_vm_insns(r->vm, &n);
	r->len = n;
	err = -ENOMEM;
	r->insn_hits = calloc(r->len, sizeof(*r->insn_hits));
	if (!r->insn_hits)
		goto fail;
	if (r->policy) {
		r->n_rules = cbpf_policy_rules(r->policy, &r->rules);
		r->rule_hits = calloc(r->n_rules + 1, sizeof(*r->rule_hits));
		if (!r->rule_hits)
			goto fail;
	}
	err = cbpf_trace_read(src, len, opts->file, opts->form, replay_call, r, diags);
	if (err)
		goto fail;
	if (r->n) /* qsort takes no NULL array, even empty */
		qsort(r->d, r->n, sizeof(*r->d), by_count);
	*out = r;
	return 0;
fail:
	cbpf_replay_free(r);
	return err;
}

void cbpf_replay_free(struct cbpf_replay *r)
{
	if (!r)
		return;
	cbpf_vm_free(r->vm);
	free(r->insn_hits);
	free(r->rule_hits);
	free(r->d);
	free(r->file);
	free(r);
}

uint64_t cbpf_replay_calls(const struct cbpf_replay *r, uint64_t *denied)
{
	if (denied)
		*denied = r->denied;
	return r->calls;
}

size_t cbpf_replay_denials(const struct cbpf_replay *r, const struct cbpf_replay_denial **out)
{
	*out = r->d;
	return r->n;
}

const uint64_t *cbpf_replay_insn_hits(const struct cbpf_replay *r, const struct cbpf_insn **insns,
				      size_t *n)
{
	if (insns)
		*insns = r->insns;
	*n = r->len;
	return r->insn_hits;
}

const uint64_t *cbpf_replay_rule_hits(const struct cbpf_replay *r,
				      const struct cbpf_policy_rule **rules, size_t *n)
{
	if (rules)
		*rules = r->rules;
	*n = r->n_rules;
	return r->rule_hits;
}
