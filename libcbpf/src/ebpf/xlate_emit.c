// SPDX-License-Identifier: MIT
/* The translator's emission: each classic instruction as eBPF for its target, prologue, epilogue.
 */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "classic/insn_int.h"
#include "ebpf/xlate_int.h"

static void emit_be(struct xl *x, unsigned reg, uint32_t size)
{
	if (size > 1)
		xl_emit(x, E_BE(reg, (int32_t)(8 * size)));
}

static uint8_t ebpf_size(uint32_t size)
{
	return size == 1 ? CBPF_B : size == 2 ? CBPF_H : CBPF_W;
}

/*
 * reg = the length of the packet. XDP asks a helper rather than subtracting data from data_end:
 * the verifier lets only loaders with CAP_PERFMON subtract pointers ("pointer -= pointer
 * prohibited"); the helper's length is the same for the linear frames XDP gives programs loaded
 * without BPF_F_XDP_HAS_FRAGS. Its call keeps r6-r9 and clobbers A (r0): ldx keeps A on the stack.
 */
static void emit_len(struct xl *x, uint32_t i, unsigned reg)
{
	bool save_a = reg != RA && (x->live[i] & LIVE_A);

	switch (x->target) {
	case CBPF_TARGET_XDP:
		if (save_a)
			xl_emit(x, E_STX(CBPF_W, FP, RA, -STACK_SCRATCH));
		xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, x->ctx));
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_XDP_GET_BUFF_LEN));
		if (reg != RA)
			xl_emit(x, E_MOV32_REG(reg, RA));
		if (save_a)
			xl_emit(x, E_LDX(CBPF_W, RA, FP, -STACK_SCRATCH));
		break;
	case CBPF_TARGET_SECCOMP:
		xl_emit(x,
			E_MOV32_IMM(reg, 64)); /* kernel/seccomp.c: sizeof(struct seccomp_data) */
		break;
	case CBPF_TARGET_FUNC:
		/* data_end - data: pointer subtraction, allowed with CAP_PERFMON. */
		xl_emit(x, E_MOV64_REG(reg, REND));
		xl_emit(x, E_ALU64_REG(CBPF_SUB, reg, RDATA));
		xl_emit(x, E_MOV32_REG(reg, reg));
		break;
	default:
		xl_emit(x, E_LDX(CBPF_W, reg, x->ctx, offsetof(struct __sk_buff, len)));
		break;
	}
}

/* xdp: the check that the frame holds the run's bytes, unless every path checked enough. */
static void emit_xdp_check(struct xl *x, uint32_t i)
{
	if (!(x->flags[i] & F_FIRST) || !x->check[i])
		return;
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, RDATA));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, (int32_t)x->check[i]));
	xl_emit_jump(x, E_JMP_REG(CBPF_JGT, CBPF_EBPF_R1, REND, 0), xl_zero_label(x));
}

/* xdp: dst = the size bytes at frame offset off, checked already. */
static void emit_xdp_load(struct xl *x, unsigned dst, uint32_t off, uint32_t size)
{
	if (off <= INT16_MAX) {
		xl_emit(x, E_LDX(ebpf_size(size), dst, RDATA, (int16_t)off));
	} else {
		xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, RDATA));
		xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, (int32_t)off));
		xl_emit(x, E_LDX(ebpf_size(size), dst, CBPF_EBPF_R1, 0));
	}
	emit_be(x, dst, size);
}

/*
 * func --probe: dst = the size bytes at data + r3 (r3 set by the caller), read with
 * bpf_probe_read_kernel() after checking that they end by data_end; 0 when they do not or the
 * read fails. The call clobbers A (r0): save_a keeps it in r6.
 */
static void emit_probe_read(struct xl *x, unsigned dst, uint32_t size, bool save_a)
{
	xl_emit(x, E_ALU64_REG(CBPF_ADD, CBPF_EBPF_R3, RDATA));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, CBPF_EBPF_R3));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, (int32_t)size));
	xl_emit_jump(x, E_JMP_REG(CBPF_JGT, CBPF_EBPF_R1, REND, 0), xl_zero_label(x));
	if (save_a)
		xl_emit(x, E_MOV32_REG(RSAVE_FUNC, RA));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, FP));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R1, -STACK_SCRATCH));
	xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R2, (int32_t)size));
	xl_emit(x, E_CALL(CBPF_EBPF_FUNC_PROBE_READ_KERNEL));
	xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), xl_zero_label(x));
	if (save_a)
		xl_emit(x, E_MOV32_REG(RA, RSAVE_FUNC));
	xl_emit(x, E_LDX(ebpf_size(size), dst, FP, -STACK_SCRATCH));
	emit_be(x, dst, size);
}

