/* SPDX-License-Identifier: MIT */
/* The body shared by the fuzz targets of the two text readers (bpf_asm and tcpdump -d). */
#ifndef CBPF_FUZZ_SOURCE_H
#define CBPF_FUZZ_SOURCE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cbpf.h"

typedef int (*fuzz_parser)(const char *src, size_t len, const struct cbpf_asm_opts *opts,
			   struct cbpf_prog **prog, struct cbpf_diags *diags);

/*
 * Parse one input; a success has a position for every instruction and no error, a failure has
 * an error; the diagnostics print without fault.
 */
static inline int fuzz_source(const uint8_t *data, size_t size, const char *file, fuzz_parser parse)
{
	struct cbpf_asm_opts opts = { .file = file, .no_relax = size && data[0] & 1 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	const char *src = (const char *)data;
	FILE *null = fopen("/dev/null", "w");

	if (!parse(src, size, &opts, &prog, &diags)) {
		for (size_t pc = 0; pc < cbpf_prog_len(prog); pc++) {
			const struct cbpf_srcloc *loc = cbpf_prog_srcloc(prog, pc);

			if (!loc || !loc->line || !loc->col)
				abort();
		}
		if (diags.errors)
			abort();
	} else if (!diags.errors) {
		abort();
	}
	if (null) {
		cbpf_diags_print(null, &diags, src, size, NULL);
		fclose(null);
	}
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return 0;
}

#endif
