// SPDX-License-Identifier: MIT
/* Syscall name <-> number lookups over the generated tables, a column per architecture. */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/systab.h"
#include "util/suggest.h"

static const char *const col_names[SYSTAB_COLS] = {
	[SYSTAB_X86_64] = "x86_64",
	[SYSTAB_I386] = "i386",
	[SYSTAB_X32] = "x32",
	[SYSTAB_AARCH64] = "aarch64",
	[SYSTAB_ARM] = "arm",
	[SYSTAB_RISCV64] = "riscv64",
	[SYSTAB_PPC64LE] = "ppc64le",
	[SYSTAB_S390X] = "s390x",
	[SYSTAB_LOONGARCH64] = "loongarch64",
	[SYSTAB_MIPS] = "mips",
	[SYSTAB_MIPSEL] = "mipsel",
	[SYSTAB_MIPS64] = "mips64",
	[SYSTAB_MIPS64EL] = "mips64el",
	[SYSTAB_MIPSN32] = "mipsn32",
	[SYSTAB_MIPSN32EL] = "mipsn32el",
	[SYSTAB_PPC] = "ppc",
	[SYSTAB_S390] = "s390",
};

/* a column per architecture, in enum cbpf_arch's order: systab_col() is arch - 1 */
static_assert(SYSTAB_COLS == CBPF_ARCH_COUNT && SYSTAB_S390 == CBPF_ARCH_S390 - 1,
	      "syscalls.csv's columns and enum cbpf_arch differ");

int systab_col(enum cbpf_arch arch)
{
	return cbpf_arch_name(arch) ? (int)arch - 1 : -1;
}

const char *systab_col_name(int col)
{
	return col >= 0 && col < SYSTAB_COLS ? col_names[col] : NULL;
}

int systab_col_parse(const char *name)
{
	for (int c = 0; c < SYSTAB_COLS; c++)
		if (!strcmp(name, col_names[c]))
			return c;
	return -1;
}

static int entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct systab_entry *)elem)->name);
}

/* arm's private calls (__ARM_NR_BASE + n: cacheflush, set_tls...) */
#define ARM_PRIVATE_BASE 0x0f0000

/*
 * name's entry. minijail's tables (and so ChromeOS's policies) spell arm's private calls as
 * their macros do, ARM_set_tls for __ARM_NR_set_tls: that spelling is arm's only (*arm_only).
 */
static const struct systab_entry *systab_find(const char *name, bool *arm_only)
{
	const struct systab_entry *e =
		bsearch(name, systab_entries, systab_count, sizeof(systab_entries[0]), entry_cmp);

	*arm_only = false;
	if (e || strncmp(name, "ARM_", 4))
		return e;
	e = bsearch(name + 4, systab_entries, systab_count, sizeof(systab_entries[0]), entry_cmp);
	if (!e || e->nr[SYSTAB_ARM] < ARM_PRIVATE_BASE)
		return NULL;
	*arm_only = true;
	return e;
}

int systab_nr(int col, const char *name, uint32_t *nr)
{
	bool arm_only;
	const struct systab_entry *e = systab_find(name, &arm_only);

	if (col < 0 || col >= SYSTAB_COLS || !e || e->nr[col] < 0 ||
	    (arm_only && col != SYSTAB_ARM))
		return -ENOENT;
	*nr = (uint32_t)e->nr[col];
	return 0;
}

int cbpf_syscall_nr(enum cbpf_arch arch, const char *name, uint32_t *nr)
{
	int col = systab_col(arch);

	if (col < 0)
		return -EINVAL;
	if (systab_nr(col, name, nr))
		return -ENOENT;
	*nr |= arch == CBPF_ARCH_X32 ? CBPF_X32_SYSCALL_BIT : 0;
	return 0;
}

const char *cbpf_syscall_name(enum cbpf_arch arch, uint32_t nr)
{
	int col = systab_col(arch);

	if (col < 0)
		return NULL;
	if (arch == CBPF_ARCH_X32) {
		if (!(nr & CBPF_X32_SYSCALL_BIT))
			return NULL;
		nr &= ~CBPF_X32_SYSCALL_BIT;
	}
	if (nr > INT32_MAX)
		return NULL;
	/* Aliases share a number (arm's sync_file_range2): the first name in order wins. */
	for (size_t i = 0; i < systab_count; i++)
		if (systab_entries[i].nr[col] == (int32_t)nr)
			return systab_entries[i].name;
	return NULL;
}

bool cbpf_syscall_exists(const char *name)
{
	bool arm_only;

	return systab_find(name, &arm_only) != NULL;
}

size_t cbpf_syscall_count(void)
{
	return systab_count;
}

const char *cbpf_syscall_at(size_t i)
{
	return i < systab_count ? systab_entries[i].name : NULL;
}

void systab_hint(enum cbpf_arch arch, const char *name, char *buf, size_t size)
{
	int col = arch == CBPF_ARCH_NONE ? -1 : systab_col(arch);
	const char *out[3];
	char list[3 * 72];
	struct suggest_near near;
	size_t k;

	if (size)
		buf[0] = '\0';
	if (arch != CBPF_ARCH_NONE && col < 0)
		return;
	suggest_begin(&near, name, out, 3);
	for (size_t i = 0; i < systab_count; i++)
		if (col < 0 || systab_entries[i].nr[col] >= 0)
			suggest_offer(&near, systab_entries[i].name);
	k = suggest_end(&near);
	suggest_list(list, sizeof(list), out, k);
	if (k)
		snprintf(buf, size, " (did you mean %s?)", list);
}
