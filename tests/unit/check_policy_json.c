// SPDX-License-Identifier: MIT
/* The Docker / OCI profile front end: every field, Docker's and runc's meaning, located errors. */
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
	opts->lang = CBPF_POLICY_JSON;
	if (!opts->kernel)
		opts->kernel = "6.1";
	if (!opts->host)
		opts->host = CBPF_ARCH_X86_64;
	err = cbpf_policy_parse(src, strlen(src), opts, &pol, &diags);
	if (err) {
		ck_assert_int_eq(err, -EINVAL);
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

/* The first diagnostic, as "line:col: severity: message". */
static const char *first_diag(void)
{
	static char buf[512];
	static const char *const sev[] = { "note", "warning", "error" };

	ck_assert_uint_gt(diags.n, 0);
	snprintf(buf, sizeof(buf), "%u:%u: %s: %s", diags.v[0].line, diags.v[0].col,
		 sev[diags.v[0].severity], diags.v[0].msg);
	return buf;
}

/* The rules for syscall, counted; *first set to the first. */
static size_t rules_for(const struct cbpf_policy *pol, const char *syscall,
			const struct cbpf_policy_rule **first)
{
	const struct cbpf_policy_rule *rules;
	size_t n = cbpf_policy_rules(pol, &rules), count = 0;

	*first = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rules[i].syscall, syscall) && !count++)
			*first = &rules[i];
	return count;
}

#define PROFILE(defaults, syscalls) "{ " defaults ", \"syscalls\": [ " syscalls " ] }"

START_TEST(default_actions)
{
	struct cbpf_policy *pol;

	pol = parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38", ""));
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x00050026);
	ck_assert_uint_eq(cbpf_policy_badarch_action(pol), 0); /* libseccomp's SCMP_ACT_KILL */
	cbpf_policy_free(pol);
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\" }");
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x00050001); /* runc: EPERM */
	cbpf_policy_free(pol);
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_TRAP\", \"defaultErrnoRet\": 5 }");
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x00030000); /* trap takes none */
	cbpf_policy_free(pol);
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_KILL\" }");
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0); /* the thread, as runc has it */
	cbpf_policy_free(pol);
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_TRACE\" }");
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x7ff00001);
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(actions_and_errno)
{
	static const char *const src = PROFILE(
		"\"defaultAction\": \"SCMP_ACT_ALLOW\"",
		"{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13 },"
		"{ \"names\": [\"write\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 2 },"
		"{ \"names\": [\"close\"], \"action\": \"SCMP_ACT_KILL_PROCESS\" },"
		"{ \"names\": [\"open\"], \"action\": \"SCMP_ACT_LOG\" },"
		"{ \"names\": [\"stat\"], \"action\": \"SCMP_ACT_NOTIFY\" },"
		"{ \"names\": [\"fstat\"], \"action\": \"SCMP_ACT_KILL_THREAD\" },"
		"{ \"names\": [\"lstat\"], \"action\": \"SCMP_ACT_ALLOW\" }");
	struct cbpf_policy *pol = parse(src);
	const struct cbpf_policy_rule *r;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(r->action, 0x0005000d);
	ck_assert_uint_eq(r->n_conds, 0);
	ck_assert_uint_eq(rules_for(pol, "write", &r), 1);
	ck_assert_uint_eq(r->action, 0x7ff00002);
	ck_assert_uint_eq(rules_for(pol, "close", &r), 1);
	ck_assert_uint_eq(r->action, 0x80000000);
	ck_assert_uint_eq(rules_for(pol, "open", &r), 1);
	ck_assert_uint_eq(r->action, 0x7ffc0000);
	ck_assert_uint_eq(rules_for(pol, "stat", &r), 1);
	ck_assert_uint_eq(r->action, 0x7fc00000);
	ck_assert_uint_eq(rules_for(pol, "fstat", &r), 1);
	ck_assert_uint_eq(r->action, 0);
	/* runc leaves out a rule with the default action */
	ck_assert_uint_eq(rules_for(pol, "lstat", &r), 0);
	cbpf_policy_free(pol);
}
END_TEST

static const char *const arch_map =
	"\"archMap\": ["
	"{ \"architecture\": \"SCMP_ARCH_X86_64\","
	"  \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] },"
	"{ \"architecture\": \"SCMP_ARCH_AARCH64\","
	"  \"subArchitectures\": [\"SCMP_ARCH_ARM\"] },"
	"{ \"architecture\": \"SCMP_ARCH_S390X\", \"subArchitectures\": null }"
	"]";

static void check_arches(struct cbpf_policy *pol, size_t n, const enum cbpf_arch *want)
{
	const enum cbpf_arch *got;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_arches(pol, &got), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(got[i], want[i]);
	cbpf_policy_free(pol);
}

START_TEST(arch_map_by_host)
{
	char src[1024];
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64 };
	enum cbpf_arch only[] = { CBPF_ARCH_AARCH64 };

	snprintf(src, sizeof(src), "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", %s }", arch_map);
	check_arches(parse_opts(src, &opts), 3,
		     (enum cbpf_arch[]){ CBPF_ARCH_X86_64, CBPF_ARCH_I386, CBPF_ARCH_X32 });
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_AARCH64 };
	check_arches(parse_opts(src, &opts), 2,
		     (enum cbpf_arch[]){ CBPF_ARCH_AARCH64, CBPF_ARCH_ARM });
	/* no entry for the host: the host alone, as libseccomp's native arch */
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_ARM };
	check_arches(parse_opts(src, &opts), 1, (enum cbpf_arch[]){ CBPF_ARCH_ARM });
	/* the caller's list wins */
	opts = (struct cbpf_policy_opts){ .arches = only, .n_arches = 1 };
	check_arches(parse_opts(src, &opts), 1, only);
}
END_TEST

