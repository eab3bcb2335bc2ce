// SPDX-License-Identifier: MIT
/*
 * libseccomp's argument tree rebuilt, for overlapping rules of one syscall: the action runc's
 * filter gives each call, as ordered rules.
 *
 * runc adds a profile's rules in file order (seccomp_rule_add_array), and libseccomp 2.5.4 merges
 * each into one tree per syscall and architecture (src/db.c: db_rule_add, _db_rule_gen_64 and
 * _gen_32, _db_tree_prune, _db_tree_add). Where two rules with different actions overlap, the
 * action a call gets is whatever that tree says, which depends on how nodes are ordered on a
 * level (by argument, high word first, then operator and value, not by file order) and on what
 * pruning and merging dropped. This file replays those steps on a model of the tree, reference
 * counts and all (they decide which nodes a prune frees), then reads the tree as the filter
 * libseccomp generates from it does (src/gen_bpf.c: _gen_bpf_chain): the nodes of a level are
 * tried in order; a branch with an action returns it, one with a sub-level descends, and a
 * sub-level that returns nothing, or a branch with neither, goes on to the next node of the
 * level, the last one to the level above, the top level's to the default action. That reading
 * is a list of conjunctions tried in order, one per branch with an action, depth first. Where
 * libseccomp's BPF does not test the word a node names (its accumulator, gen_bpf.c), the tree
 * is read as that BPF runs instead (policy_libseccomp_bpf.c): the kernel runs the BPF.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/policy_libseccomp_tree.h"

/*
 * The nodes made while reading one syscall's rules, all freed at the end (a node libseccomp
 * frees is only unlinked here), and a bound on the steps: libseccomp 2.5.4 never finishes adding
 * some rule sets, and a model that follows it must stop.
 */
struct lt_tree {
	struct lt_node **all;
	size_t n, cap;
	size_t left;
	bool spent;
	bool cycle;	    /* a level's links came round: libseccomp walks them for ever */
	unsigned add_freed; /* nodes tree_add freed replacing a sub-tree by an action */
};

static bool spent(struct lt_tree *T)
{
	if (!T->spent && !T->left--)
		T->spent = true;
	return T->spent;
}

/*
 * A syscall's entry: no tree (an unconditional action) or a tree; its node count and priority
 * as db.c keeps them (they order the syscalls in gen_bpf.c, and so the layout of shared blocks).
 */
struct lt_sys {
	bool exists;
	struct lt_node *chains;
	uint32_t action;
	size_t src;
	unsigned node_cnt;
	uint32_t prio;
};

/* The flags of a prune's walk (db.c's struct db_iter_state). */
enum {
	IST_MATCH = 0x1,
	IST_MATCH_ONCE = 0x2,
	IST_X_FINISHED = 0x10,
	IST_N_FINISHED = 0x20,
	IST_X_PREFIX = 0x100,
	IST_N_PREFIX = 0x200,
	IST_MATCHSET = IST_MATCH | IST_MATCH_ONCE,
	IST_REDUNDANT = IST_MATCH | IST_X_FINISHED | IST_N_PREFIX,
};

struct lt_walk {
	unsigned flags;
	uint32_t action;
	struct lt_sys *sys;
};

static struct lt_node *get(struct lt_node *n)
{
	if (n)
		n->ref++;
	return n;
}

static unsigned put(struct lt_tree *T, struct lt_node **np);

static unsigned level_prio(const struct lt_node *n)
{
	return n->arg * 2 + n->hi;
}

static unsigned op_prio(enum cbpf_cmp op)
{
	switch (op) {
	case CBPF_CMP_EQ:
	case CBPF_CMP_NE:
	case CBPF_CMP_MASKED_EQ:
		return 3;
	case CBPF_CMP_LT:
	case CBPF_CMP_LE:
		return 2;
	case CBPF_CMP_GT:
	case CBPF_CMP_GE:
		return 1;
	default:
		return 0;
	}
}

/* db.c _db_chain_lt: a node less than another goes after it on a level. */
static bool node_lt(const struct lt_node *a, const struct lt_node *b)
{
	if (level_prio(a) != level_prio(b))
		return level_prio(a) < level_prio(b);
	if (op_prio(a->op_orig) != op_prio(b->op_orig))
		return op_prio(a->op_orig) < op_prio(b->op_orig);
	if (a->op_orig == CBPF_CMP_LT || a->op_orig == CBPF_CMP_LE)
		return a->datum > b->datum; /* smaller values first */
	return a->datum < b->datum;
}

