// SPDX-License-Identifier: MIT
/* Test tool: reads bpf_asm source (or a tcpdump -d listing) and prints "code jt jf k" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, cap *= 2);

			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: asm-dump [-l] [-n] [-e MAX_ERRORS] [FILE]\n"
		     "  -l  read a tcpdump -d listing instead of bpf_asm source\n"
		     "  -n  refuse far conditional jumps instead of rewriting them\n"
		     "  -e  stop after this many errors\n"
		     "Prints each instruction as 'code jt jf k' in decimal.\n");
}

int main(int argc, char **argv)
{
	struct cbpf_asm_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	bool listing = false;
	FILE *in = stdin;
	size_t len = 0;
	char *src;
	int c, err;

	while ((c = getopt(argc, argv, "lne:h")) != -1) {
		switch (c) {
		case 'l':
			listing = true;
			break;
		case 'n':
			opts.no_relax = true;
			break;
		case 'e':
			opts.max_errors = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 < argc) {
		usage(stderr);
		return 2;
	}
	if (optind < argc && strcmp(argv[optind], "-")) {
		opts.file = argv[optind];
		in = fopen(opts.file, "rb");
		if (!in) {
			perror(opts.file);
			return 1;
		}
	}
	src = slurp(in, &len);
	if (in != stdin)
		fclose(in);
	if (!src) {
		fprintf(stderr, "asm-dump: cannot read input\n");
		return 1;
	}
	err = listing ? cbpf_listing_parse(src, len, &opts, &prog, &diags)
		      : cbpf_asm_parse(src, len, &opts, &prog, &diags);
	cbpf_diags_print(stderr, &diags, src, len,
			 &(struct cbpf_diag_print_opts){ .fallback = "<stdin>" });
	if (!err) {
		const struct cbpf_insn *insns = cbpf_prog_insns(prog);

		for (size_t i = 0; i < cbpf_prog_len(prog); i++)
			printf("%u %u %u %u\n", insns[i].code, insns[i].jt, insns[i].jf,
			       insns[i].k);
	}
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	free(src);
	return err ? 1 : 0;
}