/* r1 = ctx, r3 = fp + stack, r4 = len: the arguments of the load helpers but the offset. */
static void emit_helper_args(struct xl *x, int16_t stack, uint32_t len)
{
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, x->ctx));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R3, FP));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R3, stack));
	xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R4, (int32_t)len));
}

static int16_t buf_off(const struct xl *x, uint32_t p)
{
	return (int16_t)(-x->bufbase + (int)p);
}

/*
 * tc: the verifier wants stack accesses aligned to their size, and packet fields are aligned to
 * the network header, not to the frame: after a 14-byte Ethernet header the IPv4 addresses are 2
 * bytes off. Where packet byte 0 goes (fp - 328 to fp - 331) is chosen so that most loads are
 * aligned; the rest are put together from smaller ones.
 */
void xl_choose_bufbase(struct xl *x)
{
	unsigned cost[4] = { 0 }, best = 2;

	for (uint32_t i = 0; i < x->n; i++) {
		const struct cbpf_insn *in = &x->ci[i];
		uint32_t size = xl_is_msh(in->code) ? 1 : xl_load_size(in->code);

		if (!(x->flags[i] & F_REACHED) || !xl_is_packet_abs(in) ||
		    !xl_tc_buffered(in->k, size))
			continue;
		for (unsigned r = 0; r < 4; r++)
			if ((in->k - r) % size)
				cost[r] += size == 4 ? 5 + (in->k - r) % 2 : 3;
	}
	for (unsigned r = 0; r < 4; r++)
		if (cost[r] < cost[best])
			best = r;
	x->bufbase = STACK_BUF + (int)best;
}

/*
 * tc: dst = the size bytes at packet offset k, big-endian, read through r9 (the packet or its
 * stack copy, emit_tc_check) in pieces aligned as they would be on the stack, where the verifier
 * wants them aligned (r1 is scratch). The packet does not mind.
 */
static void emit_buf_load(struct xl *x, unsigned dst, uint32_t k, uint32_t size)
{
	unsigned tmp = CBPF_EBPF_R1;
	int at = buf_off(x, k); /* where it lies on the stack */
	int16_t off = (int16_t)k;

	if (size == 1 || at % (int)size == 0) {
		xl_emit(x, E_LDX(ebpf_size(size), dst, RBASE, off));
		emit_be(x, dst, size);
	} else if (size == 4 && at % 2 == 0) {
		xl_emit(x, E_LDX(CBPF_H, dst, RBASE, off));
		emit_be(x, dst, 2);
		xl_emit(x, E_ALU32_IMM(CBPF_LSH, dst, 16));
		xl_emit(x, E_LDX(CBPF_H, tmp, RBASE, (int16_t)(off + 2)));
		emit_be(x, tmp, 2);
		xl_emit(x, E_ALU32_REG(CBPF_OR, dst, tmp));
	} else {
		xl_emit(x, E_LDX(CBPF_B, dst, RBASE, off));
		for (uint32_t b = 1; b < size; b++) {
			xl_emit(x, E_ALU32_IMM(CBPF_LSH, dst, 8));
			xl_emit(x, E_LDX(CBPF_B, tmp, RBASE, (int16_t)(off + (int)b)));
			xl_emit(x, E_ALU32_REG(CBPF_OR, dst, tmp));
		}
	}
}

/*
 * tc, at the first load of a run that needs more bytes than every path into it made readable:
 * r9 = the packet when its linear part (skb->data to data_end, from the MAC header in tc) holds
 * bytes [0, to), the verifier then knowing that range; otherwise bytes [0, to) are copied to the
 * stack with bpf_skb_load_bytes(), which reads paged data too and fails only when the packet is
 * shorter, exactly when a load of the run (or, for a guard, the program) would end with 0, and
 * r9 = that copy. Both ways hold the same bytes; a path may come here in either, so the copy is
 * always from 0. The verifier follows each way with r9 of its own type.
 */