static bool node_eq(const struct lt_node *a, const struct lt_node *b)
{
	return level_prio(a) == level_prio(b) && a->op == b->op && a->datum == b->datum &&
	       a->mask == b->mask;
}

static bool node_leaf(const struct lt_node *n)
{
	return !n->t && !n->f;
}

static bool node_zombie(const struct lt_node *n)
{
	return node_leaf(n) && !n->has_t && !n->has_f;
}

/*
 * The first node of n's level. db.c walks back to it with nothing but the end to stop it
 * (_db_level_clean, _db_tree_remove, _db_tree_prune...): where the links back come round
 * (a node of a chain linked into two levels by _db_tree_add), it walks for ever, and so, for
 * certain, does libseccomp. Found by Brent's method, in steps as many as the walk's.
 */
static struct lt_node *level_first(struct lt_tree *T, struct lt_node *n)
{
	struct lt_node *mark = n;
	size_t len = 0, power = 1;

	while (n->prv && !spent(T)) {
		n = n->prv;
		if (n == mark) {
			T->cycle = T->spent = true;
			break;
		}
		if (++len == power)
			mark = n, power *= 2, len = 0;
	}
	return n;
}

/* Frees a level that only its own members still point to. Nodes freed. */
static unsigned level_clean(struct lt_tree *T, struct lt_node *n)
{
	unsigned cnt = 0;
	struct lt_node *start = level_first(T, n);

	for (n = start; n && !spent(T); n = n->nxt)
		if (n->ref > (unsigned)!!n->prv + !!n->nxt)
			return 0;
	n = start;
	while (n && !spent(T))
		cnt += put(T, &n);
	return cnt;
}

static unsigned tree_put(struct lt_tree *T, struct lt_node **tree)
{
	unsigned cnt = put(T, tree);

	if (*tree)
		cnt += level_clean(T, *tree);
	return cnt;
}

/*
 * Drops a reference; the last one frees the node and what hangs below it, and closes its level
 * (*np then points to a neighbour). Nodes freed.
 */
static unsigned put(struct lt_tree *T, struct lt_node **np)
{
	struct lt_node *n = *np, *p, *x, *t, *f;
	unsigned cnt = 0;

	if (!n || spent(T) || --n->ref)
		return 0;
	p = n->prv, x = n->nxt, t = n->t, f = n->f;
	if (p)
		p->nxt = NULL;
	if (x)
		x->prv = NULL;
	if (p)
		cnt += put(T, &p);
	if (x)
		cnt += put(T, &x);
	if (p)
		p->nxt = get(x);
	if (x)
		x->prv = get(p);
	*np = p ? p : x;
	cnt += tree_put(T, &t);
	cnt += tree_put(T, &f);
	n->prv = n->nxt = n->t = n->f = NULL; /* freed in libseccomp: T->all frees it */
	return cnt + 1;
}

/* db.c _db_tree_remove: node taken out wherever it is below *tree, zombies met on the way too. */
static unsigned tree_remove(struct lt_tree *T, struct lt_node **tree, struct lt_node *node)
{
	unsigned cnt = 0;
	struct lt_node *c;

	if (!tree || !*tree || !node)
		return 0;
	c = level_first(T, *tree);
	for (;;) {
		if (spent(T))
			return cnt;
		if (c == node)
			break;
		cnt += tree_remove(T, &c->t, node);
		cnt += tree_remove(T, &c->f, node);
		if (node_zombie(c))
			break;
		c = c->nxt;
		if (!c || cnt)
			return cnt;
	}
	if (c == *tree)
		*tree = c->prv ? c->prv : c->nxt;
	if (c->prv)
		c->prv->nxt = c->nxt;
	if (c->nxt)
		c->nxt->prv = c->prv;
	c->prv = c->nxt = NULL;
	return cnt + put(T, &c);
}

/* Whether every action in the tree below is action (db.c _db_tree_act_check). */
static bool acts_all(struct lt_tree *T, struct lt_node *tree, uint32_t action)
{
	if (!tree)
		return true;
	for (struct lt_node *c = level_first(T, tree); c && !spent(T); c = c->nxt) {
		if ((c->has_t && c->act_t != action) || (c->has_f && c->act_f != action))
			return false;
		if (!acts_all(T, c->t, action) || !acts_all(T, c->f, action))
			return false;
	}
	return true;
}

