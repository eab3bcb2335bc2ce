// SPDX-License-Identifier: MIT
/* minijail's policy language: "syscall: arg0 == 1 || arg1 & 2; return EPERM", @include. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/consttab.h"
#include "seccomp/policy_ir.h"
#include "seccomp/systab.h"
#include "util/infile.h"
#include "util/suggest.h"

#define MAX_INCLUDE_DEPTH 10

enum tok {
	T_END,
	T_IDENT,     /* a name, or an action word with '-' (kill-process) */
	T_NUMBER,    /* text in [s, s + len) */
	T_DIRECTIVE, /* @include, @default, ... */
	T_COLON,
	T_SEMI,
	T_COMMA,
	T_LBRACE,
	T_RBRACE,
	T_LBRACKET,
	T_RBRACKET,
	T_LPAREN,
	T_RPAREN,
	T_OROR,
	T_ANDAND,
	T_OR,	 /* | */
	T_TILDE, /* ~ */
	T_EQUAL, /* = (metadata) */
	T_OP,	 /* == != < <= > >= & in */
	T_BAD,
};

struct token {
	enum tok type;
	const char *s;
	size_t len;
	unsigned line, col;
};

/* One statement: the tokens of a line and its continuations. */
struct stmt {
	struct token *v;
	size_t n, cap, i;
	unsigned line; /* of the first token */
};

struct tparser {
	struct policy_ctx *ctx;
	const char *file; /* owned by the policy */
	unsigned depth;
	unsigned arch_mask;	  /* the statement's [arch=...], for its constants; 0: all */
	uint32_t *default_action; /* shared by included files */
	bool *default_set;
	bool *denylist; /* @denylist: minijail's --denylist policy, shared by included files */
	bool stated;	/* a statement of this file came before: @denylist comes first */
	bool frequency; /* reading an @frequency file: "syscall: count" lines */
};

static void terr(struct tparser *tp, const struct token *t, const char *fmt, ...) CBPF_PRINTF(3, 4);
static void twarn(struct tparser *tp, const struct token *t, const char *fmt, ...)
	CBPF_PRINTF(3, 4);

static void tdiag(struct tparser *tp, enum cbpf_severity sev, const struct token *t,
		  const char *fmt, va_list ap) CBPF_PRINTF(4, 0);

static void tdiag(struct tparser *tp, enum cbpf_severity sev, const struct token *t,
		  const char *fmt, va_list ap)
{
	policy_vdiag(tp->ctx, sev, tp->file, t ? t->line : 0, t ? t->col : 0,
		     t ? (unsigned)t->len : 0, fmt, ap);
}

static void terr(struct tparser *tp, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdiag(tp, CBPF_SEV_ERROR, t, fmt, ap);
	va_end(ap);
}

static void twarn(struct tparser *tp, const struct token *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tdiag(tp, CBPF_SEV_WARNING, t, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- tokens */

static bool push(struct tparser *tp, struct stmt *st, struct token t)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		struct token *v = realloc(st->v, cap * sizeof(*v));

		if (!v) {
			if (!tp->ctx->err)
				tp->ctx->err = -ENOMEM;
			return false;
		}
		st->v = v;
		st->cap = cap;
	}
	if (!st->n)
		st->line = t.line;
	st->v[st->n++] = t;
	return true;
}

static bool ident_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' ||
	       (!first && (isdigit((unsigned char)c) || c == '-' || c == '@'));
}

/*
 * Tokenizes one physical line [p, end) into st. Returns true when the line ends with '\'
 * (the statement continues on the next line).
 */
