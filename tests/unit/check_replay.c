// SPDX-License-Identifier: MIT
/* Replay: traces run through a policy's filter, denials grouped, rules and instructions counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

static const char policy_src[] = "read: 1\n"
				 "close: 1\n"
				 "socket: arg0 == AF_UNIX || arg0 == AF_INET6\n"
				 "mkdir: return EPERM\n";

struct fixture {
	struct cbpf_policy *pol;
	struct cbpf_prog *prog;
};

static void compile(struct fixture *f)
{
	static const enum cbpf_arch x86_64 = CBPF_ARCH_X86_64;
	struct cbpf_policy_opts opts = { .file = "p.policy", .arches = &x86_64, .n_arches = 1 };
	struct cbpf_diags d = { 0 };

	ck_assert_int_eq(cbpf_policy_parse(policy_src, strlen(policy_src), &opts, &f->pol, &d), 0);
	ck_assert_int_eq(cbpf_policy_gen(f->pol, &opts, &f->prog, &d), 0);
	cbpf_diags_free(&d);
}

static void release(struct fixture *f)
{
	cbpf_prog_free(f->prog);
	cbpf_policy_free(f->pol);
}

static int replay(struct fixture *f, const char *src, enum cbpf_trace_form form,
		  struct cbpf_replay **out, struct cbpf_diags *d)
{
	struct cbpf_replay_opts o = { .policy = f->pol, .form = form, .file = "t.log" };

	return cbpf_replay_run(f->prog, src, strlen(src), &o, out, d);
}

START_TEST(strace_denials)
{
	static const char log[] = "7 read(0, \"x\", 1) = 1\n"
				  "7 socket(AF_INET, SOCK_DGRAM, 0) = 3\n"
				  "7 socket(AF_UNIX, SOCK_STREAM, 0) = 4\n"
				  "7 mkdir(\"/a\", 0755) = -1 EPERM (Operation not permitted)\n"
				  "not a call\n"
				  "7 socket(AF_INET, SOCK_STREAM, 0) = 5\n"
				  "7 mkdir(\"/b\", 0700) = -1 EPERM (Operation not permitted)\n"
				  "7 mkdir(\"/c\", 0700) = -1 EPERM (Operation not permitted)\n";
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	const struct cbpf_replay_denial *g;
	const struct cbpf_policy_rule *rules;
	const uint64_t *hits;
	uint64_t denied;
	size_t n;

	compile(&f);
	ck_assert_int_eq(replay(&f, log, CBPF_TRACE_AUTO, &r, &d), 0);
	/* the bad line: a located warning, the rest replayed */
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(d.v[0].line, 5);
	ck_assert_uint_eq(cbpf_replay_calls(r, &denied), 7);
	ck_assert_uint_eq(denied, 5);
	ck_assert_uint_eq(cbpf_replay_denials(r, &g), 2);
	/* most calls first: mkdir (3, errno(EPERM), its rule), then socket (2, the default) */
	ck_assert_str_eq(g[0].name, "mkdir");
	ck_assert_uint_eq(g[0].count, 3);
	ck_assert_uint_eq(g[0].action, CBPF_SECCOMP_RET_ERRNO | 1);
	ck_assert_ptr_nonnull(g[0].rule);
	ck_assert_uint_eq(g[0].rule->line, 4);
	ck_assert_uint_eq(g[0].line, 4);
	ck_assert_str_eq(g[1].name, "socket");
	ck_assert_uint_eq(g[1].count, 2);
	ck_assert_uint_eq(g[1].action, CBPF_SECCOMP_RET_KILL_PROCESS);
	ck_assert_ptr_null(g[1].rule);
	ck_assert_uint_eq(g[1].line, 2);
	/* close never reached; socket's AF_UNIX alternative once, its AF_INET6 one never */
	hits = cbpf_replay_rule_hits(r, &rules, &n);
	ck_assert_ptr_nonnull(hits);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(rules[i].syscall, "close"))
			ck_assert_uint_eq(hits[i], 0);
		if (!strcmp(rules[i].syscall, "read"))
			ck_assert_uint_eq(hits[i], 1);
	}
	cbpf_replay_free(r);
	cbpf_diags_free(&d);
	release(&f);
}
END_TEST

START_TEST(report_text)
{
	static const char log[] = "read(0, \"\", 1) = 0\n"
				  "mkdir(\"/a\", 0755) = -1 EPERM (Operation not permitted)\n";
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	compile(&f);
	ck_assert_int_eq(replay(&f, log, CBPF_TRACE_STRACE, &r, &d), 0);
	ck_assert_int_eq(cbpf_replay_write(fp, r), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(text, "2 calls replayed: 1 allowed, 1 denied\n"));
	ck_assert_ptr_nonnull(
		strstr(text, "1  mkdir  errno(EPERM)  p.policy:4  (first: line 2)\n"));
	/* close and socket: two statements, socket's two alternatives one of them */
	ck_assert_ptr_nonnull(strstr(text, "rules never reached: 2 of 4\n"));
	ck_assert_ptr_nonnull(strstr(text, "  p.policy:2: close\n  p.policy:3: socket\n"));
	ck_assert_ptr_nonnull(strstr(text, "instructions never reached: "));
	free(text);
	cbpf_replay_free(r);
	cbpf_diags_free(&d);
	release(&f);
}
END_TEST

