// SPDX-License-Identifier: MIT
/* The session's state written out: bpf_dbg's register and packet dumps, the bytes read, info. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "dbg/dbg_int.h"

static void disasm_line(FILE *o, const char *label, const struct cbpf_insn *insns, uint32_t pc,
			bool color)
{
	char buf[96];

	cbpf_dbg_disasm(&insns[pc], pc, buf, sizeof(buf));
	fprintf(o, "%s%s%s%s\n", label, DBG_COL(color, DBG_CYAN), buf, DBG_COL(color, DBG_RESET));
}

/* tools/bpf/bpf_dbg.c: bpf_dump_curr: the instruction at st->pc and the registers it sees. */
void cbpf_dbg_write_regs(FILE *o, const struct cbpf_dbg *dbg, const struct cbpf_vm_state *st,
			 bool with_ret, bool color)
{
	const struct cbpf_insn *insns, *f;
	uint32_t len;
	int m = 0;

	if (!dbg->prog)
		return;
	insns = cbpf_prog_insns(dbg->prog);
	len = (uint32_t)cbpf_prog_len(dbg->prog);
	f = &insns[st->pc];
	fprintf(o, "pc:       [%u]\n", st->pc);
	fprintf(o, "code:     [%u] jt[%u] jf[%u] k[%u]\n", f->code, f->jt, f->jf, f->k);
	disasm_line(o, "curr:     ", insns, st->pc, color);
	if (f->jt || f->jf) {
		if (st->pc + 1 + f->jt < len)
			disasm_line(o, "jt:       ", insns, st->pc + 1 + f->jt, color);
		if (st->pc + 1 + f->jf < len)
			disasm_line(o, "jf:       ", insns, st->pc + 1 + f->jf, color);
	}
	fprintf(o, "A:        [%#08x][%u]\n", st->A, st->A);
	fprintf(o, "X:        [%#08x][%u]\n", st->X, st->X);
	if (with_ret && st->exit != CBPF_VM_RUNNING)
		fprintf(o, "ret:      [%#08x][%u]!\n", st->ret, st->ret);
	for (int i = 0; i < CBPF_MEMWORDS; i++) {
		if (st->M[i]) {
			m++;
			fprintf(o, "M[%d]: [%#08x][%u]\n", i, st->M[i], st->M[i]);
		}
	}
	if (m == 0)
		fprintf(o, "M[0,%d]:  [%#08x][%u]\n", CBPF_MEMWORDS - 1, 0, 0);
}

/* The seccomp input, field by field. */
static void write_seccomp(FILE *o, const struct cbpf_dbg *dbg, const struct cbpf_seccomp_data *sd)
{
	struct cbpf_dbg_names nm;

	cbpf_dbg_names(dbg, &nm);
	fprintf(o, "nr:       [%d]%s%s\n", sd->nr, nm.nr_name ? " " : "",
		nm.nr_name ? nm.nr_name : "");
	fprintf(o, "arch:     [%#010x] %s\n", sd->arch, nm.arch);
	fprintf(o, "ip:       [%#" PRIx64 "]\n", sd->instruction_pointer);
	fprintf(o, "args:     ");
	for (int i = 0; i < 6; i++)
		fprintf(o, "[%#" PRIx64 "]", sd->args[i]);
	fputc('\n', o);
}

/* Sixteen bytes a line, "%3u: " before each: tools/bpf/bpf_dbg.c: hex_dump. */
static void hexdump(FILE *o, const uint8_t *buf, uint32_t len, const uint8_t *marks, bool color)
{
	uint32_t line;

	for (line = 0; line == 0 || line < len; line += 16) {
		bool any = false;
		uint32_t end = line + 16 < len ? line + 16 : len;

		fprintf(o, "%3u: ", line);
		for (uint32_t i = line; i < end; i++) {
			bool m = marks && marks[i];

			any |= m;
			if (m && color)
				fprintf(o, DBG_HILITE "%02x" DBG_RESET " ", buf[i]);
			else
				fprintf(o, "%02x ", buf[i]);
		}
		fputc('\n', o);
		if (!any || color)
			continue;
		/* Without colour, a line of carets under the bytes read. */
		uint32_t last = line;

		for (uint32_t i = line; i < end; i++)
			if (marks[i])
				last = i;
		fputs("     ", o);
		for (uint32_t i = line; i <= last; i++)
			fputs(marks[i] ? (i == last ? "^^" : "^^ ") : "   ", o);
		fputc('\n', o);
	}
}

