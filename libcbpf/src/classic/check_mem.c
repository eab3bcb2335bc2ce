// SPDX-License-Identifier: MIT
/* The scratch memory rule: no M[k] read before a write on some path, the kernel's way. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic/check_impl.h"
#include "classic/insn_int.h"

/*
 * net/core/filter.c: check_load_and_stores makes one forward pass with a 16-bit set of written
 * cells. The set entering an instruction is the AND of what every jump to it carried and, unless
 * the previous instruction is a jump, what falls through from it. Two consequences this pass
 * keeps on purpose: a 'ret' does not end the set, so the instruction after it inherits what was
 * written before the 'ret'; and an instruction no jump reaches after a jump starts with every
 * cell written. Jumps only go forward, so one pass is exact and linear.
 */

#define ALL_CELLS 0xffffu
/* A printed path shows at most this many runs of consecutive instructions: half each end. */
#define PATH_RUNS 8
#define HALF	  (PATH_RUNS / 2)
#define NONE	  UINT32_MAX

struct memflow {
	uint16_t *in;	 /* cells written on entry to each instruction */
	uint32_t *first; /* jump predecessors of t: preds[first[t] .. first[t + 1]) */
	uint32_t *preds;
	/*
	 * For one cell, per instruction it enters unwritten: the predecessor it is unwritten
	 * after (NONE at the start), where the run of consecutive instructions ending here
	 * began, how many runs the path has so far, the last instruction of its HALF-th run,
	 * and the first 'ret' the path falls through.
	 */
	uint32_t *pred, *start, *runs, *head, *ret;
};

/*
 * The in-range forward targets of a jump; returns how many (0 to 2). A backward jump (pcap mode;
 * the other modes refuse it) brings nothing: every path to it went through its target, with the
 * cells written there, and the interpreter reads 0 from a cell never written anyway.
 */
static int jump_targets(const struct checker *c, size_t pc, uint64_t t[2])
{
	unsigned all;
	int n = 0;

	if (!insn_is_jump(&c->insns[pc]))
		return 0;
	all = insn_successors(&c->insns[pc], pc, t);
	for (unsigned i = 0; i < all; i++)
		if (t[i] < c->len && t[i] > pc)
			t[n++] = t[i];
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
	/* Fill each row from its end, with start[] as the per-row cursor. */
	for (pc = 0; pc < n; pc++)
		m->start[pc] = m->first[pc + 1];
	for (pc = 0; pc < n; pc++)
		for (int i = jump_targets(c, pc, t); i-- > 0;)
			m->preds[--m->start[t[i]]] = (uint32_t)pc;
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
 * One forward pass for cell: for every instruction entered with cell unwritten, a predecessor
 * that leaves it unwritten (the one falling through first) and what printing the path back to
 * the first instruction needs, so each bad read costs O(1) however long its path.
 */
static void trace_cell(const struct checker *c, struct memflow *m, unsigned cell)
{
	for (size_t v = 0; v < c->len; v++) {
		uint32_t p = NONE;

		if (m->in[v] & (1u << cell))
			continue;
		if (v > 0 && !insn_is_jump(&c->insns[v - 1]) && unwritten_after(c, m, v - 1, cell))
			p = (uint32_t)v - 1;
		for (uint32_t i = m->first[v]; p == NONE && i < m->first[v + 1]; i++)
			if (unwritten_after(c, m, m->preds[i], cell))
				p = m->preds[i];
		m->pred[v] = p;
		if (p == NONE) {
			/* The first instruction: nothing is written on entry. */
			m->start[v] = (uint32_t)v;
			m->runs[v] = 1;
			m->ret[v] = NONE;
		} else if (p + 1 == v) {
			m->start[v] = m->start[p];
			m->runs[v] = m->runs[p];
			m->ret[v] = m->ret[p];
			if (m->ret[v] == NONE && CBPF_CLASS(c->insns[p].code) == CBPF_RET)
				m->ret[v] = p;
		} else {
			m->start[v] = (uint32_t)v;
			m->runs[v] = m->runs[p] + 1;
			m->ret[v] = m->ret[p];
		}
		if (m->runs[v] < HALF)
			m->head[v] = NONE;
		else if (m->runs[v] == HALF)
			m->head[v] = (uint32_t)v;
		else
			m->head[v] = m->runs[p] == HALF ? p : m->head[p];
	}
}

/* Appends the runs of the path ending at end, count of them, to buf, first run first. */
static size_t fmt_runs(const struct memflow *m, uint32_t end, unsigned count, char *buf,
		       size_t size)
{
	uint32_t first[PATH_RUNS], last[PATH_RUNS];
	size_t used = 0;
	unsigned n = 0;

	for (uint32_t x = end; n < count && x != NONE; n++) {
		first[n] = m->start[x];
		last[n] = x;
		x = m->pred[m->start[x]];
	}
	while (n-- > 0 && used < size) {
		used += (size_t)snprintf(buf + used, size - used, "%s%u", used ? ", " : "",
					 first[n]);
		if (used < size && last[n] != first[n])
			used += (size_t)snprintf(buf + used, size - used, "-%u", last[n]);
	}
	return used;
}

static void report_read(struct checker *c, const struct memflow *m, size_t pc, unsigned cell)
{
	char runs[PATH_RUNS * 24 + 8];
	uint32_t v = (uint32_t)pc;
	size_t used;

	if (pc == 0) {
		check_report(c, CBPF_SEV_ERROR, 0, RULE_MEMORY,
			     "M[%u] is read before it is written (it is the first instruction)",
			     cell);
		return;
	}
	if (m->runs[v] <= PATH_RUNS) {
		fmt_runs(m, v, PATH_RUNS, runs, sizeof(runs));
	} else {
		used = fmt_runs(m, m->head[v], HALF, runs, sizeof(runs));
		used += (size_t)snprintf(runs + used, sizeof(runs) - used, ", ...");
		/* The last runs, printed after the elision. */
		fmt_runs(m, v, HALF, runs + used + 2, sizeof(runs) - used - 2);
		memcpy(runs + used, ", ", 2);
	}
	if (m->ret[v] != NONE)
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_MEMORY,
			     "M[%u] may be read before it is written (path through insns %s; the "
			     "kernel's analysis falls through the 'ret' at insn %u)",
			     cell, runs, m->ret[v]);
	else
		check_report(c, CBPF_SEV_ERROR, (long)pc, RULE_MEMORY,
			     "M[%u] may be read before it is written (path through insns %s)", cell,
			     runs);
}

