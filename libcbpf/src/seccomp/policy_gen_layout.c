// SPDX-License-Identifier: MIT
/* The generator's layout: blocks ordered, far jumps relaxed, then emitted as the program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic/prog.h"
#include "seccomp/policy_gen.h"

static bool order_push(struct layout *l, int id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		int *v = realloc(l->order, cap * sizeof(*v));

		if (!v)
			return false;
		l->order = v;
		l->cap = cap;
	}
	l->order[l->n++] = id;
	return true;
}

/* Reverse postorder of the jumps, returns left out (they go last, shared by everything). */
bool gen_layout(struct gen *g, int root, struct layout *l)
{
	int8_t *state = calloc(g->n, 1);
	int *stack = malloc((2 * g->n + 2) * sizeof(*stack));
	int *post = malloc(g->n * sizeof(*post));
	size_t sp = 0, np = 0;
	bool ok = state && stack && post;

	if (!ok)
		goto out;
	stack[sp++] = root;
	while (sp) {
		int id = stack[sp - 1];
		struct blk *b = &g->b[id];

		if (state[id] == 2) {
			sp--;
			continue;
		}
		if (state[id] == 0) {
			state[id] = 1;
			/* jt pushed last is visited first: jf ends up right after its parent */
			if (b->kind == B_JMP) {
				if (!state[b->jf])
					stack[sp++] = b->jf;
				if (!state[b->jt])
					stack[sp++] = b->jt;
			} else if (b->kind == B_JA && !state[b->jt]) {
				stack[sp++] = b->jt;
			}
			continue;
		}
		sp--;
		if (state[id] == 1) {
			state[id] = 2;
			post[np++] = id;
		}
	}
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind != B_RET && !(ok = order_push(l, post[i])))
			goto out;
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind == B_RET && !(ok = order_push(l, post[i])))
			goto out;
out:
	free(state);
	free(stack);
	free(post);
	return ok;
}

size_t gen_place(struct gen *g, const struct layout *l)
{
	size_t pos = 0;

	for (size_t i = 0; i < l->n; i++) {
		g->b[l->order[i]].pos = pos;
		pos += blk_len(&g->b[l->order[i]]);
	}
	return pos;
}

/*
 * Makes every conditional jump reach its target within 255 instructions. A far return is copied
 * next to the jump (a copy costs no executed instruction); any other far target gets a ja there.
 * The copy goes right after the jumping block: later copies cannot push it out of reach again
 * (at the farthest boundary instead, two copies can push each other out forever). Jumps within
 * reach of an existing copy share it.
 */
bool gen_relax(struct gen *g, struct layout *l)
{
	for (int rounds = 0; rounds < 100000; rounds++) {
		bool changed = false;

		gen_place(g, l);
		for (size_t i = 0; i < l->n && !changed; i++) {
			struct blk *b = &g->b[l->order[i]];
			size_t at = b->pos + b->n_pre, q = i + 1;
			int *edge[2] = { &b->jt, &b->jf };

			if (b->kind != B_JMP)
				continue;
			for (int e = 0; e < 2 && !changed; e++) {
				int target = *edge[e], orig, copy = -1;
				struct blk nb;

				if (g->b[target].pos - at - 1 <= 255)
					continue;
				orig = g->b[target].orig >= 0 ? g->b[target].orig : target;
				/* an existing copy within reach? */
				for (size_t c = 0; c < g->n && copy < 0; c++)
					if ((c == (size_t)orig || g->b[c].orig == orig) &&
					    g->b[c].pos > at && g->b[c].pos - at - 1 <= 255 &&
					    (c == (size_t)orig || g->b[c].pos != 0))
						copy = (int)c;
				if (copy < 0) {
					nb = g->b[orig];
					nb.label = NULL;
					if (nb.kind != B_RET) {
						nb = (struct blk){ .kind = B_JA, .jt = target };
						nb.label = NULL;
					}
					nb.orig = orig;
					copy = gen_append(g, &nb);
					if (copy < 0)
						return false;
					if (g->b[copy].kind == B_RET && g->comments &&
					    g->b[orig].label)
						g->b[copy].label = strdup(g->b[orig].label);
					b = &g->b[l->order[i]]; /* g->b may have moved */
					edge[0] = &b->jt;
					edge[1] = &b->jf;
					if (!order_push(l, copy))
						return false;
					memmove(&l->order[q + 1], &l->order[q],
						(l->n - 1 - q) * sizeof(*l->order));
					l->order[q] = copy;
				}
				*edge[e] = copy;
				changed = true;
			}
		}
		if (!changed)
			return true;
	}
	return false;
}

