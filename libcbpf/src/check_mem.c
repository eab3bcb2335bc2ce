// SPDX-License-Identifier: MIT
/* The scratch memory rule: no M[k] read before a write on some path, the kernel's way. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_impl.h"

/*
 * net/core/filter.c: check_load_and_stores makes one forward pass with a 16-bit set of written
 * cells. The set entering an instruction is the AND of what every jump to it carried and, unless
 * the previous instruction is a jump, what falls through from it. Two consequences this pass
 * keeps on purpose: a 'ret' does not end the set, so the instruction after it inherits what was
 * written before the 'ret'; and an instruction no jump reaches after a jump starts with every
 * cell written. Jumps only go forward, so one pass is exact and linear.
 */

#define ALL_CELLS 0xffffu
/* At most this many runs of consecutive instructions in a printed path. */
#define PATH_RUNS 8

struct memflow {
	uint16_t *in;     /* cells written on entry to each instruction */
	uint32_t *first;  /* jump predecessors of t: preds[first[t] .. first[t + 1]) */
	uint32_t *preds;
	uint32_t *path;   /* scratch for one path, instruction indices */
};

static bool is_jump(uint16_t code)
{
	return code == (CBPF_JMP | CBPF_JA) || check_is_cond_jump(code);
}

/* The in-range targets of a jump; returns how many (0 to 2). */
static int jump_targets(const struct checker *c, size_t pc, uint64_t t[2])
{
	const struct cbpf_insn *insn = &c->insns[pc];
	int n = 0;

	if (insn->code == (CBPF_JMP | CBPF_JA)) {
		t[n] = (uint64_t)pc + 1 + insn->k;
		n += t[n] < c->len;
	} else if (check_is_cond_jump(insn->code)) {
		t[n] = (uint64_t)pc + 1 + insn->jt;
		n += t[n] < c->len;
		t[n] = (uint64_t)pc + 1 + insn->jf;
		n += t[n] < c->len;
	}
	return n;
}

/* Lists the jump predecessors of every instruction (compressed rows). */
static int build_preds(const struct checker *c, struct memflow *m)
{
	size_t n = c->len, pc, edges = 0;
	uint64_t t[2];

	m->first = calloc(n + 1, sizeof(*m->first));
	if (!m->first)
		return -ENOMEM;
	for (pc = 0; pc < n; pc++)
		for (int i = jump_targets(c, pc, t); i-- > 0; edges++)
			m->first[t[i] + 1]++;
	for (pc = 0; pc < n; pc++)
		m->first[pc + 1] += m->first[pc];
	m->preds = malloc((edges ? edges : 1) * sizeof(*m->preds));
	if (!m->preds)
		return -ENOMEM;
	/* Fill each row from its end, using path[] as the per-row cursor. */
	for (pc = 0; pc < n; pc++)
		m->path[pc] = m->first[pc + 1];
	for (pc = 0; pc < n; pc++)
		for (int i = jump_targets(c, pc, t); i-- > 0;)
			m->preds[--m->path[t[i]]] = (uint32_t)pc;
	return 0;
}

/* Whether cell is still unwritten after instruction p runs. */
static bool unwritten_after(const struct checker *c, const struct memflow *m, size_t p,
			    unsigned cell)
{
	const struct cbpf_insn *insn = &c->insns[p];

	if (m->in[p] & (1u << cell))
		return false;
	return !((insn->code == CBPF_ST || insn->code == CBPF_STX) && insn->k == cell);
}

/*
 * Walks back from pc to the first instruction along predecessors that leave cell unwritten;
 * fills m->path in ascending order and returns its length.
 */
static size_t find_path(const struct checker *c, struct memflow *m, size_t pc, unsigned cell)
{
	size_t len = 0, cur = pc;

	m->path[len++] = (uint32_t)cur;
	while (cur > 0) {
		size_t next = cur;

		if (!is_jump(c->insns[cur - 1].code) && unwritten_after(c, m, cur - 1, cell)) {
			next = cur - 1;
		} else {
			for (uint32_t i = m->first[cur]; i < m->first[cur + 1]; i++) {
				if (unwritten_after(c, m, m->preds[i], cell)) {
					next = m->preds[i];
					break;
				}
			}
		}
		if (next == cur)
			break; /* cannot happen: cur's entry set lacks cell for a reason */
		cur = next;
		m->path[len++] = (uint32_t)cur;
	}
	for (size_t i = 0; i < len / 2; i++) {
		uint32_t tmp = m->path[i];

		m->path[i] = m->path[len - 1 - i];
		m->path[len - 1 - i] = tmp;
	}
	return len;
}

