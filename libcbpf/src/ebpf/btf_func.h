/* SPDX-License-Identifier: MIT */
/* BTF and BTF.ext for a func translation (btf_func.c). Private to libcbpf. */
#ifndef CBPF_BTF_FUNC_H
#define CBPF_BTF_FUNC_H

#include <stddef.h>
#include <stdint.h>

#include "ebpf/ebpf_prog.h"

struct btf_blobs {
	uint8_t *btf, *ext; /* owned by the caller: free() both */
	size_t btf_len, ext_len;
};

/*
 * The .BTF and .BTF.ext section contents for prog as function name in section: its prototype
 * int name(void *data, void *data_end), func info, and line info from the classic program.
 * Returns 0 or -ENOMEM.
 */
int ebpf_btf_func(const struct cbpf_ebpf_prog *prog, const char *name, const char *section,
		  struct btf_blobs *out);

#endif
