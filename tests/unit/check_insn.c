// SPDX-License-Identifier: MIT
/* The opcode table and the program object. */
#include <string.h>

#include "cbpf.h"
#include "unit.h"

START_TEST(table_is_sorted_and_findable)
{
	size_t n;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);

	ck_assert_uint_eq(n, 49);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ck_assert_uint_lt(t[i - 1].code, t[i].code);
		ck_assert_ptr_eq(cbpf_opcode_lookup(t[i].code), &t[i]);
		ck_assert_ptr_nonnull(t[i].name);
		ck_assert(t[i].flags & CBPF_OPF_SOCKET);
	}
}
END_TEST

START_TEST(unknown_opcodes_are_absent)
{
	/* RET|X, LD|H|LEN and a code with high bits set are not classic instructions. */
	ck_assert_ptr_null(cbpf_opcode_lookup(CBPF_RET | CBPF_X));
	ck_assert_ptr_null(cbpf_opcode_lookup(CBPF_LD | CBPF_H | CBPF_LEN));
	ck_assert_ptr_null(cbpf_opcode_lookup(0x0128));
}
END_TEST

START_TEST(seccomp_subset)
{
	ck_assert(cbpf_opcode_lookup(CBPF_LD | CBPF_W | CBPF_ABS)->flags & CBPF_OPF_SECCOMP);
	ck_assert(!(cbpf_opcode_lookup(CBPF_LD | CBPF_H | CBPF_ABS)->flags & CBPF_OPF_SECCOMP));
	ck_assert(!(cbpf_opcode_lookup(CBPF_ALU | CBPF_MOD | CBPF_K)->flags & CBPF_OPF_SECCOMP));
	ck_assert(!(cbpf_opcode_lookup(CBPF_LDX | CBPF_B | CBPF_MSH)->flags & CBPF_OPF_SECCOMP));
}
END_TEST

START_TEST(cond_jumps)
{
	struct cbpf_insn ja = { CBPF_JMP | CBPF_JA, 0, 0, 3 };
	struct cbpf_insn jeq = { CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 3 };
	struct cbpf_insn ret = { CBPF_RET | CBPF_K, 0, 0, 0 };

	ck_assert(!cbpf_insn_is_cond_jump(&ja));
	ck_assert(cbpf_insn_is_cond_jump(&jeq));
	ck_assert(!cbpf_insn_is_cond_jump(&ret));
}
END_TEST

START_TEST(prog_copies_and_comments)
{
	struct cbpf_insn insns[] = { { 0x28, 0, 0, 12 }, { 0x06, 0, 0, 0xffff } };
	struct cbpf_prog *p = cbpf_prog_new(insns, 2), *q;

	ck_assert_ptr_nonnull(p);
	insns[0].k = 99; /* the program owns a copy */
	ck_assert_uint_eq(cbpf_prog_insns(p)[0].k, 12);
	ck_assert_uint_eq(cbpf_prog_len(p), 2);
	ck_assert_ptr_null(cbpf_prog_srcloc(p, 0));
	ck_assert_int_eq(cbpf_prog_set_comment(p, 1, "allow"), 0);
	ck_assert_int_eq(cbpf_prog_set_comment(p, 2, "out of range"), -EINVAL);
	cbpf_prog_set_kind(p, CBPF_KIND_SECCOMP);
	q = cbpf_prog_dup(p);
	cbpf_prog_free(p);
	ck_assert_str_eq(cbpf_prog_comment(q, 1), "allow");
	ck_assert_ptr_null(cbpf_prog_comment(q, 0));
	ck_assert_int_eq(cbpf_prog_kind(q), CBPF_KIND_SECCOMP);
	cbpf_prog_free(q);
	cbpf_prog_free(NULL);
}
END_TEST

Suite *insn_suite(void)
{
	Suite *s = suite_create("insn");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, table_is_sorted_and_findable);
	tcase_add_test(tc, unknown_opcodes_are_absent);
	tcase_add_test(tc, seccomp_subset);
	tcase_add_test(tc, cond_jumps);
	tcase_add_test(tc, prog_copies_and_comments);
	suite_add_tcase(s, tc);
	return s;
}
