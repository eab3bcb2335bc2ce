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
#include "inspect.h"

#define PROG "cbpf-asm"

struct options {
	struct cli_input in; /* FILE, -e or --policy, and their options */
	enum cbpf_form to;   /* the output form; CBPF_FORM_AUTO for --to native */
	const char *to_flag; /* the option that chose it, for conflict messages */
	unsigned dflag;	     /* -d counted like tcpdump's */
	bool comments;	     /* --comments */
	bool no_comments;    /* --no-comments */
	const char *output;  /* -o */
	enum cbpf_check_mode check;
	bool no_check; /* --no-check: what the kernel refuses is written, with warnings */
	bool iptables; /* --iptables: for iptables -m bpf, which gives the filter IP packets */
	bool color;
	struct inspect insp; /* --explain --audit --to minijail|oci --diff --pid */
};

enum long_only {
	OPT_TO = 0x100,
	OPT_RAW,
	OPT_DOT,
	OPT_SECCOMP,
	OPT_COMMENTS,
	OPT_NO_COMMENTS,
	OPT_EXPLAIN,
	OPT_AUDIT,
	OPT_DIFF,
	OPT_PID,
	OPT_FD,
	OPT_FILTER,
	OPT_REPLAY,
	OPT_NO_CHECK,
	OPT_IPTABLES,
};

static const struct option long_options[] = {
	CLI_INPUT_LONG_OPTIONS,
	{ "no-relax", no_argument, NULL, CLI_OPT_NO_RELAX },
	{ "asm", no_argument, NULL, 'S' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "dot", no_argument, NULL, OPT_DOT },
	{ "to", required_argument, NULL, OPT_TO },
	{ "comments", no_argument, NULL, OPT_COMMENTS },
	{ "output", required_argument, NULL, 'o' },
	{ "seccomp", no_argument, NULL, OPT_SECCOMP },
	{ "no-check", no_argument, NULL, OPT_NO_CHECK },
	{ "iptables", no_argument, NULL, OPT_IPTABLES },
	{ "no-comments", no_argument, NULL, OPT_NO_COMMENTS },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "fd", required_argument, NULL, OPT_FD },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	CLI_LONG_OPTIONS_END,
};

static const char usage_line[] =
	"usage: " PROG " [-c | -d[d[d]] | -S | --raw | --dot] [-o FILE] [--seccomp] [FILE | -]\n"
	"       " PROG
	" -e EXPRESSION [-r CAPTURE | -y LINKTYPE [-s SNAPLEN]] [-O] [output options]\n"
	"       " PROG " --policy FILE [--arch ARCH,...] [--caps CAP,...] [output options]\n"
	"       " PROG " --pid PID [--filter N | --fd FD] [output options]\n"
	"       " PROG
	" [--explain | --audit | --to minijail|oci] [FILE | --policy FILE | --pid PID]\n"
	"       " PROG " --seccomp --diff A B\n"
	"       " PROG " --replay TRACE [FILE | --policy FILE]\n";

