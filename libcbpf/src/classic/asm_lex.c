// SPDX-License-Identifier: MIT
/* The lexer both text readers share: tokens with positions, numbers, comments, binary input. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classic/asm_int.h"
#include "classic/digit.h"
#include "util/suggest.h"

void asm_ctx_init(struct asm_ctx *ctx, const char *src, size_t len,
		  const struct cbpf_asm_opts *opts, struct cbpf_diags *diags, bool listing)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->src = src ? src : "";
	ctx->srclen = src ? len : 0;
	ctx->file = opts ? opts->file : NULL;
	ctx->max_errors = opts && opts->max_errors ? opts->max_errors : ASM_MAX_ERRORS;
	ctx->diags = diags;
	ctx->listing = listing;
	ctx->line = 1;
}

static void asm_vdiag(struct asm_ctx *ctx, enum cbpf_severity sev, unsigned line, unsigned col,
		      unsigned len, const char *fmt, va_list ap) CBPF_PRINTF(6, 0);

static void asm_vdiag(struct asm_ctx *ctx, enum cbpf_severity sev, unsigned line, unsigned col,
		      unsigned len, const char *fmt, va_list ap)
{
	if (ctx->stop)
		return;
	if (diags_vadd(ctx->diags, sev, ctx->file, line, col, len, -1, fmt, ap))
		ctx->oom = true;
	if (sev != CBPF_SEV_ERROR || ++ctx->errors < ctx->max_errors)
		return;
	if (cbpf_diags_add(ctx->diags, CBPF_SEV_NOTE, ctx->file, 0, 0, 0, -1,
			   "too many errors (%u); stopping", ctx->errors))
		ctx->oom = true;
	ctx->stop = true;
}

void asm_diag(struct asm_ctx *ctx, enum cbpf_severity sev, unsigned line, unsigned col,
	      unsigned len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	asm_vdiag(ctx, sev, line, col, len, fmt, ap);
	va_end(ap);
}

void asm_error_at(struct asm_ctx *ctx, const struct tok *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	asm_vdiag(ctx, CBPF_SEV_ERROR, t->line, t->col, t->len, fmt, ap);
	va_end(ap);
}

static uint64_t diag_key(const struct cbpf_diag *d)
{
	return d->line ? (uint64_t)d->line << 32 | d->col : UINT64_MAX;
}

void asm_sort_diags(struct asm_ctx *ctx, size_t from)
{
	struct cbpf_diags *diags = ctx->diags;

	if (!diags)
		return;
	/* Insertion sort: at most max_errors entries, and nearly in order already. */
	for (size_t i = from + 1; i < diags->n; i++) {
		struct cbpf_diag d = diags->v[i];
		size_t j = i;

		while (j > from && diag_key(&diags->v[j - 1]) > diag_key(&d)) {
			diags->v[j] = diags->v[j - 1];
			j--;
		}
		diags->v[j] = d;
	}
}

/* ---------------------------------------------------------------- text check */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if it is not one. */
static unsigned utf8_len(const unsigned char *s, size_t n)
{
	unsigned len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Comments may hold any byte but NUL: bpf_exp.l reads 8-bit input, and old filter files have
 * Latin-1 in their comments. Everywhere else, text means valid UTF-8 with no control bytes.
 */
bool lex_check_text(struct asm_ctx *ctx)
{
	const unsigned char *s = (const unsigned char *)ctx->src;
	size_t i = 0, line_start = 0, n = ctx->srclen;
	enum { CODE, LINE_COMMENT, BLOCK_COMMENT } state = CODE;
	unsigned line = 1;

	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		ctx->pos = ctx->line_start = line_start = i = 3;
	while (i < n) {
		unsigned len = 1, col = (unsigned)(i - line_start + 1);
		const char *why = NULL;

		if (s[i] == '\n') {
			line++;
			line_start = ++i;
			if (state == LINE_COMMENT)
				state = CODE;
			continue;
		}
		if (s[i] == 0) {
			/* Read as text because the rest looks like it (fmt_detect.c): say so. */
			asm_diag(ctx, CBPF_SEV_ERROR, line, col, 1,
				 "a NUL byte in the text (is this a binary file?)");
			return false;
		} else if (state == BLOCK_COMMENT) {
			if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
				state = CODE;
				len = 2;
			}
		} else if (state == CODE) {
			if (s[i] == ';' || (s[i] == '#' && i == line_start))
				state = LINE_COMMENT;
			else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*')
				state = BLOCK_COMMENT, len = 2;
			else if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r') || s[i] == 0x7f)
				why = "control byte";
			else if (!(len = utf8_len(s + i, n - i)))
				why = "invalid UTF-8 byte";
		}
		if (why) {
			asm_diag(ctx, CBPF_SEV_ERROR, line, col, 1,
				 "not text: %s 0x%02x (is this a binary file?)", why, s[i]);
			return false;
		}
		i += len;
	}
	return true;
}