/* Docker's and containers/common's archMap: n32 and s390 as subarchitectures */
START_TEST(arch_map_subarches)
{
	static const char src[] =
		"{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": ["
		"{ \"architecture\": \"SCMP_ARCH_MIPS64\","
		"  \"subArchitectures\": [\"SCMP_ARCH_MIPS\", \"SCMP_ARCH_MIPS64N32\"] },"
		"{ \"architecture\": \"SCMP_ARCH_MIPSEL64N32\","
		"  \"subArchitectures\": [\"SCMP_ARCH_MIPSEL\", \"SCMP_ARCH_MIPSEL64\"] },"
		"{ \"architecture\": \"SCMP_ARCH_S390X\", \"subArchitectures\": [\"SCMP_ARCH_S390\"] }"
		"], \"syscalls\": [ { \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\" } ] }";
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_MIPS64 };

	check_arches(parse_opts(src, &opts), 3,
		     (enum cbpf_arch[]){ CBPF_ARCH_MIPS64, CBPF_ARCH_MIPS, CBPF_ARCH_MIPSN32 });
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_MIPSN32EL };
	check_arches(parse_opts(src, &opts), 3,
		     (enum cbpf_arch[]){ CBPF_ARCH_MIPSN32EL, CBPF_ARCH_MIPSEL,
					 CBPF_ARCH_MIPS64EL });
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_S390X };
	check_arches(parse_opts(src, &opts), 2,
		     (enum cbpf_arch[]){ CBPF_ARCH_S390X, CBPF_ARCH_S390 });
	/* no entry for ppc: the host alone */
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_PPC };
	check_arches(parse_opts(src, &opts), 1, (enum cbpf_arch[]){ CBPF_ARCH_PPC });
}
END_TEST

START_TEST(architectures_list)
{
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64 };

	/* the host is checked first whatever the order written */
	check_arches(parse_opts("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				"[\"SCMP_ARCH_ARM\", \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"] }",
				&opts),
		     3, (enum cbpf_arch[]){ CBPF_ARCH_X86_64, CBPF_ARCH_ARM, CBPF_ARCH_I386 });
	ck_assert_ptr_null(parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				 "[\"SCMP_ARCH_X86_64\"], \"archMap\": [ { \"architecture\": "
				 "\"SCMP_ARCH_X86_64\" } ] }"));
	ck_assert_str_eq(first_diag(),
			 "1:88: error: both 'architectures' and 'archMap' are given: use one");
	ck_assert_ptr_null(parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				 "[\"SCMP_ARCH_PPC64\"] }"));
	ck_assert_str_eq(first_diag(),
			 "1:56: error: architecture 'SCMP_ARCH_PPC64' is not "
			 "supported (x86_64, i386, x32, aarch64, arm, riscv64, ppc64le, "
			 "s390x, loongarch64, mips, mipsel, mips64, mips64el, mipsn32, mipsn32el, "
			 "ppc, s390)");
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_X86_64, .lenient = true };
	check_arches(parse_opts("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				"[\"SCMP_ARCH_PPC64\", \"SCMP_ARCH_X86\"] }",
				&opts),
		     2, (enum cbpf_arch[]){ CBPF_ARCH_X86_64, CBPF_ARCH_I386 });
	ck_assert_int_eq(diags.v[0].severity, CBPF_SEV_WARNING);
	/* runc's filter starts with libseccomp's native architecture: the host's is always in */
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_AARCH64 };
	check_arches(parse_opts("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
				"[\"SCMP_ARCH_X86_64\"] }",
				&opts),
		     2, (enum cbpf_arch[]){ CBPF_ARCH_AARCH64, CBPF_ARCH_X86_64 });
}
END_TEST

static const char *const filtered =
	PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
		"{ \"names\": [\"chroot\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"includes\": { \"caps\": [\"CAP_SYS_CHROOT\"] } },"
		"{ \"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"includes\": { \"caps\": [\"CAP_SYS_ADMIN\", \"CAP_SYS_CHROOT\"] } },"
		"{ \"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"excludes\": { \"caps\": [\"CAP_BPF\", \"CAP_SYS_ADMIN\"] } },"
		"{ \"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"includes\": { \"arches\": [\"amd64\", \"x32\"] } },"
		"{ \"names\": [\"set_tls\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"includes\": { \"arches\": [\"arm\", \"arm64\"] } },"
		"{ \"names\": [\"modify_ldt\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"excludes\": { \"arches\": [\"amd64\"] } },"
		"{ \"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"includes\": { \"minKernel\": \"4.8\" } },"
		"{ \"names\": [\"uselib\"], \"action\": \"SCMP_ACT_ALLOW\","
		"  \"excludes\": { \"minKernel\": \"4.8\" } }");

static bool has(struct cbpf_policy *pol, const char *syscall)
{
	const struct cbpf_policy_rule *r;

	return rules_for(pol, syscall, &r) > 0;
}

