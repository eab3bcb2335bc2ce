// SPDX-License-Identifier: MIT
/* Captures kept to be read again: pipes, FIFOs and standard input copied where they can be. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture_int.h"

#define COPY_BLOCK (256 * 1024)

bool capture_magic(const uint8_t b[4])
{
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34, 0x0a0d0d0a };
	uint32_t be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	uint32_t le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (be == magics[i] || le == magics[i])
			return true;
	return false;
}

/*
 * An unnamed file in dir: created under a unique name that is removed at once, so that nothing
 * is left behind whatever ends the process. (O_TMPFILE would need _GNU_SOURCE.)
 */
static int unnamed_file(const char *dir)
{
	size_t n = strlen(dir) + sizeof("/.cbpf-capture.XXXXXX");
	char *name = malloc(n);
	int fd;

	if (!name) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(name, n, "%s/.cbpf-capture.XXXXXX", dir);
	fd = mkstemp(name);
	if (fd >= 0) {
		unlink(name);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(name);
	return fd;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Copies in to out up to the end, or only the first block when it does not start a capture. */
static int copy(int in, int out, const char *name, const char *dir, uint64_t *size,
		struct cbpf_diags *diags)
{
	uint8_t *buf = malloc(COPY_BLOCK), head[4];
	uint64_t total = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r = read(in, buf, COPY_BLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1, "cannot read: %s",
				       strerror(err));
			err = -EINVAL;
			break;
		}
		if (!r)
			break;
		for (ssize_t i = 0; i < r && total + (uint64_t)i < 4; i++)
			head[total + (uint64_t)i] = buf[i];
		if (!write_all(out, buf, (size_t)r)) {
			err = errno;
			cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1,
				       "cannot copy to a temporary file in %s: %s", dir,
				       strerror(err));
			err = -EINVAL;
			break;
		}
		total += (uint64_t)r;
		/* Not a capture (/dev/zero, a log): the reader says so from what is there. */
		if (total >= 4 && !capture_magic(head))
			break;
	}
	free(buf);
	*size = total;
	return err;
}

static const char *kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a pipe";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

/* Where a capture can be read from again, as often as wanted. */
struct cbpf_capture_file {
	char *name;	  /* for messages: the path, "<stdin>" for "-" */
	char *path;	  /* as given */
	int fd;		  /* an unnamed temporary file, or a copy of stdin's descriptor; -1: none */
	char fdpath[32];  /* /proc/self/fd/N, which opens it anew at its start; "" when fd is -1 */
	uint64_t size;	  /* the bytes copied into the temporary file */
	const char *kind; /* what was copied there ("a pipe"); NULL when nothing was */
};

/*
 * Makes the capture at path one that can be read again from its start: a regular file needs
 * nothing (f->fd -1: path itself is read); standard input that is a regular file is kept open;
 * anything else (a pipe, a FIFO, a device, a socket) is read to its end into a temporary file in
 * $TMPDIR (/tmp) whose name is removed at once: it disappears when its descriptor is closed,
 * exit and signals included. Copying stops after the first block when the input does not start
 * as a pcap or pcapng file does: the reader then refuses what was copied.
 */
static int keep(const char *path, const char *name, struct cbpf_capture_file *kept,
		struct cbpf_diags *diags)
{
	const char *dir = getenv("TMPDIR");
	bool std_in = !strcmp(path, "-");
	struct stat st;
	int in, out, err;

	if (!std_in && (stat(path, &st) || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return 0; /* the reader opens it, and says what is wrong */
	in = std_in ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st)) {
		err = errno;
		if (in >= 0)
			close(in);
		cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1, "cannot open: %s",
			       strerror(err));
		return err == ENOENT ? -ENOENT : -EINVAL;
	}
	if (isatty(in)) {
		/* Reading until the end would wait for a Ctrl-D, and no capture is typed. */
		close(in);
		cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1,
			       "a terminal, not a capture: give a file, or pipe one in");
		return -EINVAL;
	}
	if (S_ISREG(st.st_mode)) {
		/* Standard input on a file: opened again through /proc, it starts anew. */
		kept->fd = in;
		snprintf(kept->fdpath, sizeof(kept->fdpath), "/proc/self/fd/%d", in);
		return 0;
	}
	if (!dir || !*dir)
		dir = "/tmp";
	out = unnamed_file(dir);
	if (out < 0) {
		err = errno;
		close(in);
		cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1,
			       "%s, which cannot be read twice, and no temporary file in %s to "
			       "copy it to: %s",
			       kind(st.st_mode), dir, strerror(err));
		return err == ENOMEM ? -ENOMEM : -EINVAL;
	}
	err = copy(in, out, name, dir, &kept->size, diags);
	close(in);
	if (err) {
		close(out);
		return err;
	}
	kept->fd = out;
	kept->kind = kind(st.st_mode);
	snprintf(kept->fdpath, sizeof(kept->fdpath), "/proc/self/fd/%d", out);
	/* Reading it again goes through /proc: check now that it can. */
	if (access(kept->fdpath, R_OK)) {
		err = errno;
		close(out);
		kept->fd = -1;
		cbpf_diags_add(diags, CBPF_SEV_ERROR, name, 0, 0, 0, -1,
			       "%s, which cannot be read twice: copied to a temporary file, which "
			       "cannot be opened again (%s: %s; is /proc mounted?)",
			       kind(st.st_mode), kept->fdpath, strerror(err));
		return -EINVAL;
	}
	return 0;
}

int cbpf_capture_file_open(const char *path, struct cbpf_capture_file **out,
			   struct cbpf_diags *diags)
{
	struct cbpf_capture_file *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->fd = -1;
	f->path = strdup(path);
	f->name = strdup(strcmp(path, "-") ? path : "<stdin>");
	err = f->path && f->name ? keep(path, f->name, f, diags) : -ENOMEM;
	if (err) {
		cbpf_capture_file_close(f);
		return err;
	}
	*out = f;
	return 0;
}

int cbpf_capture_file_read(const struct cbpf_capture_file *f, struct cbpf_capture **out,
			   struct cbpf_diags *diags)
{
	return capture_open_as(f->fd >= 0 ? f->fdpath : f->path, f->name, out, diags);
}

const char *cbpf_capture_file_name(const struct cbpf_capture_file *f)
{
	return f->name;
}

const char *cbpf_capture_file_copied(const struct cbpf_capture_file *f, uint64_t *size)
{
	if (size)
		*size = f->size;
	return f->kind;
}

bool cbpf_capture_file_is(const struct cbpf_capture_file *f, const char *path)
{
	struct stat a, b;

	return !stat(path, &a) && !stat(f->fd >= 0 ? f->fdpath : f->path, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void cbpf_capture_file_close(struct cbpf_capture_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->name);
	free(f->path);
	free(f);
}
