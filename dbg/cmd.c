// SPDX-License-Identifier: MIT
/* cbpf-dbg's commands: bpf_dbg's, with their output, and the ones beyond them. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util/diag_int.h"
#include "util/infile.h"
#include "sh.h"

#define ERR_RED "\033[1;31m"
#define WARN_MAGENTA "\033[1;35m"
#define NOTE_CYAN "\033[1;36m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* What the user wrote, quoted in a message: cut when long (a 10 MB word), as diag_int.h cuts. */
#define QUOTE(s) DIAG_QA((s), strlen(s))

/* ---------------------------------------------------------------- messages */

static void vmessage(struct sh *sh, const char *sev, const char *color, const char *fmt,
		     va_list ap) CBPF_PRINTF(4, 0);
static void vmessage(struct sh *sh, const char *sev, const char *color, const char *fmt,
		     va_list ap)
{
	if (sh->where)
		fprintf(sh->err, "%s%s:%u: ", sh->ecolor ? BOLD : "", sh->where, sh->line);
	fprintf(sh->err, "%s%s:%s ", sh->ecolor ? color : "", sev, sh->ecolor ? RESET : "");
	vfprintf(sh->err, fmt, ap);
	fputc('\n', sh->err);
}

void sh_error(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(sh, "error", ERR_RED, fmt, ap);
	va_end(ap);
	sh->failed = true;
}

void sh_warning(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(sh, "warning", WARN_MAGENTA, fmt, ap);
	va_end(ap);
}

void sh_note(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(sh, "note", NOTE_CYAN, fmt, ap);
	va_end(ap);
}

static const char *const sev_names[] = { "note", "warning", "error" };

/* A diagnostic that points into the command line: located there, with a caret under it. */
static void inline_diag(struct sh *sh, const struct cbpf_diag *d, size_t offset)
{
	size_t colno = offset + d->col, len = strlen(sh->cmdline);

	if (sh->where)
		fprintf(sh->err, "%s:%u:%zu: ", sh->where, sh->line, colno);
	fprintf(sh->err, "%s%s:%s %s\n", sh->ecolor ? ERR_RED : "", sev_names[d->severity],
		sh->ecolor ? RESET : "", d->msg);
	/* A long command line (a 4,096-instruction load bpf) is shown around the column. */
	diag_excerpt(sh->err, sh->cmdline, len, (unsigned)colno, d->len, false);
}

bool sh_diags(struct sh *sh, struct cbpf_diags *diags, size_t offset, const char *src,
	      size_t srclen)
{
	struct cbpf_diag_print_opts popts = { .color = sh->ecolor, .fallback = "program" };
	bool error = false;

	if (sh->diag_name)
		popts.fallback = sh->diag_name;
	for (size_t i = 0; i < diags->n; i++) {
		struct cbpf_diag *d = &diags->v[i];
		struct cbpf_diags one = { d, 1, 1, 0 };

		error |= d->severity == CBPF_SEV_ERROR;
		if (!d->file && d->line)
			inline_diag(sh, d, offset);
		else if (!d->file && d->insn < 0 && d->severity == CBPF_SEV_ERROR)
			sh_error(sh, "%s", d->msg);
		else if (!d->file && d->insn < 0)
			sh_note(sh, "%s", d->msg);
		else
			cbpf_diags_print(sh->err, &one, src, srclen, &popts);
	}
	cbpf_diags_free(diags);
	if (error)
		sh->failed = true;
	return error;
}

/*
 * What reading a capture said, each message naming the file (and the packet), after the
 * command's location in a script as every message is. A warning (a record longer than the
 * snapshot length, cut to it as libpcap cuts it) leaves the command's success alone; an error
 * fails it. Returns whether there was an error.
 */
static bool capture_diags(struct sh *sh, struct cbpf_diags *diags)
{
	bool bad = false;

	for (size_t i = 0; i < diags->n; i++) {
		const struct cbpf_diag *d = &diags->v[i];
		const char *file = d->file ? d->file : "capture";

		if (d->severity == CBPF_SEV_ERROR) {
			sh_error(sh, "%s: %s", file, d->msg);
			bad = true;
		} else if (d->severity == CBPF_SEV_WARNING) {
			sh_warning(sh, "%s: %s", file, d->msg);
		} else {
			sh_note(sh, "%s: %s", file, d->msg);
		}
	}
	cbpf_diags_free(diags);
	return bad;
}

/* ---------------------------------------------------------------- helpers */

static char *skip_ws(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The next word of *s (NUL-terminated in place), or NULL; *s moves past it and blanks. */
static char *word(char **s)
{
	char *w = skip_ws(*s), *e;

	if (!*w)
		return NULL;
	for (e = w; *e && *e != ' ' && *e != '\t'; e++)
		;
	if (*e)
		*e++ = '\0';
	*s = skip_ws(e);
	return w;
}

/* A whole word as an unsigned number in strtoull's base (0: C's syntax, octal included). */
static bool parse_base(const char *s, int base, uint64_t *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return !errno && !*end;
}

/* A whole word as an unsigned number: decimal, or hexadecimal after 0x. */
static bool parse_u64(const char *s, uint64_t *out)
{
	return parse_base(s, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10, out);
}

/*
 * A number in C's syntax (42, 0x2a, 052), or a negative one taken modulo 2^64: system call
 * numbers and arguments, as a C program would write them.
 */
static bool parse_arg(const char *s, uint64_t *out)
{
	bool neg = *s == '-';

	if (!parse_base(s + neg, 0, out))
		return false;
	if (neg)
		*out = (uint64_t)0 - *out;
	return true;
}

/*
 * Whether word s is a well-formed number (after a sign) too large for 64 bits: in C's syntax,
 * or else parse_u64's.
 */
static bool too_large(const char *s, bool c_syntax)
{
	char *end;
	bool hex;

	s += *s == '-' || *s == '+';
	hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	(void)strtoull(s, &end, c_syntax ? 0 : hex ? 16 : 10);
	return errno == ERANGE && !*end;
}

/* An instruction number: "5" or "l5". */
static bool parse_pc(const char *s, uint64_t *out)
{
	if (*s == 'l' || *s == 'L')
		s++;
	return parse_u64(s, out);
}

static bool have_prog(struct sh *sh)
{
	if (cbpf_dbg_prog(sh->dbg))
		return true;
	sh_error(sh, "no bpf program loaded!"); /* bpf_dbg's words */
	return false;
}

/* A program and something to run it on. */
static bool runnable(struct sh *sh)
{
	struct cbpf_dbg_input in;

	if (!have_prog(sh))
		return false;
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP)
		return true;
	cbpf_dbg_input(sh->dbg, &in);
	if (in.have_packet)
		return true;
	if (in.capture)
		sh_error(sh, "%s holds no packets", in.capture);
	else
		sh_error(sh, "no pcap file loaded!");
	return false;
}

static bool need_capture(struct sh *sh)
{
	struct cbpf_dbg_input in;

	cbpf_dbg_input(sh->dbg, &in);
	if (in.capture)
		return true;
	sh_error(sh, "no pcap file loaded!");
	return false;
}

static bool socket_only(struct sh *sh, const char *what)
{
	if (cbpf_dbg_mode(sh->dbg) != CBPF_VM_SECCOMP)
		return true;
	sh_error(sh, "%s runs over a capture; a seccomp filter runs on one input "
		     "(syscall, arch)", what);
	return false;
}

static bool no_io(struct sh *sh)
{
	if (!sh->no_io)
		return false;
	sh_error(sh, "files are not read or written here");
	return true;
}

static bool ended(const struct sh *sh)
{
	return cbpf_dbg_state(sh->dbg)->exit != CBPF_VM_RUNNING;
}

/*
 * A run that has ended stays on its input (for back and why) until the next command that
 * executes: that one moves on to the next packet first, as bpf_dbg already had.
 */
static bool move_on(struct sh *sh)
{
	struct cbpf_dbg_input in;
	struct cbpf_diags diags = { 0 };

	if (!ended(sh))
		return true;
	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP || !in.capture) {
		cbpf_dbg_restart(sh->dbg);
		return true;
	}
	cbpf_dbg_next(sh->dbg, &diags);
	capture_diags(sh, &diags);
	return !ended(sh);
}