START_TEST(includes_excludes)
{
	static const char *const all[] = { "ALL", NULL }, *const none[] = { NULL };
	static const char *const admin[] = { "CAP_SYS_ADMIN", "CAP_SYS_CHROOT", NULL };
	struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64, .kernel = "6.1" };
	struct cbpf_policy *pol = parse_opts(filtered, &opts);

	/* Docker's default capabilities: CAP_SYS_CHROOT yes, CAP_SYS_ADMIN no */
	ck_assert(has(pol, "chroot"));
	ck_assert(!has(pol, "mount"));
	ck_assert(has(pol, "clone"));
	ck_assert(has(pol, "arch_prctl"));
	ck_assert(!has(pol, "set_tls"));
	ck_assert(!has(pol, "modify_ldt"));
	ck_assert(has(pol, "ptrace"));
	ck_assert(!has(pol, "uselib"));
	cbpf_policy_free(pol);
	opts = (struct cbpf_policy_opts){ .host = CBPF_ARCH_AARCH64,
					  .kernel = "4.4.0-foo",
					  .caps = admin };
	pol = parse_opts(filtered, &opts);
	ck_assert(has(pol, "chroot"));
	ck_assert(has(pol, "mount"));
	ck_assert(!has(pol, "clone")); /* any excluded capability present leaves it out */
	ck_assert(!has(pol, "arch_prctl"));
	ck_assert(has(pol, "set_tls"));
	ck_assert(has(pol, "modify_ldt"));
	ck_assert(!has(pol, "ptrace"));
	ck_assert(has(pol, "uselib"));
	cbpf_policy_free(pol);
	opts = (struct cbpf_policy_opts){ .caps = all };
	pol = parse_opts(filtered, &opts);
	ck_assert(has(pol, "mount"));
	cbpf_policy_free(pol);
	opts = (struct cbpf_policy_opts){ .caps = none };
	pol = parse_opts(filtered, &opts);
	ck_assert(!has(pol, "chroot"));
	ck_assert(has(pol, "clone"));
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(conditions)
{
	static const char *const src = PROFILE(
		"\"defaultAction\": \"SCMP_ACT_ERRNO\"",
		"{ \"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		"  { \"index\": 0, \"value\": 2114060288, \"valueTwo\": 4294967295,"
		"    \"op\": \"SCMP_CMP_MASKED_EQ\" } ] },"
		"{ \"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		"  { \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_NE\" },"
		"  { \"index\": 1, \"value\": 5, \"valueTwo\": 9, \"op\": \"SCMP_CMP_GE\" } ] },"
		"{ \"names\": [\"dup3\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
		"  { \"index\": 2, \"value\": 0, \"op\": \"SCMP_CMP_EQ\" },"
		"  { \"index\": 2, \"value\": 524288, \"op\": \"SCMP_CMP_EQ\" },"
		"  { \"index\": 1, \"op\": \"SCMP_CMP_LT\" } ] }");
	struct cbpf_policy *pol = parse(src);
	const struct cbpf_policy_rule *r;

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "clone", &r), 1);
	ck_assert_uint_eq(r->n_conds, 1);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_MASKED_EQ);
	ck_assert_uint_eq(r->conds[0].mask, 2114060288);
	ck_assert_uint_eq(r->conds[0].value, 2114060288); /* valueTwo & value, as libseccomp */
	ck_assert_uint_eq(rules_for(pol, "socket", &r), 1);
	ck_assert_uint_eq(r->n_conds, 2);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_NE);
	ck_assert_uint_eq(r->conds[0].mask, UINT64_MAX);
	ck_assert_int_eq(r->conds[1].op, CBPF_CMP_GE);
	ck_assert_uint_eq(r->conds[1].arg, 1);
	ck_assert_uint_eq(r->conds[1].value, 5);
	ck_assert_uint_eq(r->line, 1);
	ck_assert_uint_gt(r->col, 1);
	/* two conditions on one argument: runc adds each as a rule of its own */
	ck_assert_uint_eq(rules_for(pol, "dup3", &r), 3);
	ck_assert_uint_eq(r->n_conds, 1);
	cbpf_policy_free(pol);
}
END_TEST

/* No limit on conditions: a 100-way ioctl list is 100 rules, as runc adds them. */
START_TEST(many_conditions)
{
	size_t cap = 8192, len;
	char *src = malloc(cap);
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;

	ck_assert_ptr_nonnull(src);
	len = (size_t)snprintf(src, cap,
			       "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
			       "[{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\", "
			       "\"args\": [");
	for (unsigned i = 0; i < 100; i++)
		len += (size_t)snprintf(src + len, cap - len,
					"%s{\"index\": 1, \"value\": %u, \"op\": \"SCMP_CMP_EQ\"}",
					i ? ", " : "", 0x5400 + i);
	snprintf(src + len, cap - len, "]}]}");
	pol = parse(src);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "ioctl", &r), 100);
	ck_assert_uint_eq(r->conds[0].value, 0x5400);
	cbpf_policy_free(pol);
	free(src);
}
END_TEST