/* Descends one way of a prune; returns whether it matched (the caller then stops or not). */
static bool prune_down(struct lt_tree *T, struct lt_node **x, struct lt_node **xsub,
		       struct lt_node *nsub, const struct lt_walk *w, unsigned clear, unsigned set,
		       struct lt_walk *acc, unsigned *cnt);

/* db.c _db_tree_prune: parts of the existing tree the new rule makes redundant, removed. */
static unsigned prune(struct lt_tree *T, struct lt_node **existing, struct lt_node *nw,
		      struct lt_walk *w)
{
	unsigned cnt = 0;
	struct lt_walk now = *w;
	struct lt_node *x = *existing, *x_next;

	if (!nw || !x)
		goto out;
	if ((w->flags & IST_MATCHSET) == IST_MATCH_ONCE)
		goto out;
	x = level_first(T, x);
	do {
		if (spent(T))
			goto out;
		x_next = x->nxt;
		if (node_eq(x, nw)) {
			bool acts;

			now.flags |= IST_MATCHSET;
			if (node_leaf(nw))
				now.flags |= IST_N_FINISHED;
			if (node_leaf(x))
				now.flags |= IST_X_FINISHED;
			if ((x->has_t || x->t) && !(nw->has_t || nw->t))
				goto out;
			if ((x->has_f || x->f) && !(nw->has_f || nw->f))
				goto out;
			if ((now.flags & IST_N_FINISHED) && (now.flags & IST_X_FINISHED) &&
			    (nw->has_t != x->has_t || nw->act_t != x->act_t ||
			     nw->has_f != x->has_f || nw->act_f != x->act_f))
				goto out;
			if (nw->t) {
				prune_down(T, &x, &x->t, nw->t, w, 0, IST_MATCHSET, &now, &cnt);
				if (!x)
					goto next;
			}
			if (nw->f) {
				prune_down(T, &x, &x->f, nw->f, w, 0, IST_MATCHSET, &now, &cnt);
				if (!x)
					goto next;
			}
			acts = acts_all(T, x, now.action);
			if (acts && (now.flags & IST_MATCH) && (now.flags & IST_N_FINISHED) &&
			    (now.flags & IST_X_PREFIX)) {
				/* the new rule is shorter: the existing branch goes */
				cnt += tree_remove(T, &w->sys->chains, x);
				if (!w->sys->chains)
					goto out;
			} else if (acts && (now.flags & IST_MATCH) &&
				   (now.flags & IST_X_FINISHED) && (now.flags & IST_N_PREFIX)) {
				goto out;
			}
		} else if (node_lt(x, nw)) {
			if (w->flags & IST_N_PREFIX)
				goto out;
			if (x->t) {
				if (prune_down(T, &x, &x->t, nw, w, IST_MATCH, IST_X_PREFIX, &now,
					       &cnt))
					goto out;
				if (!x)
					goto next;
			}
			if (x->f) {
				if (prune_down(T, &x, &x->f, nw, w, IST_MATCH, IST_X_PREFIX, &now,
					       &cnt))
					goto out;
				if (!x)
					goto next;
			}
		} else {
			if (w->flags & IST_X_PREFIX)
				goto out;
			if (nw->t) {
				if (prune_down(T, &x, &x, nw->t, w, IST_MATCH, IST_N_PREFIX, &now,
					       &cnt))
					goto out;
				if (!x)
					goto next;
			}
			if (nw->f) {
				if (prune_down(T, &x, &x, nw->f, w, IST_MATCH, IST_N_PREFIX, &now,
					       &cnt))
					goto out;
				if (!x)
					goto next;
			}
		}
	next:
		x = x_next;
	} while (x);
	now.flags &= ~IST_MATCH;
out:
	if (now.flags & IST_MATCH)
		w->flags |= now.flags;
	else
		w->flags &= ~IST_MATCH;
	return cnt;
}

static bool prune_down(struct lt_tree *T, struct lt_node **x, struct lt_node **xsub,
		       struct lt_node *nsub, const struct lt_walk *w, unsigned clear, unsigned set,
		       struct lt_walk *acc, unsigned *cnt)
{
	struct lt_walk sub = *w;
	bool matched;

