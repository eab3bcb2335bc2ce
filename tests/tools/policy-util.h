/* SPDX-License-Identifier: MIT */
/* Shared by the policy test tools: parsing architecture and capability lists. */
#ifndef CBPF_TESTS_POLICY_UTIL_H
#define CBPF_TESTS_POLICY_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

/* "x86_64,i386" into arches[]; returns the count, -1 on a bad name. */
static inline int parse_arch_list(const char *s, enum cbpf_arch *arches, int max)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max || cbpf_arch_parse(tok, &arches[n]))
			return -1;
		n++;
	}
	return n;
}

/* "CAP_A,CAP_B" into a NULL-terminated list (strings owned by the caller's buffer). */
static inline const char **parse_caps(char *s)
{
	size_t n = 1;
	const char **v;
	char *save = NULL, *tok;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		v[n++] = tok;
	return v;
}

#endif
