// SPDX-License-Identifier: MIT
/* Seccomp code generation: arch dispatch, binary search over syscall ranges, argument checks. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_ir.h"
#include "classic/prog.h"

/*
 * The program is built as a graph of blocks: a few straight-line loads (ld, and) and one
 * terminator (a conditional jump, ja, or ret). Blocks are hash-consed, so identical code is
 * emitted once: one ret per action, shared argument checks. Then the blocks are laid out in a
 * topological order and jumps farther than 255 instructions are relaxed.
 */

/* include/uapi/linux/seccomp.h: struct seccomp_data; the five architectures are little-endian. */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG(i, hi) (16 + 8 * (i) + ((hi) ? 4 : 0))

enum bkind { B_RET, B_JMP, B_JA };

struct blk {
	struct cbpf_insn pre[2];
	uint8_t n_pre;
	uint8_t kind;
	uint16_t code; /* B_JMP: the jump's code */
	uint32_t k;
	int jt, jf; /* B_JMP: targets; B_JA: jt */
	char *label;
	size_t pos; /* layout */
	int orig;   /* a relaxation copy: the block it copies; -1 */
};

struct gen {
	struct blk *b;
	size_t n, cap;
	int *htab; /* block id + 1, 0 empty */
	size_t hcap;
	int err;
	bool comments;
	const struct cbpf_policy *pol;
	struct cbpf_diags *diags;
};

/* ---------------------------------------------------------------- blocks */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t blk_hash(const struct blk *b)
{
	uint64_t h = mix(b->kind, b->n_pre);

	for (unsigned i = 0; i < b->n_pre; i++)
		h = mix(mix(h, b->pre[i].code), b->pre[i].k);
	h = mix(mix(h, b->code), b->k);
	return mix(mix(h, (uint64_t)(int64_t)b->jt), (uint64_t)(int64_t)b->jf);
}

static bool blk_same(const struct blk *a, const struct blk *b)
{
	if (a->kind != b->kind || a->n_pre != b->n_pre || a->code != b->code || a->k != b->k ||
	    a->jt != b->jt || a->jf != b->jf)
		return false;
	for (unsigned i = 0; i < a->n_pre; i++)
		if (a->pre[i].code != b->pre[i].code || a->pre[i].k != b->pre[i].k)
			return false;
	return true;
}

static bool rehash(struct gen *g, size_t cap)
{
	int *t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < g->n; i++) {
		size_t h = (size_t)blk_hash(&g->b[i]) & (cap - 1);

		if (g->b[i].orig >= 0)
			continue;
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = (int)i + 1;
	}
	free(g->htab);
	g->htab = t;
	g->hcap = cap;
	return true;
}

static int blk_append(struct gen *g, const struct blk *nb)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;
		struct blk *v = realloc(g->b, cap * sizeof(*v));

		if (!v)
			return -1;
		g->b = v;
		g->cap = cap;
	}
	g->b[g->n] = *nb;
	return (int)g->n++;
}

/* The id of a block equal to nb (its label is taken, or freed when one exists), -1 on error. */
static int mk(struct gen *g, struct blk nb)
{
	size_t h;
	int id;

	nb.orig = -1;
	if (g->err)
		goto fail;
	/* both ways to one place: no test (and no load, when that place is a return, which reads
	 * nothing; a load for a later test must stay) */
	if (nb.kind == B_JMP && nb.jt == nb.jf && (!nb.n_pre || g->b[nb.jt].kind == B_RET)) {
		free(nb.label);
		return nb.jt;
	}
	if (2 * (g->n + 1) > g->hcap && !rehash(g, g->hcap ? 2 * g->hcap : 1024))
		goto nomem;
	h = (size_t)blk_hash(&nb) & (g->hcap - 1);
	for (; g->htab[h]; h = (h + 1) & (g->hcap - 1))
		if (blk_same(&g->b[g->htab[h] - 1], &nb)) {
			free(nb.label);
			return g->htab[h] - 1;
		}
	id = blk_append(g, &nb);
	if (id < 0)
		goto nomem;
	g->htab[h] = id + 1;
	return id;
nomem:
	g->err = -ENOMEM;
fail:
	free(nb.label);
	return -1;
}

static char *label(struct gen *g, const char *fmt, ...) CBPF_PRINTF(2, 3);

static char *label(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!g->comments)
		return NULL;
	va_start(ap, fmt);
	s = diag_vformat(fmt, ap);
	va_end(ap);
	if (!s)
		g->err = -ENOMEM;
	return s;
}

static int mk_ret(struct gen *g, uint32_t action)
{
	char name[32];

	cbpf_seccomp_action_format(action, name, sizeof(name));
	return mk(g, (struct blk){ .kind = B_RET, .k = action, .label = label(g, "%s", name) });
}

static struct cbpf_insn ld_abs(uint32_t off)
{
	return (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, off };
}

/* ---------------------------------------------------------------- argument checks */

/* A 32-bit word of seccomp_data the checks read: arg * 2 + hi. */
#define NWORDS 12
#define A_NONE 0xff

/* What is known on a path: which word (and mask) A holds, and a range for every word. */
struct know {
	uint8_t a;      /* word, or A_NONE */
	uint32_t amask; /* A = word & amask */
	uint32_t lo[NWORDS], hi[NWORDS];
	uint32_t ne[NWORDS]; /* a value the word is known not to hold, when has_ne */
	uint16_t has_ne;     /* bit per word */
};

enum { OUT_T = -1, OUT_F = -2 };

/* One test on a word; its outcomes lead to another step or to OUT_T / OUT_F. */
struct step {
	uint8_t word;
	uint16_t op;   /* CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET */
	uint32_t mask; /* A = word & mask first (all ones: plain) */
	uint32_t k;
	int t, f;
};

/* A condition as steps; n = 0 with *constant set when its outcome never depends on the input. */
struct cond_steps {
	struct step s[4];
	int n;
	int first; /* step index, or OUT_T / OUT_F */
};

