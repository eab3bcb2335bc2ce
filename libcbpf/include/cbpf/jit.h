/* SPDX-License-Identifier: MIT */
/* The JIT: classic programs compiled to x86-64 machine code that runs as the interpreter does. */
#ifndef LIBCBPF_JIT_H
#define LIBCBPF_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "vm.h"

/*
 * A classic program compiled to native code. It returns what cbpf_vm_run returns for every
 * input, in both modes (cbpf/vm.h's semantics: out-of-bounds loads, [x + k] wrapping, negative
 * offsets, division by a zero X, shift counts, every ancillary load, seccomp_data words). The
 * code is written into a private mapping while it is read-write, which is then made
 * read-execute: it is never writable and executable at once. Opaque and immutable: any number
 * of threads may run one at once. docs/jit.md has the design.
 */
struct cbpf_jit;

/*
 * Compiles vm's program for vm's mode (vm may be freed afterwards). Every program cbpf_vm_new
 * takes compiles but one with backward jumps (cbpf_vm_loop_budget), which the interpreter runs.
 * Returns 0 and sets *out, or, each with a diagnostic saying why:
 *   -ENOTSUP  this machine is not x86-64: there is no JIT for it; or the program loops
 *   -EPERM    the system refuses executable memory (SELinux's execmem, a seccomp policy that
 *             forbids PROT_EXEC, PaX MPROTECT)
 *   -ENOMEM
 *   -E2BIG    the code would take more than 1 GiB
 */
CBPF_API int cbpf_jit_new(const struct cbpf_vm *vm, struct cbpf_jit **out,
			  struct cbpf_diags *diags);

/* Frees jit and unmaps its code; NULL is allowed. */
CBPF_API void cbpf_jit_free(struct cbpf_jit *jit);

/* Runs the code over one input (as cbpf_vm_run does: in->data may be NULL when caplen is 0). */
CBPF_API uint32_t cbpf_jit_run(const struct cbpf_jit *jit, const struct cbpf_input *in);

/* The machine code (read-only, jit's own) and its size in bytes. */
CBPF_API const uint8_t *cbpf_jit_code(const struct cbpf_jit *jit, size_t *size);

/*
 * Where classic instruction pc's code starts in cbpf_jit_code, for pc up to the program's
 * length (which gives where the last instruction's code ends). A short filter also has a
 * branch-free copy of each instruction before these (docs/jit.md); this is the branching code,
 * which every program has.
 */
CBPF_API size_t cbpf_jit_insn_offset(const struct cbpf_jit *jit, uint32_t pc);

/*
 * Writes the code as bpf_jit_disasm -o showed the kernel's JIT: a line with its size, then each
 * classic instruction as tcpdump -d prints it, followed by the x86-64 instructions it became
 * (offset, AT&T syntax, and the bytes on the line below), then the out-of-line code, the
 * shared exits and the helpers' addresses. The same program always gives the same text.
 * Returns 0, -EIO (writing failed), -ENOMEM, or -ENOTSUP when libcbpf was built without
 * capstone, the disassembler (docs/jit.md), having written nothing.
 */
CBPF_API int cbpf_jit_write(FILE *out, const struct cbpf_jit *jit);

/* Whether cbpf_jit_write can disassemble (libcbpf was built with capstone). */
CBPF_API bool cbpf_jit_can_write(void);

/*
 * Makes cbpf_vm_run run vm's program as native code (on; compiled once) or interpret it again
 * (off; the code is freed). The step API always interprets. Not thread-safe: call it before vm
 * is shared. A program with backward jumps stays interpreted, within its loop budget, and this
 * returns 0 (cbpf_vm_jitted tells). Returns 0 when cbpf_vm_run now does as asked; otherwise
 * cbpf_jit_new's errors, and
 * vm goes on interpreting, with the same results: callers after speed alone may ignore them.
 * diags may be NULL.
 */
CBPF_API int cbpf_vm_set_jit(struct cbpf_vm *vm, bool on, struct cbpf_diags *diags);

/* Whether cbpf_vm_run runs vm's program as native code. */
CBPF_API bool cbpf_vm_jitted(const struct cbpf_vm *vm);

#endif