/* What bpf_dbg says when a program has ended: where the next step goes. */
static void said_end(struct sh *sh)
{
	struct cbpf_dbg_input in;
	char res[64];

	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		show_result(sh, cbpf_dbg_state(sh->dbg)->ret, res, sizeof(res));
		show_tag(sh, "(action: %s)", res);
	} else if (in.capture && !in.have_next) {
		show_tag(sh, "(going back to first packet)");
	} else {
		show_tag(sh, "(next packet)");
	}
}

/* The last instruction executed, with the state it saw, as bpf_dbg shows a stop. */
static void show_last(struct sh *sh, bool with_ret)
{
	const struct cbpf_dbg_hist *h;
	size_t n = cbpf_dbg_history(sh->dbg, &h);
	struct cbpf_vm_state st;

	if (!n)
		return;
	st = h[n - 1].before;
	if (with_ret) {
		st.exit = cbpf_dbg_state(sh->dbg)->exit;
		st.ret = cbpf_dbg_state(sh->dbg)->ret;
	}
	show_stop(sh, &st, with_ret);
}

/*
 * bpf_dbg's breakpoint stop: the instruction and the registers it sees, then the instruction
 * is executed, so that going on does not stop there again.
 */
static void stop_at_break(struct sh *sh)
{
	show_stop(sh, cbpf_dbg_state(sh->dbg), false);
	show_tag(sh, "(breakpoint)");
	cbpf_dbg_step(sh->dbg, NULL);
}

static void stop_at_watch(struct sh *sh, const struct cbpf_dbg_stop *stop)
{
	show_last(sh, false);
	show_tag(sh, "(watch %u: M[%u] %#x -> %#x)", stop->id, stop->mem, stop->old, stop->now);
}

