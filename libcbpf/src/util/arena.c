// SPDX-License-Identifier: MIT
/* Parse-time memory: blocks of 64 KiB (or one allocation's size) freed at once. */
#include <stdlib.h>

#include "util/arena.h"

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;

	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->size - b->used < size) {
		size_t bsize = size > 65536 ? size : 65536;

		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = bsize;
		a->head = b;
	}
	b->used += size;
	return (char *)b->data + b->used - size;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
}
