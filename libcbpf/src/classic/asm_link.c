// SPDX-License-Identifier: MIT
/* Layout: jump offsets from targets, far conditional jumps rewritten through ja; the parse's end.
 */
#include <errno.h>
#include <stdlib.h>

#include "classic/asm_int.h"

#define JMP_REACH 255 /* jt and jf are 8 bits */

/* Sides of a conditional jump routed through an inserted ja. */
#define RELAX_JT 1
#define RELAX_JF 2

/* Both sides relaxed to the same place share one ja. */
static bool shared(const struct asm_node *node, uint8_t relaxed)
{
	return relaxed == (RELAX_JT | RELAX_JF) && node->t[0] == node->t[1];
}

/* How many ja instructions follow a node. */
static size_t inserted(const struct asm_node *node, uint8_t relaxed)
{
	if (shared(node, relaxed))
		return 1;
	return (size_t) !!(relaxed & RELAX_JT) + !!(relaxed & RELAX_JF);
}

static void layout(const struct asm_nodes *nodes, const uint8_t *relaxed, size_t *pos)
{
	pos[0] = 0;
	for (size_t i = 0; i < nodes->n; i++)
		pos[i + 1] = pos[i] + 1 + inserted(&nodes->v[i], relaxed[i]);
}

static void report_far(struct asm_ctx *ctx, const struct asm_ref *ref, size_t dist)
{
	asm_diag(ctx, CBPF_SEV_ERROR, ref->line, ref->col, ref->len,
		 "jump to %s" TOKF " is %zu instructions away; a conditional jump reaches at "
		 "most %d",
		 ref->label ? "label " : "", TOKA(ref), dist, JMP_REACH);
}

/* --no-relax: every side that does not reach is an error, in source order (20 are reported). */
static void report_far_sides(struct asm_ctx *ctx, const struct asm_nodes *nodes)
{
	for (size_t i = 0; i < nodes->n; i++)
		for (int s = 0; s < 2 && nodes->v[i].kind == NODE_COND; s++)
			if (nodes->v[i].t[s] - i - 1 > JMP_REACH)
				report_far(ctx, &nodes->v[i].ref[s], nodes->v[i].t[s] - i - 1);
}

/*
 * Marks the sides that do not reach. A ja inserted after node j lengthens only the jumps that
 * pass over it, and those start before j (jumps go forward): deciding the nodes from the last to
 * the first, each sees the final layout of everything after it, so one pass finds the fixed
 * point. (Passes over the whole program until nothing changes find the same one, but a cascade,
 * each ja pushing one more jump out of reach, takes a pass per jump: quadratic.) tail[i] is the
 * number of instructions from node i to the end.
 */
static void relax(const struct asm_nodes *nodes, uint8_t *relaxed, size_t *tail)
{
	tail[nodes->n] = 0;
	for (size_t i = nodes->n; i-- > 0;) {
		const struct asm_node *node = &nodes->v[i];
		bool changed = node->kind == NODE_COND;

		/* A side relaxed lengthens the other, which may then need it too. */
		while (changed) {
			changed = false;
			for (int s = 0; s < 2; s++) {
				size_t dist =
					inserted(node, relaxed[i]) + tail[i + 1] - tail[node->t[s]];

				if ((relaxed[i] & (1 << s)) || dist <= JMP_REACH)
					continue;
				relaxed[i] |= (uint8_t)(1 << s);
				if (node->t[0] == node->t[1])
					relaxed[i] = RELAX_JT | RELAX_JF;
				changed = true;
			}
		}
		tail[i] = tail[i + 1] + 1 + inserted(node, relaxed[i]);
	}
}

