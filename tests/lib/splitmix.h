/* SPDX-License-Identifier: MIT */
/* splitmix64 (Steele, Lea, Flood 2014): the one pseudo-random generator of programs and captures.
 */
#ifndef CBPF_SPLITMIX_H
#define CBPF_SPLITMIX_H

#include <stdint.h>

/* Small, fast and the same everywhere, so that a seed names one program or one capture. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
