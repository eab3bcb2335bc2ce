/* SPDX-License-Identifier: MIT */
/* x86-64 code disassembled as objdump prints it, for the JIT's listing and the kernel's image. */
#ifndef CBPF_JIT_DISASM_H
#define CBPF_JIT_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct jit_disasm; /* a capstone handle and its instruction buffer */

/* A disassembler: 0, -ENOTSUP (built without capstone), -ENOMEM. */
int jit_disasm_new(struct jit_disasm **out);
/*
 * code[from..to), one instruction a line as objdump prints it (tools/bpf/bpf_jit_disasm.c: the
 * offset from code, the instruction in AT&T syntax, and with -o its bytes on the next line).
 */
void jit_disasm_range(struct jit_disasm *d, FILE *out, const uint8_t *code, size_t from, size_t to);
/* The name of a function at addr outside the code (a kernel symbol), or NULL. */
typedef const char *jit_disasm_namer(void *ctx, uint64_t addr);
/*
 * The code runs at base and is size bytes long: calls and jumps out of it then show their real
 * targets, named by name (may be NULL) after them as objdump does ("<name>"), those inside it
 * their offsets as before. 0, 0 (the default) for code not placed.
 */
void jit_disasm_place(struct jit_disasm *d, uint64_t base, size_t size, jit_disasm_namer *name,
		      void *ctx);
/* NULL is allowed. */
void jit_disasm_free(struct jit_disasm *d);

#endif
