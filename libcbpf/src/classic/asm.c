// SPDX-License-Identifier: MIT
/*
 * The bpf_asm language (tools/bpf/bpf_exp.l, bpf_exp.y): encodes what bpf_asm encodes, but
 * reports every error at file:line:col and recovers at the next line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classic/asm_int.h"
#include "classic/insn_int.h"

/* ---------------------------------------------------------------- keywords */

/* What an instruction accepts after its mnemonic. */
enum form {
	F_LD,	/* ld */
	F_LDI,	/* ldi, ldxi: #k or a bare k */
	F_LDHB, /* ldh, ldb */
	F_LDX,	/* ldx */
	F_LDXB, /* ldxb */
	F_ST,	/* st, stx */
	F_JA,	/* ja, jmp */
	F_JMP,	/* jeq jgt jge jset: a true target, then an optional false target */
	F_JNOT, /* jneq jne jlt jle: encoded as the opposite test with the target in jf */
	F_ALU,	/* add ... rsh */
	F_NONE, /* neg tax txa */
	F_RET,	/* ret */
};

struct mnemonic {
	const char *name;
	enum form form;
	uint16_t code; /* the K (or only) form; the X form adds CBPF_X, ret a is code | CBPF_A */
};

/* bpf_exp.l's mnemonics, matched case-insensitively (flex %option caseless). */
static const struct mnemonic mnemonics[] = {
	{ "ld", F_LD, CBPF_LD },
	{ "ldi", F_LDI, CBPF_LD | CBPF_IMM },
	{ "ldh", F_LDHB, CBPF_LD | CBPF_H },
	{ "ldb", F_LDHB, CBPF_LD | CBPF_B },
	{ "ldx", F_LDX, CBPF_LDX },
	{ "ldxi", F_LDI, CBPF_LDX | CBPF_IMM },
	{ "ldxb", F_LDXB, CBPF_LDX | CBPF_B | CBPF_MSH },
	{ "st", F_ST, CBPF_ST },
	{ "stx", F_ST, CBPF_STX },
	{ "jmp", F_JA, CBPF_JMP | CBPF_JA },
	{ "ja", F_JA, CBPF_JMP | CBPF_JA },
	{ "jeq", F_JMP, CBPF_JMP | CBPF_JEQ },
	{ "jneq", F_JNOT, CBPF_JMP | CBPF_JEQ },
	{ "jne", F_JNOT, CBPF_JMP | CBPF_JEQ },
	{ "jlt", F_JNOT, CBPF_JMP | CBPF_JGE },
	{ "jle", F_JNOT, CBPF_JMP | CBPF_JGT },
	{ "jgt", F_JMP, CBPF_JMP | CBPF_JGT },
	{ "jge", F_JMP, CBPF_JMP | CBPF_JGE },
	{ "jset", F_JMP, CBPF_JMP | CBPF_JSET },
	{ "add", F_ALU, CBPF_ALU | CBPF_ADD },
	{ "sub", F_ALU, CBPF_ALU | CBPF_SUB },
	{ "mul", F_ALU, CBPF_ALU | CBPF_MUL },
	{ "div", F_ALU, CBPF_ALU | CBPF_DIV },
	{ "mod", F_ALU, CBPF_ALU | CBPF_MOD },
	{ "neg", F_NONE, CBPF_ALU | CBPF_NEG },
	{ "and", F_ALU, CBPF_ALU | CBPF_AND },
	{ "or", F_ALU, CBPF_ALU | CBPF_OR },
	{ "xor", F_ALU, CBPF_ALU | CBPF_XOR },
	{ "lsh", F_ALU, CBPF_ALU | CBPF_LSH },
	{ "rsh", F_ALU, CBPF_ALU | CBPF_RSH },
	{ "ret", F_RET, CBPF_RET },
	{ "tax", F_NONE, CBPF_MISC | CBPF_TAX },
	{ "txa", F_NONE, CBPF_MISC | CBPF_TXA },
};

#define N_MNEMONICS (sizeof(mnemonics) / sizeof(mnemonics[0]))

/* What tcpdump -d calls #len and some ancillary fields, to point people at bpf_asm's name. */
static const struct {
	const char *tcpdump, *bpf_asm;
} tcpdump_names[] = {
	{ "pktlen", "len" },
	{ "random", "rand" },
	{ "vlanp", "vlan_pr" },
};