void cbpf_dbg_write_input(FILE *o, const struct cbpf_dbg *dbg)
{
	struct cbpf_dbg_input in;

	cbpf_dbg_input(dbg, &in);
	if (dbg->mode == CBPF_VM_SECCOMP) {
		fprintf(o, "-- seccomp data --\n");
		write_seccomp(o, dbg, in.sd);
		return;
	}
	fprintf(o, "-- packet dump --\n");
	/* tools/bpf/bpf_dbg.c: bpf_dump_pkt */
	if (in.caplen != in.wirelen)
		fprintf(o, "cap: %u, len: %u\n", in.caplen, in.wirelen);
	else
		fprintf(o, "len: %u\n", in.wirelen);
	hexdump(o, in.data, in.caplen, NULL, false);
}

void cbpf_dbg_set_hexdump(struct cbpf_dbg *dbg, bool on)
{
	dbg->hexdump = on;
}

bool cbpf_dbg_hexdump(const struct cbpf_dbg *dbg)
{
	return dbg->hexdump;
}

void cbpf_dbg_write_stop(FILE *o, const struct cbpf_dbg *dbg, const struct cbpf_vm_state *st,
			 bool with_ret, bool color)
{
	fprintf(o, "-- register dump --\n");
	cbpf_dbg_write_regs(o, dbg, st, with_ret, color);
	/* The packet stays the same from step to step: shown when asked (packet, hexdump). */
	if (dbg->mode == CBPF_VM_SECCOMP || dbg->hexdump)
		cbpf_dbg_write_input(o, dbg);
}

void cbpf_dbg_write_stopped(FILE *o, const struct cbpf_dbg *dbg, const struct cbpf_dbg_stop *stop,
			    bool color)
{
	static const char *const words[] = {
		[CBPF_DBG_END] = "finish",
		[CBPF_DBG_HIT_BREAK] = "breakpoint",
		[CBPF_DBG_HIT_WATCH] = "watch",
		[CBPF_DBG_LIMIT] = "step",
		[CBPF_DBG_INTERRUPT] = "interrupted",
	};
	struct cbpf_dbg_input in;

	cbpf_dbg_input(dbg, &in);
	fprintf(o, "%s(%s", DBG_COL(color, DBG_YELLOW), words[stop->why]);
	if (stop->why == CBPF_DBG_HIT_WATCH)
		fprintf(o, " %u", stop->id);
	if (dbg->mode != CBPF_VM_SECCOMP && in.have_packet && in.number)
		fprintf(o, " at packet %" PRIu64, in.number);
	if (stop->why == CBPF_DBG_HIT_WATCH)
		fprintf(o, ": M[%u] %#x -> %#x", stop->mem, stop->old, stop->now);
	fprintf(o, ")%s\n", DBG_COL(color, DBG_RESET));
}

void cbpf_dbg_write_last(FILE *o, const struct cbpf_dbg *dbg, bool with_ret, bool color)
{
	const struct cbpf_dbg_hist *h;
	size_t n = cbpf_dbg_history(dbg, &h);
	struct cbpf_vm_state st;

	if (!n)
		return;
	st = h[n - 1].before;
	if (with_ret) {
		st.exit = cbpf_dbg_state(dbg)->exit;
		st.ret = cbpf_dbg_state(dbg)->ret;
	}
	cbpf_dbg_write_stop(o, dbg, &st, with_ret, color);
}

int cbpf_dbg_write_packet(FILE *o, struct cbpf_dbg *dbg, bool color)
{
	struct cbpf_dbg_input in;
	uint8_t *marks;
	size_t nread;

	cbpf_dbg_input(dbg, &in);
	marks = calloc(in.caplen + 1, 1);
	if (!marks || cbpf_dbg_reads(dbg, marks, &nread)) {
		free(marks);
		return -ENOMEM;
	}
	if (in.caplen != in.wirelen)
		fprintf(o, "packet %" PRIu64 ": cap: %u, len: %u\n", in.number, in.caplen,
			in.wirelen);
	else
		fprintf(o, "packet %" PRIu64 ": len: %u\n", in.number, in.wirelen);
	hexdump(o, in.data, in.caplen, marks, color);
	free(marks);
	if (dbg->prog)
		fprintf(o, "%s: the %zu byte%s the program reads\n", color ? "highlighted" : "^^",
			nread, nread == 1 ? "" : "s");
	return 0;
}