static const char help_text[] =
	"\nRead a classic BPF program in any form, or compile a libpcap filter expression;\n"
	"check it as the kernel would, and write it in the form asked for.\n"
	"\nInput (FILE or standard input; its form is detected):\n"
	"  -e, --expr EXPR       compile a filter expression exactly as tcpdump does\n"
	"  -r, --read CAPTURE    compile -e for a capture's link type and snapshot length,\n"
	"                        as tcpdump -r CAPTURE -d does\n"
	"  -y, --linktype TYPE   link type for -e: tcpdump's name or a number (EN10MB;\n"
	"                        RAW with --iptables)\n"
	"  -s, --snaplen N       snapshot length for -e, the accept value (262144)\n"
	"  -O, --no-optimize     do not run libpcap's optimizer on -e\n"
	"      --from FORM       read the input as FORM: asm listing comma c dd ddd raw\n"
	"      --no-relax        refuse conditional jumps farther than 255 (asm input)\n"
	"      --policy FILE     compile a seccomp policy: a Docker/OCI JSON profile or a\n"
	"                        minijail policy file (see docs/policy.md)\n" CLI_POLICY_HELP
		CLI_MAX_INPUT_HELP
	"\nOutput (default: bpf_asm's comma form, as tc and iptables -m bpf take it):\n"
	"  -c                    bpf_asm -c's C array\n"
	"  -d, -dd, -ddd         tcpdump -d's listing, -dd's C array, -ddd's decimals\n"
	"  -S, --asm             bpf_asm source with labels, which reassembles\n"
	"      --raw             struct sock_filter array, host byte order\n"
	"      --dot             control-flow graph for Graphviz dot\n"
	"      --to FORM         by name: comma c listing dd ddd asm raw dot; native: the\n"
	"                        x86-64 code the JIT makes of it, disassembled; or, for\n"
	"                        a seccomp filter, a policy: minijail oci\n"
	"      --comments        keep per-instruction comments where the form allows\n"
	"                        (on for seccomp filters: syscall and arch names)\n"
	"      --no-comments     leave them out\n"
	"  -o, --output FILE     write FILE, replaced only when everything succeeded\n"
	"\nChecks:\n"
	"      --seccomp         validate as a seccomp filter (default: socket filter)\n"
	"      --iptables        for iptables -m bpf, which hands the filter the packet from\n"
	"                        its IP header: -e compiles for -y RAW; at most 64\n"
	"                        instructions; Ethernet offsets warned about\n"
	"      --no-check        write a program the kernel refuses all the same, as\n"
	"                        tcpdump and bpf_asm do; its problems become warnings\n"
	"\nSeccomp filters (any form, a policy, or a process's):\n"
	"      --explain         each syscall's action and its argument conditions, per\n"
	"                        architecture, from every path of the filter\n"
	"      --audit           the holes a reviewer looks for (exit 1 when any)\n"
	"      --diff A B        every input where A and B act differently (A and B: a\n"
	"                        filter or a policy; exit 0 same, 1 different, 2 trouble)\n"
	"      --pid PID         read the seccomp filters of process PID, newest first\n"
	"      --filter N        only its filter N (0: the newest)\n"
	"      --fd FD           read the socket filter of PID's descriptor FD instead\n"
	"      --replay TRACE    run each call of TRACE (strace -f log, audit records, a\n"
	"                        recording) through the filter: the calls it denies by\n"
	"                        syscall, the rules and instructions never reached\n"
	"                        (exit 0 all allowed, 1 some denied)\n"
	"\n  -h, --help            show this help\n"
	"      --version         show the version\n"
	"\nExit status: 0 success, 1 invalid input or program, 2 bad usage.\n";

