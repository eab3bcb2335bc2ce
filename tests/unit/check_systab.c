// SPDX-License-Identifier: MIT
/* Architectures, syscall tables, errno names and seccomp actions. */
#include <string.h>

#include "cbpf.h"
#include "unit.h"

START_TEST(arch_names)
{
	enum cbpf_arch a;

	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_X86_64), "x86_64");
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_I386), "i386");
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_X32), "x32");
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_AARCH64), "aarch64");
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_ARM), "arm");
	ck_assert_ptr_null(cbpf_arch_name(CBPF_ARCH_NONE));
	ck_assert_ptr_null(cbpf_arch_name((enum cbpf_arch)42));
	ck_assert_int_eq(cbpf_arch_parse("amd64", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_X86_64);
	ck_assert_int_eq(cbpf_arch_parse("SCMP_ARCH_X86", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_I386);
	ck_assert_int_eq(cbpf_arch_parse("ARM64", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_AARCH64);
	ck_assert_int_eq(cbpf_arch_parse("x32", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_X32);
	ck_assert_int_eq(cbpf_arch_parse("mips", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_MIPS);
	/* libseccomp's and Docker's mipsel64 is the kernel's and Debian's mips64el */
	ck_assert_int_eq(cbpf_arch_parse("SCMP_ARCH_MIPSEL64", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_MIPS64EL);
	ck_assert_int_eq(cbpf_arch_parse("loong64", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_LOONGARCH64);
	ck_assert_int_eq(cbpf_arch_parse("SCMP_ARCH_PPC64LE", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_PPC64LE);
	ck_assert_int_eq(cbpf_arch_parse("SCMP_ARCH_PPC64", &a), -ENOENT);
	/* n32, 32-bit powerpc, 31-bit s390: Debian's names, libseccomp's and Docker's */
	ck_assert_int_eq(cbpf_arch_parse("SCMP_ARCH_MIPS64N32", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_MIPSN32);
	ck_assert_int_eq(cbpf_arch_parse("mipsel64n32", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_MIPSN32EL);
	ck_assert_int_eq(cbpf_arch_parse("mipsn32el", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_MIPSN32EL);
	ck_assert_int_eq(cbpf_arch_parse("powerpc", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_PPC);
	ck_assert_int_eq(cbpf_arch_parse("s390", &a), 0);
	ck_assert_int_eq(a, CBPF_ARCH_S390);
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_MIPSN32), "mipsn32");
	ck_assert_str_eq(cbpf_arch_scmp_name(CBPF_ARCH_MIPSN32EL), "SCMP_ARCH_MIPSEL64N32");
	ck_assert_str_eq(cbpf_arch_scmp_name(CBPF_ARCH_PPC), "SCMP_ARCH_PPC");
	ck_assert_str_eq(cbpf_arch_scmp_name(CBPF_ARCH_S390), "SCMP_ARCH_S390");
	/* EM_MIPS | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_CONVENTION_MIPS64_N32 [| __AUDIT_ARCH_LE] */
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPSN32), 0xa0000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPSN32EL), 0xe0000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_PPC), 0x00000014);	/* EM_PPC */
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_S390), 0x00000016); /* EM_S390 */
	ck_assert_int_eq(cbpf_arch_of_audit(0xa0000008, CBPF_ARCH_NONE), CBPF_ARCH_MIPSN32);
	ck_assert_int_eq(cbpf_arch_of_audit(0x00000016, CBPF_ARCH_NONE), CBPF_ARCH_S390);
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_RISCV64), "riscv64");
	ck_assert_str_eq(cbpf_arch_name(CBPF_ARCH_MIPS64EL), "mips64el");
	/* include/uapi/linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE */
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_RISCV64), 0xc00000f3);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_PPC64LE), 0xc0000015);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_S390X), 0x80000016);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_LOONGARCH64), 0xc0000102);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPS), 0x00000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPSEL), 0x40000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPS64), 0x80000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_MIPS64EL), 0xc0000008);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_X86_64), 0xc000003e);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_X32), 0xc000003e);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_I386), 0x40000003);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_AARCH64), 0xc00000b7);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_ARM), 0x40000028);
	ck_assert_uint_eq(cbpf_arch_audit(CBPF_ARCH_NONE), 0);
#if defined(__x86_64__) && !defined(__ILP32__)
	ck_assert_int_eq(cbpf_arch_native(), CBPF_ARCH_X86_64);
#endif
}
END_TEST

