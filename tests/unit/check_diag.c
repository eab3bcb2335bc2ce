// SPDX-License-Identifier: MIT
/* Diagnostics: collection and the gcc-style printout. */
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

/* Prints diags into a string the test owns. */
static char *print_to_string(const struct cbpf_diags *d, const char *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(cbpf_diags_print(f, d, src, src ? strlen(src) : 0, NULL), 0);
	fclose(f);
	return buf;
}

START_TEST(located_error_with_caret)
{
	struct cbpf_diags d = { 0 };
	const char *src = "ldh [12]\n\tjeq #0x800, ok\nret #0\n";
	char *out;

	cbpf_diags_add(&d, CBPF_SEV_ERROR, "f.bpf", 2, 13, 2, -1, "undefined label '%s'", "ok");
	ck_assert_uint_eq(d.errors, 1);
	out = print_to_string(&d, src);
	ck_assert_str_eq(out, "f.bpf:2:13: error: undefined label 'ok'\n"
			      "\tjeq #0x800, ok\n"
			      "\t           ^~\n");
	free(out);
	cbpf_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(instruction_error_without_source)
{
	struct cbpf_diags d = { 0 };
	char *out;

	cbpf_diags_add(&d, CBPF_SEV_WARNING, NULL, 0, 0, 0, 7, "unreachable");
	cbpf_diags_add(&d, CBPF_SEV_ERROR, "x.raw", 0, 0, 0, -1, "empty program");
	ck_assert_uint_eq(d.errors, 1);
	out = print_to_string(&d, NULL);
	ck_assert_str_eq(out, "<input>: insn 7: warning: unreachable\n"
			      "x.raw: error: empty program\n");
	free(out);
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(line_past_end_prints_no_excerpt)
{
	struct cbpf_diags d = { 0 };
	char *out;

	cbpf_diags_add(&d, CBPF_SEV_ERROR, "f", 9, 1, 0, -1, "no final return");
	out = print_to_string(&d, "ret #0\n");
	ck_assert_str_eq(out, "f:9:1: error: no final return\n");
	free(out);
	cbpf_diags_free(&d);
	ck_assert_int_eq(cbpf_diags_add(NULL, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "dropped"), 0);
}
END_TEST

Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, located_error_with_caret);
	tcase_add_test(tc, instruction_error_without_source);
	tcase_add_test(tc, line_past_end_prints_no_excerpt);
	suite_add_tcase(s, tc);
	return s;
}
