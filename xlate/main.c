// SPDX-License-Identifier: MIT
/* cbpf-xlate: translate a classic BPF program into eBPF for socket, tc, XDP or seccomp; load it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cbpf.h"
#include "cli.h"

#define PROG "cbpf-xlate"

/* Where the program comes from. */
enum source {
	SRC_FILE,   /* FILE or stdin, in any form cbpf-asm reads */
	SRC_EXPR,   /* -e: a libpcap filter expression */
	SRC_POLICY, /* --policy: a seccomp policy, Docker/OCI JSON or minijail text */
};

struct options {
	bool target_set;
	enum cbpf_target target;
	bool form_set, write;
	enum cbpf_ebpf_form form;
	const char *output;
	enum source source;
	const char *input, *expr, *linktype, *snaplen, *policy;
	bool no_optimize;
	enum cbpf_form from;
	const char *match, *nomatch;
	bool classid;
	bool annotate;
	const char *pin, *tc_dev, *xdp_dev;
	bool tc_egress, detach;
	char **exec_argv; /* --exec: the command and its arguments */
	const char *verify;
	bool interpreter;
	int verbose;
	bool color;
};

enum long_only {
	OPT_FROM = 0x100,
	OPT_POLICY,
	OPT_MATCH,
	OPT_NOMATCH,
	OPT_CLASSID,
	OPT_NO_ANNOTATE,
	OPT_LOAD,
	OPT_ATTACH_TC,
	OPT_ATTACH_XDP,
	OPT_DETACH,
	OPT_VERIFY,
	OPT_INTERPRETER,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{"target", required_argument, NULL, 't'},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{"expr", required_argument, NULL, 'e'},
	{"linktype", required_argument, NULL, 'y'},
	{"snaplen", required_argument, NULL, 's'},
	{"no-optimize", no_argument, NULL, 'O'},
	{"from", required_argument, NULL, OPT_FROM},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"match", required_argument, NULL, OPT_MATCH},
	{"nomatch", required_argument, NULL, OPT_NOMATCH},
	{"classid", no_argument, NULL, OPT_CLASSID},
	{"no-annotate", no_argument, NULL, OPT_NO_ANNOTATE},
	{"load", required_argument, NULL, OPT_LOAD},
	{"attach-tc", required_argument, NULL, OPT_ATTACH_TC},
	{"attach-xdp", required_argument, NULL, OPT_ATTACH_XDP},
	{"detach", no_argument, NULL, OPT_DETACH},
	{"verify", required_argument, NULL, OPT_VERIFY},
	{"interpreter", no_argument, NULL, OPT_INTERPRETER},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

static const char usage_line[] =
	"usage: " PROG " -t socket|tc|xdp|seccomp [-f elf|raw|c|asm] [-o FILE] [options]\n"
	"                  (FILE | - | -e EXPR [-y LINKTYPE] | --policy FILE)\n"
	"       " PROG " -t tc|xdp (--attach-tc DEV[:egress] | --attach-xdp DEV) --detach\n"
	"       " PROG " -t seccomp (FILE | -e ...) --exec [--] COMMAND [ARG...]\n";