	/* a reference held while below, as the sub-tree may go */
	get(*x);
	sub.flags = (sub.flags & ~clear) | set;
	*cnt += prune(T, xsub, nsub, &sub);
	*cnt += put(T, x);
	matched = sub.flags & IST_MATCH;
	if (matched)
		acc->flags |= sub.flags;
	return matched;
}

/* db.c _db_tree_add: the new rule's chain merged into the tree. 0 or -EEXIST. */
static int tree_add(struct lt_tree *T, struct lt_node **existing, struct lt_node *nw)
{
	struct lt_node *x = *existing;
	int rc;

	do {
		if (spent(T))
			return -ELOOP;
		if (node_eq(x, nw)) {
			if (nw->has_t) {
				if (!x->has_t) {
					if (!acts_all(T, x->t, nw->act_t))
						return -EEXIST;
					T->add_freed += put(T, &x->t);
					x->t = NULL;
					x->act_t = nw->act_t, x->src_t = nw->src_t;
					x->has_t = true;
				} else if (nw->act_t != x->act_t) {
					/* libseccomp's GT/GE fix-up on the high word */
					if (nw->hi && nw->full > x->full)
						x->act_t = nw->act_t, x->src_t = nw->src_t;
					if (node_leaf(x) || node_leaf(nw))
						return -EEXIST;
				}
			}
			if (nw->has_f) {
				if (!x->has_f) {
					if (!acts_all(T, x->f, nw->act_f))
						return -EEXIST;
					T->add_freed += put(T, &x->f);
					x->f = NULL;
					x->act_f = nw->act_f, x->src_f = nw->src_f;
					x->has_f = true;
				} else if (nw->act_f != x->act_f) {
					/* its LT/LE twin, which sets the true action (sic) */
					if (nw->hi && nw->full < x->full)
						x->act_t = nw->act_t, x->src_t = nw->src_t;
					if (node_leaf(x) || node_leaf(nw))
						return -EEXIST;
				}
			}
			if (nw->t) {
				if (x->t) {
					if ((rc = tree_add(T, &x->t, nw->t)))
						return rc;
				} else if (!x->has_t) {
					x->t = get(nw->t);
				} else {
					return 0; /* the existing tree is shorter */
				}
			}
			if (nw->f) {
				if (x->f) {
					if ((rc = tree_add(T, &x->f, nw->f)))
						return rc;
				} else if (!x->has_f) {
					x->f = get(nw->f);
				} else {
					return 0;
				}
			}
			return 0;
		}
		if (!node_lt(x, nw)) {
			if (!x->nxt) {
				nw->prv = get(x);
				x->nxt = get(nw);
				return 0;
			}
			x = x->nxt;
			continue;
		}
		/* nw goes before x */
		if (x->prv) {
			x->prv->nxt = get(nw);
			nw->prv = x->prv;
			x->prv = get(nw);
			nw->nxt = x;
		} else {
			x->prv = get(nw);
			nw->nxt = get(x);
		}
		if (*existing == x) {
			*existing = get(nw);
			put(T, &x);
		}
		return 0;
	} while (x);
	return 0;
}

static struct lt_node *node_new(struct lt_tree *T, unsigned arg, bool hi, enum cbpf_cmp op,
				enum cbpf_cmp op_orig, uint32_t mask, uint32_t datum, uint64_t full)
{
	struct lt_node *n = calloc(1, sizeof(*n));

	if (n && T->n == T->cap) {
		size_t cap = T->cap ? 2 * T->cap : 64;
		struct lt_node **all = realloc(T->all, cap * sizeof(*all));

		if (!all) {
			free(n);
			return NULL;
		}
		T->all = all, T->cap = cap;
	}
	if (n)
		T->all[T->n++] = n;
	if (n)
		*n = (struct lt_node){ .arg = arg,
				       .hi = hi,
				       .op = op,
				       .op_orig = op_orig,
				       .mask = mask,
				       .datum = datum & mask,
				       .full = full };
	return n;
}

static void set_act(struct lt_node *n, bool branch, uint32_t action, size_t src)
{
	if (branch)
		n->has_t = true, n->act_t = action, n->src_t = src;
	else
		n->has_f = true, n->act_f = action, n->src_f = src;
}