START_TEST(syscall_numbers)
{
	uint32_t nr;

	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X86_64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 0);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_I386, "read", &nr), 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_AARCH64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 63);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X32, "read", &nr), 0);
	ck_assert_uint_eq(nr, 0x40000000);
	/* x32's own numbers for compat calls */
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X32, "rt_sigaction", &nr), 0);
	ck_assert_uint_eq(nr, 0x40000000 + 512);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_ARM, "breakpoint", &nr), 0);
	ck_assert_uint_eq(nr, 0xf0001);
	/* minijail's spelling of arm's private calls (ChromeOS policies: ARM_set_tls), arm's only
	 */
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_ARM, "ARM_set_tls", &nr), 0);
	ck_assert_uint_eq(nr, 0xf0005);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_ARM, "ARM_cacheflush", &nr), 0);
	ck_assert_uint_eq(nr, 0xf0002);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPS, "ARM_cacheflush", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_ARM, "ARM_read", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X86_64, "chown32", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_I386, "socket", &nr), 0);
	ck_assert_uint_eq(nr, 359);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X86_64, "listns", &nr), 0);
	ck_assert_uint_eq(nr, 470);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_X86_64, "no_such_call", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_NONE, "read", &nr), -EINVAL);
	/* the newer architectures; mips' numbers carry the ABI's base (o32 4000, n64 5000) */
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_RISCV64, "riscv_hwprobe", &nr), 0);
	ck_assert_uint_eq(nr, 258);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_PPC64LE, "socket", &nr), 0);
	ck_assert_uint_eq(nr, 326);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_S390X, "s390_runtime_instr", &nr), 0);
	ck_assert_uint_eq(nr, 342);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_LOONGARCH64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 63);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPS, "read", &nr), 0);
	ck_assert_uint_eq(nr, 4003);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPSEL, "execve", &nr), 0);
	ck_assert_uint_eq(nr, 4011);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPS64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 5000);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPS64EL, "sysmips", &nr), 0);
	ck_assert_uint_eq(nr, 5199);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_RISCV64, "open", &nr), -ENOENT);
	/* n32 from 6000 (arch/mips/kernel/syscalls/syscall_n32.tbl); ppc's and s390's 32-bit
	 * tables: the "32" rows, not the "64" ones */
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPSN32, "read", &nr), 0);
	ck_assert_uint_eq(nr, 6000);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPSN32EL, "execve", &nr), 0);
	ck_assert_uint_eq(nr, 6057);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_MIPSN32, "listns", &nr), 0);
	ck_assert_uint_eq(nr, 6470);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_PPC, "mmap2", &nr), 0);
	ck_assert_uint_eq(nr, 192);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_PPC, "newfstatat", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_S390, "time", &nr), 0);
	ck_assert_uint_eq(nr, 13);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_S390X, "time", &nr), -ENOENT);
	ck_assert_int_eq(cbpf_syscall_nr(CBPF_ARCH_S390, "listns", &nr), 0); /* 6.18 */
	ck_assert_uint_eq(nr, 470);
}
END_TEST

START_TEST(syscall_names)
{
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_X86_64, 59), "execve");
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_I386, 11), "execve");
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_X32, 0x40000000 + 520), "execve");
	ck_assert_ptr_null(cbpf_syscall_name(CBPF_ARCH_X32, 59)); /* no x32 bit */
	ck_assert_ptr_null(cbpf_syscall_name(CBPF_ARCH_X86_64, 0x40000000));
	ck_assert_ptr_null(cbpf_syscall_name(CBPF_ARCH_X86_64, 5000));
	ck_assert_ptr_null(cbpf_syscall_name(CBPF_ARCH_X86_64, 0xffffffff));
	/* arm: two names for 341, the table's first wins */
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_ARM, 341), "arm_sync_file_range");
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_MIPS64EL, 5057), "execve");
	ck_assert_ptr_null(cbpf_syscall_name(CBPF_ARCH_MIPS, 11)); /* o32 numbers start at 4000 */
	ck_assert(cbpf_syscall_exists("riscv_hwprobe"));
	ck_assert(cbpf_syscall_exists("s390_runtime_instr"));
	ck_assert(!cbpf_syscall_exists("wirte"));
	ck_assert(cbpf_syscall_exists("ARM_set_tls"));
	ck_assert_str_eq(cbpf_syscall_name(CBPF_ARCH_ARM, 0xf0005), "set_tls"); /* the kernel's */
}
END_TEST

START_TEST(table_is_sorted)
{
	size_t n = cbpf_syscall_count();

	ck_assert_uint_gt(n, 450);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(cbpf_syscall_at(i - 1), cbpf_syscall_at(i)), 0);
	ck_assert_ptr_null(cbpf_syscall_at(n));
	/* every number maps back to a name with that number */
	for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_S390; a++)
		for (size_t i = 0; i < n; i++) {
			uint32_t nr, back;
			const char *name;

			if (cbpf_syscall_nr(a, cbpf_syscall_at(i), &nr))
				continue;
			name = cbpf_syscall_name(a, nr);
			ck_assert_ptr_nonnull(name);
			ck_assert_int_eq(cbpf_syscall_nr(a, name, &back), 0);
			ck_assert_uint_eq(back, nr);
		}
}
END_TEST

