// SPDX-License-Identifier: MIT
/* Recording: strace and audit logs read, recordings written and read back, which rule decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define MAX_EV 32

struct seen {
	size_t n;
	struct cbpf_syscall_event ev[MAX_EV];
	char names[MAX_EV][32];
};

static int collect(void *ctx, const struct cbpf_syscall_event *ev)
{
	struct seen *s = ctx;

	ck_assert_uint_lt(s->n, MAX_EV);
	s->ev[s->n] = *ev;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s",
		 ev->name ? ev->name : cbpf_syscall_name(ev->arch, ev->nr));
	s->n++;
	return 0;
}

static const char strace_log[] =
	"100   execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 3 vars */) = 0\n"
	"[pid   101] 12:00:00.000001 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3\n"
	"100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD "
	"<unfinished ...>\n"
	"100   <... clone resumed>, child_tidptr=0x7f) = 101\n"
	"101   --- SIGCHLD {si_signo=SIGCHLD} ---\n"
	"this is not strace\n"
	"[ Process PID=102 runs in x32 mode. ]\n"
	"102   syscall_0x27(0x1, 0x2) = -1 ENOSYS (Function not implemented)\n"
	"101   ioctl(1, TCGETS, {c_iflag=ICRNL}) = 0\n"
	"101   mmap(NULL, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE, 3, 0) = 0x7f\n"
	"101   no_such_call(1) = 0\n"
	"101   +++ exited with 0 +++\n"
	"12:00:01 openat(AT_FDCWD, \"/x\", O_RDONLstrace: Process 103 attached\n"
	"Y|O_CLOEXEC) = 3\n"
	"12:00:02 close(3) = 0\n";

START_TEST(strace_read)
{
	struct cbpf_diags d;
	struct seen s = { 0 };

	cbpf_diags_init(&d);
	ck_assert_int_eq(cbpf_trace_read(strace_log, strlen(strace_log), "t.log", CBPF_TRACE_AUTO,
					 collect, &s, &d),
			 0);
	ck_assert_uint_eq(s.n, 8);
	ck_assert_str_eq(s.names[6], "openat");
	ck_assert_str_eq(s.names[7], "close");
	ck_assert_str_eq(s.names[0], "execve");
	ck_assert_int_eq(s.ev[0].pid, 100);
	ck_assert_str_eq(s.names[1], "socket");
	ck_assert_int_eq(s.ev[1].pid, 101);
	ck_assert_uint_eq(s.ev[1].known & 3, 3);
	ck_assert_uint_eq(s.ev[1].args[0], 2);
	ck_assert_uint_eq(s.ev[1].args[1], 0x80001);
	ck_assert_str_eq(s.names[2], "clone");
	ck_assert_uint_eq(s.ev[2].known & 1, 1);
	ck_assert_uint_eq(s.ev[2].args[0], 0x01200011);
	ck_assert_int_eq(s.ev[3].arch, CBPF_ARCH_X32);
	ck_assert_str_eq(s.names[3], "getpid");
	ck_assert_str_eq(s.names[4], "ioctl");
	ck_assert_uint_eq(s.ev[4].args[1], 0x5401);
	ck_assert_uint_eq(s.ev[5].args[2], 5);
	/* the line that is not strace, and the unknown call, each named with its line */
	ck_assert_uint_eq(d.n, 2);
	ck_assert_uint_eq(d.v[0].line, 6);
	ck_assert_str_eq(d.v[0].msg, "cannot read this line as strace output: left out");
	ck_assert_uint_eq(d.v[1].line, 11);
	ck_assert_str_eq(d.v[1].msg, "unknown syscall 'no_such_call': left out");
	cbpf_diags_free(&d);
}
END_TEST

START_TEST(audit_read)
{
	static const char log[] =
		"type=SECCOMP msg=audit(1.0:1): pid=7 comm=\"a\" sig=31 arch=c000003e syscall=39 "
		"compat=0 ip=0x1 code=0x80000000\n"
		"type=SYSCALL msg=audit(1.0:2): arch=c000003e syscall=59 success=yes\n"
		"[ 1.5] audit: type=1326 audit(1.0:3): pid=8 arch=40000003 syscall=20 code=0x0\n"
		"type=1326 audit(1.0:4): pid=9 arch=c000003e syscall=1073741863 code=0x0\n";
	struct cbpf_diags d;
	struct seen s = { 0 };

	cbpf_diags_init(&d);
	ck_assert_int_eq(cbpf_trace_read(log, strlen(log), "a.log", CBPF_TRACE_AUTO, collect, &s,
					 &d),
			 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.names[0], "getpid");
	ck_assert_int_eq(s.ev[0].pid, 7);
	ck_assert_int_eq(s.ev[1].arch, CBPF_ARCH_I386);
	ck_assert_str_eq(s.names[1], "getpid");
	ck_assert_int_eq(s.ev[2].arch, CBPF_ARCH_X32);
	ck_assert_uint_eq(s.ev[2].line, 4);
	/* nothing readable at all: an error */
	ck_assert_int_eq(cbpf_trace_read("x\n", 2, "b.log", CBPF_TRACE_AUDIT, collect, &s, &d),
			 -EINVAL);
	ck_assert_uint_eq(d.errors, 1);
	cbpf_diags_free(&d);
}
END_TEST