/*
 * A rule as libseccomp's chain for it (db.c _db_rule_gen_64, _gen_32): conditions by argument
 * number; on a 64-bit architecture each compares the high word, then the low one. *chain NULL:
 * no condition. 0, -ENOMEM, or -ENOTSUP (an argument named twice, an operator JSON lacks).
 */
static int chain_new(struct lt_tree *T, const struct cbpf_policy_rule *r, size_t src, bool arch32,
		     struct lt_node **chain)
{
	const struct cbpf_policy_cond *by_arg[6] = { 0 };
	struct lt_node *prev[3] = { 0 }, *cur[3] = { 0 };
	enum cbpf_cmp prev_op = CBPF_CMP_EQ;
	bool prev_t = true;

	*chain = NULL;
	for (size_t c = 0; c < r->n_conds; c++) {
		if (r->conds[c].arg > 5 || by_arg[r->conds[c].arg] ||
		    r->conds[c].op == CBPF_CMP_MASKED_NE)
			return -ENOTSUP;
		by_arg[r->conds[c].arg] = &r->conds[c];
	}
	for (unsigned a = 0; a < 6; a++) {
		const struct cbpf_policy_cond *c = by_arg[a];
		uint64_t mask, v;
		enum cbpf_cmp op;

		if (!c)
			continue;
		op = c->op;
		mask = op == CBPF_CMP_MASKED_EQ ? c->mask : UINT64_MAX;
		v = c->value;
		if (op == CBPF_CMP_MASKED_EQ && !(uint32_t)mask && (arch32 || !(mask >> 32)))
			continue; /* a test that always holds makes no node */
		memset(cur, 0, sizeof(cur));
		if (arch32) {
			enum cbpf_cmp t = op == CBPF_CMP_NE   ? CBPF_CMP_EQ
					  : op == CBPF_CMP_LT ? CBPF_CMP_GE
					  : op == CBPF_CMP_LE ? CBPF_CMP_GT
							      : op;

			if (!(cur[0] =
				      node_new(T, a, false, t, op, (uint32_t)mask, (uint32_t)v, v)))
				goto nomem;
			if (prev[0] && prev_t)
				prev[0]->t = get(cur[0]);
			else if (prev[0])
				prev[0]->f = get(cur[0]);
			else
				*chain = get(cur[0]);
			prev_t = t == op;
			prev[0] = cur[0];
			prev_op = op;
			continue;
		}
		if (op == CBPF_CMP_EQ || op == CBPF_CMP_NE || op == CBPF_CMP_MASKED_EQ) {
			enum cbpf_cmp t = op == CBPF_CMP_MASKED_EQ ? op : CBPF_CMP_EQ;

			cur[0] = node_new(T, a, true, t, op, (uint32_t)(mask >> 32),
					  (uint32_t)(v >> 32), v);
			cur[1] = node_new(T, a, false, t, op, (uint32_t)mask, (uint32_t)v, v);
			if (!cur[0] || !cur[1])
				goto nomem;
			cur[0]->t = get(cur[1]);
		} else {
			cur[0] = node_new(T, a, true, CBPF_CMP_GT, op, UINT32_MAX,
					  (uint32_t)(v >> 32), v);
			cur[1] = node_new(T, a, true, CBPF_CMP_EQ, op, UINT32_MAX,
					  (uint32_t)(v >> 32), v);
			cur[2] = node_new(T, a, false,
					  op == CBPF_CMP_GT || op == CBPF_CMP_LE ? CBPF_CMP_GT
										 : CBPF_CMP_GE,
					  op, UINT32_MAX, (uint32_t)v, v);
			if (!cur[0] || !cur[1] || !cur[2])
				goto nomem;
			cur[0]->f = get(cur[1]);
			cur[1]->t = get(cur[2]);
		}
		if (!prev[0]) {
			*chain = get(cur[0]);
		} else if (prev_op == CBPF_CMP_GT || prev_op == CBPF_CMP_GE) {
			prev[0]->t = get(cur[0]);
			prev[2]->t = get(cur[0]);
		} else if (prev_op == CBPF_CMP_EQ || prev_op == CBPF_CMP_MASKED_EQ) {
			prev[1]->t = get(cur[0]);
		} else if (prev_op == CBPF_CMP_LT || prev_op == CBPF_CMP_LE) {
			prev[1]->f = get(cur[0]);
			prev[2]->f = get(cur[0]);
		} else {
			prev[0]->f = get(cur[0]);
			prev[1]->f = get(cur[0]);
		}
		memcpy(prev, cur, sizeof(prev));
		prev_op = op;
	}
	if (!prev[0])
		return 0;
	if (arch32) {
		set_act(prev[0], prev_t, r->action, src);
	} else if (prev_op == CBPF_CMP_GT || prev_op == CBPF_CMP_GE) {
		set_act(prev[0], true, r->action, src);
		set_act(prev[2], true, r->action, src);
	} else if (prev_op == CBPF_CMP_LT || prev_op == CBPF_CMP_LE) {
		set_act(prev[1], false, r->action, src);
		set_act(prev[2], false, r->action, src);
	} else if (prev_op == CBPF_CMP_NE) {
		set_act(prev[0], false, r->action, src);
		set_act(prev[1], false, r->action, src);
	} else {
		set_act(prev[1], true, r->action, src);
	}
	return 0;
nomem:
	return -ENOMEM;
}

