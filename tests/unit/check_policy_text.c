// SPDX-License-Identifier: MIT
/* The minijail policy front end: every construct, constants, @include, located errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

static struct cbpf_diags diags;

static struct cbpf_policy *parse_opts(const char *src, struct cbpf_policy_opts *opts)
{
	struct cbpf_policy *pol = NULL;
	int err;

	cbpf_diags_free(&diags);
	opts->lang = CBPF_POLICY_TEXT;
	if (!opts->host)
		opts->host = CBPF_ARCH_X86_64;
	err = cbpf_policy_parse(src, strlen(src), opts, &pol, &diags);
	if (err) {
		ck_assert_ptr_null(pol);
		ck_assert_uint_gt(diags.errors, 0);
	}
	return pol;
}

static struct cbpf_policy *parse(const char *src)
{
	struct cbpf_policy_opts opts = { 0 };

	return parse_opts(src, &opts);
}

static const char *first_diag(void)
{
	static char buf[512];
	static const char *const sev[] = { "note", "warning", "error" };

	ck_assert_uint_gt(diags.n, 0);
	snprintf(buf, sizeof(buf), "%u:%u: %s: %s", diags.v[0].line, diags.v[0].col,
		 sev[diags.v[0].severity], diags.v[0].msg);
	return buf;
}

/* The i-th rule (all of them in order), checked to name syscall. */
static const struct cbpf_policy_rule *rule(const struct cbpf_policy *pol, size_t i,
					   const char *syscall)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules);

	ck_assert_uint_lt(i, n);
	ck_assert_str_eq(rules[i].syscall, syscall);
	return &rules[i];
}

static size_t nrules(const struct cbpf_policy *pol)
{
	const struct cbpf_policy_rule *rules;

	return cbpf_policy_rules(pol, &rules);
}

START_TEST(actions)
{
	struct cbpf_policy *pol = parse("read: 1\nwrite: allow\nopen: log\nclose: trap\n"
					"stat: trace\nfstat: user-notify\nlstat: kill-thread\n"
					"poll: kill-process\nlseek: kill\nmmap: return 13\n"
					"mprotect: return EPERM\nmunmap: return 0x10\n");
	static const uint32_t want[] = { 0x7fff0000, 0x7fff0000, 0x7ffc0000, 0x00030000,
					 0x7ff00000, 0x7fc00000, 0x00000000, 0x80000000,
					 0x80000000, 0x0005000d, 0x00050001, 0x00050010 };
	const struct cbpf_policy_rule *rules;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_rules(pol, &rules), 12);
	for (size_t i = 0; i < 12; i++) {
		ck_assert_uint_eq(rules[i].action, want[i]);
		ck_assert_uint_eq(rules[i].n_conds, 0);
		ck_assert(!rules[i].fallback);
		ck_assert_uint_eq(rules[i].line, i + 1);
		ck_assert_uint_eq(rules[i].col, 1);
	}
	/* minijail: what no rule allows kills the process */
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x80000000);
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(expressions)
{
	struct cbpf_policy *pol =
		parse("mmap: arg0 == 1 && arg1 != 2 || arg2 < 3 && arg3 <= 4 && arg4 > 5 || "
		      "arg5 >= 6\n"
		      "ioctl: arg1 & 0x40 || arg1 in 0x3; return ENOTTY\n");
	const struct cbpf_policy_rule *r;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(nrules(pol), 6);
	r = rule(pol, 0, "mmap");
	ck_assert_uint_eq(r->n_conds, 2);
	ck_assert_uint_eq(r->action, CBPF_SECCOMP_RET_ALLOW);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_EQ);
	ck_assert_int_eq(r->conds[1].op, CBPF_CMP_NE);
	ck_assert_uint_eq(r->conds[1].arg, 1);
	r = rule(pol, 1, "mmap");
	ck_assert_uint_eq(r->n_conds, 3);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_LT);
	ck_assert_int_eq(r->conds[1].op, CBPF_CMP_LE);
	ck_assert_int_eq(r->conds[2].op, CBPF_CMP_GT);
	ck_assert_uint_eq(r->conds[2].value, 5);
	r = rule(pol, 2, "mmap");
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_GE);
	ck_assert_uint_eq(r->conds[0].arg, 5);
	r = rule(pol, 3, "ioctl");
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_MASKED_NE); /* any of the bits */
	ck_assert_uint_eq(r->conds[0].mask, 0x40);
	ck_assert_uint_eq(r->conds[0].value, 0);
	r = rule(pol, 4, "ioctl");
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_MASKED_EQ); /* no bit outside the set */
	ck_assert_uint_eq(r->conds[0].mask, ~(uint64_t)3);
	ck_assert_uint_eq(r->conds[0].value, 0);
	r = rule(pol, 5, "ioctl");
	ck_assert(r->fallback);
	ck_assert_uint_eq(r->action, 0x00050019);
	cbpf_policy_free(pol);
}
END_TEST