START_TEST(json_reader)
{
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;

	/* escapes, a BOM, Go's case-insensitive member names, null for absent */
	pol = parse("\xef\xbb\xbf{ \"DefaultAction\": \"SCMP_ACT_ERRNO\", \"comment\": "
		    "\"\\ud83d\\ude00 \\u00e9\\t\\\"\", \"architectures\": null, \"syscalls\": "
		    "[ { \"names\": [\"\\u0072ead\"], \"action\": \"SCMP_ACT_ALLOW\", "
		    "\"args\": null, \"includes\": null } ] }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	cbpf_policy_free(pol);
	ck_assert_ptr_null(parse(""));
	ck_assert_str_eq(first_diag(), "1:1: error: expected a value, found the end of the input");
	ck_assert_ptr_null(parse("[]"));
	ck_assert_str_eq(first_diag(), "1:1: error: a seccomp profile must be an object, not an "
				       "array");
	ck_assert_ptr_null(parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\" } x"));
	ck_assert_str_eq(first_diag(), "1:39: error: expected the end of the input after the "
				       "profile, found 'x'");
	ck_assert_ptr_null(parse("{\n  \"a\": \"\\ud800x\" }"));
	ck_assert_str_eq(first_diag(), "2:9: error: lone UTF-16 surrogate in a \\u escape");
	ck_assert_ptr_null(parse("{ \"a\": 1e }"));
	ck_assert_str_eq(first_diag(), "1:10: error: expected a digit in the exponent, found ' '");
	ck_assert_ptr_null(parse("{ \"a\": tru }"));
	ck_assert_str_eq(first_diag(), "1:8: error: expected a value, found 't'");
	ck_assert_ptr_null(parse("{ a: 1 }"));
	ck_assert_str_eq(first_diag(), "1:3: error: expected a member name in double quotes, "
				       "found 'a'");
	ck_assert_ptr_null(parse("{ \"a\" 1 }"));
	ck_assert_str_eq(first_diag(), "1:7: error: expected ':' after a member name, found '1'");
	ck_assert_ptr_null(parse("{ \"a\": \"x\ny\" }"));
	ck_assert_str_eq(first_diag(), "1:10: error: unterminated string");
}
END_TEST

START_TEST(json_deep_nesting)
{
	char src[400];
	size_t n = 0;

	n += (size_t)snprintf(src, sizeof(src), "{ \"a\": ");
	for (int i = 0; i < 100; i++)
		src[n++] = '[';
	src[n] = '\0';
	ck_assert_ptr_null(parse(src));
	ck_assert_str_eq(first_diag(), "1:71: error: nested too deeply");
}
END_TEST

START_TEST(warnings)
{
	struct cbpf_policy *pol;

	pol = parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnx\": 3, "
		    "\"defaultAction\": \"SCMP_ACT_LOG\" }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 2);
	ck_assert_str_eq(first_diag(), "1:38: warning: unknown member 'defaultErrnx' in the "
				       "profile ignored");
	ck_assert_str_eq(diags.v[1].msg, "duplicate member 'defaultAction' in the profile (also at "
					 "1:3): the last one counts, as Docker reads it");
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x7ffc0000);
	cbpf_policy_free(pol);
	/* containers/common's defaultErrno: no member of moby's types, which Go skips whatever it
	 * holds; a name that says another errno than the action's is a warning */
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": 3 }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 0);
	cbpf_policy_free(pol);
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": \"ENOSYS\" }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_str_eq(first_diag(),
			 "1:54: warning: 'ENOSYS' (38) is not the errno runc returns, "
			 "1 ('defaultErrnoRet', EPERM without it): runc reads only "
			 "'defaultErrnoRet'");
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(syscall_names_checked)
{
	struct cbpf_policy_opts opts = { .lenient = true };
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;
	static const char *const src =
		PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
			"{ \"names\": [\"read\", \"wirte\", \"chown32\", \"riscv_hwprobe\"], "
			"\"action\": \"SCMP_ACT_ALLOW\" },"
			"{ \"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"  \"excludes\": { \"arches\": [\"amd64\"] } },"
			"{ \"names\": [\"clsoe\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"  \"excludes\": { \"arches\": [\"amd64\"] } }");

	ck_assert_ptr_null(parse(src));
	ck_assert_uint_eq(diags.errors, 2); /* even in a rule left out for this host */
	ck_assert_str_eq(
		first_diag(),
		"1:72: error: unknown syscall 'wirte' (did you mean 'write'?); runc leaves "
		"out the names libseccomp does not know, and --lenient does too");
	/* lenient: a typo (no architecture has the name) is left out, as runc leaves it out */
	pol = parse_opts(src, &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.errors, 0);
	ck_assert_str_eq(first_diag(), "1:72: warning: unknown syscall 'wirte' (did you mean "
				       "'write'?) left out, as runc leaves it out");
	ck_assert_uint_eq(rules_for(pol, "wirte", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	cbpf_policy_free(pol);
	pol = parse_opts(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
				 "{ \"names\": [\"read\", \"chown32\", \"riscv_hwprobe\"], "
				 "\"action\": \"SCMP_ACT_ALLOW\" }"),
			 &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 0);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(rules_for(pol, "chown32", &r), 1); /* on i386 and arm only */
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(flags)
{
	struct cbpf_policy *pol =
		parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
			      "[\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]",
			      ""));

	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 0);
	ck_assert_uint_eq(cbpf_policy_flags(pol),
			  CBPF_SECCOMP_FLAG_LOG | CBPF_SECCOMP_FLAG_SPEC_ALLOW);
	cbpf_policy_free(pol);
	ck_assert_ptr_null(parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
					 "[\"SECCOMP_FILTER_FLAG_TSYNC\", \"LOG\"]",
					 "")));
	ck_assert_str_eq(first_diag(),
			 "1:77: error: unknown flag 'LOG' (SECCOMP_FILTER_FLAG_TSYNC, "
			 "_LOG, _SPEC_ALLOW, _WAIT_KILLABLE_RECV)");
}
END_TEST

