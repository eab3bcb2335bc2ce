// SPDX-License-Identifier: MIT
/* cbpf-dbg's output: bpf_dbg's register and packet dumps; why, coverage, bytes read marked. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define HILITE "\033[1;7m" /* bold, reversed: the bytes a program reads */
#define RESET "\033[0m"

static const char *col(const struct sh *sh, const char *c)
{
	return sh->color ? c : "";
}

/* ---------------------------------------------------------------- dumps */

void show_tag(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	fputs(col(sh, YELLOW), sh->out);
	va_start(ap, fmt);
	vfprintf(sh->out, fmt, ap);
	va_end(ap);
	fprintf(sh->out, "%s\n", col(sh, RESET));
}

static void disasm_line(struct sh *sh, const char *label, const struct cbpf_insn *insns,
			uint32_t pc)
{
	char buf[96];

	cbpf_dbg_disasm(&insns[pc], pc, buf, sizeof(buf));
	fprintf(sh->out, "%s%s%s%s\n", label, col(sh, CYAN), buf, col(sh, RESET));
}

void show_insn(struct sh *sh, uint32_t pc)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const char *comment = cbpf_prog_comment(prog, pc);
	char dis[96];

	cbpf_dbg_disasm(&cbpf_prog_insns(prog)[pc], pc, dis, sizeof(dis));
	if (comment)
		fprintf(sh->out, "%s\t; %s\n", dis, comment);
	else
		fprintf(sh->out, "%s\n", dis);
}