static bool tokenize_line(struct tparser *tp, struct stmt *st, const char *p, const char *end,
			  unsigned line)
{
	const char *start = p;

	while (p < end) {
		struct token t = { T_BAD, p, 1, line, (unsigned)(p - start) + 1 };
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			p++;
			continue;
		}
		if (c == '#')
			break;
		if (c == '\\') {
			const char *q = p + 1;

			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q == end)
				return true;
			terr(tp, &t, "stray '\\' (a line continues only when '\\' ends it)");
			p++;
			continue;
		}
		if (c == '@' || ident_char(c, true)) {
			const char *q = p + 1;

			while (q < end && ident_char(*q, false))
				q++;
			t.type = c == '@' ? T_DIRECTIVE : T_IDENT;
			t.len = (size_t)(q - p);
			p = q;
			if (t.type == T_IDENT && t.len == 2 && !memcmp(t.s, "in", 2))
				t.type = T_OP;
			if (!push(tp, st, t))
				return false;
			if (t.type == T_DIRECTIVE &&
			    ((t.len == 8 && !memcmp(t.s, "@include", 8)) ||
			     (t.len == 10 && !memcmp(t.s, "@frequency", 10)))) {
				/* A path: the rest of the line up to a comment, trimmed. */
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				q = p;
				while (q < end && *q != '#')
					q++;
				while (q > p && isspace((unsigned char)q[-1]))
					q--;
				if (q > p) {
					struct token path = { T_IDENT, p, (size_t)(q - p), line,
							      (unsigned)(p - start) + 1 };

					if (!push(tp, st, path))
						return false;
				}
				return false;
			}
			continue;
		}
		if (isdigit((unsigned char)c) ||
		    (c == '-' && p + 1 < end && isdigit((unsigned char)p[1]))) {
			const char *q = p + 1;

			while (q < end && isalnum((unsigned char)*q))
				q++;
			t.type = T_NUMBER;
			t.len = (size_t)(q - p);
			p = q;
			if (!push(tp, st, t))
				return false;
			continue;
		}
		t.len = 1;
		switch (c) {
		case ':':
			t.type = T_COLON;
			break;
		case ';':
			t.type = T_SEMI;
			break;
		case ',':
			t.type = T_COMMA;
			break;
		case '{':
			t.type = T_LBRACE;
			break;
		case '}':
			t.type = T_RBRACE;
			break;
		case '[':
			t.type = T_LBRACKET;
			break;
		case ']':
			t.type = T_RBRACKET;
			break;
		case '(':
			t.type = T_LPAREN;
			break;
		case ')':
			t.type = T_RPAREN;
			break;
		case '~':
			t.type = T_TILDE;
			break;
		case '|':
			t.type = p + 1 < end && p[1] == '|' ? T_OROR : T_OR;
			break;
		case '&':
			t.type = p + 1 < end && p[1] == '&' ? T_ANDAND : T_OP;
			break;
		case '=':
			t.type = p + 1 < end && p[1] == '=' ? T_OP : T_EQUAL;
			break;
		case '!':
			if (p + 1 < end && p[1] == '=')
				t.type = T_OP;
			break;
		case '<':
		case '>':
			t.type = T_OP;
			if (p + 1 < end && p[1] == '=')
				t.len = 2;
			break;
		default:
			break;
		}
		if (t.type == T_OROR || t.type == T_ANDAND ||
		    (t.type == T_OP && c != '&' && c != '<' && c != '>'))
			t.len = 2;
		if (t.type == T_BAD) {
			if (isprint((unsigned char)c))
				terr(tp, &t, "unexpected '%c'", c);
			else
				terr(tp, &t, "unexpected byte 0x%02x", (unsigned char)c);
			p++;
			continue;
		}
		p += t.len;
		if (!push(tp, st, t))
			return false;
	}
	return false;
}

/* ---------------------------------------------------------------- statements */

static const struct token *peek(struct stmt *st)
{
	static const struct token end = { T_END, "", 0, 0, 0 };

	return st->i < st->n ? &st->v[st->i] : &end;
}

/* The token after the last one, for "expected ... at the end of the line". */
static struct token end_token(const struct stmt *st)
{
	const struct token *last = &st->v[st->n - 1];

	return (struct token){ T_END, "", 1, last->line, last->col + (unsigned)last->len };
}

static void expected(struct tparser *tp, struct stmt *st, const char *what)
{
	const struct token *t = peek(st);

	if (t->type == T_END) {
		struct token e = end_token(st);

		terr(tp, &e, "expected %s at the end of the line", what);
	} else {
		terr(tp, t, "expected %s, found " DIAG_QF, what, DIAG_QA(t->s, t->len));
	}
}

static bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && !memcmp(t->s, word, t->len);
}

/*
 * A named constant's value (libcbpf/data/constants.csv) on every architecture the statement is
 * for: the filter's (the host's while none is given yet), narrowed by its [arch=...]. A name
 * that is unknown, missing on one of them or different between them is a located error.
 */
