/* SPDX-License-Identifier: MIT */
/* The classic BPF interpreter with the Linux kernel's semantics: whole runs and single steps. */
#ifndef LIBCBPF_VM_H
#define LIBCBPF_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "meta.h"
#include "prog.h"

/*
 * Semantics are those of a classic filter in the Linux kernel (net/core/filter.c:
 * bpf_convert_filter and the helpers it calls), not libpcap's where the two differ:
 *   - A, X start at 0; the ALU is 32 bits wide and wraps; a shift by X uses X & 31.
 *   - Division or modulo by a zero X ends the program with 0.
 *   - A packet load reads big-endian bytes; one that does not fit in the captured bytes ends the
 *     program with 0. [x + k] is computed modulo 2^32 and then taken as a signed offset, so it
 *     can wrap to a small offset or land in the SKF_NET_OFF / SKF_LL_OFF ranges.
 *   - Offsets SKF_NET_OFF + n read from the network header (cbpf_meta.net_off) and SKF_LL_OFF + n
 *     from the link-layer header (the start of the data); below SKF_LL_OFF nothing is readable.
 *   - ld/ldh/ldb [SKF_AD_OFF + n] for a known n is an ancillary load whatever its size: it sets
 *     the whole of A (ldb #proto gives 0x0800, not 0x08). Other n read packet bytes at
 *     SKF_NET_OFF-relative offsets as the kernel would (in practice out of bounds).
 * The validator (cbpf_check) refuses what the kernel refuses; the interpreter still gives every
 * instruction a meaning: a constant division by zero ends with 0 like a zero X, a constant shift
 * uses k & 31, a never-written M[k] reads 0.
 */

/*
 * A seccomp filter's input (include/uapi/linux/seccomp.h: struct seccomp_data), in native byte
 * order; the interpreter reads its 32-bit words as the kernel does.
 */
struct cbpf_seccomp_data {
	int32_t nr;
	uint32_t arch; /* AUDIT_ARCH_* */
	uint64_t instruction_pointer;
	uint64_t args[6];
};
#define CBPF_SECCOMP_DATA_SIZE 64 /* sizeof(struct seccomp_data): what ld #len gives */

/* One run's input. Borrowed: nothing is copied or kept. */
struct cbpf_input {
	const uint8_t *data;	      /* the packet from its link-layer header (where skb->data
				       * points for a SOCK_RAW packet socket), or a
				       * cbpf_seccomp_data */
	uint32_t caplen;	      /* bytes readable at data; loads past them are out of bounds
				       * (libpcap's buflen) */
	uint32_t wirelen;	      /* the packet's length, what ld #len returns (libpcap's
				       * wirelen, the kernel's skb->len); ignored for seccomp */
	const struct cbpf_meta *meta; /* NULL reads as a zeroed record; ignored for seccomp */
};

/* A packet input; meta may be NULL. */
static inline struct cbpf_input cbpf_input_packet(const uint8_t *data, uint32_t caplen,
						  uint32_t wirelen, const struct cbpf_meta *meta)
{
	struct cbpf_input in = { data, caplen, wirelen, meta };

	return in;
}

/* A seccomp input: the bytes of *sd, which must outlive the run. */
static inline struct cbpf_input cbpf_input_seccomp(const struct cbpf_seccomp_data *sd)
{
	struct cbpf_input in = { (const uint8_t *)sd, CBPF_SECCOMP_DATA_SIZE,
				 CBPF_SECCOMP_DATA_SIZE, NULL };

	return in;
}

enum cbpf_vm_mode {
	CBPF_VM_SOCKET,	 /* socket filters: packet loads, ancillary loads, negative offsets */
	CBPF_VM_SECCOMP, /* seccomp filters (kernel/seccomp.c): ld [k] reads the native 32-bit word
			  * of struct seccomp_data at k; ld #len is 64; any other packet load, or
			  * one not aligned inside the 64 bytes, is out of bounds */
};

/* A program prepared for running. Opaque; immutable once built, so it may be shared by threads. */
struct cbpf_vm;

/*
 * Prepares prog (copied; prog may be freed afterwards) for running in mode. It does not apply the
 * kernel's rules (see cbpf_check); it refuses only what cannot run safely: an empty program, an
 * opcode the kernel does not know, a jump out of the program, M[k] with k >= 16, a last
 * instruction that is not a return. A ja backwards to an instruction of the program (libpcap's
 * "protochain" loop) runs as libpcap's bpf_filter runs it, k taken as signed, within a budget of
 * backward jumps per run (cbpf_vm_loop_budget); the kernel's classic loaders refuse such
 * programs. Returns 0 and sets *out, or -EINVAL (each problem a diagnostic naming
 * the instruction), -ENOMEM.
 */
CBPF_API int cbpf_vm_new(const struct cbpf_prog *prog, enum cbpf_vm_mode mode, struct cbpf_vm **out,
			 struct cbpf_diags *diags);

/* Frees vm; NULL is allowed. */
CBPF_API void cbpf_vm_free(struct cbpf_vm *vm);

CBPF_API enum cbpf_vm_mode cbpf_vm_mode(const struct cbpf_vm *vm);

/*
 * 0 for a program without backward jumps; for one with them (loops), how many a run may take to
 * one loop's start: the next one ends the run with 0 (CBPF_VM_EXIT_BUDGET), where libpcap would
 * loop on for ever. It is 4096 / (1 + the program's conditional jumps), at least 1: as far as the
 * eBPF translation can count and still pass the verifier (docs/xlate.md), so that every way of
 * running the program gives one verdict. Loops that lie apart, as libpcap's "protochain" terms
 * do (each from its start to its last backward jump, at most 16 of them), are entered once per
 * run and each has the budget; otherwise all backward jumps of a run share it.
 */
