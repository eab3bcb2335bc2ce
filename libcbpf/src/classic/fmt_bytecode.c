// SPDX-License-Identifier: MIT
/* The bytecode writers: bpf_asm's comma and C forms, tcpdump's -d, -dd and -ddd, raw. */
#include <errno.h>
#include <stdio.h>

#include "classic/fmt_int.h"
#include "classic/prog.h"

/* bpf_exp.y: bpf_pretty_print, what tc bytecode "..." and iptables -m bpf --bytecode take. */
void fmt_write_comma(FILE *out, const struct cbpf_prog *prog)
{
	fprintf(out, "%zu,", prog->len);
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];

		fprintf(out, "%u %u %u %u,", in->code, in->jt, in->jf, in->k);
	}
	fputc('\n', out);
}

/* bpf_exp.y: bpf_pretty_print_c (note that %#x prints 0 without the 0x). */
void fmt_write_c(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];
		const char *comment = fmt_want_comment(prog, i, opts);

		fprintf(out, "{ %#04x, %2u, %2u, %#010x },", in->code, in->jt, in->jf, in->k);
		if (comment) {
			fputs(" /* ", out);
			fmt_put_comment(out, comment, true);
			fputs(" */", out);
		}
		fputc('\n', out);
	}
}

/* tcpdump -dd: libpcap's bpf_dump with option 2. */
void fmt_write_dd(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];
		const char *comment = fmt_want_comment(prog, i, opts);

		fprintf(out, "{ 0x%x, %d, %d, 0x%08x },", in->code, in->jt, in->jf, in->k);
		if (comment) {
			fputs(" /* ", out);
			fmt_put_comment(out, comment, true);
			fputs(" */", out);
		}
		fputc('\n', out);
	}
}

/* tcpdump -ddd: the count, then each instruction in decimal. */
void fmt_write_ddd(FILE *out, const struct cbpf_prog *prog)
{
	fprintf(out, "%d\n", (int)prog->len);
	for (size_t i = 0; i < prog->len; i++) {
		const struct cbpf_insn *in = &prog->insns[i];

		fprintf(out, "%u %u %u %u\n", in->code, in->jt, in->jf, in->k);
	}
}

/* tcpdump -d: "(NNN) " and the instruction, one per line. */
void fmt_write_listing(FILE *out, const struct cbpf_prog *prog, const struct cbpf_write_opts *opts)
{
	char line[128];

	for (size_t i = 0; i < prog->len; i++) {
		const char *comment = fmt_want_comment(prog, i, opts);

		cbpf_insn_format(&prog->insns[i], i, line, sizeof(line));
		fprintf(out, "(%03d) %s", (int)i, line);
		if (comment) {
			fputs(" ; ", out);
			fmt_put_comment(out, comment, false);
		}
		fputc('\n', out);
	}
}

/* The instructions as the kernel takes them, host byte order. */
int fmt_write_raw(FILE *out, const struct cbpf_prog *prog)
{
	if (prog->len && fwrite(prog->insns, sizeof(*prog->insns), prog->len, out) != prog->len)
		return -EIO;
	return 0;
}