static int negate(int out)
{
	return out == OUT_T ? OUT_F : out == OUT_F ? OUT_T : out;
}

/* (word & m) == v, continuing to t or f. Appends at most one step. */
static int masked_eq(struct cond_steps *cs, uint8_t word, uint32_t m, uint32_t v, int t, int f)
{
	struct step *s = &cs->s[cs->n];

	if (v & ~m)
		return f;
	if (!m)
		return t; /* 0 == 0 */
	s->word = word;
	s->mask = UINT32_MAX;
	if (m == UINT32_MAX) {
		s->op = CBPF_JEQ, s->k = v, s->t = t, s->f = f;
	} else if (!v) {
		s->op = CBPF_JSET, s->k = m, s->t = f, s->f = t;
	} else if (v == m && !(m & (m - 1))) {
		s->op = CBPF_JSET, s->k = m, s->t = t, s->f = f;
	} else {
		s->op = CBPF_JEQ, s->mask = m, s->k = v, s->t = t, s->f = f;
	}
	return cs->n++;
}

static void add_step(struct cond_steps *cs, uint8_t word, uint16_t op, uint32_t k, int t, int f,
		     int *at)
{
	cs->s[cs->n] = (struct step){ word, op, UINT32_MAX, k, t, f };
	*at = cs->n++;
}

/* Expands a condition into steps, comparing 64 bits unsigned (32 on 32-bit arches). */
static void cond_expand(const struct cbpf_policy_cond *c, bool arch32, struct cond_steps *cs)
{
	uint8_t lo = (uint8_t)(c->arg * 2), hi = (uint8_t)(c->arg * 2 + 1);
	uint64_t v = c->value, m = c->mask;
	uint32_t vlo = (uint32_t)v, vhi = (uint32_t)(v >> 32);
	bool neg = false;
	int at;

	cs->n = 0;
	switch (c->op) {
	case CBPF_CMP_EQ:
	case CBPF_CMP_NE:
	case CBPF_CMP_MASKED_EQ:
	case CBPF_CMP_MASKED_NE:
		neg = c->op == CBPF_CMP_NE || c->op == CBPF_CMP_MASKED_NE;
		if (c->op == CBPF_CMP_EQ || c->op == CBPF_CMP_NE)
			m = UINT64_MAX;
		at = masked_eq(cs, lo, (uint32_t)m, vlo, OUT_T, OUT_F);
		if (!arch32)
			at = masked_eq(cs, hi, (uint32_t)(m >> 32), vhi, at, OUT_F);
		break;
	case CBPF_CMP_LT: /* !(>=) */
	case CBPF_CMP_GE:
		neg = c->op == CBPF_CMP_LT;
		if (arch32) {
			add_step(cs, lo, CBPF_JGE, vlo, OUT_T, OUT_F, &at);
		} else if (!vlo) {
			add_step(cs, hi, CBPF_JGE, vhi, OUT_T, OUT_F, &at);
		} else {
			int l, e;

			add_step(cs, lo, CBPF_JGE, vlo, OUT_T, OUT_F, &l);
			add_step(cs, hi, CBPF_JEQ, vhi, l, OUT_F, &e);
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, e, &at);
		}
		break;
	case CBPF_CMP_LE: /* !(>) */
	case CBPF_CMP_GT:
	default:
		neg = c->op == CBPF_CMP_LE;
		if (arch32) {
			add_step(cs, lo, CBPF_JGT, vlo, OUT_T, OUT_F, &at);
		} else if (vlo == UINT32_MAX) {
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, OUT_F, &at);
		} else {
			int l, e;

			add_step(cs, lo, CBPF_JGT, vlo, OUT_T, OUT_F, &l);
			add_step(cs, hi, CBPF_JEQ, vhi, l, OUT_F, &e);
			add_step(cs, hi, CBPF_JGT, vhi, OUT_T, e, &at);
		}
		break;
	}
	if (neg) {
		for (int i = 0; i < cs->n; i++)
			cs->s[i].t = negate(cs->s[i].t), cs->s[i].f = negate(cs->s[i].f);
		at = negate(at);
	}
	cs->first = at;
}

/* 1 true, 0 false, -1 unknown under k. */
static int step_eval(const struct step *s, const struct know *k)
{
	uint32_t lo = k->lo[s->word], hi = k->hi[s->word];

	if (s->mask != UINT32_MAX)
		return lo == hi ? (lo & s->mask) == s->k : -1;
	switch (s->op) {
	case CBPF_JEQ:
		if (lo == hi)
			return lo == s->k;
		if ((k->has_ne & (1U << s->word)) && k->ne[s->word] == s->k)
			return 0; /* arg0 == 1 || arg0 == 1: the second test is known false */
		return s->k < lo || s->k > hi ? 0 : -1;
	case CBPF_JGT:
		return lo > s->k ? 1 : hi <= s->k ? 0 : -1;
	case CBPF_JGE:
		return lo >= s->k ? 1 : hi < s->k ? 0 : -1;
	default: /* JSET */
		if (lo == hi)
			return (lo & s->k) != 0;
		return hi < (s->k & (0 - s->k)) ? 0 : -1;
	}
}

/* What a test's outcome teaches about its word. */
static void step_refine(const struct step *s, bool taken, struct know *k)
{
	uint32_t *lo = &k->lo[s->word], *hi = &k->hi[s->word];

	k->a = s->word;
	k->amask = s->mask;
	if (s->mask != UINT32_MAX)
		return;
	switch (s->op) {
	case CBPF_JEQ:
		if (taken) {
			*lo = *hi = s->k;
			k->has_ne &= (uint16_t)~(1U << s->word);
		} else if (s->k == *lo && *lo < *hi) {
			(*lo)++;
		} else if (s->k == *hi && *lo < *hi) {
			(*hi)--;
		} else {
			k->ne[s->word] = s->k;
			k->has_ne |= (uint16_t)(1U << s->word);
		}
		break;
	case CBPF_JGT:
		if (taken)
			*lo = *lo > s->k + 1 ? *lo : s->k + 1;
		else
			*hi = *hi < s->k ? *hi : s->k;
		break;
	case CBPF_JGE:
		if (taken)
			*lo = *lo > s->k ? *lo : s->k;
		else
			*hi = *hi < s->k - 1 ? *hi : s->k - 1;
		break;
	default:
		break;
	}
}

