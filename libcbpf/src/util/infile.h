/* SPDX-License-Identifier: MIT */
/* Input files: the one reader of every file and of standard input, with a hard size limit. */
#ifndef CBPF_INFILE_H
#define CBPF_INFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "cbpf/common.h"

/*
 * Reads the whole of path (NULL: standard input) into a new buffer, NUL-terminated (NUL bytes
 * may be inside too). It reads until end of file, so FIFOs, pipes, /dev/stdin and terminals
 * work; a regular file larger than max is refused unread, anything else as soon as max + 1
 * bytes have come (/dev/zero stops there). max 0 means CBPF_MAX_INPUT_SIZE.
 * Returns 0 (*buf, which the caller frees, and *len set), -EFBIG (larger than max), -ENOMEM, or
 * the negative errno of open(2) or read(2): -ENOENT, -EACCES, -EISDIR for a directory, ...
 */
int cbpf_infile_read(const char *path, size_t max, char **buf, size_t *len);

/*
 * Reads one line of fp, its newline kept, into *line (of *cap bytes, grown as getline(3) grows
 * it; NUL bytes may be inside). Returns its length, 0 at end of file, -EFBIG when the line is
 * longer than max (0: CBPF_MAX_INPUT_SIZE; the rest of it is left unread), -ENOMEM, or the
 * negative errno of a read error.
 */
ssize_t cbpf_infile_getline(FILE *fp, size_t max, char **line, size_t *cap);

/*
 * Why cbpf_infile_read or cbpf_infile_getline with this max failed with err, for a message:
 * "larger than the input limit of 64 MiB" (written into buf, of size bytes), or strerror's.
 */
const char *cbpf_infile_why(int err, size_t max, char *buf, size_t size);

#endif
