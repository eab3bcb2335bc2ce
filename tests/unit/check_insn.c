// SPDX-License-Identifier: MIT
/* The opcode table and the program object. */
#include <string.h>

#include "cbpf.h"
#include "classic/insn_int.h"
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
	/* Exactly the eight codes of the opcode table: not 0x55 or 0x0115, which the kernel does
	 * not know although their class is JMP and their op is not JA. */
	for (unsigned code = 0; code < 0x10000; code++) {
		struct cbpf_insn in = { (uint16_t)code, 1, 2, 3 };
		const struct cbpf_opcode_info *info = cbpf_opcode_lookup((uint16_t)code);
		bool cond = info &&
			    (info->operand == CBPF_OPND_JMP_K || info->operand == CBPF_OPND_JMP_X);

		ck_assert_int_eq(cbpf_insn_is_cond_jump(&in), cond);
	}
	ck_assert(!cbpf_insn_is_cond_jump(&(struct cbpf_insn){ 0x55, 1, 2, 3 }));
	ck_assert(cbpf_insn_is_cond_jump(&(struct cbpf_insn){ CBPF_JMP | CBPF_JSET, 1, 2, 3 }));
}
END_TEST

/* Where control goes after an instruction (classic/insn.c), from the opcode table. */
START_TEST(successors)
{
	const struct cbpf_insn ret = { CBPF_RET | CBPF_K, 0, 0, 1 };
	const struct cbpf_insn ja = { CBPF_JMP | CBPF_JA, 0, 0, 3 };
	const struct cbpf_insn ja_max = { CBPF_JMP | CBPF_JA, 0, 0, ~0u };
	const struct cbpf_insn jgt = { CBPF_JMP | CBPF_JGT | CBPF_X, 4, 4, 0 };
	const struct cbpf_insn ld = { CBPF_LD | CBPF_IMM, 7, 9, 0 };
	const struct cbpf_insn unknown = { 0x55, 7, 9, 0 };
	const struct cbpf_insn ret_x = { CBPF_RET | CBPF_X, 0, 0, 0 };
	uint64_t t[2];

	ck_assert_uint_eq(insn_successors(&ret, 4, t), 0);
	ck_assert_uint_eq(insn_successors(&ja, 2, t), 1);
	ck_assert_uint_eq(t[0], 6);
	/* ja's k is unsigned in the kernel: no wrap to a backward jump. */
	ck_assert_uint_eq(insn_successors(&ja_max, 0, t), 1);
	ck_assert_uint_eq(t[0], 1ull << 32);
	/* Both targets of a conditional jump, even when they are the same. */
	ck_assert_uint_eq(insn_successors(&jgt, 1, t), 2);
	ck_assert_uint_eq(t[0], 6);
	ck_assert_uint_eq(t[1], 6);
	ck_assert_uint_eq(insn_successors(&ld, 5, t), 1);
	ck_assert_uint_eq(t[0], 6);
	/* An unknown opcode is no jump: it cannot run, and nothing follows it but pc + 1. */
	ck_assert_uint_eq(insn_successors(&unknown, 5, t), 1);
	ck_assert_uint_eq(t[0], 6);
	ck_assert(insn_is_jump(&ja) && insn_is_jump(&jgt));
	ck_assert(!insn_is_jump(&unknown) && !insn_is_jump(&ld));
	ck_assert(insn_is_ret(&ret) && !insn_is_ret(&ret_x));
}
END_TEST

/* One table of the ancillary loads' names (classic/insn.c), as bpf_asm and libpcap spell them. */
START_TEST(ancillary_names)
{
	size_t n;
	const struct insn_anc *t = insn_anc_table(&n);

	ck_assert_uint_eq(n, CBPF_AD_MAX / 4);
	ck_assert_str_eq(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_PROTOCOL)->bpf_asm, "proto");
	ck_assert_ptr_eq(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_VLAN_TPID), &t[n - 1]);
	ck_assert_ptr_null(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_ALU_XOR_X)->bpf_asm);
	ck_assert_str_eq(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_ALU_XOR_X)->pcap, "xor_x");
	ck_assert_str_eq(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_VLAN_TAG_PRESENT)->alias,
			 "vlan_pr");
	ck_assert_str_eq(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_RANDOM)->pcap, "random");
	ck_assert_ptr_null(insn_anc((uint32_t)CBPF_AD_OFF + 2));
	ck_assert_ptr_null(insn_anc((uint32_t)CBPF_AD_OFF + CBPF_AD_MAX));
	ck_assert_ptr_null(insn_anc((uint32_t)CBPF_AD_OFF - 4));
	ck_assert_ptr_null(insn_anc(12));
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
	tcase_add_test(tc, successors);
	tcase_add_test(tc, ancillary_names);
	tcase_add_test(tc, prog_copies_and_comments);
	suite_add_tcase(s, tc);
	return s;
}
