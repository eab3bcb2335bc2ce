// SPDX-License-Identifier: MIT
/*
 * tcpdump -d listings, as libpcap's bpf_image() prints them: "(000) ldh [12]", absolute jump
 * targets ("jt 2 jf 3", "ja 7"), "#pktlen", ancillary loads by name ("[proto]"), "unimp 0x..".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classic/asm_int.h"
#include "classic/insn_int.h"

/* What follows each mnemonic bpf_image() prints. */
enum lform {
	L_RET,	 /* #k, or nothing for ret a */
	L_LD,	 /* #0x.., #pktlen, M[k], [k], [name], [x + k] */
	L_LDHB,	 /* [k], [name], [x + k] */
	L_LDX,	 /* #0x.., M[k] */
	L_LDXB,	 /* 4*([k]&0xf) */
	L_ST,	 /* M[k] */
	L_JA,	 /* an absolute target */
	L_JMP,	 /* #0x.. or x, then jt N jf N */
	L_ALU,	 /* #k or x */
	L_NONE,	 /* neg tax txa */
	L_UNIMP, /* an opcode bpf_image() has no name for, in hex */
};

struct lmnemonic {
	const char *name;
	enum lform form;
	uint16_t code;
};

static const struct lmnemonic lmnemonics[] = {
	{ "ret", L_RET, CBPF_RET },
	{ "ld", L_LD, CBPF_LD },
	{ "ldh", L_LDHB, CBPF_LD | CBPF_H },
	{ "ldb", L_LDHB, CBPF_LD | CBPF_B },
	{ "ldx", L_LDX, CBPF_LDX },
	{ "ldxb", L_LDXB, CBPF_LDX | CBPF_B | CBPF_MSH },
	{ "st", L_ST, CBPF_ST },
	{ "stx", L_ST, CBPF_STX },
	{ "ja", L_JA, CBPF_JMP | CBPF_JA },
	{ "jeq", L_JMP, CBPF_JMP | CBPF_JEQ },
	{ "jgt", L_JMP, CBPF_JMP | CBPF_JGT },
	{ "jge", L_JMP, CBPF_JMP | CBPF_JGE },
	{ "jset", L_JMP, CBPF_JMP | CBPF_JSET },
	{ "add", L_ALU, CBPF_ALU | CBPF_ADD },
	{ "sub", L_ALU, CBPF_ALU | CBPF_SUB },
	{ "mul", L_ALU, CBPF_ALU | CBPF_MUL },
	{ "div", L_ALU, CBPF_ALU | CBPF_DIV },
	{ "mod", L_ALU, CBPF_ALU | CBPF_MOD },
	{ "and", L_ALU, CBPF_ALU | CBPF_AND },
	{ "or", L_ALU, CBPF_ALU | CBPF_OR },
	{ "xor", L_ALU, CBPF_ALU | CBPF_XOR },
	{ "lsh", L_ALU, CBPF_ALU | CBPF_LSH },
	{ "rsh", L_ALU, CBPF_ALU | CBPF_RSH },
	{ "neg", L_NONE, CBPF_ALU | CBPF_NEG },
	{ "tax", L_NONE, CBPF_MISC | CBPF_TAX },
	{ "txa", L_NONE, CBPF_MISC | CBPF_TXA },
	{ "unimp", L_UNIMP, 0 },
};

#define N_LMNEMONICS (sizeof(lmnemonics) / sizeof(lmnemonics[0]))

struct lparser {
	struct asm_ctx ctx;
	struct asm_nodes nodes;
	unsigned line;	  /* the line being read: an instruction is one line */
	bool numbers_off; /* an "(NNN)" was out of sequence; reported once */
};

/* The next token if it is on the current line, else NULL. */
static const struct tok *here(struct lparser *p)
{
	const struct tok *t = lex_peek(&p->ctx, 0);

	return t->kind != TOK_EOF && t->line == p->line ? t : NULL;
}

static void expected(struct lparser *p, const char *what)
{
	const struct tok *t = here(p);
	const struct tok *prev = &p->ctx.prev;

	if (t && t->kind == TOK_ERROR)
		lex_report(&p->ctx, t);
	else if (t)
		asm_error_at(&p->ctx, t, "expected %s, found " TOKF, what, TOKA(t));
	else
		asm_diag(&p->ctx, CBPF_SEV_ERROR, prev->line, prev->col + prev->len, 1,
			 "expected %s at the end of the line", what);
}

