/* SPDX-License-Identifier: MIT */
/* Native code that cbpf_vm_run calls in place of the interpreter: where the JIT (jit/) plugs in. */
#ifndef CBPF_CLASSIC_VM_NATIVE_H
#define CBPF_CLASSIC_VM_NATIVE_H

#include <stdint.h>

#include "cbpf/vm.h"

/*
 * A program's native code: the run's input as it is given (meta may be NULL), so that a call
 * costs no more than the jump to it; the code loads the fields it reads.
 */
typedef uint32_t vm_native_fn(const struct cbpf_input *in);

/* Native code and its owner, which release frees. */
struct vm_native {
	vm_native_fn *entry;
	void (*release)(struct vm_native *native);
};

/* Gives vm native code to run (NULL: interpret again), releasing what it had. */
void vm_set_native(struct cbpf_vm *vm, struct vm_native *native);
const struct vm_native *vm_native(const struct cbpf_vm *vm);

/*
 * ld #nla and ld #nlan over the captured bytes (net/core/filter.c: bpf_skb_get_nlattr,
 * bpf_skb_get_nlattr_nest): A's new value, for native code that calls them.
 */
uint32_t vm_nlattr(const uint8_t *data, uint32_t caplen, uint32_t a, uint32_t x);
uint32_t vm_nlattr_nest(const uint8_t *data, uint32_t caplen, uint32_t a, uint32_t x);

#endif
