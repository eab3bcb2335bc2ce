/* SPDX-License-Identifier: MIT */
/* Parse-time memory: an arena that hands out blocks and frees them all at once. */
#ifndef CBPF_ARENA_H
#define CBPF_ARENA_H

#include <stddef.h>

struct arena_block;

/* A zeroed struct is an empty arena. */
struct arena {
	struct arena_block *head;
};

/* size bytes aligned for any type, valid until arena_free; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
/* Frees everything arena_alloc gave out; the arena is empty again. */
void arena_free(struct arena *a);

#endif
