// SPDX-License-Identifier: MIT
/* Diagnostics: collect located messages, print them the way gcc and clang do. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag_int.h"

void cbpf_diags_init(struct cbpf_diags *diags)
{
	memset(diags, 0, sizeof(*diags));
}

void cbpf_diags_free(struct cbpf_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->n; i++) {
		free(diags->v[i].file);
		free(diags->v[i].msg);
	}
	free(diags->v);
	cbpf_diags_init(diags);
}

char *diag_vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *msg;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	msg = n < 0 ? NULL : malloc((size_t)n + 1);
	if (msg)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	return msg;
}

int diags_vadd(struct cbpf_diags *diags, enum cbpf_severity severity, const char *file,
	       unsigned line, unsigned col, unsigned len, long insn, const char *fmt, va_list ap)
{
	struct cbpf_diag d = { severity, NULL, line, col, len, insn, NULL };

	if (!diags)
		return 0;
	if (diags->n == diags->cap) {
		size_t cap = diags->cap ? 2 * diags->cap : 8;
		struct cbpf_diag *v = realloc(diags->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		diags->v = v;
		diags->cap = cap;
	}
	d.msg = diag_vformat(fmt, ap);
	if (!d.msg)
		return -ENOMEM;
	if (file && !(d.file = strdup(file))) {
		free(d.msg);
		return -ENOMEM;
	}
	diags->v[diags->n++] = d;
	if (severity == CBPF_SEV_ERROR)
		diags->errors++;
	return 0;
}

int cbpf_diags_add(struct cbpf_diags *diags, enum cbpf_severity severity, const char *file,
		   unsigned line, unsigned col, unsigned len, long insn, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = diags_vadd(diags, severity, file, line, col, len, insn, fmt, ap);
	va_end(ap);
	return err;
}

int diags_append(struct cbpf_diags *to, const struct cbpf_diags *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct cbpf_diag *d = &from->v[i];

		if (cbpf_diags_add(to, d->severity, d->file, d->line, d->col, d->len, d->insn, "%s",
				   d->msg))
			return -ENOMEM;
	}
	return 0;
}

static bool utf8_continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

int diag_quote_len(const char *s, size_t len)
{
	size_t n = len < DIAG_QUOTE_MAX ? len : DIAG_QUOTE_MAX;

	/* Never cut a UTF-8 sequence in two. */
	while (n < len && n > 0 && utf8_continuation(s[n]))
		n--;
	return (int)n;
}

static const char *const severity_names[] = { "note", "warning", "error" };
static const char *const severity_colors[] = { "\033[1;36m", "\033[1;35m", "\033[1;31m" };
#define BOLD  "\033[1m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

/* The text of line number `line` (from 1) inside src, or NULL when src has fewer lines. */
static const char *find_line(const char *src, size_t srclen, unsigned line, size_t *len)
{
	const char *p = src, *end = src + srclen;

	for (unsigned l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p > end || (p == end && line > 1))
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

void diag_excerpt(FILE *out, const char *text, size_t len, unsigned col, unsigned ulen, bool color)
{
	size_t caret = col ? col - 1 : 0, start = 0, end = len;

	if (caret > len)
		caret = len;
	/* A long line (a 12 MB one-line program) is shown as a window around the column: a
	 * third of it before the caret, the rest after, moved in when the line ends sooner. */
	if (len > DIAG_EXCERPT_MAX) {
		start = caret > DIAG_EXCERPT_MAX / 3 ? caret - DIAG_EXCERPT_MAX / 3 : 0;
		end = start + DIAG_EXCERPT_MAX;
		if (end > len) {
			end = len;
			start = len - DIAG_EXCERPT_MAX;
		}
		while (start > 0 && start < caret && utf8_continuation(text[start]))
			start++;
		while (end < len && end > caret && utf8_continuation(text[end]))
			end--;
	}
	fprintf(out, "%s%.*s%s\n", start ? "..." : "", (int)(end - start), text + start,
		end < len ? "..." : "");
	/* Columns count bytes; the caret lines up with characters: a UTF-8 continuation byte
	 * takes no room of its own. */
	if (start)
		fputs("   ", out);
	for (size_t i = start; i < caret && i < end; i++)
		if (!utf8_continuation(text[i]))
			fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputs(color ? GREEN "^" : "^", out);
	for (size_t i = 1; i < ulen && caret + i < end; i++)
		if (!utf8_continuation(text[caret + i]))
			fputc('~', out);
	fputs(color ? RESET "\n" : "\n", out);
}

static void print_excerpt(FILE *out, const struct cbpf_diag *d, const char *src, size_t srclen,
			  bool color)
{
	size_t len;
	const char *text = find_line(src, srclen, d->line, &len);

	if (text)
		diag_excerpt(out, text, len, d->col, d->len, color);
}

int cbpf_diags_print(FILE *out, const struct cbpf_diags *diags, const char *src, size_t srclen,
		     const struct cbpf_diag_print_opts *opts)
{
	bool color = opts && opts->color;
	const char *fallback = opts && opts->fallback ? opts->fallback : "<input>";
	unsigned max = opts ? opts->max_errors : 0;
	size_t shown = 0;

	for (size_t i = 0; i < diags->n; i++) {
		const struct cbpf_diag *d = &diags->v[i];
		const char *file = d->file ? d->file : fallback;

		if (max && shown == max && diags->errors > shown) {
			fprintf(out, "%s%s: %serror:%s %zu more errors not shown%s\n",
				color ? BOLD : "", file,
				color ? severity_colors[CBPF_SEV_ERROR] : "",
				color ? RESET BOLD : "", diags->errors - shown, color ? RESET : "");
			break;
		}
		shown += d->severity == CBPF_SEV_ERROR;

		fputs(color ? BOLD : "", out);
		if (d->line)
			fprintf(out, "%s:%u:%u: ", file, d->line, d->col);
		else if (d->insn >= 0)
			fprintf(out, "%s: insn %ld: ", file, d->insn);
		else
			fprintf(out, "%s: ", file);
		fprintf(out, "%s%s:%s %s%s\n", color ? severity_colors[d->severity] : "",
			severity_names[d->severity], color ? RESET BOLD : "", d->msg,
			color ? RESET : "");
		if (d->line && src)
			print_excerpt(out, d, src, srclen, color);
	}
	return ferror(out) ? -EIO : 0;
}
