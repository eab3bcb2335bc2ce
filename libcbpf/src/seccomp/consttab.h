/* SPDX-License-Identifier: MIT */
/* The named-constant tables generated from libcbpf/data/constants.csv. Private to libcbpf. */
#ifndef CBPF_CONSTTAB_H
#define CBPF_CONSTTAB_H

#include <stddef.h>
#include <stdint.h>

#include "seccomp/systab.h"

#define CONSTTAB_ERRNO 0x1 /* defined by an errno header: an errno number */
#define CONSTTAB_LIBC 0x2  /* only libc defines it (AF_INET, SOCK_STREAM...) */

struct consttab_entry {
	const char *name;
	uint64_t value;   /* the value where var is 0 */
	uint16_t present; /* bit 1 << column: the architectures defining it */
	uint16_t var;     /* 0, or the row of consttab_values with a value per column */
	uint8_t flags;    /* CONSTTAB_* */
};

/* Sorted by name (strcmp). */
extern const struct consttab_entry consttab_entries[];
extern const size_t consttab_count;
extern const uint64_t consttab_values[][SYSTAB_COLS];

/* The entry for name, or NULL. */
const struct consttab_entry *consttab_find(const char *name);
/* Its value in column col: 0 and *value, or -ENOENT when not defined there. */
int consttab_value(const struct consttab_entry *e, int col, uint64_t *value);

#endif