void cbpf_dbg_write_end(FILE *o, const struct cbpf_dbg *dbg, bool color)
{
	struct cbpf_dbg_input in;
	char res[64];

	cbpf_dbg_input(dbg, &in);
	fputs(DBG_COL(color, DBG_YELLOW), o);
	if (dbg->mode == CBPF_VM_SECCOMP) {
		cbpf_dbg_result(dbg, dbg->st.ret, res, sizeof(res));
		fprintf(o, "(action: %s)", res);
	} else if (in.capture && !in.have_next) {
		fputs("(going back to first packet)", o);
	} else {
		fputs("(next packet)", o);
	}
	fprintf(o, "%s\n", DBG_COL(color, DBG_RESET));
}

void cbpf_dbg_write_run(FILE *o, const struct cbpf_dbg *dbg, const struct cbpf_dbg_tally *t)
{
	struct cbpf_dbg_names nm;
	char res[64];

	if (dbg->mode != CBPF_VM_SECCOMP) {
		fprintf(o, "bpf passes:%" PRIu64 " fails:%" PRIu64 "\n", t->pass, t->fail);
		if (t->budget)
			fprintf(o,
				"%" PRIu64
				" of the fails spent the loop budget (%u backward jumps per loop), "
				"where libpcap would loop for ever; the first: packet %" PRIu64
				", at l%u\n",
				t->budget, cbpf_dbg_loop_budget(dbg), t->budget_packet,
				t->budget_pc);
		return;
	}
	cbpf_dbg_names(dbg, &nm);
	cbpf_dbg_result(dbg, dbg->st.ret, res, sizeof(res));
	fprintf(o, "syscall %s, arch %s: %s (ret %#x)\n", nm.syscall, nm.arch, res, dbg->st.ret);
}

void cbpf_dbg_write_info(FILE *o, const struct cbpf_dbg *dbg)
{
	const struct cbpf_prog *prog = dbg->prog;
	const struct cbpf_dbg_point *p;
	struct cbpf_dbg_input in;
	const char *lt, *from = cbpf_dbg_origin(dbg);

	cbpf_dbg_input(dbg, &in);
	if (prog)
		fprintf(o, "program: %s, %zu instructions, %s filter\n", from ? from : "?",
			cbpf_prog_len(prog), dbg->mode == CBPF_VM_SECCOMP ? "seccomp" : "socket");
	else
		fprintf(o, "program: none\n");
	if (in.capture) {
		lt = cbpf_linktype_name(in.linktype);
		fprintf(o, "capture: %s, link type %s, snapshot length %u", in.capture,
			lt ? lt : "?", in.snaplen);
		if (in.counted)
			fprintf(o, ", %" PRIu64 " packet%s", in.count, in.count == 1 ? "" : "s");
		if (in.have_packet)
			fprintf(o, "\npacket:  %" PRIu64 ", %u bytes%s\n", in.number, in.wirelen,
				in.caplen < in.wirelen ? " (truncated)" : "");
		else
			fprintf(o, "\npacket:  none\n");
	} else {
		fprintf(o, "capture: none\n");
	}
	if (prog && dbg->mode == CBPF_VM_SECCOMP) {
		struct cbpf_dbg_names nm;

		cbpf_dbg_names(dbg, &nm);
		fprintf(o, "input:   syscall %s, arch %s\n", nm.syscall, nm.arch);
	}
	if (prog) {
		const struct cbpf_vm_state *st = cbpf_dbg_state(dbg);
		const struct cbpf_dbg_hist *h;
		size_t k = cbpf_dbg_history(dbg, &h);

		if (st->exit != CBPF_VM_RUNNING)
			fprintf(o, "run:     ended after %zu instruction%s, ret %#x\n", k,
				k == 1 ? "" : "s", st->ret);
		else
			fprintf(o, "run:     at l%u after %zu instruction%s\n", st->pc, k,
				k == 1 ? "" : "s");
	}
	fprintf(o, "points:  %zu\n", cbpf_dbg_points(dbg, &p));
}
