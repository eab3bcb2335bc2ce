// SPDX-License-Identifier: MIT
/* The one file reader: whole files, streams, the size limit, lines, and what each error says. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/infile.h"
#include "unit.h"

/* A temporary file holding len bytes of s; its path in path (of PATH_MAX bytes). */
static void make_file(char *path, const void *s, size_t len)
{
	int fd;

	strcpy(path, "/tmp/cbpf-infile-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, len), (ssize_t)len);
	close(fd);
}

START_TEST(reads_a_file_whole_nul_bytes_and_all)
{
	char path[64], *buf;
	size_t len;

	make_file(path, "ld #1\0ret a\n", 12);
	ck_assert_int_eq(cbpf_infile_read(path, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 12);
	ck_assert(!memcmp(buf, "ld #1\0ret a\n", 13)); /* and NUL-terminated */
	free(buf);
	/* Exactly the limit is allowed; one byte over is not, and nothing is returned. */
	ck_assert_int_eq(cbpf_infile_read(path, 12, &buf, &len), 0);
	free(buf);
	buf = NULL;
	ck_assert_int_eq(cbpf_infile_read(path, 11, &buf, &len), -EFBIG);
	ck_assert_ptr_null(buf);
	unlink(path);
}
END_TEST

START_TEST(an_empty_file_is_an_empty_buffer)
{
	char path[64], *buf;
	size_t len = 99;

	make_file(path, "", 0);
	ck_assert_int_eq(cbpf_infile_read(path, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(buf[0], '\0');
	free(buf);
	unlink(path);
}
END_TEST

/* An endless device stops at the limit, at once, having held no more than the limit. */
START_TEST(dev_zero_stops_at_the_limit)
{
	time_t start = time(NULL);
	char *buf = NULL;
	size_t len;

	ck_assert_int_eq(cbpf_infile_read("/dev/zero", 1 << 20, &buf, &len), -EFBIG);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(cbpf_infile_read("/dev/zero", 0, &buf, &len), -EFBIG);
	ck_assert_int_lt((int)(time(NULL) - start), 20);
}
END_TEST

/* A pipe has no size to go by: it is read to its end, over several reads. */
START_TEST(a_pipe_is_read_to_its_end)
{
	char data[100000], path[32], *buf;
	int fds[2];
	size_t len;
	pid_t pid;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		close(fds[0]);
		_exit(write(fds[1], data, sizeof(data)) == (ssize_t)sizeof(data) ? 0 : 1);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	ck_assert_int_eq(cbpf_infile_read(path, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert(!memcmp(buf, data, len));
	free(buf);
	close(fds[0]);
}
END_TEST

START_TEST(errors_keep_their_errno)
{
	char *buf = NULL, why[64];
	size_t len;

	ck_assert_int_eq(cbpf_infile_read("/tmp", 0, &buf, &len), -EISDIR);
	ck_assert_int_eq(cbpf_infile_read("/nonexistent/file", 0, &buf, &len), -ENOENT);
	ck_assert_ptr_null(buf);
	ck_assert_str_eq(cbpf_infile_why(-EISDIR, 0, why, sizeof(why)), "Is a directory");
	ck_assert_str_eq(cbpf_infile_why(-EFBIG, 0, why, sizeof(why)),
			 "larger than the input limit of 64 MiB");
	ck_assert_str_eq(cbpf_infile_why(-EFBIG, 1024, why, sizeof(why)),
			 "larger than the input limit of 1 KiB");
	ck_assert_str_eq(cbpf_infile_why(-EFBIG, 1000, why, sizeof(why)),
			 "larger than the input limit of 1000 bytes");
}
END_TEST

START_TEST(lines_one_by_one_up_to_the_limit)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	make_file(path, "run\nst\0ep\n\nlast", 15);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cbpf_infile_getline(f, 8, &line, &cap), 4);
	ck_assert_str_eq(line, "run\n");
	ck_assert_int_eq(cbpf_infile_getline(f, 8, &line, &cap), 6); /* the NUL counted */
	ck_assert(!memcmp(line, "st\0ep\n", 7));
	ck_assert_int_eq(cbpf_infile_getline(f, 8, &line, &cap), 1);
	ck_assert_int_eq(cbpf_infile_getline(f, 8, &line, &cap), 4);
	ck_assert_str_eq(line, "last");
	ck_assert_int_eq(cbpf_infile_getline(f, 8, &line, &cap), 0);
	/* A line longer than the limit ("run\n" is 4 bytes): refused at the byte that passes
	 * it, nothing after that read. */
	rewind(f);
	ck_assert_int_eq(cbpf_infile_getline(f, 3, &line, &cap), -EFBIG);
	ck_assert_int_eq(getc(f), 's');
	fclose(f);
	unlink(path);
	f = fopen("/dev/zero", "r");
	ck_assert_int_eq(cbpf_infile_getline(f, 1 << 20, &line, &cap), -EFBIG);
	ck_assert_uint_le(cap, (1 << 20) + 2);
	fclose(f);
	free(line);
}
END_TEST

Suite *infile_suite(void)
{
	Suite *s = suite_create("infile");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, reads_a_file_whole_nul_bytes_and_all);
	tcase_add_test(tc, an_empty_file_is_an_empty_buffer);
	tcase_add_test(tc, dev_zero_stops_at_the_limit);
	tcase_add_test(tc, a_pipe_is_read_to_its_end);
	tcase_add_test(tc, errors_keep_their_errno);
	tcase_add_test(tc, lines_one_by_one_up_to_the_limit);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
