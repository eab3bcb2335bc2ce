// SPDX-License-Identifier: MIT
/* BTF and BTF.ext for a func translation: its prototype, and each classic instruction as a line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/btf.h>

#include "cbpf/fmt.h"
#include "cbpf/prog.h"
#include "ebpf/btf_func.h"

/* A growing byte buffer; err sticks at the first failure. */
struct buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static size_t put(struct buf *b, const void *data, size_t n)
{
	size_t at = b->len;

	if (b->err)
		return 0;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return 0;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return at;
}

static void put32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static uint32_t str(struct buf *s, const char *text)
{
	return (uint32_t)put(s, text, strlen(text) + 1);
}

/*
 * The types (include/uapi/linux/btf.h): [1] int, [2] void *, [3] int (void *data, void
 * *data_end), [4] FUNC name, global. The caller's `extern int name(void *, void *)` must match
 * [3]: libbpf's static linker compares them.
 */
int ebpf_btf_func(const struct cbpf_ebpf_prog *prog, const char *name, const char *section,
		  struct btf_blobs *out)
{
	struct buf types = { 0 }, strs = { 0 }, btf = { 0 }, ext = { 0 }, lines = { 0 };
	const struct cbpf_prog *classic = cbpf_ebpf_prog_classic(prog);
	struct btf_header hdr = { .magic = BTF_MAGIC,
				  .version = BTF_VERSION,
				  .hdr_len = sizeof(hdr) };
	uint32_t nlines = 0, file, sec, prologue;
	long last = -2;
	int err;

	str(&strs, "");
	/* [1] int */
	put32(&types, str(&strs, "int"));
	put32(&types, BTF_KIND_INT << 24);
	put32(&types, 4);
	put32(&types, BTF_INT_SIGNED << 24 | 32);
	/* [2] void * */
	put32(&types, 0);
	put32(&types, BTF_KIND_PTR << 24);
	put32(&types, 0);
	/* [3] int (void *data, void *data_end) */
	put32(&types, 0);
	put32(&types, BTF_KIND_FUNC_PROTO << 24 | 2);
	put32(&types, 1);
	put32(&types, str(&strs, "data"));
	put32(&types, 2);
	put32(&types, str(&strs, "data_end"));
	put32(&types, 2);
	/* [4] the function */
	put32(&types, str(&strs, name));
	put32(&types, BTF_KIND_FUNC << 24 | BTF_FUNC_GLOBAL);
	put32(&types, 3);

	/* Line info: the verifier wants one at the function's first instruction; then one where
	 * each classic instruction's code starts, its text as the line and its pc + 1 as the
	 * line number, so that verifier logs and bpftool show where each eBPF one came from. */
	sec = str(&strs, section);
	file = str(&strs, "classic");
	prologue = str(&strs, name);
	for (size_t i = 0; i < cbpf_ebpf_prog_len(prog); i++) {
		long pc = cbpf_ebpf_prog_origin(prog, i);
		char text[128];
		uint32_t line;

		if (i && (pc < 0 || pc == last))
			continue;
		last = pc;
		if (pc >= 0 && classic) {
			cbpf_insn_format(&cbpf_prog_insns(classic)[pc], (size_t)pc, text,
					 sizeof(text));
			line = str(&strs, text);
		} else {
			line = prologue;
		}
		put32(&lines, (uint32_t)(i * 8));
		put32(&lines, file);
		put32(&lines, line);
		put32(&lines, (uint32_t)(pc + 1) << 10);
		nlines++;
	}

	hdr.type_len = (uint32_t)types.len;
	hdr.str_off = (uint32_t)types.len;
	hdr.str_len = (uint32_t)strs.len;
	put(&btf, &hdr, sizeof(hdr));
	put(&btf, types.p, types.len);
	put(&btf, strs.p, strs.len);

	/* BTF.ext (libbpf's struct btf_ext_header): magic, version, flags, hdr_len, then the
	 * offsets and lengths of func_info, line_info and CO-RE relocations, after the header. */
	put(&ext, &(uint16_t){ BTF_MAGIC }, 2);
	put(&ext, &(uint8_t){ 1 }, 1);
	put(&ext, &(uint8_t){ 0 }, 1);
	put32(&ext, 32);
	put32(&ext, 0);	 /* func_info_off */
	put32(&ext, 20); /* func_info_len: rec_size, sec, num, one record */
	put32(&ext, 20); /* line_info_off */
	put32(&ext, (uint32_t)(12 + lines.len));
	put32(&ext, (uint32_t)(20 + 12 + lines.len)); /* core_relo_off: none */
	put32(&ext, 0);
	put32(&ext, 8); /* struct bpf_func_info */
	put32(&ext, sec);
	put32(&ext, 1);
	put32(&ext, 0);
	put32(&ext, 4);
	put32(&ext, 16); /* struct bpf_line_info */
	put32(&ext, sec);
	put32(&ext, nlines);
	put(&ext, lines.p, lines.len);

	err = types.err	  ? types.err
	      : strs.err  ? strs.err
	      : lines.err ? lines.err
	      : btf.err	  ? btf.err
			  : ext.err;
	free(types.p);
	free(strs.p);
	free(lines.p);
	if (err) {
		free(btf.p);
		free(ext.p);
		return err;
	}
	out->btf = btf.p;
	out->btf_len = btf.len;
	out->ext = ext.p;
	out->ext_len = ext.len;
	return 0;
}