START_TEST(bad_fields)
{
	ck_assert_ptr_null(parse("{ \"defaultAction\": 1 }"));
	ck_assert_str_eq(first_diag(), "1:20: error: an action must be a string, not a number");
	ck_assert_ptr_null(parse(
		PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"", "{ \"names\": [\"read\"] }")));
	ck_assert_str_eq(first_diag(), "1:52: error: a syscalls entry without 'action'");
	ck_assert_ptr_null(parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
					 "{ \"action\": \"SCMP_ACT_ALLOW\" }")));
	ck_assert_str_eq(first_diag(), "1:52: error: a syscalls entry without 'names'");
	ck_assert_ptr_null(parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
					 "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"args\": [ { \"index\": 0, \"value\": 1.5, "
					 "\"op\": \"SCMP_CMP_EQ\" } ] }")));
	ck_assert_str_eq(first_diag(), "1:134: error: value must be a non-negative integer, not "
				       "1.5");
	ck_assert_ptr_null(parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
					 "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"args\": [ { \"index\": 0, \"value\": 1 } ] }")));
	ck_assert_str_eq(first_diag(), "1:111: error: argument condition without 'op'");
	ck_assert_ptr_null(parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
					 "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"includes\": { \"minKernel\": \"four\" } }")));
	ck_assert_str_eq(first_diag(), "1:128: error: bad kernel version 'four' (Docker reads "
				       "major.minor, each 0 to 255, not 0.0)");
}
END_TEST

START_TEST(error_limit)
{
	char src[4096];
	size_t n = 0;

	n += (size_t)snprintf(src + n, sizeof(src) - n,
			      "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [");
	for (int i = 0; i < 30; i++)
		n += (size_t)
			snprintf(src + n, sizeof(src) - n,
				 "%s{ \"names\": [\"nope%d\"], \"action\": \"SCMP_ACT_ALLOW\" }",
				 i ? "," : "", i);
	snprintf(src + n, sizeof(src) - n, "] }");
	ck_assert_ptr_null(parse(src));
	ck_assert_uint_eq(diags.errors, 20);
}
END_TEST

/* The diagnostic i, as "line:col: severity: message". */
static const char *diag_at(size_t i)
{
	static char buf[512];
	static const char *const sev[] = { "note", "warning", "error" };

	ck_assert_uint_gt(diags.n, i);
	snprintf(buf, sizeof(buf), "%u:%u: %s: %s", diags.v[i].line, diags.v[i].col,
		 sev[diags.v[i].severity], diags.v[i].msg);
	return buf;
}

#define ERRNO_DEFAULT "\"defaultAction\": \"SCMP_ACT_ERRNO\""

