// SPDX-License-Identifier: MIT
/* Programs: a growable instruction array with optional source positions and comments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classic/prog.h"

struct cbpf_prog *cbpf_prog_new(const struct cbpf_insn *insns, size_t len)
{
	struct cbpf_prog *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return NULL;
	if (len) {
		prog->insns = malloc(len * sizeof(*insns));
		if (!prog->insns) {
			free(prog);
			return NULL;
		}
		memcpy(prog->insns, insns, len * sizeof(*insns));
		prog->len = prog->cap = len;
	}
	return prog;
}

void cbpf_prog_free(struct cbpf_prog *prog)
{
	if (!prog)
		return;
	if (prog->comments)
		for (size_t i = 0; i < prog->len; i++)
			free(prog->comments[i]);
	free(prog->comments);
	free(prog->locs);
	free(prog->insns);
	free(prog->file);
	free(prog);
}

struct cbpf_prog *cbpf_prog_dup(const struct cbpf_prog *prog)
{
	struct cbpf_prog *copy = cbpf_prog_new(prog->insns, prog->len);

	if (!copy)
		return NULL;
	copy->kind = prog->kind;
	if (prog_set_file(copy, prog->file))
		goto fail;
	if (prog->locs && prog->len) {
		copy->locs = malloc(prog->len * sizeof(*copy->locs));
		if (!copy->locs)
			goto fail;
		memcpy(copy->locs, prog->locs, prog->len * sizeof(*copy->locs));
	}
	for (size_t i = 0; prog->comments && i < prog->len; i++)
		if (cbpf_prog_set_comment(copy, i, prog->comments[i]))
			goto fail;
	return copy;
fail:
	cbpf_prog_free(copy);
	return NULL;
}

/* Makes room for one more instruction, keeping the parallel arrays the same capacity. */
int prog_reserve(struct cbpf_prog *prog, const struct cbpf_srcloc *loc)
{
	if (prog->len == prog->cap) {
		size_t cap = prog->cap ? 2 * prog->cap : 16;
		struct cbpf_insn *insns = realloc(prog->insns, cap * sizeof(*insns));

		if (!insns)
			return -ENOMEM;
		prog->insns = insns;
		if (prog->locs) {
			struct cbpf_srcloc *locs = realloc(prog->locs, cap * sizeof(*locs));

			if (!locs)
				return -ENOMEM;
			prog->locs = locs;
		}
		if (prog->comments) {
			char **comments = realloc(prog->comments, cap * sizeof(*comments));

			if (!comments)
				return -ENOMEM;
			prog->comments = comments;
		}
		prog->cap = cap;
	}
	if (loc && !prog->locs) {
		prog->locs = calloc(prog->cap, sizeof(*prog->locs));
		if (!prog->locs)
			return -ENOMEM;
	}
	return 0;
}

int prog_append(struct cbpf_prog *prog, struct cbpf_insn insn, const struct cbpf_srcloc *loc)
{
	int err = prog_reserve(prog, loc);

	if (err)
		return err;
	prog->insns[prog->len] = insn;
	if (prog->locs)
		prog->locs[prog->len] = loc ? *loc : (struct cbpf_srcloc){ 0 };
	if (prog->comments)
		prog->comments[prog->len] = NULL;
	prog->len++;
	return 0;
}

int prog_set_file(struct cbpf_prog *prog, const char *file)
{
	char *copy = NULL;

	if (file && !(copy = strdup(file)))
		return -ENOMEM;
	free(prog->file);
	prog->file = copy;
	return 0;
}

size_t cbpf_prog_len(const struct cbpf_prog *prog)
{
	return prog->len;
}

const struct cbpf_insn *cbpf_prog_insns(const struct cbpf_prog *prog)
{
	return prog->insns;
}

bool cbpf_prog_equal(const struct cbpf_prog *a, const struct cbpf_prog *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		const struct cbpf_insn *x = &a->insns[i], *y = &b->insns[i];

		if (x->code != y->code || x->jt != y->jt || x->jf != y->jf || x->k != y->k)
			return false;
	}
	return true;
}

const struct cbpf_srcloc *cbpf_prog_srcloc(const struct cbpf_prog *prog, size_t pc)
{
	if (!prog->locs || pc >= prog->len || prog->locs[pc].line == 0)
		return NULL;
	return &prog->locs[pc];
}

const char *cbpf_prog_file(const struct cbpf_prog *prog)
{
	return prog->file;
}

const char *cbpf_prog_comment(const struct cbpf_prog *prog, size_t pc)
{
	if (!prog->comments || pc >= prog->len)
		return NULL;
	return prog->comments[pc];
}

int cbpf_prog_set_comment(struct cbpf_prog *prog, size_t pc, const char *text)
{
	char *copy = NULL;

	if (pc >= prog->len)
		return -EINVAL;
	if (!prog->comments) {
		if (!text)
			return 0;
		prog->comments = calloc(prog->cap, sizeof(*prog->comments));
		if (!prog->comments)
			return -ENOMEM;
	}
	if (text && !(copy = strdup(text)))
		return -ENOMEM;
	free(prog->comments[pc]);
	prog->comments[pc] = copy;
	return 0;
}

enum cbpf_prog_kind cbpf_prog_kind(const struct cbpf_prog *prog)
{
	return prog->kind;
}

void cbpf_prog_set_kind(struct cbpf_prog *prog, enum cbpf_prog_kind kind)
{
	prog->kind = kind;
}
