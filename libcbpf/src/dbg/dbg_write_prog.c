// SPDX-License-Identifier: MIT
/* The program written out: listings, the path of an input explained (why), coverage. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"

void cbpf_dbg_write_insn(FILE *o, const struct cbpf_dbg *dbg, uint32_t pc)
{
	const char *comment;
	char dis[96];

	if (!dbg->prog || pc >= cbpf_prog_len(dbg->prog))
		return;
	comment = cbpf_prog_comment(dbg->prog, pc);
	cbpf_dbg_disasm(&cbpf_prog_insns(dbg->prog)[pc], pc, dis, sizeof(dis));
	if (comment)
		fprintf(o, "%s\t; %s\n", dis, comment);
	else
		fprintf(o, "%s\n", dis);
}

/* tools/bpf/bpf_dbg.c: bpf_dump_all. */
void cbpf_dbg_write_dump(FILE *o, const struct cbpf_dbg *dbg)
{
	const struct cbpf_insn *in;
	size_t len;

	if (!dbg->prog)
		return;
	in = cbpf_prog_insns(dbg->prog);
	len = cbpf_prog_len(dbg->prog);
	fprintf(o, "/* { op, jt, jf, k }, */\n");
	for (size_t i = 0; i < len; i++)
		fprintf(o, "{ %#04x, %2u, %2u, %#010x },\n", in[i].code, in[i].jt, in[i].jf,
			in[i].k);
}

/* Pads a disassembly line (after its tab, at column 8) to width columns. */
static int visible_width(const char *s)
{
	const char *tab = strchr(s, '\t');

	if (!tab)
		return (int)strlen(s);
	return 8 + (int)strlen(tab + 1);
}

/* The one-line outcome of the current input: what the program returned, in how many steps. */
static void write_outcome(FILE *o, const struct cbpf_dbg *dbg, uint32_t ret, size_t n)
{
	struct cbpf_dbg_input in;
	char res[64];

	cbpf_dbg_input(dbg, &in);
	cbpf_dbg_result(dbg, ret, res, sizeof(res));
	if (dbg->mode == CBPF_VM_SECCOMP) {
		struct cbpf_dbg_names nm;

		cbpf_dbg_names(dbg, &nm);
		fprintf(o, "syscall %s, arch %s: %s after %zu instruction%s\n", nm.syscall, nm.arch,
			res, n, n == 1 ? "" : "s");
	} else {
		fprintf(o, "packet %" PRIu64 " (%s%u bytes): %s after %zu instruction%s\n",
			in.number, in.caplen == in.wirelen ? "" : "truncated, ", in.wirelen, res, n,
			n == 1 ? "" : "s");
	}
}

int cbpf_dbg_write_outcome(FILE *o, struct cbpf_dbg *dbg)
{
	struct cbpf_dbg_hist *steps;
	struct cbpf_vm_state fin;
	size_t n;
	int err = cbpf_dbg_trace_new(dbg, &steps, &n, &fin);

	if (err)
		return err;
	write_outcome(o, dbg, fin.ret, n);
	free(steps);
	return 0;
}

int cbpf_dbg_write_why(FILE *o, struct cbpf_dbg *dbg, bool color)
{
	static const struct cbpf_dbg_why_opts colors = { DBG_GREEN, DBG_RED, DBG_RESET };
	const struct cbpf_dbg_hist *hist;
	const struct cbpf_insn *insns;
	struct cbpf_dbg_hist *steps;
	struct cbpf_vm_state fin;
	size_t n, done;
	int err = cbpf_dbg_trace_new(dbg, &steps, &n, &fin);

	if (err)
		return err;
	insns = cbpf_prog_insns(dbg->prog);
	write_outcome(o, dbg, fin.ret, n);
	/* Where a run under way stands: the next instruction it executes. */
	done = cbpf_dbg_history(dbg, &hist);
	if (cbpf_dbg_state(dbg)->exit != CBPF_VM_RUNNING)
		done = 0;
	for (size_t i = 0; i < n; i++) {
		char dis[96], why[192];
		uint32_t pc = steps[i].step.pc;
		const char *comment = cbpf_prog_comment(dbg->prog, pc);
		int w;

		cbpf_dbg_disasm(&insns[pc], pc, dis, sizeof(dis));
		cbpf_dbg_why(dbg, &steps[i], i + 1 < n ? &steps[i + 1].before : &fin,
			     color ? &colors : NULL, why, sizeof(why));
		w = visible_width(dis);
		fprintf(o, "%s%s%s%*s  %s", DBG_COL(color, DBG_CYAN), dis,
			DBG_COL(color, DBG_RESET), w < 34 ? 34 - w : 0, "", why);
		if (comment)
			fprintf(o, "  ; %s", comment);
		if (done && i == done)
			fprintf(o, "  %s<- next%s", DBG_COL(color, DBG_YELLOW),
				DBG_COL(color, DBG_RESET));
		fputc('\n', o);
	}
	free(steps);
	return 0;
}

void cbpf_dbg_write_coverage(FILE *o, const struct cbpf_dbg *dbg, const uint64_t *hits,
			     const struct cbpf_dbg_tally *t, bool color)
{
	const struct cbpf_insn *insns;
	size_t len, reached = 0;
	uint64_t total = t->pass + t->fail;
	int w = 1;
	char dis[96];

	if (!dbg->prog)
		return;
	insns = cbpf_prog_insns(dbg->prog);
	len = cbpf_prog_len(dbg->prog);
	for (uint64_t v = total; v >= 10; v /= 10)
		w++;
	fprintf(o,
		"coverage over %" PRIu64 " packet%s (%" PRIu64 " accepted, %" PRIu64 " dropped):\n",
		total, total == 1 ? "" : "s", t->pass, t->fail);
	for (size_t pc = 0; pc < len; pc++) {
		int dw;

		cbpf_dbg_disasm(&insns[pc], (unsigned)pc, dis, sizeof(dis));
		if (hits[pc]) {
			reached++;
			fprintf(o, "%*" PRIu64 "  %s\n", w, hits[pc], dis);
			continue;
		}
		dw = visible_width(dis);
		fprintf(o, "%s%*" PRIu64 "  %s%*s  <- never reached%s\n", DBG_COL(color, DBG_RED),
			w, hits[pc], dis, dw < 34 ? 34 - dw : 0, "", DBG_COL(color, DBG_RESET));
	}
	fprintf(o, "%zu of %zu instructions reached", reached, len);
	if (reached < len) {
		fputs("; never reached:", o);
		for (size_t pc = 0; pc < len; pc++)
			if (!hits[pc])
				fprintf(o, " l%zu", pc);
	}
	fputc('\n', o);
}
