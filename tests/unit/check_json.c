// SPDX-License-Identifier: MIT
/* The JSON reader on its own: values and where they start, and the first error, located. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/json.h"
#include "unit.h"

/* Parses s (after: what the end of input follows, in the message); the error in *err. */
static int parse(const char *s, struct arena *a, struct jval *top, struct json_error *err)
{
	return json_parse(s, strlen(s), "the profile", a, top, err);
}

START_TEST(values_keep_their_type_text_and_place)
{
	struct arena a = { 0 };
	struct json_error err;
	struct jval top;
	const struct jval *arr;

	ck_assert_int_eq(parse("{\"a\": [1, -2.5e3, \"x\\u00e9\\n\", true, null],\n"
			       "  \"a\": {}, \"c\": false}",
			       &a, &top, &err),
			 0);
	ck_assert_int_eq(top.type, J_OBJ);
	ck_assert_uint_eq(top.n, 3);
	/* members keep their order, duplicates included */
	ck_assert_str_eq(top.keys[0].str, "a");
	ck_assert_str_eq(top.keys[1].str, "a");
	ck_assert_str_eq(top.keys[2].str, "c");
	ck_assert_uint_eq(top.keys[1].line, 2);
	ck_assert_uint_eq(top.keys[1].col, 3);
	arr = &top.items[0];
	ck_assert_int_eq(arr->type, J_ARR);
	ck_assert_uint_eq(arr->n, 5);
	ck_assert_uint_eq(arr->col, 7);
	/* numbers stay source text */
	ck_assert_int_eq(arr->items[1].type, J_NUM);
	ck_assert_uint_eq(arr->items[1].n, 6);
	ck_assert(!memcmp(arr->items[1].str, "-2.5e3", 6));
	ck_assert_uint_eq(arr->items[1].col, 11);
	/* strings decoded, UTF-8; len is the source token's */
	ck_assert_int_eq(arr->items[2].type, J_STR);
	ck_assert_str_eq(arr->items[2].str, "x\xc3\xa9\n");
	ck_assert_uint_eq(arr->items[2].n, 4);
	ck_assert_uint_eq(arr->items[2].len, 11);
	ck_assert(arr->items[3].type == J_BOOL && arr->items[3].b);
	ck_assert_int_eq(arr->items[4].type, J_NULL);
	ck_assert(top.items[1].type == J_OBJ && top.items[1].n == 0);
	ck_assert(top.items[2].type == J_BOOL && !top.items[2].b);
	arena_free(&a);
}
END_TEST

START_TEST(a_byte_order_mark_is_skipped)
{
	struct arena a = { 0 };
	struct json_error err;
	struct jval top;

	ck_assert_int_eq(parse("\xef\xbb\xbf[\"\\ud83d\\ude00\"]", &a, &top, &err), 0);
	ck_assert_uint_eq(top.col, 1);
	ck_assert_str_eq(top.items[0].str, "\xf0\x9f\x98\x80"); /* a surrogate pair, one char */
	arena_free(&a);
	/* anywhere else it is no white space */
	ck_assert_int_eq(parse("[1]\xef\xbb\xbf", &a, &top, &err), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "expected the end of the input after the profile, found byte 0xef");
	arena_free(&a);
}
END_TEST

/* The first error stops the reader: where it is, how long the token, what was expected. */
START_TEST(the_first_error_is_located)
{
	static const struct {
		const char *src;
		unsigned line, col, len;
		const char *msg;
	} cases[] = {
		{ "{\"a\": 1,}", 1, 9, 1, "trailing ',' before '}'" },
		{ "[1, 2] x", 1, 8, 1,
		  "expected the end of the input after the profile, found 'x'" },
		{ "{\n  \"a\" 1}", 2, 7, 1, "expected ':' after a member name, found '1'" },
		{ "[\"ab", 1, 2, 1, "unterminated string" },
		{ "[\"a\nb\"]", 1, 4, 1, "unterminated string" },
		{ "[\"\\ud800x\"]", 1, 3, 6, "lone UTF-16 surrogate in a \\u escape" },
		{ "[\"\\u0000\"]", 1, 3, 6, "\\u0000 in a string" },
		{ "[\"\\q\"]", 1, 3, 2, "bad escape in a string" },
		{ "[01]", 1, 3, 1, "expected ',' or ']' after an array element, found '1'" },
		{ "[1.]", 1, 4, 1, "expected a digit after '.', found ']'" },
		{ "[truth]", 1, 2, 1, "expected a value, found 't'" },
		{ "", 1, 1, 1, "expected a value, found the end of the input" },
		{ "{1: 2}", 1, 2, 1, "expected a member name in double quotes, found '1'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a = { 0 };
		struct json_error err;
		struct jval top;

		ck_assert_msg(parse(cases[i].src, &a, &top, &err) == -EINVAL, "case %zu", i);
		ck_assert_msg(err.line == cases[i].line && err.col == cases[i].col &&
				      err.len == cases[i].len,
			      "case %zu: %u:%u len %u", i, err.line, err.col, err.len);
		ck_assert_str_eq(err.msg, cases[i].msg);
		arena_free(&a);
	}
}
END_TEST

/* Nesting is bounded (64 levels): the reader recurses once per level. */
START_TEST(nesting_is_bounded)
{
	char deep[200];
	struct arena a = { 0 };
	struct json_error err;
	struct jval top;

	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	ck_assert_int_eq(parse(deep, &a, &top, &err), 0);
	arena_free(&a);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	ck_assert_int_eq(parse(deep, &a, &top, &err), -EINVAL);
	ck_assert_uint_eq(err.col, 65);
	ck_assert_str_eq(err.msg, "nested too deeply");
	arena_free(&a);
}
END_TEST

/* The arena: aligned pieces, one larger than its blocks, all freed at once and usable again. */
START_TEST(the_arena_hands_out_aligned_memory)
{
	struct arena a = { 0 };
	char *p = arena_alloc(&a, 1), *q = arena_alloc(&a, 3), *big;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
	ck_assert_uint_eq((uintptr_t)q % _Alignof(max_align_t), 0);
	ck_assert(q >= p + 1);
	big = arena_alloc(&a, 200000);
	ck_assert_ptr_nonnull(big);
	memset(big, 0xa5, 200000);
	arena_free(&a);
	ck_assert_ptr_null(a.head);
	ck_assert_ptr_nonnull(arena_alloc(&a, 16));
	arena_free(&a);
	arena_free(&a); /* an empty arena frees nothing */
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, values_keep_their_type_text_and_place);
	tcase_add_test(tc, a_byte_order_mark_is_skipped);
	tcase_add_test(tc, the_first_error_is_located);
	tcase_add_test(tc, nesting_is_bounded);
	tcase_add_test(tc, the_arena_hands_out_aligned_memory);
	suite_add_tcase(s, tc);
	return s;
}