/* ---------------------------------------------------------------- tokens */

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int at(const struct asm_ctx *ctx, size_t i)
{
	return i < ctx->srclen ? (unsigned char)ctx->src[i] : -1;
}

/* A number: [+-] then 0x.., 0b.., 0[0-7]+ (decimal in listings) or decimal; t->text is set. */
static void lex_number(struct asm_ctx *ctx, struct tok *t)
{
	size_t i = ctx->pos, digits;

	t->kind = TOK_NUMBER;
	if (at(ctx, i) == '+' || at(ctx, i) == '-') {
		t->sign = true;
		t->neg = at(ctx, i) == '-';
		i++;
	}
	t->base = 10;
	if (at(ctx, i) == '0' && (at(ctx, i + 1) == 'x' || at(ctx, i + 1) == 'X')) {
		t->base = 16;
		i += 2;
	} else if (at(ctx, i) == '0' && (at(ctx, i + 1) == 'b' || at(ctx, i + 1) == 'B')) {
		t->base = 2;
		i += 2;
	} else if (at(ctx, i) == '0' && is_alnum(at(ctx, i + 1)) && !ctx->listing) {
		/* bpf_exp.l: 0[0-7]+ is octal; a lone 0 is zero. */
		t->base = 8;
		i++;
	}
	digits = i;
	/* The whole run of letters and digits is the number, so "12ab" is one bad token. */
	while (is_alnum(at(ctx, i)))
		i++;
	t->len = (unsigned)(i - ctx->pos);
	ctx->pos = i;
	if (digits == i) {
		t->kind = TOK_ERROR;
		t->err = LEX_NODIGITS;
		return;
	}
	for (size_t j = digits; j < i; j++) {
		unsigned d = (unsigned)digit_value(at(ctx, j));

		if (d >= t->base) {
			t->kind = TOK_ERROR;
			t->err = LEX_DIGIT;
			t->bad = (unsigned)(j - (size_t)(t->text - ctx->src));
			return;
		}
		if (t->mag > (UINT64_MAX - d) / t->base)
			t->overflow = true;
		t->mag = t->mag * t->base + d;
	}
}

/* Skips blanks and comments; false (and an error token in t) for a comment that never ends. */
static bool lex_skip(struct asm_ctx *ctx, struct tok *t)
{
	for (;;) {
		int c = at(ctx, ctx->pos);

		if (c == '\n') {
			ctx->line++;
			ctx->line_start = ++ctx->pos;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			ctx->pos++;
		} else if (c == ';' || (c == '#' && ctx->pos == ctx->line_start)) {
			/* bpf_exp.l: ';' to the end of the line, and '#' lines (cpp output). */
			while (ctx->pos < ctx->srclen && ctx->src[ctx->pos] != '\n')
				ctx->pos++;
		} else if (c == '/' && at(ctx, ctx->pos + 1) == '*') {
			size_t i = ctx->pos + 2;
			unsigned line = ctx->line;
			size_t line_start = ctx->line_start;

			while (i < ctx->srclen && !(ctx->src[i] == '*' && at(ctx, i + 1) == '/')) {
				if (ctx->src[i] == '\n') {
					line++;
					line_start = i + 1;
				}
				i++;
			}
			if (i >= ctx->srclen) {
				t->kind = TOK_ERROR;
				t->err = LEX_COMMENT;
				t->text = ctx->src + ctx->pos;
				t->len = 2;
				t->line = ctx->line;
				t->col = (unsigned)(ctx->pos - ctx->line_start + 1);
				ctx->pos = ctx->srclen;
				return false;
			}
			ctx->pos = i + 2;
			ctx->line = line;
			ctx->line_start = line_start;
		} else {
			return true;
		}
	}
}

static void lex_one(struct asm_ctx *ctx, struct tok *t)
{
	int c;

	memset(t, 0, sizeof(*t));
	if (!lex_skip(ctx, t))
		return;
	t->text = ctx->src + ctx->pos;
	t->line = ctx->line;
	t->col = (unsigned)(ctx->pos - ctx->line_start + 1);
	c = at(ctx, ctx->pos);
	if (c < 0) {
		t->kind = TOK_EOF;
		return;
	}
	if (is_alpha(c) || (c == '#' && is_alpha(at(ctx, ctx->pos + 1)))) {
		size_t i = ctx->pos + 1;

		while (is_alnum(at(ctx, i)))
			i++;
		t->kind = c == '#' ? TOK_HASHNAME : TOK_NAME;
		t->len = (unsigned)(i - ctx->pos);
		ctx->pos = i;
		return;
	}
	if (is_digit(c) || ((c == '+' || c == '-') && is_digit(at(ctx, ctx->pos + 1)))) {
		lex_number(ctx, t);
		return;
	}
	if (c && strchr(":,[]()+*&%#", c)) {
		t->kind = TOK_PUNCT;
		t->punct = (char)c;
		t->len = 1;
		ctx->pos++;
		return;
	}
	/* The text check let only valid UTF-8 through: take the whole character. */
	t->kind = TOK_ERROR;
	t->err = LEX_CHAR;
	t->len = 1;
	while (((unsigned char)at(ctx, ctx->pos + t->len) & 0xc0) == 0x80)
		t->len++;
	ctx->pos += t->len;
}