static void emit_tc_check(struct xl *x, uint32_t i, bool save_a)
{
	uint32_t to = x->check[i], fast;

	if (!(x->flags[i] & F_FIRST) || !to)
		return;
	fast = xl_label_new(x);
	xl_emit(x, E_LDX(CBPF_W, CBPF_EBPF_R3, x->ctx, offsetof(struct __sk_buff, data)));
	xl_emit(x, E_LDX(CBPF_W, CBPF_EBPF_R2, x->ctx, offsetof(struct __sk_buff, data_end)));
	xl_emit(x, E_MOV64_REG(RBASE, CBPF_EBPF_R3));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R3, (int32_t)to));
	xl_emit_jump(x, E_JMP_REG(CBPF_EBPF_JLE, CBPF_EBPF_R3, CBPF_EBPF_R2, 0), fast);
	if (save_a)
		xl_emit(x, E_MOV32_REG(RSAVE, RA));
	xl_emit(x, E_MOV64_REG(RBASE, FP)); /* kept across the call: r6-r9 are */
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, RBASE, buf_off(x, 0)));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, x->ctx));
	xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R2, 0));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R3, RBASE));
	xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R4, (int32_t)to));
	xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
	xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), xl_zero_label(x));
	if (save_a)
		xl_emit(x, E_MOV32_REG(RA, RSAVE));
	xl_label_place(x, fast);
}

/*
 * tc: dst = the size bytes at absolute offset k outside the buffer, through the scratch slot:
 * bpf_skb_load_bytes() for k >= 0, bpf_skb_load_bytes_relative() from the network or link-layer
 * header for SKF_NET_OFF and SKF_LL_OFF (net/core/filter.c:
 * bpf_internal_load_pointer_neg_helper reads the same bytes; the helper refuses offsets past
 * 0xffff from the header).
 */
static void emit_tc_single(struct xl *x, uint32_t k, uint32_t size, unsigned dst, bool save_a)
{
	int32_t sk = (int32_t)k;

	if (save_a)
		xl_emit(x, E_MOV32_REG(RSAVE, RA));
	if (sk >= 0)
		xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk));
	else if (sk >= CBPF_NET_OFF)
		xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk - CBPF_NET_OFF));
	else
		xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R2, sk - CBPF_LL_OFF));
	emit_helper_args(x, -STACK_SCRATCH, size);
	if (sk >= 0) {
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
	} else {
		xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R5, sk >= CBPF_NET_OFF ? CBPF_EBPF_HDR_START_NET
									: CBPF_EBPF_HDR_START_MAC));
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE));
	}
	xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), xl_zero_label(x));
	if (save_a)
		xl_emit(x, E_MOV32_REG(RA, RSAVE));
	xl_emit(x, E_LDX(ebpf_size(size), dst, FP, -STACK_SCRATCH));
	emit_be(x, dst, size);
}

/* ld/ldh/ldb [k] and ldxb 4*([k]&0xf) reading into dst (r0 or r7). */
static void emit_abs(struct xl *x, uint32_t i, unsigned dst, uint32_t size, bool save_a)
{
	uint32_t k = x->ci[i].k, off = 0;

	switch (x->target) {
	case CBPF_TARGET_SOCKET:
		xl_emit(x, E_LD_ABS(ebpf_size(size), (int32_t)k));
		break;
	case CBPF_TARGET_SECCOMP:
		xl_emit(x, E_LDX(CBPF_W, dst, x->ctx, (int16_t)k));
		break;
	case CBPF_TARGET_XDP:
	case CBPF_TARGET_FUNC:
		xl_xdp_rel(k, size, &off);
		if (x->probe) {
			xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R3, (int32_t)off));
			emit_probe_read(x, dst, size, save_a);
			break;
		}
		emit_xdp_check(x, i);
		emit_xdp_load(x, dst, off, size);
		break;
	case CBPF_TARGET_TC:
		if (xl_tc_buffered(k, size)) {
			emit_tc_check(x, i, save_a);
			emit_buf_load(x, dst, k, size);
		} else {
			emit_tc_single(x, k, size, dst, save_a);
		}
		break;
	}
}

/*
 * reg = X + k in 32 bits. As k + X rather than X + k: the verifier links a register copied from
 * another and then offset by a constant to the original, and then refuses to add it to a packet
 * pointer ("pkt pointer offset ... is not allowed").
 */
static void emit_offset(struct xl *x, unsigned reg, uint32_t k)
{
	if (!k) {
		xl_emit(x, E_MOV32_REG(reg, RX));
		return;
	}
	xl_emit(x, E_MOV32_IMM(reg, (int32_t)k));
	xl_emit(x, E_ALU32_REG(CBPF_ADD, reg, RX));
}