/* Member names as Go's encoding/json matches them (issue 11, defect 4). */
START_TEST(go_member_names)
{
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;

	/* the last key for a field counts, matched exactly or not: Docker denies here */
	pol = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"DefaultAction\":\"SCMP_ACT_ERRNO\"}");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x00050001);
	ck_assert_uint_eq(diags.n, 1);
	ck_assert_str_eq(first_diag(),
			 "1:35: warning: duplicate member 'DefaultAction' in the "
			 "profile (also 'defaultAction' at 1:2): the last one counts, "
			 "as Docker reads it");
	cbpf_policy_free(pol);
	/* an exact match before does not win over a folded one after */
	pol = parse("{\"DefaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x7fff0000);
	cbpf_policy_free(pol);
	/* Docker allows ptrace, not getpid */
	pol = parse(PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"getpid\"], \"Names\": [\"ptrace\"], "
					   "\"action\": \"SCMP_ACT_ALLOW\" }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "getpid", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "ptrace", &r), 1);
	ck_assert_str_eq(first_diag(),
			 "1:75: warning: duplicate member 'Names' in a syscalls "
			 "entry (also 'names' at 1:54): the last one counts, as Docker "
			 "reads it");
	cbpf_policy_free(pol);
	/* U+017F (long s) folds to 's', in UTF-8 or escaped: Docker applies these rules */
	pol = parse("{ " ERRNO_DEFAULT ", \"\xc5\xbfyscalls\": [ { \"name\\u017f\": [\"read\"], "
		    "\"action\": \"SCMP_ACT_ALLOW\" } ] }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(diags.n, 2);
	ck_assert_str_eq(first_diag(),
			 "1:38: warning: member '\xc5\xbfyscalls' in the profile is "
			 "read as 'syscalls': Go's encoding/json folds U+017F (long s) "
			 "to 's'");
	ck_assert_str_eq(diag_at(1),
			 "1:55: warning: member 'name\xc5\xbf' in a syscalls entry is "
			 "read as 'names': Go's encoding/json folds U+017F (long s) to 's'");
	cbpf_policy_free(pol);
	/* U+212A (Kelvin sign) folds to 'k': this kernel is too old for the rule */
	pol = parse(PROFILE(ERRNO_DEFAULT,
			    "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			    "\"includes\": { \"min\\u212Aernel\": \"99.0\" } }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 0);
	ck_assert_str_eq(first_diag(), "1:115: warning: member 'min\xe2\x84\xaa"
				       "ernel' in includes is read as 'minKernel': Go's "
				       "encoding/json folds U+212A (Kelvin sign) to 'k'");
	cbpf_policy_free(pol);
	/* simple folding only: no dotted capital I for i, no overlong or invalid UTF-8 */
	pol = parse(PROFILE(ERRNO_DEFAULT,
			    "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			    "\"args\": [ { \"\\u0130ndex\": 1, \"op\": \"SCMP_CMP_GT\", "
			    "\"n\xc1\xa1me\": 3, \"op\xff\": 4 } ] }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(r->conds[0].arg, 0);
	ck_assert_uint_eq(diags.n, 3);
	ck_assert_str_eq(first_diag(),
			 "1:113: warning: unknown member '\xc4\xb0ndex' in an argument "
			 "condition ignored");
	cbpf_policy_free(pol);
}
END_TEST

/* null, and values decoded over the ones before, as Go's decoder has them. */
START_TEST(go_null_and_merge)
{
	static const char *const default_caps[] = { "CAP_CHOWN", NULL };
	struct cbpf_policy_opts opts = { .caps = default_caps };
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;

	/* null leaves a string as it was, and clears a pointer */
	pol = parse("{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultAction\": null }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x7fff0000);
	ck_assert_str_eq(first_diag(),
			 "1:38: warning: duplicate member 'defaultAction' in the "
			 "profile (also at 1:3): its null leaves the value before it, "
			 "which counts, as Docker reads it");
	cbpf_policy_free(pol);
	pol = parse("{ " ERRNO_DEFAULT ", \"defaultErrnoRet\": 5, \"defaulterrnoret\": null }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(cbpf_policy_default_action(pol), 0x00050001);
	ck_assert_str_eq(first_diag(),
			 "1:60: warning: duplicate member 'defaulterrnoret' in the "
			 "profile (also 'defaultErrnoRet' at 1:38): its null clears the "
			 "value before it, as Docker reads it");
	cbpf_policy_free(pol);
	/* a second syscalls list is decoded over the first: write gets read's action and args */
	pol = parse("{ " ERRNO_DEFAULT ", \"syscalls\": [ { \"names\": [\"read\"], \"action\": "
		    "\"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0, \"value\": 1, \"op\": "
		    "\"SCMP_CMP_EQ\" } ] } ], \"syscalls\": [ { \"names\": [\"write\"] } ] }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "write", &r), 1);
	ck_assert_uint_eq(r->action, 0x7fff0000);
	ck_assert_uint_eq(r->n_conds, 1);
	ck_assert_uint_eq(r->conds[0].value, 1);
	ck_assert_str_eq(first_diag(), "1:166: warning: duplicate member 'syscalls' in the profile "
				       "(also at 1:38): it is decoded over the one before, which "
				       "keeps what it leaves out, as Docker reads it");
	cbpf_policy_free(pol);
	/* element by element, over what a shorter array cut off too; [] starts afresh */
	pol = parse(
		PROFILE(ERRNO_DEFAULT,
			"{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ "
			"{ \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" }, "
			"{ \"index\": 1, \"value\": 2, \"op\": \"SCMP_CMP_NE\" } ], "
			"\"args\": [ { \"value\": 7 } ], \"args\": [ {}, {} ] },"
			"{ \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ "
			"{ \"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_EQ\" } ], \"args\": [], "
			"\"args\": [ { \"op\": \"SCMP_CMP_GT\" } ] }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(r->n_conds, 2);
	ck_assert_uint_eq(r->conds[0].arg, 0);
	ck_assert_uint_eq(r->conds[0].value, 7);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_EQ);
	ck_assert_uint_eq(r->conds[1].arg, 1);
	ck_assert_uint_eq(r->conds[1].value, 2);
	ck_assert_int_eq(r->conds[1].op, CBPF_CMP_NE);
	ck_assert_uint_eq(rules_for(pol, "write", &r), 1);
	ck_assert_uint_eq(r->n_conds, 1);
	ck_assert_uint_eq(r->conds[0].arg, 0);
	ck_assert_uint_eq(r->conds[0].value, 0);
	ck_assert_int_eq(r->conds[0].op, CBPF_CMP_GT);
	cbpf_policy_free(pol);
	/* includes decoded over includes: both conditions hold; null drops them */
	pol = parse_opts(
		PROFILE(ERRNO_DEFAULT,
			"{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"includes\": { \"caps\": [\"CAP_CHOWN\"] }, "
			"\"includes\": { \"arches\": [\"arm64\"] } },"
			"{ \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"includes\": { \"caps\": [\"CAP_SYS_ADMIN\"] }, \"includes\": null }"),
		&opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "write", &r), 1);
	cbpf_policy_free(pol);
	/* a null entry where one was: moby's *Syscall is nil (Docker fails on it) */
	ck_assert_ptr_null(parse("{ " ERRNO_DEFAULT ", \"syscalls\": [ { \"names\": [\"read\"], "
				 "\"action\": \"SCMP_ACT_ALLOW\" } ], \"syscalls\": [ null ] }"));
	ck_assert_str_eq(diag_at(1), "1:119: error: a syscalls entry must be an object, not null");
	/* an empty names list leaves name alone (moby setupSeccomp) */
	pol = parse(PROFILE(ERRNO_DEFAULT, "{ \"names\": [], \"name\": \"read\", "
					   "\"action\": \"SCMP_ACT_ALLOW\" }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	cbpf_policy_free(pol);
}
END_TEST

/* What fails Go's decoding fails the profile, even where a later key replaces it. */
START_TEST(go_refusals)
{
	static const struct {
		const char *src, *diag;
	} bad[] = {
		{ "{ \"defaultAction\": 5, \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		  "[ { \"names\": [\"nope\"], \"action\": \"SCMP_ACT_ERRNO\" } ] }",
		  "1:20: error: an action must be a string, not a number" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"args\": [ { \"index\": -1, \"index\": 0, \"op\": "
					 "\"SCMP_CMP_EQ\" } ] }"),
		  "1:122: error: index must be a non-negative integer, not -1" },
		{ PROFILE(ERRNO_DEFAULT,
			  "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			  "\"args\": [ { \"value\": 1.0, \"op\": \"SCMP_CMP_EQ\" } ] }"),
		  "1:122: error: value must be a non-negative integer, not 1.0" },
		{ PROFILE(ERRNO_DEFAULT,
			  "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			  "\"args\": [ { \"valueTwo\": 1e3, \"op\": \"SCMP_CMP_EQ\" } ] }"),
		  "1:125: error: valueTwo must be a non-negative integer, not 1e3" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"errnoRet\": 18446744073709551616, \"errnoRet\": 1 }"),
		  "1:113: error: errnoRet 18446744073709551616 is out of range (at most "
		  "18446744073709551615)" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"comment\": 5 }"),
		  "1:112: error: comment must be a string, not a number" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": \"read\", \"action\": \"SCMP_ACT_ALLOW\" }"),
		  "1:63: error: names must be an array, not a string" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"excludes\": { \"minKernel\": \"4.8.1\" } }"),
		  "1:128: error: bad kernel version '4.8.1' (Docker reads major.minor, each 0 to "
		  "255, not 0.0)" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"includes\": { \"minKernel\": \"256.1\" } }"),
		  "1:128: error: bad kernel version '256.1' (Docker reads major.minor, each 0 to "
		  "255, not 0.0)" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"includes\": { \"minKernel\": \"0.0\" } }"),
		  "1:128: error: bad kernel version '0.0' (Docker reads major.minor, each 0 to "
		  "255, not 0.0)" },
		{ PROFILE(ERRNO_DEFAULT, "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
					 "\"includes\": { \"minKernel\": 4 } }"),
		  "1:128: error: minKernel must be a string, not a number" },
	};
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!parse(bad[i].src), "accepted: %s", bad[i].src);
		/* Docker stops at the decoding: no error of the profile's meaning follows */
		ck_assert_uint_eq(diags.errors, 1);
		ck_assert_str_eq(first_diag(), bad[i].diag);
	}
	/* a top-level comment is no field of moby's Seccomp: Go skips it unread */
	pol = parse("{ " ERRNO_DEFAULT ", \"comment\": 5 }");
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(diags.n, 0);
	cbpf_policy_free(pol);
	/* minKernel "" is a version of 0.0 (and leaves one already there); leading zeros count */
	pol = parse(PROFILE(ERRNO_DEFAULT,
			    "{ \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
			    "\"includes\": { \"minKernel\": \"\" } },"
			    "{ \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", "
			    "\"excludes\": { \"minKernel\": \"\" } },"
			    "{ \"names\": [\"close\"], \"action\": \"SCMP_ACT_ALLOW\", "
			    "\"includes\": { \"minKernel\": \"06.02\", \"minKernel\": \"\" } }"));
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "read", &r), 1);
	ck_assert_uint_eq(rules_for(pol, "write", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "close", &r), 0); /* 6.2 > the kernel's 6.1 */
	cbpf_policy_free(pol);
}
END_TEST

/* A profile's capability is looked up as moby does: "CAP_SYS_ADMIN" exactly, or never. */
START_TEST(caps_as_docker_compares)
{
	static const char *const all[] = { "ALL", NULL };
	static const char *const admin[] = { "sys_admin", NULL };
	struct cbpf_policy_opts opts = { .caps = all };
	struct cbpf_policy *pol;
	const struct cbpf_policy_rule *r;
	static const char *const src =
		PROFILE(ERRNO_DEFAULT,
			"{ \"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"includes\": { \"caps\": [\"sys_admin\"] } },"
			"{ \"names\": [\"umount2\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"includes\": { \"caps\": [\"CAP_NOPE\"] } },"
			"{ \"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"excludes\": { \"caps\": [\"SYS_ADMIN\"] } },"
			"{ \"names\": [\"setns\"], \"action\": \"SCMP_ACT_ALLOW\", "
			"\"includes\": { \"caps\": [\"CAP_SYS_ADMIN\"] } }");

	pol = parse_opts(src, &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "mount", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "umount2", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "clone", &r), 1);
	ck_assert_uint_eq(rules_for(pol, "setns", &r), 1);
	ck_assert_uint_eq(diags.n, 3);
	ck_assert_str_eq(first_diag(), "1:125: warning: capability 'sys_admin' matches none of the "
				       "container's: Docker compares 'CAP_SYS_ADMIN' exactly");
	ck_assert_str_eq(diag_at(1), "1:217: warning: unknown capability 'CAP_NOPE'");
	cbpf_policy_free(pol);
	/* the container's own capabilities may be written either way */
	opts = (struct cbpf_policy_opts){ .caps = admin };
	pol = parse_opts(src, &opts);
	ck_assert_ptr_nonnull(pol);
	ck_assert_uint_eq(rules_for(pol, "mount", &r), 0);
	ck_assert_uint_eq(rules_for(pol, "clone", &r), 1);
	ck_assert_uint_eq(rules_for(pol, "setns", &r), 1);
	cbpf_policy_free(pol);
}
END_TEST

