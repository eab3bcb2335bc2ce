/* SPDX-License-Identifier: MIT */
/* The one edit distance behind every "did you mean": assembler mnemonics, constants, commands. */
#ifndef CBPF_SUGGEST_H
#define CBPF_SUGGEST_H

#include <stddef.h>

/* Names longer than this are never a typo of one another (the distance is limit + 1). */
#define SUGGEST_MAX_LEN 64

/*
 * Optimal string alignment distance between a[0..la) and b[0..lb) (Levenshtein plus swapping
 * two neighbours), ignoring ASCII case; limit + 1 as soon as it is known to exceed limit.
 */
unsigned suggest_distance(const char *a, size_t la, const char *b, size_t lb, unsigned limit);
/* The nearest names to one, a candidate at a time (ties: the first offered). */
struct suggest_near {
	const char *name;
	size_t len;
	const char **out; /* the nearest so far, nearest first */
	unsigned dist[8];
	size_t n, got;
	unsigned limit;
};

/* Up to n (at most 8) names within a third of name's length (at least one letter) of it. */
void suggest_begin(struct suggest_near *s, const char *name, const char **out, size_t n);
void suggest_offer(struct suggest_near *s, const char *candidate);
/* How many: only the nearest (MADV_MERGEABLE for MADV_MERGABLE, not MADV_UNMERGEABLE too). */
size_t suggest_end(struct suggest_near *s);

/* The names near[0..k) as a "did you mean" lists them: "'A'", "'A' or 'B'", "'A', 'B' or 'C'". */
void suggest_list(char *buf, size_t size, const char *const *near, size_t k);

#endif