static int emit(const struct asm_nodes *nodes, const uint8_t *relaxed, const size_t *pos,
		struct cbpf_prog *prog)
{
	for (size_t i = 0; i < nodes->n; i++) {
		const struct asm_node *node = &nodes->v[i];
		struct cbpf_insn insn = node->insn;
		size_t at = pos[i] + 1, via[2] = { 0, 0 };
		int err;

		if (node->kind == NODE_JA)
			insn.k = (uint32_t)(pos[node->t[0]] - pos[i] - 1);
		if (node->kind == NODE_COND) {
			uint8_t off[2];

			for (int s = 0; s < 2; s++) {
				if (!(relaxed[i] & (1 << s))) {
					off[s] = (uint8_t)(pos[node->t[s]] - pos[i] - 1);
					continue;
				}
				via[s] = s == 1 && shared(node, relaxed[i]) ? via[0] : at++;
				off[s] = (uint8_t)(via[s] - pos[i] - 1);
			}
			insn.jt = off[0];
			insn.jf = off[1];
		}
		err = prog_append(prog, insn, &node->loc);
		if (err)
			return err;
		/* The inserted ja instructions, in the order the offsets above assume. */
		for (int s = 0; s < 2; s++) {
			struct cbpf_insn ja = { CBPF_JMP | CBPF_JA, 0, 0, 0 };

			if (!(relaxed[i] & (1 << s)) || (s == 1 && via[1] == via[0]))
				continue;
			ja.k = (uint32_t)(pos[node->t[s]] - via[s] - 1);
			err = prog_append(prog, ja, &node->loc);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * The source fits the kernel's limit but the jumps relaxed through a ja do not: said at the
 * first relaxed jump, with the count, rather than at whatever line instruction 4096 became.
 */
static void too_long_relaxed(struct asm_ctx *ctx, const struct asm_nodes *nodes,
			     const uint8_t *relaxed, size_t total)
{
	size_t i, first = nodes->n, jumps = 0;

	for (i = 0; i < nodes->n; i++) {
		if (!relaxed[i])
			continue;
		jumps++;
		if (first == nodes->n)
			first = i;
	}
	asm_diag(ctx, CBPF_SEV_ERROR, nodes->v[first].loc.line, nodes->v[first].loc.col,
		 nodes->v[first].loc.len,
		 "%zu conditional jumps reach farther than 255 instructions; the %zu 'ja' inserted "
		 "for them make %zu instructions, and the kernel accepts at most %d "
		 "(--no-relax lists each far jump)",
		 jumps, total - nodes->n, total, CBPF_MAXINSNS);
}

int asm_link(struct asm_ctx *ctx, const struct asm_nodes *nodes, bool no_relax,
	     struct cbpf_prog **out)
{
	size_t *pos = malloc((nodes->n + 1) * sizeof(*pos));
	uint8_t *relaxed = calloc(nodes->n + 1, 1);
	unsigned errors = ctx->errors;
	struct cbpf_prog *prog = NULL;
	int err = -ENOMEM;

	if (!pos || !relaxed)
		goto out;
	if (no_relax)
		report_far_sides(ctx, nodes);
	else
		relax(nodes, relaxed, pos);
	layout(nodes, relaxed, pos);
	if (ctx->oom)
		goto out;
	err = -EINVAL;
	if (ctx->errors != errors)
		goto out;
	if (pos[nodes->n] > CBPF_MAXINSNS && nodes->n <= CBPF_MAXINSNS) {
		too_long_relaxed(ctx, nodes, relaxed, pos[nodes->n]);
		goto out;
	}
	err = -ENOMEM;
	prog = cbpf_prog_new(NULL, 0);
	if (!prog || prog_set_file(prog, ctx->file))
		goto out;
	err = emit(nodes, relaxed, pos, prog);
	if (err)
		goto out;
	*out = prog;
	prog = NULL;
out:
	cbpf_prog_free(prog);
	free(relaxed);
	free(pos);
	return err;
}

int asm_finish(struct asm_ctx *ctx, const struct asm_nodes *nodes, bool no_relax, size_t first_diag,
	       struct cbpf_prog **out)
{
	int err = -EINVAL;

	if (!ctx->errors && !nodes->n)
		asm_diag(ctx, CBPF_SEV_ERROR, 1, 1, 0,
			 "no instructions: the input is empty or only comments");
	if (!ctx->oom && !ctx->errors)
		err = asm_link(ctx, nodes, no_relax, out);
	if (ctx->oom)
		err = -ENOMEM;
	asm_sort_diags(ctx, first_diag);
	return err;
}
