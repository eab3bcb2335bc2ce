// SPDX-License-Identifier: MIT
/* Input files: the whole of a file or of standard input in memory, never more than a limit. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/infile.h"

/* What a stream with no size to go by (a pipe, a FIFO, a terminal) is first read into. */
#define FIRST_CHUNK ((size_t)64 << 10)

/* Reads fd to its end into a new buffer of at most max bytes. */
static int read_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t limit = max < SIZE_MAX - 1 ? max + 1 : max; /* one byte more tells "too large" */
	size_t cap = FIRST_CHUNK, n = 0;
	struct stat st;
	char *b = NULL;
	int err = 0;

	if (!fstat(fd, &st)) {
		/* A directory opens, and reading it fails: say what it is before trying. */
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		/* A regular file says its size: refused unread when too large, else read whole in
		 * one buffer (one byte more, for the read that sees the end). */
		if (S_ISREG(st.st_mode) && st.st_size > 0) {
			if ((uintmax_t)st.st_size > max)
				return -EFBIG;
			cap = (size_t)st.st_size + 1;
		}
	}
	if (cap > limit)
		cap = limit;
	if (!(b = malloc(cap + 1)))
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			/* Grown by doubling, never past the limit: /dev/zero costs max bytes. */
			size_t ncap = cap < limit / 2 ? 2 * cap : limit;
			char *nb;

			if (ncap == cap) {
				err = -EFBIG;
				break;
			}
			if (!(nb = realloc(b, ncap + 1))) {
				err = -ENOMEM;
				break;
			}
			b = nb;
			cap = ncap;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (!got)
			break;
		n += (size_t)got;
		if (n > max) {
			err = -EFBIG;
			break;
		}
	}
	if (err) {
		free(b);
		return err;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int cbpf_infile_read(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	int err;

	if (fd < 0)
		return -errno;
	err = read_fd(fd, max ? max : CBPF_MAX_INPUT_SIZE, buf, len);
	if (path)
		close(fd);
	return err;
}

ssize_t cbpf_infile_getline(FILE *fp, size_t max, char **line, size_t *cap)
{
	size_t n = 0;
	int c;

	if (!max)
		max = CBPF_MAX_INPUT_SIZE;
	errno = 0;
	for (;;) {
		c = getc(fp);
		if (c == EOF)
			break;
		if (n == max)
			return -EFBIG;
		/* Room for c and the NUL that ends the line. */
		if (n + 2 > *cap) {
			size_t ncap = *cap ? 2 * *cap : 128;
			char *nl;

			if (ncap - 2 > max)
				ncap = max + 2;
			if (!(nl = realloc(*line, ncap)))
				return -ENOMEM;
			*line = nl;
			*cap = ncap;
		}
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (c == EOF && ferror(fp))
		return errno ? -errno : -EIO;
	if (n)
		(*line)[n] = '\0';
	return (ssize_t)n;
}

const char *cbpf_infile_why(int err, size_t max, char *buf, size_t size)
{
	static const char *const units[] = { "GiB", "MiB", "KiB" };

	if (err != -EFBIG)
		return strerror(-err);
	if (!max)
		max = CBPF_MAX_INPUT_SIZE;
	/* The limit as people write it: "64 MiB", else in bytes. */
	for (int i = 0; i < 3; i++) {
		size_t unit = (size_t)1 << (10 * (3 - i));

		if (max % unit == 0) {
			snprintf(buf, size, "larger than the input limit of %zu %s", max / unit,
				 units[i]);
			return buf;
		}
	}
	snprintf(buf, size, "larger than the input limit of %zu bytes", max);
	return buf;
}
