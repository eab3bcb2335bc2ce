// SPDX-License-Identifier: MIT
/* The seccomp code generator: shape, sharing, relaxation, limits; annotation; install's checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"
#include "../tools/policy-model.h"

static struct cbpf_prog *compile(const char *src, const enum cbpf_arch *arches, size_t n,
				 struct cbpf_policy **polp)
{
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64,
					 .arches = arches,
					 .n_arches = n,
					 .kernel = "6.1",
					 .lenient = true };
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol;
	struct cbpf_prog *prog;

	ck_assert_int_eq(cbpf_policy_parse(src, strlen(src), &opts, &pol, &diags), 0);
	ck_assert_int_eq(cbpf_policy_gen(pol, &opts, &prog, &diags), 0);
	cbpf_diags_free(&diags);
	if (polp)
		*polp = pol;
	else
		cbpf_policy_free(pol);
	return prog;
}

static void assert_insn(const struct cbpf_prog *p, size_t pc, uint16_t code, uint8_t jt, uint8_t jf,
			uint32_t k)
{
	const struct cbpf_insn *in = &cbpf_prog_insns(p)[pc];

	ck_assert_msg(in->code == code && in->jt == jt && in->jf == jf && in->k == k,
		      "insn %zu is { %#x, %u, %u, %#x }", pc, in->code, in->jt, in->jf, in->k);
}

START_TEST(small_program)
{
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 };
	struct cbpf_prog *p = compile("read: 1\nwrite: 1\n", x86_64, 1, NULL);

	ck_assert_uint_eq(cbpf_prog_len(p), 9);
	ck_assert_int_eq(cbpf_prog_kind(p), CBPF_KIND_SECCOMP);
	assert_insn(p, 0, 0x20, 0, 0, 4);
	assert_insn(p, 1, 0x15, 0, 5, 0xc000003e);
	assert_insn(p, 2, 0x20, 0, 0, 0);
	assert_insn(p, 3, 0x35, 0, 2, 2);	   /* read, write: 0 and 1 */
	assert_insn(p, 4, 0x35, 0, 3, 0x40000000); /* x32 numbers: a bad arch */
	assert_insn(p, 5, 0x35, 2, 1, 0xffffffff); /* but -1 gets the default */
	assert_insn(p, 6, 0x06, 0, 0, 0x7fff0000);
	assert_insn(p, 7, 0x06, 0, 0, 0);
	assert_insn(p, 8, 0x06, 0, 0, 0x80000000);
	ck_assert_str_eq(cbpf_prog_comment(p, 0), "A = arch");
	ck_assert_str_eq(cbpf_prog_comment(p, 1), "arch == x86_64");
	ck_assert_str_eq(cbpf_prog_comment(p, 3), "nr >= 2 (open)");
	ck_assert_str_eq(cbpf_prog_comment(p, 6), "allow");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(no_comments)
{
	struct cbpf_policy_opts opts = { .no_comments = true, .host = CBPF_ARCH_X86_64 };
	struct cbpf_prog *p;

	ck_assert_int_eq(cbpf_policy_compile("read: 1\n", 8, &opts, &p, NULL), 0);
	for (size_t pc = 0; pc < cbpf_prog_len(p); pc++)
		ck_assert_ptr_null(cbpf_prog_comment(p, pc));
	cbpf_prog_free(p);
}
END_TEST

/* Every (arch, nr) and a few argument values give what the rules say. */
static void assert_meaning(const struct cbpf_policy *pol, const struct cbpf_prog *prog)
{
	static const uint32_t audits[] = { CBPF_AUDIT_ARCH_X86_64, CBPF_AUDIT_ARCH_I386,
					   CBPF_AUDIT_ARCH_AARCH64, CBPF_AUDIT_ARCH_ARM, 0 };
	static const uint64_t vals[] = { 0,
					 1,
					 2,
					 3,
					 4,
					 0xffffffff,
					 0x100000000ULL,
					 0x100000001ULL,
					 UINT64_MAX,
					 0x8000000000000000ULL };
	static const uint32_t far[] = { 0x3fffffff, 0x40000000, 0x40000001, 0x400001ff,
					0x80000000, 0xfffffffe, 0xffffffff };
	struct sim s;

	ck_assert_int_eq(sim_new(prog, &s), 0);
	for (size_t a = 0; a < sizeof(audits) / sizeof(audits[0]); a++)
		for (uint32_t i = 0; i < 480 + sizeof(far) / sizeof(far[0]); i++)
			for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
				struct sim_data d = { .arch = audits[a] };
				uint32_t want, got;

				d.nr = (int32_t)(i < 480 ? i : far[i - 480]);
				for (int x = 0; x < 6; x++)
					d.args[x] = vals[(v + (size_t)x) % 10];
				want = model_eval(pol, &d);
				got = sim_run(&s, &d, NULL);
				ck_assert_msg(got == want,
					      "arch %#x nr %#x args %#llx: %#x, want %#x", d.arch,
					      (uint32_t)d.nr, (unsigned long long)d.args[0], got,
					      want);
			}
	sim_free(&s);
}