static bool accept_punct(struct lparser *p, char c)
{
	const struct tok *t = here(p);

	if (!t || !tok_is(t, c))
		return false;
	lex_next(&p->ctx);
	return true;
}

static bool expect_punct(struct lparser *p, char c)
{
	char what[4] = { '\'', c, '\'', 0 };

	if (accept_punct(p, c))
		return true;
	expected(p, what);
	return false;
}

static bool accept_name(struct lparser *p, const char *name)
{
	const struct tok *t = here(p);

	if (!t || !tok_name_is(t, name))
		return false;
	lex_next(&p->ctx);
	return true;
}

static bool expect_name(struct lparser *p, const char *name)
{
	char what[32];

	if (accept_name(p, name))
		return true;
	snprintf(what, sizeof(what), "'%s'", name);
	expected(p, what);
	return false;
}

static bool expect_number(struct lparser *p, struct tok *num)
{
	const struct tok *t = here(p);

	if (!t || t->kind != TOK_NUMBER) {
		expected(p, "a number");
		return false;
	}
	*num = lex_next(&p->ctx);
	return true;
}

static bool expect_u32(struct lparser *p, uint32_t *k)
{
	struct tok num;

	return expect_number(p, &num) && tok_u32(&p->ctx, &num, k);
}

/* #k */
static bool parse_imm(struct lparser *p, uint32_t *k)
{
	return expect_punct(p, '#') && expect_u32(p, k);
}

/* M[k] */
static bool parse_mem(struct lparser *p, uint32_t *k)
{
	return expect_name(p, "M") && expect_punct(p, '[') && expect_u32(p, k) &&
	       expect_punct(p, ']');
}

/* [k], [name] or [x + k]; sets the mode bits of code. */
static bool parse_packet(struct lparser *p, uint16_t *code, uint32_t *k)
{
	const struct tok *t;

	if (!expect_punct(p, '['))
		return false;
	t = here(p);
	if (accept_name(p, "x")) {
		*code |= CBPF_IND;
		t = here(p);
		/* Accept "[x+14]" too, which lexes as x and +14. */
		if (!(t && t->kind == TOK_NUMBER && t->sign && !t->neg) && !expect_punct(p, '+'))
			return false;
		if (!expect_u32(p, k))
			return false;
	} else if (t && t->kind == TOK_NAME) {
		/* bpf_image's names for SKF_AD_OFF + 4 * i (classic/insn.c). */
		size_t i, n;
		const struct insn_anc *anc = insn_anc_table(&n);

		for (i = 0; i < n; i++)
			if (tok_name_is(t, anc[i].pcap))
				break;
		if (i == n) {
			asm_error_at(&p->ctx, t, "unknown ancillary field " TOKF, TOKA(t));
			return false;
		}
		lex_next(&p->ctx);
		*code |= CBPF_ABS;
		*k = (uint32_t)(CBPF_AD_OFF + 4 * (int)i);
	} else {
		*code |= CBPF_ABS;
		if (!expect_u32(p, k))
			return false;
	}
	return expect_punct(p, ']');
}

/* 4*([k]&0xf) */
static bool parse_msh(struct lparser *p, uint32_t *k)
{
	struct tok four, mask;
	uint32_t v;

	if (!expect_number(p, &four) || !expect_punct(p, '*') || !expect_punct(p, '(') ||
	    !expect_punct(p, '[') || !expect_u32(p, k) || !expect_punct(p, ']') ||
	    !expect_punct(p, '&') || !expect_number(p, &mask) || !expect_punct(p, ')'))
		return false;
	if (!tok_u32(&p->ctx, &four, &v))
		return false;
	if (v != 4) {
		asm_error_at(&p->ctx, &four, "expected 4*([k]&0xf), found " TOKF "*", TOKA(&four));
		return false;
	}
	if (!tok_u32(&p->ctx, &mask, &v))
		return false;
	if (v != 0xf) {
		asm_error_at(&p->ctx, &mask, "expected 4*([k]&0xf), found &" TOKF, TOKA(&mask));
		return false;
	}
	return true;
}

