/* SPDX-License-Identifier: MIT */
/* What the JIT's files share: compiled code, how it is laid out, and the memory it runs from. */
#ifndef CBPF_JIT_INT_H
#define CBPF_JIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cbpf/jit.h"

/*
 * The C functions the code calls, by their index in the pool of addresses at its end: only the
 * netlink attribute walks, which are loops (net/core/filter.c: bpf_skb_get_nlattr{,_nest}).
 */
enum jit_helper {
	JIT_NLATTR,
	JIT_NLATTR_NEST,
	JIT_NHELPERS,
};

/* A helper: A's new value from the captured bytes, A and X. */
typedef uint32_t jit_helper_fn(const uint8_t *data, uint32_t caplen, uint32_t a, uint32_t x);

/*
 * Machine code for a program of len classic instructions, laid out as: the prologue; each
 * instruction's code in order (insn_off); the out-of-line code some instructions need, in the
 * same order (ool_off: [x + k] loads at negative offsets); the shared exits (exits_off: out of
 * bounds or division by zero, returning 0; no device, returning A); the helpers' addresses
 * (pool_off; none when no instruction calls one); a zeroed struct cbpf_meta, which the code
 * reads when the input's meta is NULL (zeros_off, to the end; none when it reads no record).
 */
struct jit_image {
	uint8_t *code; /* malloc'd */
	size_t size;
	uint32_t len;
	uint32_t *insn_off; /* len + 1 entries; insn_off[len] == ool_off[0] */
	uint32_t *ool_off;  /* len + 1 entries; ool_off[len] == exits_off */
	uint32_t exits_off, exit_a_off, pool_off, zeros_off;
	/*
	 * A short program with branches has a predicated copy first (predicate.c):
	 * after the prologue's loads, each instruction's branch-free code (pred_off, len + 1
	 * entries, pred_off[len] where the result is read), then slow_off where the branching code
	 * starts, and the returns' values by instruction at results_off, to the end.
	 */
	bool pred;
	uint32_t *pred_off;
	uint32_t slow_off, results_off;
	unsigned passes; /* how many times the code was laid out before it settled */
};

/*
 * Compiles insns (len of them, checked by cbpf_vm_new: every jump inside, every M[k] with
 * k < 16, a return last) for mode into *img, calling helpers[JIT_*] where needed. Returns 0,
 * -ENOMEM, -E2BIG (more than 1 GiB of code).
 */
int jit_x86_64_compile(const struct cbpf_insn *insns, uint32_t len, enum cbpf_vm_mode mode,
		       jit_helper_fn *const helpers[JIT_NHELPERS], struct jit_image *img);
void jit_image_free(struct jit_image *img);

/* jit's layout and program, for the listing (listing.c). */
const struct jit_image *jit_image_of(const struct cbpf_jit *jit, const struct cbpf_insn **insns);

/*
 * Executable memory, never writable and executable at once: a private anonymous mapping
 * written while it is read-write, then made read and execute. Returns the mapping, or NULL
 * with *err: -ENOMEM, or -EPERM when the system refuses executable memory (SELinux execmem, a
 * seccomp policy, PaX MPROTECT), the errno it gave in *sys_errno.
 */
void *jit_exec_map(const void *code, size_t size, int *err, int *sys_errno);
void jit_exec_unmap(void *mem, size_t size);

#endif
