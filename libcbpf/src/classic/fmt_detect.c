// SPDX-License-Identifier: MIT
/* Form names, and telling the forms apart from their content. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "classic/fmt_int.h"

static const struct {
	enum cbpf_form form;
	const char *name;
} form_names[] = {
	{ CBPF_FORM_AUTO, "auto" },
	{ CBPF_FORM_ASM, "asm" },
	{ CBPF_FORM_LISTING, "listing" },
	{ CBPF_FORM_COMMA, "comma" },
	{ CBPF_FORM_C, "c" },
	{ CBPF_FORM_DD, "dd" },
	{ CBPF_FORM_DDD, "ddd" },
	{ CBPF_FORM_RAW, "raw" },
	{ CBPF_FORM_DOT, "dot" },
	/* Aliases, parsed but never printed. */
	{ CBPF_FORM_LISTING, "d" },
	{ CBPF_FORM_ASM, "bpf_asm" },
};

const char *cbpf_form_name(enum cbpf_form form)
{
	for (size_t i = 0; i < sizeof(form_names) / sizeof(form_names[0]); i++)
		if (form_names[i].form == form)
			return form_names[i].name;
	return "unknown";
}

int cbpf_form_parse(const char *name, enum cbpf_form *out)
{
	for (size_t i = 0; i < sizeof(form_names) / sizeof(form_names[0]); i++) {
		if (!strcasecmp(form_names[i].name, name)) {
			*out = form_names[i].form;
			return 0;
		}
	}
	return -ENOENT;
}

/* How many continuation bytes follow a UTF-8 lead byte, or -1 when c cannot lead. */
static int utf8_tail(unsigned char c)
{
	if (c < 0x80)
		return 0;
	if (c >= 0xc2 && c <= 0xdf)
		return 1;
	if (c >= 0xe0 && c <= 0xef)
		return 2;
	if (c >= 0xf0 && c <= 0xf4)
		return 3;
	return -1;
}

/*
 * Whether text with NUL bytes in it is rather raw bytecode: 8-byte instructions whose 16-bit
 * opcode (below 0x100) has a zero high byte, at offset 1 of each on a little-endian machine
 * and 0 on a big-endian one. Text with a stray NUL has no such pattern.
 */
static bool nul_pattern_of_raw(const unsigned char *s, size_t len)
{
	bool lo = len % 8 == 0, hi = lo;

	for (size_t i = 0; i < len && (lo || hi); i += 8) {
		lo = lo && !s[i + 1];
		hi = hi && !s[i];
	}
	return lo || hi;
}

/*
 * Text is what an editor shows: UTF-8 without NUL or control bytes other than whitespace. Text
 * with a stray NUL byte is still text (unless its NULs fall as an array of instructions'
 * would): its reader then points at the NUL, where reading it as raw bytecode would only have
 * said "unknown opcode".
 */
static bool looks_binary(const unsigned char *s, size_t len)
{
	bool nul = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		int tail = utf8_tail(c);

		if (!c) {
			nul = true;
			continue;
		}
		if ((c < 0x20 && !strchr("\t\n\v\f\r", c)) || c == 0x7f || tail < 0)
			return true;
		for (; tail > 0; tail--)
			if (++i >= len || (s[i] & 0xc0) != 0x80)
				return true;
	}
	return nul && nul_pattern_of_raw(s, len);
}

/*
 * The first significant line: leading blank lines and comment lines skipped (bpf_asm's ';' and
 * '#' lines, C's // and block comments). Returns its start, or NULL when there is none.
 */
static const char *first_line(const char *s, const char *end)
{
	while (s < end) {
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (s == end)
			return NULL;
		if (*s == ';' || *s == '#' || (end - s >= 2 && s[0] == '/' && s[1] == '/')) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));

			s = nl ? nl + 1 : end;
		} else if (end - s >= 2 && s[0] == '/' && s[1] == '*') {
			const char *p = s + 2;

			while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
				p++;
			s = p + 1 < end ? p + 2 : end;
		} else {
			return s;
		}
	}
	return NULL;
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s;
}

static const char *skip_digits(const char *s, const char *end)
{
	while (s < end && isdigit((unsigned char)*s))
		s++;
	return s;
}

static bool starts_word(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) > n && !strncmp(s, word, n) && isspace((unsigned char)s[n]);
}

/*
 * Four decimals and a comma (or the end of the line, or a quote): the comma form as iptables -L
 * prints it, without the count ("40 0 0 12,21 0 1 2048,..."), and the NUL byte it ends with.
 */
static bool countless_comma(const char *s, const char *end)
{
	for (int f = 0; f < 4; f++) {
		const char *p = skip_digits(s, end);

		if (p == s)
			return false;
		s = skip_blanks(p, end);
		if (f < 3 && s == p)
			return false;
	}
	return s == end || *s == ',' || *s == '\n' || *s == '\'' || *s == '"' || *s == '\0';
}

enum cbpf_form cbpf_form_detect(const void *buf, size_t len)
{
	const char *s = buf, *end = s + len, *p;

	if (!len)
		return CBPF_FORM_ASM;
	if (looks_binary(buf, len))
		return CBPF_FORM_RAW;
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	s = first_line(s, end);
	if (!s)
		return CBPF_FORM_ASM;

	/* tcpdump -d: "(000) ldh [12]". */
	if (*s == '(') {
		p = skip_digits(s + 1, end);
		if (p > s + 1 && p < end && *p == ')')
			return CBPF_FORM_LISTING;
	}
	/* bpf_asm -c and tcpdump -dd, or a C declaration around them. */
	if (*s == '{' || starts_word(s, end, "struct") || starts_word(s, end, "static") ||
	    starts_word(s, end, "const"))
		return CBPF_FORM_C;
	/* "4,40 0 0 12,..." or a count alone on its line (tcpdump -ddd). */
	p = skip_digits(s, end);
	if (p > s) {
		p = skip_blanks(p, end);
		if (p < end && *p == ',')
			return CBPF_FORM_COMMA;
		if (p == end || *p == '\n')
			return CBPF_FORM_DDD;
	}
	/* The comma form in tc's or iptables' quotes ('4,40 0 0 12,...'), or without its count. */
	if (*s == '\'' || *s == '"') {
		const char *q = skip_blanks(s + 1, end);

		p = skip_blanks(skip_digits(q, end), end);
		if (p > q && p < end && *p == ',')
			return CBPF_FORM_COMMA;
		s = q;
	}
	if (countless_comma(s, end))
		return CBPF_FORM_COMMA;
	return CBPF_FORM_ASM;
}