/* The checks of one syscall: conditional rules in order, then the final action. */
struct checks {
	struct gen *g;
	const char *name;
	bool arch32;
	size_t n_rules;
	const struct cbpf_policy_rule **rules;
	struct cond_steps **steps; /* per rule, per condition */
	uint16_t **uses;           /* per rule, per condition: words read from there on */
	int *action_blk;           /* per rule */
	int final_blk;
	/* memo: (rule, cond, step, projected knowledge) -> block */
	struct memo {
		uint32_t rule, cond;
		int step;
		struct know k;
		int blk;
	} *memo;
	size_t n_memo, cap_memo;
	size_t budget;
};

static void project(const struct checks *ch, size_t r, size_t c, struct know *k)
{
	uint16_t use = r < ch->n_rules ? ch->uses[r][c] : 0;

	for (unsigned w = 0; w < NWORDS; w++)
		if (!(use & (1U << w)))
			k->lo[w] = 0, k->hi[w] = UINT32_MAX, k->ne[w] = 0;
	k->has_ne &= use;
	if (k->a != A_NONE && !(use & (1U << k->a)))
		k->a = A_NONE, k->amask = 0;
}

static bool know_eq(const struct know *x, const struct know *y)
{
	return x->a == y->a && x->amask == y->amask && !memcmp(x->lo, y->lo, sizeof(x->lo)) &&
	       !memcmp(x->hi, y->hi, sizeof(x->hi)) && x->has_ne == y->has_ne &&
	       !memcmp(x->ne, y->ne, sizeof(x->ne));
}

static int gen_at(struct checks *ch, size_t r, size_t c, int step, struct know k);

static void cond_text(const struct cbpf_policy_cond *c, char *buf, size_t size)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };

	if (c->op <= CBPF_CMP_GE)
		snprintf(buf, size, "arg%u %s %#" PRIx64, c->arg, ops[c->op], c->value);
	else
		snprintf(buf, size, "(arg%u & %#" PRIx64 ") %s %#" PRIx64, c->arg, c->mask,
			 c->op == CBPF_CMP_MASKED_EQ ? "==" : "!=", c->value);
}

/* Where an outcome of condition c of rule r leads. */
static int gen_out(struct checks *ch, size_t r, size_t c, int out, const struct know *k)
{
	if (out == OUT_T) {
		if (c + 1 < ch->rules[r]->n_conds)
			return gen_at(ch, r, c + 1, ch->steps[r][c + 1].first, *k);
		return ch->action_blk[r];
	}
	if (out == OUT_F) {
		if (r + 1 < ch->n_rules)
			return gen_at(ch, r + 1, 0, ch->steps[r + 1][0].first, *k);
		return ch->final_blk;
	}
	return gen_at(ch, r, c, out, *k);
}

static int gen_at(struct checks *ch, size_t r, size_t c, int step, struct know k)
{
	struct gen *g = ch->g;
	const struct step *s;
	struct know kt, kf, kp;
	struct blk nb = { .kind = B_JMP };
	char text[96];
	int v, t, f, id;

	if (step < 0)
		return gen_out(ch, r, c, step, &k);
	if (g->err)
		return -1;
	project(ch, r, c, &k);
	kp = k;
	for (size_t i = 0; i < ch->n_memo; i++) {
		const struct memo *m = &ch->memo[i];

		if (m->rule == r && m->cond == c && m->step == step && know_eq(&m->k, &kp))
			return m->blk;
	}
	s = &ch->steps[r][c].s[step];
	v = step_eval(s, &k);
	if (v >= 0) {
		id = gen_out(ch, r, c, v ? s->t : s->f, &k);
	} else {
		kt = kf = k;
		step_refine(s, true, &kt);
		step_refine(s, false, &kf);
		/* Out of budget, forget what the paths knew: the code stays linear in size. */
		if (!ch->budget) {
			for (unsigned w = 0; w < NWORDS; w++)
				kt.lo[w] = kf.lo[w] = 0, kt.hi[w] = kf.hi[w] = UINT32_MAX;
			kt.has_ne = kf.has_ne = 0;
		} else {
			ch->budget--;
		}
		t = gen_out(ch, r, c, s->t, &kt);
		f = gen_out(ch, r, c, s->f, &kf);
		if (t < 0 || f < 0)
			return -1;
		if (k.a != s->word || (k.amask != s->mask && k.amask != UINT32_MAX)) {
			nb.pre[nb.n_pre++] = ld_abs(OFF_ARG(s->word / 2, s->word & 1));
			k.amask = UINT32_MAX;
		}
		if (s->mask != UINT32_MAX && k.amask != s->mask)
			nb.pre[nb.n_pre++] = (struct cbpf_insn){ CBPF_ALU | CBPF_AND | CBPF_K, 0, 0,
								 s->mask };
		nb.code = (uint16_t)(CBPF_JMP | s->op | CBPF_K);
		nb.k = s->k;
		nb.jt = t;
		nb.jf = f;
		if (g->comments) {
			cond_text(&ch->rules[r]->conds[c], text, sizeof(text));
			nb.label = label(g, "%s: %s%s", ch->name, text,
					 ch->arch32 ? "" : s->word & 1 ? " (high word)" : " (low word)");
		}
		id = mk(g, nb);
	}
	if (id >= 0 && ch->n_memo < 65536) {
		if (ch->n_memo == ch->cap_memo) {
			size_t cap = ch->cap_memo ? 2 * ch->cap_memo : 64;
			struct memo *mv = realloc(ch->memo, cap * sizeof(*mv));

			if (!mv) {
				g->err = -ENOMEM;
				return -1;
			}
			ch->memo = mv;
			ch->cap_memo = cap;
		}
		ch->memo[ch->n_memo++] = (struct memo){ (uint32_t)r, (uint32_t)c, step, kp, id };
	}
	return id;
}

