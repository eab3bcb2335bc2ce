// SPDX-License-Identifier: MIT
/*
 * The names translations are loaded under: what the user calls a filter, made into a name the
 * kernel takes, with the prefix that tells cbpf's programs from others when detaching.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cbpf/kernel.h"

/* The characters the kernel takes in a program's name (kernel/bpf/syscall.c: bpf_obj_name_cpy). */
static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

int cbpf_kernel_prog_name(const char *hint, enum cbpf_target target, char *buf, size_t size)
{
	char name[CBPF_PROG_NAME_SIZE];
	size_t n = 0;
	bool gap = false;

	/* A run of other characters becomes one '_'; none at either end. */
	for (const char *p = hint ? hint : ""; *p && n < sizeof(name) - 1; p++) {
		if (!name_char(*p)) {
			gap = n > 0;
			continue;
		}
		if (gap && n < sizeof(name) - 2)
			name[n++] = '_';
		gap = false;
		name[n++] = *p;
	}
	name[n] = '\0';
	if (!n)
		return snprintf(buf, size, "%s%s", CBPF_PROG_NAME_PREFIX, cbpf_target_name(target));
	if (!strncmp(name, CBPF_PROG_NAME_PREFIX, strlen(CBPF_PROG_NAME_PREFIX)))
		return snprintf(buf, size, "%s", name);
	return snprintf(buf, size, "%s%s", CBPF_PROG_NAME_PREFIX, name);
}

bool cbpf_kernel_prog_name_valid(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!name_char(*p))
			return false;
	return true;
}