static bool x_nonneg(const struct xl *x, uint32_t i)
{
	return (uint64_t)x->in[i].x.hi + x->ci[i].k <= INT32_MAX;
}

/*
 * xdp and func: r2 = where [x + k] reads from the start of the frame, as xl_xdp_rel() places
 * SKF_NET_OFF and SKF_LL_OFF; below SKF_LL_OFF the program returns 0.
 */
static void emit_frame_offset(struct xl *x, uint32_t i)
{
	uint32_t lpos, lnet;

	emit_offset(x, CBPF_EBPF_R2, x->ci[i].k);
	if (x_nonneg(x, i))
		return;
	lpos = xl_label_new(x);
	lnet = xl_label_new(x);
	xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lpos);
	xl_emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, -CBPF_NET_OFF));
	xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lnet);
	xl_emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, CBPF_NET_OFF - CBPF_LL_OFF));
	xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0), xl_zero_label(x));
	xl_emit_jump(x, E_JA(0), lpos);
	xl_label_place(x, lnet);
	xl_emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, ETH_HLEN_XDP));
	xl_label_place(x, lpos);
}

/*
 * func: A = the size bytes at frame offset r2. The offset is bounded first (the verifier wants
 * a packet pointer's variable offset below MAX_PACKET_OFF), then data + r2 + size is checked
 * against data_end, which gives the pointer its range.
 */
static void emit_func_ind(struct xl *x, uint32_t size)
{
	xl_emit_jump(x, E_JMP_IMM(CBPF_JGT, CBPF_EBPF_R2, (int32_t)(MAX_PKT_OFF - size), 0),
		     xl_zero_label(x));
	if (x->probe) {
		xl_emit(x, E_MOV64_REG(CBPF_EBPF_R3, CBPF_EBPF_R2));
		emit_probe_read(x, RA, size, false);
		return;
	}
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R1, RDATA));
	xl_emit(x, E_ALU64_REG(CBPF_ADD, CBPF_EBPF_R1, CBPF_EBPF_R2));
	xl_emit(x, E_MOV64_REG(CBPF_EBPF_R3, CBPF_EBPF_R1));
	xl_emit(x, E_ALU64_IMM(CBPF_ADD, CBPF_EBPF_R3, (int32_t)size));
	xl_emit_jump(x, E_JMP_REG(CBPF_JGT, CBPF_EBPF_R3, REND, 0), xl_zero_label(x));
	xl_emit(x, E_LDX(ebpf_size(size), RA, CBPF_EBPF_R1, 0));
	emit_be(x, RA, size);
}

/*
 * ld/ldh/ldb [x + k]. The offset is (int32_t)(X + k), computed in 32 bits like the kernel's
 * int offset argument: it may wrap, or land in SKF_NET_OFF or SKF_LL_OFF. When the known range of
 * X rules that out, only the non-negative case is emitted.
 */
static void emit_ind(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint32_t size = xl_load_size(in->code);
	bool fast = x_nonneg(x, i);
	uint32_t lneg, lrel, lchk;

	switch (x->target) {
	case CBPF_TARGET_SOCKET:
		xl_emit(x, E_LD_IND(ebpf_size(size), RX, (int32_t)in->k));
		return;
	case CBPF_TARGET_XDP:
		/* Through bpf_xdp_load_bytes(): a packet pointer plus a variable offset is refused
		 * to loaders without CAP_PERFMON ("pointer arithmetic with it prohibited for
		 * !root"), a helper call is not. It fails past the frame and past 0xffff. */
		emit_frame_offset(x, i);
		emit_helper_args(x, -STACK_SCRATCH, size);
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_XDP_LOAD_BYTES));
		xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), xl_zero_label(x));
		xl_emit(x, E_LDX(ebpf_size(size), RA, FP, -STACK_SCRATCH));
		emit_be(x, RA, size);
		return;
	case CBPF_TARGET_TC:
		emit_offset(x, CBPF_EBPF_R2, in->k);
		emit_helper_args(x, -STACK_SCRATCH, size);
		if (fast) {
			xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
		} else {
			lneg = xl_label_new(x);
			lrel = xl_label_new(x);
			lchk = xl_label_new(x);
			xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0), lneg);
			xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES));
			xl_emit_jump(x, E_JA(0), lchk);
			xl_label_place(x, lneg);
			xl_emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, -CBPF_NET_OFF));
			xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R5, CBPF_EBPF_HDR_START_NET));
			xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSGE, CBPF_EBPF_R2, 0, 0), lrel);
			xl_emit(x, E_ALU32_IMM(CBPF_ADD, CBPF_EBPF_R2, CBPF_NET_OFF - CBPF_LL_OFF));
			xl_emit(x, E_MOV64_IMM(CBPF_EBPF_R5, CBPF_EBPF_HDR_START_MAC));
			xl_emit_jump(x, E_JMP32_IMM(CBPF_EBPF_JSLT, CBPF_EBPF_R2, 0, 0),
				     xl_zero_label(x));
			xl_label_place(x, lrel);
			xl_emit(x, E_CALL(CBPF_EBPF_FUNC_SKB_LOAD_BYTES_RELATIVE));
			xl_label_place(x, lchk);
		}
		xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R0, 0, 0), xl_zero_label(x));
		xl_emit(x, E_LDX(ebpf_size(size), RA, FP, -STACK_SCRATCH));
		emit_be(x, RA, size);
		return;
	case CBPF_TARGET_FUNC:
		emit_frame_offset(x, i);
		emit_func_ind(x, size);
		return;
	case CBPF_TARGET_SECCOMP:
		return; /* doomed: never emitted */
	}
}

