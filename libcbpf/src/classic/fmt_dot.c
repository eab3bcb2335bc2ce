// SPDX-License-Identifier: MIT
/* The control-flow graph as Graphviz dot: basic blocks of listing lines, true/false edges. */
#include <errno.h>
#include <stdlib.h>

#include "classic/fmt_int.h"
#include "classic/insn_int.h"
#include "classic/prog.h"

/* Writes s inside a dot double-quoted string; tabs become a space. */
static void dot_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s == '\t' ? ' ' : *s, out);
	}
}

/*
 * Where control can go after pc, as up to two targets; n means "past the end". A ja's target is
 * the listing's, which wraps as libpcap's int arithmetic does.
 */
static size_t successors(const struct cbpf_prog *prog, size_t pc, size_t t[2])
{
	size_t n = prog->len;
	uint64_t next[2];
	unsigned k = insn_successors(&prog->insns[pc], pc, next);

	for (unsigned j = 0; j < k; j++) {
		unsigned long long tgt = fmt_target(pc, next[j] - pc - 1);

		t[j] = tgt < n ? (size_t)tgt : n;
	}
	return k;
}

static void edge(FILE *out, size_t from, size_t to, size_t n, const char *label, const char *color)
{
	if (to >= n)
		fprintf(out, "\tb%zu -> out", from);
	else
		fprintf(out, "\tb%zu -> b%zu", from, to);
	if (label)
		fprintf(out, " [label=\"%s\", color=\"%s\", fontcolor=\"%s\"]", label, color,
			color);
	fputs(";\n", out);
}

int fmt_write_dot(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	size_t n = prog->len, t[2], k;
	bool *leader = calloc(n + 1, sizeof(*leader));
	bool leaves = false;
	char line[128];

	if (!leader)
		return -ENOMEM;
	/* A block starts at 0, at every jump target, and after every jump and return. */
	if (n)
		leader[0] = true;
	for (size_t pc = 0; pc < n; pc++) {
		if (!insn_is_jump(&prog->insns[pc]) && !insn_is_ret(&prog->insns[pc]))
			continue;
		leader[pc + 1] = true;
		k = successors(prog, pc, t);
		for (size_t j = 0; j < k; j++)
			leader[t[j]] = true;
	}

	fputs("digraph cbpf {\n", out);
	fputs("\tnode [shape=box, fontname=\"monospace\"];\n", out);
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;

		while (end < n && !leader[end])
			end++;
		fprintf(out, "\tb%zu [label=\"", start);
		for (size_t pc = start; pc < end; pc++) {
			const char *comment = fmt_want_comment(prog, pc, opts);

			cbpf_insn_format(&prog->insns[pc], pc, line, sizeof(line));
			fprintf(out, "(%03d) ", (int)pc);
			dot_escape(out, line);
			if (comment) {
				fputs(" ; ", out);
				for (const char *c = comment; *c; c++) {
					char s[2] = { *c == '\n' || *c == '\r' ? ' ' : *c, '\0' };

					dot_escape(out, s);
				}
			}
			fputs("\\l", out);
		}
		fputs("\"];\n", out);

		/* The block's last instruction decides where control goes. */
		k = successors(prog, end - 1, t);
		if (k == 2) {
			edge(out, start, t[0], n, "true", "darkgreen");
			edge(out, start, t[1], n, "false", "red");
		} else if (k == 1) {
			edge(out, start, t[0], n, NULL, NULL);
		}
		for (size_t j = 0; j < k; j++)
			leaves |= t[j] >= n;
		start = end;
	}
	if (leaves)
		fputs("\tout [label=\"past the end\", shape=octagon];\n", out);
	fputs("}\n", out);
	free(leader);
	return 0;
}
