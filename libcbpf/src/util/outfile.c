// SPDX-License-Identifier: MIT
/* Output files: regular files replaced whole by rename(), anything else written straight. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/outfile.h"

struct cbpf_outfile_sink {
	int fd;	      /* what is written to; -1: stdout, through its own stdio stream */
	int err;      /* the errno of the first write that failed, or 0 */
	char *tmp;    /* the temporary file, renamed over target on commit; NULL: straight */
	char *target; /* the file the temporary one replaces (path with links resolved) */
	size_t slot;  /* tmp's entry in temps[], or TEMPS_MAX when it has none */
};

/* ---------------------------------------------------------------- temporary files on signals */

/*
 * The temporary files open now, for cbpf_outfile_remove_temps to unlink from a signal handler:
 * a fixed table of atomic pointers, as a handler may neither lock nor follow a list that is
 * being changed. State shared by the whole process, as signal dispositions are.
 */
#define TEMPS_MAX 64
static const char *_Atomic temps[TEMPS_MAX];

static size_t temps_add(const char *tmp)
{
	for (size_t i = 0; i < TEMPS_MAX; i++) {
		const char *empty = NULL;

		if (atomic_compare_exchange_strong(&temps[i], &empty, tmp))
			return i;
	}
	return TEMPS_MAX;
}

static void temps_remove(size_t slot)
{
	if (slot < TEMPS_MAX)
		atomic_store(&temps[slot], NULL);
}

void cbpf_outfile_remove_temps(void)
{
	for (size_t i = 0; i < TEMPS_MAX; i++) {
		const char *tmp = atomic_load(&temps[i]);

		if (tmp)
			unlink(tmp);
	}
}

/* ---------------------------------------------------------------- the stream */

/*
 * fopencookie's write: every byte the program writes comes here, so the errno of a failed
 * write is kept (stdio keeps only "an error happened", and commit would have said EIO). It
 * returns how much was written, 0 on error, as glibc asks; musl sets no error flag for a short
 * count, which is why commit looks at s->err itself.
 */
static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
	struct cbpf_outfile_sink *s = cookie;
	size_t done = 0;

	if (s->fd < 0) {
		errno = 0;
		done = fwrite(buf, 1, size, stdout);
		if (done < size && !s->err)
			s->err = errno ? errno : EIO;
		return (ssize_t)done;
	}
	while (done < size) {
		ssize_t n = write(s->fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!s->err)
				s->err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int sink_close(void *cookie)
{
	struct cbpf_outfile_sink *s = cookie;

	if (s->fd >= 0 && close(s->fd) && !s->err)
		s->err = errno;
	s->fd = -1;
	return 0;
}

static void sink_free(struct cbpf_outfile_sink *s)
{
	temps_remove(s->slot);
	free(s->tmp);
	free(s->target);
	free(s);
}

/* Opens the stream over s; fd (-1: stdout) is closed with it, or here on failure. */
static int open_stream(struct cbpf_outfile *o, struct cbpf_outfile_sink *s, int fd)
{
	static const cookie_io_functions_t io = { .write = sink_write, .close = sink_close };

	s->fd = fd;
	o->fp = fopencookie(s, "wb", io);
	if (!o->fp) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err;
	}
	o->sink = s;
	/* Unbuffered on stdout: each write goes on to stdout's own buffer, in order with what
	 * the program prints there itself. */
	if (fd < 0)
		setvbuf(o->fp, NULL, _IONBF, 0);
	return 0;
}

static int open_straight(struct cbpf_outfile *o, struct cbpf_outfile_sink *s, const char *path,
			 int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0666);

	return fd < 0 ? -errno : open_stream(o, s, fd);
}

/* ---------------------------------------------------------------- the temporary name */

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

/* The longest file name the directory of target (dirlen bytes of it, 0: ".") takes. */
static size_t name_max(const char *target, size_t dirlen)
{
	char *dir = dirlen ? strndup(target, dirlen) : NULL;
	long n = dirlen && !dir ? -1 : pathconf(dir ? dir : ".", _PC_NAME_MAX);

	free(dir);
	return n > 0 ? (size_t)n : NAME_MAX;
}

/*
 * ".NAME.XXXXXX" in the target's directory, so that rename() never crosses file systems. NAME
 * is cut (never inside a UTF-8 sequence) when the whole would be longer than the directory
 * takes: a 250-byte name is valid, and its temporary one must be too.
 */
