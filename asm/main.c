// SPDX-License-Identifier: MIT
/* cbpf-asm: read a classic BPF program in any form (or compile an expression), check, write. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "cli.h"

#define PROG "cbpf-asm"

/* Where the program comes from. */
enum source {
	SRC_FILE,   /* FILE or stdin, in any form */
	SRC_EXPR,   /* -e: a libpcap filter expression */
	SRC_POLICY, /* --policy: a seccomp policy, Docker/OCI JSON or minijail text */
};

#define MAX_LIST 64 /* --arch and --caps entries */

struct options {
	enum source source;
	const char *input;     /* FILE, or NULL/"-" for stdin */
	const char *expr;      /* -e */
	const char *linktype;  /* -y */
	const char *snaplen;   /* -s */
	bool no_optimize;      /* -O */
	enum cbpf_form from;   /* --from; CBPF_FORM_AUTO detects */
	bool no_relax;         /* --no-relax */
	enum cbpf_form to;     /* the output form */
	const char *to_flag;   /* the option that chose it, for conflict messages */
	unsigned dflag;        /* -d counted like tcpdump's */
	bool comments;         /* --comments */
	const char *output;    /* -o */
	enum cbpf_check_mode check;
	bool color;
	const char *policy;    /* --policy */
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t n_arches;       /* --arch */
	char *caps_list;       /* --caps, split in place into caps[] */
	const char *caps[MAX_LIST + 1];
	bool lenient;          /* --lenient */
	bool no_comments;      /* --no-comments */
};

enum long_only {
	OPT_FROM = 0x100,
	OPT_TO,
	OPT_RAW,
	OPT_DOT,
	OPT_SECCOMP,
	OPT_COMMENTS,
	OPT_NO_RELAX,
	OPT_VERSION,
	OPT_POLICY,
	OPT_ARCH,
	OPT_CAPS,
	OPT_LENIENT,
	OPT_NO_COMMENTS,
};

static const struct option long_options[] = {
	{ "expr", required_argument, NULL, 'e' },
	{ "linktype", required_argument, NULL, 'y' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "no-optimize", no_argument, NULL, 'O' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "no-relax", no_argument, NULL, OPT_NO_RELAX },
	{ "asm", no_argument, NULL, 'S' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "dot", no_argument, NULL, OPT_DOT },
	{ "to", required_argument, NULL, OPT_TO },
	{ "comments", no_argument, NULL, OPT_COMMENTS },
	{ "output", required_argument, NULL, 'o' },
	{ "seccomp", no_argument, NULL, OPT_SECCOMP },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "caps", required_argument, NULL, OPT_CAPS },
	{ "lenient", no_argument, NULL, OPT_LENIENT },
	{ "no-comments", no_argument, NULL, OPT_NO_COMMENTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_line[] =
	"usage: " PROG " [-c | -d[d[d]] | -S | --raw | --dot] [-o FILE] [--seccomp] [FILE | -]\n"
	"       " PROG " -e EXPRESSION [-y LINKTYPE] [-s SNAPLEN] [-O] [output options]\n"
	"       " PROG " --policy FILE [--arch ARCH,...] [--caps CAP,...] [output options]\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\nRead a classic BPF program in any form, or compile a libpcap filter expression;\n"
	      "check it as the kernel would, and write it in the form asked for.\n"
	      "\nInput (FILE or standard input; its form is detected):\n"
	      "  -e, --expr EXPR       compile a filter expression exactly as tcpdump does\n"
	      "  -y, --linktype TYPE   link type for -e: tcpdump's name or a number (EN10MB)\n"
	      "  -s, --snaplen N       snapshot length for -e, the accept value (262144)\n"
	      "  -O, --no-optimize     do not run libpcap's optimizer on -e\n"
	      "      --from FORM       read the input as FORM: asm listing comma c dd ddd raw\n"
	      "      --no-relax        refuse conditional jumps farther than 255 (asm input)\n"
	      "      --policy FILE     compile a seccomp policy: a Docker/OCI JSON profile or a\n"
	      "                        minijail policy file (see docs/policy.md)\n"
	      "      --arch LIST       architectures the filter admits: x86_64 i386 x32 aarch64\n"
	      "                        arm (default: the profile's, else this machine's)\n"
	      "      --caps LIST       the container's capabilities for a profile's includes and\n"
	      "                        excludes (default: Docker's default set; ALL for all)\n"
	      "      --lenient         unknown syscall names are warnings, not errors\n"
	      "\nOutput (default: bpf_asm's comma form, as tc and iptables -m bpf take it):\n"
	      "  -c                    bpf_asm -c's C array\n"
	      "  -d, -dd, -ddd         tcpdump -d's listing, -dd's C array, -ddd's decimals\n"
	      "  -S, --asm             bpf_asm source with labels, which reassembles\n"
	      "      --raw             struct sock_filter array, host byte order\n"
	      "      --dot             control-flow graph for Graphviz dot\n"
	      "      --to FORM         by name: comma c listing dd ddd asm raw dot\n"
	      "      --comments        keep per-instruction comments where the form allows\n"
	      "                        (on for seccomp filters: syscall and arch names)\n"
	      "      --no-comments     leave them out\n"
	      "  -o, --output FILE     write FILE, replaced only when everything succeeded\n"
	      "\nChecks:\n"
	      "      --seccomp         validate as a seccomp filter (default: socket filter)\n"
	      "\n  -h, --help            show this help\n"
	      "      --version         show the version\n"
	      "\nExit status: 0 success, 1 invalid input or program, 2 bad usage.\n",
	      stdout);
}