/* The seccomp views' options, against each other and the input's. 0 or CLI_EXIT_USAGE. */
static int inspect_check(struct options *o)
{
	struct inspect *in = &o->insp;
	struct cli_input ci = o->in;

	in->output = o->output;
	if ((in->fd >= 0 || in->filter >= 0) && in->pid < 0)
		return cli_usage_error("%s applies to --pid only",
				       in->fd >= 0 ? "--fd" : "--filter");
	if (in->fd >= 0 && in->filter >= 0)
		return cli_usage_error(
			"--fd reads a socket's filter; --filter picks a seccomp one");
	if (in->pid >= 0 && (o->in.source != CLI_SRC_FILE || o->in.input || in->diff))
		return cli_usage_error("--pid is the input; give no other");
	if (in->replay && (in->mode || in->diff || in->pid >= 0 || o->in.source == CLI_SRC_EXPR))
		return cli_usage_error("--replay runs a trace through a seccomp filter (FILE) or "
				       "policy (--policy); it is a view of its own");
	if (in->replay && !strcmp(in->replay, "-") &&
	    (o->in.source == CLI_SRC_POLICY ? !strcmp(o->in.policy, "-")
					    : !o->in.input || !strcmp(o->in.input, "-")))
		return cli_usage_error("--replay - reads the trace from standard input: give the "
				       "filter or policy as a file");
	in->max_input = o->in.max_input;
	if (in->diff) {
		if (!o->in.input || !in->diff_b || o->in.source != CLI_SRC_FILE)
			return cli_usage_error("--diff compares two files: --diff A B");
		if (in->mode)
			return cli_usage_error("--diff is a view of its own");
		ci.source = CLI_SRC_POLICY; /* --arch and the like apply to policies among A, B */
		ci.input = NULL;
	}
	if ((in->mode || in->diff) && in->fd >= 0)
		return cli_usage_error("--fd reads a socket filter; the seccomp views need a "
				       "seccomp one");
	if (in->mode || in->diff || in->replay || (in->pid >= 0 && in->fd < 0))
		o->check = CBPF_CHECK_SECCOMP;
	return cli_input_check(&ci);
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
	o->insp.pid = o->insp.fd = o->insp.filter = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":cde:hOo:r:Ss:y:", long_options, NULL)) != -1) {
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

			if (!strcmp(optarg, "minijail") || !strcmp(optarg, "oci")) {
				if (o->insp.mode && o->insp.mode != INSPECT_DECOMPILE)
					return cli_usage_error("--explain, --audit and --to "
							       "minijail|oci are three views; "
							       "give one");
				o->insp.mode = INSPECT_DECOMPILE;
				o->insp.lang =
					optarg[0] == 'o' ? CBPF_POLICY_JSON : CBPF_POLICY_TEXT;
				break;
			}
			/* Not a form of the program: what it becomes (AUTO is never written). */
			if (!strcmp(optarg, "native"))
				f = CBPF_FORM_AUTO;
			else if (cbpf_form_parse(optarg, &f) || f == CBPF_FORM_AUTO)
				return cli_usage_error(
					"unknown output form '%s' (comma c listing dd "
					"ddd asm raw dot native minijail oci)",
					optarg);
			err = choose_output(o, f, "--to");
			break;
		}
		case OPT_COMMENTS:
			o->comments = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_SECCOMP:
			o->check = CBPF_CHECK_SECCOMP;
			break;
		case OPT_NO_CHECK:
			o->no_check = true;
			break;
		case OPT_IPTABLES:
			o->iptables = true;
			break;
		case OPT_NO_COMMENTS:
			o->no_comments = true;
			break;
		case OPT_EXPLAIN:
		case OPT_AUDIT:
			if (o->insp.mode &&
			    o->insp.mode != (c == OPT_EXPLAIN ? INSPECT_EXPLAIN : INSPECT_AUDIT))
				return cli_usage_error(
					"--explain, --audit and --to minijail|oci are "
					"three views; give one");
			o->insp.mode = c == OPT_EXPLAIN ? INSPECT_EXPLAIN : INSPECT_AUDIT;
			break;
		case OPT_DIFF:
			o->insp.diff = true;
			break;
		case OPT_REPLAY:
			o->insp.replay = optarg;
			break;
		case OPT_PID:
		case OPT_FD:
		case OPT_FILTER: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v < 0 || v > 0x7fffffff)
				return cli_usage_error("invalid number '%s' for %s", optarg,
						       c == OPT_PID  ? "--pid"
						       : c == OPT_FD ? "--fd"
								     : "--filter");
			*(c == OPT_PID	? &o->insp.pid
			  : c == OPT_FD ? &o->insp.fd
					: &o->insp.filter) = v;
			break;
		}
		default:
			err = cli_option(&o->in, c, optarg, argv);
		}
		if (err)
			return err;
	}
	if (optind < argc)
		o->in.input = argv[optind++];
	if (o->insp.diff && optind < argc)
		o->insp.diff_b = argv[optind++];
	if (optind < argc)
		return cli_usage_error("too many arguments: '%s' (one input file at most)",
				       argv[optind]);
	err = inspect_check(o);
	if (err)
		return err;
	if (o->no_check && (o->insp.mode || o->insp.diff || o->to == CBPF_FORM_AUTO))
		return cli_usage_error("--no-check writes what the kernel refuses; %s needs a "
				       "program it takes",
				       o->to == CBPF_FORM_AUTO ? "--to native"
				       : o->insp.diff	       ? "--diff"
							       : "a seccomp view");
	if (o->iptables && (o->check == CBPF_CHECK_SECCOMP || o->insp.pid >= 0))
		return cli_usage_error("--iptables is for packet filters; %s",
				       o->insp.pid >= 0 ? "--pid reads seccomp filters"
							: "--seccomp checks a seccomp one");
	if (o->iptables && o->in.source == CLI_SRC_EXPR && !o->in.linktype && !o->in.capture)
		o->in.linktype = "RAW";
	if (o->comments && o->no_comments)
		return cli_usage_error("--comments and --no-comments contradict each other");
	if (o->in.source == CLI_SRC_POLICY)
		o->check = CBPF_CHECK_SECCOMP;
	if (o->to == CBPF_FORM_RAW && !o->output && isatty(STDOUT_FILENO))
		return cli_usage_error("--raw writes binary; "
				       "use -o FILE or redirect standard output");
	o->color = cli_color(STDERR_FILENO);
	return 0;
}