void check_memory(struct checker *c)
{
	struct memflow m = { 0 };
	uint16_t *masks, valid = 0, bad = 0;
	size_t n = c->len, pc;
	uint64_t t[2];

	m.in = malloc(n * sizeof(*m.in));
	masks = malloc(n * sizeof(*masks));
	m.pred = malloc(n * sizeof(*m.pred));
	m.start = malloc(n * sizeof(*m.start));
	m.runs = malloc(n * sizeof(*m.runs));
	m.head = malloc(n * sizeof(*m.head));
	m.ret = malloc(n * sizeof(*m.ret));
	if (!m.in || !masks || !m.pred || !m.start || !m.runs || !m.head || !m.ret ||
	    build_preds(c, &m))
		goto nomem;
	memset(masks, 0xff, n * sizeof(*masks));

	for (pc = 0; pc < n; pc++) {
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
				bad |= (uint16_t)(1u << insn->k);
			break;
		default:
			if (!insn_is_jump(insn))
				break;
			/* A jump hands its set to its targets; nothing falls through it. */
			for (int i = jump_targets(c, pc, t); i-- > 0;)
				masks[t[i]] &= valid;
			valid = ALL_CELLS;
			break;
		}
	}
	/* Then each cell read unwritten somewhere: its paths, and its bad reads. */
	for (unsigned cell = 0; cell < CBPF_MEMWORDS && !c->err; cell++) {
		if (!(bad & (1u << cell)))
			continue;
		trace_cell(c, &m, cell);
		for (pc = 0; pc < n; pc++) {
			const struct cbpf_insn *insn = &c->insns[pc];

			if ((insn->code == (CBPF_LD | CBPF_MEM) ||
			     insn->code == (CBPF_LDX | CBPF_MEM)) &&
			    insn->k == cell && !(m.in[pc] & (1u << cell)))
				report_read(c, &m, pc, cell);
		}
	}
	goto out;
nomem:
	c->err = -ENOMEM;
out:
	free(m.in);
	free(masks);
	free(m.first);
	free(m.preds);
	free(m.pred);
	free(m.start);
	free(m.runs);
	free(m.head);
	free(m.ret);
}
