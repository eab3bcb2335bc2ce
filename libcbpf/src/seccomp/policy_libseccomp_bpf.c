// SPDX-License-Identifier: MIT
/*
 * libseccomp 2.5.4's BPF for one syscall's argument tree, read as the kernel runs it: which
 * 32-bit word the accumulator holds when each node's comparison executes.
 *
 * libseccomp's generator (src/gen_bpf.c) makes one block per node and knows, while it makes a
 * level, what the accumulator holds (struct acc_state: a word's offset and the mask ANDed into
 * it). _gen_bpf_chain hands that state from node to node along the level: the first node of a
 * level starts with its parent's end state, each next one with its left neighbour's.
 * _gen_bpf_node loads the node's word only when that state is another word, or a mask that
 * keeps fewer bits than the node's (a block without the load records that state as the one it
 * starts from), then ANDs the node's mask if it differs from the state's. The state a block
 * starts from is only true when its left neighbour's comparison jumped to it. But a node's
 * sub-levels fall through to the node after it too (_gen_bpf_chain_lvl_res: a level's last
 * node goes on to the parent level's next node), and there the accumulator holds whatever the
 * sub-level's last test loaded: another argument, the other half of a 64-bit one, another mask.
 * _gen_bpf_build_bpf repairs that only once per block: it lays the blocks out depth first from
 * the syscall's comparison (of each block's jump, the true target first, then the false one),
 * puts a block right after the first block that reaches it, and prepends a load only if that
 * first block's end state differs from the state the block starts from. Every other way into
 * the block keeps what it had in the accumulator. So a node without a load of its own tests the
 * word its left neighbour names when it is reached from that neighbour, or from the first
 * block that laid it out; reached by falling through a sub-level that loaded another word, it
 * tests that word (masked by that test's mask and its own).
 *
 * This file rebuilds those blocks from the tree, identical blocks shared as libseccomp's hash
 * table shares them, between the trees of every syscall and architecture of the filter (a
 * policy_lsc_layout holds the blocks of the trees laid out before, which libseccomp does from
 * the filter's end: the first tree to reach a shared block decides whether it loads), lays them
 * out as libseccomp does, and reads them as the tree is read, each test on the word the
 * accumulator holds there; where a sub-level falls through with another word in A than the
 * reading gives the next node, what follows is read right there with that word, to the end.
 * The rules it gives mean what that BPF does.
 */
#include <errno.h>
#include <stdlib.h>

#include "seccomp/policy_libseccomp_tree.h"

/* What the accumulator holds: word arg * 2 + hi (-1: nothing an argument), ANDed with mask. */
struct lb_acc {
	int word;
	uint32_t mask;
};

/* Where a jump goes: a block, an action, or (neither) the filter's default action. */
struct lb_to {
	int blk; /* -1: not a block */
	bool act;
	uint32_t action;
	size_t src;
};

/* A node's block: [load] [and mask] jump-if (A op datum); the node's test copied. */
struct lb_blk {
	unsigned arg;
	bool hi, t_sub, f_sub; /* t_sub, f_sub: the way leads to a sub-level */
	enum cbpf_cmp op;
	uint32_t mask, datum;
	int word;
	bool load, mask_and, reload;
	struct lb_acc start, end; /* start.word -1: the block loads, whatever A holds */
	struct lb_to t, f;
	int lvl_next; /* the next node's block on the level (-1: the last) */
	bool placed;
};

struct lb_gen {
	struct lb_blk *v;
	size_t n, cap;
	int *slot; /* hash of the blocks: index + 1, 0 empty; 2 * cap of them */
	/* the rules whose actions a block's two ways return, in the tree made last: a block
	 * another tree made first holds that tree's (another syscall's rules, or another count) */
	size_t (*src)[2];
	size_t budget;
	int err;
};

static int node_word(const struct lt_node *n)
{
	return (int)(n->arg * 2 + n->hi);
}

static bool acc_eq(struct lb_acc a, struct lb_acc b)
{
	return a.word == b.word && a.mask == b.mask;
}

