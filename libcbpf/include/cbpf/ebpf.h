/* SPDX-License-Identifier: MIT */
/* eBPF in libcbpf: the instruction model, programs, the disassembler, writers and interpreter. */
#ifndef LIBCBPF_EBPF_H
#define LIBCBPF_EBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "prog.h"

/*
 * One eBPF instruction, laid out exactly like the kernel's struct bpf_insn (static_asserted in
 * libcbpf/src/ebpf/ebpf.c). A 64-bit immediate load (CBPF_EBPF_LD_IMM64) takes two of them.
 */
struct cbpf_ebpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

/*
 * Encoding constants that eBPF adds to the classic ones (include/uapi/linux/bpf.h); the classes,
 * sizes, modes and operations the two share are the CBPF_* constants of cbpf/insn.h.
 */
#define CBPF_EBPF_JMP32	   0x06 /* class: 32-bit compares */
#define CBPF_EBPF_ALU64	   0x07 /* class: 64-bit arithmetic */
#define CBPF_EBPF_DW	   0x18 /* size: 8 bytes */
#define CBPF_EBPF_MEM	   0x60 /* mode: ldx/stx/st through a register */
#define CBPF_EBPF_MOV	   0xb0
#define CBPF_EBPF_ARSH	   0xc0
#define CBPF_EBPF_END	   0xd0
#define CBPF_EBPF_TO_LE	   0x00
#define CBPF_EBPF_TO_BE	   0x08
#define CBPF_EBPF_JNE	   0x50
#define CBPF_EBPF_JSGT	   0x60
#define CBPF_EBPF_JSGE	   0x70
#define CBPF_EBPF_CALL	   0x80
#define CBPF_EBPF_EXIT	   0x90
#define CBPF_EBPF_JLT	   0xa0
#define CBPF_EBPF_JLE	   0xb0
#define CBPF_EBPF_JSLT	   0xc0
#define CBPF_EBPF_JSLE	   0xd0
#define CBPF_EBPF_LD_IMM64 (CBPF_LD | CBPF_EBPF_DW | CBPF_IMM)

/* Registers: r0 returns, r1-r5 pass arguments (and die in calls), r6-r9 survive, r10 is fp. */
enum {
	CBPF_EBPF_R0,
	CBPF_EBPF_R1,
	CBPF_EBPF_R2,
	CBPF_EBPF_R3,
	CBPF_EBPF_R4,
	CBPF_EBPF_R5,
	CBPF_EBPF_R6,
	CBPF_EBPF_R7,
	CBPF_EBPF_R8,
	CBPF_EBPF_R9,
	CBPF_EBPF_R10,
};

/* The helpers translations call (enum bpf_func_id; checked against the kernel's header). */
#define CBPF_EBPF_FUNC_GET_PRANDOM_U32	       7
#define CBPF_EBPF_FUNC_GET_SMP_PROCESSOR_ID    8
#define CBPF_EBPF_FUNC_SKB_LOAD_BYTES	       26
#define CBPF_EBPF_FUNC_PROBE_READ_KERNEL       113
#define CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE 68
#define CBPF_EBPF_FUNC_XDP_GET_BUFF_LEN	       188
#define CBPF_EBPF_FUNC_XDP_LOAD_BYTES	       189
#define CBPF_EBPF_HDR_START_MAC		       0 /* BPF_HDR_START_MAC */
#define CBPF_EBPF_HDR_START_NET		       1 /* BPF_HDR_START_NET */

/* The helper's name as bpftool prints it ("bpf_get_prandom_u32"), or NULL when unknown. */
CBPF_API const char *cbpf_ebpf_func_name(int32_t id);