START_TEST(arch_layouts)
{
	static const enum cbpf_arch x32[] = { CBPF_ARCH_X32 },
				    both[] = { CBPF_ARCH_X86_64, CBPF_ARCH_X32 },
				    all[] = { CBPF_ARCH_ARM, CBPF_ARCH_X86_64, CBPF_ARCH_I386,
					      CBPF_ARCH_X32, CBPF_ARCH_AARCH64 };
	static const char *const src =
		"@default trap\n"
		"read: 1\nwrite: arg0 == 1 || arg1 > 0x100000000; return 5\n"
		"close: arg2 in 0xff && arg3 & 0x100000000\n"
		"getpid: arg0 != -1\nmmap: arg5 < 7 && arg4 <= 0xffffffff0\n";
	const enum cbpf_arch *sets[] = { x32, both, all };
	size_t ns[] = { 1, 2, 5 };

	for (size_t i = 0; i < 3; i++) {
		struct cbpf_policy *pol;
		struct cbpf_prog *p = compile(src, sets[i], ns[i], &pol);

		assert_meaning(pol, p);
		cbpf_prog_free(p);
		cbpf_policy_free(pol);
	}
}
END_TEST

START_TEST(first_match)
{
	/* Conditional rules with different actions that no call meets together (overlapping ones
	 * are contradicting rules): each decides its calls. */
	static const char *const src = "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
				       "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
				       "  \"args\": [ { \"index\": 0, \"value\": 1, "
				       "\"op\": \"SCMP_CMP_EQ\" } ] },"
				       "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_LOG\", "
				       "  \"args\": [ { \"index\": 1, \"value\": 2, "
				       "\"op\": \"SCMP_CMP_LE\" }, { \"index\": 0, \"value\": 1, "
				       "\"op\": \"SCMP_CMP_NE\" } ] } ] }";
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 };
	struct cbpf_policy *pol;
	struct cbpf_prog *p = compile(src, x86_64, 1, &pol);
	struct sim s;
	struct sim_data d = { .arch = CBPF_AUDIT_ARCH_X86_64, .args = { 1, 0 } };

	ck_assert_int_eq(sim_new(p, &s), 0);
	ck_assert_uint_eq(sim_run(&s, &d, NULL), 0x00050001);
	d.args[0] = 0;
	ck_assert_uint_eq(sim_run(&s, &d, NULL), 0x7ffc0000);
	d.args[1] = 3;
	ck_assert_uint_eq(sim_run(&s, &d, NULL), 0x7fff0000);
	sim_free(&s);
	assert_meaning(pol, p);
	cbpf_prog_free(p);
	cbpf_policy_free(pol);
}
END_TEST

/*
 * The dispatch on nr in its shapes (search trees, chains of jeq before and after them, the x32
 * guard and -1 last): small random policies whose syscalls crowd a few numbers, with actions
 * that differ between neighbours, mean what their rules say. A chain that merged ranges into
 * one once left it to the jeq of a neighbour (podman's arm64 io_pgetevents got errno(38)).
 */