/* An absolute target; it must come after instruction idx (the end is checked later). */
static bool parse_target(struct lparser *p, size_t idx, size_t *target, struct asm_ref *ref)
{
	struct tok num;

	if (!expect_number(p, &num))
		return false;
	ref->text = num.text;
	ref->len = num.len;
	ref->line = num.line;
	ref->col = num.col;
	if (num.neg || num.mag <= idx) {
		asm_error_at(&p->ctx, &num,
			     "jump target " TOKF " is not after instruction %zu: the kernel "
			     "accepts only forward jumps",
			     TOKA(&num), idx);
		return false;
	}
	*target = num.overflow || num.mag > SIZE_MAX / 4 ? SIZE_MAX / 4 : (size_t)num.mag;
	return true;
}

/* Whether an opcode's k, jt or jf matter, which "unimp 0x.." does not show. */
static bool needs_operands(uint16_t code)
{
	const struct cbpf_opcode_info *info = cbpf_opcode_lookup(code);

	if (!info)
		return true;
	switch (info->operand) {
	case CBPF_OPND_NONE:
	case CBPF_OPND_LEN:
	case CBPF_OPND_ALU_X:
	case CBPF_OPND_RET_A:
		return false;
	default:
		return true;
	}
}

static bool parse_unimp(struct lparser *p, struct asm_node *node)
{
	struct tok num;
	uint32_t code;

	if (!expect_number(p, &num) || !tok_u32(&p->ctx, &num, &code))
		return false;
	if (code > 0xffff) {
		asm_error_at(&p->ctx, &num, "opcode " TOKF " does not fit in 16 bits", TOKA(&num));
		return false;
	}
	node->insn.code = (uint16_t)code;
	if (needs_operands(node->insn.code))
		asm_diag(&p->ctx, CBPF_SEV_WARNING, num.line, num.col, num.len,
			 "the listing does not show k, jt and jf of opcode 0x%x; they read as 0",
			 code);
	return true;
}

static bool parse_body(struct lparser *p, const struct lmnemonic *m, size_t idx,
		       struct asm_node *node)
{
	const struct tok *t;

	node->insn.code = m->code;
	switch (m->form) {
	case L_RET:
		/* bpf_image prints ret a as a bare "ret". */
		if (!here(p) || accept_name(p, "a")) {
			node->insn.code |= CBPF_A;
			return true;
		}
		if (accept_name(p, "x")) {
			node->insn.code |= CBPF_X;
			return true;
		}
		return parse_imm(p, &node->insn.k);
	case L_LD:
	case L_LDX:
		t = here(p);
		if (t && (tok_hashname_is(t, "pktlen") || tok_hashname_is(t, "len"))) {
			lex_next(&p->ctx);
			node->insn.code |= CBPF_W | CBPF_LEN;
			return true;
		}
		if (t && tok_is(t, '#'))
			return parse_imm(p, &node->insn.k);
		if (t && tok_name_is(t, "M")) {
			node->insn.code |= CBPF_MEM;
			return parse_mem(p, &node->insn.k);
		}
		if (m->form == L_LDX && t && t->kind == TOK_NUMBER) {
			node->insn.code = CBPF_LDX | CBPF_B | CBPF_MSH;
			return parse_msh(p, &node->insn.k);
		}
		if (m->form == L_LD)
			return parse_packet(p, &node->insn.code, &node->insn.k);
		expected(p, "#k, #pktlen or M[k]");
		return false;
	case L_LDHB:
		return parse_packet(p, &node->insn.code, &node->insn.k);
	case L_LDXB:
		return parse_msh(p, &node->insn.k);
	case L_ST:
		return parse_mem(p, &node->insn.k);
	case L_JA:
		node->kind = NODE_JA;
		return parse_target(p, idx, &node->t[0], &node->ref[0]);
	case L_JMP:
		node->kind = NODE_COND;
		if (accept_name(p, "x"))
			node->insn.code |= CBPF_X;
		else if (!parse_imm(p, &node->insn.k))
			return false;
		return expect_name(p, "jt") && parse_target(p, idx, &node->t[0], &node->ref[0]) &&
		       expect_name(p, "jf") && parse_target(p, idx, &node->t[1], &node->ref[1]);
	case L_ALU:
		if (accept_name(p, "x")) {
			node->insn.code |= CBPF_X;
			return true;
		}
		return parse_imm(p, &node->insn.k);
	case L_NONE:
		return true;
	case L_UNIMP:
		return parse_unimp(p, node);
	}
	return false;
}

