// SPDX-License-Identifier: MIT
/* Readers: the comma, C and -ddd forms and raw arrays; bpf_asm and listings go to their parsers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/asm.h"
#include "classic/digit.h"
#include "classic/fmt_int.h"
#include "classic/prog.h"
#include "util/diag_int.h"

#define DEFAULT_MAX_ERRORS 20
#define SHOWN		   24 /* how many bytes of a bad token a message quotes */

/* A cursor over text that knows its line and column. */
struct rd {
	const char *s;
	size_t len, pos;
	unsigned line;
	size_t line_start;
	const char *file;
	struct cbpf_diags *diags;
	unsigned max_errors, errors;
	bool c_syntax; /* comments, octal constants and integer suffixes */
	bool stop;     /* too many errors, or one the reader cannot continue after */
	bool oom;
};

/* Where a token starts, and how long it is. */
struct tok {
	size_t pos;
	unsigned line, col, len;
};

struct num {
	struct tok tok;
	uint64_t val;
	bool overflow; /* more than 64 bits */
};

static struct tok here(const struct rd *rd)
{
	return (struct tok){ rd->pos, rd->line, (unsigned)(rd->pos - rd->line_start + 1), 1 };
}

static bool at_end(const struct rd *rd)
{
	return rd->pos >= rd->len;
}

static int peek(const struct rd *rd)
{
	return at_end(rd) ? -1 : (unsigned char)rd->s[rd->pos];
}

static void advance(struct rd *rd)
{
	if (rd->s[rd->pos] == '\n') {
		rd->line++;
		rd->line_start = rd->pos + 1;
	}
	rd->pos++;
}

static void verror(struct rd *rd, const struct tok *t, long insn, const char *fmt, va_list ap)
	CBPF_PRINTF(4, 0);
static void verror(struct rd *rd, const struct tok *t, long insn, const char *fmt, va_list ap)
{
	if (rd->stop)
		return;
	if (diags_vadd(rd->diags, CBPF_SEV_ERROR, rd->file, t ? t->line : 0, t ? t->col : 0,
		       t ? t->len : 0, insn, fmt, ap))
		rd->oom = true;
	if (++rd->errors >= rd->max_errors) {
		if (cbpf_diags_add(rd->diags, CBPF_SEV_NOTE, rd->file, 0, 0, 0, -1,
				   "too many errors (%u); stopping", rd->errors))
			rd->oom = true;
		rd->stop = true;
	}
}

/* An error the reader recovers from: it goes on to find more. */
static void error_at(struct rd *rd, const struct tok *t, long insn, const char *fmt, ...)
	CBPF_PRINTF(4, 5);
static void error_at(struct rd *rd, const struct tok *t, long insn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rd, t, insn, fmt, ap);
	va_end(ap);
}

/* An error the reader cannot continue after. */
static void fatal_at(struct rd *rd, const struct tok *t, long insn, const char *fmt, ...)
	CBPF_PRINTF(4, 5);
static void fatal_at(struct rd *rd, const struct tok *t, long insn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rd, t, insn, fmt, ap);
	va_end(ap);
	rd->stop = true;
}

/* Skips blanks (and newlines when nl), and C comments in C syntax. */
static void skip_space(struct rd *rd, bool nl)
{
	while (!at_end(rd)) {
		int c = peek(rd);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
		    (nl && c == '\n')) {
			advance(rd);
		} else if (rd->c_syntax && c == '/' && rd->pos + 1 < rd->len &&
			   rd->s[rd->pos + 1] == '*') {
			struct tok t = here(rd);

			t.len = 2;
			advance(rd);
			advance(rd);
			while (!at_end(rd) && !(peek(rd) == '*' && rd->pos + 1 < rd->len &&
						rd->s[rd->pos + 1] == '/'))
				advance(rd);
			if (at_end(rd)) {
				fatal_at(rd, &t, -1, "unterminated comment");
				return;
			}
			advance(rd);
			advance(rd);
		} else if (rd->c_syntax && c == '/' && rd->pos + 1 < rd->len &&
			   rd->s[rd->pos + 1] == '/') {
			while (!at_end(rd) && peek(rd) != '\n')
				advance(rd);
		} else {
			break;
		}
	}
}

static bool is_word_char(int c)
{
	return c >= 0 && (isalnum(c) || c == '_');
}