/* The action pol's filter gives socket(a0, a1) on x86_64. */
static uint32_t socket_action(const struct cbpf_policy *pol, uint64_t a0, uint64_t a1)
{
	struct cbpf_seccomp_data sd = { .nr = 41,
					.arch = CBPF_AUDIT_ARCH_X86_64,
					.args = { a0, a1 } };
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	struct cbpf_prog *prog = NULL;
	struct cbpf_vm *vm = NULL;
	uint32_t act;

	ck_assert_int_eq(cbpf_policy_gen(pol, NULL, &prog, &diags), 0);
	ck_assert_int_eq(cbpf_vm_new(prog, CBPF_VM_SECCOMP, &vm, NULL), 0);
	act = cbpf_vm_run(vm, &in);
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	return act;
}

#define SOCKET_RULE(action, arg, value)                                                            \
	"{ \"names\": [\"socket\"], \"action\": \"" action "\", \"args\": [ { \"index\": " arg     \
	", \"value\": " value ", \"op\": \"SCMP_CMP_EQ\" } ] }"

/*
 * Overlapping conditional rules get libseccomp's tree's action: arg1's test comes before arg0's
 * whatever the order in the file; --strict keeps the error; the same conditions with another
 * action are refused, as libseccomp refuses them (EEXIST) and runc the profile.
 */