const struct tok *lex_peek(struct asm_ctx *ctx, unsigned n)
{
	while (ctx->nla <= n)
		lex_one(ctx, &ctx->la[ctx->nla++]);
	return &ctx->la[n];
}

struct tok lex_next(struct asm_ctx *ctx)
{
	lex_peek(ctx, 0);
	ctx->prev = ctx->la[0];
	memmove(&ctx->la[0], &ctx->la[1], (ctx->nla - 1) * sizeof(ctx->la[0]));
	ctx->nla--;
	return ctx->prev;
}

void lex_skip_past_line(struct asm_ctx *ctx, unsigned line)
{
	const struct tok *t;

	while ((t = lex_peek(ctx, 0))->kind != TOK_EOF && t->line <= line)
		lex_next(ctx);
}

static const char *base_name(unsigned base)
{
	switch (base) {
	case 2:
		return "binary";
	case 8:
		return "octal";
	case 16:
		return "hexadecimal";
	default:
		return "decimal";
	}
}

void lex_report(struct asm_ctx *ctx, const struct tok *t)
{
	switch (t->err) {
	case LEX_CHAR:
		if (t->text[0] == '/')
			asm_error_at(ctx, t,
				     "unexpected character '/' (comments start with ';' or "
				     "'/*')");
		else if (t->text[0] == '-')
			asm_error_at(ctx, t,
				     "unexpected character '-' (a negative number is "
				     "written with no space: -4)");
		else
			asm_error_at(ctx, t, "unexpected character " TOKF, TOKA(t));
		break;
	case LEX_DIGIT:
		asm_error_at(ctx, t, "invalid digit '%c' in %s constant " TOKF, t->text[t->bad],
			     base_name(t->base), TOKA(t));
		break;
	case LEX_NODIGITS:
		asm_error_at(ctx, t, "constant " TOKF " has no digits", TOKA(t));
		break;
	case LEX_COMMENT:
		asm_error_at(ctx, t, "unterminated comment");
		break;
	case LEX_OK:
		break;
	}
}

bool tok_is(const struct tok *t, char punct)
{
	return t->kind == TOK_PUNCT && t->punct == punct;
}

bool tok_name_is(const struct tok *t, const char *kw)
{
	return t->kind == TOK_NAME && strlen(kw) == t->len && !strncasecmp(t->text, kw, t->len);
}

bool tok_hashname_is(const struct tok *t, const char *kw)
{
	return t->kind == TOK_HASHNAME && strlen(kw) == t->len - 1 &&
	       !strncasecmp(t->text + 1, kw, t->len - 1);
}

bool tok_u32(struct asm_ctx *ctx, const struct tok *t, uint32_t *out)
{
	/* bpf_exp.l stores strtol's result in 32 bits: -1 is 0xffffffff. */
	if (t->overflow || (!t->neg && t->mag > UINT32_MAX) ||
	    (t->neg && t->mag > (uint64_t)INT32_MAX + 1)) {
		asm_error_at(ctx, t, "constant " TOKF " does not fit in 32 bits", TOKA(t));
		return false;
	}
	*out = t->neg ? (uint32_t)(0u - (uint32_t)t->mag) : (uint32_t)t->mag;
	return true;
}

bool nodes_push(struct asm_ctx *ctx, struct asm_nodes *nodes, const struct asm_node *node)
{
	if (nodes->n == nodes->cap) {
		size_t cap = nodes->cap ? 2 * nodes->cap : 64;
		struct asm_node *v = realloc(nodes->v, cap * sizeof(*v));

		if (!v) {
			ctx->oom = true;
			return false;
		}
		nodes->v = v;
		nodes->cap = cap;
	}
	nodes->v[nodes->n++] = *node;
	return true;
}

const char *asm_suggest(const char *word, unsigned len, const char *const *cands, size_t n)
{
	const char *best = NULL;
	unsigned best_d = 3;

	if (len > 32 || len < 2)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t lc = strlen(cands[i]);
		unsigned d;

		if (lc > 32)
			continue;
		d = suggest_distance(word, len, cands[i], lc, 2);
		/* A suggestion must keep most of the word: "foo" is not a typo of "mod". */
		if (d < best_d && d <= (len >= 5 ? 2u : 1u) && d < lc) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}
