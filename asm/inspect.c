// SPDX-License-Identifier: MIT
/* cbpf-asm's seccomp views: explain, audit, decompile, diff, replay, and filters of a process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

static const char *lang_name(enum cbpf_policy_lang lang)
{
	return lang == CBPF_POLICY_JSON ? "oci" : "minijail";
}

/* Writes through -o's temporary file; fn's answer is libcbpf's. An exit status. */
static int write_with(const struct inspect *in, struct cli_prog *p,
		      int (*fn)(FILE *, const struct inspect *, struct cli_prog *))
{
	const char *name = in->output ? in->output : "<stdout>";
	struct cli_output out;
	int err = cli_output_open(&out, in->output);

	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	err = fn(out.fp, in, p);
	if (err) {
		int rc = err == -EINVAL ? CLI_EXIT_INVALID
					: cli_error("%s: %s", name,
						    strerror(-cli_output_error(&out, err)));

		cli_output_abort(&out);
		cli_print_diags(p);
		return rc;
	}
	err = cli_output_commit(&out);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	return 0;
}

static int do_explain(FILE *fp, const struct inspect *in, struct cli_prog *p)
{
	struct cbpf_seccomp_model *m;
	int err = cbpf_seccomp_model_new(p->prog, &m, &p->diags);

	(void)in;
	if (err)
		return err == -E2BIG ? -EINVAL : err;
	err = cbpf_seccomp_explain(fp, m);
	cbpf_seccomp_model_free(m);
	return err;
}

static int do_decompile(FILE *fp, const struct inspect *in, struct cli_prog *p)
{
	struct cbpf_seccomp_model *m;
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	size_t n = 0;
	int err = cbpf_seccomp_model_new(p->prog, &m, &p->diags);

	if (err)
		return err == -E2BIG ? -EINVAL : err;
	err = cbpf_seccomp_decompile(fp, m, in->lang, arches, &n, &p->diags);
	cbpf_seccomp_model_free(m);
	return err;
}

