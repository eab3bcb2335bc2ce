// SPDX-License-Identifier: MIT
/*
 * A call that libseccomp's reading of one syscall's rules (policy_lsc_resolve: ordered rules,
 * the first that holds) gives another action than the rules themselves (the rule that holds,
 * else the default): where rules that do not overlap with different actions still get from
 * libseccomp 2.5.4's filter something they do not say (its BPF's accumulator, its tree's
 * 64-bit '>' and '>=').
 */
#include <stdint.h>
#include <stdlib.h>

#include "seccomp/policy_ir.h"

/* The argument values tried, per argument: those around each constant either side compares. */
struct wvals {
	uint64_t v[96];
	size_t n;
};

static void wadd(struct wvals *vs, uint64_t x)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i] == x)
			return;
	if (vs->n < sizeof(vs->v) / sizeof(vs->v[0]))
		vs->v[vs->n++] = x;
}

/* k, k-1, k+1, each 32-bit half alone, the other half changed, and the low half's neighbours. */
static void around(struct wvals *vs, uint64_t k)
{
	wadd(vs, k);
	wadd(vs, k - 1);
	wadd(vs, k + 1);
	wadd(vs, k & 0xffffffffULL);
	wadd(vs, k & ~0xffffffffULL);
	wadd(vs, k ^ (1ULL << 32));
	wadd(vs, k | 0xffffffff00000000ULL);
	wadd(vs, (k & 0xffffffffULL) - 1);
	wadd(vs, (k & 0xffffffffULL) + 1);
}

static void cond_vals(struct wvals *vs, const struct cbpf_policy_cond *c)
{
	around(&vs[c->arg], c->value);
	if (c->mask != UINT64_MAX) {
		around(&vs[c->arg], c->mask);
		around(&vs[c->arg], c->value | ~c->mask);
		around(&vs[c->arg], ~c->mask & ~c->value);
	}
}

static bool all_hold(const struct cbpf_policy_cond *c, size_t n, const uint64_t *args, bool arch32)
{
	for (size_t i = 0; i < n; i++)
		if (!policy_cond_holds(&c[i], args[c[i].arg], arch32))
			return false;
	return true;
}

/* Calls tried at most for one syscall. */
#define WITNESS_CALLS (1U << 16)

bool policy_lsc_witness(const struct cbpf_policy_rule *const *rules, size_t n,
			const struct policy_lsc_rules *res, bool arch32, uint32_t dflt,
			uint64_t work, struct policy_lsc_witness *w)
{
	struct wvals *vs = calloc(6, sizeof(*vs));
	uint64_t total = 1, calls, state = 0x9e3779b97f4a7c15ULL;
	size_t conds = 1;
	unsigned used = 0;
	bool found = false;

	if (!vs)
		return false;
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < rules[i]->n_conds; c++)
			cond_vals(vs, &rules[i]->conds[c]), used |= 1U << rules[i]->conds[c].arg;
	for (size_t i = 0; i < res->n; i++)
		for (size_t c = 0; c < res->v[i].n_conds; c++)
			cond_vals(vs, &res->v[i].conds[c]), used |= 1U << res->v[i].conds[c].arg;
	for (size_t i = 0; i < n; i++)
		conds += rules[i]->n_conds + 1;
	for (size_t i = 0; i < res->n; i++)
		conds += res->v[i].n_conds + 1;
	for (unsigned a = 0; a < 6; a++) {
		wadd(&vs[a], 0);
		wadd(&vs[a], UINT64_MAX);
		if (used & (1U << a) && total <= WITNESS_CALLS)
			total *= vs[a].n;
	}
	/* every combination when few, else as many as the bounds allow, chosen evenly at random */
	calls = total < WITNESS_CALLS ? total : WITNESS_CALLS;
	if (calls > work / conds)
		calls = work / conds;
	for (uint64_t t = 0; t < calls && !found; t++) {
		uint64_t args[6] = { 0 }, rest = t;
		uint32_t want = dflt, got = dflt;
		size_t rule = SIZE_MAX, src = SIZE_MAX;

		for (unsigned a = 0; a < 6; a++) {
			if (!(used & (1U << a)))
				continue;
			if (calls < total) {
				state = state * 6364136223846793005ULL + 1442695040888963407ULL;
				rest = state >> 33;
			}
			args[a] = vs[a].v[rest % vs[a].n];
			rest /= vs[a].n;
		}
		for (size_t i = 0; i < n && rule == SIZE_MAX; i++)
			if (all_hold(rules[i]->conds, rules[i]->n_conds, args, arch32))
				want = rules[i]->action, rule = i;
		for (size_t i = 0; i < res->n && src == SIZE_MAX; i++)
			if (all_hold(res->v[i].conds, res->v[i].n_conds, args, arch32))
				got = res->v[i].action, src = res->v[i].src;
		if (got == want)
			continue;
		found = true;
		*w = (struct policy_lsc_witness){
			.used = used, .want = want, .got = got, .rule = rule, .src = src
		};
		for (unsigned a = 0; a < 6; a++)
			w->args[a] = arch32 ? (uint32_t)args[a] : args[a];
	}
	free(vs);
	return found;
}
