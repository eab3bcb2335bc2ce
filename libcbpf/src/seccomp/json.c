// SPDX-License-Identifier: MIT
/* A small JSON reader with line:col: strings decoded, numbers kept as text, nesting bounded. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/json.h"

struct jparser {
	const char *src, *end, *p;
	unsigned line;
	const char *line_start;
	struct arena *arena;
	struct json_error *err;
	bool failed, nomem;
	unsigned depth;
};

#define JSON_MAX_DEPTH 64

static void *jalloc(struct jparser *jp, size_t size)
{
	void *p = arena_alloc(jp->arena, size);

	if (!p)
		jp->failed = jp->nomem = true;
	return p;
}

static unsigned jcol(const struct jparser *jp, const char *at)
{
	return (unsigned)(at - jp->line_start) + 1;
}

static void jerror_at(struct jparser *jp, const char *at, unsigned len, const char *msg)
{
	if (jp->failed)
		return;
	jp->failed = true;
	jp->err->line = jp->line;
	jp->err->col = jcol(jp, at);
	jp->err->len = len;
	snprintf(jp->err->msg, sizeof(jp->err->msg), "%s", msg);
}

static void skip_ws(struct jparser *jp)
{
	while (jp->p < jp->end) {
		char c = *jp->p;

		if (c == '\n') {
			jp->line++;
			jp->line_start = jp->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		jp->p++;
	}
}

static const char *describe(const struct jparser *jp)
{
	if (jp->p >= jp->end)
		return "the end of the input";
	return NULL;
}

static void expected(struct jparser *jp, const char *what)
{
	char msg[128];
	const char *at = describe(jp);

	if (at)
		snprintf(msg, sizeof(msg), "expected %s, found %s", what, at);
	else if (isprint((unsigned char)*jp->p))
		snprintf(msg, sizeof(msg), "expected %s, found '%c'", what, *jp->p);
	else
		snprintf(msg, sizeof(msg), "expected %s, found byte 0x%02x", what,
			 (unsigned char)*jp->p);
	jerror_at(jp, jp->p, 1, msg);
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A string; jp->p at the opening quote. The decoded text is never longer than the source. */
static void parse_string(struct jparser *jp, struct jval *v)
{
	const char *start = jp->p++;
	const char *q;
	char *out, *o;

	for (q = jp->p; q < jp->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < jp->end)
			q++;
	out = jalloc(jp, (size_t)(q - jp->p) + 1);
	if (!out)
		return;
	o = out;
	while (jp->p < jp->end && *jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;

		if (c < 0x20) {
			jerror_at(jp, jp->p, 1,
				  c == '\n' ? "unterminated string"
					    : "control character in a string");
			return;
		}
		if (c != '\\') {
			*o++ = (char)c;
			jp->p++;
			continue;
		}
		if (jp->p + 1 >= jp->end)
			break;
		switch (jp->p[1]) {
		case '"':
			*o++ = '"';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '/':
			*o++ = '/';
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u': {
			int cp = jp->end - jp->p >= 6 ? hex4(jp->p + 2) : -1;

			if (cp < 0) {
				jerror_at(jp, jp->p, 2, "bad \\u escape: four hex digits expected");
				return;
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				int lo =
					jp->end - jp->p >= 12 && jp->p[6] == '\\' && jp->p[7] == 'u'
						? hex4(jp->p + 8)
						: -1;

				if (lo < 0xdc00 || lo > 0xdfff) {
					jerror_at(jp, jp->p, 6,
						  "lone UTF-16 surrogate in a \\u escape");
					return;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				jp->p += 6;
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				jerror_at(jp, jp->p, 6, "lone UTF-16 surrogate in a \\u escape");
				return;
			} else if (cp == 0) {
				jerror_at(jp, jp->p, 6, "\\u0000 in a string");
				return;
			}
			o = put_utf8(o, (unsigned)cp);
			jp->p += 4;
			break;
		}
		default:
			jerror_at(jp, jp->p, 2, "bad escape in a string");
			return;
		}
		jp->p += 2;
	}
	if (jp->p >= jp->end) {
		jerror_at(jp, start, 1, "unterminated string");
		return;
	}
	jp->p++;
	*o = '\0';
	v->type = J_STR;
	v->str = out;
	v->n = (size_t)(o - out);
	v->len = (unsigned)(jp->p - start);
}

static void parse_number(struct jparser *jp, struct jval *v)
{
	const char *s = jp->p, *p = s;

	if (p < jp->end && *p == '-')
		p++;
	if (p < jp->end && *p == '0') {
		p++;
	} else if (p < jp->end && *p >= '1' && *p <= '9') {
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	} else {
		jp->p = p;
		expected(jp, "a digit");
		return;
	}
	if (p < jp->end && *p == '.') {
		p++;
		if (p >= jp->end || !isdigit((unsigned char)*p)) {
			jp->p = p;
			expected(jp, "a digit after '.'");
			return;
		}
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= jp->end || !isdigit((unsigned char)*p)) {
			jp->p = p;
			expected(jp, "a digit in the exponent");
			return;
		}
		while (p < jp->end && isdigit((unsigned char)*p))
			p++;
	}
	v->type = J_NUM;
	v->str = s;
	v->n = (size_t)(p - s);
	v->len = (unsigned)v->n;
	jp->p = p;
}

static void parse_value(struct jparser *jp, struct jval *v);

