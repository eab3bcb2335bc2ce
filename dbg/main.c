// SPDX-License-Identifier: MIT
/* cbpf-dbg: step classic filters through captures and seccomp inputs, like bpf_dbg and more. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/infile.h"
#include "sh.h"

static const char usage_line[] =
	"usage: " PROG " [-b FILE [--seccomp] | -e EXPR [-y LINKTYPE]] [-p PCAP]\n"
	"                [-c COMMAND]... [SCRIPT]\n";

static const char help_text[] =
	"\nStep a classic BPF program through the packets of a capture, or a seccomp filter\n"
	"through system calls: bpf_dbg's commands with its output, and breakpoints on\n"
	"conditions, watches, stepping back, why, coverage, filter to a new capture.\n"
	"\n  -b, --bpf FILE        load a program in any form cbpf-asm reads\n"
	"      --seccomp         ... as a seccomp filter\n"
	"  -e, --expr EXPR       load a tcpdump filter expression, compiled as tcpdump does\n"
	"  -y, --linktype TYPE   link type for -e (default: the capture's, else EN10MB)\n"
	"  -p, --pcap FILE       load a capture (pcap or pcapng)\n"
	"  -c, --command CMD     run CMD (may be repeated), then SCRIPT's commands; then\n"
	"                        exit instead of reading standard input\n"
	"      --no-jit          interpret runs over captures instead of running native\n"
	"                        code (as 'set jit off'; same results, slower)\n"
	"      --max-input-size SIZE\n"
	"                        refuse a file or command line larger than SIZE bytes\n"
	"                        (K, M, G: powers of 1024; default 64M)\n"
	"\n  -h, --help            show this help\n"
	"      --version         show the version\n"
	"\nOn a terminal commands are read with line editing, history and completion\n"
	"('help' lists them). Otherwise they are read from standard input, without prompt\n"
	"or colour; then, as with -c and SCRIPT, errors are located by line and the exit\n"
	"status is 1 if any command failed. NO_COLOR (not empty) turns colour off.\n"
	"\nExit status: 0 success, 1 a command failed (not on a terminal), 2 bad usage.\n";

struct options {
	const char *bpf, *expr, *linktype, *pcap, *script;
	bool seccomp, no_jit;
	const char **cmds;
	size_t ncmds;
	size_t max_input;
};

enum { OPT_SECCOMP = 0x100, OPT_MAX_INPUT, OPT_NO_JIT };

static const struct option long_options[] = {
	{ "bpf", required_argument, NULL, 'b' },
	{ "expr", required_argument, NULL, 'e' },
	{ "linktype", required_argument, NULL, 'y' },
	{ "pcap", required_argument, NULL, 'p' },
	{ "command", required_argument, NULL, 'c' },
	{ "seccomp", no_argument, NULL, OPT_SECCOMP },
	{ "max-input-size", required_argument, NULL, OPT_MAX_INPUT },
	{ "no-jit", no_argument, NULL, OPT_NO_JIT },
	CLI_LONG_OPTIONS_END,
};

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:c:e:hp:y:", long_options, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (o->bpf)
				return cli_usage_error("-b given twice; give one program");
			o->bpf = optarg;
			break;
		case 'e':
			if (o->expr)
				return cli_usage_error("-e given twice; give one expression");
			o->expr = optarg;
			break;
		case 'y':
			o->linktype = optarg;
			break;
		case 'p':
			if (o->pcap)
				return cli_usage_error("-p given twice; give one capture");
			o->pcap = optarg;
			break;
		case 'c':
			o->cmds[o->ncmds++] = optarg;
			break;
		case OPT_SECCOMP:
			o->seccomp = true;
			break;
		case OPT_NO_JIT:
			o->no_jit = true;
			break;
		case OPT_MAX_INPUT:
			if (cli_size_parse(optarg, &o->max_input))
				return cli_usage_error("invalid size '%s' for --max-input-size "
						       "(bytes, or with K, M or G: 64M)",
						       optarg);
			break;
		default:
			return cli_option(NULL, c, optarg, argv);
		}
	}
	if (optind < argc)
		o->script = argv[optind++];
	if (optind < argc)
		return cli_usage_error("too many arguments: '%s' (one script at most)",
				       argv[optind]);
	if (o->bpf && o->expr)
		return cli_usage_error("-b and -e both load a program; give one");
	if (o->linktype && !o->expr)
		return cli_usage_error("-y applies to -e only");
	if (o->seccomp && !o->bpf)
		return cli_usage_error("--seccomp applies to -b only");
	return 0;
}

/* ---------------------------------------------------------------- reading commands */

