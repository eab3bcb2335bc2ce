// SPDX-License-Identifier: MIT
/* cbpf-dbg's load: programs through libcbpf's loader, expressions and captures into the session. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/infile.h"
#include "sh.h"

/* bpf_dbg's load bpf: the comma form, "N,code jt jf k,...". */
static int load_bpf(struct sh *sh, const char *text, size_t offset)
{
	struct cbpf_diags diags = { 0 };

	if (!*text) {
		sh_error(sh, "load bpf needs a program: N,code jt jf k,... (bpf_asm's output, or "
			     "tcpdump -ddd joined with commas)");
		return 1;
	}
	return sh_said(sh, cbpf_dbg_load_text(sh->dbg, text, &diags), &diags, offset);
}

static int load_capture(struct sh *sh, const char *path);

/* A program file, or with CBPF_DBG_FILE_AUTO a capture, as the file says (libcbpf decides). */
static int load_file(struct sh *sh, const char *path, enum cbpf_dbg_file_kind kind)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_file f;
	char why[64];
	int err;

	if (sh_no_io(sh))
		return 1;
	err = cbpf_dbg_load_file(sh->dbg, path, kind, sh->max_input, &f, &diags);
	sh_diags(sh, &diags, 0, f.src, f.len);
	free(f.src);
	if (f.capture)
		return load_capture(sh, path);
	if (err == -ESPIPE)
		sh_error(sh,
			 "'%s' is not a file, which cannot be looked into without reading it: "
			 "say load pcap or load prog",
			 path);
	else if (f.read_err)
		sh_error(sh, "%s: %s%s", path,
			 cbpf_infile_why(err, sh->max_input, why, sizeof(why)),
			 err == -EFBIG ? CLI_MAX_INPUT_HINT : "");
	else if (err == -ENOMEM)
		sh_error(sh, "out of memory");
	return err ? 1 : 0;
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
	return err ? 1 : 0;
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
		sh_error(sh,
			 "%s is standard input, which carries the commands here: give the "
			 "capture as a file, or the commands with -c or a script",
			 path);
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

		sh_note(sh,
			"the expression is compiled for link type %s (-y), and this capture's "
			"is %s",
			was ? was : "?", is ? is : "?");
	}
	return 0;
}

int cmd_load(struct sh *sh, char *args, size_t off)
{
	char *rest = args, *sub = sh_word(&rest);
	size_t roff = off + (size_t)(rest - args);

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
		return load_file(sh, rest,
				 sh_matches(sub, "seccomp") ? CBPF_DBG_FILE_SECCOMP
							    : CBPF_DBG_FILE_PROG);
	}
	if (sh_matches(sub, "pid"))
		return sh_load_pid(sh, rest);
	/* load FILE: a capture or a program, by what the file holds. */
	return load_file(sh, args, CBPF_DBG_FILE_AUTO);
}