/* --arch x86_64,i386: each once. */
static int parse_arches(struct options *o, const char *list)
{
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return cli_usage_error("--arch list too long");
	strcpy(buf, list);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		enum cbpf_arch arch;

		if (cbpf_arch_parse(name, &arch))
			return cli_usage_error(
				"unknown architecture '%s' for --arch (x86_64 i386 x32 "
				"aarch64 arm)",
				name);
		for (size_t i = 0; i < o->n_arches; i++)
			if (o->arches[i] == arch)
				return cli_usage_error("architecture '%s' given twice", name);
		o->arches[o->n_arches++] = arch;
	}
	if (!o->n_arches)
		return cli_usage_error("--arch needs at least one architecture");
	return 0;
}

/* --caps CAP_NET_ADMIN,CAP_SYS_PTRACE (or ALL); an empty list means no capabilities. */
static int parse_caps(struct options *o, char *list)
{
	size_t n = 0;
	char *save = NULL;

	o->caps_list = list;
	for (char *cap = strtok_r(list, ",", &save); cap; cap = strtok_r(NULL, ",", &save)) {
		if (n == MAX_LIST)
			return cli_usage_error("--caps lists more than %d capabilities", MAX_LIST);
		o->caps[n++] = cap;
	}
	o->caps[n] = NULL;
	if (!n)
		o->caps[0] = ""; /* given, and empty: no capabilities at all */
	return 0;
}

/* Picks the output form; a second, different choice is a usage error. */
static int choose_output(struct options *o, enum cbpf_form form, const char *flag)
{
	if (o->to_flag && o->to != form)
		return cli_usage_error("%s and %s both choose the output form; give one",
				       o->to_flag, flag);
	o->to = form;
	o->to_flag = flag;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const char *const dnames[] = { "-d", "-dd", "-ddd" };
	int c, err;

	memset(o, 0, sizeof(*o));
	o->to = CBPF_FORM_COMMA;
	o->check = CBPF_CHECK_SOCKET;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":cde:hOo:Ss:y:", long_options, NULL)) != -1) {
		err = 0;
		switch (c) {
		case 'c':
			err = choose_output(o, CBPF_FORM_C, "-c");
			break;
		case 'd':
			/* Like tcpdump: -d, -dd, -ddd (and more d's stay -ddd). */
			o->dflag++;
			if (o->dflag > 1 && o->to_flag && o->to_flag[1] == 'd')
				o->to_flag = NULL;
			err = choose_output(o,
					    o->dflag == 1   ? CBPF_FORM_LISTING
					    : o->dflag == 2 ? CBPF_FORM_DD
							    : CBPF_FORM_DDD,
					    dnames[o->dflag < 3 ? o->dflag - 1 : 2]);
			break;
		case 'S':
			err = choose_output(o, CBPF_FORM_ASM, "-S");
			break;
		case OPT_RAW:
			err = choose_output(o, CBPF_FORM_RAW, "--raw");
			break;
		case OPT_DOT:
			err = choose_output(o, CBPF_FORM_DOT, "--dot");
			break;
		case OPT_TO: {
			enum cbpf_form f;

			if (cbpf_form_parse(optarg, &f) || f == CBPF_FORM_AUTO)
				return cli_usage_error(
					"unknown output form '%s' (comma c listing dd ddd "
					"asm raw dot)",
					optarg);
			err = choose_output(o, f, "--to");
			break;
		}
		case OPT_FROM:
			if (cbpf_form_parse(optarg, &o->from) || o->from == CBPF_FORM_DOT)
				return cli_usage_error(
					"unknown input form '%s' (auto asm listing comma c "
					"dd ddd raw)",
					optarg);
			break;
		case 'e':
			if (o->expr)
				return cli_usage_error("-e given twice; give one expression");
			o->expr = optarg;
			o->source = SRC_EXPR;
			break;
		case 'y':
			o->linktype = optarg;
			break;
		case 's':
			o->snaplen = optarg;
			break;
		case 'O':
			o->no_optimize = true;
			break;
		case OPT_NO_RELAX:
			o->no_relax = true;
			break;
		case OPT_COMMENTS:
			o->comments = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_SECCOMP:
			o->check = CBPF_CHECK_SECCOMP;
			break;
		case OPT_POLICY:
			if (o->policy)
				return cli_usage_error("--policy given twice; give one policy");
			o->policy = optarg;
			o->source = SRC_POLICY;
			o->check = CBPF_CHECK_SECCOMP;
			break;
		case OPT_ARCH:
			err = parse_arches(o, optarg);
			break;
		case OPT_CAPS:
			err = parse_caps(o, optarg);
			break;
		case OPT_LENIENT:
			o->lenient = true;
			break;
		case OPT_NO_COMMENTS:
			o->no_comments = true;
			break;
		case 'h':
			help();
			exit(0);
		case OPT_VERSION:
			cli_version();
		default:
			return cli_getopt_error(c, argv);
		}
		if (err)
			return err;
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return cli_usage_error("too many arguments: '%s' (one input file at most)",
				       argv[optind]);
	if (o->expr && o->policy)
		return cli_usage_error("-e and --policy are two inputs; give one");
	if (o->source != SRC_FILE && o->input)
		return cli_usage_error("%s and the input file '%s' are two inputs; give one",
				       o->source == SRC_EXPR ? "-e" : "--policy", o->input);
	if (o->source != SRC_POLICY && (o->n_arches || o->caps[0] || o->lenient))
		return cli_usage_error("%s applies to --policy only", o->n_arches  ? "--arch"
								      : o->caps[0] ? "--caps"
										   : "--lenient");
	if (o->source == SRC_POLICY && o->from)
		return cli_usage_error("--from reads a program; --policy compiles a policy");
	if (o->comments && o->no_comments)
		return cli_usage_error("--comments and --no-comments contradict each other");
	if (o->source == SRC_EXPR && o->from)
		return cli_usage_error("--from reads a file; -e compiles an expression");
	if (o->source != SRC_EXPR && (o->linktype || o->snaplen || o->no_optimize))
		return cli_usage_error("%s applies to -e only", o->linktype  ? "-y"
								: o->snaplen ? "-s"
									     : "-O");
	if (o->to == CBPF_FORM_RAW && !o->output && isatty(STDOUT_FILENO))
		return cli_usage_error(
			"--raw writes binary; use -o FILE or redirect standard output");
	o->color = cli_color(STDERR_FILENO);
	return 0;
}