/* Commands from a stream without a terminal: no prompt; errors located by line. */
static void run_stream(struct sh *sh, FILE *in, const char *name)
{
	char *line = NULL, why[64];
	size_t cap = 0;
	ssize_t n = 0;

	sh->where = name;
	sh->line = 0;
	/* Line by line, as they come (a pipe may be a person typing), each at most max_input. */
	while (!sh->quit && (n = cbpf_infile_getline(in, sh->max_input, &line, &cap)) > 0) {
		const char *nul = memchr(line, '\0', (size_t)n);

		sh->line++;
		if (nul) {
			/* The command would end there, silently: "load bpf 1,6 0 0 0\0..." */
			sh_error(sh,
				 "a NUL byte at column %zu would cut the command short: the "
				 "line is refused",
				 (size_t)(nul - line) + 1);
			sh->errors++;
			continue;
		}
		sh_exec(sh, line);
	}
	if (n < 0) {
		sh->line++;
		sh_error(sh, "%s%s%s; stopping", n == -EFBIG ? "the line is " : "cannot read: ",
			 cbpf_infile_why((int)n, sh->max_input, why, sizeof(why)),
			 n == -EFBIG ? CLI_MAX_INPUT_HINT : "");
		sh->errors++;
	}
	free(line);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct sh sh;
	bool terminal, scripted;
	int rc, lt;

	cli_init(PROG, usage_line, help_text);
	cli_signals_init();
	o.cmds = calloc((size_t)argc, sizeof(*o.cmds));
	if (!o.cmds)
		return CLI_EXIT_INVALID;
	rc = parse_args(argc, argv, &o);
	if (rc) {
		free(o.cmds);
		return rc;
	}
	if (o.linktype && cbpf_linktype_parse(o.linktype, &lt)) {
		free(o.cmds);
		return cli_usage_error("unknown link type '%s' for -y (tcpdump's names, such as "
				       "EN10MB, LINUX_SLL, RAW, or a number libpcap knows)",
				       o.linktype);
	}
	if (sh_init(&sh, stdout, stderr)) {
		free(o.cmds);
		return cli_error("out of memory");
	}
	scripted = o.ncmds || o.script;
	terminal = !scripted && isatty(STDIN_FILENO);
	sh.stdin_commands = !scripted || (o.script && !strcmp(o.script, "-"));
	if (o.pcap && sh.stdin_commands && sh_is_stdin(o.pcap)) {
		sh_fini(&sh);
		free(o.cmds);
		return cli_usage_error("-p %s reads the capture from standard input, which then "
				       "cannot carry the commands: give them with -c or a script",
				       o.pcap);
	}
	/* Colour only for a person at a terminal. */
	sh.color = terminal && cli_color(STDOUT_FILENO);
	sh.ecolor = terminal && cli_color(STDERR_FILENO);
	if (o.linktype) {
		cbpf_dbg_set_linktype(sh.dbg, lt);
		sh.linktype_given = true;
	}
	sh.max_input = o.max_input;
	if (o.no_jit)
		cbpf_dbg_set_jit(sh.dbg, false);

	/* The capture first, so that -e compiles for its link type. */
	if (o.pcap)
		sh_load(&sh, "pcap", o.pcap);
	if (o.bpf)
		sh_load(&sh, o.seccomp ? "seccomp" : "prog", o.bpf);
	if (o.expr)
		sh_load(&sh, "expr", o.expr);

	if (scripted) {
		sh.where = "-c";
		for (size_t i = 0; i < o.ncmds && !sh.quit; i++) {
			sh.line = (unsigned)i + 1;
			sh_exec(&sh, o.cmds[i]);
		}
		if (o.script && !sh.quit) {
			FILE *f = strcmp(o.script, "-") ? fopen(o.script, "r") : stdin;

			if (!f) {
				cli_error("%s: %s", o.script, strerror(errno));
				sh.errors++;
			} else {
				run_stream(&sh, f, f == stdin ? "<stdin>" : o.script);
				if (f != stdin)
					fclose(f);
			}
		}
	} else if (terminal) {
		sh_terminal(&sh);
	} else {
		run_stream(&sh, stdin, "<stdin>");
	}
	rc = !terminal && sh.errors ? CLI_EXIT_INVALID : 0;
	sh_fini(&sh);
	free(o.cmds);
	return rc;
}