static uint64_t value_of(const char *expr)
{
	char src[256];
	struct cbpf_policy *pol;
	uint64_t v;

	snprintf(src, sizeof(src), "read: arg0 == %s\n", expr);
	pol = parse(src);
	ck_assert_msg(pol != NULL, "'%s' does not parse", expr);
	v = rule(pol, 0, "read")->conds[0].value;
	cbpf_policy_free(pol);
	return v;
}

START_TEST(constants)
{
	ck_assert_uint_eq(value_of("42"), 42);
	ck_assert_uint_eq(value_of("0x2a"), 42);
	ck_assert_uint_eq(value_of("052"), 42);
	ck_assert_uint_eq(value_of("0o52"), 42);
	ck_assert_uint_eq(value_of("0"), 0);
	ck_assert_uint_eq(value_of("-1"), UINT64_MAX);
	ck_assert_uint_eq(value_of("18446744073709551615"), UINT64_MAX);
	ck_assert_uint_eq(value_of("O_RDWR|O_CREAT"), 0102);
	ck_assert_uint_eq(value_of("O_RDWR | O_CREAT | 0x1000"), 0102 | 0x1000);
	ck_assert_uint_eq(value_of("~PROT_EXEC"), ~(uint64_t)4);
	ck_assert_uint_eq(value_of("~(PROT_READ|PROT_WRITE)"), ~(uint64_t)3);
	ck_assert_uint_eq(value_of("(((1)))"), 1);
	ck_assert_uint_eq(value_of("AF_VSOCK"), 40);
	ck_assert_uint_eq(value_of("EACCES"), 13);
	ck_assert_uint_eq(value_of("AT_FDCWD"), (uint64_t)-100);
	ck_assert_uint_eq(value_of("O_DIRECTORY"), 0200000); /* x86_64 */
	/* What real policies name (crosvm's, ChromeOS'), from the generated tables. */
	ck_assert_uint_eq(value_of("MADV_MERGEABLE"), 12);
	ck_assert_uint_eq(value_of("MADV_GUARD_INSTALL"), 102);
	ck_assert_uint_eq(value_of("TCGETS2"), 0x802c542a);
	ck_assert_uint_eq(value_of("FUTEX_WAIT_PRIVATE"), 128);
	ck_assert_uint_eq(value_of("PR_PAC_RESET_KEYS"), 54);
	ck_assert_uint_eq(value_of("NETLINK_KOBJECT_UEVENT"), 15);
	ck_assert_uint_eq(value_of("SIOCGIFFLAGS"), 0x8913);
	ck_assert_uint_eq(value_of("MS_RDONLY|MS_NOSUID"), 3);
	ck_assert_uint_eq(value_of("RLIMIT_NOFILE"), 7);
	ck_assert_uint_eq(value_of("SOCK_STREAM|SOCK_CLOEXEC"), 02000001);
}
END_TEST

