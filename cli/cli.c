// SPDX-License-Identifier: MIT
/* The programs' messages: usage errors, errors and warnings under the program's name. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

#ifndef CBPF_VERSION
#define CBPF_VERSION "unknown"
#endif

static const char *cli_prog = "cbpf";
static const char *cli_usage = "";
static const char *cli_help = "";

void cli_init(const char *prog, const char *usage, const char *help)
{
	cli_prog = prog;
	cli_usage = usage;
	cli_help = help;
}

static void vsay(const char *what, const char *fmt, va_list ap) CBPF_PRINTF(2, 0);
static void vsay(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", cli_prog, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
	fputs(cli_usage, stderr);
	return CLI_EXIT_USAGE;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("error: ", fmt, ap);
	va_end(ap);
	return CLI_EXIT_INVALID;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

/* Long-only options have codes from 0x100 up: they are named by the word the user wrote. */
static int getopt_error(int c, char *const *argv)
{
	if (c == ':') {
		if (optopt >= 0x100)
			return cli_usage_error("option '%s' needs an argument", argv[optind - 1]);
		return cli_usage_error("option '-%c' needs an argument", optopt);
	}
	if (optopt >= 0x100 || !optopt)
		return cli_usage_error("unknown option '%s'", argv[optind - 1]);
	return cli_usage_error("unknown option '-%c'", optopt);
}

int cli_option(struct cli_input *in, int c, char *arg, char *const *argv)
{
	int err;

	if (c == 'h') {
		fputs(cli_usage, stdout);
		fputs(cli_help, stdout);
		exit(0);
	}
	if (c == CLI_OPT_VERSION) {
		printf("%s (cbpf) %s\n", cli_prog, CBPF_VERSION);
		exit(0);
	}
	err = in ? cli_input_option(in, c, arg) : -1;
	return err < 0 ? getopt_error(c, argv) : err;
}

/* no-color.org: NO_COLOR turns colour off when it is set and not empty. */
bool cli_color(int fd)
{
	const char *no = getenv("NO_COLOR");

	return isatty(fd) && !(no && *no);
}