static void help(void)
{
	fputs(usage_line, stdout);
	fputs("\nTranslate a classic BPF program (any form cbpf-asm reads, or a libpcap filter\n"
	      "expression) into eBPF for a target, after checking it as the kernel would; write\n"
	      "it, load it, attach it, or prove it against the original on a capture.\n"
	      "\nTarget and output:\n"
	      "  -t, --target T        socket (SO_ATTACH_BPF), tc (cls_bpf, direct action), xdp,\n"
	      "                        seccomp (run by libcbpf's interpreter; installed classic)\n"
	      "  -f, --format F        elf (default: an object for libbpf, bpftool and tc), raw\n"
	      "                        (struct bpf_insn array), c (kernel macros), asm (bpftool's\n"
	      "                        syntax, with the classic instructions as '; ' comments)\n"
	      "  -o, --output FILE     write FILE, replaced only when everything succeeded\n"
	      "      --no-annotate     asm and c without the classic instructions\n"
	      "      --match ACTION    tc and xdp: what a match returns (tc ok, xdp pass)\n"
	      "      --nomatch ACTION  tc and xdp: what no match returns (tc shot, xdp drop)\n"
	      "      --classid         tc: return the classic result as cls_bpf's class id\n"
	      "\nInput:\n"
	      "  -e, --expr EXPR       compile a filter expression exactly as tcpdump does\n"
	      "  -y, --linktype TYPE   link type for -e (EN10MB)\n"
	      "  -s, --snaplen N       snapshot length for -e (262144)\n"
	      "  -O, --no-optimize     do not run libpcap's optimizer on -e\n"
	      "      --from FORM       read FILE as FORM: asm listing comma c dd ddd raw\n"
	      "      --policy FILE     compile a seccomp policy: a Docker/OCI JSON profile or a\n"
	      "                        minijail policy file, for the host's architecture (see\n"
	      "                        cbpf-asm --policy for more choices)\n"
	      "\nThe kernel (root):\n"
	      "      --load PIN        load, and pin in a bpf filesystem at PIN\n"
	      "      --attach-tc DEV[:ingress|:egress]\n"
	      "                        load and attach to DEV's clsact (created if missing)\n"
	      "      --attach-xdp DEV  load and attach to DEV's XDP hook\n"
	      "      --detach          undo --attach-tc, --attach-xdp or --load PIN\n"
	      "      --exec [--] CMD   seccomp: set no_new_privs, install the filter, exec CMD\n"
	      "      --verify PCAP     run the original and the translation on every packet and\n"
	      "                        report each difference (the kernel's BPF_PROG_TEST_RUN "
	      "when\n"
	      "                        allowed, else libcbpf's eBPF interpreter)\n"
	      "      --interpreter     --verify with libcbpf's eBPF interpreter only\n"
	      "\n  -v, --verbose         report the eBPF/classic instruction ratio (also printed\n"
	      "                        when the output is a terminal)\n"
	      "  -h, --help            show this help\n"
	      "      --version         show the version\n"
	      "\nExit status: 0 success, 1 invalid input, a refusal or a difference, 2 bad "
	      "usage.\n",
	      stdout);
}

