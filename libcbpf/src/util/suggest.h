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
/* The names near[0..k) as a "did you mean" lists them: "'A'", "'A' or 'B'", "'A', 'B' or 'C'". */
void suggest_list(char *buf, size_t size, const char *const *near, size_t k);

#endif
