/* SPDX-License-Identifier: MIT */
/* The rule set both policy front ends produce and the code generator reads. Private to libcbpf. */
#ifndef CBPF_POLICY_IR_H
#define CBPF_POLICY_IR_H

#include <stdarg.h>

#include "cbpf/policy.h"
#include "seccomp/arch.h"
#include "util/diag_int.h"

struct cbpf_policy {
	enum cbpf_arch arches[CBPF_ARCH_COUNT]; /* the filter's, the host's first */
	size_t n_arches;
	uint32_t default_action, badarch_action;
	unsigned flags; /* CBPF_SECCOMP_FLAG_*, from a JSON profile's "flags" */
	struct cbpf_policy_rule *rules;
	struct cbpf_policy_cond **conds; /* owned, parallel to rules */
	size_t n_rules, cap_rules;
	char **strings; /* owned: syscall and file names the rules point to */
	size_t n_strings, cap_strings;
	/* @frequency counts (minijail's): how often each syscall is made, summed per name */
	struct policy_freq {
		const char *syscall; /* in strings */
		uint64_t count;
	} * freqs;
	size_t n_freqs, cap_freqs;
};

/* What a front end works with while it reads one policy. */
struct policy_ctx {
	const struct cbpf_policy_opts *opts; /* never NULL here */
	struct cbpf_diags *diags;
	struct cbpf_policy *pol;
	unsigned errors, max_errors;
	int err; /* the first fatal error other than -EINVAL (-ENOMEM, -ENOENT) */
	enum cbpf_arch host;
	bool have_arches; /* the front end set pol->arches */
	bool have_default;
	bool oci; /* a JSON profile: overlapping rules resolved as runc does unless opts->strict */
	/* policy_conflicts.c's, while it runs: the conditions the libseccomp witness may evaluate
	 * for one group (set with lsc_lay, from the groups it walks) */
	uint64_t witness_work;
	/* the blocks of every syscall's tree on every architecture, laid out as libseccomp lays
	 * out its filter, made when a group is first read (lsc_lay_done: tried) */
	struct policy_lsc_layout *lsc_lay;
	bool lsc_lay_done;
};

/* ---------------------------------------------------------------- policy_rules.c */

/* Reports a diagnostic at file:line:col (line 0: none). Errors are counted. */
void policy_diag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		 unsigned col, unsigned len, const char *fmt, ...) CBPF_PRINTF(7, 8);
/* The same with a va_list, for the front ends' own wrappers. */
void policy_vdiag(struct policy_ctx *ctx, enum cbpf_severity sev, const char *file, unsigned line,
		  unsigned col, unsigned len, const char *fmt, va_list ap) CBPF_PRINTF(7, 0);
/* A copy of s owned by the policy, or NULL (ctx->err = -ENOMEM). */
const char *policy_strdup(struct policy_ctx *ctx, const char *s, size_t len);
/* Appends a rule; conds are copied. 0 or -ENOMEM (also recorded in ctx->err). */
int policy_add_rule(struct policy_ctx *ctx, const char *syscall, uint32_t action, bool fallback,
		    const struct cbpf_policy_cond *conds, size_t n_conds, unsigned arch_mask,
		    const char *file, unsigned line, unsigned col);
/* Adds count to syscall's @frequency count. 0 or -ENOMEM (also in ctx->err). */
int policy_add_freq(struct policy_ctx *ctx, const char *syscall, uint64_t count);
/* syscall's @frequency count, 1 when no file names it (as minijail's compiler). */
uint64_t policy_freq(const struct cbpf_policy *pol, const char *syscall);
/* Whether rule applies on arch, and its number there. */
bool policy_rule_nr(const struct cbpf_policy_rule *rule, enum cbpf_arch arch, uint32_t *nr);
/* Adds arch to the filter's architectures unless already there. */
void policy_add_arch(struct cbpf_policy *pol, enum cbpf_arch arch);
/* Whether argument value arg meets c (arch32: as a 32-bit architecture's filter compares). */
bool policy_cond_holds(const struct cbpf_policy_cond *c, uint64_t arg, bool arch32);
/* c with this value and mask, for messages and comments: "arg1 == 0x5", "(arg0 & 0x3) != 0". */
void policy_cond_format(const struct cbpf_policy_cond *c, uint64_t value, uint64_t mask, char *buf,
			size_t size);

/* ---------------------------------------------------------------- the front ends */

/* Fill ctx->pol from src (policy_json.c, policy_text.c). Errors go through policy_diag. */
void policy_json_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file);
void policy_text_parse(struct policy_ctx *ctx, const char *src, size_t len, const char *file);

/* ---------------------------------------------------------------- the checks */