/* db.c db_rule_add's priority: the user's bits kept (none from runc), fewer nodes first. */
static void sys_prio(struct lt_sys *sys)
{
	sys->prio = (sys->prio & ~0xffffU) | (uint32_t)(0xffffU - sys->node_cnt);
}

/* db.c db_rule_add, for one syscall. 0, -EEXIST (libseccomp refuses the rule), -ENOMEM. */
static int sys_add(struct lt_tree *T, struct lt_sys *sys, const struct cbpf_policy_rule *r,
		   size_t src, bool arch32)
{
	struct lt_node *chain;
	struct lt_walk w;
	bool removed = false;
	size_t made = T->n;
	unsigned cnt;
	int rc = chain_new(T, r, src, arch32, &chain);

	if (rc)
		return rc;
	cnt = (unsigned)(T->n - made);
	if (!sys->exists) {
		*sys = (struct lt_sys){ true, chain, r->action, src, cnt, 0xffffU - cnt };
		return 0;
	}
again:
	if (!sys->chains) {
		if (removed) {
			sys->chains = chain, sys->action = r->action, sys->src = src;
			sys->node_cnt = cnt, sys->prio = 0xffffU - cnt; /* the new entry's */
		} else {
			tree_put(T, &chain); /* an unconditional action stays */
		}
		sys_prio(sys);
		return 0;
	}
	if (!chain) {
		tree_put(T, &sys->chains);
		sys->chains = NULL, sys->action = r->action, sys->src = src;
		sys->node_cnt = 0;
		sys_prio(sys);
		return 0;
	}
	w = (struct lt_walk){ 0, r->action, sys };
	if ((rc = (int)prune(T, &sys->chains, chain, &w)) > 0) {
		removed = true;
		sys->node_cnt -= (unsigned)rc;
		if (!sys->chains)
			goto again;
	} else if ((w.flags & IST_REDUNDANT) == IST_REDUNDANT) {
		tree_put(T, &chain);
		sys_prio(sys);
		return 0;
	}
	T->add_freed = 0;
	rc = tree_add(T, &sys->chains, chain);
	sys->node_cnt += cnt - T->add_freed;
	sys->node_cnt -= tree_put(T, &chain);
	sys_prio(sys);
	return rc;
}

/* ---------------------------------------------------------------- reading the tree */

struct lt_read {
	struct policy_lsc_rules *out;
	struct lt_tree *T;
	bool arch32;
	struct lt_lit path[64];
	size_t depth, budget;
	int err;
};

/*
 * The path's conjunction as conditions on whole arguments, conds[0..*n): 0, or 1 when no call
 * takes the path. An order that libseccomp's BPF makes on a word no plain condition names
 * alone (a masked word, a low word whose high word the path has not fixed) is an order on the
 * argument's bits in that half (struct cbpf_policy_cond's mask).
 */
