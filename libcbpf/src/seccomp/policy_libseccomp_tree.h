/* SPDX-License-Identifier: MIT */
/*
 * libseccomp's argument tree as policy_libseccomp_tree.c rebuilds it, for the reader of the
 * filter libseccomp generates from it (policy_libseccomp_bpf.c). Private to those two files.
 */
#ifndef CBPF_POLICY_LIBSECCOMP_TREE_H
#define CBPF_POLICY_LIBSECCOMP_TREE_H

#include "seccomp/policy_ir.h"

/* One node: a test of one 32-bit word (an argument's high or low half), and its two ways on. */
struct lt_node {
	unsigned arg;
	bool hi;
	enum cbpf_cmp op;      /* EQ, MASKED_EQ, GT, GE: what the filter tests */
	enum cbpf_cmp op_orig; /* the rule's operator: orders the level */
	uint32_t mask, datum;
	uint64_t full; /* the rule's whole value */
	bool has_t, has_f;
	uint32_t act_t, act_f;
	size_t src_t, src_f;	   /* the rule each action came from */
	struct lt_node *prv, *nxt; /* the level */
	struct lt_node *t, *f;	   /* the sub-levels */
	unsigned ref;
};

/* One test a path made: (word & mask) op datum, the word arg * 2 + hi, and which way it went. */
struct lt_lit {
	int word;
	uint32_t mask, datum;
	enum cbpf_cmp op;
	bool t;
};

/*
 * (policy_libseccomp_tree.c) Appends to out the rule "path[0..depth) all hold: action", its
 * tests turned into conditions on whole arguments (32-bit ones when arch32; an order on a
 * masked word, or on a low word whose high word the path has not fixed, as an order with a
 * mask within one half), unless no call takes the path. 0, -ENOTSUP (more than 64 tests),
 * -ENOMEM.
 */
int lt_path_push(struct policy_lsc_rules *out, bool arch32, const struct lt_lit *path, size_t depth,
		 uint32_t action, size_t src);
/* (the same) The test made earlier on path[0..depth) that x repeats: the way it went, else -1. */
int lt_path_known(const struct lt_lit *path, size_t depth, const struct lt_lit *x);

/*
 * (policy_libseccomp_bpf.c) The tree whose top level is top's, read as libseccomp 2.5.4's BPF
 * runs it, where that differs from the tree: ordered rules as the tree's reading gives them,
 * each test made on the word the accumulator really holds there, and where a sub-level falls
 * through with another word in it than the next node's test assumes, every path from there to
 * its end (the default action, dflt, too). Its blocks are laid out after those of L (trees of
 * the same filter, of any syscall, that libseccomp lays out first; NULL: none). out->stale says
 * where a test changed. 1: rules appended to out; 0: that BPF tests every node's own word, out
 * untouched (read the tree); -ENOTSUP: too many blocks or paths; -ENOMEM.
 */
int lt_bpf_read(struct policy_lsc_layout *L, const struct lt_node *top, bool arch32, uint32_t dflt,
		struct policy_lsc_rules *out);
/* (the same) The tree's blocks added to L and laid out, as those of a tree read later. 0 or
 * -ENOTSUP, -ENOMEM. */
int lt_bpf_place(struct policy_lsc_layout *L, const struct lt_node *top);

#endif