START_TEST(dispatch_shapes)
{
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 },
				    aarch64[] = { CBPF_ARCH_AARCH64 };
	static const char *const actions[] = { "1", "return 1", "return 38", "arg0 == 1",
					       "return 2" };
	static const char *const defaults[] = { "", "@default trap\n", "@default log\n" };
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int round = 0; round < 60; round++) {
		char src[4096];
		size_t len = 0;
		enum cbpf_arch arch = round % 2 ? CBPF_ARCH_AARCH64 : CBPF_ARCH_X86_64;
		uint32_t base = (uint32_t)(round % 5) * 40;
		struct cbpf_policy *pol;
		struct cbpf_prog *p;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		len += (size_t)snprintf(src + len, sizeof(src) - len, "%s",
					defaults[(seed >> 33) % 3]);
		for (uint32_t nr = base; nr < base + 48; nr++) {
			const char *name = cbpf_syscall_name(arch, nr);

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			if (!name || (seed >> 60) < 7) /* about half the numbers named */
				continue;
			len += (size_t)snprintf(src + len, sizeof(src) - len, "%s: %s\n", name,
						actions[(seed >> 33) % 5]);
		}
		if (!len)
			continue;
		p = compile(src, round % 2 ? aarch64 : x86_64, 1, &pol);
		assert_meaning(pol, p);
		cbpf_prog_free(p);
		cbpf_policy_free(pol);
	}
}
END_TEST

/*
 * A long filter for every architecture: the bad-architecture return, first jumped to from far
 * away, gets a copy near each jump; the original is left out, not left unreachable (the
 * validator warned about it for x86_64,i386,x32,aarch64,arm).
 */
START_TEST(no_unreachable_copies)
{
	static const enum cbpf_arch sets[][5] = {
		{ CBPF_ARCH_X86_64, CBPF_ARCH_I386, CBPF_ARCH_X32, CBPF_ARCH_AARCH64,
		  CBPF_ARCH_ARM },
		{ CBPF_ARCH_AARCH64, CBPF_ARCH_ARM, CBPF_ARCH_X32 },
		{ CBPF_ARCH_ARM, CBPF_ARCH_X86_64, CBPF_ARCH_I386, CBPF_ARCH_X32,
		  CBPF_ARCH_AARCH64 },
	};
	static const size_t n[] = { 5, 3, 5 };

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64,
						 .arches = sets[i],
						 .n_arches = n[i],
						 .kernel = "6.1" };
		struct cbpf_diags diags = { 0 };
		struct cbpf_prog *p;

		ck_assert_int_eq(cbpf_policy_compile_file("tests/cases/policy/docker-like.json",
							  &opts, &p, &diags),
				 0);
		ck_assert_int_eq(cbpf_check(p, CBPF_CHECK_SECCOMP, &diags), 0);
		ck_assert_msg(diags.n == 0, "set %zu: %s", i, diags.n ? diags.v[0].msg : "");
		cbpf_diags_free(&diags);
		cbpf_prog_free(p);
	}
}
END_TEST

/* Tests whose outcome the path already knows are left out: a repeated alternative, and an
 * unsatisfiable conjunction (its syscall then gets the default without a test). */
START_TEST(redundant_tests)
{
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 };
	struct cbpf_policy *pol;
	struct cbpf_prog *p = compile("read: arg0 == 1 || arg0 == 1\n"
				      "write: arg0 == 1 && arg0 == 2\n",
				      x86_64, 1, &pol);
	struct cbpf_prog *q = compile("read: arg0 == 1\n", x86_64, 1, NULL);

	ck_assert_uint_eq(cbpf_prog_len(p), cbpf_prog_len(q));
	for (size_t i = 0; i < cbpf_prog_len(p); i++)
		ck_assert_msg(!cbpf_prog_comment(p, i) ||
				      !strstr(cbpf_prog_comment(p, i), "write:"),
			      "insn %zu tests write's arguments", i);
	assert_meaning(pol, p);
	cbpf_prog_free(p);
	cbpf_prog_free(q);
	cbpf_policy_free(pol);
}
END_TEST

/* Conditional jumps reach at most 255 ahead: far ones go through copies or ja. */
static void assert_jumps_in_range(const struct cbpf_prog *p)
{
	const struct cbpf_insn *v = cbpf_prog_insns(p);
	size_t n = cbpf_prog_len(p);

	for (size_t pc = 0; pc < n; pc++) {
		if (CBPF_CLASS(v[pc].code) != CBPF_JMP)
			continue;
		if (CBPF_OP(v[pc].code) == CBPF_JA)
			ck_assert_uint_lt(pc + 1 + v[pc].k, n);
		else
			ck_assert_uint_lt(pc + 1 + (v[pc].jt > v[pc].jf ? v[pc].jt : v[pc].jf), n);
	}
	ck_assert_uint_eq(CBPF_CLASS(v[n - 1].code), CBPF_RET);
}

