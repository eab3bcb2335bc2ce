/* SPDX-License-Identifier: MIT */
/* The paths of a seccomp filter, followed symbolically; shared by explain, audit, diff, decompile.
 */
#ifndef CBPF_SYMEX_H
#define CBPF_SYMEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "seccomp/arch.h"
#include "cbpf/explain.h"

/* struct seccomp_data as 16 words: nr, arch, ip (2), args[6] (2 each; low first on LE). */
#define SX_WORDS 16
#define SX_NR	 0
#define SX_ARCH	 1

/* A set of 32-bit values: n sorted, disjoint, non-adjacent ranges v[2i] .. v[2i+1]. */
struct iset {
	size_t n;
	uint32_t *v;
};

/* (word & mask) lies in set. */
struct mcon {
	uint8_t word;
	uint32_t mask;
	struct iset set;
};

/* A test of a computed value: the outcome the path took at insn pc. */
struct ocon {
	uint32_t pc;
	bool taken;
};

struct sx_path {
	struct iset w[SX_WORDS];
	struct mcon *m;
	size_t nm;
	struct ocon *o;
	size_t no;
	uint32_t action;
	uint32_t ret_pc;
	int32_t wpc[SX_WORDS];	/* the first test that narrowed each word, or -1 */
	int32_t nr_before_arch; /* a test of nr before any test of arch, or -1 */
};

struct cbpf_seccomp_model {
	struct sx_path *paths;
	size_t n, cap;
	size_t len;    /* the program's */
	bool *reached; /* per instruction */
	bool opaque;   /* some test is of a computed value */
};

/* ---- sets */
int iset_full(struct iset *s);
void iset_fini(struct iset *s);
int iset_copy(struct iset *d, const struct iset *s);
bool iset_is_full(const struct iset *s);
bool iset_has(const struct iset *s, uint32_t v);
/* Intersect with [lo, hi] (keep) or its complement (!keep). 0 or -ENOMEM. */
int iset_clip(struct iset *s, uint32_t lo, uint32_t hi, bool keep);
int iset_and(struct iset *d, const struct iset *s);
uint64_t iset_count(const struct iset *s);

/* The action as the kernel acts on it (kernel/seccomp.c: __seccomp_filter). */
uint32_t sx_action_norm(uint32_t action);

/* ---- conditions */
/* Whether two paths' argument conditions (words 2.. and masks) can hold at once; the
 * intersection goes into *out when out is not NULL (its nr and arch are a's). */
int sx_meet(const struct sx_path *a, const struct sx_path *b, bool *meets, struct sx_path *out);
void sx_path_fini(struct sx_path *p);
/* Whether the path has argument conditions (words 2.., masks on them, computed tests). */
bool sx_has_conds(const struct sx_path *p);
/* Writes the path's argument conditions ("arg1 == 0x5401 && arg2 >= 3") for an architecture of
 * the given width and byte order; "" when none. */
void sx_conds_print(FILE *out, const struct sx_path *p, bool is64, bool le);
/* The same, the plain words (words) and/or the masked and computed tests (masks); *sep is
 * written before each condition and set to " && " after the first. */
void sx_conds_print_some(FILE *out, const struct sx_path *p, bool is64, bool le, bool words,
			 bool masks, const char **sep);

/* ---- rows: a path's conditions as 64-bit ranges per field, merged across paths */
#define SX_FIELDS 7 /* ip, arg0 .. arg5 */

/* A set of 64-bit values: n sorted, disjoint ranges v[2i] .. v[2i+1]. */
struct rset {
	size_t n;
	uint64_t *v;
};

struct sx_row {
	uint32_t action;
	struct rset f[SX_FIELDS];
	const struct sx_path *p; /* its masked and computed tests (and words, when !plain) */
	bool plain;		 /* every field's two words read as ranges of the whole */
};

/*
 * The rows of the paths idx[0..n): each path's fields as ranges, then rows of one action that
 * differ in one field only (and test the same masks) merged into one, until none is left:
 * "arg3 >= 0x1000" rather than its high and low halves' cases. Order of first appearance.
 */
int sx_rows(const struct cbpf_seccomp_model *m, const size_t *idx, size_t n, bool is64, bool le,
	    struct sx_row **out, size_t *nrows);
void sx_rows_free(struct sx_row *rows, size_t n);
bool sx_row_has_conds(const struct sx_row *r);
/* The row's conditions, as sx_conds_print writes a path's. */
void sx_row_print(FILE *out, const struct sx_row *r, bool is64, bool le);
/* Whether the field's set is every value. */
bool rset_is_full(const struct rset *s);

/* ---- architectures */
struct sx_arch {
	const char *name;
	uint32_t audit;
	int col;    /* systab column */
	int x32col; /* x86_64: x32's column, numbers with the x32 bit; else -1 */
	enum cbpf_arch arch;
};
/* The architecture of an AUDIT_ARCH value (x86_64 for x86_64's, with x32's column) into *out, as
 * arch.c's list has it; false when none has that value. */
bool sx_arch_by_audit(uint32_t audit, struct sx_arch *out);
/* The name of nr in column col (x32 numbers with their bit), or NULL. */
const char *sx_sys_name(int col, uint32_t nr);
/* The numbers named in column col, sorted, into a new array; *n set. 0 or -ENOMEM. */
int sx_sys_numbers(int col, uint32_t **out, size_t *n);

/* ---- partitions */
/* The starts of the elementary intervals that the sets of word w of the given paths cut
 * [0, 2^32) into, sorted and unique, always with 0. */
int sx_cuts(const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel, int w,
	    uint32_t **cuts, size_t *n);
/* The paths (indices, in order) whose word w holds v, among sel (all when sel is NULL). */
int sx_select(const struct cbpf_seccomp_model *m, const size_t *sel, size_t nsel, int w, uint32_t v,
	      size_t **out, size_t *n);

#endif
