// SPDX-License-Identifier: MIT
/* The programs' output file: written next to its target under a temporary name, then renamed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_output_open(struct cli_output *o, const char *path)
{
	const char *slash;
	size_t dirlen;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	o->path = path;
	slash = strrchr(path, '/');
	dirlen = slash ? (size_t)(slash - path + 1) : 0;
	/* ".name.XXXXXX" in the target's directory, so rename() never crosses file systems. */
	o->tmp = malloc(strlen(path) + 9);
	if (!o->tmp)
		return -ENOMEM;
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = -errno;

		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		int err = -errno;

		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	return 0;
}

/* The mode the file would get from open(2): the old file's, or 0666 less the umask. */
static mode_t target_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (!stat(path, &st) && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

int cli_output_commit(struct cli_output *o)
{
	int err = 0;

	if (fflush(o->fp) || ferror(o->fp))
		err = -(errno ? errno : EIO);
	if (!o->tmp) /* stdout */
		return err;
	if (!err && fchmod(fileno(o->fp), target_mode(o->path)))
		err = -errno;
	if (fclose(o->fp) && !err)
		err = -errno;
	o->fp = NULL;
	if (!err && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return err;
}

void cli_output_abort(struct cli_output *o)
{
	if (!o->tmp)
		return;
	if (o->fp)
		fclose(o->fp);
	unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	o->fp = NULL;
}
