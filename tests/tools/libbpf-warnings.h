/* SPDX-License-Identifier: MIT */
/* Shared by the test tools that load objects through libbpf: its warnings on stderr, the rest
 * dropped (libbpf_set_print(libbpf_warnings)). */
#ifndef CBPF_TESTS_LIBBPF_WARNINGS_H
#define CBPF_TESTS_LIBBPF_WARNINGS_H

#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

static int libbpf_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int libbpf_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

#endif
