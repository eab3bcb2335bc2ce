// SPDX-License-Identifier: MIT
/* The model of seccomp filters: value sets, paths, explain, audit, diff, decompile. */
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "seccomp/symex.h"
#include "unit.h"

/* A program from bpf_asm source. */
static struct cbpf_prog *assemble(const char *src)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;

	ck_assert_int_eq(cbpf_asm_parse(src, strlen(src), NULL, &prog, &diags), 0);
	cbpf_diags_free(&diags);
	return prog;
}

static struct cbpf_seccomp_model *model(const char *src)
{
	struct cbpf_prog *prog = assemble(src);
	struct cbpf_diags diags = { 0 };
	struct cbpf_seccomp_model *m = NULL;

	ck_assert_int_eq(cbpf_seccomp_model_new(prog, &m, &diags), 0);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return m;
}

/* What fn writes, as a string the caller frees. */
static char *explained(const struct cbpf_seccomp_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cbpf_seccomp_explain(f, m), 0);
	fclose(f);
	return buf;
}

static const char allow_read[] = "ld [4]\n"
				 "jeq #0xc000003e, x86, kill\n"
				 "x86: ld [0]\n"
				 "jeq #0, allow, kill\n"
				 "allow: ret #0x7fff0000\n"
				 "kill: ret #0\n";