static bool to_eq(const struct lb_to *a, const struct lb_to *b)
{
	if (a->blk >= 0 || b->blk >= 0)
		return a->blk == b->blk;
	return a->act == b->act && (!a->act || a->action == b->action);
}

/* Two blocks libseccomp's hash table takes for one: the same instructions and states. */
static bool blk_eq(const struct lb_blk *a, const struct lb_blk *b)
{
	return a->word == b->word && a->op == b->op && a->mask == b->mask && a->datum == b->datum &&
	       a->load == b->load && a->mask_and == b->mask_and && acc_eq(a->start, b->start) &&
	       acc_eq(a->end, b->end) && to_eq(&a->t, &b->t) && to_eq(&a->f, &b->f);
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	return (h ^ x) * 0x100000001b3ULL;
}

static size_t blk_hash(const struct lb_blk *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = mix(h,
		(uint64_t)(b->word + 2) << 8 | (uint64_t)b->op << 2 | b->load << 1 | b->mask_and);
	h = mix(h, (uint64_t)b->mask << 32 | b->datum);
	h = mix(h, (uint64_t)(b->start.word + 2) << 32 | b->start.mask);
	h = mix(h, (uint64_t)(b->end.word + 2) << 32 | b->end.mask);
	h = mix(h, (uint64_t)(b->t.blk + 2) << 32 | (b->t.blk < 0 && b->t.act ? b->t.action : 0));
	h = mix(h, (uint64_t)(b->f.blk + 2) << 32 | (b->f.blk < 0 && b->f.act ? b->f.action : 0));
	h = mix(h, (uint64_t)b->t.act << 1 | b->f.act);
	return (size_t)(h ^ h >> 29);
}

/* The block's index, an identical one's if there is one; -1 on error (G->err). */
static int blk_add(struct lb_gen *G, const struct lb_blk *b)
{
	size_t at;

	for (at = G->cap ? blk_hash(b) % (2 * G->cap) : 0; G->cap && G->slot[at];
	     at = (at + 1) % (2 * G->cap))
		if (blk_eq(&G->v[G->slot[at] - 1], b))
			return G->slot[at] - 1;
	if (!G->budget--) {
		G->err = -ENOTSUP;
		return -1;
	}
	if (G->n == G->cap) {
		size_t cap = G->cap ? 2 * G->cap : 32;
		struct lb_blk *v = realloc(G->v, cap * sizeof(*v));
		int *slot = calloc(2 * cap, sizeof(*slot));
		size_t(*src)[2] = realloc(G->src, cap * sizeof(*src));

		if (v)
			G->v = v;
		if (src)
			G->src = src;
		if (!v || !slot || !src) {
			free(slot);
			G->err = -ENOMEM;
			return -1;
		}
		free(G->slot);
		G->slot = slot, G->cap = cap;
		for (size_t i = 0; i < G->n; i++) {
			for (at = blk_hash(&G->v[i]) % (2 * cap); slot[at];
			     at = (at + 1) % (2 * cap))
				;
			slot[at] = (int)i + 1;
		}
		for (at = blk_hash(b) % (2 * cap); slot[at]; at = (at + 1) % (2 * cap))
			;
	}
	G->v[G->n] = *b;
	G->slot[at] = (int)G->n + 1;
	return (int)G->n++;
}

static struct lb_to gen_level(struct lb_gen *G, const struct lt_node *n, struct lb_acc acc,
			      struct lb_to next);

/* The way on from a node's branch: its sub-level, its action, or the next node. */
static struct lb_to gen_way(struct lb_gen *G, const struct lt_node *sub, bool has, uint32_t act,
			    size_t src, struct lb_acc end, struct lb_to next)
{
	if (sub)
		return gen_level(G, sub, end, next);
	if (has)
		return (struct lb_to){ -1, true, act, src };
	return next;
}

/* _gen_bpf_chain: the blocks of n's level, entered with acc, falling through to next. */
static struct lb_to gen_level(struct lb_gen *G, const struct lt_node *n, struct lb_acc acc,
			      struct lb_to next)
{
	struct lb_blk *blks;
	const struct lt_node **nodes;
	size_t len = 0, i = 0;
	struct lb_to to = { -1, false, 0, 0 };