/* ldxb 4*([k]&0xf): X from the low nibble of a byte, A kept. */
static void emit_msh(struct xl *x, uint32_t i)
{
	bool a_live = x->live[i] & LIVE_A;

	if (x->target == CBPF_TARGET_SOCKET) {
		/* LD_ABS loads into r0, which is A: keep A in r8 while it is needed later. */
		if (a_live)
			xl_emit(x, E_MOV32_REG(RSAVE, RA));
		xl_emit(x, E_LD_ABS(CBPF_B, (int32_t)x->ci[i].k));
		xl_emit(x, E_ALU32_IMM(CBPF_AND, RA, 0xf));
		xl_emit(x, E_ALU32_IMM(CBPF_LSH, RA, 2));
		xl_emit(x, E_MOV32_REG(RX, RA));
		if (a_live)
			xl_emit(x, E_MOV32_REG(RA, RSAVE));
		return;
	}
	emit_abs(x, i, RX, 1, a_live);
	xl_emit(x, E_ALU32_IMM(CBPF_AND, RX, 0xf));
	xl_emit(x, E_ALU32_IMM(CBPF_LSH, RX, 2));
}

static void emit_ctx_field(struct xl *x, unsigned dst, int16_t off, bool swap16)
{
	xl_emit(x, E_LDX(CBPF_W, dst, x->ctx, off));
	if (swap16)
		emit_be(x, dst, 2); /* __be16 in a u32: A gets ntohs() like the kernel's */
}

/*
 * ld #anc: the sk_buff fields through struct __sk_buff (net/core/filter.c:
 * bpf_convert_ctx_access maps them to the same fields convert_bpf_extensions reads), #cpu and
 * #rand through helpers; in XDP, struct xdp_md has the device and queue.
 */