/*
 * The block that decides syscall name (number nr) given its rules on this arch. A is nr on
 * entry. Rules: conditional ones in order, at most one unconditional action, a fallback.
 */
static int gen_syscall(struct gen *g, const char *name, bool arch32,
		       const struct cbpf_policy_rule **rules, size_t n)
{
	struct checks ch = { .g = g, .name = name, .arch32 = arch32, .budget = 4096 };
	const struct cbpf_policy_rule **cond = calloc(n + 1, sizeof(*cond));
	uint32_t final = g->pol->default_action;
	bool decided = false;
	struct know k;
	int id = -1;

	if (!cond) {
		g->err = -ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rules[i]->n_conds && !rules[i]->fallback) {
			final = rules[i]->action;
			decided = true;
		}
	}
	for (size_t i = 0; i < n && !decided; i++) {
		if (rules[i]->fallback)
			final = rules[i]->action;
		else
			cond[ch.n_rules++] = rules[i];
	}
	/* Trailing rules that give the final action anyway need no test. */
	while (ch.n_rules && cond[ch.n_rules - 1]->action == final)
		ch.n_rules--;
	ch.final_blk = mk_ret(g, final);
	if (!ch.n_rules || ch.final_blk < 0) {
		free(cond);
		return ch.final_blk;
	}
	ch.rules = cond;
	ch.steps = calloc(ch.n_rules, sizeof(*ch.steps));
	ch.uses = calloc(ch.n_rules, sizeof(*ch.uses));
	ch.action_blk = calloc(ch.n_rules, sizeof(*ch.action_blk));
	if (!ch.steps || !ch.uses || !ch.action_blk)
		goto nomem;
	for (size_t r = 0; r < ch.n_rules; r++) {
		size_t nc = cond[r]->n_conds;

		ch.steps[r] = calloc(nc, sizeof(**ch.steps));
		ch.uses[r] = calloc(nc, sizeof(**ch.uses));
		if (!ch.steps[r] || !ch.uses[r])
			goto nomem;
		for (size_t c = 0; c < nc; c++)
			cond_expand(&cond[r]->conds[c], arch32, &ch.steps[r][c]);
		ch.action_blk[r] = mk_ret(g, cond[r]->action);
	}
	/* Words read from (rule, cond) on: this and the following conditions and rules. */
	for (size_t r = ch.n_rules, next = 0; r-- > 0;) {
		uint16_t acc = (uint16_t)next;

		for (size_t c = cond[r]->n_conds; c-- > 0;) {
			const struct cond_steps *cs = &ch.steps[r][c];

			for (int s = 0; s < cs->n; s++)
				acc |= (uint16_t)(1U << cs->s[s].word);
			ch.uses[r][c] = acc;
		}
		next = acc;
	}
	memset(&k, 0, sizeof(k));
	k.a = A_NONE;
	for (unsigned w = 0; w < NWORDS; w++)
		k.hi[w] = UINT32_MAX;
	id = gen_at(&ch, 0, 0, ch.steps[0][0].first, k);
	goto out;
nomem:
	g->err = -ENOMEM;
out:
	for (size_t r = 0; r < ch.n_rules; r++) {
		free(ch.steps ? ch.steps[r] : NULL);
		free(ch.uses ? ch.uses[r] : NULL);
	}
	free(ch.steps);
	free(ch.uses);
	free(ch.action_blk);
	free(ch.memo);
	free(cond);
	return g->err ? -1 : id;
}

/* ---------------------------------------------------------------- the syscall number */

struct range {
	uint32_t lo, hi;
	int leaf;
	uint64_t w;
};

struct tree {
	struct gen *g;
	struct range *r;
	size_t m;
	uint64_t *cost; /* m * m: expected compares, weighted */
	uint16_t *height;
	int32_t *choice; /* split index s (ranges i..s-1 | s..j), or -1: a chain of jeq */
	enum cbpf_arch arch, arch_x32; /* for the syscall names in comments */
};

#define AT(t, i, j) ((i) * (t)->m + (j))

/* Ranges i..j alternate: the same leaf at i, i+2, ..., j and single numbers between. */
static bool chain_ok(const struct tree *t, size_t i, size_t j)
{
	if ((j - i) % 2 || j - i < 2)
		return false;
	for (size_t x = i + 2; x <= j; x += 2)
		if (t->r[x].leaf != t->r[i].leaf)
			return false;
	for (size_t x = i + 1; x < j; x += 2)
		if (t->r[x].lo != t->r[x].hi)
			return false;
	return true;
}

static int wcmp_desc(const void *a, const void *b)
{
	const struct range *x = *(const struct range *const *)a, *y = *(const struct range *const *)b;

	return x->w < y->w ? 1 : x->w > y->w ? -1 : (x->lo > y->lo) - (x->lo < y->lo);
}

/* The singletons of a chain, most weighted first. */
static size_t chain_order(const struct tree *t, size_t i, size_t j, const struct range **out)
{
	size_t n = 0;

	for (size_t x = i + 1; x < j; x += 2)
		out[n++] = &t->r[x];
	qsort(out, n, sizeof(*out), wcmp_desc);
	return n;
}