START_TEST(arch_dependent_constants)
{
	enum cbpf_arch arm[] = { CBPF_ARCH_AARCH64 }, both[] = { CBPF_ARCH_X86_64, CBPF_ARCH_ARM };
	struct cbpf_policy_opts opts = { .arches = arm, .n_arches = 1 };
	struct cbpf_policy *pol = parse_opts("openat: arg2 & O_DIRECTORY\n", &opts);

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rule(pol, 0, "openat")->conds[0].mask, 040000);
	cbpf_policy_free(pol);
	opts = (struct cbpf_policy_opts){ .arches = both, .n_arches = 2 };
	ck_assert_ptr_null(parse_opts("openat: arg2 & O_DIRECTORY\n", &opts));
	ck_assert_str_eq(first_diag(), "1:16: error: constant 'O_DIRECTORY' differs between x86_64 "
				       "(0x10000) and arm (0x4000): write a statement per "
				       "architecture ([arch=...])");
	/* A statement for one architecture reads its constants there only. */
	pol = parse_opts("openat[arch=arm]: arg2 & O_DIRECTORY\n"
			 "openat[arch=x86_64]: arg2 & O_DIRECTORY\n",
			 &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rule(pol, 0, "openat")->conds[0].mask, 040000);
	ck_assert_uint_eq(rule(pol, 1, "openat")->conds[0].mask, 0200000);
	cbpf_policy_free(pol);
	/* Computed for each architecture: _IOR('f', 1, long) has sizeof(long) in it. */
	opts = (struct cbpf_policy_opts){ .arches = arm, .n_arches = 1 };
	pol = parse_opts("ioctl: arg1 == FS_IOC_GETFLAGS\n", &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rule(pol, 0, "ioctl")->conds[0].value, 0x80086601);
	cbpf_policy_free(pol);
	opts = (struct cbpf_policy_opts){ .arches = both + 1, .n_arches = 1 };
	pol = parse_opts("ioctl: arg1 == FS_IOC_GETFLAGS\n", &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rule(pol, 0, "ioctl")->conds[0].value, 0x80046601);
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(unknown_constants)
{
	enum cbpf_arch arm64[] = { CBPF_ARCH_AARCH64 };
	struct cbpf_policy_opts opts = { .arches = arm64, .n_arches = 1 };

	ck_assert_ptr_null(parse("madvise: arg2 == MADV_MERGABLE\n"));
	ck_assert_str_eq(first_diag(),
			 "1:18: error: unknown constant 'MADV_MERGABLE' (did you mean "
			 "'MADV_MERGEABLE'?)");
	ck_assert_ptr_null(parse("openat: arg2 & O_CLOEXE\n"));
	ck_assert_str_eq(first_diag(), "1:16: error: unknown constant 'O_CLOEXE' (did you mean "
				       "'O_CLOEXEC'?)");
	ck_assert_ptr_null(parse("read: arg0 == NO_SUCH_NAME_AT_ALL\n"));
	ck_assert_str_eq(first_diag(), "1:15: error: unknown constant 'NO_SUCH_NAME_AT_ALL' (write "
				       "its value)");
	/* x86's arch_prctl codes are not aarch64's. */
	ck_assert_ptr_null(parse_opts("prctl: arg0 == ARCH_SET_FS\n", &opts));
	ck_assert_str_eq(first_diag(), "1:16: error: constant 'ARCH_SET_FS' is not defined on "
				       "aarch64");
	/* So is an errno name that another architecture's headers only have. */
	ck_assert_ptr_null(parse("read: return ENOSUCHERR\n"));
	ck_assert_str_eq(first_diag(), "1:14: error: unknown constant 'ENOSUCHERR' (write its "
				       "value)");
}
END_TEST