static int path_conds(bool arch32, const struct lt_lit *path, size_t depth,
		      struct cbpf_policy_cond *conds, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < depth; i++) {
		const struct lt_lit *x = &path[i];
		unsigned arg = (unsigned)x->word / 2;
		bool hi = x->word & 1, found = arch32, gt = x->op == CBPF_CMP_GT;
		struct cbpf_policy_cond c = { .arg = arg, .mask = UINT64_MAX };
		uint64_t shift = hi ? 32 : 0, base = 0;

		if (x->op == CBPF_CMP_EQ || x->op == CBPF_CMP_MASKED_EQ) {
			c.op = x->t ? CBPF_CMP_MASKED_EQ : CBPF_CMP_MASKED_NE;
			c.mask = (uint64_t)x->mask << shift;
			c.value = (uint64_t)x->datum << shift;
			conds[(*n)++] = c;
			continue;
		}
		if (x->mask == UINT32_MAX && hi) {
			/* hi > d: arg > d:ffffffff; hi >= d: arg >= d:00000000 */
			c.value = (uint64_t)x->datum << 32;
			if (gt)
				c.value |= UINT32_MAX, c.op = x->t ? CBPF_CMP_GT : CBPF_CMP_LE;
			else
				c.op = x->t ? CBPF_CMP_GE : CBPF_CMP_LT;
			conds[(*n)++] = c;
			continue;
		}
		/* an order on the low word is one on the argument where the path fixed the high
		 * word */
		for (size_t j = 0; j < depth && !found && x->mask == UINT32_MAX; j++) {
			const struct lt_lit *y = &path[j];

			if (y->word == x->word + 1 && y->t && y->mask == UINT32_MAX &&
			    (y->op == CBPF_CMP_EQ || y->op == CBPF_CMP_MASKED_EQ)) {
				base = (uint64_t)y->datum << 32;
				found = true;
			}
		}
		if (x->mask == UINT32_MAX && found) {
			c.value = base | x->datum;
			if (gt)
				c.op = x->t ? CBPF_CMP_GT : CBPF_CMP_LE;
			else
				c.op = x->t ? CBPF_CMP_GE : CBPF_CMP_LT;
			conds[(*n)++] = c;
			continue;
		}
		if (!x->mask) { /* 0 > d never holds, 0 >= d only for d 0 */
			if (x->t != (!gt && !x->datum))
				return 1;
			continue;
		}
		c.op = gt ? x->t ? CBPF_CMP_GT : CBPF_CMP_LE : x->t ? CBPF_CMP_GE : CBPF_CMP_LT;
		c.mask = (uint64_t)x->mask << shift;
		c.value = (uint64_t)x->datum << shift;
		conds[(*n)++] = c;
	}
	return 0;
}

static int out_push(struct policy_lsc_rules *out, uint32_t action, size_t src,
		    const struct cbpf_policy_cond *conds, size_t n)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 8;
		struct policy_lsc_rule *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->v = v, out->cap = cap;
	}
	out->v[out->n] = (struct policy_lsc_rule){ action, src, n, NULL };
	if (n && !(out->v[out->n].conds = malloc(n * sizeof(*conds))))
		return -ENOMEM;
	if (n)
		memcpy(out->v[out->n].conds, conds, n * sizeof(*conds));
	out->n++;
	return 0;
}

int lt_path_push(struct policy_lsc_rules *out, bool arch32, const struct lt_lit *path, size_t depth,
		 uint32_t action, size_t src)
{
	struct cbpf_policy_cond conds[64];
	size_t nc;
	int err;

	if (depth > sizeof(conds) / sizeof(conds[0]))
		return -ENOTSUP;
	if ((err = path_conds(arch32, path, depth, conds, &nc)))
		return err == 1 ? 0 : err;
	return out_push(out, action, src, conds, nc);
}

int lt_path_known(const struct lt_lit *path, size_t depth, const struct lt_lit *x)
{
	for (size_t i = 0; i < depth; i++) {
		const struct lt_lit *y = &path[i];

		if (y->word == x->word && y->mask == x->mask && y->op == x->op &&
		    y->datum == x->datum)
			return y->t;
	}
	return -1;
}

/*
 * The level of n and what hangs below it, depth first: each branch with an action is a rule
 * (the tests from the top down to it), in this order. Each node tests its own word, as
 * libseccomp's own reading of the tree does (seccomp_export_pfc): the first of these rules a
 * call meets is what the tree gives it, as a sub-level that returns nothing passes on to the
 * next node, whose rules come next. (Where libseccomp's BPF tests another word at such a next
 * node, policy_libseccomp_bpf.c reads the tree instead.)
 */