/*
 * Members are collected in a scratch buffer of the heap and handed to the arena at the close,
 * exactly as many as there are: arena arrays that doubled as they grew would keep every smaller
 * copy, and a profile of 20,000 small rules took 100 MB that way.
 */
struct members {
	struct jval *items, *keys;
	size_t cap;
};

static bool members_grow(struct jparser *jp, struct members *m, size_t n, bool object)
{
	size_t cap = m->cap ? 2 * m->cap : 8;
	struct jval *ni, *nk;

	if (n < m->cap)
		return true;
	ni = realloc(m->items, cap * sizeof(*ni));
	if (ni)
		m->items = ni;
	nk = object ? realloc(m->keys, cap * sizeof(*nk)) : NULL;
	if (nk)
		m->keys = nk;
	if (!ni || (object && !nk)) {
		jp->failed = jp->nomem = true;
		return false;
	}
	m->cap = cap;
	return true;
}

/* v's n members (and keys) from the scratch buffer into the arena; the buffer freed. */
static void members_keep(struct jparser *jp, struct jval *v, struct members *m, bool object)
{
	v->items = v->n ? jalloc(jp, v->n * sizeof(*v->items)) : NULL;
	v->keys = v->n && object ? jalloc(jp, v->n * sizeof(*v->keys)) : NULL;
	if (v->items)
		memcpy(v->items, m->items, v->n * sizeof(*v->items));
	if (v->keys)
		memcpy(v->keys, m->keys, v->n * sizeof(*v->keys));
	if (v->n && (!v->items || (object && !v->keys)))
		v->n = 0;
	free(m->items);
	free(m->keys);
}

static void parse_members(struct jparser *jp, struct jval *v, struct members *m, bool object)
{
	const char *open = jp->p++;

	v->type = object ? J_OBJ : J_ARR;
	if (++jp->depth > JSON_MAX_DEPTH) {
		jerror_at(jp, open, 1, "nested too deeply");
		return;
	}
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
		jp->p++;
		jp->depth--;
		return;
	}
	for (;;) {
		if (!members_grow(jp, m, v->n, object))
			return;
		skip_ws(jp);
		if (object) {
			struct jval *k = &m->keys[v->n];

			memset(k, 0, sizeof(*k));
			k->line = jp->line;
			k->col = jcol(jp, jp->p);
			if (jp->p >= jp->end || *jp->p != '"') {
				expected(jp, "a member name in double quotes");
				return;
			}
			parse_string(jp, k);
			if (jp->failed)
				return;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				expected(jp, "':' after a member name");
				return;
			}
			jp->p++;
			skip_ws(jp);
		}
		parse_value(jp, &m->items[v->n]);
		if (jp->failed)
			return;
		v->n++;
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			skip_ws(jp);
			if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
				jerror_at(jp, jp->p, 1,
					  object ? "trailing ',' before '}'"
						 : "trailing ',' before ']'");
				return;
			}
			continue;
		}
		if (jp->p < jp->end && *jp->p == (object ? '}' : ']')) {
			jp->p++;
			break;
		}
		expected(jp, object ? "',' or '}' after an object member"
				    : "',' or ']' after an array element");
		return;
	}
	jp->depth--;
}

static void parse_container(struct jparser *jp, struct jval *v, bool object)
{
	struct members m = { NULL, NULL, 0 };

	parse_members(jp, v, &m, object);
	members_keep(jp, v, &m, object);
}

static void parse_value(struct jparser *jp, struct jval *v)
{
	static const struct {
		const char *word;
		enum jtype type;
		bool b;
	} words[] = { { "null", J_NULL, false },
		      { "true", J_BOOL, true },
		      { "false", J_BOOL, false } };

	memset(v, 0, sizeof(*v));
	skip_ws(jp);
	v->line = jp->line;
	v->col = jcol(jp, jp->p);
	v->len = 1;
	if (jp->p >= jp->end) {
		expected(jp, "a value");
		return;
	}
	switch (*jp->p) {
	case '{':
		parse_container(jp, v, true);
		return;
	case '[':
		parse_container(jp, v, false);
		return;
	case '"':
		parse_string(jp, v);
		return;
	default:
		break;
	}
	if (*jp->p == '-' || isdigit((unsigned char)*jp->p)) {
		parse_number(jp, v);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);

		if ((size_t)(jp->end - jp->p) >= n && !memcmp(jp->p, words[i].word, n) &&
		    (jp->p + n == jp->end || !isalnum((unsigned char)jp->p[n]))) {
			v->type = words[i].type;
			v->b = words[i].b;
			v->len = (unsigned)n;
			jp->p += n;
			return;
		}
	}
	expected(jp, "a value");
}

int json_parse(const char *src, size_t len, const char *after, struct arena *arena,
	       struct jval *top, struct json_error *err)
{
	struct jparser jp = {
		.src = src,
		.end = src + len,
		.p = src,
		.line = 1,
		.line_start = src,
		.arena = arena,
		.err = err,
	};

	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		jp.p += 3, jp.line_start += 3;
	parse_value(&jp, top);
	if (!jp.failed) {
		char what[96];

		skip_ws(&jp);
		snprintf(what, sizeof(what), "the end of the input after %s", after);
		if (jp.p < jp.end)
			expected(&jp, what);
	}
	if (jp.nomem)
		return -ENOMEM;
	return jp.failed ? -EINVAL : 0;
}
