// SPDX-License-Identifier: MIT
/* Policies: the entry points, which call a front end, the checks, then the generator. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_ir.h"
#include "util/infile.h"

void cbpf_policy_free(struct cbpf_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n_rules; i++)
		free(pol->conds[i]);
	for (size_t i = 0; i < pol->n_strings; i++)
		free(pol->strings[i]);
	free(pol->conds);
	free(pol->rules);
	free(pol->strings);
	free(pol->freqs);
	free(pol);
}

static enum cbpf_policy_lang detect_lang(const char *src, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && isspace((unsigned char)src[i]))
		i++;
	if (i == len || (src[i] != '{' && src[i] != '['))
		return CBPF_POLICY_TEXT;
	if (src[i] == '[')
		return CBPF_POLICY_JSON; /* no minijail statement starts so: a JSON error is better
					  */
	/*
	 * '{' opens a JSON object and a minijail syscall list ("{read, write}: allow") alike. An
	 * object's next token is a string or '}'; a list's is a syscall name, so a letter or '_'
	 * says minijail. Anything else stays JSON, whose errors say more about a broken object.
	 */
	for (i++; i < len && isspace((unsigned char)src[i]); i++)
		;
	return i < len && (isalpha((unsigned char)src[i]) || src[i] == '_') ? CBPF_POLICY_TEXT
									    : CBPF_POLICY_JSON;
}

static uint32_t logged(uint32_t action)
{
	return action == CBPF_SECCOMP_RET_ALLOW ? action : CBPF_SECCOMP_RET_LOG;
}

/* opts->log_mode: what would be refused is logged and allowed. */
static void log_mode(struct cbpf_policy *pol)
{
	pol->default_action = logged(pol->default_action);
	pol->badarch_action = logged(pol->badarch_action);
	for (size_t i = 0; i < pol->n_rules; i++)
		pol->rules[i].action = logged(pol->rules[i].action);
}

int cbpf_policy_parse(const char *src, size_t len, const struct cbpf_policy_opts *opts,
		      struct cbpf_policy **out, struct cbpf_diags *diags)
{
	static const struct cbpf_policy_opts defaults;
	struct policy_ctx ctx = { 0 };
	enum cbpf_policy_lang lang;
	size_t host_at;

	if (!opts)
		opts = &defaults;
	ctx.opts = opts;
	ctx.diags = diags;
	ctx.max_errors = opts->max_errors ? opts->max_errors : 20;
	ctx.host = opts->host ? opts->host : cbpf_arch_native();
	if (!cbpf_arch_name(ctx.host))
		ctx.host = CBPF_ARCH_X86_64;
	/*
	 * A filter for other architectures than this machine's (--arch aarch64,arm on x86_64) is
	 * for a machine of the first of them: a profile's archMap and "arches" are decided for that
	 * machine, as Docker would decide them there.
	 */
	if (!opts->host && opts->n_arches && cbpf_arch_name(opts->arches[0])) {
		bool native = false;

		for (size_t i = 0; i < opts->n_arches; i++)
			native |= opts->arches[i] == ctx.host;
		if (!native)
			ctx.host = opts->arches[0];
	}
	ctx.pol = calloc(1, sizeof(*ctx.pol));
	if (!ctx.pol)
		return -ENOMEM;
	ctx.pol->default_action = CBPF_SECCOMP_RET_KILL_PROCESS;
	ctx.pol->badarch_action =
		opts->has_badarch_action ? opts->badarch_action : CBPF_SECCOMP_RET_KILL_THREAD;
	for (size_t i = 0; i < opts->n_arches; i++) {
		if (!cbpf_arch_name(opts->arches[i])) {
			policy_diag(&ctx, CBPF_SEV_ERROR, NULL, 0, 0, 0,
				    "bad architecture number %d", (int)opts->arches[i]);
			continue;
		}
		policy_add_arch(ctx.pol, opts->arches[i]);
		ctx.have_arches = true;
	}
	lang = opts->lang ? opts->lang : detect_lang(src, len);
	ctx.oci = lang == CBPF_POLICY_JSON;
	if (lang == CBPF_POLICY_JSON)
		policy_json_parse(&ctx, src, len, opts->file);
	else
		policy_text_parse(&ctx, src, len, opts->file);
	if (!ctx.pol->n_arches)
		policy_add_arch(ctx.pol, ctx.host);
	/* The host's architecture is checked first: its syscalls pay for one comparison. */
	for (host_at = 0; host_at < ctx.pol->n_arches; host_at++)
		if (ctx.pol->arches[host_at] == ctx.host)
			break;
	if (host_at < ctx.pol->n_arches && host_at > 0) {
		enum cbpf_arch h = ctx.pol->arches[host_at];

		memmove(&ctx.pol->arches[1], &ctx.pol->arches[0], host_at * sizeof(h));
		ctx.pol->arches[0] = h;
	}
	if (opts->has_default_action)
		ctx.pol->default_action = opts->default_action;
	if (opts->log_mode)
		log_mode(ctx.pol);
	/* An empty file (or one with only comments) kills every syscall, as minijail compiles it
	 * (ChromeOS ships such placeholders): say so. */
	if (!ctx.errors && !ctx.err && !ctx.pol->n_rules && !ctx.have_default &&
	    !opts->has_default_action)
		policy_diag(&ctx, CBPF_SEV_WARNING, opts->file, 0, 0, 0,
			    "no rules and no default action: the filter kills every syscall, as "
			    "minijail's does (write @default to say so)");
	if (!ctx.errors && !ctx.err)
		policy_check_conflicts(&ctx);
	if (!ctx.errors && !ctx.err)
		policy_check_truncation(&ctx);
	if (ctx.errors || ctx.err) {
		cbpf_policy_free(ctx.pol);
		return ctx.err ? ctx.err : -EINVAL;
	}
	*out = ctx.pol;
	return 0;
}

