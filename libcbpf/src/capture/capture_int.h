/* SPDX-License-Identifier: MIT */
/* Inside the capture stage: readers named apart from their path, and what a capture starts with. */
#ifndef CBPF_CAPTURE_INT_H
#define CBPF_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cbpf/capture.h"

/* cbpf_capture_open() of path, its messages naming the capture name instead. */
int capture_open_as(const char *path, const char *name, struct cbpf_capture **out,
		    struct cbpf_diags *diags);

/*
 * Whether the first four bytes of a file are a capture's magic number: pcap (microsecond,
 * nanosecond, and Alexey Kuznetzov's), in either byte order, or pcapng.
 */
bool capture_magic(const uint8_t b[4]);

#endif
