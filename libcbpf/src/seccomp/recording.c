// SPDX-License-Identifier: MIT
/* A recording: the (architecture, syscall, argument values) a run needs, merged from runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/recording_int.h"

#define PROT_EXEC_ 0x4 /* the same on every architecture cbpf has */

int cbpf_recording_new(const struct cbpf_recording_opts *opts, struct cbpf_recording **out)
{
	struct cbpf_recording *rec = calloc(1, sizeof(*rec));

	if (!rec)
		return -ENOMEM;
	rec->args = opts && opts->args;
	*out = rec;
	return 0;
}

void cbpf_recording_free(struct cbpf_recording *rec)
{
	if (!rec)
		return;
	free(rec->e);
	free(rec);
}

size_t cbpf_recording_count(const struct cbpf_recording *rec)
{
	return rec->n;
}

unsigned cbpf_recording_arch_mask(const struct cbpf_recording *rec)
{
	unsigned mask = 0;

	for (size_t i = 0; i < rec->n; i++)
		mask |= 1U << rec->e[i].arch;
	return mask;
}

/* The entry of (arch, name), made when missing; name is the table's own string. */
static struct rec_entry *entry(struct cbpf_recording *rec, enum cbpf_arch arch, uint32_t nr,
			       const char *name)
{
	uint32_t slot = nr & ~CBPF_X32_SYSCALL_BIT;
	int32_t *ix = slot < REC_INDEX ? &rec->index[arch][slot] : NULL;
	struct rec_entry *e;

	if (ix && *ix)
		return &rec->e[*ix - 1];
	if (!ix)
		for (size_t i = 0; i < rec->n; i++)
			if (rec->e[i].arch == arch && rec->e[i].name == name)
				return &rec->e[i];
	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? 2 * rec->cap : 64;
		struct rec_entry *ne = realloc(rec->e, cap * sizeof(*ne));

		if (!ne)
			return NULL;
		rec->e = ne;
		rec->cap = cap;
	}
	e = &rec->e[rec->n++];
	memset(e, 0, sizeof(*e));
	e->arch = arch;
	e->name = name;
	e->key = rec->args ? rec_key_find(name) : NULL;
	e->any = !e->key;
	if (ix)
		*ix = (int32_t)rec->n;
	return e;
}

/* Adds one set of values to e: unconditional past REC_MAX_VALUES. */
static void add_values(struct rec_entry *e, uint64_t v0, uint64_t v1)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->vals[i][0] == v0 && e->vals[i][1] == v1)
			return;
	if (e->n == REC_MAX_VALUES) {
		e->any = true;
		return;
	}
	e->vals[e->n][0] = v0;
	e->vals[e->n][1] = v1;
	e->n++;
}

/* The table's name and number of name (or nr) on arch. */
static int resolve(enum cbpf_arch arch, const char *name, uint32_t *nr, const char **canon)
{
	if (name && cbpf_syscall_nr(arch, name, nr))
		return -ENOENT;
	*canon = cbpf_syscall_name(arch, *nr);
	return *canon ? 0 : -ENOENT;
}

int cbpf_recording_add(struct cbpf_recording *rec, const struct cbpf_syscall_event *ev)
{
	uint32_t nr = ev->nr;
	const char *name;
	struct rec_entry *e;
	uint64_t a[6];

	if (ev->arch <= CBPF_ARCH_NONE || ev->arch > CBPF_ARCH_COUNT ||
	    resolve(ev->arch, ev->name, &nr, &name))
		return -ENOENT;
	e = entry(rec, ev->arch, nr, name);
	if (!e)
		return -ENOMEM;
	if (e->any)
		return 0;
	for (unsigned i = 0; i < 6; i++)
		a[i] = rec_arch_32(ev->arch) ? (uint32_t)ev->args[i] : ev->args[i];
	switch (e->key->kind) {
	case REC_ONE:
		if (!(ev->known >> e->key->a0 & 1))
			e->any = true;
		else
			add_values(e, a[e->key->a0], 0);
		break;
	case REC_PAIR:
		if (!(ev->known >> e->key->a0 & 1) || !(ev->known >> e->key->a1 & 1))
			e->any = true;
		else
			add_values(e, a[e->key->a0], a[e->key->a1]);
		break;
	case REC_NOEXEC:
		if (!(ev->known >> e->key->a0 & 1) || (a[e->key->a0] & PROT_EXEC_))
			e->any = true;
		break;
	case REC_ANY:
		e->any = true;
		break;
	}
	return 0;
}

static bool cond_eq(const struct cbpf_policy_cond *c, unsigned arg)
{
	return c->arg == arg && c->op == CBPF_CMP_EQ;
}

/* What one allowing rule of rec's kind of syscall adds: values, no-exec, or anything. */
static void add_rule(struct rec_entry *e, const struct cbpf_policy_rule *r)
{
	const struct cbpf_policy_cond *c = r->conds;

	if (e->any)
		return;
	switch (e->key->kind) {
	case REC_ONE:
		if (r->n_conds == 1 && cond_eq(&c[0], e->key->a0)) {
			add_values(e, c[0].value, 0);
			return;
		}
		break;
	case REC_PAIR:
		if (r->n_conds == 2 && cond_eq(&c[0], e->key->a0) && cond_eq(&c[1], e->key->a1)) {
			add_values(e, c[0].value, c[1].value);
			return;
		}
		if (r->n_conds == 2 && cond_eq(&c[1], e->key->a0) && cond_eq(&c[0], e->key->a1)) {
			add_values(e, c[1].value, c[0].value);
			return;
		}
		break;
	case REC_NOEXEC:
		/* "arg2 in ~PROT_EXEC": (arg2 & PROT_EXEC) == 0 */
		if (r->n_conds == 1 && c[0].arg == e->key->a0 && c[0].op == CBPF_CMP_MASKED_EQ &&
		    (c[0].mask & PROT_EXEC_) && !(c[0].value & PROT_EXEC_))
			return;
		break;
	case REC_ANY:
		break;
	}
	e->any = true;
}

int cbpf_recording_add_policy(struct cbpf_recording *rec, const struct cbpf_policy *policy)
{
	const enum cbpf_arch *arches;
	size_t na = cbpf_policy_arches(policy, &arches);
	const struct cbpf_policy_rule *rules;
	size_t nr_rules = cbpf_policy_rules(policy, &rules);

	for (size_t i = 0; i < nr_rules; i++) {
		const struct cbpf_policy_rule *r = &rules[i];
		uint32_t act = r->action & CBPF_SECCOMP_RET_ACTION_FULL;

		if (act != CBPF_SECCOMP_RET_ALLOW && act != CBPF_SECCOMP_RET_LOG)
			continue;
		for (size_t a = 0; a < na; a++) {
			const char *name;
			struct rec_entry *e;
			uint32_t nr;

			if (r->arch_mask && !(r->arch_mask & (1U << arches[a])))
				continue;
			if (resolve(arches[a], r->syscall, &nr, &name))
				continue;
			e = entry(rec, arches[a], nr, name);
			if (!e)
				return -ENOMEM;
			if (!r->n_conds || r->fallback)
				e->any = true;
			else
				add_rule(e, r);
		}
	}
	return 0;
}