/* --exec takes the rest of the command line: cut it off before getopt sees it. */
static int split_exec(int *argc, char **argv, struct options *o)
{
	for (int i = 1; i < *argc; i++) {
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

static int parse_args(int argc, char **argv, struct options *o)
{
	int c, err;

	memset(o, 0, sizeof(*o));
	o->annotate = true;
	if ((err = split_exec(&argc, argv, o)))
		return err;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:f:o:e:y:s:Ovh", long_options, NULL)) != -1) {
		switch (c) {
		case 't':
			if (cbpf_target_parse(optarg, &o->target))
				return cli_usage_error(
					"unknown target '%s' (socket, tc, xdp, seccomp)", optarg);
			o->target_set = true;
			break;
		case 'f':
			if (cbpf_ebpf_form_parse(optarg, &o->form))
				return cli_usage_error("unknown format '%s' (elf, raw, c, asm)",
						       optarg);
			o->form_set = true;
			break;
		case 'o':
			o->output = optarg;
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
		case OPT_FROM:
			if (cbpf_form_parse(optarg, &o->from) || o->from == CBPF_FORM_DOT)
				return cli_usage_error(
					"unknown input form '%s' (asm listing comma c dd ddd "
					"raw)",
					optarg);
			break;
		case OPT_POLICY:
			o->policy = optarg;
			o->source = SRC_POLICY;
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
		case OPT_VERIFY:
			o->verify = optarg;
			break;
		case OPT_INTERPRETER:
			o->interpreter = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			help();
			exit(0);
		case OPT_VERSION:
			cli_version();
		default:
			return cli_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return cli_usage_error("too many arguments: '%s' (one input file at most)",
				       argv[optind]);
	if (!o->target_set)
		return cli_usage_error("choose a target with -t (socket, tc, xdp, seccomp)");
	if (o->expr && o->policy)
		return cli_usage_error("-e and --policy are two inputs; give one");
	if (o->source != SRC_FILE && o->input)
		return cli_usage_error("%s and the input file '%s' are two inputs; give one",
				       o->expr ? "-e" : "--policy", o->input);
	if (o->source != SRC_EXPR && (o->linktype || o->snaplen || o->no_optimize))
		return cli_usage_error("%s applies to -e only", o->linktype  ? "-y"
								: o->snaplen ? "-s"
									     : "-O");
	if (o->source != SRC_FILE && o->from)
		return cli_usage_error("--from reads a file");
	if ((o->match || o->nomatch) &&
	    (o->target == CBPF_TARGET_SOCKET || o->target == CBPF_TARGET_SECCOMP))
		return cli_usage_error("--match and --nomatch are for tc and xdp");
	if (o->classid && o->target != CBPF_TARGET_TC)
		return cli_usage_error("--classid is for tc");
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
	if (o->exec_argv && o->target != CBPF_TARGET_SECCOMP)
		return cli_usage_error("--exec installs seccomp filters: use -t seccomp");
	if (o->verify && o->target == CBPF_TARGET_SECCOMP)
		return cli_usage_error("--verify runs packets: seccomp filters see system calls");
	if (o->interpreter && !o->verify)
		return cli_usage_error("--interpreter applies to --verify");
	if (o->detach) {
		if (!o->tc_dev && !o->xdp_dev && !o->pin)
			return cli_usage_error(
				"--detach undoes --attach-tc, --attach-xdp or --load: give "
				"one");
		if (o->input || o->source != SRC_FILE || o->verify || o->exec_argv || o->form_set ||
		    o->output)
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
	struct cbpf_diags diags;
	struct cbpf_diag_print_opts popts;
	char *src; /* the input text, for excerpts; NULL for binary input and expressions */
	size_t srclen;
	struct cbpf_prog *prog;
	struct cbpf_ebpf_prog *ebpf;
	char log[1 << 20]; /* the verifier's */
};

static void print_diags(struct run *r)
{
	cbpf_diags_print(stderr, &r->diags, r->src, r->srclen, &r->popts);
	cbpf_diags_free(&r->diags);
}

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

/* The program, from -e, FILE or stdin. Returns an exit status. */
static int read_program(struct run *r)
{
	int err;

	if (r->o.source == SRC_POLICY) {
		const char *path = strcmp(r->o.policy, "-") ? r->o.policy : NULL;
		struct cbpf_policy_opts po = {.file = path ? path : "<stdin>"};

		r->popts.fallback = po.file;
		err = cli_slurp(path, &r->src, &r->srclen);
		if (err)
			return cli_error("%s: %s", po.file, strerror(-err));
		err = cbpf_policy_compile(r->src, r->srclen, &po, &r->prog, &r->diags);
		print_diags(r);
		if (err == -ENOMEM)
			return cli_error("out of memory");
		return err ? CLI_EXIT_INVALID : 0;
	}
	if (r->o.source == SRC_EXPR) {
		struct cbpf_compile_opts co = {.linktype = CBPF_DLT_EN10MB};

		if (r->o.linktype && cbpf_linktype_parse(r->o.linktype, &co.linktype))
			return cli_error("unknown link type '%s' for -y (tcpdump's names, such as "
					 "EN10MB, LINUX_SLL, RAW, or a number)",
					 r->o.linktype);
		if ((err = parse_snaplen(r->o.snaplen, &co.snaplen)))
			return err;
		co.no_optimize = r->o.no_optimize;
		r->popts.fallback = "<expression>";
		err = cbpf_pcap_compile(r->o.expr, &co, &r->prog, &r->diags);
	} else {
		const char *path = r->o.input && strcmp(r->o.input, "-") ? r->o.input : NULL;
		struct cbpf_read_opts ro = {path, r->o.from, 0, false};

		r->popts.fallback = "<stdin>";
		err = cli_slurp(path, &r->src, &r->srclen);
		if (err)
			return cli_error("%s: %s", path ? path : "<stdin>", strerror(-err));
		ro.form = r->o.from ? r->o.from : cbpf_form_detect(r->src, r->srclen);
		err = cbpf_prog_read(r->src, r->srclen, &ro, &r->prog, &r->diags);
		if (ro.form == CBPF_FORM_RAW) {
			free(r->src); /* binary input is located by instruction, not by line */
			r->src = NULL;
			r->srclen = 0;
		}
	}
	print_diags(r);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

static int translate(struct run *r)
{
	struct cbpf_xlate_opts xo = {.target = r->o.target, .classid = r->o.classid};
	enum cbpf_check_mode mode =
		r->o.target == CBPF_TARGET_SECCOMP ? CBPF_CHECK_SECCOMP : CBPF_CHECK_SOCKET;
	int err;

	if (r->o.match && cbpf_xlate_action_parse(r->o.target, r->o.match, &xo.match))
		return cli_usage_error("unknown %s action '%s'", cbpf_target_name(r->o.target),
				       r->o.match);
	if (r->o.nomatch && cbpf_xlate_action_parse(r->o.target, r->o.nomatch, &xo.nomatch))
		return cli_usage_error("unknown %s action '%s'", cbpf_target_name(r->o.target),
				       r->o.nomatch);
	xo.set_match = r->o.match;
	xo.set_nomatch = r->o.nomatch;
	err = cbpf_check(r->prog, mode, &r->diags);
	print_diags(r);
	if (err)
		return CLI_EXIT_INVALID;
	err = cbpf_xlate(r->prog, &xo, &r->ebpf, &r->diags);
	print_diags(r);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

static void report_ratio(struct run *r, bool to_terminal)
{
	size_t n = cbpf_prog_len(r->prog), e = cbpf_ebpf_prog_len(r->ebpf);

	if (!r->o.verbose && !to_terminal)
		return;
	fprintf(stderr, PROG ": %s: %zu eBPF instructions from %zu classic (%.2f per classic)\n",
		cbpf_target_name(r->o.target), e, n, n ? (double)e / (double)n : 0.0);
}

static int write_output(struct run *r)
{
	struct cbpf_ebpf_write_opts wo = {.annotate = r->o.annotate};
	struct cli_output out;
	int err = cli_output_open(&out, r->o.output);

	if (err)
		return cli_error("%s: %s", r->o.output, strerror(-err));
	report_ratio(r, !r->o.output && isatty(STDOUT_FILENO));
	err = cbpf_ebpf_write(out.fp, r->ebpf, r->o.form, &wo);
	if (err) {
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
	struct cbpf_proof_opts po = {r->o.interpreter, r->log, sizeof(r->log)};
	unsigned long n = 0, agree = 0, differ = 0, skipped = 0;
	struct cbpf_proof *proof;
	struct cbpf_capture *cap;
	struct cbpf_frame frame;
	const char *why;
	char a[64], b[64];
	int rc, err;

	if (cbpf_capture_open(r->o.verify, &cap, &r->diags)) {
		print_diags(r);
		return CLI_EXIT_INVALID;
	}
	err = cbpf_proof_new(r->ebpf, &po, &proof, &why, &r->diags);
	print_diags(r);
	if (err) {
		cbpf_capture_close(cap);
		if (err == -EINVAL && r->log[0])
			fprintf(stderr, "%s", r->log);
		return CLI_EXIT_INVALID;
	}
	while ((rc = cbpf_capture_next(cap, &frame, &r->diags)) == 1) {
		struct cbpf_proof_result res;

		n++;
		err = cbpf_proof_frame(proof, frame.data, frame.caplen, &res, &r->diags);
		print_diags(r);
		if (err) {
			cli_error("%s: packet %llu could not be run", r->o.verify,
				  (unsigned long long)frame.number);
			differ++;
		} else if (res.skipped) {
			skipped++;
		} else if (res.agree) {
			agree++;
		} else {
			differ++;
			printf("%s: packet %llu: classic %u, so %s; translation %s\n", r->o.verify,
			       (unsigned long long)frame.number, res.classic,
			       result_name(r, res.expected, a, sizeof(a)),
			       result_name(r, res.got, b, sizeof(b)));
		}
	}
	print_diags(r);
	printf("%s: %lu packets: %lu agree, %lu differ, %lu not run; the translation ran in "
	       "%s%s%s\n",
	       r->o.verify, n, agree, differ, skipped,
	       cbpf_proof_engine(proof) == CBPF_PROOF_KERNEL
		       ? (r->o.target == CBPF_TARGET_SOCKET ? "the kernel (BPF_PROG_TEST_RUN, as "
							      "SCHED_CLS to see whole frames)"
							    : "the kernel (BPF_PROG_TEST_RUN)")
		       : "libcbpf's eBPF interpreter",
	       why ? ": " : "", why ? why : "");
	cbpf_proof_free(proof);
	cbpf_capture_close(cap);
	return differ || rc < 0 ? CLI_EXIT_INVALID : 0;
}

/* Load, attach, pin; on failure undo what was done. Returns an exit status. */
static int to_kernel(struct run *r)
{
	struct cbpf_load_opts lo = {r->log, sizeof(r->log), false};
	int fd, err;

	r->log[0] = '\0';
	err = cbpf_ebpf_load(r->ebpf, &lo, &fd, &r->diags);
	print_diags(r);
	if (err) {
		if (r->log[0])
			fprintf(stderr, "%s", r->log);
		return CLI_EXIT_INVALID;
	}
	/* Pin first: a failed attach is then undone by unpinning, and attach undoes itself. */
	if (r->o.pin)
		err = cbpf_ebpf_pin(fd, r->o.pin, &r->diags);
	if (!err && r->o.tc_dev)
		err = cbpf_tc_attach(fd, r->o.tc_dev, r->o.tc_egress, &r->diags);
	else if (!err && r->o.xdp_dev)
		err = cbpf_xdp_attach(fd, r->o.xdp_dev, &r->diags);
	if (err && r->o.pin && (r->o.tc_dev || r->o.xdp_dev))
		cbpf_ebpf_unpin(r->o.pin, NULL);
	print_diags(r);
	close(fd);
	if (!err && r->o.verbose)
		fprintf(stderr, PROG ": loaded%s%s%s%s%s\n", r->o.tc_dev ? ", attached to tc " : "",
			r->o.tc_dev ? r->o.tc_dev : "", r->o.xdp_dev ? ", attached to xdp " : "",
			r->o.xdp_dev ? r->o.xdp_dev : "", r->o.pin ? ", pinned" : "");
	return err ? CLI_EXIT_INVALID : 0;
}

static int detach(struct run *r)
{
	int err = 0;

	if (r->o.tc_dev)
		err = cbpf_tc_detach(r->o.tc_dev, r->o.tc_egress, &r->diags);
	else if (r->o.xdp_dev)
		err = cbpf_xdp_detach(r->o.xdp_dev, &r->diags);
	if (!err && r->o.pin)
		err = cbpf_ebpf_unpin(r->o.pin, &r->diags);
	print_diags(r);
	return err ? CLI_EXIT_INVALID : 0;
}

static int exec_filtered(struct run *r)
{
	int e;

	if (cbpf_seccomp_install(r->prog, 0, NULL, &r->diags)) {
		print_diags(r);
		return CLI_EXIT_INVALID;
	}
	execvp(r->o.exec_argv[0], r->o.exec_argv);
	e = errno;
	/* The filter is in place: this message may itself be filtered out. */
	cli_error("%s: %s", r->o.exec_argv[0], strerror(e));
	return e == ENOENT ? 127 : 126;
}

int main(int argc, char **argv)
{
	static struct run r;
	int rc;

	cli_init(PROG, usage_line);
	rc = parse_args(argc, argv, &r.o);
	if (rc)
		return rc;
	r.popts.color = r.o.color;
	r.popts.fallback = PROG; /* what has no file is about the kernel or the command line */
	if (r.o.detach)
		return detach(&r);
	rc = read_program(&r);
	if (!rc)
		rc = translate(&r);
	if (!rc && r.o.write)
		rc = write_output(&r);
	else if (!rc)
		report_ratio(&r, false);
	/* From here on, messages are about the kernel and files, not about the program's text. */
	r.popts.fallback = PROG;
	free(r.src);
	r.src = NULL;
	r.srclen = 0;
	if (!rc && r.o.verify)
		rc = verify(&r);
	if (!rc && (r.o.pin || r.o.tc_dev || r.o.xdp_dev))
		rc = to_kernel(&r);
	if (!rc && r.o.exec_argv)
		rc = exec_filtered(&r);
	cbpf_ebpf_prog_free(r.ebpf);
	cbpf_prog_free(r.prog);
	free(r.src);
	return rc;
}