static bool lookup_constant(struct tparser *tp, const struct token *t, uint64_t *out)
{
	const struct cbpf_policy *pol = tp->ctx->pol;
	const enum cbpf_arch *arches = pol->n_arches ? pol->arches : &tp->ctx->host;
	size_t n = pol->n_arches ? pol->n_arches : 1;
	const struct consttab_entry *e;
	enum cbpf_arch first = CBPF_ARCH_NONE;
	char name[64];

	*out = 0;
	e = t->len < sizeof(name)
		    ? (memcpy(name, t->s, t->len), name[t->len] = '\0', consttab_find(name))
		    : NULL;
	if (!e) {
		const char *near[3];
		char hint[3 * 72] = "";
		size_t k = 0;

		if (t->len < sizeof(name))
			k = cbpf_const_suggest(n == 1 ? arches[0] : CBPF_ARCH_NONE, name, near, 3);
		suggest_list(hint, sizeof(hint), near, k);
		if (k)
			terr(tp, t, "unknown constant '%s' (did you mean %s?)", name, hint);
		else
			terr(tp, t, "unknown constant " DIAG_QF " (write its value)",
			     DIAG_QA(t->s, t->len));
		return false;
	}
	for (size_t a = 0; a < n; a++) {
		uint64_t v;

		/* A host of none of cbpf's architectures (CBPF_ARCH_NONE) has no column. */
		if ((tp->arch_mask && !(tp->arch_mask & (1U << arches[a]))) ||
		    systab_col(arches[a]) < 0)
			continue;
		if (consttab_value(e, systab_col(arches[a]), &v)) {
			terr(tp, t, "constant '%s' is not defined on %s", name,
			     cbpf_arch_name(arches[a]));
			return false;
		}
		if (first == CBPF_ARCH_NONE) {
			first = arches[a];
			*out = v;
		} else if (v != *out) {
			terr(tp, t,
			     "constant '%s' differs between %s (%#llx) and %s (%#llx): write a "
			     "statement per architecture ([arch=...])",
			     name, cbpf_arch_name(first), (unsigned long long)*out,
			     cbpf_arch_name(arches[a]), (unsigned long long)v);
			return false;
		}
	}
	return true;
}