static bool name_is(const char *s, unsigned len, const char *name)
{
	return name && strlen(name) == len && !strncasecmp(s, name, len);
}

/*
 * The SKF_AD_* offset of the ancillary field a name (without '#') stands for in bpf_exp.l, or -1.
 * The names are the instruction model's (classic/insn.c).
 */
static int find_ancillary(const char *s, unsigned len)
{
	size_t n;
	const struct insn_anc *t = insn_anc_table(&n);

	for (size_t i = 0; i < n; i++)
		if (name_is(s, len, t[i].bpf_asm) || name_is(s, len, t[i].alias))
			return (int)(4 * i);
	return -1;
}

/* Names bpf_exp.l makes tokens of, which therefore cannot be labels. */
static bool is_keyword(const char *s, unsigned len)
{
	static const char *const single[] = { "x", "a", "m", "len" };

	for (size_t i = 0; i < N_MNEMONICS; i++)
		if (strlen(mnemonics[i].name) == len && !strncasecmp(s, mnemonics[i].name, len))
			return true;
	if (find_ancillary(s, len) >= 0)
		return true;
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (strlen(single[i]) == len && !strncasecmp(s, single[i], len))
			return true;
	return false;
}

static const struct mnemonic *find_mnemonic(const struct tok *t)
{
	for (size_t i = 0; i < N_MNEMONICS; i++)
		if (tok_name_is(t, mnemonics[i].name))
			return &mnemonics[i];
	return NULL;
}

/* ---------------------------------------------------------------- labels */

struct label {
	const char *name; /* into the source; NULL for an empty slot */
	unsigned len;
	size_t node;
	unsigned line, col;
};

struct labels {
	struct label *v;
	size_t cap, n; /* cap is a power of two; at most half full */
};