START_TEST(overlap_as_libseccomp)
{
	static const char *const orders[] = {
		PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
			SOCKET_RULE("SCMP_ACT_ALLOW", "0", "1") ", " SOCKET_RULE("SCMP_ACT_LOG",
										 "1", "2")),
		PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
			SOCKET_RULE("SCMP_ACT_LOG", "1", "2") ", " SOCKET_RULE("SCMP_ACT_ALLOW",
									       "0", "1")),
	};
	struct cbpf_policy_opts strict = { .strict = true };
	struct cbpf_policy *pol;

	for (int i = 0; i < 2; i++) {
		pol = parse(orders[i]);
		ck_assert_ptr_nonnull(pol);
		ck_assert_ptr_nonnull(strstr(first_diag(), "rules for 'socket' overlap"));
		ck_assert_uint_eq(socket_action(pol, 1, 2), CBPF_SECCOMP_RET_LOG);
		ck_assert_uint_eq(socket_action(pol, 1, 3), CBPF_SECCOMP_RET_ALLOW);
		ck_assert_uint_eq(socket_action(pol, 0, 2), CBPF_SECCOMP_RET_LOG);
		ck_assert_uint_eq(socket_action(pol, 0x100000001ULL, 3),
				  CBPF_SECCOMP_RET_ERRNO | 1);
		cbpf_policy_free(pol);
		ck_assert_ptr_null(parse_opts(orders[i], &strict));
		ck_assert_ptr_nonnull(strstr(first_diag(), "contradicting rules for 'socket'"));
	}
	ck_assert_ptr_null(
		parse(PROFILE("\"defaultAction\": \"SCMP_ACT_ERRNO\"",
			      SOCKET_RULE("SCMP_ACT_LOG", "0",
					  "1") ", " SOCKET_RULE("SCMP_ACT_ALLOW", "0", "1"))));
	ck_assert_ptr_nonnull(strstr(diags.v[diags.n - 1].msg, "(EEXIST)"));
}
END_TEST

static void teardown(void)
{
	cbpf_diags_free(&diags);
}

Suite *policy_json_suite(void)
{
	Suite *s = suite_create("policy_json");
	TCase *tc = tcase_create("policy_json");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, default_actions);
	tcase_add_test(tc, actions_and_errno);
	tcase_add_test(tc, arch_map_by_host);
	tcase_add_test(tc, arch_map_subarches);
	tcase_add_test(tc, architectures_list);
	tcase_add_test(tc, includes_excludes);
	tcase_add_test(tc, conditions);
	tcase_add_test(tc, many_conditions);
	tcase_add_test(tc, json_reader);
	tcase_add_test(tc, json_deep_nesting);
	tcase_add_test(tc, warnings);
	tcase_add_test(tc, syscall_names_checked);
	tcase_add_test(tc, bad_fields);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, error_limit);
	tcase_add_test(tc, go_member_names);
	tcase_add_test(tc, go_null_and_merge);
	tcase_add_test(tc, go_refusals);
	tcase_add_test(tc, caps_as_docker_compares);
	tcase_add_test(tc, overlap_as_libseccomp);
	suite_add_tcase(s, tc);
	return s;
}