static char *many_rules(size_t count, unsigned conds)
{
	char *buf = NULL;
	size_t len = 0, used = 0;
	FILE *f = open_memstream(&buf, &len);

	fprintf(f, "@default kill-process\n");
	for (size_t i = 0; i < cbpf_syscall_count() && used < count; i++) {
		const char *name = cbpf_syscall_at(i);
		uint32_t nr;

		if (cbpf_syscall_nr(CBPF_ARCH_X86_64, name, &nr))
			continue;
		fprintf(f, "%s: ", name);
		for (unsigned c = 0; c < conds; c++)
			fprintf(f, "%sarg%u == %#llx", c ? " || " : "", c % 6,
				(unsigned long long)(0x100000000ULL * (i + 1) + c * 7 + i));
		fprintf(f, "; return %zu\n", 1 + i % 40);
		used++;
	}
	fclose(f);
	return buf;
}

START_TEST(long_jumps)
{
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 };
	char *src = many_rules(200, 3);
	struct cbpf_policy *pol;
	struct cbpf_prog *p = compile(src, x86_64, 1, &pol);
	size_t rets = 0;

	ck_assert_uint_gt(cbpf_prog_len(p), 1000);
	assert_jumps_in_range(p);
	for (size_t pc = 0; pc < cbpf_prog_len(p); pc++) {
		rets += CBPF_CLASS(cbpf_prog_insns(p)[pc].code) == CBPF_RET;
	}
	ck_assert_uint_gt(rets, 41); /* returns copied near far jumps */
	assert_meaning(pol, p);
	cbpf_prog_free(p);
	cbpf_policy_free(pol);
	free(src);
}
END_TEST

/* A statement of 200 comparisons (no fixed limit): each value once, every other one refused. */
START_TEST(long_statement)
{
	static const enum cbpf_arch x86_64[] = { CBPF_ARCH_X86_64 };
	size_t size = 200 * 24 + 64, len = 0;
	char *src = malloc(size);
	struct cbpf_prog *prog;
	struct sim s;

	ck_assert_ptr_nonnull(src);
	len += (size_t)snprintf(src + len, size - len, "ioctl: ");
	for (unsigned i = 1; i <= 200; i++)
		len += (size_t)snprintf(src + len, size - len, "arg1 == %u%s", i * 3,
					i < 200 ? " || " : "; return ENOTTY\n");
	prog = compile(src, x86_64, 1, NULL);
	ck_assert_int_eq(sim_new(prog, &s), 0);
	for (uint64_t v = 0; v <= 603; v++) {
		struct sim_data d = { .arch = CBPF_AUDIT_ARCH_X86_64, .nr = 16 /* ioctl */ };
		bool listed = v % 3 == 0 && v >= 3 && v <= 600;

		d.args[1] = v;
		ck_assert_msg(sim_run(&s, &d, NULL) == (listed ? CBPF_SECCOMP_RET_ALLOW
							       : CBPF_SECCOMP_RET_ERRNO | 25),
			      "arg1 %llu", (unsigned long long)v);
	}
	sim_free(&s);
	cbpf_prog_free(prog);
	free(src);
}
END_TEST

START_TEST(one_ret_per_action)
{
	static const enum cbpf_arch arches[] = { CBPF_ARCH_X86_64, CBPF_ARCH_I386 };
	struct cbpf_prog *p = compile("read: 1\nwrite: 1\nopen: return 1\nclose: return 1\n"
				      "stat: arg0 == 1; return 2\nfstat: arg0 == 1; return 2\n",
				      arches, 2, NULL);
	size_t rets = 0;

	for (size_t pc = 0; pc < cbpf_prog_len(p); pc++)
		rets += CBPF_CLASS(cbpf_prog_insns(p)[pc].code) == CBPF_RET;
	/* allow, errno(1), errno(2), kill_process, and kill_thread for a bad arch */
	ck_assert_uint_eq(rets, 5);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(too_big)
{
	static const enum cbpf_arch arches[] = { CBPF_ARCH_X86_64 };
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64,
					 .arches = arches,
					 .n_arches = 1 };
	struct cbpf_diags diags = { 0 };
	char *src = many_rules(400, 6);
	struct cbpf_prog *p = NULL;

	ck_assert_int_eq(cbpf_policy_compile(src, strlen(src), &opts, &p, &diags), -E2BIG);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(diags.errors, 1);
	ck_assert_ptr_nonnull(strstr(diags.v[0].msg, "more than the kernel's 4096"));
	cbpf_diags_free(&diags);
	free(src);
}
END_TEST

