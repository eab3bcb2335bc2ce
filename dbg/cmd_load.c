// SPDX-License-Identifier: MIT
/* cbpf-dbg's load: programs through libcbpf's loader, expressions and captures into the session. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/infile.h"
#include "sh.h"

static void set_from(struct sh *sh, const char *fmt, const char *what, const char *extra)
{
	size_t n = strlen(fmt) + strlen(what) + strlen(extra) + 1;

	free(sh->prog_from);
	sh->prog_from = malloc(n);
	if (sh->prog_from)
		snprintf(sh->prog_from, n, "%s%s%s", fmt, what, extra);
}

/* Loads prog (which the caller frees) in mode; diagnostics point into src. */
static int load_prog(struct sh *sh, struct cbpf_prog *prog, enum cbpf_vm_mode mode,
		     size_t offset, const char *src, size_t srclen)
{
	struct cbpf_diags diags = { 0 };
	int err = cbpf_dbg_load(sh->dbg, prog, mode, &diags);

	sh_diags(sh, &diags, offset, src, srclen);
	if (err == -ENOMEM)
		sh_error(sh, "out of memory");
	return err ? 1 : 0;
}

/* bpf_dbg's load bpf: the comma form, "N,code jt jf k,...". */
static int load_bpf(struct sh *sh, const char *text, size_t offset)
{
	struct cbpf_read_opts ropts = { NULL, CBPF_FORM_COMMA, 0, false };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	int rc;

	if (!*text) {
		sh_error(sh, "load bpf needs a program: N,code jt jf k,... (bpf_asm's output, or "
			     "tcpdump -ddd joined with commas)");
		return 1;
	}
	if (cbpf_prog_read(text, strlen(text), &ropts, &prog, &diags)) {
		sh_diags(sh, &diags, offset, NULL, 0);
		return 1;
	}
	sh_diags(sh, &diags, offset, NULL, 0);
	rc = load_prog(sh, prog, CBPF_VM_SOCKET, offset, NULL, 0);
	if (!rc)
		set_from(sh, "bpf code", "", "");
	cbpf_prog_free(prog);
	return rc;
}

/*
 * A program file in any form; seccomp mode when asked or when the program says so. What the
 * file holds, a seccomp policy included, is libcbpf's loader's to say (cbpf_source_read).
 */
static int load_file(struct sh *sh, const char *path, bool seccomp)
{
	struct cbpf_policy_opts popts = { .file = path, .max_file_size = sh->max_input };
	struct cbpf_source_opts sopts = {
		.file = path,
		.kind = seccomp ? CBPF_SOURCE_SECCOMP : CBPF_SOURCE_AUTO,
		.policy = &popts,
	};
	struct cbpf_diags diags = { 0 };
	struct cbpf_source_info info;
	struct cbpf_prog *prog = NULL;
	char *src = NULL, why[64];
	size_t len = 0;
	int err, rc;

	if (sh_no_io(sh))
		return 1;
	err = cbpf_infile_read(path, sh->max_input, &src, &len);
	if (err) {
		sh_error(sh, "%s: %s%s", path,
			 cbpf_infile_why(err, sh->max_input, why, sizeof(why)),
			 err == -EFBIG ? CLI_MAX_INPUT_HINT : "");
		return 1;
	}
	err = cbpf_source_read(src, len, &sopts, &prog, &info, &diags);
	if (info.form == CBPF_FORM_RAW)
		len = 0; /* no lines to show */
	sh_diags(sh, &diags, 0, len ? src : NULL, len);
	if (err) {
		free(src);
		return 1;
	}
	seccomp |= info.policy || cbpf_prog_kind(prog) == CBPF_KIND_SECCOMP;
	/* Comments name the fields, syscalls and actions, as seccomp-tools does. */
	if (seccomp && !info.policy && cbpf_seccomp_annotate(prog, sh->arch)) {
		cbpf_prog_free(prog);
		free(src);
		sh_error(sh, "out of memory");
		return 1;
	}
	rc = load_prog(sh, prog, seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET, 0, len ? src : NULL,
		       len);
	if (!rc)
		set_from(sh, info.policy ? "seccomp policy " : seccomp ? "seccomp filter " : "",
			 path, "");
	cbpf_prog_free(prog);
	free(src);
	return rc;
}

