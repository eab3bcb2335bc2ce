// SPDX-License-Identifier: MIT
/* Output files: regular files replaced whole by rename(), anything else written straight. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outfile.h"

/* The mode open(2) would give the file: the old file's, or 0666 less the umask. */
static mode_t target_mode(const struct stat *old)
{
	mode_t mask;

	if (old)
		return old->st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Closes fd on failure. */
static int open_stream(struct cbpf_outfile *o, int fd)
{
	if (fd < 0)
		return -errno;
	o->fp = fdopen(fd, "wb");
	if (o->fp)
		return 0;
	close(fd);
	return -errno;
}

static int open_straight(struct cbpf_outfile *o, const char *path, int flags)
{
	return open_stream(o, open(path, O_WRONLY | O_CLOEXEC | flags, 0666));
}

static void forget(struct cbpf_outfile *o)
{
	free(o->tmp);
	free(o->target);
	memset(o, 0, sizeof(*o));
}

int cbpf_outfile_open(struct cbpf_outfile *o, const char *path)
{
	struct stat st;
	const char *slash;
	size_t dirlen;
	bool exists;
	int err, fd;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (exists && !S_ISREG(st.st_mode))
		return open_straight(o, path, 0);
	if (!exists && errno != ENOENT)
		return -errno;
	if (exists) {
		/* Resolve links: the rename must replace the file, not the link to it. */
		o->target = realpath(path, NULL);
	} else {
		struct stat lst;

		/* A dangling link: create what it names, through it. */
		if (!lstat(path, &lst) && S_ISLNK(lst.st_mode))
			return open_straight(o, path, O_CREAT | O_TRUNC);
		o->target = strdup(path);
	}
	if (!o->target)
		return -errno;
	slash = strrchr(o->target, '/');
	dirlen = slash ? (size_t)(slash - o->target + 1) : 0;
	/* ".name.XXXXXX" in the target's directory, so rename() never crosses file systems. */
	o->tmp = malloc(strlen(o->target) + sizeof("..XXXXXX"));
	if (!o->tmp) {
		forget(o);
		return -ENOMEM;
	}
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, o->target, o->target + dirlen);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err = -errno;
		forget(o);
		return err;
	}
	/* mkstemp makes 0600; the file gets the mode it would have had from open(2). */
	if (fchmod(fd, target_mode(exists ? &st : NULL))) {
		err = -errno;
		close(fd);
	} else {
		err = open_stream(o, fd);
	}
	if (err) {
		unlink(o->tmp);
		forget(o);
	}
	return err;
}

int cbpf_outfile_commit(struct cbpf_outfile *o)
{
	int err = 0;

	errno = 0;
	if (fflush(o->fp) || ferror(o->fp))
		err = -(errno ? errno : EIO);
	if (o->fp == stdout) {
		memset(o, 0, sizeof(*o));
		return err;
	}
	if (fclose(o->fp) && !err)
		err = -(errno ? errno : EIO);
	o->fp = NULL;
	if (!err && o->tmp && rename(o->tmp, o->target))
		err = -errno;
	if (err && o->tmp)
		unlink(o->tmp);
	forget(o);
	return err;
}

void cbpf_outfile_abort(struct cbpf_outfile *o)
{
	if (o->fp && o->fp != stdout)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	forget(o);
}
