// SPDX-License-Identifier: MIT
/* Named constants over the generated tables: values per architecture, typos, names of values. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/seccomp.h"
#include "seccomp/consttab.h"
#include "util/suggest.h"

static int entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, consttab_name(elem));
}

const struct consttab_entry *consttab_find(const char *name)
{
	return bsearch(name, consttab_entries, consttab_count, sizeof(consttab_entries[0]),
		       entry_cmp);
}

int consttab_value(const struct consttab_entry *e, int col, uint64_t *value)
{
	if (col < 0 || col >= SYSTAB_COLS || !(e->present & (1U << col)))
		return -ENOENT;
	*value = e->var ? consttab_values[e->var][col] : e->value;
	return 0;
}

int cbpf_const_value(enum cbpf_arch arch, const char *name, uint64_t *value)
{
	int col = systab_col(arch);
	const struct consttab_entry *e;

	if (col < 0)
		return -EINVAL;
	e = consttab_find(name);
	return e ? consttab_value(e, col, value) : -ENOENT;
}

bool cbpf_const_exists(const char *name)
{
	return consttab_find(name) != NULL;
}

size_t cbpf_const_suggest(enum cbpf_arch arch, const char *name, const char **out, size_t n)
{
	int col = arch == CBPF_ARCH_NONE ? -1 : systab_col(arch);
	struct suggest_near near;

	if (arch != CBPF_ARCH_NONE && col < 0)
		return 0;
	suggest_begin(&near, name, out, n);
	for (size_t i = 0; i < consttab_count; i++)
		if (col < 0 || consttab_entries[i].present & (1U << col))
			suggest_offer(&near, consttab_name(&consttab_entries[i]));
	return suggest_end(&near);
}

/* Spellings preferred for printing where several names share a value and the rule (kernel's
 * first, then strcmp order) would pick another: glibc's AF_FILE and AF_LOCAL sort first. */
static const char *const preferred[] = { "AF_UNIX", "PF_UNIX" };

static bool is_preferred(const char *name)
{
	for (size_t i = 0; i < sizeof(preferred) / sizeof(preferred[0]); i++)
		if (!strcmp(name, preferred[i]))
			return true;
	return false;
}

const char *cbpf_const_name(enum cbpf_arch arch, const char *family, uint64_t value)
{
	int col = systab_col(arch);
	bool err = !strcmp(family, "E");
	size_t flen = strlen(family);
	const struct consttab_entry *best = NULL;

	if (col < 0)
		return NULL;
	for (size_t i = 0; i < consttab_count; i++) {
		const struct consttab_entry *e = &consttab_entries[i];
		uint64_t v;

		if (err ? !(e->present & CONSTTAB_ERRNO) : strncmp(consttab_name(e), family, flen))
			continue;
		if (consttab_value(e, col, &v) || v != value)
			continue;
		if (is_preferred(consttab_name(e)))
			return consttab_name(e);
		if (!best || ((best->present & CONSTTAB_LIBC) && !(e->present & CONSTTAB_LIBC)))
			best = e;
	}
	return best ? consttab_name(best) : NULL;
}
