/* SPDX-License-Identifier: MIT */
/* cbpf-xlate's own pieces: the output file, and captures for --verify. */
#ifndef CBPF_XLATE_CLI_H
#define CBPF_XLATE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out {
	FILE *fp;
	const char *path; /* the target, or NULL for stdout */
	char *tmp;	  /* the temporary file being written, or NULL */
};

/* Opens stdout (path NULL or "-") or a temporary file beside path. 0 or a negative errno. */
int out_open(struct out *o, const char *path);
/* Flushes, then renames the temporary file over path. 0 or a negative errno (then removed). */
int out_commit(struct out *o);
/* Removes the temporary file; the target is left as it was. */
void out_abort(struct out *o);

/* A capture file read frame by frame. */
struct capture;

/* 0, or -1 with the reason in err. */
int capture_open(const char *path, struct capture **out, char *err, size_t errlen);
/* 1 and the next frame, 0 at the end, -1 on a damaged file (the reason in err). */
int capture_next(struct capture *c, const uint8_t **data, uint32_t *caplen, char *err,
		 size_t errlen);
void capture_close(struct capture *c);

#endif
