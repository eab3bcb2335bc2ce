// SPDX-License-Identifier: MIT
/* The debugger's little expression language: conditions over A, X, M[i], packet bytes, inputs. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dbg/dbg_int.h"
#include "util/diag_int.h"

enum op {
	E_NUM, /* val */
	E_A,
	E_X,
	E_MEM, /* M[val] */
	E_PC,
	E_PKT, /* pkt[a : size] */
	E_LEN,
	E_CAPLEN,
	E_FIELD, /* metadata field val */
	E_NR,
	E_ARCH,
	E_IP,
	E_ARG, /* args[val] */
	E_NEG, /* unary: a */
	E_NOT,
	E_CPL,
	/* binary: a, b */
	E_MUL,
	E_DIV,
	E_MOD,
	E_ADD,
	E_SUB,
	E_SHL,
	E_SHR,
	E_AND,
	E_XOR,
	E_OR,
	E_EQ,
	E_NE,
	E_LT,
	E_LE,
	E_GT,
	E_GE,
	E_LAND,
	E_LOR,
};

struct node {
	enum op op;
	uint32_t a, b;
	uint32_t size;
	uint64_t val;
};

struct cbpf_dbg_expr {
	char *text;
	struct node *nodes;
	size_t n, cap;
	uint32_t root;
	bool uses_meta;
};

#define MAX_DEPTH 64 /* nesting: deep enough for anyone, shallow enough for the stack */
#define MAX_NODES 1024

struct parser {
	const char *s; /* the text */
	size_t pos;    /* where the next token starts (after blanks) */
	unsigned depth;
	struct cbpf_dbg_expr *e;
	struct cbpf_diags *diags;
	int err; /* the first error, or 0 */
};

static void skip_blanks(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

/* Records an error at column col of length len (once: the first error is the one to show). */
static void fail(struct parser *p, size_t col, size_t len, const char *fmt, ...) CBPF_PRINTF(4, 5);
static void fail(struct parser *p, size_t col, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	p->err = -EINVAL;
	va_start(ap, fmt);
	diags_vadd(p->diags, CBPF_SEV_ERROR, NULL, 1, (unsigned)col + 1, (unsigned)len, -1, fmt,
		   ap);
	va_end(ap);
}

/* The length of the token at p->pos, for carets: a word, a number or one character. */
static size_t tok_len(const struct parser *p)
{
	const char *t = p->s + p->pos;
	size_t n = 0;

	if (!*t)
		return 1;
	if (isalnum((unsigned char)*t) || *t == '_') {
		while (isalnum((unsigned char)t[n]) || t[n] == '_')
			n++;
		return n;
	}
	return 1;
}

/* "what, not 'token'" at the next token, or "what" at the end of the text. */
static void fail_here(struct parser *p, const char *what)
{
	size_t n = tok_len(p);

	if (!p->s[p->pos]) {
		fail(p, p->pos, 1, "%s at the end", what);
		return;
	}
	fail(p, p->pos, n, "%s, not " DIAG_QF, what, DIAG_QA(p->s + p->pos, n));
}

static uint32_t add_node(struct parser *p, enum op op, uint32_t a, uint32_t b, uint64_t val)
{
	struct cbpf_dbg_expr *e = p->e;

	if (p->err)
		return 0;
	if (e->n == MAX_NODES) {
		fail(p, p->pos, 1, "expression too long");
		return 0;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 16;
		struct node *nn = realloc(e->nodes, cap * sizeof(*nn));

		if (!nn) {
			p->err = -ENOMEM;
			return 0;
		}
		e->nodes = nn;
		e->cap = cap;
	}
	e->nodes[e->n] = (struct node){ op, a, b, 0, val };
	return (uint32_t)e->n++;
}

/* Consumes tok when it comes next (after blanks). */
static bool accept(struct parser *p, const char *tok)
{
	size_t n = strlen(tok);

	skip_blanks(p);
	if (strncmp(p->s + p->pos, tok, n))
		return false;
	/* A word operator must end there: "and" but not "andx". */
	if (isalpha((unsigned char)tok[0]) &&
	    (isalnum((unsigned char)p->s[p->pos + n]) || p->s[p->pos + n] == '_'))
		return false;
	p->pos += n;
	return true;
}

static bool expect(struct parser *p, const char *tok, const char *what)
{
	if (accept(p, tok))
		return true;
	fail_here(p, what);
	return false;
}

/* A number: decimal or 0x hexadecimal, at most 64 bits. */
static bool number(struct parser *p, uint64_t *out)
{
	const char *t = p->s + p->pos;
	size_t start = p->pos;
	uint64_t v = 0;
	int base = 10;

	if (!isdigit((unsigned char)*t))
		return false;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		base = 16;
		t += 2;
		if (!isxdigit((unsigned char)*t)) {
			fail(p, start, 2, "'0x' needs hexadecimal digits");
			return true;
		}
	}
	for (;; t++) {
		int d;

		if (isdigit((unsigned char)*t))
			d = *t - '0';
		else if (base == 16 && isxdigit((unsigned char)*t))
			d = tolower((unsigned char)*t) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			while (isalnum((unsigned char)*t))
				t++;
			fail(p, start, (size_t)(t - (p->s + start)),
			     "number too large for 64 bits");
			return true;
		}
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (isalpha((unsigned char)*t) || *t == '_') {
		while (isalnum((unsigned char)*t) || *t == '_')
			t++;
		size_t n = (size_t)(t - (p->s + start));

		fail(p, start, n, DIAG_QF " is not a number", DIAG_QA(p->s + start, n));
		return true;
	}
	p->pos = (size_t)(t - p->s);
	*out = v;
	return true;
}