static uint64_t chain_cost(const struct tree *t, size_t i, size_t j, const struct range **tmp)
{
	size_t n = chain_order(t, i, j, tmp);
	uint64_t c = 0, wl = 0;

	for (size_t x = 0; x < n; x++)
		c += tmp[x]->w * (x + 1);
	for (size_t x = i; x <= j; x += 2)
		wl += t->r[x].w;
	return c + wl * n;
}

/*
 * What one more compare instruction costs against the weights: a syscall some rule allows weighs
 * 64 (each compare on its path costs it an executed instruction), another named one 8, a range
 * no rule names 1. Size counts a little, so equal speed goes to the smaller tree.
 */
#define NODE_COST 8

/* Knuth's optimal search tree over the ranges, with chains of jeq as a second shape. */
static void tree_plan(struct tree *t, const struct range **tmp)
{
	size_t m = t->m;
	uint64_t *wsum = malloc((m + 1) * sizeof(*wsum));

	if (!wsum) {
		t->g->err = -ENOMEM;
		return;
	}
	wsum[0] = 0;
	for (size_t i = 0; i < m; i++)
		wsum[i + 1] = wsum[i] + t->r[i].w;
	for (size_t len = 1; len <= m; len++) {
		for (size_t i = 0; i + len <= m; i++) {
			size_t j = i + len - 1;
			uint64_t best = UINT64_MAX;
			uint16_t bh = UINT16_MAX;
			int32_t bc = 0;

			if (len == 1) {
				t->cost[AT(t, i, j)] = 0;
				t->height[AT(t, i, j)] = 0;
				continue;
			}
			for (size_t s = i + 1; s <= j; s++) {
				uint64_t c = t->cost[AT(t, i, s - 1)] + t->cost[AT(t, s, j)];
				uint16_t h = t->height[AT(t, i, s - 1)];

				if (t->height[AT(t, s, j)] > h)
					h = t->height[AT(t, s, j)];
				h++;
				if (c < best || (c == best && h < bh))
					best = c, bh = h, bc = (int32_t)s;
			}
			best += wsum[j + 1] - wsum[i] + NODE_COST;
			if (chain_ok(t, i, j)) {
				uint64_t c = chain_cost(t, i, j, tmp) + NODE_COST * ((j - i) / 2);
				uint16_t h = (uint16_t)((j - i) / 2);

				if (c < best || (c == best && h < bh))
					best = c, bh = h, bc = -1;
			}
			t->cost[AT(t, i, j)] = best;
			t->height[AT(t, i, j)] = bh;
			t->choice[AT(t, i, j)] = bc;
		}
	}
	free(wsum);
}

static const char *nr_name(const struct tree *t, uint32_t nr)
{
	const char *n = NULL;

	if (t->arch_x32 && (nr & CBPF_X32_SYSCALL_BIT))
		n = cbpf_syscall_name(t->arch_x32, nr);
	if (!n && t->arch)
		n = cbpf_syscall_name(t->arch, nr);
	return n;
}

/* "nr >= 57 (fork)", "nr == x32 getpid", "nr >= 0x40000000": a comment for a tree test. */
static char *nr_label(struct tree *t, const char *rel, uint32_t k)
{
	const char *name = nr_name(t, k);
	const char *x32 = t->arch_x32 && t->arch && (k & CBPF_X32_SYSCALL_BIT) ? "x32 " : "";
	char num[16];

	if (k < 0x10000)
		snprintf(num, sizeof(num), "%" PRIu32, k);
	else
		snprintf(num, sizeof(num), "%#" PRIx32, k);
	if (!strcmp(rel, "=="))
		return name ? label(t->g, "nr == %s%s", x32, name) : label(t->g, "nr == %s", num);
	if (k == CBPF_X32_SYSCALL_BIT && t->arch_x32) /* where x32's numbers start */
		return label(t->g, "nr %s %s (__X32_SYSCALL_BIT)", rel, num);
	return name ? label(t->g, "nr %s %s (%s%s)", rel, num, x32, name) :
		      label(t->g, "nr %s %s", rel, num);
}

static int tree_emit(struct tree *t, size_t i, size_t j, const struct range **tmp)
{
	struct gen *g = t->g;
	int32_t s;

	if (i == j)
		return t->r[i].leaf;
	s = t->choice[AT(t, i, j)];
	if (s < 0) {
		size_t n = chain_order(t, i, j, tmp);
		const struct range **order = malloc(n * sizeof(*order));
		int id = t->r[i].leaf;

		if (!order) {
			g->err = -ENOMEM;
			return -1;
		}
		memcpy(order, tmp, n * sizeof(*order));
		for (size_t x = n; x-- > 0 && id >= 0;) {
			id = mk(g, (struct blk){
					   .kind = B_JMP,
					   .code = CBPF_JMP | CBPF_JEQ | CBPF_K,
					   .k = order[x]->lo,
					   .jt = order[x]->leaf,
					   .jf = id,
					   .label = nr_label(t, "==", order[x]->lo),
				   });
		}
		free(order);
		return id;
	} else {
		int left = tree_emit(t, i, (size_t)s - 1, tmp), right = tree_emit(t, (size_t)s, j, tmp);

		if (left < 0 || right < 0)
			return -1;
		return mk(g, (struct blk){
				     .kind = B_JMP,
				     .code = CBPF_JMP | CBPF_JGE | CBPF_K,
				     .k = t->r[s].lo,
				     .jt = right,
				     .jf = left,
				     .label = nr_label(t, ">=", t->r[s].lo),
			     });
	}
}

/* Splits a sorted range list into balanced halves when it is too long for the exact plan. */
static int tree_balanced(struct tree *t, size_t i, size_t j)
{
	struct gen *g = t->g;
	uint64_t total = 0, acc = 0;
	size_t s;
	int left, right;

	if (i == j)
		return t->r[i].leaf;
	for (size_t x = i; x <= j; x++)
		total += t->r[x].w;
	for (s = i + 1; s < j; s++) {
		acc += t->r[s - 1].w;
		if (2 * acc >= total)
			break;
	}
	left = tree_balanced(t, i, s - 1);
	right = tree_balanced(t, s, j);
	if (left < 0 || right < 0)
		return -1;
	return mk(g, (struct blk){ .kind = B_JMP,
				   .code = CBPF_JMP | CBPF_JGE | CBPF_K,
				   .k = t->r[s].lo,
				   .jt = right,
				   .jf = left,
				   .label = nr_label(t, ">=", t->r[s].lo) });
}