/* tcpdump -s: 0 to 262144, 0 meaning the maximum. */
static int parse_snaplen(const char *s, int *out)
{
	char *end;
	long v;

	if (!s) {
		*out = CBPF_DEFAULT_SNAPLEN;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 0);
	if (end == s || *end || errno || v < 0 || v > CBPF_DEFAULT_SNAPLEN)
		return cli_usage_error("invalid snapshot length '%s' (0 to %d)", s,
				       CBPF_DEFAULT_SNAPLEN);
	*out = v ? (int)v : CBPF_DEFAULT_SNAPLEN;
	return 0;
}

/*
 * libpcap's protochain loops back to its own start, and a backward jump is what the kernel
 * refuses (net/core/filter.c: bpf_check_classic). Say so plainly when that is the failure.
 */
static bool has_backward_ja(const struct cbpf_prog *prog)
{
	const struct cbpf_insn *in = cbpf_prog_insns(prog);
	size_t n = cbpf_prog_len(prog);

	for (size_t pc = 0; pc < n; pc++)
		if (in[pc].code == (CBPF_JMP | CBPF_JA) && in[pc].k >= n - pc - 1)
			return true;
	return false;
}

struct run {
	struct options o;
	struct cbpf_diags diags;
	struct cbpf_diag_print_opts popts;
	char *src; /* the input text, for excerpts; NULL for binary input and expressions */
	size_t srclen;
	struct cbpf_prog *prog;
};

static void print_diags(struct run *r)
{
	cbpf_diags_print(stderr, &r->diags, r->src, r->srclen, &r->popts);
	cbpf_diags_free(&r->diags);
}