/* tools/bpf/bpf_dbg.c: bpf_dump_curr: the instruction at st->pc and the registers it sees. */
void show_regs(struct sh *sh, const struct cbpf_vm_state *st, bool with_ret)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const struct cbpf_insn *insns = cbpf_prog_insns(prog);
	uint32_t len = (uint32_t)cbpf_prog_len(prog);
	const struct cbpf_insn *f = &insns[st->pc];
	FILE *o = sh->out;
	int m = 0;

	fprintf(o, "pc:       [%u]\n", st->pc);
	fprintf(o, "code:     [%u] jt[%u] jf[%u] k[%u]\n", f->code, f->jt, f->jf, f->k);
	disasm_line(sh, "curr:     ", insns, st->pc);
	if (f->jt || f->jf) {
		if (st->pc + 1 + f->jt < len)
			disasm_line(sh, "jt:       ", insns, st->pc + 1 + f->jt);
		if (st->pc + 1 + f->jf < len)
			disasm_line(sh, "jf:       ", insns, st->pc + 1 + f->jf);
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
static void show_seccomp(struct sh *sh, const struct cbpf_seccomp_data *sd)
{
	FILE *o = sh->out;
	const char *name = NULL;
	char arch[32];

	if (cbpf_arch_audit(sh->arch) == sd->arch)
		name = cbpf_syscall_name(sh->arch, (uint32_t)sd->nr);
	sh_arch_name(sh, sd->arch, arch, sizeof(arch));
	fprintf(o, "nr:       [%d]%s%s\n", sd->nr, name ? " " : "", name ? name : "");
	fprintf(o, "arch:     [%#010x] %s\n", sd->arch, arch);
	fprintf(o, "ip:       [%#" PRIx64 "]\n", sd->instruction_pointer);
	fprintf(o, "args:     ");
	for (int i = 0; i < 6; i++)
		fprintf(o, "[%#" PRIx64 "]", sd->args[i]);
	fputc('\n', o);
}

/* Sixteen bytes a line, "%3u: " before each: tools/bpf/bpf_dbg.c: hex_dump. */
static void hexdump(struct sh *sh, const uint8_t *buf, uint32_t len, const uint8_t *marks)
{
	FILE *o = sh->out;
	uint32_t line;

	for (line = 0; line == 0 || line < len; line += 16) {
		bool any = false;
		uint32_t end = line + 16 < len ? line + 16 : len;

		fprintf(o, "%3u: ", line);
		for (uint32_t i = line; i < end; i++) {
			bool m = marks && marks[i];

			any |= m;
			if (m && sh->color)
				fprintf(o, HILITE "%02x" RESET " ", buf[i]);
			else
				fprintf(o, "%02x ", buf[i]);
		}
		fputc('\n', o);
		if (!any || sh->color)
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

void show_input(struct sh *sh)
{
	struct cbpf_dbg_input in;

	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		fprintf(sh->out, "-- seccomp data --\n");
		show_seccomp(sh, in.sd);
		return;
	}
	fprintf(sh->out, "-- packet dump --\n");
	/* tools/bpf/bpf_dbg.c: bpf_dump_pkt */
	if (in.caplen != in.wirelen)
		fprintf(sh->out, "cap: %u, len: %u\n", in.caplen, in.wirelen);
	else
		fprintf(sh->out, "len: %u\n", in.wirelen);
	hexdump(sh, in.data, in.caplen, NULL);
}

void show_stop(struct sh *sh, const struct cbpf_vm_state *st, bool with_ret)
{
	fprintf(sh->out, "-- register dump --\n");
	show_regs(sh, st, with_ret);
	show_input(sh);
}

/* ---------------------------------------------------------------- why */

/* Pads a disassembly line (after its tab, at column 8) to width columns. */
static int visible_width(const char *s)
{
	const char *tab = strchr(s, '\t');

	if (!tab)
		return (int)strlen(s);
	return 8 + (int)strlen(tab + 1);
}

/* The one-line outcome of the current input: what the program returned, in how many steps. */
static void show_outcome(struct sh *sh, uint32_t ret, size_t n)
{
	struct cbpf_dbg_input in;
	char res[64];

	cbpf_dbg_input(sh->dbg, &in);
	cbpf_dbg_result(sh->dbg, ret, res, sizeof(res));
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		char name[64], arch[32];

		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		fprintf(sh->out, "syscall %s, arch %s: %s after %zu instruction%s\n", name, arch,
			res, n, n == 1 ? "" : "s");
	} else {
		fprintf(sh->out, "packet %" PRIu64 " (%s%u bytes): %s after %zu instruction%s\n",
			in.number, in.caplen == in.wirelen ? "" : "truncated, ", in.wirelen, res, n,
			n == 1 ? "" : "s");
	}
}

int show_reached(struct sh *sh)
{
	size_t n;
	struct cbpf_dbg_hist *steps = calloc(cbpf_dbg_trace_room(sh->dbg), sizeof(*steps));
	struct cbpf_vm_state fin;
	int err;

	if (!steps)
		return -ENOMEM;
	err = cbpf_dbg_trace(sh->dbg, steps, &n, &fin);
	if (!err)
		show_outcome(sh, fin.ret, n);
	free(steps);
	return err;
}

int show_why(struct sh *sh)
{
	static const struct cbpf_dbg_why_opts colors = { GREEN, RED, RESET };
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const struct cbpf_insn *insns = cbpf_prog_insns(prog);
	size_t n;
	struct cbpf_dbg_hist *steps = calloc(cbpf_dbg_trace_room(sh->dbg), sizeof(*steps));
	struct cbpf_vm_state fin;

	if (!steps)
		return -ENOMEM;
	if (cbpf_dbg_trace(sh->dbg, steps, &n, &fin)) {
		free(steps);
		return -EINVAL;
	}
	show_outcome(sh, fin.ret, n);
	/* Where a run under way stands: the next instruction it executes. */
	const struct cbpf_dbg_hist *hist;
	size_t done = cbpf_dbg_history(sh->dbg, &hist);

	if (cbpf_dbg_state(sh->dbg)->exit != CBPF_VM_RUNNING)
		done = 0;
	for (size_t i = 0; i < n; i++) {
		char dis[96], why[192];
		uint32_t pc = steps[i].step.pc;
		const char *comment = cbpf_prog_comment(prog, pc);

		cbpf_dbg_disasm(&insns[pc], pc, dis, sizeof(dis));
		cbpf_dbg_why(sh->dbg, &steps[i], i + 1 < n ? &steps[i + 1].before : &fin,
			     sh->color ? &colors : NULL, why, sizeof(why));
		fprintf(sh->out, "%s%s%s%*s  %s", col(sh, CYAN), dis, col(sh, RESET),
			visible_width(dis) < 34 ? 34 - visible_width(dis) : 0, "", why);
		if (comment)
			fprintf(sh->out, "  ; %s", comment);
		if (done && i == done)
			fprintf(sh->out, "  %s<- next%s", col(sh, YELLOW), col(sh, RESET));
		fputc('\n', sh->out);
	}
	free(steps);
	return 0;
}

/* ---------------------------------------------------------------- packet, coverage */

int show_packet(struct sh *sh)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	size_t n = 0, nread = 0;
	struct cbpf_dbg_hist *steps = NULL;
	struct cbpf_dbg_input in;
	uint8_t *marks;

	cbpf_dbg_input(sh->dbg, &in);
	marks = calloc(in.caplen + 1, 1);
	if (!marks)
		return -ENOMEM;
	if (prog) {
		steps = calloc(cbpf_dbg_trace_room(sh->dbg), sizeof(*steps));
		if (!steps || cbpf_dbg_trace(sh->dbg, steps, &n, NULL))
			n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cbpf_vm_step *r = &steps[i].step;

		if (r->read != CBPF_VM_READ_PACKET || r->exit == CBPF_VM_EXIT_OOB || r->off < 0)
			continue;
		for (uint32_t b = 0; b < r->size && (uint64_t)r->off + b < in.caplen; b++)
			if (!marks[r->off + b]++)
				nread++;
	}
	free(steps);
	if (in.caplen != in.wirelen)
		fprintf(sh->out, "packet %" PRIu64 ": cap: %u, len: %u\n", in.number, in.caplen,
			in.wirelen);
	else
		fprintf(sh->out, "packet %" PRIu64 ": len: %u\n", in.number, in.wirelen);
	hexdump(sh, in.data, in.caplen, marks);
	free(marks);
	if (prog)
		fprintf(sh->out, "%s: the %zu byte%s the program reads\n",
			sh->color ? "highlighted" : "^^", nread, nread == 1 ? "" : "s");
	return 0;
}