/* @denylist, as minijail's compile_seccomp_policy --denylist reads a policy. */
START_TEST(denylist)
{
	struct cbpf_policy_opts opts = { .has_badarch_action = true,
					 .badarch_action = CBPF_SECCOMP_RET_TRAP };
	struct cbpf_policy *pol = parse("@denylist\n# refused calls\nbpf: return EPERM\n"
					"ptrace: arg0 == 0; return EACCES\n");

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(cbpf_policy_badarch_action(pol), CBPF_SECCOMP_RET_ERRNO | EPERM);
	ck_assert_uint_eq(rule(pol, 0, "bpf")->action, CBPF_SECCOMP_RET_ERRNO | EPERM);
	cbpf_policy_free(pol);
	/* an explicit @default and --bad-arch still decide */
	pol = parse_opts("@denylist\n@default return 13\nbpf: return 1\n", &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_ERRNO | 13);
	ck_assert_uint_eq(cbpf_policy_badarch_action(pol), CBPF_SECCOMP_RET_TRAP);
	cbpf_policy_free(pol);
	/* nothing listed: everything allowed, not an empty policy */
	pol = parse("@denylist\n");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_ALLOW);
	cbpf_policy_free(pol);
	ck_assert_ptr_null(parse("@denylist\nread: kill\n"));
	ck_assert_str_eq(first_diag(), "2:7: error: expected 'return ERRNO' (a @denylist policy "
				       "returns an errno for each call it lists), found 'kill'");
	ck_assert_ptr_null(parse("read: allow\n@denylist\n"));
	ck_assert_str_eq(first_diag(),
			 "2:1: error: @denylist comes before the policy's first statement");
	ck_assert_ptr_null(parse("@denylist now\n"));
	ck_assert_str_eq(first_diag(), "1:11: error: unexpected 'now' after @denylist");
}
END_TEST

START_TEST(directives)
{
	struct cbpf_policy_opts opts = { .has_default_action = true, .default_action = 0x7ffc0000 };
	struct cbpf_policy *pol = parse("@default kill-thread\n"
					"@frequency tests/cases/policy/minijail.frequency\n"
					"read: 1\n");

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0);
	cbpf_policy_free(pol);
	/* @frequency files are read, not skipped: a missing one is an error */
	ck_assert_ptr_null(parse("@frequency ./no-such.frequency\nread: 1\n"));
	ck_assert_str_eq(first_diag(), "1:12: error: cannot @frequency './no-such.frequency': "
				       "No such file or directory");
	/* log mode: every action but allow is log, the default and the bad-arch one too */
	opts.log_mode = true;
	pol = parse_opts("read: 1\nwrite: return EPERM\n@default trap\n", &opts);
	ck_assert_uint_eq(rule(pol, 0, "read")->action, CBPF_SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(rule(pol, 1, "write")->action, CBPF_SECCOMP_RET_LOG);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_LOG);
	ck_assert_uint_eq(cbpf_policy_badarch_action(pol), CBPF_SECCOMP_RET_LOG);
	cbpf_policy_free(pol);
	opts.log_mode = false;
	pol = parse_opts("@default trap\nread: 1\n", &opts);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x7ffc0000); /* the caller's wins */
	cbpf_policy_free(pol);
	ck_assert_ptr_null(parse("@default\n"));
	ck_assert_str_eq(first_diag(), "1:9: error: expected an action (allow, 1, kill, "
				       "kill-process, kill-thread, trap, trace, log, user-notify, "
				       "return ERRNO) at the end of the line");
}
END_TEST

START_TEST(includes)
{
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64 };
	struct cbpf_policy *pol = NULL;
	const struct cbpf_policy_rule *rules;
	size_t n;
	bool from_base = false, from_main = false;

	ck_assert_int_eq(cbpf_policy_parse_file("tests/cases/policy/minijail.policy", &opts, &pol,
						&diags),
			 0);
	n = cbpf_policy_rules(pol, &rules);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(rules[i].syscall, "read")) {
			ck_assert_str_eq(rules[i].file,
					 "tests/cases/policy/./minijail-base.policy");
			ck_assert_uint_eq(rules[i].line, 2);
			from_base = true;
		}
		if (!strcmp(rules[i].syscall, "write")) {
			ck_assert_str_eq(rules[i].file, "tests/cases/policy/minijail.policy");
			from_main = true;
		}
	}
	ck_assert(from_base && from_main);
	cbpf_policy_free(pol);
	opts.no_includes = true;
	ck_assert_int_eq(cbpf_policy_parse_file("tests/cases/policy/minijail.policy", &opts, &pol,
						&diags),
			 -EINVAL);
	ck_assert_ptr_null(parse_opts("@include /x.policy\n", &opts));
	ck_assert_str_eq(first_diag(), "1:1: error: @include is not allowed here");
	ck_assert_ptr_null(parse("@include\n"));
	ck_assert_str_eq(first_diag(), "1:9: error: expected a file name after @include");
}
END_TEST