	while (n->prv)
		n = n->prv;
	for (const struct lt_node *c = n; c; c = c->nxt)
		len++;
	blks = calloc(len, sizeof(*blks));
	nodes = calloc(len, sizeof(*nodes));
	if (G->err || !blks || !nodes) {
		G->err = G->err ? G->err : -ENOMEM;
		free(blks);
		free(nodes);
		return to;
	}
	/* the accumulator handed along the level, as _gen_bpf_node keeps it */
	for (const struct lt_node *c = n; c; c = c->nxt, i++) {
		struct lb_blk *b = &blks[i];

		nodes[i] = c;
		*b = (struct lb_blk){ .arg = c->arg,
				      .hi = c->hi,
				      .t_sub = c->t != NULL,
				      .f_sub = c->f != NULL,
				      .op = c->op,
				      .mask = c->mask,
				      .datum = c->datum,
				      .word = node_word(c),
				      .lvl_next = -1 };
		b->load = acc.word != b->word || (c->mask & acc.mask) != c->mask;
		b->start = acc;
		if (b->load) {
			b->start = (struct lb_acc){ -1, UINT32_MAX };
			acc = (struct lb_acc){ b->word, UINT32_MAX };
		}
		b->mask_and = c->mask != acc.mask;
		acc.mask = c->mask;
		b->end = acc;
	}
	/* made from the last node back, each falling through to the one after it */
	while (i-- && !G->err) {
		struct lb_blk *b = &blks[i];
		int at;

		const struct lt_node *c = nodes[i];

		b->t = gen_way(G, c->t, c->has_t, c->act_t, c->src_t, b->end, next);
		b->f = gen_way(G, c->f, c->has_f, c->act_f, c->src_f, b->end, next);
		b->lvl_next = next.blk;
		if (i + 1 == len)
			b->lvl_next = -1;
		if (G->err || (at = blk_add(G, b)) < 0)
			break;
		G->src[at][0] = b->f.src, G->src[at][1] = b->t.src;
		next = (struct lb_to){ at, false, 0, 0 };
	}
	if (!G->err)
		to = next;
	free(blks);
	free(nodes);
	return to;
}

/*
 * _gen_bpf_build_bpf's layout, depth first from b: a block first reached from a block whose
 * end state is not the one it starts from gets a load of its own.
 */
static void lay_out(struct lb_gen *G, int b)
{
	for (int way = 1; way >= 0; way--) {
		int to = way ? G->v[b].t.blk : G->v[b].f.blk;
		struct lb_blk *x;

		if (to < 0 || G->v[to].placed)
			continue;
		x = &G->v[to];
		x->placed = true;
		x->reload = !x->load && !acc_eq(G->v[b].end, x->start);
		lay_out(G, to);
	}
}

/*
 * Whether some jump from block b on (seen[] marks the blocks met) reaches a block that trusts a
 * state the jumping block does not leave.
 */
static bool any_stale(const struct lb_gen *G, int b, bool *seen)
{
	if (seen[b])
		return false;
	seen[b] = true;
	for (int way = 1; way >= 0; way--) {
		int to = way ? G->v[b].t.blk : G->v[b].f.blk;

		if (to < 0)
			continue;
		if (!G->v[to].load && !G->v[to].reload && !acc_eq(G->v[b].end, G->v[to].start))
			return true;
		if (any_stale(G, to, seen))
			return true;
	}
	return false;
}

struct lb_run {
	const struct lb_gen *G;
	struct policy_lsc_rules *out;
	bool arch32;
	uint32_t dflt;
	struct lt_lit path[64];
	size_t depth, budget;
	int err;
};

/* What A holds once block x has run (its load, or the one the layout gave it, and its AND). */
static struct lb_acc acc_after(const struct lb_blk *x, struct lb_acc acc)
{
	if (x->load)
		acc = (struct lb_acc){ x->word, UINT32_MAX };
	else if (x->reload)
		acc = x->start;
	if (x->mask_and)
		acc.mask &= x->mask;
	return acc;
}