static char *temp_template(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target + 1) : 0;
	const char *base = target + dirlen;
	size_t keep = strlen(base), max = name_max(target, dirlen);
	char *tmp;

	if (keep + sizeof("..XXXXXX") - 1 > max) {
		keep = max > sizeof("..XXXXXX") ? max - (sizeof("..XXXXXX") - 1) : 1;
		while (keep > 1 && ((unsigned char)base[keep] & 0xc0) == 0x80)
			keep--;
	}
	tmp = malloc(dirlen + keep + sizeof("..XXXXXX"));
	if (tmp)
		sprintf(tmp, "%.*s.%.*s.XXXXXX", (int)dirlen, target, (int)keep, base);
	return tmp;
}

/* ---------------------------------------------------------------- open, commit, abort */

int cbpf_outfile_open(struct cbpf_outfile *o, const char *path)
{
	struct cbpf_outfile_sink *s = calloc(1, sizeof(*s));
	struct stat st;
	bool exists;
	int err, fd;

	memset(o, 0, sizeof(*o));
	if (!s)
		return -ENOMEM;
	s->slot = TEMPS_MAX;
	if (!strcmp(path, "-")) {
		if (fflush(stdout)) {
			err = -errno;
			goto fail;
		}
		err = open_stream(o, s, -1);
		goto done;
	}
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto fail;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		err = open_straight(o, s, path, 0);
		goto done;
	}
	if (!exists && errno != ENOENT) {
		err = -errno;
		goto fail;
	}
	if (exists) {
		/* Resolve links: the rename must replace the file, not the link to it. */
		s->target = realpath(path, NULL);
	} else {
		struct stat lst;

		/* A dangling link: create what it names, through it. */
		if (!lstat(path, &lst) && S_ISLNK(lst.st_mode)) {
			err = open_straight(o, s, path, O_CREAT | O_TRUNC);
			goto done;
		}
		s->target = strdup(path);
	}
	if (!s->target || !(s->tmp = temp_template(s->target))) {
		err = -ENOMEM;
		goto fail;
	}
	fd = mkostemp(s->tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	s->slot = temps_add(s->tmp);
	/* mkstemp makes 0600; the file gets the mode it would have had from open(2). */
	if (fchmod(fd, target_mode(exists ? &st : NULL))) {
		err = -errno;
		close(fd);
	} else {
		err = open_stream(o, s, fd);
	}
	if (err)
		unlink(s->tmp);
done:
	if (!err)
		return 0;
fail:
	sink_free(s);
	memset(o, 0, sizeof(*o));
	return err;
}

/* Makes the rename itself durable: best effort, as the file is in place already and some file
 * systems cannot sync a directory. */
static void sync_dir(const char *target)
{
	const char *slash = strrchr(target, '/');
	char *dir = slash ? strndup(target, (size_t)(slash - target) + 1) : NULL;
	int fd = slash && !dir ? -1 : open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int cbpf_outfile_commit(struct cbpf_outfile *o)
{
	struct cbpf_outfile_sink *s = o->sink;
	struct stat st;
	int err = 0;

	/* What stdio could not write, the sink knows why. */
	if (fflush(o->fp) || ferror(o->fp) || s->err)
		err = s->err ? s->err : errno ? errno : EIO;
	if (!err && s->fd < 0 && fflush(stdout))
		err = errno;
	/* A regular file is on disk before it replaces the old one (or is said to be written). */
	if (!err && s->fd >= 0 && !fstat(s->fd, &st) && S_ISREG(st.st_mode) && fsync(s->fd))
		err = errno;
	fclose(o->fp);
	if (!err)
		err = s->err; /* close(2) may be the first to fail (NFS) */
	if (!err && s->tmp) {
		if (rename(s->tmp, s->target))
			err = errno;
		else
			sync_dir(s->target);
	}
	if (err && s->tmp)
		unlink(s->tmp);
	sink_free(s);
	memset(o, 0, sizeof(*o));
	return -err;
}

int cbpf_outfile_error(const struct cbpf_outfile *o)
{
	return o->sink ? -o->sink->err : 0;
}

void cbpf_outfile_abort(struct cbpf_outfile *o)
{
	struct cbpf_outfile_sink *s = o->sink;

	if (!s)
		return;
	fclose(o->fp);
	if (s->tmp)
		unlink(s->tmp);
	sink_free(s);
	memset(o, 0, sizeof(*o));
}