START_TEST(statements)
{
	enum cbpf_arch arches[] = { CBPF_ARCH_X86_64, CBPF_ARCH_AARCH64 };
	struct cbpf_policy_opts opts = { .arches = arches, .n_arches = 2 };
	struct cbpf_policy *pol =
		parse_opts("# a comment\n\n{read, write , close}: allow # trailing\r\n"
			   "arch_prctl[arch=x86_64]: 1\n"
			   "breakpoint[arch=arm]: 1\n"
			   "spu_run[arch=ppc64]: 1\n"
			   "mmap: arg0 == 1 || \\\n   arg1 == 2; \\\n  return 1\n",
			   &opts);
	const struct cbpf_policy_rule *r;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(nrules(pol), 7);
	rule(pol, 0, "read");
	rule(pol, 1, "write");
	r = rule(pol, 2, "close");
	ck_assert_uint_eq(r->line, 3);
	ck_assert_uint_eq(r->col, 16);
	r = rule(pol, 3, "arch_prctl");
	ck_assert_uint_eq(r->arch_mask, 1U << CBPF_ARCH_X86_64);
	r = rule(pol, 6, "mmap");
	ck_assert(r->fallback);
	ck_assert_uint_eq(r->action, 0x00050001);
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(names_per_arch)
{
	struct cbpf_policy_opts opts = { .lenient = true };
	struct cbpf_policy *pol;

	ck_assert_ptr_null(parse("read: 1\nchown32: 1\nwirte: 1\n"));
	ck_assert_uint_eq(diags.errors, 2);
	ck_assert_str_eq(first_diag(), "2:1: error: syscall 'chown32' does not exist on x86_64");
	ck_assert_str_eq(diags.v[1].msg, "unknown syscall 'wirte' (did you mean 'write'?)");
	/* lenient: a typo (no architecture has the name) is still an error */
	ck_assert_ptr_null(parse_opts("read: 1\nchown32: 1\nwirte: 1\n", &opts));
	ck_assert_uint_eq(diags.errors, 1);
	ck_assert_str_eq(diags.v[1].msg, "unknown syscall 'wirte' (did you mean 'write'?)");
	pol = parse_opts("read: 1\nchown32: 1\nwrite: 1\n", &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 1);
	ck_assert_str_eq(first_diag(), "2:1: warning: syscall 'chown32' does not exist on x86_64: "
				       "no rule there");
	ck_assert_uint_eq(nrules(pol), 3); /* chown32 stays, for the arches that have it */
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(errors)
{
	static const struct {
		const char *src, *diag;
	} cases[] = {
		{ "read arg0 == 1\n",
		  "1:6: error: expected ':' after the syscall name, found 'arg0'" },
		{ "read: arg6 == 1\n", "1:7: error: argument index 6 is over 5 (a syscall has six "
				       "arguments, arg0 to arg5)" },
		{ "read: arg0 = 1\n",
		  "1:12: error: expected a comparison (==, !=, <, <=, >, >=, &, "
		  "in), found '='" },
		{ "read: arg0 == 1 arg1\n", "1:17: error: unexpected 'arg1' after the statement" },
		{ "read: arg0 == 99999999999999999999\n", "1:15: error: bad number "
							  "'99999999999999999999'" },
		{ "read: arg0 == 09\n", "1:15: error: bad number '09'" },
		{ "read: arg0 == (1\n", "1:17: error: expected ')' at the end of the line" },
		{ "read: arg0 == FOO\n", "1:15: error: unknown constant 'FOO' (write its value)" },
		{ "read: return 65536\n", "1:7: error: errno 65536 is out of range (0 to 65535)" },
		{ "read: { arg0 == 1, allow }\n", "1:7: error: filter lists in braces are not "
						  "supported: one filter per syscall" },
		{ "io@libc: 1\n", "1:1: error: syscall groups ('io@libc') are not supported: list "
				  "the syscalls" },
		{ "{read, write: 1\n", "1:13: error: expected ',' or '}', found ':'" },
		{ "read: 1 \\ x\n",
		  "1:9: error: stray '\\' (a line continues only when '\\' ends it)" },
		{ "read: 1 $\n", "1:9: error: unexpected '$'" },
		{ "@bogus\n", "1:1: error: unknown directive '@bogus' (@include, @default, "
			      "@frequency, @denylist)" },
		{ "read[os=linux]: 1\n", "1:6: error: expected 'arch' (the only metadata key), "
					 "found 'os'" },
		{ "read[arch=vax]: 1\n", "1:11: error: unknown architecture 'vax' (x86_64, i386, "
					 "x32, aarch64, arm, ...)" },
		{ "read: 1\nread: return 1\n",
		  "2:1: error: contradicting rules for 'read': errno(1) "
		  "unconditionally here, allow unconditionally in "
		  "another rule" },
		{ "read: arg0 == 1; return 1\nread: arg0 == 2; return 2\n",
		  "2:1: error: contradicting rules for 'read': errno(2) when no condition matches "
		  "here, errno(1) when no condition matches in another rule" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse(cases[i].src) == NULL, "'%s' parses", cases[i].src);
		ck_assert_str_eq(first_diag(), cases[i].diag);
	}
	{
		struct cbpf_policy *pol = NULL;
		static const char nul[] = "read: 1\nwri\0te: 1\n";
		struct cbpf_policy_opts opts = { .lang = CBPF_POLICY_TEXT };

		ck_assert_int_eq(cbpf_policy_parse(nul, sizeof(nul) - 1, &opts, &pol, &diags),
				 -EINVAL);
		ck_assert_str_eq(diags.v[diags.n - 1].msg, "NUL byte in the policy");
	}
}
END_TEST

/* A later unconditional action of a syscall with conditions is their fallback (minijail's
 * compiler joins a syscall's statements in file order). */
START_TEST(sequential)
{
	struct cbpf_policy *pol = parse("openat: arg2 == 0\nread: allow\nopenat: return EPERM\n"
					"write: allow\n");

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(nrules(pol), 4);
	ck_assert(!rule(pol, 0, "openat")->fallback);
	ck_assert(!rule(pol, 1, "read")->fallback);
	ck_assert(rule(pol, 2, "openat")->fallback);
	ck_assert_uint_eq(rule(pol, 2, "openat")->action, CBPF_SECCOMP_RET_ERRNO | 1);
	ck_assert(!rule(pol, 3, "write")->fallback);
	cbpf_policy_free(pol);
	ck_assert_ptr_null(parse("openat: return EPERM\nopenat: arg2 == 0\n"));
}
END_TEST

START_TEST(autodetect)
{
	struct cbpf_policy *pol = NULL;
	static const char json[] = "  \n{ \"defaultAction\": \"SCMP_ACT_ALLOW\" }";
	static const char text[] = "read: 1\n";

	ck_assert_int_eq(cbpf_policy_parse(json, strlen(json), NULL, &pol, &diags), 0);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_ALLOW);
	cbpf_policy_free(pol);
	ck_assert_int_eq(cbpf_policy_parse(text, strlen(text), NULL, &pol, &diags), 0);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), CBPF_SECCOMP_RET_KILL_PROCESS);
	cbpf_policy_free(pol);
	ck_assert_int_eq(cbpf_policy_parse_file("tests/cases/policy/no-such-file", NULL, &pol,
						&diags),
			 -ENOENT);
}
END_TEST

static void teardown(void)
{
	cbpf_diags_free(&diags);
}

Suite *policy_text_suite(void)
{
	Suite *s = suite_create("policy_text");
	TCase *tc = tcase_create("policy_text");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, actions);
	tcase_add_test(tc, expressions);
	tcase_add_test(tc, constants);
	tcase_add_test(tc, arch_dependent_constants);
	tcase_add_test(tc, unknown_constants);
	tcase_add_test(tc, directives);
	tcase_add_test(tc, denylist);
	tcase_add_test(tc, includes);
	tcase_add_test(tc, statements);
	tcase_add_test(tc, names_per_arch);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, sequential);
	tcase_add_test(tc, autodetect);
	suite_add_tcase(s, tc);
	return s;
}
