// SPDX-License-Identifier: MIT
/* Diagnostics: collection and the gcc-style printout. */
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "util/diag_int.h"
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

/* A line longer than an excerpt shows is cut around the column; the caret stays under it. */
START_TEST(long_line_is_clipped_around_the_column)
{
	struct cbpf_diags d = { 0 };
	size_t n = 1000000, col = 600001;
	char *src = malloc(n + 2), *out, *line2, *caret;

	memset(src, 'x', n);
	memcpy(src + col - 1, "BAD", 3);
	src[n] = '\n';
	src[n + 1] = '\0';
	cbpf_diags_add(&d, CBPF_SEV_ERROR, "f", 1, (unsigned)col, 3, -1, "bad");
	out = print_to_string(&d, src);
	/* Three short lines, not two of a megabyte each. */
	ck_assert_uint_lt(strlen(out), 400);
	ck_assert_ptr_nonnull(line2 = strchr(out, '\n'));
	line2++;
	ck_assert(!strncmp(line2, "...x", 4));
	ck_assert_ptr_nonnull(caret = strchr(line2, '\n'));
	caret++;
	/* The caret is as far into its line as BAD is into the excerpt. */
	ck_assert_int_eq((int)(strchr(caret, '^') - caret), (int)(strstr(line2, "BAD") - line2));
	ck_assert(!strncmp(strchr(caret, '^'), "^~~\n", 4));
	ck_assert(strstr(line2, "x...\n") != NULL);
	ck_assert_uint_le((size_t)(caret - line2 - 1), DIAG_EXCERPT_MAX + 6);
	free(out);
	free(src);
	cbpf_diags_free(&d);
}
END_TEST

/* At either end of a long line, only one side is cut. */
START_TEST(long_line_ends_are_not_marked)
{
	char line[500], want[3 * DIAG_EXCERPT_MAX + 32], *buf = NULL, *p = want;
	size_t len = 0;
	FILE *f;

	memset(line, 'y', sizeof(line));
	f = open_memstream(&buf, &len);
	diag_excerpt(f, line, sizeof(line), 1, 1, false);
	diag_excerpt(f, line, sizeof(line), sizeof(line) + 1, 1, false);
	fclose(f);
	/* Column 1: the start shown, the end cut; one past the end: the end shown. */
	memset(p, 'y', DIAG_EXCERPT_MAX);
	p += DIAG_EXCERPT_MAX;
	p += sprintf(p, "...\n^\n...");
	memset(p, 'y', DIAG_EXCERPT_MAX);
	p += DIAG_EXCERPT_MAX;
	*p++ = '\n';
	memset(p, ' ', DIAG_EXCERPT_MAX + 3);
	p += DIAG_EXCERPT_MAX + 3;
	strcpy(p, "^\n");
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

/* UTF-8 is never cut inside a character, in excerpts or in quoted pieces. */
START_TEST(utf8_is_never_cut)
{
	char s[400], *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (size_t i = 0; i + 1 < sizeof(s); i += 2)
		memcpy(s + i, "\xc3\xa9", 2); /* é */
	s[sizeof(s) - 1] = '\0';
	ck_assert_int_eq(diag_quote_len(s, strlen(s)) % 2, 0);
	ck_assert_int_eq(diag_quote_len(s + 1, strlen(s + 1)) % 2, 1);
	f = open_memstream(&buf, &len);
	diag_excerpt(f, s, strlen(s), 201, 2, false);
	fclose(f);
	/* Between the "..." marks, whole characters only. */
	ck_assert(!strncmp(buf, "...\xc3", 4));
	ck_assert(strstr(buf, "\xa9...\n") != NULL);
	free(buf);
}
END_TEST

/* Messages are as long as they need to be: none is cut at a fixed size. */
START_TEST(long_messages_are_not_cut)
{
	struct cbpf_diags d = { 0 };
	char word[5000];

	memset(word, 'w', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	ck_assert_int_eq(cbpf_diags_add(&d, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "<%s>", word), 0);
	ck_assert_uint_eq(strlen(d.v[0].msg), sizeof(word) + 1);
	ck_assert_int_eq(d.v[0].msg[sizeof(word)], '>');
	cbpf_diags_free(&d);
}
END_TEST

Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, located_error_with_caret);
	tcase_add_test(tc, instruction_error_without_source);
	tcase_add_test(tc, line_past_end_prints_no_excerpt);
	tcase_add_test(tc, long_line_is_clipped_around_the_column);
	tcase_add_test(tc, long_line_ends_are_not_marked);
	tcase_add_test(tc, utf8_is_never_cut);
	tcase_add_test(tc, long_messages_are_not_cut);
	suite_add_tcase(s, tc);
	return s;
}
