// SPDX-License-Identifier: MIT
/* cbpf-xlate: translate a classic BPF program into eBPF for socket, tc, XDP or seccomp; load it. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cbpf.h"
#include "cli.h"
#include "record.h"

#define PROG "cbpf-xlate"

struct options {
	bool target_set;
	enum cbpf_target target;
	bool form_set, write;
	enum cbpf_ebpf_form form;
	const char *output;
	struct cli_input in; /* FILE, -e or --policy, and their options */
	const char *match, *nomatch;
	bool classid;
	bool probe;	  /* -t func --probe */
	const char *name; /* --name: the function's (-t func) or the loaded program's */
	bool annotate;
	const char *pin, *tc_dev, *xdp_dev;
	bool tc_egress, detach, jited;
	bool force;	  /* --force: attach where a dropping filter cuts the machine off */
	char **exec_argv; /* --exec: the command and its arguments */
	const char *verify;
	bool interpreter, no_jit;
	int verbose;
	bool color;
	struct record_opts rec; /* --record, --report, --learn */
};

enum long_only {
	OPT_MATCH = 0x100,
	OPT_NOMATCH,
	OPT_CLASSID,
	OPT_NO_ANNOTATE,
	OPT_LOAD,
	OPT_ATTACH_TC,
	OPT_ATTACH_XDP,
	OPT_DETACH,
	OPT_JITED,
	OPT_VERIFY,
	OPT_INTERPRETER,
	OPT_NO_JIT,
	OPT_RECORD,
	OPT_ARGS,
	OPT_FROM_STRACE,
	OPT_FROM_AUDIT,
	OPT_REPORT,
	OPT_LEARN,
	OPT_FORCE,
	OPT_PROBE,
	OPT_NAME,
};

static const struct option long_options[] = {
	{ "target", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	CLI_INPUT_LONG_OPTIONS,
	{ "match", required_argument, NULL, OPT_MATCH },
	{ "nomatch", required_argument, NULL, OPT_NOMATCH },
	{ "classid", no_argument, NULL, OPT_CLASSID },
	{ "no-annotate", no_argument, NULL, OPT_NO_ANNOTATE },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "attach-tc", required_argument, NULL, OPT_ATTACH_TC },
	{ "attach-xdp", required_argument, NULL, OPT_ATTACH_XDP },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "jited", no_argument, NULL, OPT_JITED },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "interpreter", no_argument, NULL, OPT_INTERPRETER },
	{ "no-jit", no_argument, NULL, OPT_NO_JIT },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "args", no_argument, NULL, OPT_ARGS },
	{ "from-strace", required_argument, NULL, OPT_FROM_STRACE },
	{ "from-audit", required_argument, NULL, OPT_FROM_AUDIT },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "learn", no_argument, NULL, OPT_LEARN },
	{ "verbose", no_argument, NULL, 'v' },
	CLI_LONG_OPTIONS_END,
};

static const char usage_line[] =
	"usage: " PROG " -t socket|tc|xdp|seccomp|func [-f elf|raw|c|asm] [-o FILE] [options]\n"
	"                  (FILE | - | -e EXPR [-y LINKTYPE | -r CAPTURE] | --policy FILE)\n"
	"       " PROG " -t tc|xdp (--attach-tc DEV[:egress] | --attach-xdp DEV) --detach\n"
	"       " PROG " -t seccomp (FILE | -e ...) --exec [--] COMMAND [ARG...]\n"
	"       " PROG " -t seccomp --record FILE [--format minijail|oci] [--args] [--arch LIST]\n"
	"                  (-- COMMAND [ARG...] | --from-strace LOG | --from-audit LOG)\n"
	"       " PROG " -t seccomp --policy FILE (--report | --learn) --exec [--] COMMAND...\n";