/*
 * Leaves out what no jump reaches any more: a return whose every jump went to copies next to
 * them (the bad-architecture return, jumped to from the far end of a long filter). Leaving
 * blocks out only shortens forward jumps, so every jump stays within reach.
 */
bool gen_prune(struct gen *g, struct layout *l)
{
	bool *seen = calloc(g->n, sizeof(*seen));
	size_t n = 0;

	if (!seen)
		return false;
	seen[l->order[0]] = true;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];

		if (!seen[l->order[i]])
			continue;
		if (b->kind == B_JMP)
			seen[b->jt] = seen[b->jf] = true;
		else if (b->kind == B_JA)
			seen[b->jt] = true;
	}
	for (size_t i = 0; i < l->n; i++)
		if (seen[l->order[i]])
			l->order[n++] = l->order[i];
	l->n = n;
	free(seen);
	return true;
}

/* ---------------------------------------------------------------- emission */

/* endian: 0 all the filter's architectures little-endian, 1 all big-endian, 2 both. */
static const char *load_comment(uint32_t off, int endian, char *buf, size_t size)
{
	static const char *const half[3][2] = {
		{ "low word", "high word" },
		{ "high word", "low word" },
		/* one load may serve a little- and a big-endian architecture alike */
		{ "word at +0", "word at +4" },
	};

	if (off == OFF_NR)
		return "A = nr";
	if (off == OFF_ARCH)
		return "A = arch";
	if (off >= 16 && off < 64) {
		snprintf(buf, size, "A = arg%u (%s)", (off - 16) / 8, half[endian][(off & 4) != 0]);
		return buf;
	}
	return NULL;
}

int gen_emit(struct gen *g, const struct layout *l, size_t len, struct cbpf_prog **out)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	char buf[64];
	int err = -ENOMEM, endian = -1;

	if (!prog)
		return -ENOMEM;
	for (size_t i = 0; i < g->pol->n_arches; i++) {
		int e = arch_big_endian(g->pol->arches[i]);

		endian = endian < 0 || endian == e ? e : 2;
	}
	endian = endian < 0 ? 0 : endian;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];
		size_t at;
		struct cbpf_insn insn = { b->code, 0, 0, b->k };

		for (unsigned p = 0; p < b->n_pre; p++) {
			if (prog_append(prog, b->pre[p], NULL))
				goto fail;
			if (g->comments && b->pre[p].code == (CBPF_LD | CBPF_W | CBPF_ABS) &&
			    cbpf_prog_set_comment(prog, prog->len - 1,
						  load_comment(b->pre[p].k, endian, buf,
							       sizeof(buf))))
				goto fail;
		}
		at = b->pos + b->n_pre;
		switch (b->kind) {
		case B_RET:
			insn = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, b->k };
			break;
		case B_JA:
			insn = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0,
						   (uint32_t)(g->b[b->jt].pos - at - 1) };
			break;
		default:
			insn.jt = (uint8_t)(g->b[b->jt].pos - at - 1);
			insn.jf = (uint8_t)(g->b[b->jf].pos - at - 1);
			break;
		}
		if (prog_append(prog, insn, NULL))
			goto fail;
		if (g->comments && b->label && cbpf_prog_set_comment(prog, prog->len - 1, b->label))
			goto fail;
	}
	if (prog->len != len) {
		err = -EINVAL;
		goto fail;
	}
	cbpf_prog_set_kind(prog, CBPF_KIND_SECCOMP);
	*out = prog;
	return 0;
fail:
	cbpf_prog_free(prog);
	return err;
}