START_TEST(errno_names)
{
	int e;

	ck_assert_int_eq(cbpf_errno_parse("EPERM", &e), 0);
	ck_assert_int_eq(e, 1);
	ck_assert_int_eq(cbpf_errno_parse("ENOSYS", &e), 0);
	ck_assert_int_eq(e, 38);
	ck_assert_int_eq(cbpf_errno_parse("EWOULDBLOCK", &e), 0);
	ck_assert_int_eq(e, 11);
	ck_assert_int_eq(cbpf_errno_parse("ENOTSUP", &e), 0);
	ck_assert_int_eq(e, 95);
	ck_assert_int_eq(cbpf_errno_parse("EHWPOISON", &e), 0);
	ck_assert_int_eq(e, 133);
	ck_assert_int_eq(cbpf_errno_parse("eperm", &e), -ENOENT);
	ck_assert_str_eq(cbpf_errno_name(13), "EACCES");
	ck_assert_ptr_null(cbpf_errno_name(0));
	ck_assert_ptr_null(cbpf_errno_name(41));
	ck_assert_ptr_null(cbpf_errno_name(4000));
}
END_TEST

static void check_action(const char *text, uint32_t want)
{
	uint32_t got = 0xdeadbeef;

	ck_assert_msg(cbpf_seccomp_action_parse(text, &got) == 0, "'%s' does not parse", text);
	ck_assert_msg(got == want, "'%s' gives %#x, not %#x", text, got, want);
}

START_TEST(actions_parse)
{
	uint32_t a;

	check_action("allow", 0x7fff0000);
	check_action(" log ", 0x7ffc0000);
	check_action("trap", 0x00030000);
	check_action("trap(5)", 0x00030005);
	check_action("kill_process", 0x80000000);
	check_action("kill-process", 0x80000000);
	check_action("kill", 0x80000000);
	check_action("KILL_THREAD", 0);
	check_action("user_notif", 0x7fc00000);
	check_action("user-notify", 0x7fc00000);
	check_action("errno", 0x00050001);
	check_action("errno(13)", 0x0005000d);
	check_action("errno(EACCES)", 0x0005000d);
	check_action("errno( 0x10 )", 0x00050010);
	check_action("trace", 0x7ff00000);
	check_action("trace(65535)", 0x7ff0ffff);
	check_action("SCMP_ACT_KILL", 0);
	check_action("SCMP_ACT_ERRNO(38)", 0x00050026);
	check_action("SCMP_ACT_ALLOW", 0x7fff0000);
	ck_assert_int_eq(cbpf_seccomp_action_parse("errno(65536)", &a), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_action_parse("errno(EFOO)", &a), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_action_parse("allow(1)", &a), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_action_parse("errno(1", &a), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_action_parse("permit", &a), -EINVAL);
	ck_assert_int_eq(cbpf_seccomp_action_parse("", &a), -EINVAL);
}
END_TEST

START_TEST(actions_format)
{
	static const uint32_t round[] = { 0x7fff0000, 0x7ffc0000, 0x00030000, 0x00030007,
					  0x80000000, 0,	  0x7fc00000, 0x00050001,
					  0x0005ffff, 0x7ff00003 };
	char buf[32];

	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		uint32_t back;

		cbpf_seccomp_action_format(round[i], buf, sizeof(buf));
		ck_assert_int_eq(cbpf_seccomp_action_parse(buf, &back), 0);
		ck_assert_uint_eq(back, round[i]);
	}
	cbpf_seccomp_action_format(0x00050001, buf, sizeof(buf));
	ck_assert_str_eq(buf, "errno(1)");
	cbpf_seccomp_action_format(0x7fff0001, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x7fff0001");
	cbpf_seccomp_action_format(0x12340000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x12340000");
	ck_assert_int_eq(cbpf_seccomp_action_format(0x80000000, buf, 4), 12);
	ck_assert_str_eq(buf, "kil");
}
END_TEST

Suite *systab_suite(void)
{
	Suite *s = suite_create("systab");
	TCase *tc = tcase_create("systab");

	tcase_add_test(tc, arch_names);
	tcase_add_test(tc, syscall_numbers);
	tcase_add_test(tc, syscall_names);
	tcase_add_test(tc, table_is_sorted);
	tcase_add_test(tc, errno_names);
	tcase_add_test(tc, actions_parse);
	tcase_add_test(tc, actions_format);
	suite_add_tcase(s, tc);
	return s;
}
