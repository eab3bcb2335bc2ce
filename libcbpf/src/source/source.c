// SPDX-License-Identifier: MIT
/* The one loader: a program in any form, or a seccomp policy, as named or as the input says. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "cbpf/source.h"
#include "util/diag_int.h"

/*
 * Whether text that is not a program was meant as a policy: a JSON object whose first member is
 * quoted, or a minijail line "name: ..." or "@directive" (comment lines skipped).
 */
static bool looks_like_policy(const char *src, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i < len && isspace((unsigned char)src[i]))
			i++;
		if (i < len && src[i] == '#') {
			while (i < len && src[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= len)
		return false;
	if (src[i] == '{') {
		for (i++; i < len && isspace((unsigned char)src[i]);)
			i++;
		return i < len && (src[i] == '"' || src[i] == '}');
	}
	if (src[i] == '@')
		return true;
	while (i < len && (isalnum((unsigned char)src[i]) || src[i] == '_'))
		i++;
	while (i < len && (src[i] == ' ' || src[i] == '\t'))
		i++;
	return i < len && src[i] == ':';
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* A policy, parsed then generated; its flags into info. */
static int read_policy(const char *src, size_t len, const struct cbpf_source_opts *opts,
		       struct cbpf_prog **out, struct cbpf_source_info *info,
		       struct cbpf_diags *diags)
{
	struct cbpf_policy_opts popts = { 0 };
	struct cbpf_policy *pol;
	int err;

	if (opts->policy)
		popts = *opts->policy;
	if (!popts.file)
		popts.file = opts->file;
	err = cbpf_policy_parse(src, len, &popts, &pol, diags);
	if (err)
		return err;
	info->seccomp_flags = cbpf_policy_flags(pol);
	err = cbpf_policy_gen(pol, &popts, out, diags);
	if (!err && opts->keep_policy)
		*opts->keep_policy = pol;
	else
		cbpf_policy_free(pol);
	info->policy = !err;
	return err;
}

int cbpf_source_read(const void *buf, size_t len, const struct cbpf_source_opts *opts,
		     struct cbpf_prog **out, struct cbpf_source_info *info,
		     struct cbpf_diags *diags)
{
	static const struct cbpf_source_opts defaults = { 0 };
	struct cbpf_diags prog_diags = { 0 }, policy_diags = { 0 };
	struct cbpf_source_info scratch;
	struct cbpf_read_opts ropts;
	struct cbpf_prog *prog = NULL;
	bool meant;
	int err, perr;

	if (!opts)
		opts = &defaults;
	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	if (opts->kind == CBPF_SOURCE_POLICY)
		return read_policy(buf, len, opts, out, info, diags);
	ropts = (struct cbpf_read_opts){ opts->file, CBPF_FORM_AUTO, 0, opts->no_relax };
	if (opts->kind == CBPF_SOURCE_PROGRAM)
		ropts.form = opts->form;
	info->form = ropts.form ? ropts.form : cbpf_form_detect(buf, len);
	ropts.form = info->form;
	err = cbpf_prog_read(buf, len, &ropts, &prog, &prog_diags);
	meant = looks_like_policy(buf, len) || has_suffix(opts->file, ".json") ||
		has_suffix(opts->file, ".policy");
	if (err && err != -ENOMEM && opts->kind != CBPF_SOURCE_PROGRAM &&
	    (opts->kind == CBPF_SOURCE_SECCOMP || meant)) {
		/* Not a program: a policy, when a seccomp filter is wanted or it looks like one. */
		perr = read_policy(buf, len, opts, &prog, info, &policy_diags);
		if (!perr)
			info->form = CBPF_FORM_AUTO;
		if (!perr || meant) {
			/* Its errors are the ones that say what is wrong. */
			cbpf_diags_free(&prog_diags);
			prog_diags = policy_diags;
			policy_diags = (struct cbpf_diags){ 0 };
			err = perr;
		}
		cbpf_diags_free(&policy_diags);
	}
	if (diags_append(diags, &prog_diags))
		err = -ENOMEM;
	cbpf_diags_free(&prog_diags);
	if (err) {
		cbpf_prog_free(prog);
		return err;
	}
	*out = prog;
	return 0;
}