struct nr_leaf {
	uint32_t nr;
	int leaf;
	uint64_t w;
};

static int nr_leaf_cmp(const void *a, const void *b)
{
	const struct nr_leaf *x = a, *y = b;

	return (x->nr > y->nr) - (x->nr < y->nr);
}

struct nr_rules {
	uint32_t nr;
	size_t rule;
	enum cbpf_arch arch;
};

static int nr_rules_cmp(const void *a, const void *b)
{
	const struct nr_rules *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

static bool allows(uint32_t action)
{
	uint32_t a = action & CBPF_SECCOMP_RET_ACTION_FULL;

	return a == CBPF_SECCOMP_RET_ALLOW || a == CBPF_SECCOMP_RET_LOG;
}

/* Appends the range [lo, hi] with leaf, merging it into the last one when they share it. */
static bool range_add(struct range **v, size_t *n, size_t *cap, uint32_t lo, uint32_t hi,
		      int leaf, uint64_t w)
{
	if (*n && (*v)[*n - 1].leaf == leaf && (*v)[*n - 1].hi + 1 == lo) {
		(*v)[*n - 1].hi = hi;
		(*v)[*n - 1].w += w;
		return true;
	}
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		struct range *nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct range){ lo, hi, leaf, w };
	return true;
}

/*
 * The dispatch on nr for one AUDIT_ARCH value: arch, and x32 when it shares x86_64's. The
 * numbers the other ABI of x86_64 would use (the x32 bit set or not) are a bad architecture,
 * but -1 (a tracer skipping the call) gets the default, as libseccomp does.
 */
static int gen_arch(struct gen *g, enum cbpf_arch arch, enum cbpf_arch x32)
{
	const struct cbpf_policy *pol = g->pol;
	struct nr_rules *nrs = NULL;
	struct nr_leaf *leaves = NULL;
	const struct cbpf_policy_rule **group = NULL;
	struct range *ranges = NULL;
	const struct range **tmp = NULL;
	size_t n = 0, nl = 0, m = 0, cap = 0;
	struct tree t = { .g = g, .arch = arch, .arch_x32 = x32 };
	int dflt = mk_ret(g, pol->default_action), bad = mk_ret(g, pol->badarch_action);
	int id = -1;
	uint32_t next = 0;

	nrs = malloc((2 * pol->n_rules + 1) * sizeof(*nrs));
	leaves = malloc((2 * pol->n_rules + 1) * sizeof(*leaves));
	group = malloc((pol->n_rules + 1) * sizeof(*group));
	if (!nrs || !leaves || !group)
		goto nomem;
	for (size_t r = 0; r < pol->n_rules; r++) {
		uint32_t nr;

		if (arch && policy_rule_nr(&pol->rules[r], arch, &nr))
			nrs[n++] = (struct nr_rules){ nr, r, arch };
		if (x32 && policy_rule_nr(&pol->rules[r], x32, &nr))
			nrs[n++] = (struct nr_rules){ nr, r, x32 };
	}
	qsort(nrs, n, sizeof(*nrs), nr_rules_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		size_t k = 0;
		bool allowed = false;
		int leaf;

		for (j = i; j < n && nrs[j].nr == nrs[i].nr; j++) {
			group[k++] = &pol->rules[nrs[j].rule];
			allowed |= allows(pol->rules[nrs[j].rule].action);
		}
		leaf = gen_syscall(g, nr_name(&t, nrs[i].nr), policy_arch_32bit(nrs[i].arch), group,
				   k);
		if (leaf < 0)
			goto fail;
		leaves[nl++] = (struct nr_leaf){ nrs[i].nr, leaf, allowed ? 64 : 8 };
	}
	qsort(leaves, nl, sizeof(*leaves), nr_leaf_cmp);
	/* Every number from 0 to 0xffffffff falls in exactly one range. */
	for (size_t i = 0; i <= nl; i++) {
		uint32_t end = i < nl ? leaves[i].nr : UINT32_MAX;
		bool last = i == nl;

		/* the gap [next, end) (or [next, 0xffffffff] after the last leaf) */
		while (last ? next <= end : next < end) {
			uint32_t stop = last ? end : end - 1;
			int leaf = dflt;

			if (arch && !x32 && arch == CBPF_ARCH_X86_64) {
				/* x32 numbers under an x86_64-only filter */
				if (next < CBPF_X32_SYSCALL_BIT) {
					if (stop >= CBPF_X32_SYSCALL_BIT)
						stop = CBPF_X32_SYSCALL_BIT - 1;
				} else if (next < UINT32_MAX) {
					leaf = bad;
					if (stop == UINT32_MAX)
						stop = UINT32_MAX - 1;
				}
			} else if (!arch && x32) {
				/* x86_64 numbers under an x32-only filter */
				if (next < CBPF_X32_SYSCALL_BIT) {
					leaf = bad;
					if (stop >= CBPF_X32_SYSCALL_BIT)
						stop = CBPF_X32_SYSCALL_BIT - 1;
				}
			}
			if (!range_add(&ranges, &m, &cap, next, stop, leaf, 1))
				goto nomem;
			if (stop == UINT32_MAX)
				break;
			next = stop + 1;
		}
		if (last)
			break;
		if (!range_add(&ranges, &m, &cap, leaves[i].nr, leaves[i].nr, leaves[i].leaf,
			       leaves[i].w))
			goto nomem;
		if (leaves[i].nr == UINT32_MAX)
			break;
		next = leaves[i].nr + 1;
	}
	t.r = ranges;
	t.m = m;
	tmp = malloc((m + 1) * sizeof(*tmp));
	if (!tmp)
		goto nomem;
	if (m <= 600) {
		t.cost = malloc(m * m * sizeof(*t.cost));
		t.height = malloc(m * m * sizeof(*t.height));
		t.choice = malloc(m * m * sizeof(*t.choice));
		if (!t.cost || !t.height || !t.choice)
			goto nomem;
		tree_plan(&t, tmp);
		id = g->err ? -1 : tree_emit(&t, 0, m - 1, tmp);
	} else {
		id = tree_balanced(&t, 0, m - 1);
	}
	goto out;
nomem:
	g->err = -ENOMEM;
fail:
	id = -1;
out:
	free(t.cost);
	free(t.height);
	free(t.choice);
	free(tmp);
	free(ranges);
	free(group);
	free(leaves);
	free(nrs);
	return g->err ? -1 : id;
}