CBPF_API uint32_t cbpf_vm_loop_budget(const struct cbpf_vm *vm);

/*
 * The most instructions one run executes: the program's length without loops, length * (1 +
 * budget * loops counted apart) with them (each pass of a loop runs each instruction at most
 * once). What a recorder of a whole run needs room for.
 */
CBPF_API uint64_t cbpf_vm_max_steps(const struct cbpf_vm *vm);
/* The program's instructions (the vm's own copy) and their number. */
CBPF_API const struct cbpf_insn *cbpf_vm_insns(const struct cbpf_vm *vm, uint32_t *len);

/*
 * Runs the program over one input, start to end, and returns its result: the accepted length
 * for a socket filter (0 drops), the action for a seccomp filter. A program ended by an
 * out-of-bounds load or a division by zero returns 0, one ended by ld #ifidx or ld #hatype
 * without a device returns A. The fast path: no state, no records; in->data may be NULL when
 * in->caplen is 0. Any number of threads may run one vm at once. After cbpf_vm_set_jit
 * (cbpf/jit.h) it runs the program as native code, with the same results.
 */
CBPF_API uint32_t cbpf_vm_run(const struct cbpf_vm *vm, const struct cbpf_input *in);

/* How a program ended; CBPF_VM_RUNNING while it has not. */
enum cbpf_vm_exit {
	CBPF_VM_RUNNING,
	CBPF_VM_EXIT_RET,    /* a ret instruction: ret is its value */
	CBPF_VM_EXIT_OOB,    /* a packet load out of bounds: ret is 0 */
	CBPF_VM_EXIT_DIV0,   /* division or modulo by zero: ret is 0 */
	CBPF_VM_EXIT_NO_DEV, /* ld #ifidx or #hatype without a device: ret is A */
	CBPF_VM_EXIT_BUDGET, /* a backward jump past cbpf_vm_loop_budget: ret is 0 */
};

/*
 * The machine between two instructions: plain data, so a debugger can copy it to go back and
 * restore it to continue; a restored state continues exactly as the original did.
 * Zero-initialise it (or call cbpf_vm_state_init) to start a run.
 */
struct cbpf_vm_state {
	uint32_t A, X;
	uint32_t M[CBPF_MEMWORDS];
	uint32_t M_written;	/* bit i set once M[i] has been stored to */
	uint32_t pc;		/* the next instruction */
	uint64_t steps;		/* instructions executed so far */
	uint32_t back_jumps;	/* backward jumps taken so far (to loop when loops count apart) */
	uint32_t loop;		/* 1 + the instruction the last backward jump went to; 0: none */
	enum cbpf_vm_exit exit; /* CBPF_VM_RUNNING until the program ends */
	uint32_t ret;		/* the result, once exit is not CBPF_VM_RUNNING */
};

CBPF_API void cbpf_vm_state_init(struct cbpf_vm_state *st);

/* What an instruction read. */
enum cbpf_vm_read {
	CBPF_VM_READ_NONE,
	CBPF_VM_READ_PACKET, /* packet bytes, or a seccomp_data word: req, off, size */
	CBPF_VM_READ_ANC,    /* an ancillary field: anc */
	CBPF_VM_READ_LEN,    /* ld #len / ldx #len */
	CBPF_VM_READ_MEM,    /* M[k] */
};

/* What one step did: enough to record a run, show the bytes read and explain each branch. */
struct cbpf_vm_step {
	uint32_t pc;		/* the instruction executed */
	uint32_t next_pc;	/* the next one; equal to pc once the program has ended */
	enum cbpf_vm_exit exit; /* CBPF_VM_RUNNING, or how the program ended here */
	uint32_t ret;		/* the program's result when it ended here */

	enum cbpf_vm_read read;
	int64_t req;	/* READ_PACKET: the offset asked for, k or (int32_t)(X + k) the way
			 * the kernel computes it; negative for SKF_NET_OFF/SKF_LL_OFF */
	int64_t off;	/* READ_PACKET: where the read starts in the data after the
			 * SKF_NET_OFF/SKF_LL_OFF translation, -1 if the offset maps
			 * nowhere;
			 * the read is out of bounds when exit is CBPF_VM_EXIT_OOB */
	uint32_t size;	/* READ_PACKET: 1, 2 or 4 bytes */
	uint32_t anc;	/* READ_ANC: the CBPF_AD_* number */
	uint32_t value; /* a load's result (the new A or X; for ldxb 4*([k]&0xf), the
			 * byte) */

	bool cond;	   /* a conditional jump ran */
	bool taken;	   /* its condition held: jt was followed */
	uint32_t lhs, rhs; /* the values it compared: A, and k or X */
};

/*
 * Executes the instruction at st->pc on in and updates st. rec, when not NULL, receives what
 * happened (it is fully rewritten). in must be the same input all along a run, and st must come
 * from this vm. Stepping to the end gives the same result as cbpf_vm_run. Returns 0 when an
 * instruction ran, -EINVAL when st has ended already or its pc is outside the program.
 */
CBPF_API int cbpf_vm_step(const struct cbpf_vm *vm, struct cbpf_vm_state *st,
			  const struct cbpf_input *in, struct cbpf_vm_step *rec);

#endif