static uint32_t parse_or(struct parser *p);

/* [N] after M or args: a constant index below limit. */
static bool index_of(struct parser *p, uint64_t limit, const char *name, uint64_t *out)
{
	size_t at;

	if (!expect(p, "[", "expected '['"))
		return false;
	skip_blanks(p);
	at = p->pos;
	if (!number(p, out)) {
		fail_here(p, "expected an index");
		return false;
	}
	if (p->err)
		return false;
	if (*out >= limit) {
		fail(p, at, p->pos - at, "%s", name);
		return false;
	}
	return expect(p, "]", "expected ']'");
}

static uint32_t primary(struct parser *p)
{
	const char *t;
	size_t start, n;
	uint64_t v;

	skip_blanks(p);
	start = p->pos;
	t = p->s + start;
	if (number(p, &v))
		return add_node(p, E_NUM, 0, 0, v);
	if (accept(p, "(")) {
		uint32_t r = parse_or(p);

		expect(p, ")", "expected ')'");
		return r;
	}
	if (!isalpha((unsigned char)*t) && *t != '_') {
		fail_here(p, "expected a value");
		return 0;
	}
	for (n = 0; isalnum((unsigned char)t[n]) || t[n] == '_';)
		n++;
	p->pos += n;
#define IS(w) (n == strlen(w) && !memcmp(t, w, n))
	if (IS("A") || IS("a"))
		return add_node(p, E_A, 0, 0, 0);
	if (IS("X") || IS("x"))
		return add_node(p, E_X, 0, 0, 0);
	if (IS("pc"))
		return add_node(p, E_PC, 0, 0, 0);
	if (IS("len"))
		return add_node(p, E_LEN, 0, 0, 0);
	if (IS("caplen"))
		return add_node(p, E_CAPLEN, 0, 0, 0);
	if (IS("nr"))
		return add_node(p, E_NR, 0, 0, 0);
	if (IS("arch"))
		return add_node(p, E_ARCH, 0, 0, 0);
	if (IS("ip"))
		return add_node(p, E_IP, 0, 0, 0);
	if (IS("M") || IS("m")) {
		if (!index_of(p, CBPF_MEMWORDS, "scratch memory is M[0] to M[15]", &v))
			return 0;
		return add_node(p, E_MEM, 0, 0, v);
	}
	if (IS("args")) {
		if (!index_of(p, 6, "a system call has args[0] to args[5]", &v))
			return 0;
		return add_node(p, E_ARG, 0, 0, v);
	}
	if (n == 4 && !memcmp(t, "arg", 3) && t[3] >= '0' && t[3] <= '5')
		return add_node(p, E_ARG, 0, 0, (uint64_t)(t[3] - '0'));
	if (IS("pkt")) {
		uint32_t off, r;
		uint64_t size = 1;
		size_t at;

		if (!expect(p, "[", "expected '[' after 'pkt'"))
			return 0;
		off = parse_or(p);
		if (accept(p, ":")) {
			skip_blanks(p);
			at = p->pos;
			if (!number(p, &size)) {
				fail_here(p, "expected a size (1, 2 or 4)");
				return 0;
			}
			if (!p->err && size != 1 && size != 2 && size != 4) {
				fail(p, at, p->pos - at, "a packet load is 1, 2 or 4 bytes");
				return 0;
			}
		}
		if (!expect(p, "]", "expected ']'"))
			return 0;
		r = add_node(p, E_PKT, off, 0, 0);
		if (!p->err)
			p->e->nodes[r].size = (uint32_t)size;
		return r;
	}
#undef IS
	int f = dbg_field_lookup(t, n);

	if (f >= 0) {
		p->e->uses_meta = true;
		return add_node(p, E_FIELD, 0, 0, (uint64_t)f);
	}
	fail(p, start, n,
	     "unknown name " DIAG_QF " (A, X, M[i], pc, pkt[off:size], len, caplen, a metadata "
	     "field, nr, arch, ip, args[i])",
	     DIAG_QA(t, n));
	return 0;
}

