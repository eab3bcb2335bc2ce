// SPDX-License-Identifier: MIT
/* The debugger's conditions: values, precedence, packet bytes, metadata, and located errors. */
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define I(code, k) ((struct cbpf_insn){ (code), 0, 0, (k) })

/* A session stopped at l2 of this program on a small IPv4 packet: A = 0x800, X = 20, M[3] = 5. */
static struct cbpf_dbg *stopped(void)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_IMM, 5),   I(CBPF_ST, 3),
		I(CBPF_LDX | CBPF_IMM, 20), I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
		I(CBPF_RET | CBPF_A, 0),
	};
	static const uint8_t pkt[34] = {
		[12] = 0x08, [13] = 0x00, [14] = 0x45, [23] = 6, [33] = 0xff
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 5);
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg *dbg;

	ck_assert_int_eq(cbpf_dbg_new(&dbg), 0);
	ck_assert_int_eq(cbpf_dbg_load(dbg, p, CBPF_VM_SOCKET, &d), 0);
	ck_assert_int_eq(cbpf_dbg_set_packet(dbg, pkt, 34, 60, 1), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(cbpf_dbg_step(dbg, NULL), 0);
	cbpf_prog_free(p);
	return dbg;
}

static const struct {
	const char *text;
	uint64_t value;
} values[] = {
	{ "42", 42 },
	{ "0x2a", 42 },
	{ "0XFF", 255 },
	{ "A", 0x800 },
	{ "a == 0x800", 1 },
	{ "X", 20 },
	{ "M[3]", 5 },
	{ "m[3] + 1", 6 },
	{ "M[0]", 0 },
	{ "pc", 4 },
	{ "pkt[12:2]", 0x800 },
	{ "pkt[12]", 0x08 },
	{ "pkt[12:4]", 0x08004500 },
	{ "pkt[X + 3 : 1]", 6 },
	{ "pkt[33]", 0xff },
	{ "len", 60 },
	{ "caplen", 34 },
	{ "protocol", 0x800 },
	{ "proto == 0x800", 1 },
	{ "mark", 0 },
	{ "net_off", 14 },
	{ "1 + 2 * 3", 7 },
	{ "(1 + 2) * 3", 9 },
	{ "10 - 3 - 2", 5 },
	{ "100 / 7 % 4", 2 },
	{ "1 << 4 >> 2", 4 },
	{ "0x1234 & 0xff00", 0x1200 },
	{ "pkt[12:2] & 0x1fff == 0x800", 1 }, /* bitwise binds tighter than ==, as in tcpdump */
	{ "1 | 2 ^ 3 & 4", 3 },
	{ "~0 == 0xffffffffffffffff", 1 },
	{ "-1 == 0xffffffffffffffff", 1 },
	{ "!0", 1 },
	{ "!A", 0 },
	{ "not A", 0 },
	{ "A == 0x800 && X == 20", 1 },
	{ "A == 0x800 and X == 21", 0 },
	{ "A == 1 || M[3] == 5", 1 },
	{ "A == 1 or M[3] == 4", 0 },
	{ "A != 0x800", 0 },
	{ "A = 0x800", 1 }, /* tcpdump's single = */
	{ "X < 21", 1 },
	{ "X <= 20", 1 },
	{ "X > 20", 0 },
	{ "X >= 20", 1 },
	{ "  ( ( X ) )  ", 20 },
	{ "0 && pkt[1000]", 0 }, /* short-circuit: the byte is never read */
	{ "1 || 1 / 0", 1 },
	{ "18446744073709551615 + 1", 0 },
	{ "1 << 64", 0 },
};

START_TEST(values_and_precedence)
{
	struct cbpf_dbg *dbg = stopped();

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct cbpf_diags d = { 0 };
		struct cbpf_dbg_expr *e;
		uint64_t v;

		ck_assert_msg(!cbpf_dbg_expr_parse(values[i].text, &e, &d), "%s: %s",
			      values[i].text, d.n ? d.v[0].msg : "?");
		ck_assert_str_eq(cbpf_dbg_expr_text(e), values[i].text);
		ck_assert_msg(!cbpf_dbg_expr_eval(dbg, e, &v), "%s does not evaluate",
			      values[i].text);
		ck_assert_msg(v == values[i].value, "%s = %#llx, not %#llx", values[i].text,
			      (unsigned long long)v, (unsigned long long)values[i].value);
		cbpf_dbg_expr_free(e);
	}
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(values_that_cannot_be_had)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "pkt[34]", -ENOENT },
		{ "pkt[33:2]", -ENOENT },
		{ "pkt[0xffffffff:4]", -ENOENT },
		{ "pkt[X * 100]", -ENOENT },
		{ "nr", -ENOENT },
		{ "args[0]", -ENOENT },
		{ "A / 0", -EINVAL },
		{ "A % (X - 20)", -EINVAL },
	};
	struct cbpf_dbg *dbg = stopped();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cbpf_dbg_expr *e;
		uint64_t v;

		ck_assert_int_eq(cbpf_dbg_expr_parse(cases[i].text, &e, NULL), 0);
		ck_assert_msg(cbpf_dbg_expr_eval(dbg, e, &v) == cases[i].err, "%s", cases[i].text);
		cbpf_dbg_expr_free(e);
	}
	cbpf_dbg_free(dbg);
}
END_TEST

