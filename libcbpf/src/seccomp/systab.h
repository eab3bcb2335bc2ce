/* SPDX-License-Identifier: MIT */
/* The syscall tables generated from libcbpf/data/syscalls.csv. Private to libcbpf. */
#ifndef CBPF_SYSTAB_H
#define CBPF_SYSTAB_H

#include <stddef.h>
#include <stdint.h>

struct systab_entry {
	const char *name;
	int32_t nr[5]; /* per enum cbpf_arch - 1; -1: absent; x32 without the x32 bit */
};

/* Sorted by name (strcmp). */
extern const struct systab_entry systab_entries[];
extern const size_t systab_count;

#endif