static void read_level(struct lt_read *rd, const struct lt_node *n)
{
	while (n->prv && !spent(rd->T))
		n = n->prv;
	for (; n && !rd->err; n = n->nxt) {
		struct lt_lit lit = { (int)(n->arg * 2 + n->hi), n->mask, n->datum, n->op, true };
		int known = lt_path_known(rd->path, rd->depth, &lit);

		if (!rd->budget-- || rd->T->spent) {
			rd->err = -ENOTSUP;
			return;
		}
		for (int b = 1; b >= 0 && !rd->err; b--) {
			const struct lt_node *sub = b ? n->t : n->f;
			bool has = b ? n->has_t : n->has_f;

			/* a test made before on this path goes the same way */
			if (known == !b || (!sub && !has))
				continue;
			if (rd->depth == sizeof(rd->path) / sizeof(rd->path[0])) {
				rd->err = -ENOTSUP;
				return;
			}
			lit.t = b;
			rd->path[rd->depth++] = lit;
			if (sub)
				read_level(rd, sub);
			else
				rd->err = lt_path_push(rd->out, rd->arch32, rd->path, rd->depth,
						       b ? n->act_t : n->act_f,
						       b ? n->src_t : n->src_f);
			rd->depth--;
		}
	}
}

void policy_lsc_rules_free(struct policy_lsc_rules *out)
{
	for (size_t i = 0; out && i < out->n; i++)
		free(out->v[i].conds);
	if (out)
		free(out->v);
}

/* The tree of rules[0..n) in sys; 0, -EEXIST (*refused set), -ELOOP, -ENOMEM. */
static int tree_build(struct lt_tree *T, struct lt_sys *sys,
		      const struct cbpf_policy_rule *const *rules, size_t n, bool arch32,
		      size_t *refused)
{
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		err = sys_add(T, sys, rules[i], i, arch32);
		if (err == -EEXIST)
			*refused = i;
	}
	return !err && T->spent ? -ELOOP : err;
}

static void tree_free(struct lt_tree *T)
{
	for (size_t i = 0; i < T->n; i++)
		free(T->all[i]);
	free(T->all);
}

/* A syscall's tree kept for the layout of a filter's blocks. */
struct policy_lsc_tree {
	struct lt_tree T;
	struct lt_sys sys;
};

int policy_lsc_tree_new(const struct cbpf_policy_rule *const *rules, size_t n, bool arch32,
			struct policy_lsc_tree **out, uint32_t *prio)
{
	struct policy_lsc_tree *t = calloc(1, sizeof(*t));
	size_t refused;
	int err;

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->T.left = (size_t)1 << 22;
	err = tree_build(&t->T, &t->sys, rules, n, arch32, &refused);
	if (!err && t->sys.chains) {
		*prio = t->sys.prio;
		*out = t;
		return 1;
	}
	policy_lsc_tree_free(t);
	return err;
}

int policy_lsc_tree_place(struct policy_lsc_tree *t, struct policy_lsc_layout *lay)
{
	return lt_bpf_place(lay, t->sys.chains);
}

void policy_lsc_tree_free(struct policy_lsc_tree *t)
{
	if (t)
		tree_free(&t->T);
	free(t);
}

int policy_lsc_resolve(const struct cbpf_policy_rule *const *rules, size_t n, bool arch32,
		       uint32_t dflt, struct policy_lsc_layout *lay, struct policy_lsc_rules *out)
{
	struct lt_tree tree = { .left = (size_t)1 << 22 }, *T = &tree;
	struct lt_sys sys = { 0 };
	struct lt_read rd = { .out = out, .T = T, .arch32 = arch32, .budget = 1U << 16 };
	int err = 0;

	memset(out, 0, sizeof(*out));
	err = tree_build(T, &sys, rules, n, arch32, &out->refused);
	if (!err && !sys.chains)
		err = out_push(out, sys.action, sys.src, NULL, 0);
	else if (!err && !(err = lt_bpf_read(lay, sys.chains, arch32, dflt, out)))
		read_level(&rd, sys.chains), err = rd.err;
	if (err == 1)
		err = 0;
	if (!err && T->spent)
		err = -ELOOP;
	out->cycle = T->cycle;
	tree_free(T);
	if (err) {
		policy_lsc_rules_free(out);
		out->v = NULL, out->n = out->cap = 0;
	}
	return err;
}