/* "0-2, 5, 7-9": the path's runs of consecutive instructions, the middle elided when long. */
static void fmt_path(char *buf, size_t size, const uint32_t *path, size_t len)
{
	size_t runs = 1, run = 0, used = 0, i, j;

	for (i = 1; i < len; i++)
		runs += path[i] != path[i - 1] + 1;
	buf[0] = '\0';
	for (i = 0; i < len; i = j) {
		for (j = i + 1; j < len && path[j] == path[j - 1] + 1; j++)
			;
		run++;
		if (runs > PATH_RUNS && run > PATH_RUNS / 2 && run <= runs - PATH_RUNS / 2) {
			if (run == PATH_RUNS / 2 + 1)
				used += (size_t)snprintf(buf + used, size - used, ", ...");
			continue;
		}
		if (used >= size)
			break;
		used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? ", " : "", path[i]);
		if (used < size && j - 1 > i)
			used += (size_t)snprintf(buf + used, size - used, "-%u", path[j - 1]);
		if (used >= size)
			break;
	}
}

static void report_read(struct checker *c, struct memflow *m, size_t pc, unsigned cell)
{
	char runs[PATH_RUNS * 24 + 8];
	size_t len, i;

	if (pc == 0) {
		check_report(c, CBPF_SEV_ERROR, 0, RULE_MEMORY,
			     "M[%u] is read before it is written (it is the first instruction)", cell);
		return;
	}
	len = find_path(c, m, pc, cell);
	fmt_path(runs, sizeof(runs), m->path, len);
	/* A path that falls through a 'ret' is one only the kernel's analysis takes. */
	for (i = 0; i + 1 < len; i++)
		if (CBPF_CLASS(c->insns[m->path[i]].code) == CBPF_RET &&
		    m->path[i + 1] == m->path[i] + 1)
			break;
	if (i + 1 < len)
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_MEMORY,
			     "M[%u] may be read before it is written (path through insns %s; the "
			     "kernel's analysis falls through the 'ret' at insn %u)",
			     cell, runs, m->path[i]);
	else
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_MEMORY,
			     "M[%u] may be read before it is written (path through insns %s)", cell,
			     runs);
}

void check_memory(struct checker *c)
{
	struct memflow m = { 0 };
	uint16_t *masks, valid = 0;
	size_t n = c->len, pc;
	uint64_t t[2];

	m.in = malloc(n * sizeof(*m.in));
	masks = malloc(n * sizeof(*masks));
	m.path = malloc(n * sizeof(*m.path));
	if (!m.in || !masks || !m.path || build_preds(c, &m))
		goto nomem;
	memset(masks, 0xff, n * sizeof(*masks));

	for (pc = 0; pc < n && !c->err; pc++) {
		const struct cbpf_insn *insn = &c->insns[pc];

		valid &= masks[pc];
		m.in[pc] = valid;
		switch (insn->code) {
		case CBPF_ST:
		case CBPF_STX:
			if (insn->k < CBPF_MEMWORDS)
				valid |= (uint16_t)(1u << insn->k);
			break;
		case CBPF_LD | CBPF_MEM:
		case CBPF_LDX | CBPF_MEM:
			if (insn->k < CBPF_MEMWORDS && !(valid & (1u << insn->k)))
				report_read(c, &m, pc, insn->k);
			break;
		default:
			if (!is_jump(insn->code))
				break;
			/* A jump hands its set to its targets; nothing falls through it. */
			for (int i = jump_targets(c, pc, t); i-- > 0;)
				masks[t[i]] &= valid;
			valid = ALL_CELLS;
			break;
		}
	}
	goto out;
nomem:
	c->err = -ENOMEM;
out:
	free(m.in);
	free(masks);
	free(m.path);
	free(m.first);
	free(m.preds);
}
