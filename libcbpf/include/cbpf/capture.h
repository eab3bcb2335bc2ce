/* SPDX-License-Identifier: MIT */
/* Captures: pcap files read in place, pcapng through libpcap, as a stream; written atomically. */
#ifndef LIBCBPF_CAPTURE_H
#define LIBCBPF_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "prog.h"
#include "pcap.h"

/* One captured frame. data stays valid until the next cbpf_capture_next() or close. */
struct cbpf_frame {
	const uint8_t *data;
	uint32_t caplen;  /* bytes captured (what data holds) */
	uint32_t wirelen; /* bytes on the wire */
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint64_t number; /* 1 for the first frame, like tcpdump's numbering */
};

struct cbpf_capture; /* a reader */

/*
 * Opens a pcap or pcapng file ("-" is stdin) for streaming reads; memory stays flat whatever the
 * file's size. Returns 0, -ENOENT (no such file), -EINVAL (not a capture, in diags), -ENOMEM.
 */
CBPF_API int cbpf_capture_open(const char *path, struct cbpf_capture **out,
			       struct cbpf_diags *diags);
/*
 * Reads the next frame. Returns 1 (frame filled), 0 (end of file), -EINVAL (a truncated or corrupt
 * file: the diagnostic names the file and the frame number; frames before it were good).
 */
CBPF_API int cbpf_capture_next(struct cbpf_capture *cap, struct cbpf_frame *frame,
			       struct cbpf_diags *diags);
CBPF_API int cbpf_capture_linktype(const struct cbpf_capture *cap);
/* The upper bits of the file's link-type field (the FCS length), 0 when it has none. */
CBPF_API uint32_t cbpf_capture_linktype_ext(const struct cbpf_capture *cap);
CBPF_API uint32_t cbpf_capture_snaplen(const struct cbpf_capture *cap);
/*
 * Compiles a filter expression as tcpdump -r FILE EXPR does: on the open capture, so for its
 * link type and snapshot length, and with what libpcap makes of a saved file (for DLT_NULL,
 * "ip6" matches the three BSD AF_INET6 values, not this host's; a file of the other byte
 * order is allowed for). opts->linktype and opts->snaplen are not used; opts may be NULL.
 * Same returns as cbpf_pcap_compile.
 */
CBPF_API int cbpf_capture_compile(struct cbpf_capture *cap, const char *expr,
				  const struct cbpf_compile_opts *opts, struct cbpf_prog **out,
				  struct cbpf_diags *diags);
/* Closes the reader; NULL is allowed. */
CBPF_API void cbpf_capture_close(struct cbpf_capture *cap);

/*
 * Whether the file at path is a capture, by its first four bytes (a pcap or pcapng magic number,
 * in either byte order), looked at without taking anything from a stream. Returns 1 (a capture),
 * 0 (something else: another file, a directory, or nothing at path, which opening says), or
 * -ESPIPE ("-", a pipe, a FIFO, a device: looking would take the bytes a reader needs).
 */
CBPF_API int cbpf_capture_probe(const char *path);

/*
 * A capture kept to be read from its start as often as wanted. A file is read again where it
 * is; standard input ("-") on a file is kept open; what cannot be read twice (a pipe, a FIFO, a
 * device, standard input on one of those) is first read to its end into a temporary file whose
 * name is removed at once, so that nothing is left behind whatever ends the process. Messages
 * name the path ("<stdin>" for "-").
 */
struct cbpf_capture_file;

/*
 * Keeps the capture at path; nothing is said on success (cbpf_capture_file_copied tells what
 * was copied). A path that cannot be opened, or is not a capture, is left for the reader to say.
 * Returns 0, -ENOENT, -EINVAL (cannot be opened or copied: in diags), -ENOMEM.
 */
CBPF_API int cbpf_capture_file_open(const char *path, struct cbpf_capture_file **out,
				    struct cbpf_diags *diags);
/* A new reader of the capture at its first packet. Same returns as cbpf_capture_open. */
CBPF_API int cbpf_capture_file_read(const struct cbpf_capture_file *file, struct cbpf_capture **out,
				    struct cbpf_diags *diags);
/* The capture's name in messages: its path, "<stdin>" for "-". */
CBPF_API const char *cbpf_capture_file_name(const struct cbpf_capture_file *file);
/*
 * What was copied to a temporary file to be read again ("a pipe", "a device"), its size in
 * *size (may be NULL); NULL when nothing was.
 */
CBPF_API const char *cbpf_capture_file_copied(const struct cbpf_capture_file *file, uint64_t *size);
/* Whether path names the file the capture is read from: writing there would replace it. */
CBPF_API bool cbpf_capture_file_is(const struct cbpf_capture_file *file, const char *path);
/* Closes the capture (and its temporary file); NULL is allowed. */
CBPF_API void cbpf_capture_file_close(struct cbpf_capture_file *file);

struct cbpf_capture_writer;

/*
 * Starts a pcap file at path (microsecond timestamps, like tcpdump -w), "-" for stdout; linktype
 * may carry cbpf_capture_linktype_ext()'s bits, which the file keeps as tcpdump -w does. A regular
 * file (or a new name) is written to a temporary file beside it: nothing appears at path until
 * cbpf_capture_writer_commit(). A FIFO or a device is written straight through. Returns 0,
 * -EINVAL/-ENOENT/-EPERM (cannot create, in diags), -ENOMEM.
 */
CBPF_API int cbpf_capture_writer_new(const char *path, int linktype, uint32_t snaplen,
				     struct cbpf_capture_writer **out, struct cbpf_diags *diags);
CBPF_API int cbpf_capture_writer_add(struct cbpf_capture_writer *w, const struct cbpf_frame *frame);
/* Flushes, renames the file into place and frees the writer. Returns 0 or -EIO (in diags). */
CBPF_API int cbpf_capture_writer_commit(struct cbpf_capture_writer *w, struct cbpf_diags *diags);
/* Removes the temporary file and frees the writer; NULL is allowed. */
CBPF_API void cbpf_capture_writer_abort(struct cbpf_capture_writer *w);

#endif