/* "(NNN)": the listing's own numbering, which must count up from 0. */
static bool parse_number_prefix(struct lparser *p, size_t idx)
{
	struct tok num;

	if (!accept_punct(p, '('))
		return true;
	if (!expect_number(p, &num) || !expect_punct(p, ')'))
		return false;
	if ((num.neg || num.overflow || num.mag != idx) && !p->numbers_off) {
		asm_error_at(&p->ctx, &num,
			     "instruction number " TOKF " out of sequence: expected %zu",
			     TOKA(&num), idx);
		p->numbers_off = true;
	}
	return true;
}

static const struct lmnemonic *find_lmnemonic(const struct tok *t)
{
	for (size_t i = 0; i < N_LMNEMONICS; i++)
		if (tok_name_is(t, lmnemonics[i].name))
			return &lmnemonics[i];
	return NULL;
}

static bool parse_line(struct lparser *p, struct asm_node *node)
{
	size_t idx = p->nodes.n;
	const struct lmnemonic *m;
	const struct tok *t;
	struct tok mt;

	if (!parse_number_prefix(p, idx))
		return false;
	t = here(p);
	if (!t || t->kind != TOK_NAME) {
		expected(p, "a mnemonic");
		return false;
	}
	mt = lex_next(&p->ctx);
	node->loc = (struct cbpf_srcloc){ mt.line, mt.col, mt.len };
	m = find_lmnemonic(&mt);
	if (!m) {
		const char *names[N_LMNEMONICS];
		const char *hint;

		for (size_t i = 0; i < N_LMNEMONICS; i++)
			names[i] = lmnemonics[i].name;
		hint = asm_suggest(mt.text, mt.len, names, N_LMNEMONICS);
		if (hint)
			asm_error_at(&p->ctx, &mt, "unknown mnemonic " TOKF "; did you mean '%s'?",
				     TOKA(&mt), hint);
		else
			asm_error_at(&p->ctx, &mt, "unknown mnemonic " TOKF, TOKA(&mt));
		return false;
	}
	if (!parse_body(p, m, idx, node))
		return false;
	t = here(p);
	if (t) {
		if (t->kind == TOK_ERROR)
			lex_report(&p->ctx, t);
		else
			asm_error_at(&p->ctx, t, "unexpected " TOKF " after the instruction",
				     TOKA(t));
		return false;
	}
	return true;
}

/* Targets must name an instruction of the listing. */
static void check_targets(struct lparser *p)
{
	for (size_t i = 0; i < p->nodes.n && !p->ctx.stop; i++) {
		struct asm_node *node = &p->nodes.v[i];
		int sides = node->kind == NODE_COND ? 2 : node->kind == NODE_JA ? 1 : 0;

		for (int s = 0; s < sides; s++) {
			const struct asm_ref *ref = &node->ref[s];

			if (node->t[s] < p->nodes.n)
				continue;
			asm_diag(&p->ctx, CBPF_SEV_ERROR, ref->line, ref->col, ref->len,
				 "jump target " TOKF " is past the last instruction (%zu)",
				 TOKA(ref), p->nodes.n - 1);
		}
	}
}

int cbpf_listing_parse(const char *src, size_t len, const struct cbpf_asm_opts *opts,
		       struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct lparser p = { 0 };
	size_t first_diag = diags ? diags->n : 0;
	bool text;
	int err;

	asm_ctx_init(&p.ctx, src, len, opts, diags, true);
	text = lex_check_text(&p.ctx);
	while (text && !p.ctx.stop && !p.ctx.oom) {
		const struct tok *t = lex_peek(&p.ctx, 0);
		struct asm_node node = { .kind = NODE_PLAIN };

		if (t->kind == TOK_EOF)
			break;
		p.line = t->line;
		if (!parse_line(&p, &node)) {
			/* A broken line keeps its number, so later targets still count right. */
			node.kind = NODE_PLAIN;
			lex_skip_past_line(&p.ctx, p.line);
		}
		nodes_push(&p.ctx, &p.nodes, &node);
	}
	if (!p.ctx.oom && !p.ctx.stop)
		check_targets(&p);
	err = asm_finish(&p.ctx, &p.nodes, opts && opts->no_relax, first_diag, out);
	free(p.nodes.v);
	return err;
}