START_TEST(audit_args_zero)
{
	/* socket(41) from an audit record: no arguments, so AF_UNSPEC (0), which no rule allows */
	static const char log[] =
		"type=1326 audit(1.0:1): pid=9 arch=c000003e syscall=41 code=0x0\n"
		"type=1326 audit(1.0:2): pid=9 arch=c000003e syscall=0 code=0x0\n";
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	const struct cbpf_replay_denial *g;
	uint64_t denied;

	compile(&f);
	ck_assert_int_eq(replay(&f, log, CBPF_TRACE_AUTO, &r, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(cbpf_replay_calls(r, &denied), 2);
	ck_assert_uint_eq(denied, 1);
	ck_assert_uint_eq(cbpf_replay_denials(r, &g), 1);
	ck_assert_str_eq(g[0].name, "socket");
	cbpf_replay_free(r);
	release(&f);
}
END_TEST

START_TEST(recording_calls)
{
	/* a recording's socket values: AF_UNIX allowed, AF_INET not */
	static const char rec[] = "# Recorded by cbpf-xlate --record\n"
				  "# architectures: x86_64\n"
				  "read: 1\n"
				  "socket: arg0 == AF_UNIX && arg1 == SOCK_STREAM || "
				  "arg0 == AF_INET && arg1 == SOCK_DGRAM\n";
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	const struct cbpf_replay_denial *g;
	uint64_t denied;

	compile(&f);
	ck_assert_int_eq(replay(&f, rec, CBPF_TRACE_AUTO, &r, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(cbpf_replay_calls(r, &denied), 3);
	ck_assert_uint_eq(denied, 1);
	ck_assert_uint_eq(cbpf_replay_denials(r, &g), 1);
	ck_assert_str_eq(g[0].name, "socket");
	ck_assert_uint_eq(g[0].line, 4);
	cbpf_replay_free(r);
	release(&f);
}
END_TEST

START_TEST(all_allowed)
{
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	const struct cbpf_replay_denial *g;
	uint64_t denied;

	compile(&f);
	ck_assert_int_eq(replay(&f, "read(0, \"\", 1) = 0\nclose(0) = 0\n", CBPF_TRACE_STRACE, &r,
				&d),
			 0);
	ck_assert_uint_eq(cbpf_replay_calls(r, &denied), 2);
	ck_assert_uint_eq(denied, 0);
	ck_assert_uint_eq(cbpf_replay_denials(r, &g), 0);
	cbpf_replay_free(r);
	release(&f);
}
END_TEST

START_TEST(other_arch)
{
	/* an i386 process under an x86_64-only policy: the bad-architecture action, named so */
	static const char log[] = "5 read(0, \"\", 1) = 0\n"
				  "[ Process PID=6 runs in 32 bit mode. ]\n"
				  "6 read(0, \"\", 1) = 0\n"
				  "5 mkdir(\"/a\", 0755) = -1 EPERM (Operation not permitted)\n";
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r;
	const struct cbpf_replay_denial *g;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	compile(&f);
	ck_assert_int_eq(replay(&f, log, CBPF_TRACE_STRACE, &r, &d), 0);
	ck_assert_uint_eq(cbpf_replay_denials(r, &g), 2);
	/* one call each: the first seen first */
	ck_assert_int_eq(g[0].arch, CBPF_ARCH_I386);
	ck_assert_uint_eq(g[0].action, CBPF_SECCOMP_RET_KILL_THREAD);
	ck_assert_ptr_null(g[0].rule);
	ck_assert(g[0].other_arch);
	ck_assert_int_eq(g[1].arch, CBPF_ARCH_X86_64);
	ck_assert(!g[1].other_arch);
	ck_assert_int_eq(cbpf_replay_write(fp, r), 0);
	fclose(fp);
	/* two architectures: each group says which */
	ck_assert_ptr_nonnull(strstr(text, "  x86_64 mkdir  errno(EPERM)  p.policy:4"));
	ck_assert_ptr_nonnull(strstr(text, "  i386 read     kill_thread   bad-arch action"));
	free(text);
	cbpf_replay_free(r);
	release(&f);
}
END_TEST

START_TEST(nothing_readable)
{
	struct fixture f;
	struct cbpf_diags d = { 0 };
	struct cbpf_replay *r = NULL;

	compile(&f);
	ck_assert_int_eq(replay(&f, "junk\nmore junk\n", CBPF_TRACE_STRACE, &r, &d), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(d.errors, 1);
	cbpf_diags_free(&d);
	/* a recording that allows nothing */
	ck_assert_int_eq(replay(&f, "# architectures: x86_64\n@default kill\n",
				CBPF_TRACE_RECORDING, &r, &d),
			 -EINVAL);
	ck_assert_uint_ge(d.errors, 1);
	cbpf_diags_free(&d);
	release(&f);
}
END_TEST

Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, strace_denials);
	tcase_add_test(tc, report_text);
	tcase_add_test(tc, audit_args_zero);
	tcase_add_test(tc, recording_calls);
	tcase_add_test(tc, all_allowed);
	tcase_add_test(tc, other_arch);
	tcase_add_test(tc, nothing_readable);
	suite_add_tcase(s, tc);
	return s;
}