/* ---------------------------------------------------------------- layout */

struct layout {
	int *order; /* block ids in program order */
	size_t n, cap;
};

static bool order_push(struct layout *l, int id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		int *v = realloc(l->order, cap * sizeof(*v));

		if (!v)
			return false;
		l->order = v;
		l->cap = cap;
	}
	l->order[l->n++] = id;
	return true;
}

/* Reverse postorder of the jumps, returns left out (they go last, shared by everything). */
static bool layout_rpo(struct gen *g, int root, struct layout *l)
{
	int8_t *state = calloc(g->n, 1);
	int *stack = malloc((2 * g->n + 2) * sizeof(*stack));
	int *post = malloc(g->n * sizeof(*post));
	size_t sp = 0, np = 0;
	bool ok = state && stack && post;

	if (!ok)
		goto out;
	stack[sp++] = root;
	while (sp) {
		int id = stack[sp - 1];
		struct blk *b = &g->b[id];

		if (state[id] == 2) {
			sp--;
			continue;
		}
		if (state[id] == 0) {
			state[id] = 1;
			/* jt pushed last is visited first: jf ends up right after its parent */
			if (b->kind == B_JMP) {
				if (!state[b->jf])
					stack[sp++] = b->jf;
				if (!state[b->jt])
					stack[sp++] = b->jt;
			} else if (b->kind == B_JA && !state[b->jt]) {
				stack[sp++] = b->jt;
			}
			continue;
		}
		sp--;
		if (state[id] == 1) {
			state[id] = 2;
			post[np++] = id;
		}
	}
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind != B_RET && !(ok = order_push(l, post[i])))
			goto out;
	for (size_t i = np; i-- > 0;)
		if (g->b[post[i]].kind == B_RET && !(ok = order_push(l, post[i])))
			goto out;
out:
	free(state);
	free(stack);
	free(post);
	return ok;
}

static size_t blk_len(const struct blk *b)
{
	return (size_t)b->n_pre + 1;
}

static size_t place(struct gen *g, const struct layout *l)
{
	size_t pos = 0;

	for (size_t i = 0; i < l->n; i++) {
		g->b[l->order[i]].pos = pos;
		pos += blk_len(&g->b[l->order[i]]);
	}
	return pos;
}

/*
 * Makes every conditional jump reach its target within 255 instructions. A far return is copied
 * next to the jump (a copy costs no executed instruction); any other far target gets a ja there.
 * The copy goes right after the jumping block: later copies cannot push it out of reach again
 * (at the farthest boundary instead, two copies can push each other out forever). Jumps within
 * reach of an existing copy share it.
 */
static bool relax(struct gen *g, struct layout *l)
{
	for (int rounds = 0; rounds < 100000; rounds++) {
		bool changed = false;

		place(g, l);
		for (size_t i = 0; i < l->n && !changed; i++) {
			struct blk *b = &g->b[l->order[i]];
			size_t at = b->pos + b->n_pre, q = i + 1;
			int *edge[2] = { &b->jt, &b->jf };

			if (b->kind != B_JMP)
				continue;
			for (int e = 0; e < 2 && !changed; e++) {
				int target = *edge[e], orig, copy = -1;
				struct blk nb;

				if (g->b[target].pos - at - 1 <= 255)
					continue;
				orig = g->b[target].orig >= 0 ? g->b[target].orig : target;
				/* an existing copy within reach? */
				for (size_t c = 0; c < g->n && copy < 0; c++)
					if ((c == (size_t)orig || g->b[c].orig == orig) &&
					    g->b[c].pos > at && g->b[c].pos - at - 1 <= 255 &&
					    (c == (size_t)orig || g->b[c].pos != 0))
						copy = (int)c;
				if (copy < 0) {
					nb = g->b[orig];
					nb.label = NULL;
					if (nb.kind != B_RET) {
						nb = (struct blk){ .kind = B_JA, .jt = target };
						nb.label = NULL;
					}
					nb.orig = orig;
					copy = blk_append(g, &nb);
					if (copy < 0)
						return false;
					if (g->b[copy].kind == B_RET && g->comments && g->b[orig].label)
						g->b[copy].label = strdup(g->b[orig].label);
					b = &g->b[l->order[i]]; /* g->b may have moved */
					edge[0] = &b->jt;
					edge[1] = &b->jf;
					if (!order_push(l, copy))
						return false;
					memmove(&l->order[q + 1], &l->order[q],
						(l->n - 1 - q) * sizeof(*l->order));
					l->order[q] = copy;
				}
				*edge[e] = copy;
				changed = true;
			}
		}
		if (!changed)
			return true;
	}
	return false;
}

/*
 * Leaves out what no jump reaches any more: a return whose every jump went to copies next to
 * them (the bad-architecture return, jumped to from the far end of a long filter). Leaving
 * blocks out only shortens forward jumps, so every jump stays within reach.
 */