struct run {
	struct options o;
	struct cli_prog p;
};

/* --no-check: the validator's errors, from the first one at `from`, said as warnings. */
static void errors_to_warnings(struct cbpf_diags *d, size_t from)
{
	for (size_t i = from; i < d->n; i++) {
		if (d->v[i].severity != CBPF_SEV_ERROR)
			continue;
		d->v[i].severity = CBPF_SEV_WARNING;
		d->errors--;
	}
}

/* Validates; prints what the validator says. Returns an exit status. */
static int check(struct run *r)
{
	size_t from = r->p.diags.n;
	int err = cbpf_check(r->p.prog, r->o.check, &r->p.diags);

	if (r->o.iptables && err != -ENOMEM) {
		int e = cbpf_check_iptables(r->p.prog, &r->p.diags);

		err = e == -ENOMEM ? e : err ? err : e;
	}

	/* An expression's refusal may be libpcap's doing, which says so. */
	if (err && r->o.in.source == CLI_SRC_EXPR &&
	    cbpf_pcap_explain(r->o.in.expr, r->p.prog, &r->p.diags))
		return cli_error("out of memory");
	if (err == -ENOMEM)
		return cli_error("out of memory");
	if (err && r->o.no_check) {
		errors_to_warnings(&r->p.diags, from);
		err = 0;
	} else if (err && !r->o.insp.mode && !r->o.insp.diff && r->o.to != CBPF_FORM_AUTO &&
		   cbpf_diags_add(&r->p.diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, -1,
				  "--no-check writes it all the same, as tcpdump and bpf_asm "
				  "do")) {
		return cli_error("out of memory");
	}
	cli_print_diags(&r->p);
	return err ? CLI_EXIT_INVALID : 0;
}

/* --to native: the JIT's code, each classic instruction followed by what it became. */
static int write_native(struct run *r)
{
	const char *name = r->o.output ? r->o.output : "<stdout>";
	enum cbpf_vm_mode mode =
		r->o.check == CBPF_CHECK_SECCOMP ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET;
	struct cbpf_vm *vm = NULL;
	struct cbpf_jit *jit = NULL;
	struct cli_output out;
	int err;

	err = cbpf_vm_new(r->p.prog, mode, &vm, &r->p.diags);
	if (!err)
		err = cbpf_jit_new(vm, &jit, &r->p.diags);
	if (err) {
		/* No JIT on this machine, or executable memory refused: the diagnostic says. */
		if (err == -ENOMEM)
			cli_error("out of memory");
		cbpf_diags_add(&r->p.diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, -1,
			       "no native code to show: the interpreter runs this program");
		cli_print_diags(&r->p);
		cbpf_vm_free(vm);
		return CLI_EXIT_INVALID;
	}
	err = cli_output_open(&out, r->o.output);
	if (!err) {
		err = cbpf_jit_write(out.fp, jit);
		if (err) {
			err = cli_output_error(&out, err);
			cli_output_abort(&out);
		} else {
			err = cli_output_commit(&out);
		}
	}
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	return err ? cli_error("%s: %s", name, strerror(-err)) : 0;
}