static void emit_anc(struct xl *x, uint32_t i)
{
	uint32_t k = x->ci[i].k;
	const char *why = NULL;
	bool xdp = x->target == CBPF_TARGET_XDP;

	if (x->target == CBPF_TARGET_FUNC) {
		switch (k - (uint32_t)CBPF_AD_OFF) {
		case CBPF_AD_CPU:
		case CBPF_AD_RANDOM:
		case CBPF_AD_ALU_XOR_X:
			break;
		default:
			xl_report(x, i, -ENOTSUP,
				  "'%s #%s' cannot be translated for func: a function gets the "
				  "packet's bytes only, not the fields of an sk_buff or xdp_md",
				  cbpf_opcode_lookup(x->ci[i].code)->name, insn_anc(k)->bpf_asm);
			return;
		}
	}
	switch (k - (uint32_t)CBPF_AD_OFF) {
	case CBPF_AD_PROTOCOL:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, protocol), true);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->protocol";
		break;
	case CBPF_AD_PKTTYPE:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, pkt_type), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->pkt_type";
		break;
	case CBPF_AD_IFINDEX:
		if (xdp) {
			emit_ctx_field(x, RA, offsetof(struct xdp_md, ingress_ifindex), false);
			return;
		}
		if (x->target == CBPF_TARGET_TC) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, ifindex), false);
			return;
		}
		/* A socket filter may see no device (unix, netlink): the kernel returns A then, and
		 * __sk_buff.ifindex reads 0, which no device has. */
		emit_ctx_field(x, CBPF_EBPF_R2, offsetof(struct __sk_buff, ifindex), false);
		xl_emit(x, E_JMP_IMM(CBPF_EBPF_JNE, CBPF_EBPF_R2, 0, 1));
		xl_emit(x, E_EXIT());
		xl_emit(x, E_MOV32_REG(RA, CBPF_EBPF_R2));
		return;
	case CBPF_AD_MARK:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, mark), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->mark";
		break;
	case CBPF_AD_QUEUE: {
		emit_ctx_field(x, RA,
			       xdp ? offsetof(struct xdp_md, rx_queue_index)
				   : offsetof(struct __sk_buff, queue_mapping),
			       false);
		return;
	}
	case CBPF_AD_RXHASH:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, hash), false);
			return;
		}
		why = "XDP runs before there is an sk_buff, so there is no skb->hash";
		break;
	case CBPF_AD_VLAN_TAG:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_tci), false);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_VLAN_TAG_PRESENT:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_present), false);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_VLAN_TPID:
		if (!xdp) {
			emit_ctx_field(x, RA, offsetof(struct __sk_buff, vlan_proto), true);
			return;
		}
		why = "an XDP program cannot see a VLAN tag the device took out of the frame";
		break;
	case CBPF_AD_CPU:
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_GET_SMP_PROCESSOR_ID));
		return;
	case CBPF_AD_RANDOM:
		xl_emit(x, E_CALL(CBPF_EBPF_FUNC_GET_PRANDOM_U32));
		return;
	case CBPF_AD_ALU_XOR_X:
		xl_emit(x, E_ALU32_REG(CBPF_XOR, RA, RX));
		return;
	case CBPF_AD_HATYPE:
		why = "no field of the context and no helper gives the device type "
		      "(skb->dev->type)";
		break;
	case CBPF_AD_PAY_OFFSET:
		why = "the flow dissector's payload offset (skb_get_poff) is a helper the kernel "
		      "keeps "
		      "to classic filters";
		break;
	case CBPF_AD_NLATTR:
	case CBPF_AD_NLATTR_NEST:
		why = "the netlink attribute search (nla_find) is a helper the kernel keeps to "
		      "classic "
		      "filters";
		break;
	}
	/* Spelled as bpf_asm writes it: "ldh #proto". */
	xl_report(x, i, -ENOTSUP, "'%s #%s' cannot be translated for %s: %s",
		  cbpf_opcode_lookup(x->ci[i].code)->name, insn_anc(k)->bpf_asm,
		  cbpf_target_name(x->target), why);
}

static void emit_alu(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint8_t op = CBPF_OP(in->code);

	if (op == CBPF_NEG) {
		xl_emit(x, E_ALU32_IMM(CBPF_NEG, RA, 0));
	} else if (CBPF_SRC(in->code) == CBPF_X) {
		/* A division by a zero X ends the classic program with 0. */
		if (op == CBPF_DIV || op == CBPF_MOD)
			xl_emit_jump(x, E_JMP_IMM(CBPF_JEQ, RX, 0, 0), xl_zero_label(x));
		xl_emit(x, E_ALU32_REG(op, RA, RX));
	} else {
		/* Shifts by 32 or more: the validator refuses them, the interpreter uses k & 31. */
		uint32_t k = op == CBPF_LSH || op == CBPF_RSH ? in->k & 31 : in->k;

		xl_emit(x, E_ALU32_IMM(op, RA, (int32_t)k));
	}
}

/* The compare instruction of a conditional jump with operation op. */
static struct cbpf_ebpf_insn cond(const struct cbpf_insn *in, uint8_t op)
{
	if (CBPF_SRC(in->code) == CBPF_X)
		return E_JMP_REG(op, RA, RX, 0);
	/* The immediate is sign-extended to 64 bits; A is not. JSET does not mind (A's upper half
	 * is zero), the others compare 32 bits when k has its top bit set. */
	if (op == CBPF_JSET || in->k <= INT32_MAX)
		return E_JMP_IMM(op, RA, (int32_t)in->k, 0);
	return E_JMP32_IMM(op, RA, (int32_t)in->k, 0);
}

