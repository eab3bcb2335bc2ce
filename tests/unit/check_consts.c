// SPDX-License-Identifier: MIT
/* Named constants: values per architecture, unknown names, names of values; the new columns. */
#include <errno.h>
#include <string.h>

#include "cbpf.h"
#include "seccomp/consttab.h"
#include "unit.h"

static uint64_t value(enum cbpf_arch arch, const char *name)
{
	uint64_t v = 0xdeadbeef;

	ck_assert_msg(!cbpf_const_value(arch, name, &v), "%s on %s", name, cbpf_arch_name(arch));
	return v;
}

/* The value in a column named as the CSV header names it. */
static uint64_t col_value(const char *col, const char *name)
{
	const struct consttab_entry *e = consttab_find(name);
	uint64_t v = 0xdeadbeef;

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(consttab_value(e, systab_col_parse(col), &v), 0);
	return v;
}

START_TEST(values)
{
	uint64_t v = 7;

	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "O_DIRECTORY"), 0200000);
	ck_assert_uint_eq(value(CBPF_ARCH_AARCH64, "O_DIRECTORY"), 040000);
	ck_assert_uint_eq(value(CBPF_ARCH_ARM, "O_DIRECTORY"), 040000);
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "AT_FDCWD"), (uint64_t)-100);
	ck_assert_uint_eq(value(CBPF_ARCH_I386, "AT_FDCWD"), (uint64_t)-100);
	/* ~0UL: unsigned, so not sign-extended on 32-bit architectures */
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "RLIM_INFINITY"), UINT64_MAX);
	ck_assert_uint_eq(value(CBPF_ARCH_I386, "RLIM_INFINITY"), 0xffffffff);
	/* ioctl numbers carry sizeof: struct termios2 is 44 bytes, long 8 or 4 */
	ck_assert_uint_eq(value(CBPF_ARCH_AARCH64, "TCGETS2"), 0x802c542a);
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "FS_IOC_GETFLAGS"), 0x80086601);
	ck_assert_uint_eq(value(CBPF_ARCH_X32, "FS_IOC_GETFLAGS"), 0x80046601);
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "SOCK_STREAM"), 1);
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "EAFNOSUPPORT"), 97);
	ck_assert_uint_eq(value(CBPF_ARCH_X86_64, "MINIJAIL_ARCH_NR"), 0xc000003e);
	ck_assert_int_eq(cbpf_const_value(CBPF_ARCH_AARCH64, "ARCH_SET_FS", &v), -ENOENT);
	ck_assert_int_eq(cbpf_const_value(CBPF_ARCH_X86_64, "NO_SUCH_NAME", &v), -ENOENT);
	ck_assert_int_eq(cbpf_const_value(CBPF_ARCH_NONE, "O_RDONLY", &v), -EINVAL);
	ck_assert_int_eq(cbpf_const_value((enum cbpf_arch)99, "O_RDONLY", &v), -EINVAL);
	ck_assert_uint_eq(v, 7); /* untouched on failure */
	ck_assert(cbpf_const_exists("ARCH_SET_FS"));
	ck_assert(cbpf_const_exists("MADV_GUARD_INSTALL"));
	ck_assert(!cbpf_const_exists("arch_set_fs"));
}
END_TEST

START_TEST(new_columns)
{
	/* mips: its own errno, signal, socket type and _IOC layout (_IOC_READ is 2 at bit 29) */
	ck_assert_uint_eq(col_value("mips", "EAGAIN"), 11);
	ck_assert_uint_eq(col_value("mips", "EDEADLK"), 45);
	ck_assert_uint_eq(col_value("mips64el", "SIGCHLD"), 18);
	ck_assert_uint_eq(col_value("mipsel", "SOCK_STREAM"), 2);
	ck_assert_uint_eq(col_value("mips", "TCGETS2"), 0x4030542a);
	ck_assert_uint_eq(col_value("ppc64le", "TIOCGWINSZ"), 0x40087468);
	ck_assert_uint_eq(col_value("riscv64", "O_DIRECTORY"), 0200000);
	ck_assert_uint_eq(col_value("loongarch64", "MINIJAIL_ARCH_NR"), 0xc0000102);
	ck_assert_uint_eq(col_value("s390x", "SOCK_STREAM"), 1);
	/* ppc has no termios2 */
	ck_assert_int_eq(consttab_value(consttab_find("TCGETS2"), SYSTAB_PPC64LE, &(uint64_t){ 0 }),
			 -ENOENT);
	/* the same through the public API, now that enum cbpf_arch names them */
	ck_assert_uint_eq(value(CBPF_ARCH_MIPS, "EDEADLK"), 45);
	ck_assert_uint_eq(value(CBPF_ARCH_MIPS64EL, "SIGCHLD"), 18);
	ck_assert_uint_eq(value(CBPF_ARCH_PPC64LE, "TIOCGWINSZ"), 0x40087468);
	ck_assert_uint_eq(value(CBPF_ARCH_RISCV64, "O_DIRECTORY"), 0200000);
	ck_assert_uint_eq(value(CBPF_ARCH_LOONGARCH64, "MINIJAIL_ARCH_NR"), 0xc0000102);
	ck_assert_uint_eq(value(CBPF_ARCH_S390X, "MINIJAIL_ARCH_NR"), 0x80000016);
	ck_assert_int_eq(cbpf_const_value(CBPF_ARCH_PPC64LE, "TCGETS2", &(uint64_t){ 0 }), -ENOENT);
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_MIPS, "E", 45), "EDEADLK");
}
END_TEST