static uint32_t unary(struct parser *p)
{
	uint32_t r;
	enum op op;

	if (++p->depth > MAX_DEPTH) {
		fail(p, p->pos, 1, "expression nested too deeply");
		return 0;
	}
	if (accept(p, "!") || accept(p, "not"))
		op = E_NOT;
	else if (accept(p, "~"))
		op = E_CPL;
	else if (accept(p, "-"))
		op = E_NEG;
	else {
		r = primary(p);
		p->depth--;
		return r;
	}
	r = unary(p);
	p->depth--;
	return add_node(p, op, r, 0, 0);
}

/* Binary levels, loosest first. Bitwise and arithmetic bind tighter than comparisons. */
struct binop {
	const char *tok;
	enum op op;
};

static const struct binop lv_or[] = { { "||", E_LOR }, { "or", E_LOR }, { NULL, 0 } };
static const struct binop lv_and[] = { { "&&", E_LAND }, { "and", E_LAND }, { NULL, 0 } };
/* Longer tokens first, so that "<=" is not read as "<". */
static const struct binop lv_cmp[] = { { "==", E_EQ }, { "!=", E_NE }, { "<=", E_LE },
				       { ">=", E_GE }, { "<<", 0 },    { ">>", 0 },
				       { "<", E_LT },  { ">", E_GT },  { "=", E_EQ },
				       { NULL, 0 } };
static const struct binop lv_bor[] = { { "||", 0 }, { "|", E_OR }, { NULL, 0 } };
static const struct binop lv_xor[] = { { "^", E_XOR }, { NULL, 0 } };
static const struct binop lv_band[] = { { "&&", 0 }, { "&", E_AND }, { NULL, 0 } };
static const struct binop lv_shift[] = { { "<<", E_SHL }, { ">>", E_SHR }, { NULL, 0 } };
static const struct binop lv_add[] = { { "+", E_ADD }, { "-", E_SUB }, { NULL, 0 } };
static const struct binop lv_mul[] = {
	{ "*", E_MUL }, { "/", E_DIV }, { "%", E_MOD }, { NULL, 0 }
};

static const struct binop *const levels[] = { lv_or,   lv_and,	 lv_cmp, lv_bor, lv_xor,
					      lv_band, lv_shift, lv_add, lv_mul };
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

/*
 * One level: operands of the next level joined by this level's operators, left to right.
 * An entry with op 0 is a longer token of another level that must not be taken for this one.
 */
static uint32_t level(struct parser *p, size_t lv)
{
	uint32_t l;

	if (lv == NLEVELS)
		return unary(p);
	l = level(p, lv + 1);
	while (!p->err) {
		const struct binop *b;
		size_t save = p->pos;

		for (b = levels[lv]; b->tok; b++)
			if (accept(p, b->tok))
				break;
		if (!b->tok)
			break;
		if (!b->op) {
			p->pos = save;
			break;
		}
		/* A comparison does not chain: a < b < c is a mistake in C too. */
		if (levels[lv] == lv_cmp) {
			uint32_t r = level(p, lv + 1);

			l = add_node(p, b->op, l, r, 0);
			break;
		}
		l = add_node(p, b->op, l, level(p, lv + 1), 0);
	}
	return l;
}

static uint32_t parse_or(struct parser *p)
{
	uint32_t r;

	if (++p->depth > MAX_DEPTH) {
		fail(p, p->pos, 1, "expression nested too deeply");
		return 0;
	}
	r = level(p, 0);
	p->depth--;
	return r;
}

void cbpf_dbg_expr_free(struct cbpf_dbg_expr *expr)
{
	if (!expr)
		return;
	free(expr->text);
	free(expr->nodes);
	free(expr);
}

