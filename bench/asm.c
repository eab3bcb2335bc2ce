// SPDX-License-Identifier: MIT
/*
 * Benchmark: assembling (and validating) a 4096-instruction bpf_asm program, the kernel's limit.
 * Prints the best time of ROUNDS runs for parse alone and for parse + cbpf_check, against the
 * 10 ms the project promises. Usage: asm [ROUNDS] (default 50).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cbpf.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * A realistic long filter: header loads, compares to labels ahead (the first one far, so the
 * far-jump rewrite runs), scratch memory, arithmetic; 4096 instructions once assembled.
 */
static char *make_source(size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *src = malloc(cap);
	int insns = 0, block = 0;

	if (!src)
		exit(1);
	/* Five instructions a block, two returns and the one ja the far jump of block 0 needs. */
	while (insns + 5 <= 4096 - 3) {
		char target[16];

		snprintf(target, sizeof(target), block ? "b%d" : "end", block + 1);
		n += (size_t)snprintf(src + n, cap - n,
				      "b%d:\tldh [%d]\n"
				      "\tjeq #0x%x, next%d, %s\n"
				      "next%d:\tst M[%d]\n"
				      "\tldx M[%d]\n"
				      "\tadd x\n",
				      block, 12 + block % 40, 0x800 + block, block, target, block,
				      block % 16, block % 16);
		insns += 5;
		block++;
	}
	for (; insns < 4096 - 3; insns++)
		n += (size_t)snprintf(src + n, cap - n, "\ttax\n");
	n += (size_t)snprintf(src + n, cap - n, "b%d:\tret a\nend:\tret #1\n", block);
	*len = n;
	return src;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	double best_parse = 1e9, best_all = 1e9;
	size_t len, ninsns = 0;
	char *src = make_source(&len);

	for (int r = 0; r < rounds; r++) {
		struct cbpf_diags diags = { 0 };
		struct cbpf_prog *prog;
		double t0 = now_ms(), t1, t2;

		if (cbpf_asm_parse(src, len, NULL, &prog, &diags)) {
			cbpf_diags_print(stderr, &diags, src, len, NULL);
			return 1;
		}
		t1 = now_ms();
		if (cbpf_check(prog, CBPF_CHECK_SOCKET, &diags)) {
			cbpf_diags_print(stderr, &diags, src, len, NULL);
			return 1;
		}
		t2 = now_ms();
		ninsns = cbpf_prog_len(prog);
		best_parse = t1 - t0 < best_parse ? t1 - t0 : best_parse;
		best_all = t2 - t0 < best_all ? t2 - t0 : best_all;
		cbpf_prog_free(prog);
		cbpf_diags_free(&diags);
	}
	printf("asm: %zu-instruction program (%zu bytes of source), best of %d\n", ninsns, len,
	       rounds);
	printf("asm:   assemble            %7.3f ms\n", best_parse);
	printf("asm:   assemble + validate %7.3f ms  (%.0fx under the 10 ms budget)\n", best_all,
	       10.0 / best_all);
	free(src);
	return 0;
}
