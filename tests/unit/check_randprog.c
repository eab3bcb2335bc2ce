// SPDX-License-Identifier: MIT
/* The random program generator: reproducible, every opcode, each mutation breaking its rule. */
#include <string.h>

#include "cbpf.h"
#include "randprog.h"
#include "unit.h"

#define SEEDS 150

START_TEST(reproducible)
{
	for (uint64_t seed = 0; seed < 50; seed++) {
		struct randprog_opts o = { seed, 0, seed & 1, RANDPROG_SHAPE_ANY,
					   (enum randprog_mutation)(seed % RANDPROG_NMUTATIONS) };
		long at1, at2;
		struct cbpf_prog *a = randprog_new(&o, &at1), *b = randprog_new(&o, &at2);

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(cbpf_prog_len(a), cbpf_prog_len(b));
		ck_assert_int_eq(at1, at2);
		if (cbpf_prog_len(a))
			ck_assert_mem_eq(cbpf_prog_insns(a), cbpf_prog_insns(b),
					 cbpf_prog_len(a) * sizeof(struct cbpf_insn));
		cbpf_prog_free(a);
		cbpf_prog_free(b);
	}
}
END_TEST

START_TEST(lengths)
{
	for (size_t len = 1; len <= 40; len++) {
		struct randprog_opts o = { len, len, len & 1, RANDPROG_SHAPE_ANY, RANDPROG_VALID };
		struct cbpf_prog *p = randprog_new(&o, NULL);

		ck_assert_uint_eq(cbpf_prog_len(p), len);
		cbpf_prog_free(p);
	}
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct randprog_opts o = { seed, 4096, seed & 1, RANDPROG_SHAPE_ANY,
					   (enum randprog_mutation)(1 + seed % 8) };
		struct cbpf_prog *p = randprog_new(&o, NULL);

		/* Mutating a full-length program never makes it too long. */
		ck_assert_uint_eq(cbpf_prog_len(p), 4096);
		cbpf_prog_free(p);
	}
}
END_TEST

/* Valid programs use every opcode the mode allows, and nothing else. */
static void coverage(bool seccomp)
{
	bool seen[0x10000] = { false };
	size_t n, count = 0;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);

	for (uint64_t seed = 0; seed < 400; seed++) {
		struct randprog_opts o = { seed, 0, seccomp,
					   (enum randprog_shape)(seed % RANDPROG_NSHAPES),
					   RANDPROG_VALID };
		struct cbpf_prog *p = randprog_new(&o, NULL);
		const struct cbpf_insn *v = cbpf_prog_insns(p);

		for (size_t i = 0; i < cbpf_prog_len(p); i++)
			seen[v[i].code] = true;
		cbpf_prog_free(p);
	}
	for (size_t i = 0; i < n; i++) {
		bool allowed = !seccomp || (t[i].flags & CBPF_OPF_SECCOMP);

		ck_assert_msg(seen[t[i].code] == allowed, "opcode 0x%02x (%s): seen %d", t[i].code,
			      t[i].name, seen[t[i].code]);
		count += seen[t[i].code];
	}
	for (size_t code = 0; code < 0x10000; code++)
		count -= seen[code];
	ck_assert_uint_eq(count, 0); /* no unknown code */
}

START_TEST(every_socket_opcode)
{
	coverage(false);
}
END_TEST

START_TEST(every_seccomp_opcode)
{
	coverage(true);
}
END_TEST

/* Whether diags hold an error at insn. */
static bool error_at(const struct cbpf_diags *diags, long insn)
{
	for (size_t i = 0; i < diags->n; i++)
		if (diags->v[i].severity == CBPF_SEV_ERROR && diags->v[i].insn == insn)
			return true;
	return false;
}

/* Each mutation, made in both modes and checked in both: the verdict randprog promises. */
START_TEST(mutations_break_their_rule)
{
	enum randprog_mutation m = (enum randprog_mutation)_i;

	for (uint64_t seed = 0; seed < SEEDS; seed++) {
		for (int gen = 0; gen < 2; gen++) {
			struct randprog_opts o = { seed * 31 + (uint64_t)m, 0, gen,
						   RANDPROG_SHAPE_ANY, m };
			long at;
			struct cbpf_prog *p = randprog_new(&o, &at);

			ck_assert_ptr_nonnull(p);
			for (int mode = 0; mode < 2; mode++) {
				struct cbpf_diags diags = { 0 };
				int want = randprog_expect(&o, (enum cbpf_check_mode)mode);
				int ret = cbpf_check(p, (enum cbpf_check_mode)mode, &diags);

				ck_assert(ret == 0 || ret == -EINVAL);
				if (want >= 0)
					ck_assert_msg((ret == 0) == want,
						      "%s seed %llu gen %d mode %d: ret %d",
						      randprog_mutation_name(m),
						      (unsigned long long)o.seed, gen, mode, ret);
				/* As seccomp filters, jump-far programs fail at their loads first.
				 */
				if (ret && want == 0 &&
				    !(m == RANDPROG_JUMP_FAR && mode == CBPF_CHECK_SECCOMP))
					ck_assert_msg(error_at(&diags, at),
						      "%s seed %llu: no error at %ld",
						      randprog_mutation_name(m),
						      (unsigned long long)o.seed, at);
				cbpf_diags_free(&diags);
			}
			cbpf_prog_free(p);
		}
	}
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(randprog_mutation_name(RANDPROG_VALID), "valid");
	ck_assert_str_eq(randprog_mutation_name(RANDPROG_JUMP_FAR), "jump-far");
	ck_assert_str_eq(randprog_mutation_name(RANDPROG_NMUTATIONS), "?");
	ck_assert_str_eq(randprog_shape_name(RANDPROG_SHAPE_FILTER), "filter");
}
END_TEST

Suite *randprog_suite(void)
{
	Suite *s = suite_create("randprog");
	TCase *tc = tcase_create("generate");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reproducible);
	tcase_add_test(tc, lengths);
	tcase_add_test(tc, every_socket_opcode);
	tcase_add_test(tc, every_seccomp_opcode);
	tcase_add_loop_test(tc, mutations_break_their_rule, 0, RANDPROG_NMUTATIONS);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}