int cbpf_dbg_expr_parse(const char *text, struct cbpf_dbg_expr **out, struct cbpf_diags *diags)
{
	struct cbpf_dbg_expr *e = calloc(1, sizeof(*e));
	struct parser p = { 0 };

	if (!e || !(e->text = strdup(text))) {
		free(e);
		return -ENOMEM;
	}
	p.s = e->text;
	p.e = e;
	p.diags = diags;
	e->root = parse_or(&p);
	skip_blanks(&p);
	if (!p.err && p.s[p.pos])
		fail_here(&p, "expected an operator or the end");
	if (p.err) {
		cbpf_dbg_expr_free(e);
		return p.err;
	}
	*out = e;
	return 0;
}

const char *cbpf_dbg_expr_text(const struct cbpf_dbg_expr *expr)
{
	return expr->text;
}

bool dbg_expr_uses_meta(const struct cbpf_dbg_expr *expr)
{
	return expr->uses_meta;
}

/* ---------------------------------------------------------------- evaluation */

static int eval(const struct cbpf_dbg_expr *e, uint32_t i, const struct dbg_ctx *c, uint64_t *v)
{
	const struct node *n = &e->nodes[i];
	uint64_t l, r;
	int err;

	switch (n->op) {
	case E_NUM:
		*v = n->val;
		return 0;
	case E_A:
		*v = c->st->A;
		return 0;
	case E_X:
		*v = c->st->X;
		return 0;
	case E_MEM:
		*v = c->st->M[n->val];
		return 0;
	case E_PC:
		*v = c->st->pc;
		return 0;
	case E_PKT: {
		uint32_t w = 0;

		err = eval(e, n->a, c, &l);
		if (err)
			return err;
		if (!c->data || l > c->caplen || n->size > c->caplen - l)
			return -ENOENT;
		for (uint32_t k = 0; k < n->size; k++)
			w = w << 8 | c->data[l + k];
		*v = w;
		return 0;
	}
	case E_LEN:
	case E_CAPLEN:
		if (!c->data && !c->caplen && c->sd) {
			*v = CBPF_SECCOMP_DATA_SIZE;
			return 0;
		}
		*v = n->op == E_LEN ? c->wirelen : c->caplen;
		return 0;
	case E_FIELD:
		if (!c->meta || c->sd)
			return -ENOENT;
		*v = dbg_field_value(c->meta, (size_t)n->val);
		return 0;
	case E_NR:
	case E_ARCH:
	case E_IP:
	case E_ARG:
		if (!c->sd)
			return -ENOENT;
		*v = n->op == E_NR     ? (uint32_t)c->sd->nr
		     : n->op == E_ARCH ? c->sd->arch
		     : n->op == E_IP   ? c->sd->instruction_pointer
				       : c->sd->args[n->val];
		return 0;
	case E_NEG:
	case E_NOT:
	case E_CPL:
		err = eval(e, n->a, c, &l);
		if (err)
			return err;
		*v = n->op == E_NEG ? (uint64_t)0 - l : n->op == E_NOT ? !l : ~l;
		return 0;
	case E_LAND:
	case E_LOR:
		err = eval(e, n->a, c, &l);
		if (err)
			return err;
		if (n->op == E_LAND ? !l : !!l) {
			*v = n->op == E_LOR;
			return 0;
		}
		err = eval(e, n->b, c, &r);
		if (err)
			return err;
		*v = !!r;
		return 0;
	default:
		break;
	}
	err = eval(e, n->a, c, &l);
	if (!err)
		err = eval(e, n->b, c, &r);
	if (err)
		return err;
	switch (n->op) {
	case E_MUL:
		*v = l * r;
		break;
	case E_DIV:
	case E_MOD:
		if (!r)
			return -EINVAL;
		*v = n->op == E_DIV ? l / r : l % r;
		break;
	case E_ADD:
		*v = l + r;
		break;
	case E_SUB:
		*v = l - r;
		break;
	case E_SHL:
		*v = r > 63 ? 0 : l << r;
		break;
	case E_SHR:
		*v = r > 63 ? 0 : l >> r;
		break;
	case E_AND:
		*v = l & r;
		break;
	case E_XOR:
		*v = l ^ r;
		break;
	case E_OR:
		*v = l | r;
		break;
	case E_EQ:
		*v = l == r;
		break;
	case E_NE:
		*v = l != r;
		break;
	case E_LT:
		*v = l < r;
		break;
	case E_LE:
		*v = l <= r;
		break;
	case E_GT:
		*v = l > r;
		break;
	default:
		*v = l >= r;
		break;
	}
	return 0;
}

int dbg_expr_eval_ctx(const struct cbpf_dbg_expr *expr, const struct dbg_ctx *ctx, uint64_t *value)
{
	return eval(expr, expr->root, ctx, value);
}