/* Compiles -e. Returns an exit status. */
static int load_expr(struct run *r)
{
	struct cbpf_compile_opts copts = { .linktype = CBPF_DLT_EN10MB };
	int err;

	if (r->o.linktype && cbpf_linktype_parse(r->o.linktype, &copts.linktype)) {
		cbpf_diags_add(&r->diags, CBPF_SEV_ERROR, PROG, 0, 0, 0, -1,
			       "unknown link type '%s' for -y (tcpdump's names, such as EN10MB, "
			       "LINUX_SLL, RAW, or a number)",
			       r->o.linktype);
		print_diags(r);
		return CLI_EXIT_INVALID;
	}
	err = parse_snaplen(r->o.snaplen, &copts.snaplen);
	if (err)
		return err;
	copts.no_optimize = r->o.no_optimize;
	r->popts.fallback = "<expression>";
	err = cbpf_pcap_compile(r->o.expr, &copts, &r->prog, &r->diags);
	print_diags(r);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

/* Compiles --policy. Returns an exit status. */
static int load_policy(struct run *r)
{
	const char *no_caps[] = { NULL };
	const char *path = strcmp(r->o.policy, "-") ? r->o.policy : NULL;
	struct cbpf_policy_opts popts = {
		.file = path ? path : "<stdin>",
		.arches = r->o.arches,
		.n_arches = r->o.n_arches,
		.caps = !r->o.caps[0] ? NULL : r->o.caps[0][0] ? r->o.caps : no_caps,
		.lenient = r->o.lenient,
	};
	int err;

	err = cli_slurp(path, &r->src, &r->srclen);
	if (err)
		return cli_error("%s: %s", popts.file, strerror(-err));
	err = cbpf_policy_compile(r->src, r->srclen, &popts, &r->prog, &r->diags);
	print_diags(r);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

/* Reads FILE or stdin in any form. Returns an exit status. */
static int load_file(struct run *r)
{
	const char *path = r->o.input && strcmp(r->o.input, "-") ? r->o.input : NULL;
	struct cbpf_read_opts ropts = { path, r->o.from, 0, r->o.no_relax };
	enum cbpf_form form;
	int err;

	r->popts.fallback = "<stdin>";
	err = cli_slurp(path, &r->src, &r->srclen);
	if (err)
		return cli_error("%s: %s", path ? path : "<stdin>", strerror(-err));
	form = r->o.from ? r->o.from : cbpf_form_detect(r->src, r->srclen);
	ropts.form = form;
	err = cbpf_prog_read(r->src, r->srclen, &ropts, &r->prog, &r->diags);
	if (form == CBPF_FORM_RAW) {
		/* No lines to show: binary input is located by instruction. */
		free(r->src);
		r->src = NULL;
		r->srclen = 0;
	}
	print_diags(r);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

/* Validates; prints what the validator says. Returns an exit status. */
static int check(struct run *r)
{
	int err = cbpf_check(r->prog, r->o.check, &r->diags);

	if (err && r->o.source == SRC_EXPR && strstr(r->o.expr, "protochain") &&
	    has_backward_ja(r->prog))
		cbpf_diags_add(&r->diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, -1,
			       "libpcap's protochain emits a backward jump, which the kernel "
			       "(and cbpf) refuse");
	print_diags(r);
	return err ? CLI_EXIT_INVALID : 0;
}

static int write_out(struct run *r)
{
	bool seccomp = r->o.check == CBPF_CHECK_SECCOMP;
	struct cbpf_write_opts wopts = { !r->o.no_comments && (r->o.comments || seccomp) };
	const char *why, *name = r->o.output ? r->o.output : "<stdout>";
	struct cli_output out;
	size_t pc;
	int err;

	/* A listing is a view and always written; bpf_asm source must reassemble identically. */
	if (r->o.to == CBPF_FORM_ASM && !cbpf_form_can_write(r->prog, r->o.to, &pc, &why)) {
		cbpf_diags_add(&r->diags, CBPF_SEV_ERROR, cbpf_prog_file(r->prog), 0, 0, 0,
			       (long)pc, "cannot be written as bpf_asm source: %s", why);
		print_diags(r);
		return CLI_EXIT_INVALID;
	}
	err = cli_output_open(&out, r->o.output);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	err = cbpf_prog_write(out.fp, r->prog, r->o.to, &wopts);
	if (err) {
		cli_output_abort(&out);
		return cli_error("%s: %s", name, strerror(-err));
	}
	err = cli_output_commit(&out);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	int rc;

	cli_init(PROG, usage_line);
	rc = parse_args(argc, argv, &r.o);
	if (rc)
		return rc;
	r.popts.color = r.o.color;
	rc = r.o.source == SRC_EXPR     ? load_expr(&r)
	     : r.o.source == SRC_POLICY ? load_policy(&r)
					: load_file(&r);
	if (!rc)
		rc = check(&r);
	/* A seccomp filter read as bytecode is explained the way seccomp-tools explains it. */
	if (!rc && r.o.check == CBPF_CHECK_SECCOMP && r.o.source == SRC_FILE &&
	    cbpf_seccomp_annotate(r.prog, CBPF_ARCH_NONE))
		rc = cli_error("out of memory");
	if (!rc)
		rc = write_out(&r);
	cbpf_prog_free(r.prog);
	cbpf_diags_free(&r.diags);
	free(r.src);
	return rc;
}