/*
 * Where a program runs: the kernel program type, the context it gets and how its result is read.
 *   SOCKET   BPF_PROG_TYPE_SOCKET_FILTER on struct __sk_buff; returns the bytes to keep (0 drops)
 *   TC       BPF_PROG_TYPE_SCHED_CLS (cls_bpf) on struct __sk_buff; returns a TC_ACT_* action in
 *            direct-action mode, or a class id
 *   XDP      BPF_PROG_TYPE_XDP on struct xdp_md; returns an XDP_* action
 *   SECCOMP  a seccomp filter on struct seccomp_data; returns a SECCOMP_RET_* action. The kernel
 *            takes seccomp filters only in classic form: this one runs in libcbpf's interpreter.
 *   FUNC     not a program but a function for other eBPF programs to call (BPF-to-BPF):
 *            int NAME(void *data, void *data_end), the frame's first byte and one past its
 *            last; returns the classic program's result (nonzero: a match). Written as an ELF
 *            object for `bpftool gen object` (docs/xlate.md).
 */
enum cbpf_target {
	CBPF_TARGET_SOCKET,
	CBPF_TARGET_TC,
	CBPF_TARGET_XDP,
	CBPF_TARGET_SECCOMP,
	CBPF_TARGET_FUNC,
};

/* "socket", "tc", "xdp", "seccomp", "func" */
CBPF_API const char *cbpf_target_name(enum cbpf_target target);
/* Parses a target name. Returns 0 or -ENOENT. */
CBPF_API int cbpf_target_parse(const char *name, enum cbpf_target *out);

/* An eBPF program with what it was made from. Opaque; immutable once built. */
struct cbpf_ebpf_prog;

/*
 * A program holding a copy of insns[0..len) for target, with no classic origin; for tests and
 * tools that write eBPF by hand. NULL when out of memory.
 */
CBPF_API struct cbpf_ebpf_prog *cbpf_ebpf_prog_new(const struct cbpf_ebpf_insn *insns, size_t len,
						   enum cbpf_target target);
/* Frees prog; NULL is allowed. */
CBPF_API void cbpf_ebpf_prog_free(struct cbpf_ebpf_prog *prog);

CBPF_API size_t cbpf_ebpf_prog_len(const struct cbpf_ebpf_prog *prog);
/* The instructions; valid as long as prog. */
CBPF_API const struct cbpf_ebpf_insn *cbpf_ebpf_prog_insns(const struct cbpf_ebpf_prog *prog);
CBPF_API enum cbpf_target cbpf_ebpf_prog_target(const struct cbpf_ebpf_prog *prog);
/* The classic program it was translated from (libcbpf's copy), or NULL. */
CBPF_API const struct cbpf_prog *cbpf_ebpf_prog_classic(const struct cbpf_ebpf_prog *prog);
/*
 * The loops of the classic program translated (the instructions backward jumps go to; 0: none,
 * or no classic program), each a bounded loop of the translation; *budget (may be NULL) how
 * many times a run may jump back to a loop's start (cbpf_vm_loop_budget), 0 without loops.
 */
CBPF_API unsigned cbpf_ebpf_prog_loops(const struct cbpf_ebpf_prog *prog, uint32_t *budget);
/* The classic instruction eBPF instruction idx comes from, or -1 (prologue, shared exits). */
CBPF_API long cbpf_ebpf_prog_origin(const struct cbpf_ebpf_prog *prog, size_t idx);
/*
 * The name of the program (the ELF symbol, and what bpftool shows): the translation's
 * cbpf_xlate_opts.name, or "cbpf_socket", "cbpf_tc", "cbpf_xdp", "cbpf_seccomp", "cbpf_filter".
 */
CBPF_API const char *cbpf_ebpf_prog_name(const struct cbpf_ebpf_prog *prog);
/*
 * The license string the program is loaded with. The translations call no GPL-only helper, so
 * any string loads; libcbpf says "Dual MIT/GPL", which the kernel counts as GPL-compatible.
 */
CBPF_API const char *cbpf_ebpf_prog_license(const struct cbpf_ebpf_prog *prog);

/*
 * One instruction as `bpftool prog dump xlated` prints it after the "  12: " index: "(bf) r6 =
 * r1", "(28) r0 = *(u16 *)skb[12]", "(55) if r0 != 0x800 goto pc+5". next is the following
 * instruction (the second half of a 64-bit immediate load), or NULL. Writes into buf (always
 * terminated) and returns the length it needed, like snprintf.
 */
