// SPDX-License-Identifier: MIT
/* cbpf_jit_write: the code as bpf_jit_disasm -o showed it. */
#include <errno.h>
#include <inttypes.h>

#include "cbpf/fmt.h"
#include "jit/disasm.h"
#include "jit/jit_int.h"

/* What the helpers' addresses stand for, in the pool (their values change from run to run). */
static const char *const helper_name[JIT_NHELPERS] = {
	[JIT_NLATTR] = "ld #nla's helper",
	[JIT_NLATTR_NEST] = "ld #nlan's helper",
};

int cbpf_jit_write(FILE *out, const struct cbpf_jit *jit)
{
	const struct cbpf_insn *insns;
	const struct jit_image *img = jit_image_of(jit, &insns);
	const uint8_t *code = cbpf_jit_code(jit, NULL);
	struct jit_disasm *d;
	char text[128];
	int err = jit_disasm_new(&d);

	if (err)
		return err;
	fprintf(out, "%zu bytes emitted from JIT compiler (pass:%u, flen:%" PRIu32 ")\n", img->size,
		img->passes, img->len);
	fprintf(out, "prologue:\n");
	if (img->pred) {
		jit_disasm_range(d, out, code, 0, img->pred_off[0]);
		fprintf(out,
			"predicated, without branches (npc in r11d: where the path goes next):\n");
		for (uint32_t pc = 0; pc < img->len; pc++) {
			cbpf_insn_format(&insns[pc], pc, text, sizeof(text));
			fprintf(out, "(%03" PRIu32 ") %s\n", pc, text);
			jit_disasm_range(d, out, code, img->pred_off[pc], img->pred_off[pc + 1]);
		}
		fprintf(out, "the result, by the return the path ended at:\n");
		jit_disasm_range(d, out, code, img->pred_off[img->len], img->slow_off);
		fprintf(out, "branching, for short packets and [x + k] out of bounds:\n");
		jit_disasm_range(d, out, code, img->slow_off, img->insn_off[0]);
	} else {
		jit_disasm_range(d, out, code, 0, img->insn_off[0]);
	}
	for (uint32_t pc = 0; pc < img->len; pc++) {
		cbpf_insn_format(&insns[pc], pc, text, sizeof(text));
		fprintf(out, "(%03" PRIu32 ") %s\n", pc, text);
		jit_disasm_range(d, out, code, img->insn_off[pc], img->insn_off[pc + 1]);
	}
	for (uint32_t pc = 0; pc < img->len; pc++) {
		if (img->ool_off[pc] == img->ool_off[pc + 1])
			continue;
		cbpf_insn_format(&insns[pc], pc, text, sizeof(text));
		fprintf(out, "out of line, (%03" PRIu32 ") %s:\n", pc, text);
		jit_disasm_range(d, out, code, img->ool_off[pc], img->ool_off[pc + 1]);
	}
	fprintf(out, "exits, returning 0 (out of bounds, division by zero) or A (no device):\n");
	jit_disasm_range(d, out, code, img->exits_off, img->pool_off);
	if (img->pool_off < img->zeros_off) {
		fprintf(out, "helpers:\n");
		for (int h = 0; h < JIT_NHELPERS; h++)
			fprintf(out, "%4zx:\t.quad  %s\n", img->pool_off + 8 * (size_t)h,
				helper_name[h]);
	}
	if (img->zeros_off < img->results_off)
		fprintf(out, "the metadata a NULL meta reads:\n%4" PRIx32 ":\t.zero  %" PRIu32 "\n",
			img->zeros_off, img->results_off - img->zeros_off);
	if (img->pred) {
		fprintf(out, "the results, by instruction:\n");
		for (uint32_t pc = 0; pc < img->len; pc++)
			fprintf(out, "%4zx:\t.long  %#" PRIx32 "\n",
				img->results_off + 4 * (size_t)pc,
				insns[pc].code == (CBPF_RET | CBPF_K) ? insns[pc].k : 0);
	}
	jit_disasm_free(d);
	return ferror(out) ? -EIO : 0;
}
