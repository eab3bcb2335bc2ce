// SPDX-License-Identifier: MIT
/* The program cbpf-asm and cbpf-xlate work on: FILE or --policy through libcbpf's loader, or -e. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_print_diags(struct cli_prog *p)
{
	/* As many as the assembler reports before it stops: bytecode garbage is wrong everywhere.
	 */
	p->popts.max_errors = 20;
	cbpf_diags_print(stderr, &p->diags, p->src, p->srclen, &p->popts);
	cbpf_diags_free(&p->diags);
}

void cli_prog_fini(struct cli_prog *p)
{
	cbpf_prog_free(p->prog);
	cbpf_policy_free(p->policy);
	cbpf_diags_free(&p->diags);
	free(p->src);
	memset(p, 0, sizeof(*p));
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
 * -e with -r: tcpdump -r FILE -d compiles on the capture's own handle, so for its link type and
 * snapshot length, and for DLT_NULL and DLT_LOOP with the file's byte order and every BSD's
 * AF_INET6. Messages about the file name the file; libpcap's about the expression do not.
 */
static int load_expr_for(struct cli_prog *p, const struct cli_input *in,
			 const struct cbpf_compile_opts *copts)
{
	struct cbpf_capture *cap;
	int err = cbpf_capture_open(in->capture, &cap, &p->diags);

	if (err == -ENOENT)
		return cli_error("%s: %s", in->capture, strerror(ENOENT));
	if (err)
		return err;
	err = cbpf_capture_compile(cap, in->expr, copts, &p->prog, &p->diags);
	p->has_linktype = true;
	p->linktype = cbpf_capture_linktype(cap);
	cbpf_capture_close(cap);
	return err;
}

/* -e, compiled as tcpdump compiles it. */
static int load_expr(struct cli_prog *p, const struct cli_input *in)
{
	struct cbpf_compile_opts copts = { .linktype = CBPF_DLT_EN10MB };
	int err;

	if (in->linktype && cbpf_linktype_parse(in->linktype, &copts.linktype))
		return cli_usage_error("unknown link type '%s' for -y (tcpdump's names, such as "
				       "EN10MB, LINUX_SLL, RAW, or a number libpcap knows)",
				       in->linktype);
	err = parse_snaplen(in->snaplen, &copts.snaplen);
	if (err)
		return err;
	copts.no_optimize = in->no_optimize;
	p->popts.fallback = "<expression>";
	if (in->capture)
		return load_expr_for(p, in, &copts);
	p->has_linktype = true;
	p->linktype = copts.linktype;
	return cbpf_pcap_compile(in->expr, &copts, &p->prog, &p->diags);
}

/*
 * FILE or stdin, in the form --from names or the one detected; or --policy, for the
 * architectures and capabilities given. libcbpf's one loader reads either.
 */
/* The policy options the command line gave (--policy-format, --arch, --bad-arch...), for file. */
void cli_policy_opts(const struct cli_input *in, const char *file, struct cbpf_policy_opts *out)
{
	static const char *no_caps[] = { NULL }; /* --caps '': none */

	*out = (struct cbpf_policy_opts){
		.file = file,
		.lang = in->lang,
		.has_default_action = in->has_default_action,
		.default_action = in->default_action,
		.has_badarch_action = in->has_bad_arch,
		.badarch_action = in->bad_arch,
		.log_mode = in->log_mode,
		.arches = in->arches,
		.n_arches = in->n_arches,
		.caps = !in->caps[0]	 ? NULL
			: in->caps[0][0] ? in->caps
					 : no_caps,
		.lenient = in->lenient,
		.kernel = in->kernel,
		.host = in->host,
		.strict = in->strict,
		.max_file_size = in->max_input,
	};
}

static int load_source(struct cli_prog *p, const struct cli_input *in)
{
	bool policy = in->source == CLI_SRC_POLICY;
	const char *arg = policy ? in->policy : in->input;
	const char *path = arg && strcmp(arg, "-") ? arg : NULL;
	struct cbpf_policy_opts popts;
	struct cbpf_source_opts sopts = {
		.file = path,
		.kind = policy		  ? CBPF_SOURCE_POLICY
			: p->seccomp_file ? CBPF_SOURCE_SECCOMP
					  : CBPF_SOURCE_PROGRAM,
		.form = in->from,
		.no_relax = in->no_relax,
		.policy = &popts,
		/* Its rules too: --report names the rule that decided a call. */
		.keep_policy = p->keep_policy ? &p->policy : NULL,
	};
	struct cbpf_source_info info;
	int err;

	cli_policy_opts(in, path ? path : "<stdin>", &popts);
	/* What has no place in a policy (its size, the kernel version) is still about it. */
	p->popts.fallback = popts.file;
	err = cli_read(path, popts.file, in->max_input, &p->src, &p->srclen);
	if (err)
		return err;
	err = cbpf_source_read(p->src, p->srclen, &sopts, &p->prog, &info, &p->diags);
	p->seccomp_flags = info.seccomp_flags;
	if (info.form == CBPF_FORM_RAW) {
		/* No lines to show: binary input is located by instruction. */
		free(p->src);
		p->src = NULL;
		p->srclen = 0;
	}
	return err;
}

int cli_load(struct cli_prog *p, const struct cli_input *in)
{
	int err = in->source == CLI_SRC_EXPR ? load_expr(p, in) : load_source(p, in);

	/* An exit status from the loaders above, printed already; else libcbpf's answer. */
	if (err > 0)
		return err;
	cli_print_diags(p);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}