static void emit_jmp(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint8_t op = CBPF_OP(in->code), inv;
	uint32_t t, f;

	if (op == CBPF_JA && xl_back_target(x, i) >= 0) {
		/*
		 * A bounded loop (Linux 5.3): the verifier follows it pass by pass, and the count
		 * of backward jumps left, a constant it tracks in its stack slot, ends it. When
		 * it is spent the program returns 0, as the interpreter does.
		 */
		int16_t slot = xl_loop_slot(x, i);

		xl_emit(x, E_LDX(CBPF_EBPF_DW, CBPF_EBPF_R2, FP, slot));
		xl_emit_jump(x, E_JMP_IMM(CBPF_JEQ, CBPF_EBPF_R2, 0, 0), xl_zero_label(x));
		xl_emit(x, E_ALU64_IMM(CBPF_SUB, CBPF_EBPF_R2, 1));
		xl_emit(x, E_STX(CBPF_EBPF_DW, FP, CBPF_EBPF_R2, slot));
		/*
		 * Two byte swaps leave A and X as they are, and the verifier without their ranges
		 * (it tracks none through BPF_END): passes that differ only in them are then one
		 * state to it, and its work grows with the budget, not with its square (an XDP
		 * "ip6 protochain 6" of 64 passes: 300,849 instructions processed, 49,230 so).
		 */
		for (unsigned r = 0; r < 2; r++) {
			if (x->live[i] & (r ? LIVE_A : LIVE_X)) {
				xl_emit(x, E_BE(r ? RA : RX, 32));
				xl_emit(x, E_BE(r ? RA : RX, 32));
			}
		}
		xl_emit_jump(x, E_JA(0), xl_resolve(x, (uint32_t)xl_back_target(x, i)));
		return;
	}
	if (op == CBPF_JA) {
		if (in->k)
			xl_emit_jump(x, E_JA(0), xl_resolve(x, i + 1 + in->k));
		return;
	}
	t = i + 1 + in->jt;
	f = i + 1 + in->jf;
	if (t == f) {
		if (in->jt)
			xl_emit_jump(x, E_JA(0), xl_resolve(x, t));
		return;
	}
	inv = op == CBPF_JEQ   ? CBPF_EBPF_JNE
	      : op == CBPF_JGT ? CBPF_EBPF_JLE
	      : op == CBPF_JGE ? CBPF_EBPF_JLT
			       : 0;
	if (in->jf == 0) {
		xl_emit_jump(x, cond(in, op), xl_resolve(x, t));
	} else if (in->jt == 0 && inv) {
		xl_emit_jump(x, cond(in, inv), xl_resolve(x, f));
	} else {
		xl_emit_jump(x, cond(in, op), xl_resolve(x, t));
		xl_emit_jump(x, E_JA(0), xl_resolve(x, f));
	}
}

static void emit_ret(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];

	if (x->actions) {
		if (CBPF_RVAL(in->code) == CBPF_K) {
			xl_emit_jump(x, E_JA(0),
				     xl_fixed_label(x, in->k ? LBL_MATCH : LBL_NOMATCH));
		} else {
			xl_emit_jump(x, E_JMP_IMM(CBPF_EBPF_JNE, RA, 0, 0),
				     xl_fixed_label(x, LBL_MATCH));
			xl_emit_jump(x, E_JA(0), xl_fixed_label(x, LBL_NOMATCH));
		}
		return;
	}
	if (in->code == (CBPF_RET | CBPF_K) && !in->k && x->ret0_at < 0)
		x->ret0_at = (long)x->len; /* the epilogue's "return 0" can be this one */
	if (CBPF_RVAL(in->code) == CBPF_K)
		xl_emit(x, E_MOV32_IMM(RA, (int32_t)in->k));
	xl_emit(x, E_EXIT());
}

