// SPDX-License-Identifier: MIT
/* A recording read back as calls: one per syscall and per argument values it kept, for replay. */
#include <errno.h>
#include <string.h>

#include "seccomp/recording_int.h"

#define PROT_READ_ 0x1

bool trace_is_recording(const char *src, size_t len)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t i = 0;

	while (i < len && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r'))
		i++;
	return (i < len && src[i] == '{') || cbpf_recording_read_arches(src, len, arches) > 0;
}

/* The line of the first rule of policy naming name on arch: where the call was recorded. */
static unsigned rule_line(const struct cbpf_policy *policy, enum cbpf_arch arch, const char *name)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(policy, &rules);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(rules[i].syscall, name) &&
		    (!rules[i].arch_mask || (rules[i].arch_mask & (1U << arch))))
			return rules[i].line;
	return 0;
}

/* The calls of one entry: the values kept, else one call with the arguments unknown (0). */
static int entry_calls(const struct rec_entry *e, const struct cbpf_policy *policy,
		       const char *file, cbpf_syscall_fn fn, void *ctx)
{
	struct cbpf_syscall_event ev = {
		.arch = e->arch,
		.name = e->name,
		.file = file,
		.line = rule_line(policy, e->arch, e->name),
	};
	int ret;

	if (cbpf_syscall_nr(e->arch, e->name, &ev.nr))
		return 0;
	if (e->any || !e->key)
		return fn(ctx, &ev);
	if (e->key->kind == REC_NOEXEC) { /* "arg2 in ~PROT_EXEC": a call without PROT_EXEC */
		ev.known = 1U << e->key->a0;
		ev.args[e->key->a0] = PROT_READ_;
		return fn(ctx, &ev);
	}
	for (size_t i = 0; i < e->n; i++) {
		ev.known = 1U << e->key->a0;
		ev.args[e->key->a0] = e->vals[i][0];
		if (e->key->kind == REC_PAIR) {
			ev.known |= 1U << e->key->a1;
			ev.args[e->key->a1] = e->vals[i][1];
		}
		ret = fn(ctx, &ev);
		if (ret)
			return ret;
	}
	return 0;
}

int trace_read_recording(const char *src, size_t len, const char *file, cbpf_syscall_fn fn,
			 void *ctx, struct cbpf_diags *diags)
{
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	struct cbpf_policy_opts popts = {
		.file = file,
		.arches = arches,
		.n_arches = cbpf_recording_read_arches(src, len, arches),
		/* a recording of several architectures names each syscall where it exists */
		.lenient = true,
	};
	struct cbpf_recording_opts ropts = { .args = true };
	struct cbpf_policy *policy = NULL;
	struct cbpf_recording *rec = NULL;
	int ret;

	ret = cbpf_policy_parse(src, len, &popts, &policy, diags);
	if (!ret)
		ret = cbpf_recording_new(&ropts, &rec);
	if (!ret)
		ret = cbpf_recording_add_policy(rec, policy);
	if (!ret && !rec->n) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, file, 0, 0, 0, -1,
			       "this recording allows no system call: nothing to replay");
		ret = -EINVAL;
	}
	for (size_t i = 0; !ret && i < rec->n; i++)
		ret = entry_calls(&rec->e[i], policy, file, fn, ctx);
	cbpf_recording_free(rec);
	cbpf_policy_free(policy);
	return ret;
}