START_TEST(sets)
{
	struct iset s;

	ck_assert_int_eq(iset_full(&s), 0);
	ck_assert(iset_is_full(&s));
	ck_assert_int_eq(iset_clip(&s, 10, 20, false), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(iset_has(&s, 9) && !iset_has(&s, 10) && !iset_has(&s, 20) && iset_has(&s, 21));
	ck_assert_int_eq(iset_clip(&s, 5, 30, true), 0);
	ck_assert_uint_eq(iset_count(&s), 5 + 10);
	ck_assert_int_eq(iset_clip(&s, 0, UINT32_MAX, false), 0);
	ck_assert_uint_eq(s.n, 0);
	iset_fini(&s);
}
END_TEST

START_TEST(paths_and_eval)
{
	struct cbpf_seccomp_model *m = model(allow_read);
	uint64_t args[6] = { 0 };

	ck_assert_uint_eq(cbpf_seccomp_model_paths(m), 3);
	ck_assert_uint_eq(cbpf_seccomp_model_eval(m, 0, 0xc000003e, 0, args), 0x7fff0000);
	ck_assert_uint_eq(cbpf_seccomp_model_eval(m, 1, 0xc000003e, 0, args), 0);
	ck_assert_uint_eq(cbpf_seccomp_model_eval(m, 0, 0x40000003, 0, args), 0);
	cbpf_seccomp_model_free(m);
}
END_TEST

/* A mask of high bits is a range of the word (libseccomp's and cbpf's ranges). */
START_TEST(prefix_masks)
{
	struct cbpf_seccomp_model *m = model("ld [16]\n"
					     "and #0xfffffff0\n"
					     "jeq #0x100, hit, miss\n"
					     "hit: ret #0x7fff0000\n"
					     "miss: ret #0\n");

	ck_assert_uint_eq(cbpf_seccomp_model_paths(m), 2);
	ck_assert_uint_eq(m->paths[0].w[4].n, 1);
	ck_assert_uint_eq(m->paths[0].w[4].v[0], 0x100);
	ck_assert_uint_eq(m->paths[0].w[4].v[1], 0x10f);
	ck_assert_uint_eq(m->paths[0].nm, 0);
	cbpf_seccomp_model_free(m);
}
END_TEST

/* Contradicting masked tests leave no path. */
START_TEST(masks_contradict)
{
	struct cbpf_seccomp_model *m = model("ld [16]\n"
					     "jset #4, one, miss\n"
					     "one: jset #2, two, miss\n"
					     "two: and #6\n"
					     "jeq #4, never, miss\n"
					     "never: ret #0x7fff0000\n"
					     "miss: ret #0\n");

	for (size_t i = 0; i < m->n; i++)
		ck_assert_uint_ne(m->paths[i].action, 0x7fff0000);
	cbpf_seccomp_model_free(m);
}
END_TEST

START_TEST(explain_table)
{
	struct cbpf_seccomp_model *m = model(allow_read);
	char *text = explained(m);

	ck_assert_ptr_nonnull(strstr(text, "arch x86_64 (0xc000003e):\n"));
	ck_assert_ptr_nonnull(strstr(text, "  0     read                     allow\n"));
	ck_assert_ptr_nonnull(strstr(text, "other architectures:\n  every number"));
	free(text);
	cbpf_seccomp_model_free(m);
}
END_TEST

START_TEST(diff_and_audit)
{
	struct cbpf_seccomp_model *a = model(allow_read), *b = model("ld [4]\n"
								     "jeq #0xc000003e, x86, kill\n"
								     "x86: ld [0]\n"
								     "jeq #1, allow, kill\n"
								     "allow: ret #0x7fff0000\n"
								     "kill: ret #0\n");
	struct cbpf_prog *p = assemble("ld [0]\njeq #1, allow, kill\nallow: ret "
				       "#0x7fff0000\nkill: ret #0\n");
	struct cbpf_seccomp_model *np = NULL;
	struct cbpf_diags diags = { 0 };
	bool differs = true;
	size_t found = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(cbpf_seccomp_diff(f, a, a, &differs), 0);
	ck_assert(!differs);
	ck_assert_int_eq(cbpf_seccomp_diff(f, a, b, &differs), 0);
	ck_assert(differs);
	fclose(f);
	ck_assert_str_eq(buf,
			 "x86_64 read: allow | kill_thread\nx86_64 write: kill_thread | allow\n");
	free(buf);
	ck_assert_int_eq(cbpf_seccomp_model_new(p, &np, &diags), 0);
	ck_assert_int_eq(cbpf_seccomp_audit(p, np, &found, &diags), 0);
	ck_assert_uint_ge(found, 1);
	ck_assert_ptr_nonnull(strstr(diags.v[0].msg, "no architecture check"));
	cbpf_diags_free(&diags);
	cbpf_seccomp_model_free(np);
	cbpf_prog_free(p);
	cbpf_seccomp_model_free(a);
	cbpf_seccomp_model_free(b);
}
END_TEST

/* Loads outside seccomp_data and paths past the end are located errors. */
START_TEST(refusals)
{
	struct cbpf_insn fall[] = { { 0x20, 0, 0, 4 },
				    { 0x15, 0, 1, 0xc000003e },
				    { 0x06, 0, 0, 0 } };
	struct cbpf_insn far[] = { { 0x20, 0, 0, 64 }, { 0x06, 0, 0, 0 } };
	struct cbpf_prog *p = cbpf_prog_new(fall, 3), *q = cbpf_prog_new(far, 2);
	struct cbpf_seccomp_model *m = NULL;
	struct cbpf_diags diags = { 0 };

	/* jf 1 from insn 1 lands past the end. */
	ck_assert_int_eq(cbpf_seccomp_model_new(p, &m, &diags), -EINVAL);
	ck_assert_ptr_nonnull(strstr(diags.v[0].msg, "never returns"));
	cbpf_diags_free(&diags);
	ck_assert_int_eq(cbpf_seccomp_model_new(q, &m, &diags), -EINVAL);
	ck_assert_int_eq(diags.v[0].insn, 0);
	ck_assert_ptr_nonnull(strstr(diags.v[0].msg, "outside"));
	cbpf_diags_free(&diags);
	cbpf_prog_free(p);
	cbpf_prog_free(q);
}
END_TEST

Suite *explain_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("explain");

	tcase_add_test(tc, sets);
	tcase_add_test(tc, paths_and_eval);
	tcase_add_test(tc, prefix_masks);
	tcase_add_test(tc, masks_contradict);
	tcase_add_test(tc, explain_table);
	tcase_add_test(tc, diff_and_audit);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}
