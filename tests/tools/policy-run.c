// SPDX-License-Identifier: MIT
/* Test tool: compiles a seccomp policy, installs it with cbpf_seccomp_install, execs a command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "policy-util.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "arch", required_argument, NULL, 'a' },
		{ "caps", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "lenient", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct cbpf_policy_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog;
	enum cbpf_arch arches[8];
	int c, n;

	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (cbpf_arch_parse(optarg, &opts.host))
				return 2;
			break;
		case 'a':
			n = parse_arch_list(optarg, arches, 8);
			if (n < 0)
				return 2;
			opts.arches = arches;
			opts.n_arches = (size_t)n;
			break;
		case 'c':
			opts.caps = parse_caps(optarg);
			break;
		case 'k':
			opts.kernel = optarg;
			break;
		case 'l':
			opts.lenient = true;
			break;
		default:
			fprintf(stderr, "usage: policy-run [--host A] [--arch A,B] [--caps C,D] "
					"[--kernel V] [--lenient] POLICY [--] COMMAND [ARG...]\n");
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: policy-run [options] POLICY [--] COMMAND [ARG...]\n");
		return 2;
	}
	if (cbpf_policy_compile_file(argv[optind], &opts, &prog, &diags)) {
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		return 1;
	}
	cbpf_diags_free(&diags);
	optind++;
	if (!strcmp(argv[optind], "--"))
		optind++;
	if (cbpf_seccomp_install(prog, 0, NULL, &diags)) {
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		return 1;
	}
	execvp(argv[optind], &argv[optind]);
	fprintf(stderr, "policy-run: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