static int write_out(struct run *r)
{
	bool seccomp = r->o.check == CBPF_CHECK_SECCOMP;
	struct cbpf_write_opts wopts = { !r->o.no_comments && (r->o.comments || seccomp) };
	const char *why, *name = r->o.output ? r->o.output : "<stdout>";
	struct cli_output out;
	size_t pc;
	int err;

	if (r->o.to == CBPF_FORM_AUTO)
		return write_native(r);
	/* A listing is a view and always written; bpf_asm source must reassemble identically. */
	if (r->o.to == CBPF_FORM_ASM && !cbpf_form_can_write(r->p.prog, r->o.to, &pc, &why)) {
		cbpf_diags_add(&r->p.diags, CBPF_SEV_ERROR, cbpf_prog_file(r->p.prog), 0, 0, 0,
			       (long)pc, "cannot be written as bpf_asm source: %s", why);
		cli_print_diags(&r->p);
		return CLI_EXIT_INVALID;
	}
	err = cli_output_open(&out, r->o.output);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	err = cbpf_prog_write(out.fp, r->p.prog, r->o.to, &wopts);
	if (err) {
		err = cli_output_error(&out, err);
		cli_output_abort(&out);
		return cli_error("%s: %s", name, strerror(-err));
	}
	err = cli_output_commit(&out);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	return 0;
}

/* --pid: each filter read from the process, written (or viewed) in turn under its label. */
static int run_pid(struct run *r)
{
	struct cbpf_prog **progs = NULL;
	char **labels = NULL;
	size_t n = 0;
	int rc = inspect_pid(&r->o.insp, &progs, &labels, &n);

	if (!rc && n > 1 && (r->o.to == CBPF_FORM_RAW || r->o.output))
		rc = cli_error("process %ld has %zu seccomp filters: pick one with --filter N for "
			       "%s",
			       r->o.insp.pid, n, r->o.output ? "-o" : "--raw");
	for (size_t i = 0; i < n; i++) {
		if (!rc) {
			r->p.prog = progs[i];
			progs[i] = NULL;
			if (n > 1) {
				printf("%s%s:\n", i ? "\n" : "", labels[i]);
				fflush(stdout);
			}
			rc = check(r);
			if (!rc && r->o.insp.mode)
				rc = inspect_run(&r->o.insp, &r->p);
			else if (!rc && r->o.check == CBPF_CHECK_SECCOMP &&
				 cbpf_seccomp_annotate(r->p.prog, cbpf_arch_native()))
				rc = cli_error("out of memory");
			else if (!rc)
				rc = write_out(r);
			cli_prog_fini(&r->p);
		}
		cbpf_prog_free(progs[i]);
		free(labels[i]);
	}
	free(progs);
	free(labels);
	return rc;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	int rc;

	cli_init(PROG, usage_line, help_text);
	cli_signals_init();
	rc = parse_args(argc, argv, &r.o);
	if (rc)
		return rc;
	if (r.o.to == CBPF_FORM_AUTO && !cbpf_jit_can_write())
		return cli_error("--to native: this cbpf-asm was built without capstone, the "
				 "disassembler it needs (libcapstone-dev; docs/jit.md)");
	r.p.popts.color = r.o.color;
	if (r.o.insp.diff)
		return inspect_diff(&r.o.insp, &r.o.in);
	if (r.o.insp.pid >= 0)
		return run_pid(&r);
	/* A policy's rules name the deciding one; FILE may be a policy as well as a filter. */
	r.p.keep_policy = r.p.seccomp_file = r.o.insp.replay != NULL;
	rc = cli_load(&r.p, &r.o.in);
	if (!rc)
		rc = check(&r);
	if (r.o.insp.replay) {
		if (!rc)
			rc = inspect_replay(&r.o.insp, &r.p);
		cli_prog_fini(&r.p);
		return rc;
	}
	/* An audit goes on past what the checker refuses: that is among its findings. */
	if (r.o.insp.mode && (!rc || (r.o.insp.mode == INSPECT_AUDIT && r.p.prog))) {
		rc = inspect_run(&r.o.insp, &r.p);
		cli_prog_fini(&r.p);
		return rc;
	}
	/* A seccomp filter read as bytecode is explained the way seccomp-tools explains it. */
	if (!rc && r.o.check == CBPF_CHECK_SECCOMP && r.o.in.source == CLI_SRC_FILE &&
	    cbpf_seccomp_annotate(r.p.prog, CBPF_ARCH_NONE))
		rc = cli_error("out of memory");
	if (!rc)
		rc = write_out(&r);
	cli_prog_fini(&r.p);
	return rc;
}