/* A number as strtoull with base 0 reads it (and 0o octal, minijail's other spelling). */
static bool parse_number(const struct token *t, uint64_t *out)
{
	const char *s = t->s, *end = t->s + t->len;
	bool neg = false;
	unsigned base = 10;
	uint64_t v = 0;

	if (*s == '-')
		neg = true, s++;
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (end - s > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (end - s > 1 && s[0] == '0')
		base = 8, s++;
	if (s == end)
		return false;
	for (; s < end; s++) {
		unsigned d;

		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return false;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (neg && v > (uint64_t)INT64_MAX + 1)
		return false;
	*out = neg ? (uint64_t)0 - v : v;
	return true;
}

static bool parse_value(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth);

/* constant = [ '~' ] ( number | name | '(' value ')' ) */
static bool parse_constant(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth)
{
	const struct token *t = peek(st);
	bool neg = false;

	if (t->type == T_TILDE) {
		neg = true;
		st->i++;
		t = peek(st);
	}
	if (t->type == T_LPAREN) {
		const struct token *open = t;

		st->i++;
		if (depth > 16) {
			terr(tp, open, "parentheses nested too deeply");
			return false;
		}
		if (!parse_value(tp, st, out, depth + 1))
			return false;
		if (peek(st)->type != T_RPAREN) {
			expected(tp, st, "')'");
			return false;
		}
		st->i++;
	} else if (t->type == T_NUMBER) {
		if (!parse_number(t, out)) {
			terr(tp, t, "bad number " DIAG_QF, DIAG_QA(t->s, t->len));
			return false;
		}
		st->i++;
	} else if (t->type == T_IDENT) {
		if (!lookup_constant(tp, t, out))
			return false;
		st->i++;
	} else {
		expected(tp, st, "a number or a constant");
		return false;
	}
	if (neg)
		*out = ~*out;
	return true;
}

/* value = constant { '|' constant } */
static bool parse_value(struct tparser *tp, struct stmt *st, uint64_t *out, unsigned depth)
{
	uint64_t v = 0, c;

	do {
		if (!parse_constant(tp, st, &c, depth))
			return false;
		v |= c;
	} while (peek(st)->type == T_OR && ++st->i);
	*out = v;
	return true;
}

/* action = allow | 1 | kill | kill-process | kill-thread | trap | trace | log | user-notify
 *        | return value */
static bool parse_action(struct tparser *tp, struct stmt *st, uint32_t *out)
{
	const struct token *t = peek(st);
	char word[32];

	/* minijail's parser: a denylist policy names what it refuses, each with its errno. */
	if (*tp->denylist && !(t->type == T_IDENT && tok_is(t, "return"))) {
		expected(tp, st,
			 "'return ERRNO' (a @denylist policy returns an errno for each call it "
			 "lists)");
		return false;
	}
	if (t->type == T_NUMBER && tok_is(t, "1")) {
		st->i++;
		*out = CBPF_SECCOMP_RET_ALLOW;
		return true;
	}
	if (t->type == T_IDENT && tok_is(t, "return")) {
		uint64_t v;

		st->i++;
		if (!parse_value(tp, st, &v, 0))
			return false;
		if (v > 0xffff) {
			terr(tp, t, "errno %llu is out of range (0 to 65535)",
			     (unsigned long long)v);
			return false;
		}
		*out = CBPF_SECCOMP_RET_ERRNO | (uint32_t)v;
		return true;
	}
	if (t->type == T_IDENT && t->len < sizeof(word)) {
		static const char *const words[] = { "allow",	    "kill",	   "kill-process",
						     "kill-thread", "trap",	   "trace",
						     "log",	    "user-notify", NULL };

		memcpy(word, t->s, t->len);
		word[t->len] = '\0';
		for (size_t i = 0; words[i]; i++)
			if (!strcmp(word, words[i]) && !cbpf_seccomp_action_parse(word, out)) {
				st->i++;
				return true;
			}
	}
	expected(tp, st,
		 "an action (allow, 1, kill, kill-process, kill-thread, trap, trace, log, "
		 "user-notify, return ERRNO)");
	return false;
}

/* atom = 'arg' N op value */
static bool parse_atom(struct tparser *tp, struct stmt *st, struct cbpf_policy_cond *c)
{
	const struct token *arg = peek(st), *op;
	uint64_t v;
	unsigned idx = 0;

	if (arg->type != T_IDENT || arg->len < 4 || memcmp(arg->s, "arg", 3)) {
		expected(tp, st, "an argument (arg0 to arg5)");
		return false;
	}
	for (size_t i = 3; i < arg->len; i++) {
		if (!isdigit((unsigned char)arg->s[i]) || idx > 1000) {
			terr(tp, arg, "bad argument " DIAG_QF " (arg0 to arg5)",
			     DIAG_QA(arg->s, arg->len));
			return false;
		}
		idx = idx * 10 + (unsigned)(arg->s[i] - '0');
	}
	if (idx > 5) {
		terr(tp, arg,
		     "argument index %u is over 5 (a syscall has six arguments, arg0 to arg5)",
		     idx);
		return false;
	}
	st->i++;
	op = peek(st);
	if (op->type != T_OP) {
		expected(tp, st, "a comparison (==, !=, <, <=, >, >=, &, in)");
		return false;
	}
	st->i++;
	if (!parse_value(tp, st, &v, 0))
		return false;
	c->arg = idx;
	c->mask = UINT64_MAX;
	c->value = v;
	if (tok_is(op, "=="))
		c->op = CBPF_CMP_EQ;
	else if (tok_is(op, "!="))
		c->op = CBPF_CMP_NE;
	else if (tok_is(op, "<"))
		c->op = CBPF_CMP_LT;
	else if (tok_is(op, "<="))
		c->op = CBPF_CMP_LE;
	else if (tok_is(op, ">"))
		c->op = CBPF_CMP_GT;
	else if (tok_is(op, ">="))
		c->op = CBPF_CMP_GE;
	else if (tok_is(op, "&")) /* any of the bits set */
		c->op = CBPF_CMP_MASKED_NE, c->mask = v, c->value = 0;
	else /* in: no bit outside the set */
		c->op = CBPF_CMP_MASKED_EQ, c->mask = ~v, c->value = 0;
	return true;
}

struct descriptor {
	const struct token *name;
	unsigned arch_mask;
	bool skip; /* for architectures the filter does not check */
};

/* Architectures a policy may name that cbpf has no table for: their rules are left out. */
static bool other_arch(const char *name)
{
	/* (names cbpf_arch_parse knows never get here) */
	static const char *const names[] = {
		"armv7",  "ppc64", "powerpc64", "riscv", "sparc",      "sparc64",
		"parisc", "m68k",  "sh",	"alpha", "microblaze", NULL,
	};

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* descriptor = name [ '[' 'arch' '=' name { ',' name } ']' ] */
static bool parse_descriptor(struct tparser *tp, struct stmt *st, struct descriptor *d)
{
	const struct token *t = peek(st);

	d->name = t;
	d->arch_mask = 0;
	d->skip = false;
	if (t->type != T_IDENT) {
		expected(tp, st, "a syscall name");
		return false;
	}
	if (memchr(t->s, '@', t->len)) {
		terr(tp, t, "syscall groups (" DIAG_QF ") are not supported: list the syscalls",
		     DIAG_QA(t->s, t->len));
		return false;
	}
	st->i++;
	if (peek(st)->type != T_LBRACKET)
		return true;
	st->i++;
	if (!tok_is(peek(st), "arch")) {
		expected(tp, st, "'arch' (the only metadata key)");
		return false;
	}
	st->i++;
	if (peek(st)->type != T_EQUAL) {
		expected(tp, st, "'='");
		return false;
	}
	st->i++;
	do {
		const struct token *a = peek(st);
		char name[32];
		enum cbpf_arch arch;

		if (a->type != T_IDENT || a->len >= sizeof(name)) {
			expected(tp, st, "an architecture name");
			return false;
		}
		memcpy(name, a->s, a->len);
		name[a->len] = '\0';
		if (!cbpf_arch_parse(name, &arch)) {
			d->arch_mask |= 1U << arch;
		} else if (!other_arch(name)) {
			terr(tp, a,
			     "unknown architecture '%s' (x86_64, i386, x32, aarch64, arm, ...)",
			     name);
			return false;
		}
		st->i++;
	} while (peek(st)->type == T_COMMA && ++st->i);
	if (peek(st)->type != T_RBRACKET) {
		expected(tp, st, "']'");
		return false;
	}
	st->i++;
	if (!d->arch_mask) {
		d->skip = true;
		return true;
	}
	d->skip = true;
	for (size_t a = 0; a < tp->ctx->pol->n_arches; a++)
		if (d->arch_mask & (1U << tp->ctx->pol->arches[a]))
			d->skip = false;
	return true;
}

/* Checks a syscall name: known, and on every architecture its rule applies to. */
static const char *check_name(struct tparser *tp, const struct descriptor *d)
{
	const struct token *t = d->name;
	const struct cbpf_policy *pol = tp->ctx->pol;
	bool lenient = tp->ctx->opts->lenient;
	char name[64];
	uint32_t nr;

	if (t->len >= sizeof(name) ||
	    (memcpy(name, t->s, t->len), name[t->len] = '\0', !cbpf_syscall_exists(name))) {
		/* a name no architecture has is a typo: an error even when lenient */
		char hint[SYSTAB_HINT_SIZE] = "";

		if (t->len < sizeof(name))
			systab_hint(CBPF_ARCH_NONE, name, hint, sizeof(hint));
		terr(tp, t, "unknown syscall " DIAG_QF "%s", DIAG_QA(t->s, t->len), hint);
		return NULL;
	}
	for (size_t a = 0; a < pol->n_arches; a++) {
		enum cbpf_arch arch = pol->arches[a];

		if (d->arch_mask && !(d->arch_mask & (1U << arch)))
			continue;
		if (!cbpf_syscall_nr(arch, name, &nr))
			continue;
		if (lenient)
			twarn(tp, t, "syscall '%s' does not exist on %s: no rule there", name,
			      cbpf_arch_name(arch));
		else
			terr(tp, t, "syscall '%s' does not exist on %s", name,
			     cbpf_arch_name(arch));
	}
	return policy_strdup(tp->ctx, name, strlen(name));
}

static void parse_file(struct tparser *tp, const char *src, size_t len);

/*
 * Reads the file the directive dir names (path), relative to the current file's directory as
 * minijail does. Returns the text (to free, its length in *len) and sets *full to the path
 * (to free), or NULL after a located error.
 */
static char *read_named(struct tparser *tp, const struct token *dir, const struct token *path,
			char **full, size_t *len)
{
	const char *base = tp->file ? strrchr(tp->file, '/') : NULL;
	char *buf = NULL;
	size_t blen;
	int err;

	if (tp->ctx->opts->no_includes) {
		terr(tp, dir, "%.*s is not allowed here", (int)dir->len, dir->s);
		return NULL;
	}
	blen = path->s[0] != '/' && base ? (size_t)(base - tp->file) + 1 : 0;
	*full = malloc(blen + path->len + 1);
	if (!*full) {
		tp->ctx->err = -ENOMEM;
		return NULL;
	}
	if (blen)
		memcpy(*full, tp->file, blen);
	memcpy(*full + blen, path->s, path->len);
	(*full)[blen + path->len] = '\0';
	err = cbpf_infile_read(*full, tp->ctx->opts->max_file_size, &buf, len);
	if (err) {
		char why[64];

		terr(tp, path, "cannot %.*s " DIAG_QF ": %s", (int)dir->len, dir->s,
		     DIAG_QA(*full, strlen(*full)),
		     cbpf_infile_why(err, tp->ctx->opts->max_file_size, why, sizeof(why)));
		/* Out of memory, or over the limit, is the call's answer (common.h's set). */
		if ((err == -ENOMEM || err == -EFBIG) && !tp->ctx->err)
			tp->ctx->err = err == -EFBIG ? -E2BIG : err;
		free(*full);
		*full = NULL;
		return NULL;
	}
	return buf;
}

/*
 * @denylist: minijail's compile_seccomp_policy --denylist. Calls the policy does not name are
 * allowed, each statement returns an errno, and what minijail would kill with (a foreign
 * architecture, an x32 number) gets EPERM. It comes before the file's first statement, as the
 * flag it stands for holds for the whole file.
 */
static void do_denylist(struct tparser *tp, struct stmt *st)
{
	if (st->n > 1) {
		terr(tp, &st->v[1], "unexpected " DIAG_QF " after @denylist",
		     DIAG_QA(st->v[1].s, st->v[1].len));
		return;
	}
	if (tp->stated && !*tp->denylist) {
		terr(tp, &st->v[0], "@denylist comes before the policy's first statement");
		return;
	}
	*tp->denylist = true;
}

/* @include FILE and @frequency FILE: the file read with the parser of its kind. */
static void do_include(struct tparser *tp, struct stmt *st, bool frequency)
{
	const struct token *dir = &st->v[0], *path = st->n > 1 ? &st->v[1] : NULL;
	char *full = NULL, *buf;
	struct tparser sub = *tp;
	size_t blen;

	if (!path) {
		struct token e = end_token(st);

		terr(tp, &e, "expected a file name after %.*s", (int)dir->len, dir->s);
		return;
	}
	if (st->n > 2) {
		terr(tp, &st->v[2], "unexpected " DIAG_QF " after the file name",
		     DIAG_QA(st->v[2].s, st->v[2].len));
		return;
	}
	if (!frequency && tp->depth >= MAX_INCLUDE_DEPTH) {
		terr(tp, dir, "@include nested more than %d deep", MAX_INCLUDE_DEPTH);
		return;
	}
	buf = read_named(tp, dir, path, &full, &blen);
	if (!buf)
		return;
	sub.file = policy_strdup(tp->ctx, full, strlen(full));
	sub.depth = tp->depth + 1;
	sub.frequency = frequency;
	if (sub.file)
		parse_file(&sub, buf, blen);
	free(buf);
	free(full);
}

/*
 * A line of an @frequency file: "syscall: count" (minijail's tools/parser.py,
 * _parse_frequency_file), the syscall known and the count a number, 0 or more.
 */
static void frequency_line(struct tparser *tp, struct stmt *st)
{
	struct descriptor d;
	const struct token *t;
	uint64_t n;

	tp->arch_mask = 0;
	if (!parse_descriptor(tp, st, &d))
		return;
	if (peek(st)->type != T_COLON) {
		expected(tp, st, "':' after the syscall name");
		return;
	}
	st->i++;
	t = peek(st);
	if (t->type != T_NUMBER || t->s[0] == '-' || !parse_number(t, &n)) {
		expected(tp, st, "a count (a number, 0 or more)");
		return;
	}
	st->i++;
	if (st->i < st->n) {
		t = peek(st);
		terr(tp, t, "unexpected " DIAG_QF " after the count", DIAG_QA(t->s, t->len));
		return;
	}
	if (!d.skip) {
		const char *name = check_name(tp, &d);

		if (name)
			policy_add_freq(tp->ctx, name, n);
	}
}

/*
 * Makes room for one more element in *v (n used of *cap, each size bytes): statements have no
 * fixed limit (ChromeOS policies list 66 ioctl requests in one). false and ctx->err on -ENOMEM.
 */
static bool grow(struct tparser *tp, void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv;

	if (n < *cap)
		return true;
	nv = ncap > SIZE_MAX / size ? NULL : realloc(*v, ncap * size);
	if (!nv) {
		tp->ctx->err = -ENOMEM;
		return false;
	}
	*v = nv;
	*cap = ncap;
	return true;
}

/*
 * Whether an unconditional action for name written now is the fallback of conditional rules
 * before it (arch_mask: the statement's). minijail's compiler (tools/parser.py, parse_file)
 * joins every statement of a syscall into one list of filters in file order, so
 * "openat: arg2 == 0" and then "openat: return EPERM" mean "openat: arg2 == 0; return EPERM".
 */
static bool sequential_fallback(const struct tparser *tp, const char *name, unsigned arch_mask)
{
	const struct cbpf_policy *pol = tp->ctx->pol;
	bool conditional = false;

	for (size_t r = 0; r < pol->n_rules; r++) {
		const struct cbpf_policy_rule *rule = &pol->rules[r];

		if (strcmp(rule->syscall, name) ||
		    (rule->arch_mask && arch_mask && !(rule->arch_mask & arch_mask)))
			continue;
		if (!rule->n_conds)
			return false; /* there is one already: the conflict check says so */
		conditional = true;
	}
	return conditional;
}

/* The syscalls, comparisons and clauses of one statement, as many as it has. */
struct stmt_parts {
	struct descriptor *ds;
	struct cbpf_policy_cond *conds;
	size_t *start; /* clause c is conds[start[c] .. start[c + 1]) */
	size_t nds, nconds, nclauses, cap_ds, cap_conds, cap_start;
};

#define GROW(tp, sp, v, n) grow(tp, (void **)&(sp)->v, &(sp)->cap_##v, n, sizeof(*(sp)->v))

static void do_statement_parts(struct tparser *tp, struct stmt *st, struct stmt_parts *sp)
{
	const struct token *first = &st->v[0], *colon;
	uint32_t action = CBPF_SECCOMP_RET_ALLOW, fallback = 0;
	bool has_expr = false, has_fallback = false;

	if (first->type == T_DIRECTIVE) {
		if (tok_is(first, "@include") || tok_is(first, "@frequency")) {
			do_include(tp, st, tok_is(first, "@frequency"));
			return;
		}
		if (tok_is(first, "@denylist")) {
			do_denylist(tp, st);
			return;
		}
		if (tok_is(first, "@default")) {
			st->i = 1;
			tp->arch_mask = 0;
			if (!parse_action(tp, st, tp->default_action))
				return;
			*tp->default_set = true;
			goto end;
		}
		terr(tp, first,
		     "unknown directive " DIAG_QF " (@include, @default, @frequency, @denylist)",
		     DIAG_QA(first->s, first->len));
		return;
	}
	/* descriptors ':' */
	if (first->type == T_LBRACE) {
		st->i++;
		do {
			if (!GROW(tp, sp, ds, sp->nds))
				return;
			if (!parse_descriptor(tp, st, &sp->ds[sp->nds++]))
				return;
		} while (peek(st)->type == T_COMMA && ++st->i);
		if (peek(st)->type != T_RBRACE) {
			expected(tp, st, "',' or '}'");
			return;
		}
		st->i++;
	} else if (!GROW(tp, sp, ds, sp->nds) || !parse_descriptor(tp, st, &sp->ds[sp->nds++])) {
		return;
	}
	/* The constants of the statement are read for the architectures of its syscalls. */
	tp->arch_mask = 0;
	for (size_t d = 0; d < sp->nds; d++) {
		if (!sp->ds[d].arch_mask) {
			tp->arch_mask = 0;
			break;
		}
		tp->arch_mask |= sp->ds[d].arch_mask;
	}
	colon = peek(st);
	if (colon->type != T_COLON) {
		expected(tp, st, "':' after the syscall name");
		return;
	}
	st->i++;
	/* filter = action | expr [ ';' action ] */
	if (peek(st)->type == T_LBRACE) {
		terr(tp, peek(st),
		     "filter lists in braces are not supported: one filter per syscall");
		return;
	}
	if (peek(st)->type == T_IDENT && peek(st)->len > 3 && !memcmp(peek(st)->s, "arg", 3) &&
	    isdigit((unsigned char)peek(st)->s[3])) {
		has_expr = true;
		if (!GROW(tp, sp, start, 0))
			return;
		sp->start[0] = 0;
		for (;;) {
			if (!GROW(tp, sp, conds, sp->nconds))
				return;
			if (!parse_atom(tp, st, &sp->conds[sp->nconds++]))
				return;
			if (peek(st)->type == T_ANDAND) {
				st->i++;
				continue;
			}
			if (!GROW(tp, sp, start, sp->nclauses + 1))
				return;
			sp->start[++sp->nclauses] = sp->nconds;
			if (peek(st)->type != T_OROR)
				break;
			st->i++;
		}
		if (peek(st)->type == T_SEMI) {
			st->i++;
			if (!parse_action(tp, st, &fallback))
				return;
			has_fallback = true;
		}
	} else if (!parse_action(tp, st, &action)) {
		return;
	}
end:
	if (st->i < st->n) {
		const struct token *t = peek(st);

		terr(tp, t, "unexpected " DIAG_QF " after the statement", DIAG_QA(t->s, t->len));
		return;
	}
	for (size_t d = 0; d < sp->nds; d++) {
		unsigned d_mask = sp->ds[d].arch_mask, d_line = sp->ds[d].name->line;
		unsigned d_col = sp->ds[d].name->col;
		const char *name;

		if (sp->ds[d].skip)
			continue;
		name = check_name(tp, &sp->ds[d]);
		if (!name)
			continue;
		if (!has_expr) {
			policy_add_rule(tp->ctx, name, action,
					sequential_fallback(tp, name, d_mask), NULL, 0, d_mask,
					tp->file, d_line, d_col);
			continue;
		}
		for (size_t c = 0; c < sp->nclauses; c++)
			policy_add_rule(tp->ctx, name, CBPF_SECCOMP_RET_ALLOW, false,
					&sp->conds[sp->start[c]], sp->start[c + 1] - sp->start[c],
					d_mask, tp->file, d_line, d_col);
		if (has_fallback)
			policy_add_rule(tp->ctx, name, fallback, true, NULL, 0, d_mask, tp->file,
					d_line, d_col);
	}
}

static void do_statement(struct tparser *tp, struct stmt *st)
{
	struct stmt_parts sp = { 0 };

	do_statement_parts(tp, st, &sp);
	if (st->v[0].type != T_DIRECTIVE)
		tp->stated = true;
	free(sp.ds);
	free(sp.conds);
	free(sp.start);
}

static void parse_file(struct tparser *tp, const char *src, size_t len)
{
	const char *p = src, *end = src + len;
	struct stmt st = { 0 };
	unsigned line = 0;

	while (p < end && !tp->ctx->err && tp->ctx->errors <= tp->ctx->max_errors) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		bool more;

		if (!eol)
			eol = end;
		line++;
		if (memchr(p, '\0', (size_t)(eol - p))) {
			struct token t = { T_BAD, p, 1, line, 1 };

			terr(tp, &t, "NUL byte in the policy");
			break;
		}
		more = tokenize_line(tp, &st, p, eol, line);
		p = eol < end ? eol + 1 : end;
		if (more && p < end)
			continue;
		if (st.n && tp->frequency)
			frequency_line(tp, &st);
		else if (st.n)
			do_statement(tp, &st);
		st.n = st.i = 0;
	}
	free(st.v);
}

void policy_text_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file)
{
	uint32_t dflt = CBPF_SECCOMP_RET_KILL_PROCESS;
	bool dflt_set = false, denylist = false;
	struct tparser tp = {
		.ctx = ctx, .default_action = &dflt, .default_set = &dflt_set, .denylist = &denylist
	};

	if (file && !(tp.file = policy_strdup(ctx, file, strlen(file))))
		return;
	/* The filter's architectures are fixed before the rules: names are checked on each. */
	if (!ctx->pol->n_arches)
		policy_add_arch(ctx->pol, ctx->host);
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		src += 3, len -= 3;
	parse_file(&tp, src, len);
	/* minijail: a syscall nothing allows kills the process, unless @default says otherwise. */
	ctx->pol->default_action = dflt;
	ctx->have_default = dflt_set;
	if (denylist) {
		if (!dflt_set)
			ctx->pol->default_action = CBPF_SECCOMP_RET_ALLOW;
		ctx->have_default = true;
		/* minijail's kill action under --denylist is return EPERM */
		if (!ctx->opts->has_badarch_action)
			ctx->pol->badarch_action = CBPF_SECCOMP_RET_ERRNO | EPERM;
	}
}