static const char help_text[] =
	"\nTranslate a classic BPF program (any form cbpf-asm reads, or a libpcap filter\n"
	"expression) into eBPF for a target, after checking it as the kernel would; write\n"
	"it, load it, attach it, or prove it against the original on a capture.\n"
	"\nTarget and output:\n"
	"  -t, --target T        socket (SO_ATTACH_BPF), tc (cls_bpf, direct action), xdp,\n"
	"                        seccomp (run by libcbpf's interpreter; installed classic),\n"
	"                        func (a function other eBPF programs link and call)\n"
	"  -f, --format F        elf (default: an object for libbpf, bpftool and tc), raw\n"
	"                        (struct bpf_insn array), c (kernel macros), asm (bpftool's\n"
	"                        syntax, with the classic instructions as '; ' comments)\n"
	"  -o, --output FILE     write FILE, replaced only when everything succeeded\n"
	"      --no-annotate     asm and c without the classic instructions\n"
	"      --match ACTION    tc and xdp: what a match returns (tc ok, xdp pass)\n"
	"      --nomatch ACTION  tc and xdp: what no match returns (tc shot, xdp drop)\n"
	"      --classid         tc: return the classic result as cls_bpf's class id\n"
	"      --name NAME       func: the function's name (cbpf_filter)\n"
	"      --probe           func: read the packet with bpf_probe_read_kernel(), for\n"
	"                        kprobe, fentry and other tracing programs\n"
	"\nInput:\n"
	"  -e, --expr EXPR       compile a filter expression exactly as tcpdump does\n"
	"  -y, --linktype TYPE   link type for -e (EN10MB)\n"
	"  -r, --read CAPTURE    compile -e for a capture, as tcpdump -r CAPTURE does\n"
	"  -s, --snaplen N       snapshot length for -e (262144)\n"
	"  -O, --no-optimize     do not run libpcap's optimizer on -e\n"
	"      --from FORM       read FILE as FORM: asm listing comma c dd ddd raw\n"
	"      --policy FILE     compile a seccomp policy: a Docker/OCI JSON profile or a\n"
	"                        minijail policy file (see docs/policy.md)\n" CLI_POLICY_HELP
		CLI_MAX_INPUT_HELP "\nThe kernel (root):\n"
	"      --load PIN        load, and pin in a bpf filesystem at PIN\n"
	"      --attach-tc DEV[:ingress|:egress]\n"
	"                        load and attach to DEV's tc hook: a tcx link pinned in\n"
	"                        /sys/fs/bpf/cbpf-xlate, else clsact (created if missing)\n"
	"      --attach-xdp DEV  load and attach to DEV's XDP hook (a pinned link, else\n"
	"                        netlink)\n"
	"      --force           attach a filter that drops what it does not match even\n"
	"                        to a device with the default route or an SSH session\n"
	"      --name NAME       the program's name in the kernel, after cbpf_ (default:\n"
	"                        the input file's base name or the expression)\n"
	"      --detach          undo --attach-tc, --attach-xdp or --load PIN\n"
	"      --jited           with --load, --attach-tc or --attach-xdp: print the\n"
	"                        kernel's JIT image of the program loaded, each run of\n"
	"                        x86-64 code under its eBPF and classic instructions\n"
	"      --exec [--] CMD   seccomp: set no_new_privs, install the filter, exec CMD\n"
	"      --verify PCAP     run the original and the translation on every packet and\n"
	"                        report each difference (the kernel's BPF_PROG_TEST_RUN "
	"when\n"
	"                        allowed, else libcbpf's eBPF interpreter)\n"
	"      --interpreter     --verify with libcbpf's eBPF interpreter only\n"
	"      --no-jit          --verify interprets the original instead of running it as\n"
	"                        native code (the same results, slower)\n"
	"\nSeccomp policies from real runs (docs/policy.md, \"Recording\"):\n"
	"      --record FILE     run the command after -- (or read --from-strace and\n"
	"                        --from-audit logs) and write the policy that allows what\n"
	"                        it called and nothing else; an existing FILE is merged\n"
	"  -f, --format F        minijail (default) or oci (the default for *.json)\n"
	"      --args            keep the arguments that usually take one constant\n"
	"                        (socket, ioctl, prctl, clone, personality, PROT_EXEC)\n"
	"      --from-strace LOG an strace -f log      --from-audit LOG  type=1326 records\n"
	"      --report          --exec: name each call the filter does not allow, with its\n"
	"                        action and rule; the filter still acts\n"
	"      --learn           --exec without the filter: name those calls, let them\n"
	"                        through, and print the policy lines missing at the end\n"
	"\n  -v, --verbose         report the eBPF/classic instruction ratio (also printed\n"
	"                        when the output is a terminal)\n"
	"  -h, --help            show this help\n"
	"      --version         show the version\n"
	"\nExit status: 0 success, 1 invalid input, a refusal or a difference, 2 bad "
	"usage.\n";

/* --exec takes the rest of the command line: cut it off before getopt sees it. */
static int split_exec(int *argc, char **argv, struct options *o)
{
	bool record = false;

	for (int i = 1; i < *argc; i++) {
		record |= !strcmp(argv[i], "--record") || !strncmp(argv[i], "--record=", 9);
		if (!strcmp(argv[i], "--") && record) { /* --record FILE -- COMMAND */
			o->exec_argv = argv + i + 1;
			*argc = i;
			argv[i] = NULL;
			return *o->exec_argv ? 0 : cli_usage_error("-- needs a command");
		}
		if (!strcmp(argv[i], "--"))
			return 0; /* an ordinary end of options, before any --exec */
		if (strcmp(argv[i], "--exec"))
			continue;
		o->exec_argv = argv + i + 1;
		if (*o->exec_argv && !strcmp(*o->exec_argv, "--"))
			o->exec_argv++;
		*argc = i;
		argv[i] = NULL;
		if (!*o->exec_argv)
			return cli_usage_error("--exec needs a command");
		return 0;
	}
	return 0;
}