/* ---------------------------------------------------------------- loading */

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
	if (!err) {
		sh->expr_linktype = -1;
		free(sh->expr);
		sh->expr = NULL;
	}
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
 * Whether text that is neither a program nor a policy was meant as a policy: a JSON object
 * whose first member is quoted, or a minijail line "name: ..." or "@directive".
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
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * A program file in any form; seccomp mode when asked or when the program says so. A seccomp
 * file may be a policy (Docker/OCI JSON or minijail text) instead, compiled for its own
 * architectures (the host's when it names none).
 */
static int load_file(struct sh *sh, const char *path, bool seccomp)
{
	struct cbpf_read_opts ropts = { path, CBPF_FORM_AUTO, 0, false };
	struct cbpf_policy_opts popts = { .max_file_size = sh->max_input };
	struct cbpf_diags diags = { 0 }, pdiags = { 0 };
	struct cbpf_prog *prog = NULL;
	bool policy = false, meant;
	enum cbpf_form form;
	char *src = NULL;
	size_t len = 0;
	int err, rc;

	if (no_io(sh))
		return 1;
	err = cbpf_infile_read(path, sh->max_input, &src, &len);
	if (err) {
		char why[64];

		sh_error(sh, "%s: %s%s", path,
			 cbpf_infile_why(err, sh->max_input, why, sizeof(why)),
			 err == -EFBIG ? CLI_MAX_INPUT_HINT : "");
		return 1;
	}
	form = cbpf_form_detect(src, len);
	err = cbpf_prog_read(src, len, &ropts, &prog, &diags);
	/* Not a program: a policy, when loading a seccomp filter or when it looks like one. */
	meant = looks_like_policy(src, len) || has_suffix(path, ".json") ||
		has_suffix(path, ".policy");
	if (err && (seccomp || meant) && err != -ENOMEM) {
		popts.file = path;
		if (!cbpf_policy_compile(src, len, &popts, &prog, &pdiags)) {
			policy = seccomp = true;
			err = 0;
			cbpf_diags_free(&diags);
			diags = pdiags;
		} else if (meant) {
			cbpf_diags_free(&diags);
			diags = pdiags;
		} else {
			cbpf_diags_free(&pdiags);
		}
	}
	if (form == CBPF_FORM_RAW && !policy)
		len = 0; /* no lines to show */
	sh_diags(sh, &diags, 0, len ? src : NULL, len);
	if (err) {
		free(src);
		return 1;
	}
	if (cbpf_prog_kind(prog) == CBPF_KIND_SECCOMP)
		seccomp = true;
	/* Comments name the fields, syscalls and actions, as seccomp-tools does. */
	if (seccomp && !policy && cbpf_seccomp_annotate(prog, sh->arch)) {
		cbpf_prog_free(prog);
		free(src);
		sh_error(sh, "out of memory");
		return 1;
	}
	rc = load_prog(sh, prog, seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET, 0, len ? src : NULL,
		       len);
	if (!rc)
		set_from(sh, policy ? "seccomp policy " : seccomp ? "seccomp filter " : "", path,
			 "");
	cbpf_prog_free(prog);
	free(src);
	return rc;
}

/*
 * Compiles expr as tcpdump -r FILE EXPR does for the capture loaded (its link type, and its
 * snapshot length in the returns), as tcpdump -d does without one; -y asks for another link
 * type. *linktype receives the one it was compiled for.
 */
static int compile_expr(struct sh *sh, const char *expr, struct cbpf_prog **prog, int *linktype,
			struct cbpf_diags *diags)
{
	struct cbpf_compile_opts copts = { .linktype = CBPF_DLT_EN10MB };
	struct cbpf_dbg_input in;

	cbpf_dbg_input(sh->dbg, &in);
	if (sh->linktype >= 0 && (!in.capture || sh->linktype != in.linktype)) {
		copts.linktype = sh->linktype;
		*linktype = copts.linktype;
		return cbpf_pcap_compile(expr, &copts, prog, diags);
	}
	if (in.capture)
		copts.linktype = in.linktype;
	*linktype = copts.linktype;
	return cbpf_dbg_compile(sh->dbg, expr, &copts, prog, diags);
}

static bool same_prog(const struct cbpf_prog *a, const struct cbpf_prog *b)
{
	const struct cbpf_insn *x = cbpf_prog_insns(a), *y = cbpf_prog_insns(b);
	size_t n = cbpf_prog_len(a);

	if (n != cbpf_prog_len(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (x[i].code != y[i].code || x[i].jt != y[i].jt || x[i].jf != y[i].jf ||
		    x[i].k != y[i].k)
			return false;
	return true;
}

static int load_expr(struct sh *sh, const char *expr)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	char *copy = strdup(expr);
	int rc, err, lt;

	if (!copy) {
		sh_error(sh, "out of memory");
		return 1;
	}
	err = compile_expr(sh, expr, &prog, &lt, &diags);
	if (err) {
		free(copy);
		for (size_t i = 0; i < diags.n; i++)
			sh_error(sh, "expression " DIAG_QF ": %s", QUOTE(expr), diags.v[i].msg);
		if (!diags.n)
			sh_error(sh, "out of memory");
		cbpf_diags_free(&diags);
		return 1;
	}
	sh->diag_name = "<expression>";
	rc = load_prog(sh, prog, CBPF_VM_SOCKET, 0, NULL, 0);
	sh->diag_name = NULL;
	if (rc && strstr(expr, "protochain"))
		sh_note(sh, "libpcap's protochain emits a backward jump, which the kernel (and "
			    "cbpf) refuse");
	cbpf_prog_free(prog);
	if (rc) {
		free(copy);
		return rc;
	}
	sh->expr_linktype = lt;
	sh->expr = copy;
	set_from(sh, "expression '", expr, "'");
	return 0;
}

/*
 * A capture was loaded after an expression: the expression is compiled again for it, as
 * tcpdump -r FILE EXPR would, and loaded with a note when that gives another program (another
 * link type, another snapshot length). When it does not compile for this capture, the program
 * stays as it was, with a warning.
 */
static void recompile(struct sh *sh, const char *path)
{
	const struct cbpf_dbg_point *p;
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	struct cbpf_dbg_input in;
	char *expr = sh->expr;
	bool had = false;
	const char *name;
	int lt, rc;

	if (compile_expr(sh, expr, &prog, &lt, &diags)) {
		sh_warning(sh,
			   "expression " DIAG_QF " does not compile for %s: %s; the program stays "
			   "as compiled before",
			   QUOTE(expr), path, diags.n ? diags.v[0].msg : "out of memory");
		cbpf_diags_free(&diags);
		return;
	}
	cbpf_diags_free(&diags);
	if (same_prog(prog, cbpf_dbg_prog(sh->dbg))) {
		sh->expr_linktype = lt;
		cbpf_prog_free(prog);
		return;
	}
	for (size_t i = 0, n = cbpf_dbg_points(sh->dbg, &p); i < n; i++)
		had |= p[i].kind == CBPF_DBG_BREAK;
	sh->expr = NULL; /* load_prog forgets the expression of the program it replaces */
	sh->diag_name = "<expression>";
	rc = load_prog(sh, prog, CBPF_VM_SOCKET, 0, NULL, 0);
	sh->diag_name = NULL;
	cbpf_prog_free(prog);
	sh->expr = expr; /* the program loaded (this one, or the one before) is expr's */
	if (rc)
		return;
	sh->expr_linktype = lt;
	name = cbpf_linktype_name(lt);
	cbpf_dbg_input(sh->dbg, &in);
	sh_note(sh,
		"expression " DIAG_QF " compiled again for %s (link type %s, snapshot length %u)%s",
		QUOTE(expr), path, name ? name : "?", in.snaplen,
		had ? ": its breakpoints are deleted" : "");
}

bool sh_is_stdin(const char *path)
{
	struct stat a, b;

	return !strcmp(path, "-") || (!stat(path, &a) && !fstat(STDIN_FILENO, &b) &&
				      a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

static int load_capture(struct sh *sh, const char *path)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_input in;
	int err;

	if (no_io(sh))
		return 1;
	if (sh->stdin_commands && sh_is_stdin(path)) {
		sh_error(sh, "%s is standard input, which carries the commands here: give the "
			     "capture as a file, or the commands with -c or a script", path);
		return 1;
	}
	err = cbpf_dbg_open_capture(sh->dbg, path, &diags);
	if (capture_diags(sh, &diags) || err)
		return 1;
	cbpf_dbg_input(sh->dbg, &in);
	if (!in.have_packet)
		sh_note(sh, "%s holds no packets: run counts none, and there is nothing to step",
			path);
	if (sh->expr)
		recompile(sh, path);
	if (sh->expr && sh->linktype >= 0 && sh->expr_linktype != in.linktype) {
		const char *was = cbpf_linktype_name(sh->expr_linktype);
		const char *is = cbpf_linktype_name(in.linktype);

		sh_note(sh, "the expression is compiled for link type %s (-y), and this capture's "
			    "is %s",
			was ? was : "?", is ? is : "?");
	}
	return 0;
}

/* pcap, pcap (swapped, nanosecond) and pcapng magic numbers. */
static bool is_capture(const char *path)
{
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1,
					   0x0a0d0d0a };
	FILE *fp = fopen(path, "rb");
	uint32_t m = 0;
	bool yes = false;

	if (!fp)
		return false;
	if (fread(&m, sizeof(m), 1, fp) == 1)
		for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
			yes |= m == magics[i];
	fclose(fp);
	return yes;
}

/*
 * Whether path can be looked into and read again: a file, or a directory or nothing (the loads
 * say what is wrong), not a pipe, a device or "-".
 */
static bool rereadable(const char *path)
{
	struct stat st;

	return strcmp(path, "-") && (stat(path, &st) || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
}

/* bpf_dbg's matches(): a word is a prefix of the keyword. */
static bool matches(const char *w, const char *keyword)
{
	size_t n = strlen(w);

	return n && n <= strlen(keyword) && !memcmp(w, keyword, n);
}

static int cmd_load(struct sh *sh, char *args, size_t off)
{
	char *rest = args, *sub = word(&rest);
	size_t roff = off + (size_t)(rest - args);

	if (!sub) {
		sh_error(sh, "load what? load bpf CODE | pcap FILE | expr EXPR | seccomp FILE | "
			     "prog FILE | FILE");
		return 1;
	}
	/* bpf_dbg's two first, so that "load p" stays "load pcap". */
	if (matches(sub, "bpf"))
		return load_bpf(sh, rest, roff);
	if (matches(sub, "pcap") || matches(sub, "expr") || matches(sub, "seccomp") ||
	    matches(sub, "prog") || matches(sub, "file")) {
		if (!*rest) {
			sh_error(sh, "load %s needs %s", sub,
				 matches(sub, "expr") ? "a filter expression" : "a file name");
			return 1;
		}
		if (matches(sub, "pcap"))
			return load_capture(sh, rest);
		if (matches(sub, "expr"))
			return load_expr(sh, rest);
		return load_file(sh, rest, matches(sub, "seccomp"));
	}
	/* load FILE: a capture or a program, by what the file holds. */
	if (no_io(sh))
		return 1;
	if (!rereadable(args)) {
		/* Looking would take the bytes away from whichever load follows. */
		sh_error(sh, "'%s' is not a file, which cannot be looked into without reading it: "
			     "say load pcap or load prog", args);
		return 1;
	}
	if (is_capture(args))
		return load_capture(sh, args);
	return load_file(sh, args, false);
}

/* ---------------------------------------------------------------- bpf_dbg's commands */

static int cmd_select(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	uint64_t n;
	int err;

	(void)off;
	if (!need_capture(sh))
		return 1;
	if (!*args) {
		sh_error(sh, "select needs a packet number");
		return 1;
	}
	if (!parse_u64(args, &n)) {
		sh_error(sh, "select needs a packet number, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	if (n == 0) {
		fprintf(sh->out, "packet count starts with 1, clamping!\n");
		n = 1;
	}
	err = cbpf_dbg_select(sh->dbg, n, &diags);
	if (err == -ENOENT) {
		sh_error(sh, "no packet #%" PRIu64 " available!", n);
		for (size_t i = 0; i < diags.n; i++)
			sh_note(sh, "%s", diags.v[i].msg);
		cbpf_diags_free(&diags);
		return 1;
	}
	capture_diags(sh, &diags);
	return err ? 1 : 0;
}

/* How far one step goes, either way: twice the longest run, as before it was said. */
#define STEP_MAX (CBPF_MAXINSNS * 2u)

static int cmd_step(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_hist *h;
	long n = 1;

	(void)off;
	if (!runnable(sh))
		return 1;
	if (*args) {
		uint64_t v;
		bool neg = *args == '-';

		if (!parse_u64(args + (neg || *args == '+'), &v) && !too_large(args, false)) {
			sh_error(sh,
				 "step takes a number of instructions (-N goes back), not " DIAG_QF,
				 QUOTE(args));
			return 1;
		}
		if (too_large(args, false) || v > STEP_MAX) {
			sh_error(sh, "step %s at most %u instructions at a time (a packet's run is "
				     "%u at most), not " DIAG_QF,
				 neg ? "goes back" : "takes", STEP_MAX, CBPF_MAXINSNS, QUOTE(args));
			return 1;
		}
		n = neg ? -(long)v : (long)v;
	}
	if (n == 0)
		n = 1;
	if (n < 0) {
		/*
		 * bpf_dbg: back to the state before the instruction shown -n steps ago. Once the
		 * end of a packet was said ("(next packet)"), bpf_dbg has moved on and its
		 * history is gone: only back goes into a finished run. A run stopped at a
		 * breakpoint on a return has not said so yet, and keeps it.
		 */
		size_t k = cbpf_dbg_history(sh->dbg, &h);

		if ((ended(sh) && !sh->uncounted) || (size_t)-n + 1 > k) {
			sh_error(sh, "reached bottom of register history stack!");
			return 1;
		}
		sh->uncounted = false;
		cbpf_dbg_back(sh->dbg, (size_t)-n + 1);
		n = 1;
	} else if (sh->uncounted && ended(sh)) {
		/*
		 * run stopped at a breakpoint on a return, which it executed: as bpf_dbg, the next
		 * step finishes that packet and goes no further.
		 */
		sh->uncounted = false;
		said_end(sh);
		return 0;
	} else if (!move_on(sh)) {
		return 1;
	}
	sh->uncounted = false;
	while (--n > 0 && !ended(sh))
		cbpf_dbg_step(sh->dbg, NULL);
	if (!ended(sh)) {
		show_stop(sh, cbpf_dbg_state(sh->dbg), false);
		show_tag(sh, "(breakpoint)");
		cbpf_dbg_step(sh->dbg, NULL);
	}
	if (ended(sh))
		said_end(sh);
	return 0;
}

static int cmd_run(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_stop stop;
	struct cbpf_dbg_input in;
	uint64_t n = 0;
	bool skipped = false;
	char res[64];
	int err;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (in.capture && !in.have_packet && cbpf_dbg_prog(sh->dbg) &&
	    cbpf_dbg_mode(sh->dbg) == CBPF_VM_SOCKET) {
		/* A capture without packets: a run over none. */
		fprintf(sh->out, "bpf passes:0 fails:0\n");
		memset(&sh->tally, 0, sizeof(sh->tally));
		return 0;
	}
	if (!runnable(sh))
		return 1;
	if (*args && !parse_u64(args, &n)) {
		sh_error(sh, "run takes a number of packets, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	/*
	 * A packet whose breakpoint was its return is counted now, as one of the N, as bpf_dbg
	 * does; when it was the last one, that is the end of the run.
	 */
	memset(&stop, 0, sizeof(stop));
	err = 0;
	if (sh->uncounted && ended(sh)) {
		sh->uncounted = false;
		if (cbpf_dbg_state(sh->dbg)->ret)
			sh->tally.pass++;
		else
			sh->tally.fail++;
		cbpf_dbg_input(sh->dbg, &in);
		if (n == 1 || (in.capture && !in.have_next)) {
			skipped = in.capture;
			goto done;
		}
		if (n)
			n--;
	}
	sh->uncounted = false;
	err = cbpf_dbg_run(sh->dbg, n, &stop, &sh->tally, &diags);
	capture_diags(sh, &diags);
	if (err && stop.why != CBPF_DBG_END)
		return 1;
	switch (stop.why) {
	case CBPF_DBG_HIT_BREAK:
		stop_at_break(sh);
		sh->uncounted = ended(sh);
		return 0;
	case CBPF_DBG_HIT_WATCH:
		stop_at_watch(sh, &stop);
		return 0;
	case CBPF_DBG_INTERRUPT:
		cbpf_dbg_input(sh->dbg, &in);
		show_tag(sh, "(interrupted at packet %" PRIu64 ")", in.number);
		return 1;
	default:
		break;
	}
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		char name[64], arch[32];

		cbpf_dbg_input(sh->dbg, &in);
		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		show_result(sh, cbpf_dbg_state(sh->dbg)->ret, res, sizeof(res));
		fprintf(sh->out, "syscall %s, arch %s: %s (ret %#x)\n", name, arch, res,
			cbpf_dbg_state(sh->dbg)->ret);
		memset(&sh->tally, 0, sizeof(sh->tally));
		return 0;
	}
done:
	fprintf(sh->out, "bpf passes:%" PRIu64 " fails:%" PRIu64 "\n", sh->tally.pass,
		sh->tally.fail);
	memset(&sh->tally, 0, sizeof(sh->tally));
	if (skipped) {
		/* The run was that one packet: back to the first as after any run. */
		cbpf_dbg_select(sh->dbg, 1, &diags);
		capture_diags(sh, &diags);
	}
	return err ? 1 : 0;
}

/* bpf_dbg's breakpoint [N|reset]: plain breakpoints at instructions. */
static int cmd_breakpoint(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_point *p;
	size_t n;
	uint64_t pc;
	char dis[96];

	(void)off;
	if (!have_prog(sh))
		return 1;
	n = cbpf_dbg_points(sh->dbg, &p);
	if (!*args) {
		fprintf(sh->out, "breakpoints: ");
		for (size_t i = 0; i < n; i++) {
			bool dup = false;

			if (p[i].kind != CBPF_DBG_BREAK || p[i].pc < 0)
				continue;
			for (size_t j = 0; j < i; j++)
				dup |= p[j].kind == CBPF_DBG_BREAK && p[j].pc == p[i].pc;
			if (!dup)
				fprintf(sh->out, "%ld ", p[i].pc);
		}
		fprintf(sh->out, "\n");
		return 0;
	}
	if (matches(args, "reset")) {
		cbpf_dbg_delete_all(sh->dbg, CBPF_DBG_BREAK);
		return 0;
	}
	if (!parse_pc(args, &pc) || pc >= cbpf_prog_len(cbpf_dbg_prog(sh->dbg))) {
		sh_error(sh, "no instruction " DIAG_QF ": the program has l0 to l%zu", QUOTE(args),
			 cbpf_prog_len(cbpf_dbg_prog(sh->dbg)) - 1);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].kind == CBPF_DBG_BREAK && p[i].pc == (long)pc && !p[i].cond) {
			fprintf(sh->out, "breakpoint already set!\n");
			goto show;
		}
	}
	cbpf_dbg_break(sh->dbg, (long)pc, NULL, NULL, NULL);
show:
	show_disasm(&cbpf_prog_insns(cbpf_dbg_prog(sh->dbg))[pc], (unsigned)pc, dis, sizeof(dis));
	fprintf(sh->out, "breakpoint at: %s\n", dis);
	return 0;
}

static void print_insn(struct sh *sh, uint32_t pc)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const char *comment = cbpf_prog_comment(prog, pc);
	char dis[96];

	show_disasm(&cbpf_prog_insns(prog)[pc], pc, dis, sizeof(dis));
	if (comment)
		fprintf(sh->out, "%s\t; %s\n", dis, comment);
	else
		fprintf(sh->out, "%s\n", dis);
}

static int cmd_disassemble(struct sh *sh, char *args, size_t off)
{
	size_t len;
	uint64_t pc;

	(void)off;
	if (!have_prog(sh))
		return 1;
	len = cbpf_prog_len(cbpf_dbg_prog(sh->dbg));
	if (*args) {
		if (!parse_pc(args, &pc) || pc >= len) {
			sh_error(sh, "no instruction " DIAG_QF ": the program has l0 to l%zu",
				 QUOTE(args), len - 1);
			return 1;
		}
		print_insn(sh, (uint32_t)pc);
		return 0;
	}
	for (uint32_t i = 0; i < len; i++)
		print_insn(sh, i);
	return 0;
}

/* tools/bpf/bpf_dbg.c: bpf_dump_all. */
static int cmd_dump(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_insn *in;
	size_t len;

	(void)args;
	(void)off;
	if (!have_prog(sh))
		return 1;
	in = cbpf_prog_insns(cbpf_dbg_prog(sh->dbg));
	len = cbpf_prog_len(cbpf_dbg_prog(sh->dbg));
	fprintf(sh->out, "/* { op, jt, jf, k }, */\n");
	for (size_t i = 0; i < len; i++)
		fprintf(sh->out, "{ %#04x, %2u, %2u, %#010x },\n", in[i].code, in[i].jt, in[i].jf,
			in[i].k);
	return 0;
}

static int cmd_quit(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	sh->quit = true;
	return 0;
}

/* ---------------------------------------------------------------- stepping, beyond bpf_dbg */

static int cmd_back(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_hist *h;
	struct cbpf_dbg_input in;
	uint64_t n = 1;
	size_t k;

	(void)off;
	if (!runnable(sh))
		return 1;
	if (*args && (!parse_u64(args, &n) || n == 0)) {
		sh_error(sh, "back takes a number of instructions, not " DIAG_QF, QUOTE(args));
		return 1;
	}
	k = cbpf_dbg_history(sh->dbg, &h);
	if (n > k) {
		sh_error(sh, "cannot go back %" PRIu64 " instruction%s: %zu %s executed on this "
			     "input",
			 n, n == 1 ? "" : "s", k, k == 1 ? "was" : "were");
		return 1;
	}
	sh->uncounted = false;
	cbpf_dbg_back(sh->dbg, (size_t)n);
	if (k > n) {
		show_last(sh, false);
		show_tag(sh, "(back)");
		return 0;
	}
	cbpf_dbg_input(sh->dbg, &in);
	if (cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP)
		show_tag(sh, "(back at the start)");
	else
		show_tag(sh, "(back at the start of packet %" PRIu64 ")", in.number);
	return 0;
}

static int cmd_finish(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_stop stop;

	(void)off;
	if (*args) {
		sh_error(sh, "finish takes no arguments");
		return 1;
	}
	if (!runnable(sh))
		return 1;
	if (sh->uncounted && ended(sh)) {
		/* Stopped at a breakpoint on the return, which ran: the packet is at its end. */
		sh->uncounted = false;
		show_last(sh, true);
		show_tag(sh, "(finish)");
		said_end(sh);
		return 0;
	}
	if (!move_on(sh))
		return 1;
	sh->uncounted = false;
	if (cbpf_dbg_continue(sh->dbg, 0, &stop))
		return 1;
	switch (stop.why) {
	case CBPF_DBG_HIT_BREAK:
		stop_at_break(sh);
		if (ended(sh))
			said_end(sh);
		return 0;
	case CBPF_DBG_HIT_WATCH:
		stop_at_watch(sh, &stop);
		return 0;
	default:
		show_last(sh, true);
		show_tag(sh, "(finish)");
		said_end(sh);
		return 0;
	}
}

static int cmd_regs(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!runnable(sh))
		return 1;
	if (ended(sh)) {
		show_last(sh, true);
		return 0;
	}
	show_regs(sh, cbpf_dbg_state(sh->dbg), false);
	return 0;
}

static int cmd_why(struct sh *sh, char *args, size_t off)
{
	(void)args;
	(void)off;
	if (!runnable(sh))
		return 1;
	if (show_why(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

static int cmd_packet(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;

	(void)args;
	(void)off;
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		show_input(sh);
		return 0;
	}
	cbpf_dbg_input(sh->dbg, &in);
	if (!in.have_packet) {
		if (in.capture)
			sh_error(sh, "%s holds no packets", in.capture);
		else
			sh_error(sh, "no pcap file loaded!");
		return 1;
	}
	if (show_packet(sh)) {
		sh_error(sh, "out of memory");
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- breakpoints and watches */

static void list_points(struct sh *sh)
{
	const struct cbpf_dbg_point *p;
	size_t n = cbpf_dbg_points(sh->dbg, &p);

	if (!n) {
		fprintf(sh->out, "no breakpoints or watches\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(sh->out, "%u\t", p[i].id);
		if (p[i].kind == CBPF_DBG_WATCH) {
			fprintf(sh->out, "watch M[%u]", p[i].mem);
		} else {
			fprintf(sh->out, "break");
			if (p[i].pc >= 0)
				fprintf(sh->out, " at l%ld", p[i].pc);
			if (p[i].cond)
				fprintf(sh->out, " if %s", cbpf_dbg_expr_text(p[i].cond));
		}
		if (p[i].hits)
			fprintf(sh->out, "\t(%" PRIu64 " hit%s)", p[i].hits,
				p[i].hits == 1 ? "" : "s");
		fputc('\n', sh->out);
	}
}

static int cmd_break(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	char *rest = args, *w;
	const char *cond = NULL;
	uint64_t pc = (uint64_t)-1;
	size_t coff = 0;
	unsigned id;

	if (!have_prog(sh))
		return 1;
	if (!*args) {
		list_points(sh);
		return 0;
	}
	w = word(&rest);
	if (!strcmp(w, "at")) {
		w = word(&rest);
		if (!w) {
			sh_error(sh, "break at needs an instruction");
			return 1;
		}
	}
	if (strcmp(w, "if")) {
		if (!parse_pc(w, &pc)) {
			sh_error(sh,
				 "break takes [at] N [if CONDITION] or if CONDITION, not " DIAG_QF,
				 QUOTE(w));
			return 1;
		}
		w = word(&rest);
		if (w && strcmp(w, "if")) {
			sh_error(sh, "expected 'if' after the instruction, not " DIAG_QF, QUOTE(w));
			return 1;
		}
	}
	if (w) {
		if (!*rest) {
			sh_error(sh, "'if' needs a condition");
			return 1;
		}
		cond = rest;
		coff = off + (size_t)(rest - args);
	}
	if (pc != (uint64_t)-1 && pc >= cbpf_prog_len(cbpf_dbg_prog(sh->dbg))) {
		sh_error(sh, "no instruction %" PRIu64 ": the program has l0 to l%zu", pc,
			 cbpf_prog_len(cbpf_dbg_prog(sh->dbg)) - 1);
		return 1;
	}
	if (cbpf_dbg_break(sh->dbg, pc == (uint64_t)-1 ? -1 : (long)pc, cond, &id, &diags)) {
		sh_diags(sh, &diags, coff, NULL, 0);
		return 1;
	}
	fprintf(sh->out, "breakpoint %u", id);
	if (pc != (uint64_t)-1)
		fprintf(sh->out, " at l%" PRIu64, pc);
	if (cond)
		fprintf(sh->out, " if %s", cond);
	fputc('\n', sh->out);
	return 0;
}

static int cmd_watch(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_dbg_point *p;
	const char *s = args;
	size_t n;
	uint64_t m;
	unsigned id;

	(void)off;
	if (!*args) {
		n = cbpf_dbg_points(sh->dbg, &p);
		for (size_t i = 0; i < n; i++)
			if (p[i].kind == CBPF_DBG_WATCH)
				fprintf(sh->out, "%u\twatch M[%u]\n", p[i].id, p[i].mem);
		return 0;
	}
	if (*s == 'M' || *s == 'm') {
		size_t l = strlen(s);
		char num[32];

		if (s[1] != '[' || s[l - 1] != ']' || l - 3 >= sizeof(num)) {
			sh_error(sh, "watch takes M[i] (i from 0 to 15), not " DIAG_QF,
				 QUOTE(args));
			return 1;
		}
		memcpy(num, s + 2, l - 3);
		num[l - 3] = '\0';
		if (!parse_u64(num, &m) || m > 15) {
			sh_error(sh, "watch takes M[i] (i from 0 to 15), not " DIAG_QF,
				 QUOTE(args));
			return 1;
		}
	} else if (!parse_u64(s, &m) || m > 15) {
		sh_error(sh, "watch takes M[i] (i from 0 to 15), not " DIAG_QF, QUOTE(args));
		return 1;
	}
	cbpf_dbg_watch(sh->dbg, (unsigned)m, &id);
	fprintf(sh->out, "watch %u: M[%" PRIu64 "]\n", id, m);
	return 0;
}

static int cmd_delete(struct sh *sh, char *args, size_t off)
{
	char *rest = args, *w;
	int rc = 0;

	(void)off;
	if (!*args) {
		cbpf_dbg_delete_all(sh->dbg, -1);
		return 0;
	}
	while ((w = word(&rest))) {
		uint64_t id;

		if (!parse_u64(w, &id) || id > UINT32_MAX ||
		    cbpf_dbg_delete(sh->dbg, (unsigned)id)) {
			sh_error(sh, "no breakpoint or watch " DIAG_QF " ('break' lists them)",
				 QUOTE(w));
			rc = 1;
		}
	}
	return rc;
}

static int cmd_print(struct sh *sh, char *args, size_t off)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_expr *e;
	uint64_t v;
	int err;

	if (!*args) {
		sh_error(sh, "print needs an expression, such as pkt[12:2] or M[1] + 1");
		return 1;
	}
	if (cbpf_dbg_expr_parse(args, &e, &diags)) {
		sh_diags(sh, &diags, off, NULL, 0);
		return 1;
	}
	err = cbpf_dbg_expr_eval(sh->dbg, e, &v);
	cbpf_dbg_expr_free(e);
	if (err == -EINVAL) {
		sh_error(sh, "division by zero");
		return 1;
	}
	if (err) {
		sh_error(sh,
			 DIAG_QF " has no value here (a packet byte not captured, a field of "
				 "the other kind of input, or no input)",
			 QUOTE(args));
		return 1;
	}
	fprintf(sh->out, "%#" PRIx64 " (%" PRIu64 ")\n", v, v);
	return 0;
}

/* ---------------------------------------------------------------- inputs */

static int cmd_set(struct sh *sh, char *args, size_t off)
{
	size_t nf;
	const struct cbpf_dbg_field *f = cbpf_dbg_fields(&nf);
	char *rest = args, *name = word(&rest), *val = word(&rest);
	uint64_t v;
	int err;

	(void)off;
	if (!name) {
		for (size_t i = 0; i < nf; i++) {
			bool set;

			cbpf_dbg_meta_get(sh->dbg, f[i].name, &v, &set);
			const char *how = set ? "set" : f[i].derived ? "from the packet" : NULL;

			if (how)
				fprintf(sh->out, "%-13s%#-12" PRIx64 "%s\n", f[i].name, v, how);
			else
				fprintf(sh->out, "%-13s%#" PRIx64 "\n", f[i].name, v);
		}
		return 0;
	}
	if (!strcmp(name, "jit")) {
		/* Runs over captures as native code or interpreted: the same results. */
		if (!val || *rest || (strcmp(val, "on") && strcmp(val, "off"))) {
			sh_error(sh, "set jit takes on or off");
			return 1;
		}
		cbpf_dbg_set_jit(sh->dbg, !strcmp(val, "on"));
		return 0;
	}
	if (!strcmp(name, "ip")) {
		struct cbpf_dbg_input in;
		struct cbpf_seccomp_data sd;

		if (val && too_large(val, true)) {
			sh_error(sh, DIAG_QF " is too large for the instruction pointer (64 bits: "
				     "at most 0xffffffffffffffff)",
				 QUOTE(val));
			return 1;
		}
		if (!val || !parse_arg(val, &v)) {
			sh_error(sh, "set ip takes a number");
			return 1;
		}
		cbpf_dbg_input(sh->dbg, &in);
		sd = *in.sd;
		sd.instruction_pointer = v;
		cbpf_dbg_set_seccomp(sh->dbg, &sd);
		return 0;
	}
	if (!val || *rest) {
		sh_error(sh, "set takes a field and a value: set mark 7, set mark auto");
		return 1;
	}
	if (!strcmp(val, "auto")) {
		err = cbpf_dbg_meta_reset(sh->dbg, name);
	} else if (!parse_u64(val, &v)) {
		if (too_large(val, false) && cbpf_dbg_meta_get(sh->dbg, name, &v, NULL) == -ENOENT)
			sh_error(sh, "no field " DIAG_QF " ('set' lists them)", QUOTE(name));
		else if (too_large(val, false))
			sh_error(sh, "%.*s%s is out of range for %s", QUOTE(val), name);
		else
			sh_error(sh, DIAG_QF " is not a number", QUOTE(val));
		return 1;
	} else {
		err = cbpf_dbg_meta_set(sh->dbg, name, v);
	}
	if (err == -ENOENT) {
		sh_error(sh, "no field " DIAG_QF " ('set' lists them)", QUOTE(name));
		return 1;
	}
	if (err) {
		sh_error(sh, "%s is out of range for %s", val, name);
		return 1;
	}
	return 0;
}

/* The name of the architecture whose AUDIT_ARCH_* value is audit, or NULL. */
static enum cbpf_arch arch_of(uint32_t audit, enum cbpf_arch prefer)
{
	if (cbpf_arch_audit(prefer) == audit)
		return prefer;
	for (int a = CBPF_ARCH_X86_64; a < CBPF_ARCH_X86_64 + CBPF_ARCH_COUNT; a++)
		if (cbpf_arch_audit((enum cbpf_arch)a) == audit)
			return (enum cbpf_arch)a;
	return CBPF_ARCH_NONE;
}

/* "openat (257)" or "257" into buf: the input's syscall as the current architecture names it. */
void sh_syscall_name(struct sh *sh, const struct cbpf_seccomp_data *sd, char *buf, size_t size)
{
	const char *name = NULL;

	if (cbpf_arch_audit(sh->arch) == sd->arch)
		name = cbpf_syscall_name(sh->arch, (uint32_t)sd->nr);
	if (name)
		snprintf(buf, size, "%s (%d)", name, sd->nr);
	else
		snprintf(buf, size, "%d", sd->nr);
}

/* The input's architecture: "x86_64" or its number. */
void sh_arch_name(struct sh *sh, uint32_t audit, char *buf, size_t size)
{
	enum cbpf_arch a = arch_of(audit, sh->arch);

	if (a != CBPF_ARCH_NONE)
		snprintf(buf, size, "%s", cbpf_arch_name(a));
	else
		snprintf(buf, size, "%#x", audit);
}

static int cmd_syscall(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;
	struct cbpf_seccomp_data sd;
	char *rest = args, *w = word(&rest), name[64], arch[32];
	uint32_t nr;
	uint64_t v;
	int i = 0;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (!w) {
		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		fprintf(sh->out, "syscall %s, arch %s, args", name, arch);
		for (int a = 0; a < 6; a++)
			fprintf(sh->out, " %#" PRIx64, in.sd->args[a]);
		fprintf(sh->out, ", ip %#" PRIx64 "\n", in.sd->instruction_pointer);
		return 0;
	}
	sd = *in.sd;
	if (parse_arg(w, &v)) {
		/* seccomp_data.nr is an int: any 32-bit number, -1 and 0xffffffff alike. */
		if (v > UINT32_MAX && v < (uint64_t)INT32_MIN) {
			sh_error(sh, DIAG_QF " is not a system call number (32 bits)", QUOTE(w));
			return 1;
		}
		sd.nr = (int32_t)(uint32_t)v;
	} else if (too_large(w, true)) {
		sh_error(sh, DIAG_QF " is not a system call number (32 bits)", QUOTE(w));
		return 1;
	} else if (isdigit((unsigned char)*w) || *w == '-') {
		sh_error(sh, DIAG_QF " is not a number (C's syntax: 42, 0x2a, 052, -1)", QUOTE(w));
		return 1;
	} else if (!cbpf_syscall_nr(sh->arch, w, &nr)) {
		sd.nr = (int32_t)nr;
	} else {
		sh_error(sh, "%s " DIAG_QF "%s%s", cbpf_syscall_exists(w) ? "no system call" :
			 "unknown system call", QUOTE(w), cbpf_syscall_exists(w) ? " on " : "",
			 cbpf_syscall_exists(w) ? cbpf_arch_name(sh->arch) : "");
		return 1;
	}
	memset(sd.args, 0, sizeof(sd.args));
	while ((w = word(&rest))) {
		if (i == 6) {
			sh_error(sh, "a system call has 6 arguments at most");
			return 1;
		}
		if (too_large(w, true)) {
			sh_error(sh, "argument %d: " DIAG_QF " is too large: arguments have 64 bits "
				     "(at most 0xffffffffffffffff, or -1)",
				 i, QUOTE(w));
			return 1;
		}
		if (!parse_arg(w, &sd.args[i])) {
			sh_error(sh,
				 "argument %d: " DIAG_QF " is not a number (C's syntax: 42, "
				 "0x2a, 052, -1)",
				 i, QUOTE(w));
			return 1;
		}
		i++;
	}
	sh->uncounted = false;
	cbpf_dbg_set_seccomp(sh->dbg, &sd);
	/* Name the action reached at once; 'step' and 'why' then follow the way there. */
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP && show_reached(sh))
		return 1;
	return 0;
}

static int cmd_arch(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_input in;
	struct cbpf_seccomp_data sd;
	enum cbpf_arch a;
	char name[32];
	uint64_t v;

	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (!*args) {
		sh_arch_name(sh, in.sd->arch, name, sizeof(name));
		fprintf(sh->out, "arch %s (%#x)\n", name, in.sd->arch);
		return 0;
	}
	sd = *in.sd;
	if (!cbpf_arch_parse(args, &a)) {
		sh->arch = a;
		sd.arch = cbpf_arch_audit(a);
	} else if (parse_u64(args, &v) && v <= UINT32_MAX) {
		sd.arch = (uint32_t)v;
		a = arch_of(sd.arch, sh->arch);
		if (a != CBPF_ARCH_NONE)
			sh->arch = a;
	} else {
		sh_error(sh,
			 "unknown architecture " DIAG_QF " (x86_64, i386, x32, aarch64, arm, riscv64, "
			 "ppc64le, s390x, loongarch64, mips, mipsel, mips64, mips64el, or an "
			 "AUDIT_ARCH_* number)",
			 QUOTE(args));
		return 1;
	}
	sh->uncounted = false;
	cbpf_dbg_set_seccomp(sh->dbg, &sd);
	/* Name the action reached at once; 'step' and 'why' then follow the way there. */
	if (cbpf_dbg_prog(sh->dbg) && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP && show_reached(sh))
		return 1;
	return 0;
}

static int cmd_filter(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_sweep_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally t;
	uint64_t written = 0;
	bool to_stdout = !strcmp(args, "-");
	int err;

	(void)off;
	if (!*args) {
		sh_error(sh, "filter needs a file to write");
		return 1;
	}
	if (no_io(sh) || !have_prog(sh) || !socket_only(sh, "filter") || !need_capture(sh))
		return 1;
	if (to_stdout) {
		/* Standard output carries the capture alone: nothing else may go there. */
		if (!sh->where) {
			sh_error(sh, "filter - writes the capture to standard output, which this "
				     "session's prompt and results share: give a file");
			return 1;
		}
		if (isatty(fileno(sh->out))) {
			sh_error(sh, "filter - writes a binary capture to standard output, which "
				     "is a terminal: redirect it, or give a file");
			return 1;
		}
		/*
		 * What is written to standard output cannot be taken back: the capture is read
		 * through once first, so that a damaged one writes nothing there either.
		 */
		err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
		capture_diags(sh, &diags);
		if (err || t.interrupted)
			return 1;
	}
	opts.write = args;
	opts.written = &written;
	err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
	capture_diags(sh, &diags);
	if (t.interrupted) {
		show_tag(sh, "(interrupted: nothing written)");
		return 1;
	}
	if (err)
		return 1;
	fprintf(to_stdout ? sh->err : sh->out,
		"%" PRIu64 " of %" PRIu64 " packets accepted, written to %s\n", written,
		t.pass + t.fail, to_stdout ? "standard output" : args);
	return 0;
}

static int cmd_coverage(struct sh *sh, char *args, size_t off)
{
	struct cbpf_dbg_sweep_opts opts = { 0 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_dbg_tally t;
	int err;

	(void)off;
	if (*args) {
		sh_error(sh, "coverage takes no arguments");
		return 1;
	}
	if (!have_prog(sh) || !socket_only(sh, "coverage") || !need_capture(sh))
		return 1;
	opts.hits = calloc(cbpf_prog_len(cbpf_dbg_prog(sh->dbg)), sizeof(*opts.hits));
	if (!opts.hits) {
		sh_error(sh, "out of memory");
		return 1;
	}
	err = cbpf_dbg_sweep(sh->dbg, &opts, &t, &diags);
	capture_diags(sh, &diags);
	if (t.interrupted)
		show_tag(sh, "(interrupted: the counts cover the packets before)");
	show_coverage(sh, opts.hits, &t);
	free(opts.hits);
	return err || t.interrupted ? 1 : 0;
}

static int cmd_info(struct sh *sh, char *args, size_t off)
{
	const struct cbpf_prog *prog = cbpf_dbg_prog(sh->dbg);
	const struct cbpf_dbg_point *p;
	struct cbpf_dbg_input in;
	const char *lt;

	(void)args;
	(void)off;
	cbpf_dbg_input(sh->dbg, &in);
	if (prog)
		fprintf(sh->out, "program: %s, %zu instructions, %s filter\n",
			sh->prog_from ? sh->prog_from : "?", cbpf_prog_len(prog),
			cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP ? "seccomp" : "socket");
	else
		fprintf(sh->out, "program: none\n");
	if (in.capture) {
		lt = cbpf_linktype_name(in.linktype);
		fprintf(sh->out, "capture: %s, link type %s, snapshot length %u", in.capture,
			lt ? lt : "?", in.snaplen);
		if (in.counted)
			fprintf(sh->out, ", %" PRIu64 " packet%s", in.count,
				in.count == 1 ? "" : "s");
		if (in.have_packet)
			fprintf(sh->out, "\npacket:  %" PRIu64 ", %u bytes%s\n", in.number,
				in.wirelen, in.caplen < in.wirelen ? " (truncated)" : "");
		else
			fprintf(sh->out, "\npacket:  none\n");
	} else {
		fprintf(sh->out, "capture: none\n");
	}
	if (prog && cbpf_dbg_mode(sh->dbg) == CBPF_VM_SECCOMP) {
		char name[64], arch[32];

		sh_syscall_name(sh, in.sd, name, sizeof(name));
		sh_arch_name(sh, in.sd->arch, arch, sizeof(arch));
		fprintf(sh->out, "input:   syscall %s, arch %s\n", name, arch);
	}
	if (prog) {
		const struct cbpf_vm_state *st = cbpf_dbg_state(sh->dbg);
		const struct cbpf_dbg_hist *h;
		size_t k = cbpf_dbg_history(sh->dbg, &h);

		if (st->exit != CBPF_VM_RUNNING)
			fprintf(sh->out, "run:     ended after %zu instruction%s, ret %#x\n", k,
				k == 1 ? "" : "s", st->ret);
		else
			fprintf(sh->out, "run:     at l%u after %zu instruction%s\n", st->pc, k,
				k == 1 ? "" : "s");
	}
	fprintf(sh->out, "points:  %zu\n", cbpf_dbg_points(sh->dbg, &p));
	return 0;
}

/* ---------------------------------------------------------------- help and dispatch */

struct cmd {
	const char *name;
	int (*fn)(struct sh *sh, char *args, size_t off);
	const char *usage;
	const char *help;
	const char *summary; /* for the list */
	const char *short_usage; /* for the list, when usage is too long; NULL: usage */
};

static int cmd_help(struct sh *sh, char *args, size_t off);

static const struct cmd cmds[] = {
	{ "load", cmd_load,
	  "load bpf CODE | pcap FILE | expr EXPR | seccomp FILE | prog FILE | FILE",
	  "Loads a program or a capture.\n"
	  "  load bpf CODE      bpf_asm's comma form: 4,40 0 0 12,21 0 1 2048,6 0 0 -1,6 0 0 0\n"
	  "  load pcap FILE     a pcap or pcapng capture; its first packet is selected, and\n"
	  "                     a program loaded from an expression is compiled again for it\n"
	  "                     (a pipe, a FIFO or - is read whole into a temporary file)\n"
	  "  load expr EXPR     a tcpdump filter expression, compiled for the capture's link\n"
	  "                     type (EN10MB without one)\n"
	  "  load seccomp FILE  a seccomp filter, in any form\n"
	  "  load prog FILE     a socket filter in any form cbpf-asm reads (or a seccomp\n"
	  "                     policy, which loads as a seccomp filter)\n"
	  "  load FILE          a capture or a program, as the file says\n"
	  "A program is validated as the kernel would; a failed load keeps the previous one.\n"
	  "Loading a program deletes the breakpoints.",
	  "load a program or a capture", "load bpf|pcap|expr|seccomp|prog ARG" },
	{ "select", cmd_select, "select N",
	  "Makes packet N (from 1) of the capture current, and starts its run.",
	  "make packet N of the capture current", NULL },
	{ "step", cmd_step, "step [N | +N | -N]",
	  "Executes the next instruction, showing it and the registers it sees first; with N,\n"
	  "executes N and shows the last. step -N goes back to show the instruction N steps\n"
	  "before the last one shown. When the program ends the next packet follows: step -N\n"
	  "no longer goes into the packet that ended (back does). N is 8192 at most.",
	  "execute instructions, showing the last and its registers", NULL },
	{ "run", cmd_run, "run [N]",
	  "Runs the program over the current packet and the rest of the capture (N packets at\n"
	  "most), stopping at breakpoints and watches; run again to go on. At the end it says\n"
	  "'bpf passes:P fails:F' and goes back to the first packet. For a seccomp filter it\n"
	  "runs the input and names the action.",
	  "run the capture, to its end or a breakpoint", NULL },
	{ "breakpoint", cmd_breakpoint, "breakpoint [N | reset]",
	  "bpf_dbg's breakpoints: set one at instruction N, list them, or delete them all.",
	  "set, list or reset breakpoints at instructions", NULL },
	{ "disassemble", cmd_disassemble, "disassemble [N]",
	  "The program (or instruction N) as bpf_dbg disassembles it.",
	  "the program, as bpf_dbg disassembles it", NULL },
	{ "dump", cmd_dump, "dump", "The program as a C array of { op, jt, jf, k }.",
	  "the program as a C array", NULL },
	{ "quit", cmd_quit, "quit", "Leaves the debugger (so does end of input).",
	  "leave the debugger", NULL },
	{ "back", cmd_back, "back [N]",
	  "Undoes the last N instructions (1), restoring the recorded state exactly; shows the\n"
	  "instruction executed before, as step does. It goes back into a packet whose run\n"
	  "has ended, until the next step, run or finish moves on.",
	  "undo instructions, restoring the states exactly", NULL },
	{ "finish", cmd_finish, "finish",
	  "Runs the current packet to its return, stopping at breakpoints and watches.",
	  "run the current packet to its return", NULL },
	{ "break", cmd_break, "break [[at] N] [if CONDITION]",
	  "Sets a breakpoint at instruction N, when CONDITION holds there, or (without N)\n"
	  "where CONDITION starts to hold; lists breakpoints and watches without arguments.\n"
	  "Conditions: A, X, M[i], pc, pkt[OFF:SIZE] (SIZE 1, 2 or 4), len, caplen, metadata\n"
	  "fields (mark, ifindex, ...), nr, arch, ip, args[i]; numbers; ( ) ! ~ - * / % + -\n"
	  "<< >> & ^ | == != < <= > >= && ||. Bitwise operators bind tighter than\n"
	  "comparisons: break if pkt[20:2] & 0x1fff == 0. Examples:\n"
	  "  break if A == 0x800\n  break at 5 if M[1] > 3\n  break if pkt[12:2] == 0x86dd",
	  "breakpoints at instructions, on conditions, or both", NULL },
	{ "watch", cmd_watch, "watch [M[i]]",
	  "Stops a run after any instruction that changes M[i]; lists watches without one.",
	  "stop when M[i] changes", NULL },
	{ "delete", cmd_delete, "delete [ID...]",
	  "Deletes breakpoints and watches by number, or all of them.",
	  "delete breakpoints and watches", NULL },
	{ "why", cmd_why, "why",
	  "The path the current input takes through the program: each instruction, the value\n"
	  "it loads or computes, each branch's comparison and decision, and the result.",
	  "the path of the current input, each decision explained", NULL },
	{ "coverage", cmd_coverage, "coverage",
	  "Runs every packet of the capture and counts how often each instruction runs;\n"
	  "instructions no packet reaches are marked.",
	  "how often each instruction runs over the capture", NULL },
	{ "packet", cmd_packet, "packet",
	  "The current packet in hex, the bytes the program reads marked.",
	  "the packet in hex, the bytes read marked", NULL },
	{ "regs", cmd_regs, "regs",
	  "The registers now, before the next instruction (after the last, once it ended).",
	  "the registers before the next instruction", NULL },
	{ "print", cmd_print, "print EXPR", "The value of an expression (see 'help break').",
	  "the value of an expression", NULL },
	{ "set", cmd_set, "set [FIELD VALUE | FIELD auto | ip VALUE | jit on|off]",
	  "The packet metadata the program's ancillary loads see (mark, ifindex, ...): lists\n"
	  "them, sets one for every packet, or gives it back to the packet. 'set ip' sets the\n"
	  "seccomp input's instruction pointer. 'set jit off' interprets the runs over a\n"
	  "capture that run native code by default (run, filter): the same results, slower.",
	  "the packet metadata: mark, ifindex, ...", "set [FIELD VALUE|auto]" },
	{ "syscall", cmd_syscall, "syscall [NAME | NR] [ARG...]",
	  "Sets (or shows) the seccomp input: the system call, by name on the input's\n"
	  "architecture or by number (any 32-bit one), and up to six arguments (the others\n"
	  "are 0); numbers in C's syntax (42, 0x2a, 052, -1). With a seccomp filter loaded,\n"
	  "names the action it reaches; 'step' and 'why' follow the way.",
	  "the seccomp input: system call and arguments", NULL },
	{ "arch", cmd_arch, "arch [NAME | AUDIT_ARCH]",
	  "Sets (or shows) the seccomp input's architecture: x86_64, i386, x32, aarch64, arm,\n"
	  "riscv64, ppc64le, s390x, loongarch64, mips, mipsel, mips64, mips64el (and their\n"
	  "aliases), or an AUDIT_ARCH_* number. The host's at first.",
	  "the seccomp input's architecture", NULL },
	{ "filter", cmd_filter, "filter FILE | -",
	  "Writes the packets of the capture the program accepts to a new pcap file; it\n"
	  "appears only once complete. 'filter -' writes them to standard output (not a\n"
	  "terminal), the count to standard error.",
	  "write the accepted packets to a new capture", NULL },
	{ "info", cmd_info, "info", "What is loaded, where the run stands.",
	  "what is loaded, where the run stands", NULL },
	{ "help", cmd_help, "help [COMMAND]", "Lists the commands, or tells about one.",
	  "the commands, or more on one", NULL },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Other names for commands. */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "s", "step" },  { "r", "run" },	   { "c", "run" },   { "continue", "run" },
	{ "b", "break" }, { "q", "quit" },	   { "exit", "quit" }, { "p", "print" },
	{ "?", "help" },  { "disas", "disassemble" }, { "x", "packet" },
};
#define NALIASES (sizeof(aliases) / sizeof(aliases[0]))

const char *const sh_command_names[] = {
	"load",	 "select", "step",   "run",	 "breakpoint", "disassemble", "dump",
	"quit",	 "back",   "finish", "break",	 "watch",      "delete",      "why",
	"coverage", "packet", "regs", "print",	 "set",	       "syscall",     "arch",
	"filter", "info",   "help",   "continue", NULL,
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NALIASES; i++)
		if (!strcmp(aliases[i].alias, name))
			name = aliases[i].name;
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int cmd_help(struct sh *sh, char *args, size_t off)
{
	const struct cmd *c;

	(void)off;
	if (*args) {
		c = find_cmd(args);
		if (!c) {
			sh_error(sh, "no command " DIAG_QF, QUOTE(args));
			return 1;
		}
		fprintf(sh->out, "%s\n%s\n", c->usage, c->help);
		return 0;
	}
	fprintf(sh->out, "bpf_dbg's commands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		if (i == 8)
			fprintf(sh->out, "and more:\n");
		fprintf(sh->out, "  %-36s %s\n",
			cmds[i].short_usage ? cmds[i].short_usage : cmds[i].usage, cmds[i].summary);
	}
	fprintf(sh->out, "'help COMMAND' tells more. Short names: s step, r c continue run, "
			 "b break, p print, x packet, q exit quit.\n");
	return 0;
}

/* Levenshtein distance, for suggestions. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static void unknown(struct sh *sh, const char *name)
{
	const char *best = NULL;
	size_t bd = 99, len = strlen(name);
	char size[32] = "";

	for (size_t i = 0; sh_command_names[i]; i++) {
		size_t d = distance(name, sh_command_names[i]);

		if (d < bd) {
			bd = d;
			best = sh_command_names[i];
		}
	}
	/* A long word is cut in the message; how long it was says it was not mistyped. */
	if (len > DIAG_QUOTE_MAX)
		snprintf(size, sizeof(size), " (%zu bytes)", len);
	if (best && bd <= 2 && bd < len)
		sh_error(sh, "unknown command " DIAG_QF "%s; did you mean '%s'?", QUOTE(name), size,
			 best);
	else
		sh_error(sh, "unknown command " DIAG_QF "%s; 'help' lists the commands",
			 QUOTE(name), size);
}

int sh_load_expr(struct sh *sh, const char *expr)
{
	size_t n = strlen(expr) + sizeof("load expr ");
	char *line = malloc(n);
	int rc;

	sh->failed = false;
	if (!line) {
		sh_error(sh, "out of memory");
		sh->errors++;
		return 1;
	}
	snprintf(line, n, "load expr %s", expr);
	sh->cmdline = line;
	rc = load_expr(sh, expr) || sh->failed;
	sh->cmdline = NULL;
	free(line);
	if (rc)
		sh->errors++;
	fflush(sh->out);
	return rc;
}

int sh_exec(struct sh *sh, const char *line)
{
	char *buf = strdup(line), *text = NULL, *args, *name, *end;
	const struct cmd *c;
	int rc = 0;

	sh->failed = false;
	if (!buf) {
		sh_error(sh, "out of memory");
		sh->errors++;
		return 1;
	}
	/* Trailing blanks (and a CR from a DOS script) are not part of the last argument. */
	end = buf + strlen(buf);
	while (end > buf && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
			     end[-1] == '\n'))
		*--end = '\0';
	/* The words are cut in buf; messages quote the line as it was written. */
	text = strdup(buf);
	if (!text) {
		free(buf);
		sh_error(sh, "out of memory");
		sh->errors++;
		return 1;
	}
	sh->cmdline = text;
	args = buf;
	name = word(&args);
	if (!name || name[0] == '#')
		goto out;
	c = find_cmd(name);
	if (!c) {
		unknown(sh, name);
		goto out;
	}
	rc = c->fn(sh, args, (size_t)(args - buf));
out:
	if (sh->failed || rc)
		sh->errors++;
	rc = sh->failed || rc;
	sh->cmdline = NULL;
	free(text);
	free(buf);
	fflush(sh->out);
	return rc;
}

int sh_init(struct sh *sh, FILE *out, FILE *errf)
{
	memset(sh, 0, sizeof(*sh));
	sh->out = out;
	sh->err = errf;
	struct cbpf_seccomp_data sd = { 0 };
	int err;

	sh->expr_linktype = -1;
	sh->linktype = -1;
	err = cbpf_dbg_new(&sh->dbg);
	if (err)
		return err;
	/* A system call of this machine until told otherwise. */
	sh->arch = cbpf_arch_native();
	if (sh->arch == CBPF_ARCH_NONE)
		sh->arch = CBPF_ARCH_X86_64;
	sd.arch = cbpf_arch_audit(sh->arch);
	cbpf_dbg_set_seccomp(sh->dbg, &sd);
	return 0;
}

void sh_fini(struct sh *sh)
{
	cbpf_dbg_free(sh->dbg);
	free(sh->prog_from);
	free(sh->expr);
	sh->dbg = NULL;
	sh->prog_from = NULL;
	sh->expr = NULL;
}
