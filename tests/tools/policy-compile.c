// SPDX-License-Identifier: MIT
/* Test tool: compiles a seccomp policy (JSON profile or minijail text) and prints the filter. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "policy-util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: policy-compile [--json|--text] [--arch A,B] [--host A] [--caps C,D]\n"
		   "        [--kernel V] [--default ACT] [--badarch ACT] [--lenient] [--strict]\n"
		   "        [--no-includes] [--no-comments] [--raw|--asm|--quiet] POLICY\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "arch", required_argument, NULL, 'a' },
		{ "host", required_argument, NULL, 'H' },
		{ "caps", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "default", required_argument, NULL, 'd' },
		{ "badarch", required_argument, NULL, 'b' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "no-includes", no_argument, NULL, 'I' },
		{ "no-comments", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "asm", no_argument, NULL, 'A' },
		{ "strict", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct cbpf_policy_opts opts = { 0 };
	enum cbpf_arch arches[8];
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	const char **caps = NULL;
	bool raw = false, quiet = false, as_asm = false;
	struct cbpf_write_opts wopts = { .comments = true };
	int c, err;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.lang = CBPF_POLICY_JSON;
			break;
		case 't':
			opts.lang = CBPF_POLICY_TEXT;
			break;
		case 'a': {
			int n = parse_arch_list(optarg, arches, 8);

			if (n < 0) {
				fprintf(stderr, "policy-compile: bad architecture list '%s'\n",
					optarg);
				return 2;
			}
			opts.arches = arches;
			opts.n_arches = (size_t)n;
			break;
		}
		case 'H':
			if (cbpf_arch_parse(optarg, &opts.host)) {
				fprintf(stderr, "policy-compile: bad architecture '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			caps = parse_caps(optarg);
			opts.caps = caps;
			break;
		case 'k':
			opts.kernel = optarg;
			break;
		case 'd':
		case 'b': {
			uint32_t act;

			if (cbpf_seccomp_action_parse(optarg, &act)) {
				fprintf(stderr, "policy-compile: bad action '%s'\n", optarg);
				return 2;
			}
			if (c == 'd')
				opts.has_default_action = true, opts.default_action = act;
			else
				opts.has_badarch_action = true, opts.badarch_action = act;
			break;
		}
		case 'l':
			opts.lenient = true;
			break;
		case 'S':
			opts.strict = true;
			break;
		case 'I':
			opts.no_includes = true;
			break;
		case 'n':
			opts.no_comments = true;
			break;
		case 'r':
			raw = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'A':
			as_asm = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	err = cbpf_policy_compile_file(argv[optind], &opts, &prog, &diags);
	cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
	cbpf_diags_free(&diags);
	free(caps);
	if (err)
		return 1;
	if (raw)
		fwrite(cbpf_prog_insns(prog), sizeof(struct cbpf_insn), cbpf_prog_len(prog),
		       stdout);
	else if (!quiet)
		cbpf_prog_write(stdout, prog, as_asm ? CBPF_FORM_ASM : CBPF_FORM_LISTING, &wopts);
	else
		printf("%zu instructions\n", cbpf_prog_len(prog));
	cbpf_prog_free(prog);
	return 0;
}