static uint32_t hash_name(const char *s, unsigned len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (unsigned i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct label *labels_find(const struct labels *tab, const char *s, unsigned len)
{
	if (!tab->cap)
		return NULL;
	for (size_t i = hash_name(s, len) & (tab->cap - 1);; i = (i + 1) & (tab->cap - 1)) {
		struct label *l = &tab->v[i];

		if (!l->name)
			return NULL;
		if (l->len == len && !memcmp(l->name, s, len))
			return l;
	}
}

static bool labels_grow(struct labels *tab)
{
	size_t cap = tab->cap ? 2 * tab->cap : 64;
	struct label *v = calloc(cap, sizeof(*v));

	if (!v)
		return false;
	for (size_t i = 0; i < tab->cap; i++) {
		const struct label *l = &tab->v[i];
		size_t j;

		if (!l->name)
			continue;
		for (j = hash_name(l->name, l->len) & (cap - 1); v[j].name; j = (j + 1) & (cap - 1))
			;
		v[j] = *l;
	}
	free(tab->v);
	tab->v = v;
	tab->cap = cap;
	return true;
}

static bool labels_add(struct labels *tab, const struct label *l)
{
	size_t i;

	if (2 * (tab->n + 1) > tab->cap && !labels_grow(tab))
		return false;
	for (i = hash_name(l->name, l->len) & (tab->cap - 1); tab->v[i].name;
	     i = (i + 1) & (tab->cap - 1))
		;
	tab->v[i] = *l;
	tab->n++;
	return true;
}

/* ---------------------------------------------------------------- parser */

struct parser {
	struct asm_ctx ctx;
	struct asm_nodes nodes;
	struct labels labels;
};

/* Operand shapes, as bpf_exp.y spells them. */
enum opnd {
	O_IMM = 1 << 0, /* #k */
	O_NUM = 1 << 1, /* k */
	O_LEN = 1 << 2, /* #len or len */
	O_EXT = 1 << 3, /* #proto or proto ... */
	O_MEM = 1 << 4, /* M[k] */
	O_ABS = 1 << 5, /* [k] */
	O_IND = 1 << 6, /* [x + k] or [%x + k] */
	O_MSH = 1 << 7, /* 4*([k]&0xf) */
	O_X = 1 << 8,	/* x or %x */
	O_A = 1 << 9,	/* a or %a */
};

struct operand {
	enum opnd kind;
	uint32_t k;
	struct tok first, last; /* the operand's first and last tokens */
	struct tok numtok;	/* the number k came from */
};

/* True when t cannot continue the instruction begun before it: the next line starts another. */
static bool starts_statement(struct parser *p, const struct tok *t)
{
	const struct tok *next;

	if (t->kind == TOK_EOF)
		return true;
	if (t->line == p->ctx.prev.line || t->kind != TOK_NAME)
		return false;
	next = lex_peek(&p->ctx, 1);
	return find_mnemonic(t) || tok_is(next, ':');
}

/*
 * Reports that something else was expected at the next token. A TOK_ERROR reports its own
 * problem; a missing piece at the end of a line is reported just after the last token.
 */
static void expected(struct parser *p, const char *what)
{
	const struct tok *t = lex_peek(&p->ctx, 0);
	const struct tok *prev = &p->ctx.prev;

	if (t->kind == TOK_ERROR)
		lex_report(&p->ctx, t);
	else if (starts_statement(p, t) || t->line != prev->line)
		asm_diag(&p->ctx, CBPF_SEV_ERROR, prev->line, prev->col + prev->len, 1,
			 "expected %s after " TOKF, what, TOKA(prev));
	else
		asm_error_at(&p->ctx, t, "expected %s, found " TOKF, what, TOKA(t));
}

static bool accept_punct(struct parser *p, char c)
{
	if (!tok_is(lex_peek(&p->ctx, 0), c))
		return false;
	lex_next(&p->ctx);
	return true;
}

static bool expect_punct(struct parser *p, char c)
{
	char what[4] = { '\'', c, '\'', 0 };

	if (accept_punct(p, c))
		return true;
	expected(p, what);
	return false;
}

static bool expect_number(struct parser *p, struct tok *num, uint32_t *k)
{
	if (lex_peek(&p->ctx, 0)->kind != TOK_NUMBER) {
		expected(p, "a number");
		return false;
	}
	*num = lex_next(&p->ctx);
	return tok_u32(&p->ctx, num, k);
}

/* x or %x after '[' of [x + k]; the '%' forms are bpf_exp.y's. */
static bool accept_reg(struct parser *p, const char *reg)
{
	const struct tok *t = lex_peek(&p->ctx, 0);

	if (tok_is(t, '%') && tok_name_is(lex_peek(&p->ctx, 1), reg)) {
		lex_next(&p->ctx);
		lex_next(&p->ctx);
		return true;
	}
	if (tok_name_is(t, reg)) {
		lex_next(&p->ctx);
		return true;
	}
	return false;
}

static bool parse_ancillary_name(struct parser *p, const struct tok *t, struct operand *op)
{
	const char *name = t->text + (t->kind == TOK_HASHNAME);
	unsigned len = t->len - (t->kind == TOK_HASHNAME);
	int anc = find_ancillary(name, len);
	const char *names[2 * CBPF_AD_MAX / 4 + 1];
	const struct insn_anc *tab;
	size_t n, nnames = 0;
	const char *hint;

	if (len == 3 && !strncasecmp(name, "len", 3)) {
		op->kind = O_LEN;
		return true;
	}
	if (anc >= 0) {
		op->kind = O_EXT;
		op->k = (uint32_t)(CBPF_AD_OFF + anc);
		return true;
	}
	if (t->kind == TOK_NAME)
		return false;
	for (size_t i = 0; i < sizeof(tcpdump_names) / sizeof(tcpdump_names[0]); i++)
		if (strlen(tcpdump_names[i].tcpdump) == len &&
		    !strncasecmp(name, tcpdump_names[i].tcpdump, len)) {
			asm_error_at(&p->ctx, t,
				     "unknown ancillary field " TOKF "; bpf_asm calls it '#%s'",
				     TOKA(t), tcpdump_names[i].bpf_asm);
			return false;
		}
	tab = insn_anc_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (tab[i].alias)
			names[nnames++] = tab[i].alias;
		if (tab[i].bpf_asm)
			names[nnames++] = tab[i].bpf_asm;
	}
	names[nnames++] = "len";
	hint = asm_suggest(name, len, names, nnames);
	if (hint)
		asm_error_at(&p->ctx, t, "unknown ancillary field " TOKF "; did you mean '#%s'?",
			     TOKA(t), hint);
	else
		asm_error_at(&p->ctx, t, "unknown ancillary field " TOKF, TOKA(t));
	return false;
}

/* [k], [x + k], [%x + k]; '[' is consumed. */
static bool parse_bracket(struct parser *p, struct operand *op)
{
	const struct tok *t;

	if (accept_reg(p, "x")) {
		op->kind = O_IND;
		t = lex_peek(&p->ctx, 0);
		/* bpf_asm lexes "+4" as one number, so it rejects [x+4]; the meaning is plain. */
		if (t->kind == TOK_NUMBER && t->sign && !t->neg) {
			op->numtok = lex_next(&p->ctx);
			if (!tok_u32(&p->ctx, &op->numtok, &op->k))
				return false;
		} else if (!expect_punct(p, '+') || !expect_number(p, &op->numtok, &op->k)) {
			return false;
		}
	} else {
		op->kind = O_ABS;
		if (!expect_number(p, &op->numtok, &op->k))
			return false;
	}
	return expect_punct(p, ']');
}

/* 4*([k]&0xf): the number before '*' is consumed already. */
static bool parse_msh(struct parser *p, struct operand *op)
{
	struct tok four = p->ctx.prev, mask;
	uint32_t four_k, mask_k;

	op->kind = O_MSH;
	if (!tok_u32(&p->ctx, &four, &four_k) || !expect_punct(p, '*') || !expect_punct(p, '(') ||
	    !expect_punct(p, '[') || !expect_number(p, &op->numtok, &op->k) ||
	    !expect_punct(p, ']') || !expect_punct(p, '&') || !expect_number(p, &mask, &mask_k) ||
	    !expect_punct(p, ')'))
		return false;
	/* bpf_exp.y: "ldxb offset not supported!" for any other factor or mask. */
	if (four_k != 4) {
		asm_error_at(&p->ctx, &four,
			     "only 4*([k]&0xf) can be encoded; found " TOKF " instead of 4",
			     TOKA(&four));
		return false;
	}
	if (mask_k != 0xf) {
		asm_error_at(&p->ctx, &mask,
			     "only 4*([k]&0xf) can be encoded; found " TOKF " instead of 0xf",
			     TOKA(&mask));
		return false;
	}
	return true;
}

static const char *form_expects(enum form form)
{
	switch (form) {
	case F_LD:
		return "#k, #len, M[k], [k], [x + k] or an ancillary field such as #proto";
	case F_LDI:
		return "#k";
	case F_LDHB:
		return "[k], [x + k] or an ancillary field such as #proto";
	case F_LDX:
		return "#k, #len, M[k] or 4*([k]&0xf)";
	case F_LDXB:
		return "4*([k]&0xf)";
	case F_ST:
		return "M[k]";
	case F_RET:
		return "#k, a or x";
	default:
		return "#k or x";
	}
}

/* Reads one operand of any shape; the caller checks that the mnemonic takes it. */
static bool parse_operand(struct parser *p, const struct mnemonic *m, struct operand *op)
{
	const struct tok *t = lex_peek(&p->ctx, 0);
	struct tok tok;

	memset(op, 0, sizeof(*op));
	op->first = *t;
	if (t->kind == TOK_ERROR) {
		lex_report(&p->ctx, t);
		return false;
	}
	if (starts_statement(p, t)) {
		asm_diag(&p->ctx, CBPF_SEV_ERROR, p->ctx.prev.line, p->ctx.prev.col,
			 p->ctx.prev.len, "missing operand for '%s': expected %s", m->name,
			 form_expects(m->form));
		return false;
	}
	if (t->kind == TOK_HASHNAME || (t->kind == TOK_NAME && !tok_name_is(t, "x") &&
					!tok_name_is(t, "a") && !tok_name_is(t, "m"))) {
		tok = lex_next(&p->ctx);
		if (parse_ancillary_name(p, &tok, op))
			goto done;
		if (tok.kind == TOK_NAME)
			asm_error_at(&p->ctx, &tok,
				     "invalid operand " TOKF " for '%s': expected %s", TOKA(&tok),
				     m->name, form_expects(m->form));
		return false;
	}
	if (accept_reg(p, "x")) {
		op->kind = O_X;
	} else if (accept_reg(p, "a")) {
		op->kind = O_A;
	} else if (accept_punct(p, '#')) {
		op->kind = O_IMM;
		if (!expect_number(p, &op->numtok, &op->k))
			return false;
	} else if (tok_name_is(t, "m")) {
		lex_next(&p->ctx);
		op->kind = O_MEM;
		if (!expect_punct(p, '[') || !expect_number(p, &op->numtok, &op->k) ||
		    !expect_punct(p, ']'))
			return false;
	} else if (accept_punct(p, '[')) {
		if (!parse_bracket(p, op))
			return false;
	} else if (t->kind == TOK_NUMBER) {
		op->numtok = lex_next(&p->ctx);
		if (tok_is(lex_peek(&p->ctx, 0), '*')) {
			if (!parse_msh(p, op))
				return false;
		} else {
			op->kind = O_NUM;
			if (!tok_u32(&p->ctx, &op->numtok, &op->k))
				return false;
		}
	} else if (tok_is(t, '%')) {
		lex_next(&p->ctx);
		expected(p, "'x' or 'a' after '%'");
		return false;
	} else {
		asm_error_at(&p->ctx, t, "invalid operand " TOKF " for '%s': expected %s", TOKA(t),
			     m->name, form_expects(m->form));
		return false;
	}
done:
	op->last = p->ctx.prev;
	return true;
}

/* The operand text, for messages: from its first token to its last on that line. */
static void operand_span(const struct operand *op, unsigned *len)
{
	*len = op->first.len;
	if (op->last.line == op->first.line && op->last.col >= op->first.col)
		*len = op->last.col + op->last.len - op->first.col;
}

static unsigned form_accepts(enum form form)
{
	switch (form) {
	case F_LD:
		return O_IMM | O_LEN | O_EXT | O_MEM | O_IND | O_ABS;
	case F_LDI:
		return O_IMM | O_NUM;
	case F_LDHB:
		return O_IND | O_ABS | O_EXT;
	case F_LDX:
		return O_IMM | O_LEN | O_MEM | O_MSH;
	case F_LDXB:
		return O_MSH;
	case F_ST:
		return O_MEM;
	case F_RET:
		return O_IMM | O_A | O_X;
	case F_JMP:
	case F_JNOT:
	case F_ALU:
		return O_IMM | O_X;
	default:
		return 0;
	}
}

/* The opcode for a mnemonic and an operand shape it accepts (bpf_exp.y's actions). */
static uint16_t encode(const struct mnemonic *m, const struct operand *op)
{
	switch (op->kind) {
	case O_IMM:
	case O_NUM:
		return m->form == F_LD || m->form == F_LDX ? m->code | CBPF_IMM : m->code;
	case O_LEN:
		return m->code | CBPF_W | CBPF_LEN;
	case O_EXT:
	case O_ABS:
		return m->code | CBPF_ABS;
	case O_IND:
		return m->code | CBPF_IND;
	case O_MEM:
		return m->form == F_ST ? m->code : m->code | CBPF_MEM;
	case O_MSH:
		return CBPF_LDX | CBPF_B | CBPF_MSH;
	case O_X:
		return m->code | CBPF_X;
	case O_A:
		return m->code | CBPF_A;
	}
	return m->code;
}

/* A jump target: a label name (bpf_exp.y has no numeric offsets). */
static bool parse_target(struct parser *p, struct asm_ref *ref)
{
	const struct tok *t = lex_peek(&p->ctx, 0);

	if (t->kind != TOK_NAME || starts_statement(p, t)) {
		if (t->kind == TOK_NUMBER && t->line == p->ctx.prev.line)
			asm_error_at(&p->ctx, t,
				     "expected a label, found " TOKF "; jump targets are labels",
				     TOKA(t));
		else
			expected(p, "a label");
		return false;
	}
	if (is_keyword(t->text, t->len)) {
		asm_error_at(&p->ctx, t, "expected a label, found keyword " TOKF, TOKA(t));
		return false;
	}
	ref->text = t->text;
	ref->len = t->len;
	ref->line = t->line;
	ref->col = t->col;
	ref->label = true;
	lex_next(&p->ctx);
	return true;
}

static bool parse_jump(struct parser *p, const struct mnemonic *m, struct asm_node *node)
{
	struct asm_ref ref[2];
	bool two;

	if (!expect_punct(p, ',') || !parse_target(p, &ref[0]))
		return false;
	two = accept_punct(p, ',');
	if (two && !parse_target(p, &ref[1]))
		return false;
	/* Fall-through sides are resolved by the caller to the next instruction. */
	if (m->form == F_JMP) {
		node->ref[0] = ref[0];
		if (two)
			node->ref[1] = ref[1];
	} else if (two) {
		/* "jne #k, a, b" (not bpf_asm's): jump to a when A != k, else to b. */
		node->ref[0] = ref[1];
		node->ref[1] = ref[0];
	} else {
		/* bpf_exp.y: jneq/jlt/jle put their one target in jf of jeq/jge/jgt. */
		node->ref[1] = ref[0];
	}
	return true;
}

/* One instruction after its mnemonic; fills node. */
static bool parse_insn(struct parser *p, const struct mnemonic *m, struct asm_node *node)
{
	struct operand op;
	unsigned len;

	node->insn.code = m->code;
	if (m->form == F_NONE)
		return true;
	if (m->form == F_JA) {
		node->kind = NODE_JA;
		return parse_target(p, &node->ref[0]);
	}
	if (!parse_operand(p, m, &op))
		return false;
	if (!(form_accepts(m->form) & op.kind)) {
		operand_span(&op, &len);
		asm_diag(&p->ctx, CBPF_SEV_ERROR, op.first.line, op.first.col, len,
			 "invalid operand " DIAG_QF " for '%s': expected %s%s",
			 DIAG_QA(op.first.text, len), m->name, form_expects(m->form),
			 op.kind == O_NUM && (form_accepts(m->form) & O_IMM)
				 ? " (immediates are written #k)"
				 : "");
		return false;
	}
	if (op.kind == O_MEM && op.k >= CBPF_MEMWORDS) {
		asm_error_at(&p->ctx, &op.numtok,
			     "scratch memory index %.*s%s out of range (M[0] to M[%d])",
			     TOKA(&op.numtok), CBPF_MEMWORDS - 1);
		return false;
	}
	node->insn.code = encode(m, &op);
	if (op.kind != O_LEN && op.kind != O_X && op.kind != O_A)
		node->insn.k = op.k;
	if (m->form == F_JMP || m->form == F_JNOT) {
		node->kind = NODE_COND;
		return parse_jump(p, m, node);
	}
	return true;
}

static void define_label(struct parser *p, const struct tok *t)
{
	struct label *old = labels_find(&p->labels, t->text, t->len);
	struct label l = { t->text, t->len, p->nodes.n, t->line, t->col };

	if (is_keyword(t->text, t->len)) {
		asm_error_at(&p->ctx, t, "keyword " TOKF " cannot be a label", TOKA(t));
		return;
	}
	if (old) {
		asm_error_at(&p->ctx, t, "duplicate label " TOKF " (first defined at line %u)",
			     TOKA(t), old->line);
		return;
	}
	if (!labels_add(&p->labels, &l))
		p->ctx.oom = true;
}

static void unknown_mnemonic(struct parser *p, const struct tok *t)
{
	const char *names[N_MNEMONICS];
	const char *hint;

	for (size_t i = 0; i < N_MNEMONICS; i++)
		names[i] = mnemonics[i].name;
	hint = asm_suggest(t->text, t->len, names, N_MNEMONICS);
	if (hint)
		asm_error_at(&p->ctx, t, "unknown mnemonic " TOKF "; did you mean '%s'?", TOKA(t),
			     hint);
	else
		asm_error_at(&p->ctx, t, "unknown mnemonic " TOKF, TOKA(t));
}

/* A label definition or an instruction. */
static void parse_statement(struct parser *p)
{
	const struct tok *t = lex_peek(&p->ctx, 0);
	struct asm_node node = { .kind = NODE_PLAIN };
	const struct mnemonic *m;
	struct tok mt;
	bool ok;

	if (t->kind == TOK_NAME && tok_is(lex_peek(&p->ctx, 1), ':')) {
		/* Several labels may name one instruction (bpf_exp.y allows one). */
		mt = lex_next(&p->ctx);
		lex_next(&p->ctx);
		define_label(p, &mt);
		return;
	}
	if (t->kind == TOK_ERROR) {
		lex_report(&p->ctx, t);
		lex_skip_past_line(&p->ctx, t->line);
		return;
	}
	if (t->kind != TOK_NAME) {
		asm_error_at(&p->ctx, t, "expected a mnemonic or a label, found " TOKF, TOKA(t));
		lex_skip_past_line(&p->ctx, t->line);
		return;
	}
	mt = lex_next(&p->ctx);
	node.loc = (struct cbpf_srcloc){ mt.line, mt.col, mt.len };
	m = find_mnemonic(&mt);
	if (m) {
		ok = parse_insn(p, m, &node);
	} else {
		unknown_mnemonic(p, &mt);
		ok = false;
	}
	/* A broken instruction still takes its place, so labels after it stay where they are. */
	if (!ok) {
		node.kind = NODE_PLAIN;
		lex_skip_past_line(&p->ctx, p->ctx.prev.line);
	}
	nodes_push(&p->ctx, &p->nodes, &node);
}

/* ---------------------------------------------------------------- labels to targets */

static void undefined_label(struct parser *p, const struct asm_ref *ref)
{
	char **names = NULL;
	const char *hint = NULL;
	size_t n = 0;
	char *copy = NULL;

	/* Suggest among the defined labels (they are not NUL-terminated in the source). */
	if (p->labels.n <= 4096 && (names = calloc(p->labels.n + 1, sizeof(*names)))) {
		for (size_t i = 0; i < p->labels.cap; i++) {
			const struct label *l = &p->labels.v[i];

			if (l->name && l->len <= 32 && (names[n] = strndup(l->name, l->len)))
				n++;
		}
		hint = asm_suggest(ref->text, ref->len, (const char *const *)names, n);
		if (hint)
			copy = strdup(hint);
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	if (copy)
		asm_diag(&p->ctx, CBPF_SEV_ERROR, ref->line, ref->col, ref->len,
			 "undefined label " TOKF "; did you mean '%s'?", TOKA(ref), copy);
	else
		asm_diag(&p->ctx, CBPF_SEV_ERROR, ref->line, ref->col, ref->len,
			 "undefined label " TOKF, TOKA(ref));
	free(copy);
}

static void resolve(struct parser *p)
{
	for (size_t i = 0; i < p->nodes.n && !p->ctx.stop; i++) {
		struct asm_node *node = &p->nodes.v[i];

		for (int s = 0; s < 2; s++) {
			const struct asm_ref *ref = &node->ref[s];
			const struct label *l;

			node->t[s] = i + 1; /* fall-through */
			if (node->kind == NODE_PLAIN || !ref->text)
				continue;
			l = labels_find(&p->labels, ref->text, ref->len);
			if (!l) {
				undefined_label(p, ref);
				continue;
			}
			/* bpf_asm wraps a backward ja into a huge k; the kernel refuses both. */
			if (l->node <= i) {
				asm_diag(&p->ctx, CBPF_SEV_ERROR, ref->line, ref->col, ref->len,
					 "backward jump to label " TOKF ": the kernel accepts only "
					 "forward jumps",
					 TOKA(ref));
				continue;
			}
			node->t[s] = l->node;
		}
	}
	/* Labels at the very end name no instruction. */
	for (size_t i = 0; i < p->labels.cap && !p->ctx.stop; i++) {
		const struct label *l = &p->labels.v[i];

		const struct tok t = { .text = l->name, .len = l->len };

		if (l->name && l->node == p->nodes.n)
			asm_diag(&p->ctx, CBPF_SEV_ERROR, l->line, l->col, l->len,
				 "label " TOKF " is not followed by an instruction", TOKA(&t));
	}
}

int cbpf_asm_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
		   struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct parser p = { 0 };
	size_t first_diag = diags ? diags->n : 0;
	int err;

	asm_ctx_init(&p.ctx, src, len, opts, diags, false);
	if (lex_check_text(&p.ctx)) {
		while (!p.ctx.stop && !p.ctx.oom && lex_peek(&p.ctx, 0)->kind != TOK_EOF)
			parse_statement(&p);
		if (!p.ctx.oom && !p.ctx.stop)
			resolve(&p);
	}
	err = asm_finish(&p.ctx, &p.nodes, opts && opts->no_relax, first_diag, out);
	free(p.labels.v);
	free(p.nodes.v);
	return err;
}