/* Block x's test on A, the first that is not its node's own test kept in out->stale. */
static struct lt_lit test(struct lb_run *R, const struct lb_blk *x, struct lb_acc acc)
{
	if ((acc.word != x->word || acc.mask != x->mask) && !R->out->stale.any)
		R->out->stale = (struct policy_lsc_stale){
			true,	 x->arg,   (unsigned)acc.word / 2, x->hi, acc.word & 1,
			x->mask, acc.mask,
		};
	return (struct lt_lit){ acc.word, acc.mask, x->datum, x->op, true };
}

/*
 * How lit's test goes for every call that took the path so far: 1, 0, or -1 (either way). The
 * tests made on its whole word bound the word's value; a repeated test goes as before.
 */
static int lit_known(const struct lt_lit *path, size_t depth, const struct lt_lit *lit)
{
	uint32_t lo = 0, hi = UINT32_MAX, v;
	int same = lt_path_known(path, depth, lit);

	if (same >= 0)
		return same;
	for (size_t i = 0; i < depth; i++) {
		const struct lt_lit *y = &path[i];

		if (y->word != lit->word || y->mask != UINT32_MAX)
			continue;
		if (y->op == CBPF_CMP_GT && y->t)
			lo = lo > y->datum + 1 ? lo : y->datum + 1;
		else if (y->op == CBPF_CMP_GT)
			hi = hi < y->datum ? hi : y->datum;
		else if (y->op == CBPF_CMP_GE && y->t)
			lo = lo > y->datum ? lo : y->datum;
		else if (y->op == CBPF_CMP_GE && y->datum)
			hi = hi < y->datum - 1 ? hi : y->datum - 1;
		else if (y->t && y->op != CBPF_CMP_GE) /* == on the whole word */
			lo = lo > y->datum ? lo : y->datum, hi = hi < y->datum ? hi : y->datum;
	}
	if (lo > hi)
		return -1;
	if (lo == hi) {
		v = lo & lit->mask;
		return lit->op == CBPF_CMP_GT	? v > lit->datum
		       : lit->op == CBPF_CMP_GE ? v >= lit->datum
						: v == lit->datum;
	}
	if (lit->mask != UINT32_MAX)
		return -1;
	if (lit->op == CBPF_CMP_GT)
		return lo > lit->datum ? 1 : hi <= lit->datum ? 0 : -1;
	if (lit->op == CBPF_CMP_GE)
		return lo >= lit->datum ? 1 : hi < lit->datum ? 0 : -1;
	return lit->datum < lo || lit->datum > hi ? 0 : -1;
}

/* Where a level's last block falls through: a block read with acc (-1: the default action). */
struct lb_frame {
	int blk;
	struct lb_acc acc;
	const struct lb_frame *up; /* where the level of blk falls through */
};

static void read_lvl(struct lb_run *R, int h, struct lb_acc acc, const struct lb_frame *cont);

/*
 * What follows a sub-level that fell through to block c with acc in A, which the reading
 * otherwise assumes to hold another word there: the rest of c's level and of each level above
 * it, read from acc on, then the default action, all behind the path so far (the rules read
 * after these must not see the calls that came this way).
 */
static void read_rest(struct lb_run *R, int c, struct lb_acc acc, const struct lb_frame *up)
{
	read_lvl(R, c, acc, up);
	for (; up && up->blk >= 0 && !R->err; up = up->up)
		read_lvl(R, up->blk, up->acc, up->up);
	if (!R->err)
		R->err = lt_path_push(R->out, R->arch32, R->path, R->depth, R->dflt, 0);
}

/*
 * The level from block h on, read as the tree is (policy_libseccomp_tree.c read_level: a
 * sub-level that returns nothing goes on with the next node), entered with acc; the last
 * block falls through to cont. Where a sub-level falls through with another word in A than
 * this reading gives the block after it, what follows is read there and then (read_rest).
 */