void show_coverage(struct sh *sh, const uint64_t *hits, const struct cbpf_dbg_tally *t)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const struct cbpf_insn *insns = cbpf_prog_insns(prog);
	size_t len = cbpf_prog_len(prog), reached = 0;
	uint64_t total = t->pass + t->fail;
	int w = 1;
	char dis[96];

	for (uint64_t v = total; v >= 10; v /= 10)
		w++;
	fprintf(sh->out, "coverage over %" PRIu64 " packet%s (%" PRIu64 " accepted, %" PRIu64
			 " dropped):\n",
		total, total == 1 ? "" : "s", t->pass, t->fail);
	for (size_t pc = 0; pc < len; pc++) {
		cbpf_dbg_disasm(&insns[pc], (unsigned)pc, dis, sizeof(dis));
		if (hits[pc]) {
			reached++;
			fprintf(sh->out, "%*" PRIu64 "  %s\n", w, hits[pc], dis);
		} else {
			fprintf(sh->out, "%s%*" PRIu64 "  %s%*s  <- never reached%s\n",
				col(sh, RED), w, hits[pc], dis,
				visible_width(dis) < 34 ? 34 - visible_width(dis) : 0, "",
				col(sh, RESET));
		}
	}
	fprintf(sh->out, "%zu of %zu instructions reached", reached, len);
	if (reached < len) {
		fputs("; never reached:", sh->out);
		for (size_t pc = 0; pc < len; pc++)
			if (!hits[pc])
				fprintf(sh->out, " l%zu", pc);
	}
	fputc('\n', sh->out);
}
