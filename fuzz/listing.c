// SPDX-License-Identifier: MIT
/* libFuzzer target: the tcpdump -d listing reader, its diagnostics and their printout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cbpf_asm_opts opts = { .file = "fuzz.txt", .no_relax = size && data[0] & 1 };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;
	const char *src = (const char *)data;
	FILE *null = fopen("/dev/null", "w");

	if (!cbpf_listing_parse(src, size, &opts, &prog, &diags)) {
		/* Every instruction has a position in the source. */
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