static bool prune(struct gen *g, struct layout *l)
{
	bool *seen = calloc(g->n, sizeof(*seen));
	size_t n = 0;

	if (!seen)
		return false;
	seen[l->order[0]] = true;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];

		if (!seen[l->order[i]])
			continue;
		if (b->kind == B_JMP)
			seen[b->jt] = seen[b->jf] = true;
		else if (b->kind == B_JA)
			seen[b->jt] = true;
	}
	for (size_t i = 0; i < l->n; i++)
		if (seen[l->order[i]])
			l->order[n++] = l->order[i];
	l->n = n;
	free(seen);
	return true;
}

/* ---------------------------------------------------------------- emission */

static const char *load_comment(uint32_t off, char *buf, size_t size)
{
	if (off == OFF_NR)
		return "A = nr";
	if (off == OFF_ARCH)
		return "A = arch";
	if (off >= 16 && off < 64) {
		snprintf(buf, size, "A = arg%u (%s word)", (off - 16) / 8, (off & 4) ? "high" : "low");
		return buf;
	}
	return NULL;
}

static int emit(struct gen *g, const struct layout *l, size_t len, struct cbpf_prog **out)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	char buf[64];
	int err = -ENOMEM;

	if (!prog)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		const struct blk *b = &g->b[l->order[i]];
		size_t at;
		struct cbpf_insn insn = { b->code, 0, 0, b->k };

		for (unsigned p = 0; p < b->n_pre; p++) {
			if (prog_append(prog, b->pre[p], NULL))
				goto fail;
			if (g->comments && b->pre[p].code == (CBPF_LD | CBPF_W | CBPF_ABS) &&
			    cbpf_prog_set_comment(prog, prog->len - 1,
						  load_comment(b->pre[p].k, buf, sizeof(buf))))
				goto fail;
		}
		at = b->pos + b->n_pre;
		switch (b->kind) {
		case B_RET:
			insn = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, b->k };
			break;
		case B_JA:
			insn = (struct cbpf_insn){ CBPF_JMP | CBPF_JA, 0, 0,
						   (uint32_t)(g->b[b->jt].pos - at - 1) };
			break;
		default:
			insn.jt = (uint8_t)(g->b[b->jt].pos - at - 1);
			insn.jf = (uint8_t)(g->b[b->jf].pos - at - 1);
			break;
		}
		if (prog_append(prog, insn, NULL))
			goto fail;
		if (g->comments && b->label && cbpf_prog_set_comment(prog, prog->len - 1, b->label))
			goto fail;
	}
	if (prog->len != len) {
		err = -EINVAL;
		goto fail;
	}
	cbpf_prog_set_kind(prog, CBPF_KIND_SECCOMP);
	*out = prog;
	return 0;
fail:
	cbpf_prog_free(prog);
	return err;
}

int cbpf_policy_gen(const struct cbpf_policy *pol, const struct cbpf_policy_opts *opts,
		    struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct gen g = { .pol = pol, .diags = diags, .comments = !(opts && opts->no_comments) };
	struct layout l = { 0 };
	int bad, root, err;
	size_t len;
	/* one dispatch per AUDIT_ARCH value; x32 joins x86_64 */
	enum cbpf_arch main_arch[CBPF_ARCH_COUNT], x32_arch[CBPF_ARCH_COUNT];
	uint32_t audit[CBPF_ARCH_COUNT];
	size_t na = 0;

	for (size_t i = 0; i < pol->n_arches; i++) {
		enum cbpf_arch a = pol->arches[i];
		uint32_t au = cbpf_arch_audit(a);
		size_t j;

		for (j = 0; j < na && audit[j] != au; j++)
			;
		if (j == na) {
			audit[na] = au;
			main_arch[na] = x32_arch[na] = CBPF_ARCH_NONE;
			na++;
		}
		if (a == CBPF_ARCH_X32)
			x32_arch[j] = a;
		else
			main_arch[j] = a;
	}
	bad = mk_ret(&g, pol->badarch_action);
	root = bad;
	for (size_t i = na; i-- > 0 && root >= 0;) {
		int tree = gen_arch(&g, main_arch[i], x32_arch[i]);
		struct blk nb = { .kind = B_JMP, .code = CBPF_JMP | CBPF_JEQ | CBPF_K, .k = audit[i] };
		const char *an = cbpf_arch_name(main_arch[i] ? main_arch[i] : x32_arch[i]);

		if (tree < 0) {
			root = -1;
			break;
		}
		/* the tree starts by loading nr */
		if (g.b[tree].kind == B_JMP && !g.b[tree].n_pre) {
			struct blk tb = g.b[tree];

			tb.pre[tb.n_pre++] = ld_abs(OFF_NR);
			tb.label = tb.label ? strdup(tb.label) : NULL;
			tree = mk(&g, tb);
		}
		nb.jt = tree;
		nb.jf = root;
		if (main_arch[i] && x32_arch[i])
			nb.label = label(&g, "arch == %s or x32", an);
		else
			nb.label = label(&g, "arch == %s", an);
		if (i == 0)
			nb.pre[nb.n_pre++] = ld_abs(OFF_ARCH);
		root = mk(&g, nb);
	}
	if (g.err || root < 0) {
		err = g.err ? g.err : -ENOMEM;
		goto out;
	}
	if (!layout_rpo(&g, root, &l) || !relax(&g, &l) || !prune(&g, &l)) {
		err = -ENOMEM;
		goto out;
	}
	len = place(&g, &l);
	if (len > CBPF_MAXINSNS) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "the filter needs %zu instructions, more than the kernel's %d", len,
			       CBPF_MAXINSNS);
		err = -E2BIG;
		goto out;
	}
	err = emit(&g, &l, len, out);
out:
	for (size_t i = 0; i < g.n; i++)
		free(g.b[i].label);
	free(g.b);
	free(g.htab);
	free(l.order);
	return err;
}