START_TEST(errors_are_located)
{
	static const struct {
		const char *text;
		unsigned col, len;
		const char *msg;
	} cases[] = {
		{ "", 1, 1, "expected a value at the end" },
		{ "A ==", 5, 1, "expected a value at the end" },
		{ "A == 0x800 )", 12, 1, "expected an operator or the end, not ')'" },
		{ "A == foo", 6, 3,
		  "unknown name 'foo' (A, X, M[i], pc, pkt[off:size], len, caplen, a metadata "
		  "field, nr, arch, ip, args[i])" },
		{ "M[16]", 3, 2, "scratch memory is M[0] to M[15]" },
		{ "M[x]", 3, 1, "expected an index, not 'x'" },
		{ "M 3", 3, 1, "expected '[', not '3'" },
		{ "args[6]", 6, 1, "a system call has args[0] to args[5]" },
		{ "pkt[12:3]", 8, 1, "a packet load is 1, 2 or 4 bytes" },
		{ "pkt[12", 7, 1, "expected ']' at the end" },
		{ "pkt[12:]", 8, 1, "expected a size (1, 2 or 4), not ']'" },
		{ "0x", 1, 2, "'0x' needs hexadecimal digits" },
		{ "12ab", 1, 4, "'12ab' is not a number" },
		{ "99999999999999999999", 1, 20, "number too large for 64 bits" },
		{ "(A", 3, 1, "expected ')' at the end" },
		{ "A < X < 3", 7, 1, "expected an operator or the end, not '<'" },
		{ "A == 1 &&", 10, 1, "expected a value at the end" },
		{ "A @ 1", 3, 1, "expected an operator or the end, not '@'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cbpf_diags d = { 0 };
		struct cbpf_dbg_expr *e = NULL;

		ck_assert_int_eq(cbpf_dbg_expr_parse(cases[i].text, &e, &d), -EINVAL);
		ck_assert_ptr_null(e);
		ck_assert_uint_eq(d.n, 1);
		ck_assert_msg(!strcmp(d.v[0].msg, cases[i].msg), "%s: %s", cases[i].text,
			      d.v[0].msg);
		ck_assert_uint_eq(d.v[0].line, 1);
		ck_assert_msg(d.v[0].col == cases[i].col && d.v[0].len == cases[i].len,
			      "%s: col %u len %u", cases[i].text, d.v[0].col, d.v[0].len);
		cbpf_diags_free(&d);
	}
}
END_TEST

START_TEST(nesting_is_bounded)
{
	char deep[1024];
	struct cbpf_diags d = { 0 };
	struct cbpf_dbg_expr *e;
	size_t n = 0;

	for (int i = 0; i < 300; i++)
		deep[n++] = '(';
	deep[n++] = '1';
	for (int i = 0; i < 300; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	ck_assert_int_eq(cbpf_dbg_expr_parse(deep, &e, &d), -EINVAL);
	ck_assert_str_eq(d.v[0].msg, "expression nested too deeply");
	cbpf_diags_free(&d);
	memset(deep, '-', 500);
	strcpy(deep + 500, "1");
	ck_assert_int_eq(cbpf_dbg_expr_parse(deep, &e, &d), -EINVAL);
	cbpf_diags_free(&d);
	/* Long flat chains are fine. */
	n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "1+");
	strcpy(deep + n, "1");
	ck_assert_int_eq(cbpf_dbg_expr_parse(deep, &e, &d), 0);
	cbpf_dbg_expr_free(e);
}
END_TEST

Suite *dbg_expr_suite(void)
{
	Suite *s = suite_create("dbg_expr");
	TCase *tc = tcase_create("expr");

	tcase_add_test(tc, values_and_precedence);
	tcase_add_test(tc, values_that_cannot_be_had);
	tcase_add_test(tc, errors_are_located);
	tcase_add_test(tc, nesting_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