START_TEST(annotate)
{
	/* what libseccomp exports for an x86_64 + x32 filter */
	static const struct cbpf_insn v[] = {
		{ 0x20, 0, 0, 4 }, { 0x15, 0, 6, 0xc000003e }, { 0x20, 0, 0, 0 },
		{ 0x15, 3, 0, 1 }, { 0x15, 2, 0, 0x40000001 }, { 0x20, 0, 0, 0x14 },
		{ 0x25, 1, 0, 7 }, { 0x06, 0, 0, 0x00050001 }, { 0x06, 0, 0, 0x7fff0000 },
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 9);

	ck_assert_int_eq(cbpf_prog_set_comment(p, 8, "mine"), 0);
	ck_assert_int_eq(cbpf_seccomp_annotate(p, CBPF_ARCH_NONE), 0);
	ck_assert_str_eq(cbpf_prog_comment(p, 0), "A = arch");
	ck_assert_str_eq(cbpf_prog_comment(p, 1), "arch == x86_64");
	ck_assert_str_eq(cbpf_prog_comment(p, 2), "A = nr");
	ck_assert_str_eq(cbpf_prog_comment(p, 3), "nr == write");
	ck_assert_str_eq(cbpf_prog_comment(p, 4), "nr == x32 write");
	ck_assert_str_eq(cbpf_prog_comment(p, 5), "A = arg0 (high word)");
	ck_assert_ptr_null(cbpf_prog_comment(p, 6));
	ck_assert_str_eq(cbpf_prog_comment(p, 7), "errno(1)");
	ck_assert_str_eq(cbpf_prog_comment(p, 8), "mine");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(annotate_x32_bit)
{
	/* libseccomp's x86_64 section: numbers from the x32 bit up are not x86_64's; a compare
	 * with the bit itself is where they start, not x32's read */
	static const struct cbpf_insn v[] = {
		{ 0x20, 0, 0, 4 },	    { 0x15, 0, 4, 0xc000003e }, { 0x20, 0, 0, 0 },
		{ 0x35, 3, 0, 0x40000000 }, { 0x35, 2, 0, 0x40000027 }, { 0x15, 1, 0, 0x27 },
		{ 0x06, 0, 0, 0x7fff0000 }, { 0x06, 0, 0, 0 },
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 8);

	ck_assert_int_eq(cbpf_seccomp_annotate(p, CBPF_ARCH_NONE), 0);
	ck_assert_str_eq(cbpf_prog_comment(p, 3), "nr >= 0x40000000 (__X32_SYSCALL_BIT)");
	ck_assert_str_eq(cbpf_prog_comment(p, 4), "nr >= 1073741863 (x32 getpid)");
	ck_assert_str_eq(cbpf_prog_comment(p, 5), "nr == getpid");
	cbpf_prog_free(p);
}
END_TEST

START_TEST(annotate_unchecked_arch)
{
	/* no arch check: names come from the assumed arch; jumps past the end are ignored */
	static const struct cbpf_insn v[] = {
		{ 0x20, 0, 0, 0 },
		{ 0x15, 0, 200, 59 },
		{ 0x06, 0, 0, 0 },
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 3), *q = cbpf_prog_new(v, 3);

	ck_assert_int_eq(cbpf_seccomp_annotate(p, CBPF_ARCH_AARCH64), 0);
	ck_assert_str_eq(cbpf_prog_comment(p, 1), "nr == pipe2");
	ck_assert_int_eq(cbpf_seccomp_annotate(q, CBPF_ARCH_NONE), 0);
	ck_assert_ptr_null(cbpf_prog_comment(q, 1));
	cbpf_prog_free(p);
	cbpf_prog_free(q);
}
END_TEST

START_TEST(annotate_unknown_jump)
{
	/* An opcode of the jump class the kernel does not know (0x55) compares nothing: no
	 * "nr & 59"; jset's '&' is the real operation */
	static const struct cbpf_insn v[] = {
		{ 0x20, 0, 0, 0 },	    { 0x55, 0, 1, 59 }, { 0x20, 0, 0, 4 },
		{ 0x45, 0, 1, 0xc000003e }, { 0x06, 0, 0, 0 },	{ 0x06, 0, 0, 0x7fff0000 },
	};
	struct cbpf_prog *p = cbpf_prog_new(v, 6);

	ck_assert_int_eq(cbpf_seccomp_annotate(p, CBPF_ARCH_X86_64), 0);
	ck_assert_ptr_null(cbpf_prog_comment(p, 1));
	ck_assert_str_eq(cbpf_prog_comment(p, 2), "A = arch");
	ck_assert_str_eq(cbpf_prog_comment(p, 3), "arch & x86_64");
	cbpf_prog_free(p);
}
END_TEST

/* The commented program written as bpf_asm source assembles back to the same instructions. */
START_TEST(asm_round_trip)
{
	static const enum cbpf_arch arches[] = { CBPF_ARCH_X86_64, CBPF_ARCH_X32, CBPF_ARCH_ARM };
	struct cbpf_write_opts wopts = { .comments = true };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *p, *back = NULL;
	char *src = many_rules(60, 2), *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	p = compile(src, arches, 3, NULL);
	ck_assert_int_eq(cbpf_prog_write(f, p, CBPF_FORM_ASM, &wopts), 0);
	fclose(f);
	ck_assert_int_eq(cbpf_asm_parse(text, len, NULL, &back, &diags), 0);
	ck_assert_uint_eq(cbpf_prog_len(back), cbpf_prog_len(p));
	ck_assert_mem_eq(cbpf_prog_insns(back), cbpf_prog_insns(p),
			 cbpf_prog_len(p) * sizeof(struct cbpf_insn));
	ck_assert_int_eq(cbpf_check(p, CBPF_CHECK_SECCOMP, &diags), 0);
	cbpf_diags_free(&diags);
	cbpf_prog_free(back);
	cbpf_prog_free(p);
	free(text);
	free(src);
}
END_TEST

START_TEST(install_refuses_before_the_kernel)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *empty = cbpf_prog_new(NULL, 0);
	struct cbpf_insn ret = { CBPF_RET | CBPF_K, 0, 0, 0 };
	struct cbpf_insn *big = calloc(5000, sizeof(*big));
	struct cbpf_prog *huge;

	for (size_t i = 0; i < 5000; i++)
		big[i] = ret;
	huge = cbpf_prog_new(big, 5000);
	ck_assert_int_eq(cbpf_seccomp_install(empty, 0, NULL, &diags), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_install(huge, 0, NULL, &diags), -E2BIG);
	ck_assert_uint_eq(diags.errors, 2);
	cbpf_diags_free(&diags);
	cbpf_prog_free(empty);
	cbpf_prog_free(huge);
	free(big);
}
END_TEST

Suite *policy_gen_suite(void)
{
	Suite *s = suite_create("policy_gen");
	TCase *tc = tcase_create("policy_gen");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, small_program);
	tcase_add_test(tc, no_comments);
	tcase_add_test(tc, arch_layouts);
	tcase_add_test(tc, first_match);
	tcase_add_test(tc, dispatch_shapes);
	tcase_add_test(tc, long_jumps);
	tcase_add_test(tc, long_statement);
	tcase_add_test(tc, no_unreachable_copies);
	tcase_add_test(tc, redundant_tests);
	tcase_add_test(tc, one_ret_per_action);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, annotate);
	tcase_add_test(tc, annotate_unchecked_arch);
	tcase_add_test(tc, annotate_unknown_jump);
	tcase_add_test(tc, annotate_x32_bit);
	tcase_add_test(tc, asm_round_trip);
	tcase_add_test(tc, install_refuses_before_the_kernel);
	suite_add_tcase(s, tc);
	return s;
}