static char *written(const struct cbpf_recording *rec, enum cbpf_record_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(cbpf_recording_write(fp, rec, f, NULL), 0);
	fclose(fp);
	return buf;
}

static void add(struct cbpf_recording *rec, enum cbpf_arch arch, const char *name, uint64_t a0,
		uint64_t a1, uint64_t a2)
{
	struct cbpf_syscall_event ev = { .arch = arch, .name = name, .known = 0x3f };

	ev.args[0] = a0;
	ev.args[1] = a1;
	ev.args[2] = a2;
	ck_assert_int_eq(cbpf_recording_add(rec, &ev), 0);
}

/* Written, read back as a policy, written again: the same text. */
static void round_trip(enum cbpf_record_format f, const char *expect)
{
	struct cbpf_recording_opts ro = { .args = true };
	struct cbpf_recording *rec, *back;
	enum cbpf_arch arches[CBPF_ARCH_COUNT];
	struct cbpf_policy_opts po = { .lenient = true };
	struct cbpf_policy *pol;
	struct cbpf_diags d;
	char *a, *b;

	cbpf_diags_init(&d);
	ck_assert_int_eq(cbpf_recording_new(&ro, &rec), 0);
	add(rec, CBPF_ARCH_X86_64, "read", 0, 0, 0);
	add(rec, CBPF_ARCH_X86_64, "socket", 2, 0x80001, 0);
	add(rec, CBPF_ARCH_X86_64, "socket", 1, 2, 0);
	add(rec, CBPF_ARCH_X86_64, "socket", 2, 0x80001, 6); /* the same family and type */
	add(rec, CBPF_ARCH_X86_64, "mprotect", 0, 4096, 1);
	add(rec, CBPF_ARCH_X86_64, "ioctl", 1, 0x5401, 0);
	add(rec, CBPF_ARCH_I386, "read", 0, 0, 0);
	add(rec, CBPF_ARCH_I386, "ioctl", 1, 0x5413, 0);
	add(rec, CBPF_ARCH_X86_64, "mmap", 0, 4096, 5); /* PROT_EXEC: any */
	ck_assert_uint_eq(cbpf_recording_count(rec), 7);
	a = written(rec, f);
	if (expect)
		ck_assert_str_eq(a, expect);
	po.n_arches = cbpf_recording_read_arches(a, strlen(a), arches);
	po.arches = arches;
	if (f == CBPF_RECORD_MINIJAIL)
		ck_assert_uint_eq(po.n_arches, 2);
	ck_assert_int_eq(cbpf_policy_parse(a, strlen(a), &po, &pol, &d), 0);
	ck_assert_int_eq(cbpf_recording_new(&ro, &back), 0);
	ck_assert_int_eq(cbpf_recording_add_policy(back, pol), 0);
	b = written(back, f);
	ck_assert_str_eq(a, b);
	cbpf_policy_free(pol);
	cbpf_recording_free(rec);
	cbpf_recording_free(back);
	free(a);
	free(b);
	cbpf_diags_free(&d);
}

START_TEST(minijail_round_trip)
{
	round_trip(
		CBPF_RECORD_MINIJAIL,
		"# Recorded by cbpf-xlate --record: the system calls the runs made, and no other "
		"(docs/policy.md).\n"
		"# architectures: x86_64 i386\n"
		"# compile with --arch x86_64,i386\n"
		"ioctl[arch=x86_64]: arg1 == TCGETS\n"
		"ioctl[arch=i386]: arg1 == TIOCGWINSZ\n"
		"mmap[arch=x86_64]: 1\n"
		"mprotect[arch=x86_64]: arg2 in ~PROT_EXEC\n"
		"read: 1\n"
		"socket[arch=x86_64]: arg0 == AF_INET && arg1 == SOCK_STREAM|SOCK_CLOEXEC || "
		"arg0 == AF_UNIX && arg1 == SOCK_DGRAM\n");
}
END_TEST

/* Every architecture by its SCMP_ARCH_* name (the first five only, once: "(null)" for the rest) */
START_TEST(oci_architectures)
{
	struct cbpf_recording_opts ro = { 0 };
	struct cbpf_recording *rec;
	char *a;

	ck_assert_int_eq(cbpf_recording_new(&ro, &rec), 0);
	add(rec, CBPF_ARCH_RISCV64, "read", 0, 0, 0);
	add(rec, CBPF_ARCH_MIPSN32, "read", 0, 0, 0);
	add(rec, CBPF_ARCH_S390, "read", 0, 0, 0);
	a = written(rec, CBPF_RECORD_OCI);
	ck_assert_ptr_nonnull(strstr(a, "\"SCMP_ARCH_RISCV64\", \"SCMP_ARCH_MIPS64N32\", "
					"\"SCMP_ARCH_S390\"]"));
	ck_assert_ptr_null(strstr(a, "(null)"));
	free(a);
	cbpf_recording_free(rec);
}
END_TEST

