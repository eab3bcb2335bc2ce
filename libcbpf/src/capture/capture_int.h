/* SPDX-License-Identifier: MIT */
/* Inside the capture stage: readers named apart from their path; captures kept to read again. */
#ifndef CBPF_CAPTURE_INT_H
#define CBPF_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cbpf/capture.h"

/* cbpf_capture_open() of path, its messages naming the capture name instead. */
int capture_open_as(const char *path, const char *name, struct cbpf_capture **out,
		    struct cbpf_diags *diags);

/* Where a capture can be read from again, as often as wanted. */
struct capture_kept {
	int fd;		  /* an unnamed temporary file, or a copy of stdin's descriptor; -1: none */
	char path[32];	  /* /proc/self/fd/N, which opens it anew at its start; "" when fd is -1 */
	uint64_t size;	  /* the bytes copied into the temporary file */
	const char *kind; /* what was copied there ("a pipe"); NULL when nothing was */
};

/*
 * Makes the capture at path ("-": standard input, named name in messages) one that can be read
 * again from its start. A regular file needs nothing (kept->fd -1: read path itself); standard
 * input that is a regular file is kept open; anything else (a pipe, a FIFO, a device, a socket)
 * is read to its end into a temporary file in $TMPDIR (/tmp) whose name is removed at once: it
 * disappears when its descriptor is closed, exit and signals included. Copying stops after the
 * first block when the input does not start as a pcap or pcapng file does: the reader then
 * refuses what was copied. Nothing is said on success (the caller says what was copied once the
 * capture opens). Returns 0, -ENOENT, -EINVAL (cannot be opened or copied: in diags), -ENOMEM.
 * The caller closes kept->fd.
 */
int capture_keep(const char *path, const char *name, struct capture_kept *kept,
		 struct cbpf_diags *diags);

#endif