/* The options of --record, --report and --learn, which make a mode of their own. */
static int check_record(struct options *o)
{
	struct record_opts *r = &o->rec;

	if (o->target != CBPF_TARGET_SECCOMP)
		return cli_usage_error("--record, --report and --learn are for -t seccomp");
	if (o->form_set || o->output || o->verify || o->pin || o->tc_dev || o->xdp_dev)
		return cli_usage_error("--record, --report and --learn write no eBPF: drop %s",
				       o->form_set ? "-f"
				       : o->output ? "-o"
						   : "the kernel options");
	r->argv = o->exec_argv;
	r->verbose = o->verbose;
	r->arches = o->in.arches;
	r->n_arches = o->in.n_arches;
	o->color = cli_color(STDERR_FILENO);
	if (r->file) {
		if (r->report || r->learn)
			return cli_usage_error(
				"--record writes a policy; --report and --learn check "
				"one: give --record or --policy FILE --report");
		if (o->in.input || o->in.source != CLI_SRC_FILE)
			return cli_usage_error("--record reads no program: the command follows --");
		if (!r->argv && !r->from_strace && !r->from_audit)
			return cli_usage_error("--record FILE needs a command after -- or a log "
					       "(--from-strace LOG, --from-audit LOG)");
		return 0;
	}
	if (r->from_strace || r->from_audit)
		return cli_usage_error(
			"--from-strace and --from-audit are read into --record FILE");
	if (!r->report && !r->learn)
		return cli_usage_error("--args and --format %s go with --record or --learn",
				       r->format_set ? "minijail|oci" : "");
	if (r->args && !r->learn)
		return cli_usage_error("--args goes with --record or --learn");
	if (!r->argv)
		return cli_usage_error("--report and --learn run a command: --exec [--] COMMAND");
	return cli_input_check(&o->in);
}