int cbpf_policy_parse_file(const char *path, const struct cbpf_policy_opts *opts,
			   struct cbpf_policy **out, struct cbpf_diags *diags)
{
	struct cbpf_policy_opts o = opts ? *opts : (struct cbpf_policy_opts){ 0 };
	char *buf, why[64];
	size_t len;
	int err = cbpf_infile_read(path, o.max_file_size, &buf, &len);

	if (err) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, path, 0, 0, 0, -1, "cannot read: %s",
			       cbpf_infile_why(err, o.max_file_size, why, sizeof(why)));
		/* The closed set of common.h: the reader's own errno is in the message. */
		return err == -ENOENT || err == -ENOMEM ? err : err == -EFBIG ? -E2BIG : -EIO;
	}
	if (!o.file)
		o.file = path;
	err = cbpf_policy_parse(buf, len, &o, out, diags);
	free(buf);
	return err;
}

int cbpf_policy_compile(const char *src, size_t len, const struct cbpf_policy_opts *opts,
			struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_policy *pol;
	int err = cbpf_policy_parse(src, len, opts, &pol, diags);

	if (err)
		return err;
	err = cbpf_policy_gen(pol, opts, out, diags);
	cbpf_policy_free(pol);
	return err;
}

int cbpf_policy_compile_file(const char *path, const struct cbpf_policy_opts *opts,
			     struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct cbpf_policy *pol;
	int err = cbpf_policy_parse_file(path, opts, &pol, diags);

	if (err)
		return err;
	err = cbpf_policy_gen(pol, opts, out, diags);
	cbpf_policy_free(pol);
	return err;
}

size_t cbpf_policy_arches(const struct cbpf_policy *pol, const enum cbpf_arch **arches)
{
	*arches = pol->arches;
	return pol->n_arches;
}

uint32_t cbpf_policy_default_action(const struct cbpf_policy *pol)
{
	return pol->default_action;
}

uint32_t cbpf_policy_badarch_action(const struct cbpf_policy *pol)
{
	return pol->badarch_action;
}

unsigned cbpf_policy_flags(const struct cbpf_policy *pol)
{
	return pol->flags;
}

size_t cbpf_policy_rules(const struct cbpf_policy *pol, const struct cbpf_policy_rule **rules)
{
	*rules = pol->rules;
	return pol->n_rules;
}