int inspect_run(const struct inspect *in, struct cli_prog *p)
{
	int rc;

	switch (in->mode) {
	case INSPECT_EXPLAIN:
		rc = write_with(in, p, do_explain);
		break;
	case INSPECT_DECOMPILE:
		rc = write_with(in, p, do_decompile);
		if (rc && p->diags.n == 0)
			cli_error("cannot write the filter as a %s policy", lang_name(in->lang));
		break;
	case INSPECT_AUDIT: {
		struct cbpf_seccomp_model *m = NULL;
		size_t found = 0;
		struct cbpf_diags quiet = { 0 };
		int err = cbpf_seccomp_model_new(p->prog, &m, &quiet);

		/* What the paths cannot be followed for is a finding of its own (or the checker's,
		 * printed already); go on with what needs no paths. */
		cbpf_diags_free(&quiet);
		if (err == -ENOMEM)
			return cli_error("out of memory");
		err = cbpf_seccomp_audit(p->prog, m, &found, &p->diags);
		cbpf_seccomp_model_free(m);
		if (err)
			return cli_error("out of memory");
		rc = p->diags.errors || found ? CLI_EXIT_INVALID : 0;
		if (!p->diags.n)
			printf("no findings\n");
		/* Findings are the result: on stdout. */
		cbpf_diags_print(stdout, &p->diags, p->src, p->srclen, &p->popts);
		cbpf_diags_free(&p->diags);
		return rc;
	}
	default:
		rc = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- --diff */

/* One side of --diff: a filter in any form, else a policy (compiled for --arch). 0 or -EINVAL
 * (the diagnostics in p) or another negative errno. */
static int read_side(const char *path, const struct cli_input *inp, bool policy, struct cli_prog *p)
{
	int err;

	p->popts.fallback = path;
	if (policy) {
		struct cbpf_policy_opts popts;
		struct cbpf_policy *pol;

		cli_policy_opts(inp, path, &popts);
		err = cbpf_policy_parse(p->src, p->srclen, &popts, &pol, &p->diags);
		if (err)
			return err;
		err = cbpf_policy_gen(pol, &popts, &p->prog, &p->diags);
		cbpf_policy_free(pol);
	} else {
		struct cbpf_read_opts ropts = { path, inp->from, 0, false };

		if (!ropts.form)
			ropts.form = cbpf_form_detect(p->src, p->srclen);
		err = cbpf_prog_read(p->src, p->srclen, &ropts, &p->prog, &p->diags);
	}
	if (!err && cbpf_check(p->prog, CBPF_CHECK_SECCOMP, &p->diags))
		err = -EINVAL;
	return err;
}

/* Reads path as its name suggests (.json and .policy: a policy), else the other way too. */
static int load_side(const char *path, const struct cli_input *inp, struct cli_prog *p)
{
	const char *dot = strrchr(path, '.');
	bool policy = dot && (!strcmp(dot, ".json") || !strcmp(dot, ".policy"));
	struct cli_prog q = { 0 };
	int rc, err;

	rc = cli_read(path, path, inp->max_input, &p->src, &p->srclen);
	if (rc)
		return rc;
	err = read_side(path, inp, policy, p);
	if (err == -EINVAL) {
		q.src = p->src;
		q.srclen = p->srclen;
		q.popts = p->popts;
		if (!read_side(path, inp, !policy, &q)) {
			cbpf_prog_free(p->prog);
			cbpf_diags_free(&p->diags);
			p->prog = q.prog;
			p->diags = q.diags;
			err = 0;
		} else {
			cbpf_prog_free(q.prog);
			cbpf_diags_free(&q.diags);
		}
	}
	/* The checker's warnings (unreachable code) are no part of a comparison. */
	if (!err)
		cbpf_diags_free(&p->diags);
	if (err && cbpf_form_detect(p->src, p->srclen) == CBPF_FORM_RAW) {
		free(p->src);
		p->src = NULL;
		p->srclen = 0;
	}
	cli_print_diags(p);
	if (err == -ENOMEM)
		return cli_error("out of memory");
	return err ? CLI_EXIT_INVALID : 0;
}

int inspect_diff(const struct inspect *in, const struct cli_input *inp)
{
	struct cli_prog a = { 0 }, b = { 0 };
	struct cbpf_seccomp_model *ma = NULL, *mb = NULL;
	bool differs = false;
	int rc = 2, err;

	a.popts.color = b.popts.color = cli_color(2);
	if (load_side(inp->input, inp, &a) || load_side(in->diff_b, inp, &b))
		goto out;
	err = cbpf_seccomp_model_new(a.prog, &ma, &a.diags);
	if (!err)
		err = cbpf_seccomp_model_new(b.prog, &mb, &b.diags);
	cli_print_diags(&a);
	cli_print_diags(&b);
	if (err) {
		if (err == -ENOMEM)
			cli_error("out of memory");
		goto out;
	}
	err = cbpf_seccomp_diff(stdout, ma, mb, &differs);
	if (!err && fflush(stdout))
		err = -EIO;
	if (err)
		cli_error("<stdout>: %s", strerror(-err));
	else
		rc = differs ? 1 : 0;
out:
	/* As diff(1): 0 the same, 1 different, 2 trouble. */
	cbpf_seccomp_model_free(ma);
	cbpf_seccomp_model_free(mb);
	cli_prog_fini(&a);
	cli_prog_fini(&b);
	return rc;
}

/* ---------------------------------------------------------------- --pid */

int inspect_pid(const struct inspect *in, struct cbpf_prog ***progs, char ***labels, size_t *n)
{
	struct cbpf_diag_print_opts po = { .fallback = "cbpf-asm", .color = cli_color(2) };
	struct cbpf_diags diags = { 0 };
	struct cbpf_seccomp_dump *d = NULL;
	size_t nd = 0, k = 0;
	int err;

	*n = 0;
	if (in->fd >= 0) {
		struct cbpf_prog *prog;

		err = cbpf_socket_filter_dump((int)in->pid, (int)in->fd, &prog, &diags);
		cbpf_diags_print(stderr, &diags, NULL, 0, &po);
		cbpf_diags_free(&diags);
		if (err)
			return err == -ENOMEM ? cli_error("out of memory") : CLI_EXIT_INVALID;
		*progs = malloc(sizeof(**progs));
		*labels = calloc(1, sizeof(**labels));
		if (!*progs || !*labels) {
			cbpf_prog_free(prog);
			free(*progs);
			free(*labels);
			return cli_error("out of memory");
		}
		(*progs)[0] = prog;
		*n = 1;
		return 0;
	}
	err = cbpf_seccomp_dump_pid((int)in->pid, &d, &nd, &diags);
	cbpf_diags_print(stderr, &diags, NULL, 0, &po);
	cbpf_diags_free(&diags);
	if (err)
		return err == -ENOMEM ? cli_error("out of memory") : CLI_EXIT_INVALID;
	if (in->filter >= (long)nd) {
		cbpf_seccomp_dump_free(d, nd);
		return cli_error("process %ld has %zu seccomp filter%s: --filter %ld is not one "
				 "(0 is the newest)",
				 in->pid, nd, nd == 1 ? "" : "s", in->filter);
	}
	*progs = calloc(nd, sizeof(**progs));
	*labels = calloc(nd, sizeof(**labels));
	if (!*progs || !*labels)
		goto nomem;
	for (size_t i = 0; i < nd; i++) {
		char buf[160];

		if (in->filter >= 0 && (long)i != in->filter)
			continue;
		snprintf(buf, sizeof(buf), "filter %zu of %zu of process %ld (%s), flags: %s", i,
			 nd, in->pid,
			 i == 0	       ? "newest"
			 : i + 1 == nd ? "oldest"
				       : "newer first",
			 !d[i].has_flags		      ? "unknown"
			 : d[i].flags & CBPF_SECCOMP_FLAG_LOG ? "log"
							      : "none");
		(*labels)[k] = strdup(buf);
		if (!(*labels)[k])
			goto nomem;
		(*progs)[k++] = d[i].prog;
		d[i].prog = NULL;
	}
	*n = k;
	cbpf_seccomp_dump_free(d, nd);
	return 0;
nomem:
	for (size_t i = 0; i < k; i++) {
		cbpf_prog_free((*progs)[i]);
		free((*labels)[i]);
	}
	free(*progs);
	free(*labels);
	cbpf_seccomp_dump_free(d, nd);
	return cli_error("out of memory");
}

/* ---------------------------------------------------------------- --replay */

int inspect_replay(const struct inspect *in, struct cli_prog *p)
{
	const char *name = in->output ? in->output : "<stdout>";
	const char *path = strcmp(in->replay, "-") ? in->replay : NULL;
	struct cbpf_replay_opts ro = {
		.policy = p->policy,
		.file = path ? path : "<stdin>",
	};
	struct cbpf_diag_print_opts po = { .fallback = ro.file, .color = cli_color(2) };
	struct cbpf_diags diags = { 0 };
	struct cbpf_replay *rep = NULL;
	struct cli_output out;
	uint64_t denied;
	char *src;
	size_t len;
	int rc = cli_read(path, ro.file, in->max_input, &src, &len), err;

	if (rc)
		return rc;
	err = cbpf_replay_run(p->prog, src, len, &ro, &rep, &diags);
	/* Lines left out are located in the trace, with the line shown. */
	cbpf_diags_print(stderr, &diags, src, len, &po);
	cbpf_diags_free(&diags);
	free(src);
	if (err)
		return err == -ENOMEM ? cli_error("out of memory") : CLI_EXIT_INVALID;
	cbpf_replay_calls(rep, &denied);
	err = cli_output_open(&out, in->output);
	if (!err) {
		err = cbpf_replay_write(out.fp, rep);
		if (err) {
			err = cli_output_error(&out, err);
			cli_output_abort(&out);
		} else {
			err = cli_output_commit(&out);
		}
	}
	cbpf_replay_free(rep);
	if (err)
		return cli_error("%s: %s", name, strerror(-err));
	/* As grep and diff(1): 1 when something was found, here a call the filter denies. */
	return denied ? 1 : 0;
}
