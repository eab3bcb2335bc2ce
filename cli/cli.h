/* SPDX-License-Identifier: MIT */
/* What cbpf-asm, cbpf-dbg and cbpf-xlate share: the pieces of a command-line program. */
#ifndef CBPF_CLI_H
#define CBPF_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cbpf.h"
#include "util/outfile.h"

/* Exit statuses: 0 success, 1 invalid input (or a refusal), 2 bad usage. */
#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE	 2

struct cli_input;

/* ---------------------------------------------------------------- cli.c: messages */

/* The program's name, usage lines and the rest of --help, for what follows; first. Borrowed. */
void cli_init(const char *prog, const char *usage, const char *help);
/* "PROG: MESSAGE" and the usage lines on stderr. Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) CBPF_PRINTF(1, 2);
/* "PROG: error: MESSAGE" on stderr. Returns CLI_EXIT_INVALID. */
int cli_error(const char *fmt, ...) CBPF_PRINTF(1, 2);
/* "PROG: warning: MESSAGE" on stderr. */
void cli_warning(const char *fmt, ...) CBPF_PRINTF(1, 2);
/*
 * What getopt_long (opterr 0, the option string starting with ':') returned as c, when the
 * program's own options are not it: -h (the usage lines and help on stdout, exit(0)),
 * CLI_OPT_VERSION ("PROG (cbpf) VERSION", exit(0)), an input option when in is not NULL (see
 * options.c), else the usage error for what getopt_long refused. Returns 0 or CLI_EXIT_USAGE.
 */
int cli_option(struct cli_input *in, int c, char *arg, char *const *argv);
/* The end of every getopt_long table: --help, --version and the terminating entry. */
#define CLI_LONG_OPTIONS_END                                                                       \
	{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, CLI_OPT_VERSION },     \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/* Whether messages to fd get colours: a terminal, and NO_COLOR not set or empty. */
bool cli_color(int fd);

/* ---------------------------------------------------------------- signals.c */

/*
 * SIGHUP, SIGINT, SIGPIPE and SIGTERM (those not ignored at start) remove the temporary files
 * of the outputs being written (outfile.h), then kill the program as they would have. First
 * thing in main; a program may take SIGINT over afterwards (cbpf-dbg at a terminal).
 */
void cli_signals_init(void);

/* ---------------------------------------------------------------- output.c */

/* The output file: stdout, or a file replaced only when everything was written (outfile.h). */
struct cli_output {
	FILE *fp; /* file.fp, while open */
	struct cbpf_outfile file;
};

/* Opens stdout (path NULL or "-") or path, through a temporary file when path is a regular file
 * or a new name. 0 or a negative errno. */
