// SPDX-License-Identifier: MIT
/* The programs' input files: the whole of a file or of standard input, in memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_slurp(const char *path, char **buf, size_t *len)
{
	FILE *fp = path ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0, got;
	char *b = NULL, *nb;
	int err = 0;

	if (!fp)
		return -errno;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 8192;
			if (!(nb = realloc(b, cap + 1))) {
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, fp);
		n += got;
		/* A directory opens, and its first read fails with EISDIR: say that. */
		if (!got && ferror(fp))
			err = -(errno ? errno : EIO);
	} while (got);
	if (path)
		fclose(fp);
	if (!err && !b && !(b = malloc(1)))
		err = -ENOMEM;
	if (err) {
		free(b);
		return err;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}
