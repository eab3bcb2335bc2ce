/* SPDX-License-Identifier: MIT */
/* What every unit suite includes: Check, and the prototypes of all suites (listed by the build). */
#ifndef CBPF_TESTS_UNIT_H
#define CBPF_TESTS_UNIT_H

#include <check.h>
#include <errno.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

#endif
