/* SPDX-License-Identifier: MIT */
/* The named-constant tables generated from libcbpf/data/constants.csv. Private to libcbpf. */
#ifndef CBPF_CONSTTAB_H
#define CBPF_CONSTTAB_H

#include <stddef.h>
#include <stdint.h>

#include "seccomp/systab.h"

/* Flags in the high bits of present, above the columns. */
#define CONSTTAB_ERRNO 0x80000000U /* defined by an errno header: an errno number */
#define CONSTTAB_LIBC  0x40000000U /* only libc defines it (AF_INET, SOCK_STREAM...) */

/* No pointer, so no relocation for each of the 8,000 in the shared library. */
struct consttab_entry {
	uint64_t value;	  /* the value where var is 0 */
	uint32_t name;	  /* offset in consttab_names */
	uint32_t present; /* bit 1 << column: the architectures defining it; CONSTTAB_* */
	uint32_t var;	  /* 0, or the row of consttab_values with a value per column */
};

/* Sorted by name (strcmp). */
extern const struct consttab_entry consttab_entries[];
extern const size_t consttab_count;
extern const char consttab_names[]; /* NUL-terminated names, one after another */
extern const uint64_t consttab_values[][SYSTAB_COLS];

/* The name of an entry. */
static inline const char *consttab_name(const struct consttab_entry *e)
{
	return consttab_names + e->name;
}

/* The entry for name, or NULL. */
const struct consttab_entry *consttab_find(const char *name);
/* Its value in column col: 0 and *value, or -ENOENT when not defined there. */
int consttab_value(const struct consttab_entry *e, int col, uint64_t *value);

#endif