CBPF_API int cbpf_ebpf_insn_format(const struct cbpf_ebpf_insn *insn,
				   const struct cbpf_ebpf_insn *next, char *buf, size_t size);

/* Output forms. */
enum cbpf_ebpf_form {
	CBPF_EBPF_FORM_ELF, /* a relocatable ELF64 object for libbpf, bpftool, tc and llvm-objdump
			     */
	CBPF_EBPF_FORM_RAW, /* the struct bpf_insn array, host byte order */
	CBPF_EBPF_FORM_C,   /* a C initializer of the kernel's instruction macros */
	CBPF_EBPF_FORM_ASM, /* the disassembly, as bpftool prog dump xlated prints it */
};

/* "elf", "raw", "c", "asm"; parse returns 0 or -ENOENT. */
CBPF_API const char *cbpf_ebpf_form_name(enum cbpf_ebpf_form form);
CBPF_API int cbpf_ebpf_form_parse(const char *name, enum cbpf_ebpf_form *out);

struct cbpf_ebpf_write_opts {
	/*
	 * asm and c: before the eBPF instructions of each classic one, a comment line with the
	 * classic instruction as tcpdump -d prints it ("; (002) jeq #0x800 jt 3 jf 5").
	 */
	bool annotate;
};

/*
 * Writes prog to out in form. opts may be NULL. Returns 0, -EIO (the stream failed), -ENOMEM.
 * The ELF object has the program in section "socket", "tc", "xdp" or "seccomp" (the names libbpf
 * derives the program type from), a global function symbol cbpf_ebpf_prog_name() over it, and a
 * "license" section with _license; no BTF and no relocations. A func translation goes in
 * ".text" as a global function of hidden visibility (so that libbpf verifies it with its
 * caller's packet pointers, as a static function), with BTF and BTF.ext function and line info
 * (each classic instruction as a source line) and no license (its caller's applies).
 */
CBPF_API int cbpf_ebpf_write(FILE *out, const struct cbpf_ebpf_prog *prog, enum cbpf_ebpf_form form,
			     const struct cbpf_ebpf_write_opts *opts);

/* ---------------------------------------------------------------- the interpreter */

struct cbpf_input; /* cbpf/vm.h */

/*
 * Runs prog on one input the way the kernel runs its target's program type, for the subset of
 * eBPF that translations use: ALU, ALU64, JMP, JMP32, LDX/STX/ST on the stack, the context and
 * (xdp) the packet, LD_ABS/LD_IND (socket and tc), the helpers bpf_skb_load_bytes,
 * bpf_skb_load_bytes_relative, bpf_get_smp_processor_id and bpf_get_prandom_u32, and exit.
 *
 * The context is built from in: for socket and tc a struct __sk_buff whose data is in->data
 * (in->caplen bytes readable, len is in->wirelen) with the fields of in->meta (protocol,
 * pkt_type, mark, queue_mapping, hash, vlan_*, ifindex 0 when meta->no_dev; the network header
 * at meta->net_off, the link-layer header at the start); for xdp a struct xdp_md over the
 * in->caplen bytes (ingress_ifindex and rx_queue_index from meta); for seccomp the 64 bytes of a
 * struct seccomp_data. bpf_get_smp_processor_id() returns meta->cpu and bpf_get_prandom_u32()
 * meta->random, so that runs compare with the classic interpreter's.
 *
 * Returns 0 and sets *ret to r0 at exit (0 when LD_ABS/LD_IND ended the program), or -EINVAL
 * when the program does what the verifier would have refused (a read of a register never written,
 * a memory access out of its region, an unknown opcode or helper, more than 1,000,000 steps):
 * one diagnostic names the instruction.
 */
CBPF_API int cbpf_ebpf_run(const struct cbpf_ebpf_prog *prog, const struct cbpf_input *in,
			   uint64_t *ret, struct cbpf_diags *diags);

#endif