START_TEST(suggestions)
{
	const char *near[8];

	ck_assert_uint_eq(cbpf_const_suggest(CBPF_ARCH_X86_64, "MADV_MERGABLE", near, 3), 1);
	ck_assert_str_eq(near[0], "MADV_MERGEABLE");
	ck_assert_uint_eq(cbpf_const_suggest(CBPF_ARCH_NONE, "o_cloexec", near, 3), 1);
	ck_assert_str_eq(near[0], "O_CLOEXEC");
	ck_assert_uint_ge(cbpf_const_suggest(CBPF_ARCH_X86_64, "PR_SETNAME", near, 3), 1);
	ck_assert_str_eq(near[0], "PR_SET_NAME");
	/* transposed letters count once */
	ck_assert_uint_ge(cbpf_const_suggest(CBPF_ARCH_X86_64, "TCGEST2", near, 3), 1);
	ck_assert_str_eq(near[0], "TCGETS2");
	ck_assert_uint_eq(cbpf_const_suggest(CBPF_ARCH_X86_64, "QQQQQQQQQQQQ", near, 3), 0);
	ck_assert_uint_eq(cbpf_const_suggest(CBPF_ARCH_X86_64, "MADV_MERGABLE", near, 0), 0);
	/* only names the architecture has */
	ck_assert_uint_eq(cbpf_const_suggest(CBPF_ARCH_AARCH64, "ARCH_SET_FSX", near, 3), 0);
	ck_assert_uint_ge(cbpf_const_suggest(CBPF_ARCH_X86_64, "ARCH_SET_FSX", near, 3), 1);
	ck_assert_str_eq(near[0], "ARCH_SET_FS");
}
END_TEST

START_TEST(names_of_values)
{
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "E", 97), "EAFNOSUPPORT");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "E", 11), "EAGAIN");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "E", 35), "EDEADLK");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "E", 95), "EOPNOTSUPP");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "E", 8), "ENOEXEC"); /* not ECHO */
	ck_assert_ptr_null(cbpf_const_name(CBPF_ARCH_X86_64, "E", 4000));
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "AF_", 1), "AF_UNIX");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "AF_", 10), "AF_INET6");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "SOCK_", 5), "SOCK_SEQPACKET");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "MADV_", 12), "MADV_MERGEABLE");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_X86_64, "SIG", 17), "SIGCHLD");
	ck_assert_str_eq(cbpf_const_name(CBPF_ARCH_AARCH64, "O_", 040000), "O_DIRECTORY");
	ck_assert_ptr_null(cbpf_const_name(CBPF_ARCH_NONE, "E", 1));
}
END_TEST

START_TEST(tables_sorted)
{
	for (size_t i = 1; i < consttab_count; i++)
		ck_assert_msg(strcmp(consttab_name(&consttab_entries[i - 1]),
				     consttab_name(&consttab_entries[i])) < 0,
			      "%s", consttab_name(&consttab_entries[i]));
	ck_assert_uint_gt(consttab_count, 5000);
}
END_TEST

START_TEST(syscall_columns)
{
	uint32_t nr = 0;

	ck_assert_int_eq(systab_col(CBPF_ARCH_X86_64), SYSTAB_X86_64);
	ck_assert_int_eq(systab_col(CBPF_ARCH_ARM), SYSTAB_ARM);
	ck_assert_int_eq(systab_col(CBPF_ARCH_NONE), -1);
	ck_assert_str_eq(systab_col_name(SYSTAB_MIPS64EL), "mips64el");
	ck_assert_int_eq(systab_col_parse("loongarch64"), SYSTAB_LOONGARCH64);
	ck_assert_int_eq(systab_col_parse("sparc"), -1);
	ck_assert_int_eq(systab_nr(SYSTAB_RISCV64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 63);
	ck_assert_int_eq(systab_nr(SYSTAB_MIPS, "read", &nr), 0);
	ck_assert_uint_eq(nr, 4003);
	ck_assert_int_eq(systab_nr(SYSTAB_MIPS64, "read", &nr), 0);
	ck_assert_uint_eq(nr, 5000);
	ck_assert_int_eq(systab_nr(SYSTAB_S390X, "s390_runtime_instr", &nr), 0);
	ck_assert_uint_eq(nr, 342);
	ck_assert_int_eq(systab_nr(SYSTAB_PPC64LE, "socket", &nr), 0);
	ck_assert_uint_eq(nr, 326);
	ck_assert_int_eq(systab_nr(SYSTAB_RISCV64, "riscv_hwprobe", &nr), 0);
	ck_assert_uint_eq(nr, 258);
	ck_assert_int_eq(systab_nr(SYSTAB_LOONGARCH64, "listns", &nr), 0); /* syscalls-extra.csv */
	ck_assert_uint_eq(nr, 470);
	ck_assert_int_eq(systab_nr(SYSTAB_MIPS, "listns", &nr), 0);
	ck_assert_uint_eq(nr, 4470);
	ck_assert_int_eq(systab_nr(SYSTAB_X86_64, "riscv_hwprobe", &nr), -ENOENT);
}
END_TEST

Suite *consts_suite(void)
{
	Suite *s = suite_create("consts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, values);
	tcase_add_test(tc, new_columns);
	tcase_add_test(tc, suggestions);
	tcase_add_test(tc, names_of_values);
	tcase_add_test(tc, tables_sorted);
	tcase_add_test(tc, syscall_columns);
	suite_add_tcase(s, tc);
	return s;
}