/* A 64-bit kernel truncates a compat task's arguments: mips' (o32), ppc's and s390's are 32 bits,
 * n32's are its 64-bit registers */
START_TEST(compat_arguments)
{
	struct cbpf_recording_opts ro = { .args = true };
	struct cbpf_recording *rec;
	char *a;

	ck_assert_int_eq(cbpf_recording_new(&ro, &rec), 0);
	add(rec, CBPF_ARCH_MIPS, "personality", 0xffffffff00000008, 0, 0);
	add(rec, CBPF_ARCH_S390, "personality", 0xffffffff00000008, 0, 0);
	add(rec, CBPF_ARCH_MIPSN32, "personality", 0x100000008, 0, 0);
	a = written(rec, CBPF_RECORD_MINIJAIL);
	ck_assert_ptr_nonnull(strstr(a, "personality[arch=mipsn32]: arg0 == 0x100000008\n"
					"personality[arch=mips,s390]: arg0 == 0x8\n"));
	free(a);
	cbpf_recording_free(rec);
}
END_TEST

START_TEST(oci_round_trip)
{
	round_trip(CBPF_RECORD_OCI, NULL);
}
END_TEST

START_TEST(decide)
{
	static const char src[] = "@default kill-process\n"
				  "read: 1\n"
				  "socket: arg0 == AF_UNIX; return EPERM\n"
				  "ioctl: arg1 == TCGETS || arg1 == TIOCGWINSZ\n";
	struct cbpf_syscall_event ev = { .arch = CBPF_ARCH_X86_64, .known = 0x3f };
	struct cbpf_policy_opts po = { .file = "p.policy" };
	const struct cbpf_policy_rule *rule;
	struct cbpf_policy *pol;
	uint32_t act;

	ck_assert_int_eq(cbpf_policy_parse(src, strlen(src), &po, &pol, NULL), 0);
	ev.name = "read";
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(rule->line, 2);
	ev.name = "socket";
	ev.args[0] = 2;
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_ERRNO | 1);
	ck_assert_uint_eq(rule->line, 3);
	ev.args[0] = 1;
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_ALLOW);
	ev.name = "ioctl";
	ev.args[1] = 0x5413;
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(rule->line, 4);
	ev.args[1] = 0x5414;
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_KILL_PROCESS);
	ck_assert_ptr_null(rule);
	ev.name = "write";
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, CBPF_SECCOMP_RET_KILL_PROCESS);
	ck_assert_ptr_null(rule);
	ev.arch = CBPF_ARCH_AARCH64; /* not one of the policy's */
	ev.name = "read";
	ck_assert_int_eq(cbpf_policy_decide(pol, &ev, &act, &rule), 0);
	ck_assert_uint_eq(act, cbpf_policy_badarch_action(pol));
	cbpf_policy_free(pol);
}
END_TEST

START_TEST(args_by_name)
{
	struct cbpf_syscall_event ev = { .arch = CBPF_ARCH_X86_64, .known = 0x3f };
	char buf[256];

	ev.name = "socket";
	ev.args[0] = 10;
	ev.args[1] = 0x80802;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0)");
	ev.name = "clone";
	ev.args[0] = 0x01200011;
	ev.args[1] = 0;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, "
			      "NULL, 0)");
	ev.name = "openat";
	ev.args[0] = (uint64_t)-100;
	ev.args[1] = 0x1000;
	ev.args[2] = 0x80000;
	ev.args[3] = 0;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC, 0)");
	ev.name = "mprotect";
	ev.args[0] = 0x1000;
	ev.args[1] = 0x2000;
	ev.args[2] = 5;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "mprotect(0x1000, 0x2000, PROT_READ|PROT_EXEC)");
	ev.name = "prctl";
	ev.args[0] = 4; /* PR_SET_MM_START_DATA, PR_SET_MM's argument, is 4 too */
	ev.args[1] = 1;
	ev.args[2] = ev.args[3] = ev.args[4] = 0;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "prctl(PR_SET_DUMPABLE, 0x1, 0, 0, 0)");
	ev.args[0] = 23;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "prctl(PR_CAPBSET_READ, 0x1, 0, 0, 0)");
	ev.args[0] = 1;
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "prctl(PR_SET_PDEATHSIG, 0x1, 0, 0, 0)");
	ev.name = NULL;
	ev.nr = 39; /* getpid */
	cbpf_syscall_args_format(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "getpid()");
	/* a short buffer: terminated, and the length it needed */
	ck_assert_int_eq(cbpf_syscall_args_format(&ev, buf, 4), 8);
	ck_assert_str_eq(buf, "get");
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, strace_read);
	tcase_add_test(tc, audit_read);
	tcase_add_test(tc, minijail_round_trip);
	tcase_add_test(tc, oci_round_trip);
	tcase_add_test(tc, oci_architectures);
	tcase_add_test(tc, compat_arguments);
	tcase_add_test(tc, decide);
	tcase_add_test(tc, args_by_name);
	suite_add_tcase(s, tc);
	return s;
}