void xl_emit_insn(struct xl *x, uint32_t i)
{
	const struct cbpf_insn *in = &x->ci[i];
	uint16_t code = in->code;

	switch (CBPF_CLASS(code)) {
	case CBPF_LD:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			xl_emit(x, E_MOV32_IMM(RA, (int32_t)in->k));
			break;
		case CBPF_MEM:
			xl_emit(x, E_LDX(CBPF_W, RA, FP, mem_off(in->k)));
			break;
		case CBPF_LEN:
			emit_len(x, i, RA);
			break;
		case CBPF_ABS:
			if (xl_is_anc(in->k))
				emit_anc(x, i);
			else
				emit_abs(x, i, RA, xl_load_size(code), false);
			break;
		case CBPF_IND:
			emit_ind(x, i);
			break;
		}
		break;
	case CBPF_LDX:
		switch (CBPF_MODE(code)) {
		case CBPF_IMM:
			xl_emit(x, E_MOV32_IMM(RX, (int32_t)in->k));
			break;
		case CBPF_MEM:
			xl_emit(x, E_LDX(CBPF_W, RX, FP, mem_off(in->k)));
			break;
		case CBPF_LEN:
			emit_len(x, i, RX);
			break;
		case CBPF_MSH:
			emit_msh(x, i);
			break;
		}
		break;
	case CBPF_ST:
		xl_emit(x, E_STX(CBPF_W, FP, RA, mem_off(in->k)));
		break;
	case CBPF_STX:
		xl_emit(x, E_STX(CBPF_W, FP, RX, mem_off(in->k)));
		break;
	case CBPF_ALU:
		emit_alu(x, i);
		break;
	case CBPF_JMP:
		emit_jmp(x, i);
		break;
	case CBPF_RET:
		emit_ret(x, i);
		break;
	case CBPF_MISC:
		if (CBPF_MISCOP(code) == CBPF_TAX)
			xl_emit(x, E_MOV32_REG(RX, RA));
		else
			xl_emit(x, E_MOV32_REG(RA, RX));
		break;
	}
}

void xl_prologue(struct xl *x)
{
	if (x->ctx == CBPF_EBPF_R6)
		xl_emit(x, E_MOV64_REG(CBPF_EBPF_R6, CBPF_EBPF_R1));
	if (x->packet && x->target == CBPF_TARGET_FUNC) {
		xl_emit(x,
			E_MOV64_REG(RDATA, CBPF_EBPF_R1)); /* int f(void *data, void *data_end) */
		xl_emit(x, E_MOV64_REG(REND, CBPF_EBPF_R2));
	} else if (x->packet) {
		xl_emit(x, E_LDX(CBPF_W, RDATA, CBPF_EBPF_R1, offsetof(struct xdp_md, data)));
		xl_emit(x, E_LDX(CBPF_W, REND, CBPF_EBPF_R1, offsetof(struct xdp_md, data_end)));
	}
	/* Classic A and X start at 0; emitted only when something reads them before a write. */
	if (x->live0 & LIVE_A)
		xl_emit(x, E_MOV32_IMM(RA, 0));
	if (x->live0 & LIVE_X)
		xl_emit(x, E_MOV32_IMM(RX, 0));
	/* The validator refuses reads of unwritten M[k]; the interpreter reads them as 0. */
	for (uint32_t k = 0; k < CBPF_MEMWORDS; k++)
		if (x->mem_zero & (1u << k))
			xl_emit(x, E_ST(CBPF_W, FP, mem_off(k), 0));
	/* Each loop's count of backward jumps left: a constant, which the verifier tracks. */
	for (uint32_t j = 0; j < x->loops; j++)
		xl_emit(x, E_ST(CBPF_EBPF_DW, FP, (int16_t) - (STACK_LOOP + 8 * (int)j),
				(int32_t)x->budget));
}

/* The shared exits; the one a final goto would reach comes first, so that the goto can go. */
void xl_epilogue(struct xl *x)
{
	bool used[NLBL_FIXED];
	int order[NLBL_FIXED + 1], n = 0;

	x->pc = -1;
	for (int l = 0; l < NLBL_FIXED; l++)
		used[l] = xl_label_used(x, xl_fixed_label(x, l));
	/* Failed loads return 0 through a ret #0 of the program's own where there is one. */
	if (used[LBL_ZERO] && x->ret0_at >= 0) {
		x->lbl[xl_fixed_label(x, LBL_ZERO)] = (size_t)x->ret0_at;
		used[LBL_ZERO] = false;
	}
	if (x->nfix && x->len && x->fix[x->nfix - 1].at == x->len - 1 &&
	    x->out[x->len - 1].code == (CBPF_JMP | CBPF_JA) && x->fix[x->nfix - 1].label >= x->n &&
	    used[x->fix[x->nfix - 1].label - x->n]) {
		order[n++] = (int)(x->fix[x->nfix - 1].label - x->n);
		x->len--;
		x->nfix--;
	}
	for (int l = 0; l < NLBL_FIXED; l++)
		if (used[l] && (!n || l != order[0]))
			order[n++] = l;
	for (int j = 0; j < n; j++) {
		int l = order[j];

		xl_label_place(x, xl_fixed_label(x, l));
		xl_emit(x, E_MOV32_IMM(RA, l == LBL_MATCH     ? x->match
					   : l == LBL_NOMATCH ? x->nomatch
							      : 0));
		xl_emit(x, E_EXIT());
	}
}
