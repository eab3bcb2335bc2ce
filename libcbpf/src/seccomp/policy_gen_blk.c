// SPDX-License-Identifier: MIT
/* The generator's block graph: blocks hash-consed, so that identical code is made once. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "seccomp/policy_gen.h"
#include "util/diag_int.h"

static uint64_t blk_hash(const struct blk *b)
{
	uint64_t h = gen_mix(b->kind, b->n_pre);

	for (unsigned i = 0; i < b->n_pre; i++)
		h = gen_mix(gen_mix(h, b->pre[i].code), b->pre[i].k);
	h = gen_mix(gen_mix(h, b->code), b->k);
	return gen_fin(gen_mix(gen_mix(h, (uint64_t)(int64_t)b->jt), (uint64_t)(int64_t)b->jf));
}

static bool blk_same(const struct blk *a, const struct blk *b)
{
	if (a->kind != b->kind || a->n_pre != b->n_pre || a->code != b->code || a->k != b->k ||
	    a->jt != b->jt || a->jf != b->jf)
		return false;
	for (unsigned i = 0; i < a->n_pre; i++)
		if (a->pre[i].code != b->pre[i].code || a->pre[i].k != b->pre[i].k)
			return false;
	return true;
}

static bool rehash(struct gen *g, size_t cap)
{
	int *t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < g->n; i++) {
		size_t h = (size_t)blk_hash(&g->b[i]) & (cap - 1);

		if (g->b[i].orig >= 0)
			continue;
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = (int)i + 1;
	}
	free(g->htab);
	g->htab = t;
	g->hcap = cap;
	return true;
}

int gen_append(struct gen *g, const struct blk *nb)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;
		struct blk *v = realloc(g->b, cap * sizeof(*v));

		if (!v)
			return -1;
		g->b = v;
		g->cap = cap;
	}
	g->b[g->n] = *nb;
	return (int)g->n++;
}

int gen_mk(struct gen *g, struct blk nb)
{
	size_t h;
	int id;

	nb.orig = -1;
	if (g->err)
		goto fail;
	/* both ways to one place: no test (and no load, when that place is a return, which reads
	 * nothing; a load for a later test must stay) */
	if (nb.kind == B_JMP && nb.jt == nb.jf && (!nb.n_pre || g->b[nb.jt].kind == B_RET)) {
		free(nb.label);
		return nb.jt;
	}
	if (2 * (g->n + 1) > g->hcap && !rehash(g, g->hcap ? 2 * g->hcap : 1024))
		goto nomem;
	h = (size_t)blk_hash(&nb) & (g->hcap - 1);
	for (; g->htab[h]; h = (h + 1) & (g->hcap - 1))
		if (blk_same(&g->b[g->htab[h] - 1], &nb)) {
			free(nb.label);
			return g->htab[h] - 1;
		}
	id = gen_append(g, &nb);
	if (id < 0)
		goto nomem;
	g->htab[h] = id + 1;
	if (nb.kind != B_RET && (g->insns += blk_len(&nb)) > CBPF_MAXINSNS + CBPF_ARCH_COUNT) {
		g->err = -E2BIG;
		return -1;
	}
	return id;
nomem:
	g->err = -ENOMEM;
fail:
	free(nb.label);
	return -1;
}

char *gen_label(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!g->comments)
		return NULL;
	va_start(ap, fmt);
	s = diag_vformat(fmt, ap);
	va_end(ap);
	if (!s)
		g->err = -ENOMEM;
	return s;
}

int gen_ret(struct gen *g, uint32_t action)
{
	char name[32];

	cbpf_seccomp_action_format(action, name, sizeof(name));
	return gen_mk(g, (struct blk){
				 .kind = B_RET, .k = action, .label = gen_label(g, "%s", name) });
}