int cli_output_open(struct cli_output *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int cli_output_commit(struct cli_output *o);
/* Removes the temporary file; the target is left as it was. */
void cli_output_abort(struct cli_output *o);
/*
 * A writer's answer err, made exact: for -EIO (a FILE * failed), the errno of the write that
 * failed ("No space left on device"), as the output file kept it. Before abort or commit.
 */
int cli_output_error(const struct cli_output *o, int err);

/* ---------------------------------------------------------------- input.c */

/*
 * Reads the whole of path (NULL: standard input), named name in messages, into a new
 * NUL-terminated buffer (NUL bytes may be inside) with libcbpf's one reader (infile.h): at most
 * max bytes (0: CBPF_MAX_INPUT_SIZE). Returns 0 (*buf, which the caller frees, and *len set) or
 * CLI_EXIT_INVALID, the error printed ("NAME: larger than the input limit of 64 MiB ...").
 */
int cli_read(const char *path, const char *name, size_t max, char **buf, size_t *len);
/* What follows the message of an input over the limit. */
#define CLI_MAX_INPUT_HINT " (--max-input-size raises it)"
/* --max-input-size's SIZE: bytes, or with a K, M or G suffix (powers of 1024). 0 or -EINVAL. */
int cli_size_parse(const char *s, size_t *out);
/* The help lines of --max-input-size. */
#define CLI_MAX_INPUT_HELP                                                                         \
	"      --max-input-size SIZE\n"                                                            \
	"                        refuse an input file larger than SIZE bytes (K, M, G:\n"          \
	"                        powers of 1024; default 64M)\n"

/* ---------------------------------------------------------------- options.c: the input */

/* Where the program comes from. */
enum cli_source {
	CLI_SRC_FILE,	/* FILE or stdin, in any form cbpf-asm reads */
	CLI_SRC_EXPR,	/* -e: a libpcap filter expression */
	CLI_SRC_POLICY, /* --policy: a seccomp policy, Docker/OCI JSON or minijail text */
};

#define CLI_MAX_CAPS 64 /* --caps entries */

/* The options that say where the program comes from; zeroed means FILE or stdin, any form. */
struct cli_input {
	enum cli_source source;
	const char *input;    /* FILE, or NULL/"-" for stdin */
	const char *expr;     /* -e */
	const char *capture;  /* -r: -e compiled for this capture, as tcpdump -r FILE -d does */
	const char *linktype; /* -y */
	const char *snaplen;  /* -s */
	bool no_optimize;     /* -O */
	enum cbpf_form from;  /* --from; CBPF_FORM_AUTO detects */
	bool no_relax;	      /* --no-relax */
	const char *policy;   /* --policy */
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t n_arches;		    /* --arch */
	const char *caps[CLI_MAX_CAPS + 1]; /* --caps, split in place: caps[0] is NULL when not
					     * given, "" when given empty (no capabilities) */
	bool lenient;			    /* --lenient */
	const char *kernel;		    /* --kernel: the version minKernel is decided for */
	enum cbpf_arch host;		    /* --host: the machine the container runs on */
	bool strict;			    /* --strict: overlapping OCI rules are an error */
	size_t max_input;		    /* --max-input-size; 0: CBPF_MAX_INPUT_SIZE */
	enum cbpf_policy_lang lang; /* --policy-format; CBPF_POLICY_AUTO decides by content */
	bool has_default_action;    /* --default-action */
	uint32_t default_action;
	bool has_bad_arch; /* --bad-arch */
	uint32_t bad_arch;
	bool log_mode; /* --log-mode */
};

/* The codes of cli_option's long-only options; the short input options are -e -r -y -s -O. */
enum cli_option_code {
	CLI_OPT_VERSION = 0x200,
	CLI_OPT_FROM,
	CLI_OPT_NO_RELAX,
	CLI_OPT_POLICY,
	CLI_OPT_ARCH,
	CLI_OPT_CAPS,
	CLI_OPT_LENIENT,
	CLI_OPT_KERNEL,
	CLI_OPT_MAX_INPUT,
	CLI_OPT_POLICY_FORMAT,
	CLI_OPT_DEFAULT_ACTION,
	CLI_OPT_BAD_ARCH,
	CLI_OPT_LOG_MODE,
	CLI_OPT_HOST,
	CLI_OPT_STRICT,
};

/* getopt_long's entries for the input options (but --no-relax: cbpf-asm's own). */
#define CLI_INPUT_LONG_OPTIONS                                                                     \
	{ "expr", required_argument, NULL, 'e' }, { "read", required_argument, NULL, 'r' },        \
		{ "linktype", required_argument, NULL, 'y' },                                      \
		{ "snaplen", required_argument, NULL, 's' },                                       \
		{ "no-optimize", no_argument, NULL, 'O' },                                         \
		{ "from", required_argument, NULL, CLI_OPT_FROM },                                 \
		{ "policy", required_argument, NULL, CLI_OPT_POLICY },                             \
		{ "arch", required_argument, NULL, CLI_OPT_ARCH },                                 \
		{ "caps", required_argument, NULL, CLI_OPT_CAPS },                                 \
		{ "lenient", no_argument, NULL, CLI_OPT_LENIENT },                                 \
		{ "kernel", required_argument, NULL, CLI_OPT_KERNEL },                             \
		{ "max-input-size", required_argument, NULL, CLI_OPT_MAX_INPUT },                  \
		{ "policy-format", required_argument, NULL, CLI_OPT_POLICY_FORMAT },               \
		{ "default-action", required_argument, NULL, CLI_OPT_DEFAULT_ACTION },             \
		{ "bad-arch", required_argument, NULL, CLI_OPT_BAD_ARCH },                         \
		{ "log-mode", no_argument, NULL, CLI_OPT_LOG_MODE },                               \
		{ "host", required_argument, NULL, CLI_OPT_HOST },                                 \
	{                                                                                          \
		"strict", no_argument, NULL, CLI_OPT_STRICT                                        \
	}

/* The help lines of --arch, --caps, --kernel and --lenient. */
#define CLI_POLICY_HELP                                                                            \
	"      --arch LIST       architectures the filter admits: x86_64 i386 x32 aarch64\n"       \
	"                        arm (default: the profile's, else this machine's)\n"              \
	"      --caps LIST       the container's capabilities for a profile's includes and\n"      \
	"                        excludes: CAP_SYS_ADMIN or SYS_ADMIN, any case (default:\n"       \
	"                        Docker's default set; ALL for all)\n"                             \
	"      --kernel VERSION  the kernel for a profile's minKernel (default: this one's)\n"     \
	"      --lenient         a syscall missing on some of the architectures is a warning\n"    \
	"                        (and no rule there), not an error\n"                              \
	"      --policy-format F json or minijail (default: decided by the content)\n"             \
	"      --default-action ACTION\n"                                                          \
	"                        what a syscall no rule names gets, whatever the policy\n"         \
	"                        says: allow, log, trap, errno(EPERM), kill-thread, ...\n"         \
	"      --bad-arch ACTION the action for other architectures and x32 numbers\n"             \
	"                        (default: kill-thread)\n"                                         \
	"      --log-mode        every action but allow becomes log, for writing a policy\n"       \
	"      --host ARCH       the machine a profile is for: its archMap entry, \"arches\",\n"   \
	"                        and its architecture always in the filter (default: this one)\n"  \
	"      --strict          a profile's rules for one syscall with different actions are\n"   \
	"                        an error, not resolved as runc and libseccomp do (a warning)\n"

/*
 * Takes option c (getopt_long's return) with argument arg if it is an input option; arg may be
 * split in place (--caps). Returns 0, CLI_EXIT_USAGE (the error printed), or -1 when c is not
 * an input option. cli_option calls it.
 */
int cli_input_option(struct cli_input *in, int c, char *arg);
/* Refuses input options that contradict each other. 0 or CLI_EXIT_USAGE (printed). */
int cli_input_check(const struct cli_input *in);

/* ---------------------------------------------------------------- load.c: the program */

/* The program read or compiled from a cli_input, and what was said about it. */
struct cli_prog {
	struct cbpf_prog *prog;
	struct cbpf_diags diags;
	struct cbpf_diag_print_opts popts; /* the caller sets color */
	char *src; /* the input text, for excerpts; NULL for binary input and expressions */
	size_t srclen;
	unsigned seccomp_flags; /* --policy: the profile's flags, CBPF_SECCOMP_FLAG_* */
	bool keep_policy;	/* set by the caller: --policy's parsed rules stay in policy */
	bool seccomp_file; /* set by the caller: FILE may be a policy too (CBPF_SOURCE_SECCOMP) */
	bool has_linktype; /* -e: the link type it was compiled for, in linktype */
	int linktype;
	struct cbpf_policy *policy;
};

/* The policy options the command line gave (--policy-format, --arch, --bad-arch...), for file. */
void cli_policy_opts(const struct cli_input *in, const char *file, struct cbpf_policy_opts *out);
/*
 * Reads FILE or stdin in any form, or compiles -e or --policy, into p->prog; prints the
 * diagnostics. Returns an exit status: 0, CLI_EXIT_INVALID, or CLI_EXIT_USAGE for a bad -s.
 */
int cli_load(struct cli_prog *p, const struct cli_input *in);
/* Prints p's diagnostics on stderr (with excerpts of p->src) and empties the list. */
void cli_print_diags(struct cli_prog *p);
/* Frees the program, the diagnostics and the text; p is zeroed. */
void cli_prog_fini(struct cli_prog *p);

#endif
