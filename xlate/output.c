// SPDX-License-Identifier: MIT
/* cbpf-xlate's output file: written beside its target under a temporary name, then renamed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int out_open(struct out *o, const char *path)
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
	/* ".NAME.XXXXXX" in the target's directory: rename() then never crosses file systems. */
	o->tmp = malloc(strlen(path) + 9);
	if (!o->tmp)
		return -ENOMEM;
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	fd = mkstemp(o->tmp);
	if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
		int err = -errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	return 0;
}

/* The mode open(2) would give: the replaced file's, or 0666 less the umask. */
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

int out_commit(struct out *o)
{
	int err = 0;

	if (fflush(o->fp) || ferror(o->fp))
		err = -(errno ? errno : EIO);
	if (!o->tmp)
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

void out_abort(struct out *o)
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
