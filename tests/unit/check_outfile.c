// SPDX-License-Identifier: MIT
/* Output files: a failed write's errno kept, temporary names that fit, removal on signals. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/outfile.h"
#include "unit.h"

/* The name of the one entry of dir starting with prefix, or "" (into name, NAME_MAX + 1). */
static void find_entry(const char *dir, const char *prefix, char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	name[0] = '\0';
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			strcpy(name, e->d_name);
	closedir(d);
}

/* A full device: the error is ENOSPC, as write(2) said, not stdio's EIO. */
START_TEST(a_full_disk_says_so)
{
	static char block[1 << 16];
	struct cbpf_outfile o;

	ck_assert_int_eq(cbpf_outfile_open(&o, "/dev/full"), 0);
	for (int i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), o.fp);
	ck_assert(ferror(o.fp));
	ck_assert_int_eq(cbpf_outfile_error(&o), -ENOSPC);
	ck_assert_int_eq(cbpf_outfile_commit(&o), -ENOSPC);
	/* Even when nothing failed before the last flush. */
	ck_assert_int_eq(cbpf_outfile_open(&o, "/dev/full"), 0);
	fputs("x", o.fp);
	ck_assert_int_eq(cbpf_outfile_error(&o), 0);
	ck_assert_int_eq(cbpf_outfile_commit(&o), -ENOSPC);
}
END_TEST

/* A valid name of 250 bytes is written: its temporary name is cut to fit the directory. */
START_TEST(a_long_name_gets_a_temporary_name_that_fits)
{
	char dir[] = "/tmp/cbpf-outfile-XXXXXX", path[PATH_MAX], tmp[NAME_MAX + 1];
	struct cbpf_outfile o;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	n = (size_t)snprintf(path, sizeof(path), "%s/", dir);
	memset(path + n, 'n', 250);
	path[n + 250] = '\0';
	ck_assert_int_eq(cbpf_outfile_open(&o, path), 0);
	find_entry(dir, ".nnn", tmp);
	ck_assert_uint_gt(strlen(tmp), 8);
	ck_assert_uint_le(strlen(tmp), NAME_MAX);
	fputs("ok\n", o.fp);
	ck_assert_int_eq(cbpf_outfile_commit(&o), 0);
	ck_assert_int_eq(access(path, R_OK), 0);
	find_entry(dir, ".", tmp);
	ck_assert_str_eq(tmp, ".."); /* only . and .. besides the file */
	unlink(path);
	rmdir(dir);
}
END_TEST

/* What a signal handler calls: every open temporary file removed, the target untouched. */
START_TEST(temporary_files_are_removed_for_a_signal)
{
	char dir[] = "/tmp/cbpf-outfile-XXXXXX", path[PATH_MAX], tmp[NAME_MAX + 1];
	struct cbpf_outfile a, b;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	ck_assert_int_eq(cbpf_outfile_open(&a, path), 0);
	snprintf(path, sizeof(path), "%s/new", dir);
	ck_assert_int_eq(cbpf_outfile_open(&b, path), 0);
	fputs("half", a.fp);
	fflush(a.fp);
	find_entry(dir, ".out.", tmp);
	ck_assert_str_ne(tmp, "");
	find_entry(dir, ".new.", tmp);
	ck_assert_str_ne(tmp, "");
	cbpf_outfile_remove_temps();
	find_entry(dir, ".out.", tmp);
	ck_assert_str_eq(tmp, "");
	find_entry(dir, ".new.", tmp);
	ck_assert_str_eq(tmp, "");
	cbpf_outfile_abort(&a);
	cbpf_outfile_abort(&b);
	/* A committed or aborted file is no longer on the list: the next output is kept. */
	ck_assert_int_eq(cbpf_outfile_open(&a, path), 0);
	fputs("new\n", a.fp);
	ck_assert_int_eq(cbpf_outfile_commit(&a), 0);
	cbpf_outfile_remove_temps();
	ck_assert_int_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(tmp, sizeof(tmp), f));
	ck_assert_str_eq(tmp, "old\n");
	fclose(f);
	unlink(path);
	snprintf(path, sizeof(path), "%s/new", dir);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("write");

	tcase_add_test(tc, a_full_disk_says_so);
	tcase_add_test(tc, a_long_name_gets_a_temporary_name_that_fits);
	tcase_add_test(tc, temporary_files_are_removed_for_a_signal);
	suite_add_tcase(s, tc);
	return s;
}