/* The extent of the token at pos, for quoting it: a word, or one other character. */
static unsigned token_len(const struct rd *rd, size_t pos)
{
	size_t end = pos;

	if (pos >= rd->len)
		return 0;
	while (end < rd->len && is_word_char((unsigned char)rd->s[end]))
		end++;
	if (end == pos)
		end = pos + 1;
	/* Keep UTF-8 sequences whole. */
	while (end < rd->len && ((unsigned char)rd->s[end] & 0xc0) == 0x80)
		end++;
	return (unsigned)(end - pos);
}

/* Quotes text for a message: 'abc', control bytes as \xNN, cut after SHOWN bytes. */
static const char *quote(char *buf, size_t size, const char *text, size_t len)
{
	size_t o = 0;

	if (!len)
		return "end of input";
	buf[o++] = '\'';
	for (size_t i = 0; i < len && i < SHOWN && o + 8 < size; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	if (len > SHOWN)
		o += (size_t)snprintf(buf + o, size - o, "...");
	snprintf(buf + o, size - o, "'");
	return buf;
}

/* What is at the cursor, quoted for "found ..." in messages; sets t to it. */
static const char *found(const struct rd *rd, struct tok *t, char *buf, size_t size)
{
	*t = here(rd);
	t->len = token_len(rd, rd->pos);
	if (at_end(rd))
		return "end of input";
	if (peek(rd) == '\n') {
		t->len = 0;
		return "end of line";
	}
	return quote(buf, size, rd->s + rd->pos, t->len);
}

/*
 * Reads an unsigned number at the cursor: decimal or 0x hex; in C syntax also octal and the
 * u/U/l/L suffixes. Returns false (nothing consumed) when no number starts here; a number with
 * letters glued on is a located error ("junk after a value") and consumes the whole word.
 */
static bool read_number(struct rd *rd, struct num *n, const char *what, long insn)
{
	size_t start = rd->pos, p = start, end = start, digits;
	unsigned base = 10;
	char qbuf[64], vbuf[64];

	if (at_end(rd) || !isdigit(peek(rd)))
		return false;
	while (end < rd->len && is_word_char((unsigned char)rd->s[end]))
		end++;
	n->tok = here(rd);
	n->tok.len = (unsigned)(end - start);
	n->val = 0;
	n->overflow = false;
	if (end - p >= 2 && rd->s[p] == '0' && (rd->s[p + 1] == 'x' || rd->s[p + 1] == 'X')) {
		base = 16;
		p += 2;
	} else if (rd->c_syntax && rd->s[p] == '0') {
		base = 8;
	}
	digits = p;
	while (p < end && digit_value((unsigned char)rd->s[p]) < (int)base) {
		uint64_t v = n->val * base + (uint64_t)digit_value((unsigned char)rd->s[p]);

		if (n->val > (UINT64_MAX - 15) / base)
			n->overflow = true;
		n->val = v;
		p++;
	}
	if (rd->c_syntax) {
		size_t suffix = p;

		while (p < end && p - suffix < 3 && strchr("uUlL", rd->s[p]))
			p++;
	}
	if (p == digits || p < end) {
		struct tok junk = n->tok;

		if (p == digits) {
			/* "0x" alone, or "0xg": the digits are missing. */
			fatal_at(rd, &junk, insn, "%s %s has no digits", what,
				 quote(qbuf, sizeof(qbuf), rd->s + start, end - start));
		} else if (isdigit((unsigned char)rd->s[p]) && base < 10) {
			junk.col += (unsigned)(p - start);
			junk.len = 1;
			fatal_at(rd, &junk, insn, "invalid digit '%c' in the octal constant %s",
				 rd->s[p], quote(qbuf, sizeof(qbuf), rd->s + start, end - start));
		} else {
			junk.col += (unsigned)(p - start);
			junk.len = (unsigned)(end - p);
			fatal_at(rd, &junk, insn, "unexpected %s after the value %s",
				 quote(qbuf, sizeof(qbuf), rd->s + p, end - p),
				 quote(vbuf, sizeof(vbuf), rd->s + start, p - start));
		}
	}
	while (rd->pos < end)
		advance(rd);
	return true;
}

/* Checks a field against its width; a located error (the reader goes on) when it is wider. */
static uint32_t field(struct rd *rd, const struct num *n, const char *name, uint64_t max, long insn)
{
	char qbuf[64];

	if (!n->overflow && n->val <= max)
		return (uint32_t)n->val;
	if (max == UINT32_MAX)
		error_at(rd, &n->tok, insn, "%s %s does not fit in 32 bits", name,
			 quote(qbuf, sizeof(qbuf), rd->s + n->tok.pos, n->tok.len));
	else
		error_at(rd, &n->tok, insn, "%s %s is out of range (at most %llu)", name,
			 quote(qbuf, sizeof(qbuf), rd->s + n->tok.pos, n->tok.len),
			 (unsigned long long)max);
	return 0;
}

static const char *const field_names[] = { "code", "jt", "jf", "k" };
static const uint64_t field_max[] = { 0xffff, 0xff, 0xff, UINT32_MAX };

static struct cbpf_insn make_insn(const uint32_t v[4])
{
	return (struct cbpf_insn){ (uint16_t)v[0], (uint8_t)v[1], (uint8_t)v[2], v[3] };
}

static bool append(struct rd *rd, struct cbpf_prog *prog, const uint32_t v[4],
		   const struct tok *start, unsigned len)
{
	struct cbpf_srcloc loc = { start->line, start->col, len };

	if (prog_append(prog, make_insn(v), &loc)) {
		rd->oom = rd->stop = true;
		return false;
	}
	return true;
}

/* The count of the comma and -ddd forms against what followed. */
static void check_count(struct rd *rd, const struct num *count, size_t n)
{
	char qbuf[64];

	if (count->overflow || count->val > UINT32_MAX)
		error_at(rd, &count->tok, -1, "count %s is out of range",
			 quote(qbuf, sizeof(qbuf), rd->s + count->tok.pos, count->tok.len));
	else if (count->val != n)
		error_at(rd, &count->tok, -1,
			 "count mismatch: the count says %llu instruction%s but %zu follow%s",
			 (unsigned long long)count->val, count->val == 1 ? "" : "s", n,
			 n == 1 ? "s" : "");
}

/*
 * What may follow a value inside an instruction: a blank (a newline too when nl), or the end of
 * the instruction.
 */
static bool value_ends(const struct rd *rd, bool nl, const char *ends)
{
	int c = peek(rd);

	return c < 0 || c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
	       (nl && c == '\n') || (c && strchr(ends, c));
}

/*
 * Four blank-separated values: code jt jf k. nl says whether newlines may separate them (the
 * comma form), ends lists the characters that end an instruction.
 */
static bool read_four(struct rd *rd, uint32_t v[4], size_t insn, bool nl, const char *ends,
		      struct tok *first)
{
	char qbuf[64], vbuf[64];
	struct tok t;

	for (int f = 0; f < 4; f++) {
		struct num n;

		if (f)
			skip_space(rd, nl);
		if (!read_number(rd, &n, field_names[f], (long)insn)) {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			if (f && (at_end(rd) || strchr(ends, peek(rd))))
				fatal_at(rd, &t, (long)insn,
					 "insn %zu has %d value%s; expected 4 (code jt jf k)", insn,
					 f, f == 1 ? "" : "s");
			else
				fatal_at(rd, &t, (long)insn, "expected %s of insn %zu, found %s",
					 field_names[f], insn, what);
			return false;
		}
		if (rd->stop)
			return false;
		if (!f)
			*first = n.tok;
		v[f] = field(rd, &n, field_names[f], field_max[f], (long)insn);
		if (!value_ends(rd, nl, ends)) {
			struct tok j = here(rd);

			j.len = token_len(rd, rd->pos);
			fatal_at(rd, &j, (long)insn, "unexpected %s after the value %s",
				 quote(qbuf, sizeof(qbuf), rd->s + rd->pos, j.len),
				 quote(vbuf, sizeof(vbuf), rd->s + n.tok.pos, n.tok.len));
			return false;
		}
	}
	return true;
}

/*
 * One instruction's four values at the cursor, appended to prog; located by the whole of its
 * text when that is on one line, else by its first value.
 */
static bool read_insn(struct rd *rd, struct cbpf_prog *prog, bool nl, const char *ends)
{
	size_t start = rd->pos;
	struct tok first = { 0 };
	uint32_t v[4];

	if (!read_four(rd, v, prog->len, nl, ends, &first))
		return false;
	return append(rd, prog, v, &first,
		      first.line == rd->line ? (unsigned)(rd->pos - start) : first.len);
}

/* The instruction count that starts the comma and -ddd forms. */
static bool read_count(struct rd *rd, struct num *count)
{
	struct tok t;
	char qbuf[64];

	skip_space(rd, true);
	if (!read_number(rd, count, "count", -1)) {
		const char *what = found(rd, &t, qbuf, sizeof(qbuf));

		fatal_at(rd, &t, -1, "expected the instruction count, found %s", what);
		return false;
	}
	return !rd->stop;
}

/*
 * Whether the comma form at the cursor starts with its count ("4,40 0 0 12,...") rather than
 * with the first instruction ("40 0 0 12,...", as iptables -L prints the program): a number
 * that blanks and another value follow is an instruction's code.
 */
static bool starts_with_count(const struct rd *rd)
{
	size_t p = rd->pos, word;

	while (p < rd->len && is_word_char((unsigned char)rd->s[p]))
		p++;
	word = p;
	while (p < rd->len && (rd->s[p] == ' ' || rd->s[p] == '\t'))
		p++;
	return !(word > rd->pos && p > word && p < rd->len && isdigit((unsigned char)rd->s[p]));
}

/*
 * bpf_asm's default form and tc's bytecode: "N,code jt jf k,code jt jf k,...". Blanks and
 * newlines may stand between any two values and after the last, the last comma may be missing
 * (tc filter show and iptables -S print none); the whole may be in the quotes those print
 * ('...' and "..."), and the count may be missing (iptables -L prints none, and a NUL byte
 * after the last value).
 */
static void read_comma(struct rd *rd, struct cbpf_prog *prog)
{
	struct num count;
	struct tok t, open = { 0 };
	char qbuf[64], ends[3] = ",";
	bool counted;
	int quote = 0;
	size_t end = rd->len;

	/* iptables -L ends the program with a NUL byte (libxt_bpf.c: bpf_print_code's tail). */
	while (end > rd->pos && isspace((unsigned char)rd->s[end - 1]))
		end--;
	if (end > rd->pos && rd->s[end - 1] == '\0')
		rd->len = end - 1;
	skip_space(rd, true);
	if (peek(rd) == '\'' || peek(rd) == '"') {
		open = here(rd);
		quote = peek(rd);
		ends[1] = (char)quote;
		advance(rd);
		skip_space(rd, true);
	}
	counted = starts_with_count(rd);
	if (counted) {
		if (!read_count(rd, &count))
			return;
		skip_space(rd, true);
		if (peek(rd) != ',') {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			fatal_at(rd, &t, -1, "expected ',' after the count, found %s", what);
			return;
		}
		advance(rd);
	}
	for (;;) {
		skip_space(rd, true);
		if (at_end(rd) || (quote && peek(rd) == quote))
			break;
		if (!read_insn(rd, prog, true, ends))
			return;
		skip_space(rd, true);
		if (at_end(rd) || (quote && peek(rd) == quote))
			break;
		if (peek(rd) != ',') {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			fatal_at(rd, &t, (long)prog->len - 1,
				 "expected ',' after insn %zu, found %s", prog->len - 1, what);
			return;
		}
		advance(rd);
	}
	if (quote) {
		if (at_end(rd)) {
			open.len = 1;
			fatal_at(rd, &open, -1, "the quote %c that opens the program is not closed",
				 quote);
			return;
		}
		advance(rd);
		skip_space(rd, true);
		if (!at_end(rd)) {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			fatal_at(rd, &t, -1, "unexpected %s after the closing quote", what);
			return;
		}
	}
	if (counted)
		check_count(rd, &count, prog->len);
}

/* tcpdump -ddd: the count on a line, then a line "code jt jf k" per instruction. */
static void read_ddd(struct rd *rd, struct cbpf_prog *prog)
{
	struct num count;
	struct tok t;
	char qbuf[64];

	if (!read_count(rd, &count))
		return;
	skip_space(rd, false);
	if (!at_end(rd) && peek(rd) != '\n') {
		const char *what = found(rd, &t, qbuf, sizeof(qbuf));

		fatal_at(rd, &t, -1, "unexpected %s after the count (it stands alone on its line)",
			 what);
		return;
	}
	for (;;) {
		skip_space(rd, true);
		if (at_end(rd))
			break;
		if (!read_insn(rd, prog, false, "\n"))
			return;
		skip_space(rd, false);
		if (!at_end(rd) && peek(rd) != '\n') {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			fatal_at(rd, &t, (long)prog->len - 1,
				 "unexpected %s after the 4 values of insn %zu (one per line)",
				 what, prog->len - 1);
			return;
		}
	}
	check_count(rd, &count, prog->len);
}

/* Expects punctuation c at the cursor (after blanks); says what came instead. */
static bool expect(struct rd *rd, char c, const char *after, long insn)
{
	struct tok t;
	char qbuf[64];

	skip_space(rd, true);
	if (rd->stop)
		return false;
	if (peek(rd) == c) {
		advance(rd);
		return true;
	}
	const char *what = found(rd, &t, qbuf, sizeof(qbuf));

	fatal_at(rd, &t, insn, "expected '%c' %s, found %s", c, after, what);
	return false;
}

/* One "{ code, jt, jf, k }" of bpf_asm -c or tcpdump -dd. */
static bool read_c_insn(struct rd *rd, struct cbpf_prog *prog)
{
	struct tok open = here(rd), t;
	size_t insn = prog->len;
	uint32_t v[4];
	char qbuf[64], after[64];

	advance(rd); /* '{' */
	for (int f = 0; f < 4; f++) {
		struct num n;

		skip_space(rd, true);
		if (rd->stop)
			return false;
		if (!read_number(rd, &n, field_names[f], (long)insn)) {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			if (f && peek(rd) == '}')
				fatal_at(rd, &t, (long)insn,
					 "insn %zu has %d value%s; expected 4 (code, jt, jf, k)",
					 insn, f, f == 1 ? "" : "s");
			else
				fatal_at(rd, &t, (long)insn, "expected %s of insn %zu, found %s",
					 field_names[f], insn, what);
			return false;
		}
		if (rd->stop)
			return false;
		v[f] = field(rd, &n, field_names[f], field_max[f], (long)insn);
		skip_space(rd, true);
		if (rd->stop)
			return false;
		if (f < 3 && peek(rd) == '}') {
			found(rd, &t, qbuf, sizeof(qbuf));
			fatal_at(rd, &t, (long)insn,
				 "insn %zu has %d value%s; expected 4 (code, jt, jf, k)", insn,
				 f + 1, f ? "s" : "");
			return false;
		}
		snprintf(after, sizeof(after), "after %s", field_names[f]);
		if (f < 3 && !expect(rd, ',', after, (long)insn))
			return false;
	}
	if (peek(rd) == ',') /* a trailing comma inside the braces is C too */
		advance(rd);
	if (!expect(rd, '}', "to close the instruction", (long)insn))
		return false;
	return append(rd, prog, v, &open,
		      open.line == rd->line ? (unsigned)(rd->pos - open.pos) : 1);
}

/* Skips "struct sock_filter name[] =" (or any declaration) and its opening brace. */
static bool skip_declaration(struct rd *rd)
{
	struct tok t;
	char qbuf[64];

	while (!at_end(rd) && peek(rd) != '=') {
		int c = peek(rd);

		if (!is_word_char(c) && !strchr("[]*", c)) {
			const char *what = found(rd, &t, qbuf, sizeof(qbuf));

			fatal_at(rd, &t, -1, "expected '=' and the instructions, found %s", what);
			return false;
		}
		advance(rd);
		skip_space(rd, true);
		if (rd->stop)
			return false;
	}
	return expect(rd, '=', "in the declaration", -1) &&
	       expect(rd, '{', "to open the array", -1);
}

/* bpf_asm -c, tcpdump -dd, or either inside a C array declaration. */
static void read_c(struct rd *rd, struct cbpf_prog *prog)
{
	bool outer = false;
	struct tok t;
	char qbuf[64];

	skip_space(rd, true);
	if (rd->stop)
		return;
	if (is_word_char(peek(rd)) && !isdigit(peek(rd))) {
		if (!skip_declaration(rd))
			return;
		outer = true;
	} else if (peek(rd) == '{') {
		/* "{ {" opens an array around the instructions. */
		size_t p = rd->pos + 1;

		while (p < rd->len && isspace((unsigned char)rd->s[p]))
			p++;
		if (p < rd->len && rd->s[p] == '{') {
			advance(rd);
			outer = true;
		}
	}
	for (;;) {
		skip_space(rd, true);
		if (rd->stop)
			return;
		if (peek(rd) != '{')
			break;
		if (!read_c_insn(rd, prog))
			return;
		skip_space(rd, true);
		if (rd->stop)
			return;
		if (peek(rd) != ',')
			break;
		advance(rd);
	}
	if (outer) {
		if (!expect(rd, '}', "to close the array", -1))
			return;
		skip_space(rd, true);
		if (peek(rd) == ';')
			advance(rd);
	}
	skip_space(rd, true);
	if (rd->stop || at_end(rd))
		return;
	const char *what = found(rd, &t, qbuf, sizeof(qbuf));

	if (prog->len)
		fatal_at(rd, &t, -1, "unexpected %s after the last instruction", what);
	else
		fatal_at(rd, &t, -1, "expected '{' to open an instruction, found %s", what);
}

/* struct sock_filter[] as the kernel takes it: 8 bytes per instruction, host byte order. */
static void read_raw(struct rd *rd, struct cbpf_prog *prog)
{
	size_t n = rd->len / sizeof(struct cbpf_insn);

	if (rd->len % sizeof(struct cbpf_insn)) {
		fatal_at(rd, NULL, (long)n,
			 "truncated raw input: %zu bytes is not a multiple of 8 (one instruction); "
			 "the last %zu bytes are left over",
			 rd->len, rd->len % sizeof(struct cbpf_insn));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct cbpf_insn in;

		memcpy(&in, rd->s + i * sizeof(in), sizeof(in));
		if (prog_append(prog, in, NULL)) {
			rd->oom = rd->stop = true;
			return;
		}
	}
}

int cbpf_prog_read(const void *buf, size_t len, const struct cbpf_read_opts *opts,
		   struct cbpf_prog **out, struct cbpf_diags *diags)
{
	static const struct cbpf_read_opts defaults;
	struct rd rd = { 0 };
	struct cbpf_prog *prog;
	enum cbpf_form form;

	if (!opts)
		opts = &defaults;
	form = opts->form == CBPF_FORM_AUTO ? cbpf_form_detect(buf, len) : opts->form;
	if (!len) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->file, 0, 0, 0, -1,
			       "empty input: no instructions");
		return -EINVAL;
	}
	if (form == CBPF_FORM_ASM || form == CBPF_FORM_LISTING) {
		struct cbpf_asm_opts aopts = { opts->file, opts->max_errors, opts->no_relax };

		if (form == CBPF_FORM_ASM)
			return cbpf_asm_parse(buf, len, &aopts, out, diags);
		return cbpf_listing_parse(buf, len, &aopts, out, diags);
	}
	if (form != CBPF_FORM_COMMA && form != CBPF_FORM_C && form != CBPF_FORM_DD &&
	    form != CBPF_FORM_DDD && form != CBPF_FORM_RAW) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, opts->file, 0, 0, 0, -1,
			       "the %s form cannot be read", cbpf_form_name(form));
		return -EINVAL;
	}

	prog = cbpf_prog_new(NULL, 0);
	if (!prog)
		return -ENOMEM;
	rd.s = buf;
	rd.len = len;
	rd.line = 1;
	rd.file = opts->file;
	rd.diags = diags;
	rd.max_errors = opts->max_errors ? opts->max_errors : DEFAULT_MAX_ERRORS;
	rd.c_syntax = form == CBPF_FORM_C || form == CBPF_FORM_DD;
	/* A UTF-8 byte order mark is not part of the text. */
	if (form != CBPF_FORM_RAW && len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		rd.pos = 3;
		rd.line_start = 3;
	}
	switch (form) {
	case CBPF_FORM_COMMA:
		read_comma(&rd, prog);
		break;
	case CBPF_FORM_C:
	case CBPF_FORM_DD:
		read_c(&rd, prog);
		break;
	case CBPF_FORM_DDD:
		read_ddd(&rd, prog);
		break;
	default:
		read_raw(&rd, prog);
		break;
	}
	if (!rd.oom && !rd.errors && prog_set_file(prog, opts->file))
		rd.oom = true;
	if (rd.oom || rd.errors) {
		cbpf_prog_free(prog);
		return rd.oom ? -ENOMEM : -EINVAL;
	}
	*out = prog;
	return 0;
}
