/* SPDX-License-Identifier: MIT */
/* The syscall tables generated from libcbpf/data/syscalls.csv. Private to libcbpf. */
#ifndef CBPF_SYSTAB_H
#define CBPF_SYSTAB_H

#include <stddef.h>
#include <stdint.h>

#include "cbpf/seccomp.h"

/*
 * The tables' columns (syscalls.csv, constants.csv): enum cbpf_arch's architectures, in its
 * order (column = arch - 1). A new column is a new enum cbpf_arch value at the same place.
 */
enum systab_col {
	SYSTAB_X86_64,
	SYSTAB_I386,
	SYSTAB_X32,
	SYSTAB_AARCH64,
	SYSTAB_ARM,
	SYSTAB_RISCV64,
	SYSTAB_PPC64LE,
	SYSTAB_S390X,
	SYSTAB_LOONGARCH64,
	SYSTAB_MIPS,	 /* o32, big-endian */
	SYSTAB_MIPSEL,	 /* o32 */
	SYSTAB_MIPS64,	 /* n64, big-endian */
	SYSTAB_MIPS64EL, /* n64 */
	SYSTAB_MIPSN32,	 /* n32, big-endian */
	SYSTAB_MIPSN32EL,
	SYSTAB_PPC,  /* 32-bit, big-endian */
	SYSTAB_S390, /* 31-bit, big-endian */
	SYSTAB_COLS,
};

struct systab_entry {
	const char *name;
	int32_t nr[SYSTAB_COLS]; /* -1: absent; x32 without the x32 bit */
};

/* Sorted by name (strcmp). */
extern const struct systab_entry systab_entries[];
extern const size_t systab_count;

/* The column of arch, or -1 for CBPF_ARCH_NONE or a bad value. */
int systab_col(enum cbpf_arch arch);
/* The column's name as the CSV header has it ("x86_64", "mips64el"), or NULL. */
const char *systab_col_name(int col);
/* The column of a name as the CSV header has it, or -1. */
int systab_col_parse(const char *name);
/* The number of name in column col as the table has it (x32 without its bit): 0 and *nr, or
 * -ENOENT. */
int systab_nr(int col, const char *name, uint32_t *nr);
/*
 * " (did you mean 'openat'?)" into buf: the syscall names closest to name (as
 * cbpf_const_suggest finds constants), those of arch only (any for CBPF_ARCH_NONE); "" when
 * none is close. SYSTAB_HINT_SIZE holds any.
 */
#define SYSTAB_HINT_SIZE (3 * 72 + 24)
void systab_hint(enum cbpf_arch arch, const char *name, char *buf, size_t size);

#endif