/* Prints what the session said, refusals of an expression's program located as its. */
static void expr_diags(struct sh *sh, struct cbpf_diags *diags)
{
	sh->diag_name = "<expression>";
	sh_diags(sh, diags, 0, NULL, 0);
	sh->diag_name = NULL;
}

int sh_do_load_expr(struct sh *sh, const char *expr)
{
	struct cbpf_diags diags = { 0 };
	int err = cbpf_dbg_load_expr(sh->dbg, expr, &diags);
	bool said = diags.errors;

	expr_diags(sh, &diags);
	if (err && !said)
		sh_error(sh, "out of memory");
	if (err)
		return 1;
	set_from(sh, "expression '", expr, "'");
	return 0;
}

static int load_capture(struct sh *sh, const char *path)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_input in;
	const char *expr;
	size_t i = 0;
	int err, lt;

	if (sh_no_io(sh))
		return 1;
	if (sh->stdin_commands && sh_is_stdin(path)) {
		sh_error(sh, "%s is standard input, which carries the commands here: give the "
			     "capture as a file, or the commands with -c or a script", path);
		return 1;
	}
	err = cbpf_dbg_open_capture(sh->dbg, path, &diags);
	if (err) {
		sh_capture_diags(sh, &diags);
		return 1;
	}
	/* What the capture said names it; then what compiling the expression again said. */
	for (; i < diags.n && diags.v[i].file; i++)
		sh_capture_diag(sh, &diags.v[i]);
	cbpf_dbg_input(sh->dbg, &in);
	if (!in.have_packet)
		sh_note(sh, "%s holds no packets: run counts none, and there is nothing to step",
			path);
	sh->diag_name = "<expression>";
	for (; i < diags.n; i++)
		sh_diag(sh, &diags.v[i], 0, NULL, 0);
	sh->diag_name = NULL;
	cbpf_diags_free(&diags);
	expr = cbpf_dbg_expr(sh->dbg, &lt);
	if (expr && sh->linktype_given && lt != in.linktype) {
		const char *was = cbpf_linktype_name(lt);
		const char *is = cbpf_linktype_name(in.linktype);

		sh_note(sh, "the expression is compiled for link type %s (-y), and this capture's "
			    "is %s",
			was ? was : "?", is ? is : "?");
	}
	return 0;
}

int cmd_load(struct sh *sh, char *args, size_t off)
{
	char *rest = args, *sub = sh_word(&rest);
	size_t roff = off + (size_t)(rest - args);
	int probe;

	if (!sub) {
		sh_error(sh, "load what? load bpf CODE | pcap FILE | expr EXPR | seccomp FILE | "
			     "prog FILE | pid PID [FD] | FILE");
		return 1;
	}
	/* bpf_dbg's two first, so that "load p" stays "load pcap". */
	if (sh_matches(sub, "bpf"))
		return load_bpf(sh, rest, roff);
	if (sh_matches(sub, "pcap") || sh_matches(sub, "expr") || sh_matches(sub, "seccomp") ||
	    sh_matches(sub, "prog") || sh_matches(sub, "file")) {
		if (!*rest) {
			sh_error(sh, "load %s needs %s", sub,
				 sh_matches(sub, "expr") ? "a filter expression" : "a file name");
			return 1;
		}
		if (sh_matches(sub, "pcap"))
			return load_capture(sh, rest);
		if (sh_matches(sub, "expr"))
			return sh_do_load_expr(sh, rest);
		return load_file(sh, rest, sh_matches(sub, "seccomp"));
	}
	if (sh_matches(sub, "pid"))
		return sh_load_pid(sh, rest);
	/* load FILE: a capture or a program, by what the file holds. */
	if (sh_no_io(sh))
		return 1;
	probe = cbpf_capture_probe(args);
	if (probe == -ESPIPE) {
		/* Looking would take the bytes away from whichever load follows. */
		sh_error(sh, "'%s' is not a file, which cannot be looked into without reading it: "
			     "say load pcap or load prog", args);
		return 1;
	}
	if (probe == 1)
		return load_capture(sh, args);
	return load_file(sh, args, false);
}