/* A C identifier of 1 to 64 characters: what an ELF symbol and a BTF name take. */
static bool is_identifier(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c, err;

	memset(o, 0, sizeof(*o));
	o->annotate = true;
	if ((err = split_exec(&argc, argv, o)))
		return err;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:f:o:e:r:y:s:Ovh", long_options, NULL)) != -1) {
		switch (c) {
		case 't':
			if (cbpf_target_parse(optarg, &o->target))
				return cli_usage_error(
					"unknown target '%s' (socket, tc, xdp, seccomp, func)",
					optarg);
			o->target_set = true;
			break;
		case 'f':
			if (!strcmp(optarg, "minijail") || !strcmp(optarg, "oci")) {
				o->rec.format_set = true;
				o->rec.format =
					optarg[0] == 'o' ? CBPF_RECORD_OCI : CBPF_RECORD_MINIJAIL;
				break;
			}
			if (cbpf_ebpf_form_parse(optarg, &o->form))
				return cli_usage_error("unknown format '%s' (elf, raw, c, asm)",
						       optarg);
			o->form_set = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_MATCH:
			o->match = optarg;
			break;
		case OPT_NOMATCH:
			o->nomatch = optarg;
			break;
		case OPT_CLASSID:
			o->classid = true;
			break;
		case OPT_NO_ANNOTATE:
			o->annotate = false;
			break;
		case OPT_LOAD:
			o->pin = optarg;
			break;
		case OPT_ATTACH_TC: {
			char *colon = strrchr(optarg, ':');

			o->tc_dev = optarg;
			if (colon) {
				if (!strcmp(colon + 1, "egress"))
					o->tc_egress = true;
				else if (strcmp(colon + 1, "ingress"))
					return cli_usage_error(
						"--attach-tc %s: ':%s' is neither ':ingress' "
						"nor ':egress'",
						optarg, colon + 1);
				*colon = '\0';
			}
			break;
		}
		case OPT_ATTACH_XDP:
			o->xdp_dev = optarg;
			break;
		case OPT_DETACH:
			o->detach = true;
			break;
		case OPT_JITED:
			o->jited = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_PROBE:
			o->probe = true;
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_VERIFY:
			o->verify = optarg;
			break;
		case OPT_INTERPRETER:
			o->interpreter = true;
			break;
		case OPT_NO_JIT:
			o->no_jit = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_RECORD:
			o->rec.file = optarg;
			break;
		case OPT_ARGS:
			o->rec.args = true;
			break;
		case OPT_FROM_STRACE:
			o->rec.from_strace = optarg;
			break;
		case OPT_FROM_AUDIT:
			o->rec.from_audit = optarg;
			break;
		case OPT_REPORT:
			o->rec.report = true;
			break;
		case OPT_LEARN:
			o->rec.learn = true;
			break;
		default:
			err = cli_option(&o->in, c, optarg, argv);
			if (err)
				return err;
		}
	}
	if (optind < argc)
		o->in.input = argv[optind++];
	if (optind < argc)
		return cli_usage_error("too many arguments: '%s' (one input file at most)",
				       argv[optind]);
	if (!o->target_set)
		return cli_usage_error("choose a target with -t (socket, tc, xdp, seccomp, func)");
	if (o->rec.file || o->rec.report || o->rec.learn || o->rec.args || o->rec.format_set ||
	    o->rec.from_strace || o->rec.from_audit)
		return check_record(o);
	err = cli_input_check(&o->in);
	if (err)
		return err;
	if (o->in.linktype && (o->target == CBPF_TARGET_TC || o->target == CBPF_TARGET_XDP)) {
		int dlt;

		/* An unknown name is cli_load's error. */
		if (!cbpf_linktype_parse(o->in.linktype, &dlt) && dlt != CBPF_DLT_EN10MB)
			cli_warning("-y %s: the filter reads frames as %s, but %s programs get "
				    "Ethernet frames (EN10MB)",
				    o->in.linktype, cbpf_linktype_name(dlt),
				    cbpf_target_name(o->target));
	}
	if (o->in.source == CLI_SRC_POLICY && o->target != CBPF_TARGET_SECCOMP)
		return cli_usage_error(
			"--policy compiles seccomp filters: use -t seccomp, not -t %s",
			cbpf_target_name(o->target));
	if ((o->match || o->nomatch) &&
	    (o->target == CBPF_TARGET_SOCKET || o->target == CBPF_TARGET_SECCOMP ||
	     o->target == CBPF_TARGET_FUNC))
		return cli_usage_error("--match and --nomatch are for tc and xdp");
	if (o->classid && o->target != CBPF_TARGET_TC)
		return cli_usage_error("--classid is for tc");
	if (o->probe && o->target != CBPF_TARGET_FUNC)
		return cli_usage_error("--probe is for -t func");
	if (o->name && o->target == CBPF_TARGET_FUNC && !is_identifier(o->name))
		return cli_usage_error("--name '%s': use a C identifier of at most 64 characters",
				       o->name);
	if (o->target == CBPF_TARGET_FUNC && (o->pin || o->tc_dev || o->xdp_dev || o->verify))
		return cli_usage_error("-t func writes a function for other programs to call, "
				       "not a program to load, attach or verify: link the object "
				       "with bpftool gen object");
	if (o->classid && (o->match || o->nomatch))
		return cli_usage_error("--classid returns class ids, not actions: drop --%s",
				       o->match ? "match" : "nomatch");
	if (o->tc_dev && o->target != CBPF_TARGET_TC)
		return cli_usage_error("--attach-tc attaches tc programs: use -t tc");
	if (o->xdp_dev && o->target != CBPF_TARGET_XDP)
		return cli_usage_error("--attach-xdp attaches xdp programs: use -t xdp");
	if (o->tc_dev && o->classid)
		return cli_usage_error(
			"--attach-tc attaches in direct-action mode; attach a --classid "
			"object with tc(8): tc filter add dev DEV ingress bpf obj FILE sec "
			"tc");
	if (o->pin && o->target == CBPF_TARGET_SECCOMP)
		return cli_usage_error(
			"the kernel loads seccomp filters only as classic programs: use "
			"--exec");
	if (o->name && o->target != CBPF_TARGET_FUNC &&
	    (!(o->pin || o->tc_dev || o->xdp_dev) || o->detach))
		return cli_usage_error("--name names the program --load, --attach-tc or "
				       "--attach-xdp loads");
	if (o->name && !strpbrk(o->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789_."))
		return cli_usage_error("--name '%s': no letter, digit, '_' or '.' in it", o->name);
	if (o->force && ((!o->tc_dev && !o->xdp_dev) || o->detach))
		return cli_usage_error("--force applies to --attach-tc and --attach-xdp");
	if (o->exec_argv && o->target != CBPF_TARGET_SECCOMP)
		return cli_usage_error("--exec installs seccomp filters: use -t seccomp");
	if (o->verify && o->target == CBPF_TARGET_SECCOMP)
		return cli_usage_error("--verify runs packets: seccomp filters see system calls");
	if (o->interpreter && !o->verify)
		return cli_usage_error("--interpreter applies to --verify");
	if (o->no_jit && !o->verify)
		return cli_usage_error("--no-jit applies to --verify");
	if (o->jited && (o->detach || !(o->pin || o->tc_dev || o->xdp_dev)))
		return cli_usage_error(
			"--jited shows the kernel's JIT image of what --load, --attach-tc or "
			"--attach-xdp loads");
	if (o->detach) {
		if (!o->tc_dev && !o->xdp_dev && !o->pin)
			return cli_usage_error(
				"--detach undoes --attach-tc, --attach-xdp or --load: give "
				"one");
		if (o->in.input || o->in.source != CLI_SRC_FILE || o->verify || o->exec_argv ||
		    o->form_set || o->output)
			return cli_usage_error("--detach takes no program and writes nothing");
	}
	/* Output unless only the kernel was asked for; an ELF object by default. */
	o->write = o->form_set || o->output ||
		   !(o->pin || o->tc_dev || o->xdp_dev || o->exec_argv || o->verify || o->detach);
	if (!o->form_set)
		o->form = CBPF_EBPF_FORM_ELF;
	if (o->write && !o->output && isatty(STDOUT_FILENO) &&
	    (o->form == CBPF_EBPF_FORM_ELF || o->form == CBPF_EBPF_FORM_RAW))
		return cli_usage_error(
			"-f %s writes binary; use -o FILE, redirect standard output, or "
			"-f asm",
			cbpf_ebpf_form_name(o->form));
	o->color = cli_color(STDERR_FILENO);
	return 0;
}

struct run {
	struct options o;
	struct cli_prog p;
	struct cbpf_ebpf_prog *ebpf;
	char name[CBPF_PROG_NAME_SIZE]; /* what it is loaded as */
	struct cbpf_attached how;	/* how it was attached */
	char log[1 << 20];		/* the verifier's */
};

/* Loops need no warning where they translate; -v says once what became of them. */
static void report_loops(const struct run *r)
{
	uint32_t budget;
	unsigned n = cbpf_ebpf_prog_loops(r->ebpf, &budget);

	if (!r->o.verbose || !n)
		return;
	fprintf(stderr,
		PROG ": %s: %u loop%s translated as bounded, within a budget of %u jumps back "
		     "(Linux 5.3 or later)\n",
		cbpf_target_name(r->o.target), n, n == 1 ? "" : "s", budget);
}

static int translate(struct run *r)
{
	struct cbpf_xlate_opts xo = {
		.target = r->o.target,
		.classid = r->o.classid,
		.probe = r->o.probe,
		/* the function's name; a loaded program's is the kernel's (--load's name below) */
		.name = r->o.target == CBPF_TARGET_FUNC ? r->o.name : NULL
	};
	/* Loops are translated as bounded loops, except for seccomp's classic loader. */
	enum cbpf_check_mode mode =
		r->o.target == CBPF_TARGET_SECCOMP ? CBPF_CHECK_SECCOMP : CBPF_CHECK_EBPF;
	int err;

	if (r->o.match && cbpf_xlate_action_parse(r->o.target, r->o.match, &xo.match))
		return cli_usage_error("unknown %s action '%s'", cbpf_target_name(r->o.target),
				       r->o.match);
	if (r->o.nomatch && cbpf_xlate_action_parse(r->o.target, r->o.nomatch, &xo.nomatch))
		return cli_usage_error("unknown %s action '%s'", cbpf_target_name(r->o.target),
				       r->o.nomatch);
	xo.set_match = r->o.match;
	xo.set_nomatch = r->o.nomatch;
	err = cbpf_check(r->p.prog, mode, &r->p.diags);
	cli_print_diags(&r->p);
	if (err)
		return CLI_EXIT_INVALID;
	err = cbpf_xlate(r->p.prog, &xo, &r->ebpf, &r->p.diags);
	cli_print_diags(&r->p);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	if (!err)
		report_loops(r);
	return err ? CLI_EXIT_INVALID : 0;
}

static void report_ratio(struct run *r, bool to_terminal)
{
	size_t n = cbpf_prog_len(r->p.prog), e = cbpf_ebpf_prog_len(r->ebpf);

	if (!r->o.verbose && !to_terminal)
		return;
	fprintf(stderr, PROG ": %s: %zu eBPF instructions from %zu classic (%.2f per classic)\n",
		cbpf_target_name(r->o.target), e, n, n ? (double)e / (double)n : 0.0);
}

static int write_output(struct run *r)
{
	struct cbpf_ebpf_write_opts wo = { .annotate = r->o.annotate };
	struct cli_output out;
	int err = cli_output_open(&out, r->o.output);

	if (err)
		return cli_error("%s: %s", r->o.output, strerror(-err));
	report_ratio(r, !r->o.output && isatty(STDOUT_FILENO));
	err = cbpf_ebpf_write(out.fp, r->ebpf, r->o.form, &wo);
	if (err) {
		err = cli_output_error(&out, err);
		cli_output_abort(&out);
		return cli_error("%s: %s", r->o.output ? r->o.output : "<stdout>", strerror(-err));
	}
	if ((err = cli_output_commit(&out)))
		return cli_error("%s: %s", r->o.output ? r->o.output : "<stdout>", strerror(-err));
	return 0;
}

/* A result as the target names it: "2 (shot)". */
static const char *result_name(const struct run *r, uint32_t v, char *buf, size_t size)
{
	const char *name = NULL;

	if (r->o.target != CBPF_TARGET_SOCKET && !r->o.classid)
		name = cbpf_xlate_action_name(r->o.target, (int32_t)v);
	if (name)
		snprintf(buf, size, "%u (%s)", v, name);
	else
		snprintf(buf, size, "%u", v);
	return buf;
}

static int verify(struct run *r)
{
	struct cbpf_proof_opts po = { r->o.interpreter, r->log, sizeof(r->log), r->o.no_jit };
	unsigned long n = 0, agree = 0, differ = 0, skipped = 0, interpreted = 0;
	struct cbpf_proof *proof;
	struct cbpf_capture *cap;
	struct cbpf_frame frame;
	const char *why;
	char a[64], b[64];
	int rc, err;

	if (cbpf_capture_open(r->o.verify, &cap, &r->p.diags)) {
		cli_print_diags(&r->p);
		return CLI_EXIT_INVALID;
	}
	if (r->p.has_linktype && cbpf_capture_linktype(cap) != r->p.linktype) {
		const char *got = cbpf_linktype_name(cbpf_capture_linktype(cap));
		const char *want = cbpf_linktype_name(r->p.linktype);

		cli_warning("%s: the capture's link type is %s, the expression was compiled for %s "
			    "(%s): its loads read other offsets of these frames (-r %s compiles "
			    "it for the capture)",
			    r->o.verify, got ? got : "unknown", want ? want : "another",
			    r->o.in.capture    ? "-r"
			    : r->o.in.linktype ? "-y"
					       : "-y's default",
			    r->o.verify);
	}
	err = cbpf_proof_new(r->ebpf, &po, &proof, &why, &r->p.diags);
	cli_print_diags(&r->p);
	if (err) {
		cbpf_capture_close(cap);
		if (err == -EINVAL && r->log[0])
			fprintf(stderr, "%s", r->log);
		return CLI_EXIT_INVALID;
	}
	while ((rc = cbpf_capture_next(cap, &frame, &r->p.diags)) == 1) {
		struct cbpf_proof_result res;

		n++;
		err = cbpf_proof_frame(proof, frame.data, frame.caplen, &res, &r->p.diags);
		cli_print_diags(&r->p);
		if (err) {
			cli_error("%s: packet %llu could not be run", r->o.verify,
				  (unsigned long long)frame.number);
			differ++;
		} else if (res.skipped) {
			skipped++;
		} else if (res.agree) {
			interpreted += res.interpreted;
			agree++;
		} else {
			interpreted += res.interpreted;
			differ++;
			printf("%s: packet %llu: classic %u, so %s; translation %s\n", r->o.verify,
			       (unsigned long long)frame.number, res.classic,
			       result_name(r, res.expected, a, sizeof(a)),
			       result_name(r, res.got, b, sizeof(b)));
		}
	}
	cli_print_diags(&r->p);
	printf("%s: %lu packets: %lu agree, %lu differ, %lu not run; the translation ran in "
	       "%s%s%s",
	       r->o.verify, n, agree, differ, skipped,
	       cbpf_proof_engine(proof) == CBPF_PROOF_KERNEL
		       ? (r->o.target == CBPF_TARGET_SOCKET ? "the kernel (BPF_PROG_TEST_RUN, as "
							      "SCHED_CLS to see whole frames)"
							    : "the kernel (BPF_PROG_TEST_RUN)")
		       : "libcbpf's eBPF interpreter",
	       why ? ": " : "", why ? why : "");
	if (interpreted)
		printf(", and for %lu packet%s longer than its test runs take whole in libcbpf's "
		       "eBPF interpreter",
		       interpreted, interpreted == 1 ? "" : "s");
	printf("\n");
	cbpf_proof_free(proof);
	cbpf_capture_close(cap);
	if (differ || rc < 0)
		return CLI_EXIT_INVALID;
	/* A check that ran nothing proved nothing: it is no success. */
	if (!agree) {
		if (!n)
			return cli_error("%s: nothing was checked: the capture holds no packets",
					 r->o.verify);
		return cli_error("%s: nothing was checked: %s shorter than an Ethernet header "
				 "(14 bytes), which the translation is not run on",
				 r->o.verify, n == 1 ? "its one packet is" : "all its packets are");
	}
	if (skipped)
		cli_warning("%s: %lu of %lu packets were not checked: shorter than an Ethernet "
			    "header (14 bytes), which the translation is not run on",
			    r->o.verify, skipped, n);
	return 0;
}

/* Whether what the filter gives the packets it does not match keeps them from the host. */
static bool drops_nonmatching(const struct run *r)
{
	int32_t nomatch = (int32_t)cbpf_xlate_result(r->ebpf, 0);

	if (r->o.target == CBPF_TARGET_XDP)
		return nomatch != 2; /* XDP_PASS */
	/* TC_ACT_UNSPEC, TC_ACT_OK, TC_ACT_RECLASSIFY, TC_ACT_PIPE go on to the stack */
	return nomatch != -1 && nomatch != 0 && nomatch != 1 && nomatch != 3;
}

/*
 * A filter that drops what it does not match, on the device of the default route or of an SSH
 * session, cuts this machine off, perhaps the very session the command came from: refused
 * unless --force. Returns 0 or an exit status (the refusal printed).
 */
static int refuse_lifeline(const struct run *r)
{
	const char *dev = r->o.tc_dev ? r->o.tc_dev : r->o.xdp_dev;
	char why[256], action[64];

	if (r->o.force || !drops_nonmatching(r) || cbpf_netdev_lifeline(dev, why, sizeof(why)) != 1)
		return 0;
	return cli_error("not attaching to %s: %s, and the filter gives every packet it does not "
			 "match %s; --force attaches it all the same (--nomatch %s lets them "
			 "through)",
			 dev, why,
			 result_name(r, cbpf_xlate_result(r->ebpf, 0), action, sizeof(action)),
			 r->o.target == CBPF_TARGET_XDP ? "pass" : "ok");
}

/*
 * Whether tcx runs the filter as cls_bpf in direct-action mode does: tcx takes 0 (ok) and 2
 * (shot) alike and -1 (unspec) as its "next", but 1, 3, 4, 5, 6 and 8 (stolen, trap...) too.
 */
static bool tcx_alike(const struct run *r)
{
	for (int i = 0; i < 2; i++) {
		int32_t v = (int32_t)cbpf_xlate_result(r->ebpf, i);

		if (v != -1 && v != 0 && v != 2)
			return false;
	}
	return true;
}

/* What was attached where, and what it does to packets: the output of an attach. */
static void report_attach(const struct run *r, int fd)
{
	FILE *out = r->o.write && !r->o.output ? stderr : stdout; /* not into the eBPF */
	char match[64], nomatch[64], id[32] = "";
	uint32_t prog_id;

	if (!cbpf_ebpf_prog_id(fd, &prog_id))
		snprintf(id, sizeof(id), " %u", prog_id);
	result_name(r, cbpf_xlate_result(r->ebpf, 1), match, sizeof(match));
	result_name(r, cbpf_xlate_result(r->ebpf, 0), nomatch, sizeof(nomatch));
	if (r->o.tc_dev && r->how.link) {
		fprintf(out, "attached program%s (%s) to %s tc %s (tcx link pinned at %s)", id,
			r->name, r->o.tc_dev, r->o.tc_egress ? "egress" : "ingress", r->how.pin);
	} else if (r->o.tc_dev) {
		fprintf(out,
			"attached program%s (%s) to %s tc %s (clsact, handle 0x%x, priority %d, "
			"direct action)",
			id, r->name, r->o.tc_dev, r->o.tc_egress ? "egress" : "ingress",
			CBPF_TC_HANDLE, CBPF_TC_PRIORITY);
	} else {
		const char *mode = cbpf_xdp_mode(r->o.xdp_dev);

		fprintf(out, "attached program%s (%s) to %s XDP (%s mode, %s%s)", id, r->name,
			r->o.xdp_dev, mode ? mode : "unknown",
			r->how.link ? "link pinned at " : "netlink", r->how.link ? r->how.pin : "");
	}
	if (r->o.pin)
		fprintf(out, ", pinned at %s", r->o.pin);
	fprintf(out, ": packets it matches get %s, the others %s; --detach removes it\n", match,
		nomatch);
}

/*
 * The name to load under: --name, else the input file's base name without its extension, else
 * the expression; cbpf_TARGET for standard input.
 */
static void prog_name(struct run *r)
{
	const char *in = r->o.in.input, *hint = r->o.name;
	char base[CBPF_PROG_NAME_SIZE] = "";

	if (!hint && r->o.in.source == CLI_SRC_EXPR)
		hint = r->o.in.expr;
	if (!hint && r->o.in.source == CLI_SRC_FILE && in && strcmp(in, "-")) {
		const char *slash = strrchr(in, '/'), *dot;

		snprintf(base, sizeof(base), "%s", slash ? slash + 1 : in);
		dot = strchr(base + 1, '.');
		if (dot)
			base[dot - base] = '\0';
		hint = base;
	}
	cbpf_kernel_prog_name(hint, r->o.target, r->name, sizeof(r->name));
}

/* Load, attach, pin; on failure undo what was done. Returns an exit status. */
static int to_kernel(struct run *r)
{
	/* Line info always: bpftool prog dump and the verifier's log show the classic lines. */
	struct cbpf_load_opts lo = {
		.log_buf = r->log, .log_size = sizeof(r->log), .line_info = true, .name = r->name
	};
	char *jited = NULL;
	size_t jited_len = 0;
	FILE *mem = NULL;
	int fd, err;

	if ((r->o.tc_dev || r->o.xdp_dev) && (err = refuse_lifeline(r)))
		return err;
	prog_name(r);
	r->log[0] = '\0';
	/* Nothing is loaded for an image the kernel will not make. */
	if (r->o.jited && cbpf_kernel_jit_check(&r->p.diags)) {
		cli_print_diags(&r->p);
		return CLI_EXIT_INVALID;
	}
	err = cbpf_ebpf_load(r->ebpf, &lo, &fd, &r->p.diags);
	cli_print_diags(&r->p);
	if (err) {
		if (r->log[0])
			fprintf(stderr, "%s", r->log);
		return CLI_EXIT_INVALID;
	}
	/* Pin first: a failed attach is then undone by unpinning, and attach undoes itself. */
	if (r->o.pin)
		err = cbpf_ebpf_pin(fd, r->o.pin, &r->p.diags);
	if (!err && r->o.tc_dev)
		err = cbpf_tc_attach(fd, r->o.tc_dev, r->o.tc_egress, tcx_alike(r), &r->how,
				     &r->p.diags);
	else if (!err && r->o.xdp_dev)
		err = cbpf_xdp_attach(fd, r->o.xdp_dev, true, &r->how, &r->p.diags);
	/* The image whole before it is printed: none at all when it cannot be read. */
	if (!err && r->o.jited) {
		mem = open_memstream(&jited, &jited_len);
		err = mem ? cbpf_ebpf_jited_write(mem, fd, r->ebpf, &r->p.diags) : -ENOMEM;
		if (mem && fclose(mem) && !err)
			err = -EIO;
		if (err) {
			/* What was loaded for the image goes with it. */
			if (r->o.tc_dev)
				cbpf_tc_detach(r->o.tc_dev, r->o.tc_egress, NULL);
			else if (r->o.xdp_dev)
				cbpf_xdp_detach(r->o.xdp_dev, NULL);
		}
	}
	if (err && r->o.pin && (r->o.tc_dev || r->o.xdp_dev || r->o.jited))
		cbpf_ebpf_unpin(r->o.pin, r->o.target, NULL);
	cli_print_diags(&r->p);
	if (!err && (r->o.tc_dev || r->o.xdp_dev))
		report_attach(r, fd);
	close(fd);
	if (!err && jited) {
		fwrite(jited, 1, jited_len, stdout);
		if (fflush(stdout)) {
			cli_error("writing the JIT image: %s", strerror(errno));
			err = -EIO;
		}
	}
	free(jited);
	if (!err && r->o.verbose && !r->o.tc_dev && !r->o.xdp_dev)
		fprintf(stderr, PROG ": loaded%s%s%s%s%s\n", r->o.tc_dev ? ", attached to tc " : "",
			r->o.tc_dev ? r->o.tc_dev : "", r->o.xdp_dev ? ", attached to xdp " : "",
			r->o.xdp_dev ? r->o.xdp_dev : "", r->o.pin ? ", pinned" : "");
	return err ? CLI_EXIT_INVALID : 0;
}

static int detach(struct run *r)
{
	int err = 0;

	if (r->o.tc_dev)
		err = cbpf_tc_detach(r->o.tc_dev, r->o.tc_egress, &r->p.diags);
	else if (r->o.xdp_dev)
		err = cbpf_xdp_detach(r->o.xdp_dev, &r->p.diags);
	if (!err && r->o.pin)
		err = cbpf_ebpf_unpin(r->o.pin, r->o.target, &r->p.diags);
	cli_print_diags(&r->p);
	return err ? CLI_EXIT_INVALID : 0;
}

/*
 * The filter's answer to the command's own execve, as libcbpf's interpreter gives it for this
 * machine's execve (the arguments zero). Anything but allow or log leaves the command unstarted:
 * say so, and go on, as that may be what the user wants to see.
 */
static void warn_execve(struct run *r)
{
	enum cbpf_arch arch = cbpf_arch_native();
	struct cbpf_seccomp_data sd = { 0 };
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	struct cbpf_vm *vm;
	uint32_t nr, ret;
	char action[32];

	if (!arch || cbpf_syscall_nr(arch, "execve", &nr) ||
	    cbpf_vm_new(r->p.prog, CBPF_VM_SECCOMP, &vm, NULL))
		return;
	sd.nr = (int32_t)nr;
	sd.arch = cbpf_arch_audit(arch);
	ret = cbpf_vm_run(vm, &in);
	cbpf_vm_free(vm);
	if ((ret & CBPF_SECCOMP_RET_ACTION_FULL) == CBPF_SECCOMP_RET_ALLOW ||
	    (ret & CBPF_SECCOMP_RET_ACTION_FULL) == CBPF_SECCOMP_RET_LOG)
		return;
	cbpf_seccomp_action_format(ret, action, sizeof(action));
	cli_warning("the filter gives execve %s: %s will not start", action, r->o.exec_argv[0]);
}

/* A user_notif return waits for a supervisor's answer: here there is none (no listener). */
static void warn_notify(struct run *r)
{
	for (size_t i = 0; i < cbpf_prog_len(r->p.prog); i++) {
		const struct cbpf_insn *in = &cbpf_prog_insns(r->p.prog)[i];

		if (in->code == (CBPF_RET | CBPF_K) &&
		    (in->k & CBPF_SECCOMP_RET_ACTION_FULL) == CBPF_SECCOMP_RET_USER_NOTIF) {
			cli_warning(
				"the filter has user_notif actions, and --exec has no listener: "
				"those syscalls fail with ENOSYS");
			return;
		}
	}
}

static int exec_filtered(struct run *r)
{
	int e;

	warn_execve(r);
	warn_notify(r);
	/* the profile's flags (TSYNC, LOG, SPEC_ALLOW): runc passes them to seccomp(2) */
	if (cbpf_seccomp_install(r->p.prog, r->p.seccomp_flags, NULL, &r->p.diags)) {
		cli_print_diags(&r->p);
		return CLI_EXIT_INVALID;
	}
	execvp(r->o.exec_argv[0], r->o.exec_argv);
	e = errno;
	/* The filter is in place: this message may itself be filtered out. */
	cli_error("%s: %s", r->o.exec_argv[0], strerror(e));
	return e == ENOENT ? 127 : 126;
}

/* Whether --policy read a JSON profile: --learn writes the missing lines in its dialect. */
static bool policy_json(const struct run *r)
{
	return r->o.in.source == CLI_SRC_POLICY && r->o.in.policy && strlen(r->o.in.policy) > 5 &&
	       !strcmp(r->o.in.policy + strlen(r->o.in.policy) - 5, ".json");
}

int main(int argc, char **argv)
{
	static struct run r;
	int rc;

	cli_init(PROG, usage_line, help_text);
	cli_signals_init();
	rc = parse_args(argc, argv, &r.o);
	if (rc)
		return rc;
	if (r.o.rec.file)
		return record_run(&r.o.rec);
	r.p.keep_policy = r.o.rec.report || r.o.rec.learn;
	r.p.popts.color = r.o.color;
	r.p.popts.fallback = PROG; /* what has no file is about the kernel or the command line */
	if (r.o.detach)
		return detach(&r);
	rc = cli_load(&r.p, &r.o.in);
	if (!rc)
		rc = translate(&r);
	if (!rc && r.o.write)
		rc = write_output(&r);
	else if (!rc)
		report_ratio(&r, false);
	/* From here on, messages are about the kernel and files, not about the program's text. */
	r.p.popts.fallback = PROG;
	free(r.p.src);
	r.p.src = NULL;
	r.p.srclen = 0;
	if (!rc && r.o.verify)
		rc = verify(&r);
	if (!rc && (r.o.pin || r.o.tc_dev || r.o.xdp_dev))
		rc = to_kernel(&r);
	if (!rc && (r.o.rec.report || r.o.rec.learn))
		rc = report_run(&r.o.rec, r.p.prog, r.p.seccomp_flags, r.p.policy, policy_json(&r));
	else if (!rc && r.o.exec_argv)
		rc = exec_filtered(&r);
	cbpf_ebpf_prog_free(r.ebpf);
	cli_prog_fini(&r.p);
	return rc;
}