static void read_lvl(struct lb_run *R, int h, struct lb_acc acc, const struct lb_frame *cont)
{
	const struct lb_gen *G = R->G;

	for (int b = h; b >= 0 && !R->err; b = G->v[b].lvl_next) {
		const struct lb_blk *x = &G->v[b];
		struct lb_frame sub_cont;
		struct lt_lit lit;
		int known;

		if (!R->budget--) {
			R->err = -ENOTSUP;
			return;
		}
		acc = acc_after(x, acc);
		sub_cont = x->lvl_next >= 0 ? (struct lb_frame){ x->lvl_next, acc, cont } : *cont;
		lit = test(R, x, acc);
		known = lit_known(R->path, R->depth, &lit);
		for (int way = 1; way >= 0 && !R->err; way--) {
			const struct lb_to *to = way ? &x->t : &x->f;
			bool sub = way ? x->t_sub : x->f_sub;
			bool rest;

			if (known == !way || (!to->act && to->blk < 0))
				continue;
			/* falling through the level's end with another word in A than expected */
			rest = !to->act && !sub && x->lvl_next < 0 &&
			       !acc_eq(acc_after(&G->v[to->blk], acc),
				       acc_after(&G->v[to->blk], cont->acc));
			if (!to->act && !sub && !rest)
				continue; /* read after this block, or after its level */
			lit.t = way;
			if (R->depth == sizeof(R->path) / sizeof(R->path[0])) {
				R->err = -ENOTSUP;
				return;
			}
			R->path[R->depth++] = lit;
			if (to->act)
				R->err = lt_path_push(R->out, R->arch32, R->path, R->depth,
						      to->action, G->src[b][way]);
			else if (sub)
				read_lvl(R, to->blk, acc, &sub_cont);
			else
				read_rest(R, to->blk, acc, cont->up);
			R->depth--;
		}
	}
}

/* The blocks of every tree laid out so far in one filter: libseccomp's hash table. */
struct policy_lsc_layout {
	struct lb_gen G;
};

struct policy_lsc_layout *policy_lsc_layout_new(void)
{
	return calloc(1, sizeof(struct policy_lsc_layout));
}

void policy_lsc_layout_free(struct policy_lsc_layout *L)
{
	if (L)
		free(L->G.v), free(L->G.slot), free(L->G.src);
	free(L);
}

/*
 * The blocks of the tree whose top level is top's, laid out after those L has: the head's. The
 * bound on new blocks is a tree's (a filter's trees add up to the policy's size); a tree too
 * large leaves its blocks unplaced, and the next tree goes on.
 */
static int place(struct policy_lsc_layout *L, const struct lt_node *top)
{
	struct lb_to head;

	L->G.budget = 1U << 16;
	L->G.err = 0;
	/* _gen_bpf_syscall: the syscall number in A, the default action after the last node */
	head = gen_level(&L->G, top, (struct lb_acc){ -1, UINT32_MAX },
			 (struct lb_to){ -1, false, 0, 0 });
	if (L->G.err)
		return L->G.err;
	if (head.blk < 0)
		return -ENOTSUP;
	if (!L->G.v[head.blk].placed) {
		L->G.v[head.blk].placed = true;
		lay_out(&L->G, head.blk);
	}
	return head.blk;
}

int lt_bpf_place(struct policy_lsc_layout *L, const struct lt_node *top)
{
	int head = place(L, top);

	return head < 0 ? head : 0;
}

int lt_bpf_read(struct policy_lsc_layout *L, const struct lt_node *top, bool arch32, uint32_t dflt,
		struct policy_lsc_rules *out)
{
	struct policy_lsc_layout *own = L ? NULL : policy_lsc_layout_new();
	struct lb_run R = { .out = out, .arch32 = arch32, .dflt = dflt, .budget = 1U << 16 };
	struct lb_frame end = { -1, { -1, UINT32_MAX }, NULL };
	bool *seen = NULL;
	int head, err;

	if (!L && !(L = own))
		return -ENOMEM;
	R.G = &L->G;
	head = err = place(L, top);
	if (head >= 0 && !(seen = calloc(L->G.n, sizeof(*seen))))
		err = -ENOMEM;
	else if (head >= 0)
		err = 0;
	if (!err && any_stale(&L->G, head, seen)) {
		read_lvl(&R, head, end.acc, &end);
		err = R.err ? R.err : 1;
	}
	free(seen);
	policy_lsc_layout_free(own);
	return err;
}
