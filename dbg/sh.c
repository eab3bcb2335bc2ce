// SPDX-License-Identifier: MIT
/* cbpf-dbg's command layer: messages, words and numbers, what commands check, running one. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

#define ERR_RED	     "\033[1;31m"
#define WARN_MAGENTA "\033[1;35m"
#define NOTE_CYAN    "\033[1;36m"
#define BOLD	     "\033[1m"
#define TAG_YELLOW   "\033[33m"
#define RESET	     "\033[0m"

/* ---------------------------------------------------------------- messages */

static void vmessage(struct sh *sh, const char *sev, const char *color, const char *fmt, va_list ap)
	CBPF_PRINTF(4, 0);
static void vmessage(struct sh *sh, const char *sev, const char *color, const char *fmt, va_list ap)
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

void sh_tag(struct sh *sh, const char *fmt, ...)
{
	va_list ap;

	fputs(sh->color ? TAG_YELLOW : "", sh->out);
	va_start(ap, fmt);
	vfprintf(sh->out, fmt, ap);
	va_end(ap);
	fprintf(sh->out, "%s\n", sh->color ? RESET : "");
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

bool sh_diag(struct sh *sh, const struct cbpf_diag *d, size_t offset, const char *src,
	     size_t srclen)
{
	struct cbpf_diag_print_opts popts = { .color = sh->ecolor, .fallback = "program" };
	struct cbpf_diag copy = *d; /* printed, not freed */
	struct cbpf_diags one = { &copy, 1, 1, 0 };

	if (sh->diag_name)
		popts.fallback = sh->diag_name;
	if (!d->file && d->line)
		inline_diag(sh, d, offset);
	else if (!d->file && d->insn < 0 && d->severity == CBPF_SEV_ERROR)
		sh_error(sh, "%s", d->msg);
	else if (!d->file && d->insn < 0 && d->severity == CBPF_SEV_WARNING)
		sh_warning(sh, "%s", d->msg);
	else if (!d->file && d->insn < 0)
		sh_note(sh, "%s", d->msg);
	else
		cbpf_diags_print(sh->err, &one, src, srclen, &popts);
	if (d->severity == CBPF_SEV_ERROR)
		sh->failed = true;
	return d->severity == CBPF_SEV_ERROR;
}

bool sh_diags(struct sh *sh, struct cbpf_diags *diags, size_t offset, const char *src,
	      size_t srclen)
{
	bool error = false;

	for (size_t i = 0; i < diags->n; i++)
		error |= sh_diag(sh, &diags->v[i], offset, src, srclen);
	cbpf_diags_free(diags);
	return error;
}

int sh_said(struct sh *sh, int err, struct cbpf_diags *diags, size_t offset)
{
	bool said = sh_diags(sh, diags, offset, NULL, 0);

	if (err == -ENOMEM && !said)
		sh_error(sh, "out of memory");
	return said || err ? 1 : 0;
}

/*
 * Each message names the file (and the packet), after the command's location in a script as
 * every message is. A warning is a record longer than the snapshot length, cut to it as
 * libpcap cuts it.
 */
bool sh_capture_diag(struct sh *sh, const struct cbpf_diag *d)
{
	const char *file = d->file ? d->file : "capture";

	if (d->severity == CBPF_SEV_ERROR)
		sh_error(sh, "%s: %s", file, d->msg);
	else if (d->severity == CBPF_SEV_WARNING)
		sh_warning(sh, "%s: %s", file, d->msg);
	else
		sh_note(sh, "%s: %s", file, d->msg);
	return d->severity == CBPF_SEV_ERROR;
}

bool sh_capture_diags(struct sh *sh, struct cbpf_diags *diags)
{
	bool bad = false;

	for (size_t i = 0; i < diags->n; i++)
		bad |= sh_capture_diag(sh, &diags->v[i]);
	cbpf_diags_free(diags);
	return bad;
}

/* ---------------------------------------------------------------- words and numbers */

static char *skip_ws(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

char *sh_word(char **s)
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

/* ---------------------------------------------------------------- what commands need */

bool sh_ready(struct sh *sh, unsigned needs, const char *what)
{
	struct cbpf_diags diags = { 0 };

	if (cbpf_dbg_ready(sh->dbg, needs, what, &diags))
		return true;
	sh_diags(sh, &diags, 0, NULL, 0);
	return false;
}

bool sh_no_io(struct sh *sh)
{
	if (!sh->no_io)
		return false;
	sh_error(sh, "files are not read or written here");
	return true;
}

bool sh_ended(const struct sh *sh)
{
	return cbpf_dbg_state(sh->dbg)->exit != CBPF_VM_RUNNING;
}

bool sh_matches(const char *w, const char *keyword)
{
	size_t n = strlen(w);

	return n && n <= strlen(keyword) && !memcmp(w, keyword, n);
}

/* ---------------------------------------------------------------- running commands */

bool sh_is_stdin(const char *path)
{
	struct stat a, b;

	return !strcmp(path, "-") || (!stat(path, &a) && !fstat(STDIN_FILENO, &b) &&
				      a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

int sh_load(struct sh *sh, const char *kind, const char *arg)
{
	size_t n = strlen(kind) + strlen(arg) + sizeof("load  ");
	char *line = malloc(n);
	int rc;

	sh->failed = false;
	if (!line) {
		sh_error(sh, "out of memory");
		sh->errors++;
		return 1;
	}
	snprintf(line, n, "load %s %s", kind, arg);
	if (strcmp(kind, "expr")) {
		rc = sh_exec(sh, line);
		free(line);
		return rc;
	}
	/* An empty expression matches every packet; "load expr" alone would say it is missing. */
	sh->cmdline = line;
	rc = sh_do_load_expr(sh, arg) || sh->failed;
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
	const struct sh_cmd *c;
	int rc = 0;

	sh->failed = false;
	if (!buf) {
		sh_error(sh, "out of memory");
		sh->errors++;
		return 1;
	}
	/* Trailing blanks (and a CR from a DOS script) are not part of the last argument. */
	end = buf + strlen(buf);
	while (end > buf &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
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
	name = sh_word(&args);
	if (!name || name[0] == '#')
		goto out;
	c = sh_find_cmd(name);
	if (!c) {
		sh_unknown(sh, name);
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
	return cbpf_dbg_new(&sh->dbg);
}

void sh_fini(struct sh *sh)
{
	cbpf_dbg_free(sh->dbg);
	sh->dbg = NULL;
}
