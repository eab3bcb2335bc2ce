/* SPDX-License-Identifier: MIT */
/* Inside the text readers: tokens, the lexer, and the instruction list the linker lays out. */
#ifndef CBPF_ASM_INT_H
#define CBPF_ASM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf/asm.h"
#include "classic/prog.h"
#include "util/diag_int.h"

#define ASM_MAX_ERRORS 20

enum tok_kind {
	TOK_EOF,
	TOK_ERROR,    /* not a token: err says why; reported by lex_report when met */
	TOK_NAME,     /* mnemonic, keyword or label */
	TOK_HASHNAME, /* '#' glued to a name: #len, #proto */
	TOK_NUMBER,
	TOK_PUNCT, /* one of : , [ ] ( ) + * & % # */
};

enum lex_err {
	LEX_OK,
	LEX_CHAR,     /* a character no token starts with */
	LEX_DIGIT,    /* a digit (or letter) the number's base does not have, at text[bad] */
	LEX_NODIGITS, /* 0x or 0b with nothing after it */
	LEX_COMMENT,  /* a comment that never ends */
};

struct tok {
	enum tok_kind kind;
	const char *text; /* into the source; len bytes */
	unsigned len;
	unsigned line, col;
	char punct;	  /* TOK_PUNCT */
	bool neg;	  /* TOK_NUMBER: written with '-' */
	bool sign;	  /* TOK_NUMBER: written with '-' or '+' */
	bool overflow;	  /* TOK_NUMBER: the magnitude does not fit in 64 bits */
	uint8_t base;	  /* TOK_NUMBER and LEX_DIGIT: 2, 8, 10 or 16 */
	enum lex_err err; /* TOK_ERROR */
	unsigned bad;	  /* LEX_DIGIT: offset of the bad character in text */
	uint64_t mag;	  /* TOK_NUMBER: the magnitude */
};

struct asm_ctx {
	const char *src;
	size_t srclen;
	const char *file;
	struct cbpf_diags *diags;
	unsigned max_errors, errors;
	bool stop; /* too many errors: the note is out, nothing more is reported */
	bool oom;
	bool listing; /* numbers with leading zeros are decimal, as tcpdump -d prints them */

	/* Lexer state: the next unread byte, and lookahead tokens not consumed yet. */
	size_t pos;
	unsigned line;
	size_t line_start;
	struct tok la[4];
	unsigned nla;
	struct tok prev; /* the last consumed token (kind TOK_EOF before the first) */
};

/* A reference to a jump target, kept for messages: a label name or a listing's number. */
struct asm_ref {
	const char *text; /* the token that names the target; NULL for fall-through */
	unsigned len;
	unsigned line, col;
	bool label; /* a label name, not a listing's instruction number */
};

enum node_kind {
	NODE_PLAIN, /* no target */
	NODE_JA,    /* target in t[0], encoded in k */
	NODE_COND,  /* jt target in t[0], jf target in t[1] */
};

/* One source instruction before layout; targets are node indices (n means past the end). */
struct asm_node {
	struct cbpf_insn insn;
	struct cbpf_srcloc loc;
	enum node_kind kind;
	size_t t[2];
	struct asm_ref ref[2];
};

struct asm_nodes {
	struct asm_node *v;
	size_t n, cap;
};

void asm_ctx_init(struct asm_ctx *ctx, const char *src, size_t len,
		  const struct cbpf_asm_opts *opts, struct cbpf_diags *diags, bool listing);

/* Reports a diagnostic at a position; counts errors and stops after max_errors. */
void asm_diag(struct asm_ctx *ctx, enum cbpf_severity sev, unsigned line, unsigned col,
	      unsigned len, const char *fmt, ...) CBPF_PRINTF(6, 7);
void asm_error_at(struct asm_ctx *ctx, const struct tok *t, const char *fmt, ...) CBPF_PRINTF(3, 4);

/*
 * Orders the diagnostics added since index from by position (stable), so label errors found
 * after parsing appear among the others; position-less ones (the "too many errors" note) last.
 */
void asm_sort_diags(struct asm_ctx *ctx, size_t from);

/* A token quoted in a message, cut as diag_int.h cuts every piece of input quoted. */
#define TOKF	DIAG_QF
#define TOKA(t) DIAG_QA((t)->text, (t)->len)

/*
 * Refuses input that is not text (NUL, control bytes, invalid UTF-8) with one located error.
 * Skips a UTF-8 byte order mark. Returns true when the input is text.
 */
bool lex_check_text(struct asm_ctx *ctx);
/* The token n ahead (0 = next, n < 4); valid until the next lex_next. */
const struct tok *lex_peek(struct asm_ctx *ctx, unsigned n);
struct tok lex_next(struct asm_ctx *ctx);
/* Consumes tokens up to the first one on a line after line (error recovery). */
void lex_skip_past_line(struct asm_ctx *ctx, unsigned line);
/* Reports why a TOK_ERROR token is not a token. */
void lex_report(struct asm_ctx *ctx, const struct tok *t);

bool tok_is(const struct tok *t, char punct);
/* Case-insensitive comparison of a name token (or a #name token, without '#') with a keyword. */
bool tok_name_is(const struct tok *t, const char *kw);
bool tok_hashname_is(const struct tok *t, const char *kw);
/* The 32-bit value of a number token; reports "does not fit in 32 bits" and returns false. */
bool tok_u32(struct asm_ctx *ctx, const struct tok *t, uint32_t *out);

/* Appends a node; false when out of memory (ctx->oom is set). */
bool nodes_push(struct asm_ctx *ctx, struct asm_nodes *nodes, const struct asm_node *node);

/*
 * Lays out the nodes: encodes jt, jf and ja offsets, rewriting conditional jumps farther than
 * 255 through an inserted ja unless no_relax (then each is a located error). Targets must be
 * forward already. Returns 0, -EINVAL or -ENOMEM; *out is set on success.
 */
int asm_link(struct asm_ctx *ctx, const struct asm_nodes *nodes, bool no_relax,
	     struct cbpf_prog **out);

/*
 * The end of a text reader (bpf_asm source, tcpdump -d listing): an input without errors and
 * without instructions is an error; the nodes are laid out (asm_link) when nothing went wrong;
 * the diagnostics added since index first_diag are put in order (asm_sort_diags). Returns 0
 * (*out set), -EINVAL or -ENOMEM.
 */
int asm_finish(struct asm_ctx *ctx, const struct asm_nodes *nodes, bool no_relax, size_t first_diag,
	       struct cbpf_prog **out);

/* The closest candidate to a misspelt word (case-insensitive, at most 2 edits), or NULL. */
const char *asm_suggest(const char *word, unsigned len, const char *const *cands, size_t n);

#endif