/* (policy_conflicts.c) Checks the rules of every (architecture, syscall) for contradictions. */
void policy_check_conflicts(struct policy_ctx *ctx);
/*
 * (policy_truncation.c) Warns where a condition's constant means something else cut to 32 bits
 * on a 32-bit ABI.
 */
void policy_check_truncation(struct policy_ctx *ctx);

/* ---------------------------------------------------------------- libseccomp's tree */

struct policy_lsc_layout;

/* A rule of libseccomp's reading of one syscall's rules: tried in order, the first that holds. */
struct policy_lsc_rule {
	uint32_t action;
	size_t src; /* the input rule whose action it is */
	size_t n_conds;
	struct cbpf_policy_cond *conds; /* owned */
};

struct policy_lsc_rules {
	struct policy_lsc_rule *v;
	size_t n, cap;
	size_t refused; /* on -EEXIST: the input rule libseccomp refused */
	bool cycle;	/* on -ELOOP: libseccomp loops for certain (else: the model's bound) */
	/* the first test libseccomp's BPF makes on another word than its tree's node names (the
	 * word its accumulator still holds there); any false: none */
	struct policy_lsc_stale {
		bool any;
		unsigned arg, acc_arg; /* the node's argument, and the accumulator's */
		bool hi, acc_hi;       /* which 32-bit half (64-bit arguments only) */
		uint32_t mask, acc_mask;
	} stale;
};

/*
 * (policy_libseccomp_tree.c) rules[0..n), one syscall's on one architecture (32-bit arguments
 * when arch32), added in this order to libseccomp 2.5.4's argument tree as runc adds them, read
 * back as ordered rules whose first match gives the action libseccomp's filter gives (none: the
 * default action, dflt), as its BPF runs them, not as the tree says (policy_libseccomp_bpf.c;
 * out->stale says where the two differ). 0; -EEXIST: libseccomp refuses rule out->refused;
 * -ELOOP: libseccomp would not finish (more than 2^22 steps; out->cycle: for certain, a level's
 * links come round); -ENOTSUP: the tree or its BPF is
 * too large to read (paths, blocks, tests on a path); -ENOMEM. out is empty on error.
 */
int policy_lsc_resolve(const struct cbpf_policy_rule *const *rules, size_t n, bool arch32,
		       uint32_t dflt, struct policy_lsc_layout *lay, struct policy_lsc_rules *out);
/*
 * (the same) rules[0..n), one syscall's on one architecture of the filter, as libseccomp's
 * tree, kept to lay out its blocks (policy_libseccomp_bpf.c) once the filter's trees are in
 * order; *prio: the syscall's priority, which orders an architecture's syscalls in the filter
 * (db.c: the fewer nodes, the higher). 1 and *out; 0: no tree (no condition left), *out NULL;
 * or policy_lsc_resolve's errors.
 */
struct policy_lsc_tree;
int policy_lsc_tree_new(const struct cbpf_policy_rule *const *rules, size_t n, bool arch32,
			struct policy_lsc_tree **out, uint32_t *prio);
/*
 * The tree's blocks added to lay and laid out: identical blocks are shared between the trees of
 * every syscall and architecture, and laid out once, for the first tree the layout reaches
 * (gen_bpf.c works from the filter's end). Place every tree that comes before in that order
 * before policy_lsc_resolve with lay. 0 or <0.
 */
int policy_lsc_tree_place(struct policy_lsc_tree *t, struct policy_lsc_layout *lay);
void policy_lsc_tree_free(struct policy_lsc_tree *t);

/* A call that libseccomp's reading and the rules it read give different actions. */
struct policy_lsc_witness {
	uint64_t args[6];
	unsigned used;	    /* the arguments any condition names, a bit each */
	uint32_t want, got; /* the rules' action, and the reading's */
	/* the rule that holds, and the input rule of the reading's (SIZE_MAX: none) */
	size_t rule, src;
};

/*
 * (policy_libseccomp_witness.c) Whether some call, among argument values around every constant
 * of rules[0..n) (one syscall's on one architecture, no two with different actions overlapping)
 * and of res (policy_lsc_resolve's reading of them), gets another action from res than from
 * the rules (dflt where none holds): *w is the first found. Within a bound (at most work
 * conditions evaluated): every combination when few, else a sample (a difference it misses
 * leaves the rules as they are).
 */
bool policy_lsc_witness(const struct cbpf_policy_rule *const *rules, size_t n,
			const struct policy_lsc_rules *res, bool arch32, uint32_t dflt,
			uint64_t work, struct policy_lsc_witness *w);
/* The blocks of one filter's trees, for policy_lsc_resolve; _free accepts NULL. */
struct policy_lsc_layout *policy_lsc_layout_new(void);
void policy_lsc_layout_free(struct policy_lsc_layout *lay);
void policy_lsc_rules_free(struct policy_lsc_rules *out);

#endif
