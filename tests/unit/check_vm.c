// SPDX-License-Identifier: MIT
/* The interpreter: every opcode, bounds, shifts, wraparound, negative offsets, ancillary and
 * seccomp loads, and the step API (facts checked against the kernel by tests/tools/vm-kernel). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define I(code, k) ((struct cbpf_insn){ (code), 0, 0, (k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (k) })
#define PROG(...) ((const struct cbpf_insn[]){ __VA_ARGS__ })
#define LEN(...) (sizeof((const struct cbpf_insn[]){ __VA_ARGS__ }) / sizeof(struct cbpf_insn))

#define RET_A I(CBPF_RET | CBPF_A, 0)
#define LD_IMM(k) I(CBPF_LD | CBPF_IMM, (k))
#define LDX_IMM(k) I(CBPF_LDX | CBPF_IMM, (k))
#define ABS(sz, k) I(CBPF_LD | (sz) | CBPF_ABS, (uint32_t)(k))
#define IND(sz, k) I(CBPF_LD | (sz) | CBPF_IND, (uint32_t)(k))
#define ANC(sz, n) ABS(sz, CBPF_AD_OFF + (n))

struct outcome {
	uint32_t ret;
	enum cbpf_vm_exit exit;
	uint64_t steps;
};

static struct cbpf_vm *vm_of(const struct cbpf_insn *v, size_t n, enum cbpf_vm_mode mode)
{
	struct cbpf_prog *p = cbpf_prog_new(v, n);
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm = NULL;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(cbpf_vm_new(p, mode, &vm, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	cbpf_prog_free(p); /* the vm keeps its own copy */
	return vm;
}

/* Runs both paths; they must agree. */
static struct outcome exec_in(const struct cbpf_insn *v, size_t n, enum cbpf_vm_mode mode,
			      const struct cbpf_input *in)
{
	struct cbpf_vm *vm = vm_of(v, n, mode);
	struct cbpf_vm_state st;
	struct outcome o;
	uint32_t fast = cbpf_vm_run(vm, in);

	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING)
		ck_assert_int_eq(cbpf_vm_step(vm, &st, in, NULL), 0);
	ck_assert_uint_eq(fast, st.ret);
	ck_assert_int_eq(cbpf_vm_step(vm, &st, in, NULL), -EINVAL);
	o.ret = st.ret;
	o.exit = st.exit;
	o.steps = st.steps;
	cbpf_vm_free(vm);
	return o;
}

static struct outcome exec_pkt(const struct cbpf_insn *v, size_t n, const uint8_t *pkt,
			       uint32_t len, const struct cbpf_meta *meta)
{
	struct cbpf_input in = cbpf_input_packet(pkt, len, len, meta);

	return exec_in(v, n, CBPF_VM_SOCKET, &in);
}

static uint8_t pkt[256];

static void fill_pkt(void)
{
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 1);
}

#define RUN(len, ...) exec_pkt(PROG(__VA_ARGS__), LEN(__VA_ARGS__), pkt, (len), NULL)
#define RUNM(meta, ...) exec_pkt(PROG(__VA_ARGS__), LEN(__VA_ARGS__), pkt, 64, (meta))
#define EXPECT(o, value, how)                                                                    \
	do {                                                                                     \
		struct outcome o_ = (o);                                                         \
		ck_assert_uint_eq(o_.ret, (value));                                              \
		ck_assert_int_eq(o_.exit, (how));                                                \
	} while (0)
#define OK(o, value) EXPECT(o, value, CBPF_VM_EXIT_RET)
#define OOB(o) EXPECT(o, 0, CBPF_VM_EXIT_OOB)

/* ---------------------------------------------------------------- opcodes */

START_TEST(every_opcode)
{
	/* One program per opcode; together they cover the whole opcode table. */
	fill_pkt(); /* pkt[i] = 7i + 1: pkt[2] = 15, pkt[3] = 22 */
	OK(RUN(64, LD_IMM(0x12345678), RET_A), 0x12345678);
	OK(RUN(64, LDX_IMM(9), I(CBPF_MISC | CBPF_TXA, 0), RET_A), 9);
	OK(RUN(64, LD_IMM(5), I(CBPF_ST, 3), LD_IMM(0), I(CBPF_LD | CBPF_MEM, 3), RET_A), 5);
	OK(RUN(64, LDX_IMM(6), I(CBPF_STX, 15), I(CBPF_LDX | CBPF_MEM, 15),
	       I(CBPF_MISC | CBPF_TXA, 0), RET_A),
	   6);
	OK(RUN(64, LD_IMM(7), I(CBPF_MISC | CBPF_TAX, 0), LD_IMM(0), I(CBPF_MISC | CBPF_TXA, 0),
	       RET_A),
	   7);
	OK(RUN(64, ABS(CBPF_W, 0), RET_A), 0x01080f16u);
	OK(RUN(64, ABS(CBPF_H, 2), RET_A), 0x0f16u);
	OK(RUN(64, ABS(CBPF_B, 3), RET_A), 22);
	OK(RUN(64, LDX_IMM(1), IND(CBPF_W, 1), RET_A), 0x0f161d24u);
	OK(RUN(64, LDX_IMM(1), IND(CBPF_H, 1), RET_A), 0x0f16u);
	OK(RUN(64, LDX_IMM(1), IND(CBPF_B, 2), RET_A), 22);
	OK(RUN(64, I(CBPF_LDX | CBPF_B | CBPF_MSH, 3), I(CBPF_MISC | CBPF_TXA, 0), RET_A),
	   (22 & 0xf) * 4);
	OK(RUN(50, I(CBPF_LD | CBPF_W | CBPF_LEN, 0), RET_A), 50);
	OK(RUN(51, I(CBPF_LDX | CBPF_W | CBPF_LEN, 0), I(CBPF_MISC | CBPF_TXA, 0), RET_A), 51);
	OK(RUN(64, I(CBPF_RET | CBPF_K, 0xfeedface)), 0xfeedface);

	static const struct {
		uint16_t op;
		uint32_t a, b, want;
	} alu[] = {
		{ CBPF_ADD, 7, 5, 12 }, { CBPF_SUB, 7, 5, 2 },   { CBPF_MUL, 7, 5, 35 },
		{ CBPF_DIV, 7, 5, 1 },  { CBPF_MOD, 7, 5, 2 },   { CBPF_AND, 6, 5, 4 },
		{ CBPF_OR, 6, 5, 7 },   { CBPF_XOR, 6, 5, 3 },   { CBPF_LSH, 7, 5, 224 },
		{ CBPF_RSH, 224, 5, 7 },
	};
	for (size_t i = 0; i < sizeof(alu) / sizeof(alu[0]); i++) {
		OK(RUN(64, LD_IMM(alu[i].a), I(CBPF_ALU | alu[i].op | CBPF_K, alu[i].b), RET_A),
		   alu[i].want);
		OK(RUN(64, LD_IMM(alu[i].a), LDX_IMM(alu[i].b), I(CBPF_ALU | alu[i].op | CBPF_X, 0),
		       RET_A),
		   alu[i].want);
	}
	OK(RUN(64, LD_IMM(5), I(CBPF_ALU | CBPF_NEG, 0), RET_A), 0xfffffffbu);

	static const struct {
		uint16_t op;
		uint32_t a, b;
		bool taken;
	} jmp[] = {
		{ CBPF_JEQ, 5, 5, true },  { CBPF_JEQ, 5, 6, false }, { CBPF_JGT, 6, 5, true },
		{ CBPF_JGT, 5, 5, false }, { CBPF_JGE, 5, 5, true },  { CBPF_JGE, 4, 5, false },
		{ CBPF_JSET, 6, 2, true }, { CBPF_JSET, 6, 1, false },
		/* unsigned, all 32 bits: the kernel zero-extends k */
		{ CBPF_JGT, 0xffffffff, 0x80000000, true }, { CBPF_JGE, 1, 0x80000000, false },
	};
	for (size_t i = 0; i < sizeof(jmp) / sizeof(jmp[0]); i++) {
		uint32_t want = jmp[i].taken ? 1 : 2;

		OK(RUN(64, LD_IMM(jmp[i].a), J(CBPF_JMP | jmp[i].op | CBPF_K, 0, 1, jmp[i].b),
		       I(CBPF_RET | CBPF_K, 1), I(CBPF_RET | CBPF_K, 2)),
		   want);
		OK(RUN(64, LD_IMM(jmp[i].a), LDX_IMM(jmp[i].b),
		       J(CBPF_JMP | jmp[i].op | CBPF_X, 0, 1, 0), I(CBPF_RET | CBPF_K, 1),
		       I(CBPF_RET | CBPF_K, 2)),
		   want);
		/* the same after a fused packet load */
		OK(RUN(64, ABS(CBPF_B, 0), LD_IMM(jmp[i].a), J(CBPF_JMP | jmp[i].op | CBPF_K, 0, 1,
								  jmp[i].b),
		       I(CBPF_RET | CBPF_K, 1), I(CBPF_RET | CBPF_K, 2)),
		   want);
	}
	OK(RUN(64, J(CBPF_JMP | CBPF_JA, 0, 0, 1), I(CBPF_RET | CBPF_K, 1),
	       I(CBPF_RET | CBPF_K, 2)),
	   2);
}
END_TEST

START_TEST(fused_loads_and_jumps)
{
	/* A load fused with its jump, and a jump landing on the jump itself. */
	fill_pkt();
	for (uint16_t sz = 0; sz <= CBPF_B; sz += CBPF_H) {
		uint32_t v = sz == CBPF_W ? 0x01080f16u : sz == CBPF_H ? 0x0108u : 1;
		static const uint16_t ops[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };

		for (int i = 0; i < 4; i++) {
			for (uint32_t d = 0; d < 3; d++) {
				uint32_t k = v + d - 1;
				bool taken = ops[i] == CBPF_JEQ ? v == k
					     : ops[i] == CBPF_JGT ? v > k
					     : ops[i] == CBPF_JGE ? v >= k
								  : (v & k) != 0;

				OK(RUN(64, ABS(sz, 0), J(CBPF_JMP | ops[i] | CBPF_K, 1, 0, k),
				       I(CBPF_RET | CBPF_K, 10), I(CBPF_RET | CBPF_K, 20)),
				   taken ? 20 : 10);
				OOB(RUN(2, ABS(sz, 2), J(CBPF_JMP | ops[i] | CBPF_K, 1, 0, k),
					I(CBPF_RET | CBPF_K, 10), I(CBPF_RET | CBPF_K, 20)));
			}
		}
	}
	/* The jump at 3 is fused into the load at 2; jumping to 3 skips the load. */
	OK(RUN(64, LD_IMM(7), J(CBPF_JMP | CBPF_JA, 0, 0, 1), ABS(CBPF_B, 0),
	       J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 1), I(CBPF_RET | CBPF_K, 1),
	       I(CBPF_RET | CBPF_K, 2)),
	   2);
	OK(RUN(64, LD_IMM(7), J(CBPF_JMP | CBPF_JA, 0, 0, 0), ABS(CBPF_B, 0),
	       J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 1), I(CBPF_RET | CBPF_K, 1),
	       I(CBPF_RET | CBPF_K, 2)),
	   1);
}
END_TEST

/* ---------------------------------------------------------------- bounds */

START_TEST(bounds_at_the_edges)
{
	fill_pkt();
	for (uint32_t len = 0; len <= 8; len++) {
		static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };

		for (int s = 0; s < 3; s++) {
			uint32_t sz = 4u >> s;

			for (uint32_t k = 0; k <= len + 1; k++) {
				bool in = k + sz <= len;
				struct outcome a =
					RUN(len, ABS(sizes[s], k), I(CBPF_RET | CBPF_K, 1));
				struct outcome b = RUN(len, LDX_IMM(k), IND(sizes[s], 0),
						       I(CBPF_RET | CBPF_K, 1));
				struct outcome c = RUN(len, LDX_IMM(1), IND(sizes[s], k - 1),
						       I(CBPF_RET | CBPF_K, 1));

				EXPECT(a, in ? 1 : 0, in ? CBPF_VM_EXIT_RET : CBPF_VM_EXIT_OOB);
				EXPECT(b, in ? 1 : 0, in ? CBPF_VM_EXIT_RET : CBPF_VM_EXIT_OOB);
				EXPECT(c, in ? 1 : 0, in ? CBPF_VM_EXIT_RET : CBPF_VM_EXIT_OOB);
			}
		}
		for (uint32_t k = 0; k <= len; k++)
			EXPECT(RUN(len, I(CBPF_LDX | CBPF_B | CBPF_MSH, k),
				   I(CBPF_RET | CBPF_K, 1)),
			       k < len ? 1 : 0, k < len ? CBPF_VM_EXIT_RET : CBPF_VM_EXIT_OOB);
	}
	/* Far offsets never wrap into the packet. */
	OOB(RUN(64, ABS(CBPF_W, 0x7fffffff), RET_A));
	OOB(RUN(64, ABS(CBPF_W, 0x7ffffffe), RET_A));
	OOB(RUN(64, ABS(CBPF_B, 0x80000000), RET_A));
	OOB(RUN(64, ABS(CBPF_H, 0xffffffff), RET_A));
	/* fuzz/vm.c found k - SKF_AD_OFF overflowing for k just under 2^31. */
	OOB(RUN(64, ABS(CBPF_H, 0x7fffff00), RET_A));
	/* A load past caplen but within wirelen is out of bounds (libpcap's buflen). */
	{
		struct cbpf_input in = cbpf_input_packet(pkt, 4, 100, NULL);

		OOB(exec_in(PROG(ABS(CBPF_B, 4), RET_A), 2, CBPF_VM_SOCKET, &in));
		OK(exec_in(PROG(I(CBPF_LD | CBPF_W | CBPF_LEN, 0), RET_A), 2, CBPF_VM_SOCKET, &in),
		   100);
	}
}
END_TEST

START_TEST(indirect_offsets_wrap)
{
	/* The kernel adds X and k in 64 bits and passes an int: modulo 2^32, then signed. */
	fill_pkt();
	OK(RUN(64, LDX_IMM(0xffffffff), IND(CBPF_B, 1), RET_A), pkt[0]);
	OK(RUN(64, LDX_IMM(0xffffffff), IND(CBPF_B, 3), RET_A), pkt[2]);
	OK(RUN(64, LDX_IMM(1), IND(CBPF_H, 0xffffffff), RET_A), 0x0108);
	OK(RUN(64, LDX_IMM(0x80000000), IND(CBPF_W, 0x80000004), RET_A), 0x1d242b32u);
	OK(RUN(64, LDX_IMM(0x10), IND(CBPF_B, 0xfffffff0), RET_A), pkt[0]);
	/* (int)(X + k) = -1: SKF_NET_OFF + 0xfffff, out of reach of a small packet. */
	OOB(RUN(64, LDX_IMM(0xfffffffe), IND(CBPF_B, 1), RET_A));
	OOB(RUN(64, LDX_IMM(0x7fffffff), IND(CBPF_B, 1), RET_A));
	/* X + k = SKF_NET_OFF + 2, SKF_LL_OFF + 3: negative offsets through [x + k]. */
	OK(RUN(64, LDX_IMM((uint32_t)CBPF_NET_OFF), IND(CBPF_B, 2), RET_A), pkt[2]);
	OK(RUN(64, LDX_IMM((uint32_t)CBPF_LL_OFF + 3), IND(CBPF_B, 0), RET_A), pkt[3]);
	/* ... and ancillary offsets are not ancillary through [x + k]. */
	OOB(RUN(64, LDX_IMM((uint32_t)CBPF_AD_OFF), IND(CBPF_W, 0), RET_A));
}
END_TEST

START_TEST(net_offset_reaches_a_megabyte)
{
	/* -1 as an offset means SKF_NET_OFF + 0xfffff: a big enough packet has that byte. */
	uint32_t len = 0x100000 + 16;
	uint8_t *big = calloc(1, len);
	struct cbpf_meta m = { .net_off = 14 };

	ck_assert_ptr_nonnull(big);
	big[14 + 0xfffff] = 0xab;
	OK(exec_pkt(PROG(LDX_IMM(0xffffffff), IND(CBPF_B, 0), RET_A), 3, big, len, &m), 0xab);
	OK(exec_pkt(PROG(ABS(CBPF_B, -1), RET_A), 2, big, len, &m), 0xab);
	/* An unknown ancillary offset reads SKF_NET_OFF-relative bytes too. */
	big[14 + 0xff000 + 0x40] = 0xcd;
	OK(exec_pkt(PROG(ANC(CBPF_B, 0x40), RET_A), 2, big, len, &m), 0xcd);
	free(big);
}
END_TEST

/* ---------------------------------------------------------------- ALU */

START_TEST(shifts_use_five_bits_of_x)
{
	static const uint32_t xs[] = { 0, 1, 31, 32, 33, 63, 64, 255, 0x80000000, 0xffffffff };

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		OK(RUN(64, LD_IMM(0x81234567), LDX_IMM(xs[i]), I(CBPF_ALU | CBPF_LSH | CBPF_X, 0),
		       RET_A),
		   0x81234567u << (xs[i] & 31));
		OK(RUN(64, LD_IMM(0x81234567), LDX_IMM(xs[i]), I(CBPF_ALU | CBPF_RSH | CBPF_X, 0),
		       RET_A),
		   0x81234567u >> (xs[i] & 31));
	}
	OK(RUN(64, LD_IMM(1), I(CBPF_ALU | CBPF_LSH | CBPF_K, 31), RET_A), 0x80000000u);
	/* Constant counts above 31 are refused by the kernel; here they mean k & 31 too. */
	OK(RUN(64, LD_IMM(1), I(CBPF_ALU | CBPF_LSH | CBPF_K, 33), RET_A), 2);
	OK(RUN(64, LD_IMM(4), I(CBPF_ALU | CBPF_RSH | CBPF_K, 34), RET_A), 1);
}
END_TEST

START_TEST(arithmetic_wraps_at_32_bits)
{
	OK(RUN(64, LD_IMM(0xffffffff), I(CBPF_ALU | CBPF_ADD | CBPF_K, 2), RET_A), 1);
	OK(RUN(64, LD_IMM(1), I(CBPF_ALU | CBPF_SUB | CBPF_K, 2), RET_A), 0xffffffffu);
	OK(RUN(64, LD_IMM(0x10000), LDX_IMM(0x10001), I(CBPF_ALU | CBPF_MUL | CBPF_X, 0), RET_A),
	   0x10000);
	OK(RUN(64, LD_IMM(0x80000000), I(CBPF_ALU | CBPF_NEG, 0), RET_A), 0x80000000u);
	OK(RUN(64, LD_IMM(0), I(CBPF_ALU | CBPF_NEG, 0), RET_A), 0);
	/* Division and modulo are unsigned. */
	OK(RUN(64, LD_IMM(0xfffffffe), I(CBPF_ALU | CBPF_DIV | CBPF_K, 0xffffffff), RET_A), 0);
	OK(RUN(64, LD_IMM(0xfffffffe), I(CBPF_ALU | CBPF_MOD | CBPF_K, 0x80000000), RET_A),
	   0x7ffffffe);
}
END_TEST

START_TEST(division_by_zero_ends_with_zero)
{
	EXPECT(RUN(64, LD_IMM(9), LDX_IMM(0), I(CBPF_ALU | CBPF_DIV | CBPF_X, 0),
		   I(CBPF_RET | CBPF_K, 5)),
	       0, CBPF_VM_EXIT_DIV0);
	EXPECT(RUN(64, LD_IMM(9), LDX_IMM(0), I(CBPF_ALU | CBPF_MOD | CBPF_X, 0),
		   I(CBPF_RET | CBPF_K, 5)),
	       0, CBPF_VM_EXIT_DIV0);
	/* The kernel refuses a constant zero; it means the same here. */
	EXPECT(RUN(64, LD_IMM(9), I(CBPF_ALU | CBPF_DIV | CBPF_K, 0), I(CBPF_RET | CBPF_K, 5)), 0,
	       CBPF_VM_EXIT_DIV0);
	EXPECT(RUN(64, LD_IMM(9), I(CBPF_ALU | CBPF_MOD | CBPF_K, 0), I(CBPF_RET | CBPF_K, 5)), 0,
	       CBPF_VM_EXIT_DIV0);
	OK(RUN(64, LD_IMM(9), LDX_IMM(0), I(CBPF_ALU | CBPF_MUL | CBPF_X, 0),
	       I(CBPF_RET | CBPF_K, 5)),
	   5);
}
END_TEST

/* ---------------------------------------------------------------- negative offsets */

START_TEST(negative_offsets)
{
	struct cbpf_meta m = { .net_off = 14 };
	struct cbpf_meta nomac = { .net_off = 14, .no_mac = true };

	fill_pkt();
	OK(RUNM(&m, ABS(CBPF_B, CBPF_NET_OFF), RET_A), pkt[14]);
	OK(RUNM(&m, ABS(CBPF_W, CBPF_NET_OFF + 46), RET_A),
	   (uint32_t)pkt[60] << 24 | pkt[61] << 16 | pkt[62] << 8 | pkt[63]);
	OOB(RUNM(&m, ABS(CBPF_W, CBPF_NET_OFF + 47), RET_A));
	OK(RUNM(&m, ABS(CBPF_H, CBPF_LL_OFF + 12), RET_A), (uint32_t)pkt[12] << 8 | pkt[13]);
	OK(RUNM(&m, ABS(CBPF_B, CBPF_LL_OFF + 63), RET_A), pkt[63]);
	OOB(RUNM(&m, ABS(CBPF_B, CBPF_LL_OFF + 64), RET_A));
	OOB(RUNM(&m, ABS(CBPF_B, CBPF_LL_OFF - 1), RET_A));
	OOB(RUNM(&m, ABS(CBPF_B, INT32_MIN), RET_A));
	/* SKF_NET_OFF - 1 is the top of the SKF_LL_OFF range. */
	OOB(RUNM(&m, ABS(CBPF_B, CBPF_NET_OFF - 1), RET_A));
	/* Without a link-layer header only SKF_NET_OFF works. */
	OOB(RUNM(&nomac, ABS(CBPF_B, CBPF_LL_OFF), RET_A));
	OK(RUNM(&nomac, ABS(CBPF_B, CBPF_NET_OFF + 1), RET_A), pkt[15]);
	/* A network header past the data. */
	m.net_off = 70;
	OOB(RUNM(&m, ABS(CBPF_B, CBPF_NET_OFF), RET_A));
	/* ldxb takes negative offsets too. */
	m.net_off = 2;
	OK(RUNM(&m, I(CBPF_LDX | CBPF_B | CBPF_MSH, (uint32_t)CBPF_NET_OFF + 1),
		I(CBPF_MISC | CBPF_TXA, 0), RET_A),
	   (uint32_t)(pkt[3] & 0xf) * 4);
	OK(RUNM(NULL, ABS(CBPF_B, CBPF_NET_OFF + 5), RET_A), pkt[5]);
}
END_TEST

/* ---------------------------------------------------------------- ancillary loads */

START_TEST(every_ancillary_load)
{
	struct cbpf_meta m = {
		.protocol = htons(0x86dd), .pkttype = CBPF_PKT_OTHERHOST, .ifindex = 7,
		.mark = 0xdeadbeef,        .queue = 3,    .hatype = 772,
		.rxhash = 0x12345678,      .cpu = 5,      .vlan_present = true,
		.vlan_tci = 0xe064,        .vlan_proto = htons(0x88a8), .pay_off = 54,
		.random = 0x0badcafe,
	};
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	const struct {
		uint32_t anc, want;
	} t[] = {
		{ CBPF_AD_PROTOCOL, 0x86dd },
		{ CBPF_AD_PKTTYPE, CBPF_PKT_OTHERHOST },
		{ CBPF_AD_IFINDEX, 7 },
		{ CBPF_AD_MARK, 0xdeadbeef },
		{ CBPF_AD_QUEUE, 3 },
		{ CBPF_AD_HATYPE, 772 },
		{ CBPF_AD_RXHASH, 0x12345678 },
		{ CBPF_AD_CPU, 5 },
		{ CBPF_AD_ALU_XOR_X, 0x1234 ^ 0xf0f0 },
		{ CBPF_AD_VLAN_TAG, 0xe064 },
		{ CBPF_AD_VLAN_TAG_PRESENT, 1 },
		{ CBPF_AD_PAY_OFFSET, 54 },
		{ CBPF_AD_RANDOM, 0x0badcafe },
		{ CBPF_AD_VLAN_TPID, 0x88a8 },
	};

	/* Each size gives the whole value: the kernel ignores the size of an ancillary load. */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (int s = 0; s < 3; s++)
			OK(RUNM(&m, LD_IMM(0x1234), LDX_IMM(0xf0f0), ANC(sizes[s], t[i].anc),
				RET_A),
			   t[i].want);
	/* pkttype is three bits wide. */
	m.pkttype = 0xfd;
	OK(RUNM(&m, ANC(CBPF_W, CBPF_AD_PKTTYPE), RET_A), 5);
	/* A zeroed record, or none. */
	for (uint32_t anc = 0; anc < CBPF_AD_MAX; anc += 4)
		if (anc != CBPF_AD_ALU_XOR_X && anc != CBPF_AD_NLATTR && anc != CBPF_AD_NLATTR_NEST)
			OK(RUNM(NULL, LD_IMM(3), ANC(CBPF_W, anc), RET_A), 0);
	/* Unknown offsets are no ancillary load: SKF_NET_OFF-relative bytes, out of bounds. */
	OOB(RUNM(&m, ANC(CBPF_W, CBPF_AD_MAX), RET_A));
	OOB(RUNM(&m, ANC(CBPF_W, 2), RET_A));
	OOB(RUNM(&m, ABS(CBPF_W, -4), RET_A));
}
END_TEST

START_TEST(no_device_returns_a)
{
	struct cbpf_meta m = { .no_dev = true, .ifindex = 3, .hatype = 1 };

	/* convert_bpf_extensions: without skb->dev the program exits with A as it is. */
	EXPECT(RUNM(&m, LD_IMM(77), ANC(CBPF_W, CBPF_AD_IFINDEX), I(CBPF_RET | CBPF_K, 1)), 77,
	       CBPF_VM_EXIT_NO_DEV);
	EXPECT(RUNM(&m, LD_IMM(78), ANC(CBPF_B, CBPF_AD_HATYPE), I(CBPF_RET | CBPF_K, 1)), 78,
	       CBPF_VM_EXIT_NO_DEV);
	EXPECT(RUNM(&m, ANC(CBPF_H, CBPF_AD_IFINDEX), I(CBPF_RET | CBPF_K, 1)), 0,
	       CBPF_VM_EXIT_NO_DEV);
	OK(RUNM(&m, ANC(CBPF_W, CBPF_AD_MARK), I(CBPF_RET | CBPF_K, 1)), 1);
}
END_TEST

/* Netlink attributes in native byte order: {u16 len, u16 type}. */
static uint32_t nla(uint8_t *buf, uint32_t at, uint16_t type, uint16_t len)
{
	memcpy(buf + at, &len, 2);
	memcpy(buf + at + 2, &type, 2);
	return at + ((len + 3u) & ~3u);
}

START_TEST(netlink_attributes)
{
	uint8_t msg[64] = { 0 };
	uint32_t at = 16, nest;

	at = nla(msg, at, 1, 8);               /* 16: type 1 */
	at = nla(msg, at, 2, 5);               /* 24: type 2, padded to 8 */
	nest = at;                             /* 32: nested type 3, 20 bytes */
	at = nla(msg, at, 3 | 0x8000, 20);
	nla(msg, nest + 4, 7, 8);              /* 36: type 7 inside */
	nla(msg, nest + 12, 8, 8);             /* 44: type 8 inside */
	at = nla(msg, at, 0x4005, 4);          /* 52: type 5 with NLA_F_NET_BYTEORDER */
	nla(msg, at, 6, 100);                  /* 56: too long for what is left */

#define NLA(a, x)                                                                                \
	exec_pkt(PROG(LD_IMM(a), LDX_IMM(x), ANC(CBPF_W, CBPF_AD_NLATTR), RET_A), 4, msg,          \
		 sizeof(msg), NULL)
#define NLAN(a, x)                                                                               \
	exec_pkt(PROG(LD_IMM(a), LDX_IMM(x), ANC(CBPF_W, CBPF_AD_NLATTR_NEST), RET_A), 4, msg,     \
		 sizeof(msg), NULL)
	OK(NLA(16, 1), 16);
	OK(NLA(16, 2), 24);
	OK(NLA(16, 3), 32);   /* the flags are masked off */
	OK(NLA(16, 5), 52);
	OK(NLA(16, 6), 0);    /* its length runs past the end: the walk stops */
	OK(NLA(16, 7), 0);    /* nested: not at the top level */
	OK(NLA(24, 1), 0);    /* the walk starts at A */
	OK(NLA(16, 0x8003), 0);
	OK(NLA(60, 6), 0);
	OK(NLA(61, 1), 0);    /* A > len - 4 */
	OK(NLA(0xfffffffe, 1), 0);
	OK(NLAN(nest, 7), 36);
	OK(NLAN(nest, 8), 44);
	OK(NLAN(nest, 1), 0);
	OK(NLAN(16, 1), 0);   /* type 1 holds no attribute of type 1 */
	OK(NLAN(56, 6), 0);   /* its length is more than what is left */
	OK(NLAN(62, 1), 0);
	/* Fewer than 4 bytes hold no attribute. */
	OK(exec_pkt(PROG(LD_IMM(0), LDX_IMM(1), ANC(CBPF_W, CBPF_AD_NLATTR), RET_A), 4, msg + 16, 3,
		    NULL),
	   0);
#undef NLA
#undef NLAN
}
END_TEST

/* ---------------------------------------------------------------- seccomp */

START_TEST(seccomp_words)
{
	struct cbpf_seccomp_data sd = {
		.nr = 59, .arch = 0xc000003e, .instruction_pointer = 0x00007fff12345678ull,
		.args = { 1, 0x1122334455667788ull, 0xffffffff00000000ull, 0, 0,
			  0x8000000000000001ull },
	};
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	uint32_t words[16];

#define SC(...) exec_in(PROG(__VA_ARGS__), LEN(__VA_ARGS__), CBPF_VM_SECCOMP, &in)
	memcpy(words, &sd, sizeof(words)); /* native byte order, as the kernel reads them */
	for (uint32_t k = 0; k < 64; k += 4)
		OK(SC(ABS(CBPF_W, k), RET_A), words[k / 4]);
	OK(SC(ABS(CBPF_W, 0), RET_A), 59);
	OK(SC(ABS(CBPF_W, 4), RET_A), 0xc000003e);
	OK(SC(I(CBPF_LD | CBPF_W | CBPF_LEN, 0), RET_A), 64);
	OK(SC(I(CBPF_LDX | CBPF_W | CBPF_LEN, 0), I(CBPF_MISC | CBPF_TXA, 0), RET_A), 64);
	/* What seccomp_check_filter refuses cannot read anything here. */
	OOB(SC(ABS(CBPF_W, 2), RET_A));
	OOB(SC(ABS(CBPF_W, 64), RET_A));
	OOB(SC(ABS(CBPF_H, 0), RET_A));
	OOB(SC(ABS(CBPF_B, 0), RET_A));
	OOB(SC(LDX_IMM(0), IND(CBPF_W, 0), RET_A));
	OOB(SC(I(CBPF_LDX | CBPF_B | CBPF_MSH, 0), RET_A));
	OOB(SC(ANC(CBPF_W, CBPF_AD_PROTOCOL), RET_A));
	OK(SC(LD_IMM(0x7fff0000), RET_A), 0x7fff0000);
#undef SC
}
END_TEST

/* ---------------------------------------------------------------- step API */

START_TEST(step_records)
{
	const struct cbpf_insn prog[] = {
		ABS(CBPF_H, 12),                                 /* 0 */
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 3, 0x0d14),   /* 1 */
		I(CBPF_ST, 2),                                   /* 2 */
		I(CBPF_LDX | CBPF_MEM, 2),                       /* 3 */
		ANC(CBPF_W, CBPF_AD_PROTOCOL),                   /* 4 */
		I(CBPF_LD | CBPF_W | CBPF_LEN, 0),               /* 5 */
		I(CBPF_ALU | CBPF_DIV | CBPF_X, 0),              /* 6 */
		LDX_IMM((uint32_t)CBPF_NET_OFF + 40),            /* 7 */
		IND(CBPF_W, 0),                                  /* 8 */
		RET_A,                                           /* 9 */
	};
	struct cbpf_meta m = { .protocol = htons(0x0800), .net_off = 14 };
	struct cbpf_vm *vm = vm_of(prog, 10, CBPF_VM_SOCKET);
	struct cbpf_input in = cbpf_input_packet(pkt, 60, 60, &m);
	struct cbpf_vm_state st;
	struct cbpf_vm_step r;
	uint32_t n;

	fill_pkt(); /* pkt[12] = 0x55, pkt[13] = 0x5c */
	pkt[12] = 0x0d;
	pkt[13] = 0x14;
	ck_assert_ptr_eq(cbpf_vm_insns(vm, &n), cbpf_vm_insns(vm, NULL));
	ck_assert_uint_eq(n, 10);
	ck_assert_int_eq(cbpf_vm_mode(vm), CBPF_VM_SOCKET);
	cbpf_vm_state_init(&st);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_uint_eq(r.pc, 0);
	ck_assert_uint_eq(r.next_pc, 1);
	ck_assert_int_eq(r.read, CBPF_VM_READ_PACKET);
	ck_assert_int_eq(r.req, 12);
	ck_assert_int_eq(r.off, 12);
	ck_assert_uint_eq(r.size, 2);
	ck_assert_uint_eq(r.value, 0x0d14);
	ck_assert_uint_eq(st.A, 0x0d14);
	ck_assert(!r.cond);
	ck_assert_int_eq(r.exit, CBPF_VM_RUNNING);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert(r.cond && r.taken);
	ck_assert_uint_eq(r.lhs, 0x0d14);
	ck_assert_uint_eq(r.rhs, 0x0d14);
	ck_assert_uint_eq(r.next_pc, 2);
	ck_assert_int_eq(r.read, CBPF_VM_READ_NONE);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_uint_eq(st.M[2], 0x0d14);
	ck_assert_uint_eq(st.M_written, 1u << 2);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.read, CBPF_VM_READ_MEM);
	ck_assert_uint_eq(st.X, 0x0d14);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.read, CBPF_VM_READ_ANC);
	ck_assert_uint_eq(r.anc, CBPF_AD_PROTOCOL);
	ck_assert_uint_eq(r.value, 0x0800);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.read, CBPF_VM_READ_LEN);
	ck_assert_uint_eq(st.A, 60);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_uint_eq(st.A, 0);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	/* [x + 0] = SKF_NET_OFF + 40: bytes 54..57 of 60. */
	ck_assert_int_eq(r.req, CBPF_NET_OFF + 40);
	ck_assert_int_eq(r.off, 54);
	ck_assert_uint_eq(r.size, 4);
	ck_assert_int_eq(r.exit, CBPF_VM_RUNNING);

	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.exit, CBPF_VM_EXIT_RET);
	ck_assert_uint_eq(r.ret, st.A);
	ck_assert_uint_eq(r.next_pc, 9);
	ck_assert_uint_eq(st.steps, 10);
	ck_assert_uint_eq(st.ret, cbpf_vm_run(vm, &in));
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), -EINVAL);

	/* The same program on a shorter packet ends at the last load, out of bounds. */
	in.caplen = 57;
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING)
		ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.exit, CBPF_VM_EXIT_OOB);
	ck_assert_uint_eq(r.pc, 8);
	ck_assert_uint_eq(r.next_pc, 8);
	ck_assert_int_eq(r.off, 54);
	ck_assert_uint_eq(st.ret, 0);
	ck_assert_uint_eq(st.pc, 8);

	/* A state from elsewhere is refused. */
	cbpf_vm_state_init(&st);
	st.pc = 10;
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, NULL), -EINVAL);
	cbpf_vm_free(vm);

	/* An offset that maps nowhere is recorded as -1. */
	vm = vm_of(PROG(ABS(CBPF_B, CBPF_LL_OFF - 1), RET_A), 2, CBPF_VM_SOCKET);
	cbpf_vm_state_init(&st);
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.off, -1);
	ck_assert_int_eq(r.req, CBPF_LL_OFF - 1);
	ck_assert_int_eq(r.exit, CBPF_VM_EXIT_OOB);
	cbpf_vm_free(vm);

	/* Division by zero and the missing device, as records. */
	vm = vm_of(PROG(LD_IMM(4), I(CBPF_ALU | CBPF_MOD | CBPF_X, 0), RET_A), 3, CBPF_VM_SOCKET);
	cbpf_vm_state_init(&st);
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r), 0);
	ck_assert_int_eq(r.exit, CBPF_VM_EXIT_DIV0);
	ck_assert_uint_eq(r.pc, 1);
	cbpf_vm_free(vm);
}
END_TEST

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* A random program the interpreter accepts (not necessarily the kernel). */
static size_t random_program(struct cbpf_insn *v, size_t max)
{
	size_t n = 2 + rnd() % (max - 1);
	size_t count;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&count);

	for (size_t i = 0; i < n - 1; i++) {
		const struct cbpf_opcode_info *op = &t[rnd() % count];
		uint32_t room = (uint32_t)(n - i - 2);
		static const uint32_t ks[] = { 0, 1, 2, 12, 14, 23, 31, 32, 0xfffff000, 0xfffff004,
					       0xfffff030, 0xfff00000, 0xffe00000, 0x7fffffff };

		v[i] = (struct cbpf_insn){ op->code, 0, 0,
					   rnd() % 2 ? ks[rnd() % 14] : rnd() % 80 };
		if (op->operand == CBPF_OPND_MEM)
			v[i].k %= 16;
		if (op->operand == CBPF_OPND_JA)
			v[i].k = rnd() % (room + 1);
		if (cbpf_insn_is_cond_jump(&v[i])) {
			v[i].jt = (uint8_t)(rnd() % (room + 1 < 256 ? room + 1 : 256));
			v[i].jf = (uint8_t)(rnd() % (room + 1 < 256 ? room + 1 : 256));
		}
	}
	v[n - 1] = I(CBPF_RET | CBPF_A, 0);
	return n;
}

START_TEST(stepping_equals_running_and_restores)
{
	struct cbpf_insn v[40];
	struct cbpf_meta m = { .net_off = 14, .protocol = htons(0x0800), .ifindex = 2, .cpu = 1 };

	fill_pkt();
	for (int round = 0; round < 3000; round++) {
		size_t n = random_program(v, 40);
		enum cbpf_vm_mode mode = round % 5 ? CBPF_VM_SOCKET : CBPF_VM_SECCOMP;
		struct cbpf_vm *vm = vm_of(v, n, mode);
		uint32_t len = rnd() % 80;
		struct cbpf_input in = cbpf_input_packet(pkt, len, len + rnd() % 4, &m);
		struct cbpf_vm_state st, saved = { 0 }, again;
		struct cbpf_vm_step r1, r2;
		uint64_t cut = rnd() % 8;
		bool have_saved = false;

		m.no_dev = rnd() % 4 == 0;
		cbpf_vm_state_init(&st);
		while (st.exit == CBPF_VM_RUNNING) {
			if (st.steps == cut) {
				saved = st; /* a debugger's snapshot */
				have_saved = true;
			}
			ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, &r1), 0);
		}
		ck_assert_uint_eq(st.ret, cbpf_vm_run(vm, &in));
		/* A restored state continues as the original did, record for record. */
		if (have_saved) {
			struct cbpf_vm_state orig = saved;

			again = saved;
			while (again.exit == CBPF_VM_RUNNING) {
				ck_assert_int_eq(cbpf_vm_step(vm, &again, &in, &r2), 0);
				ck_assert_int_eq(cbpf_vm_step(vm, &saved, &in, &r1), 0);
				ck_assert_int_eq(memcmp(&r1, &r2, sizeof(r1)), 0);
			}
			ck_assert_int_eq(memcmp(&again, &st, sizeof(st)), 0);
			ck_assert_uint_ge(st.steps, orig.steps);
		}
		cbpf_vm_free(vm);
	}
}
END_TEST

/* ---------------------------------------------------------------- what cannot run */

START_TEST(refuses_what_cannot_run)
{
	struct {
		struct cbpf_insn v[3];
		size_t n;
		long insn;
		const char *msg;
	} t[] = {
		{ { RET_A }, 0, -1, "cannot run an empty program" },
		{ { I(0x0128, 0), RET_A }, 2, 0, "unknown opcode 0x0128" },
		{ { I(CBPF_ST, 16), RET_A }, 2, 0, "M[16] does not exist" },
		{ { I(CBPF_LDX | CBPF_MEM, 99), RET_A }, 2, 0, "M[99] does not exist" },
		{ { J(CBPF_JMP | CBPF_JA, 0, 0, 1), RET_A }, 2, 0, "target 2 is past the end" },
		{ { J(CBPF_JMP | CBPF_JA, 0, 0, 0xffffffff), RET_A }, 2, 0, "past the end" },
		{ { J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0), RET_A }, 2, 0, "target 2 is past" },
		{ { RET_A, LD_IMM(1) }, 2, 1, "the last instruction must be a return" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct cbpf_prog *p = cbpf_prog_new(t[i].v, t[i].n);
		struct cbpf_diags d = { 0 };
		struct cbpf_vm *vm = (struct cbpf_vm *)&d; /* must stay untouched */

		ck_assert_int_eq(cbpf_vm_new(p, CBPF_VM_SOCKET, &vm, &d), -EINVAL);
		ck_assert_ptr_eq(vm, (struct cbpf_vm *)&d);
		ck_assert_uint_ge(d.errors, 1);
		ck_assert_int_eq(d.v[0].insn, t[i].insn);
		ck_assert_msg(strstr(d.v[0].msg, t[i].msg), "'%s' lacks '%s'", d.v[0].msg,
			      t[i].msg);
		cbpf_diags_free(&d);
		cbpf_prog_free(p);
	}
	cbpf_vm_free(NULL);
}
END_TEST

Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *tc = tcase_create("semantics");
	TCase *step = tcase_create("step");

	tcase_add_test(tc, every_opcode);
	tcase_add_test(tc, fused_loads_and_jumps);
	tcase_add_test(tc, bounds_at_the_edges);
	tcase_add_test(tc, indirect_offsets_wrap);
	tcase_add_test(tc, net_offset_reaches_a_megabyte);
	tcase_add_test(tc, shifts_use_five_bits_of_x);
	tcase_add_test(tc, arithmetic_wraps_at_32_bits);
	tcase_add_test(tc, division_by_zero_ends_with_zero);
	tcase_add_test(tc, negative_offsets);
	tcase_add_test(tc, every_ancillary_load);
	tcase_add_test(tc, no_device_returns_a);
	tcase_add_test(tc, netlink_attributes);
	tcase_add_test(tc, seccomp_words);
	tcase_add_test(tc, refuses_what_cannot_run);
	suite_add_tcase(s, tc);
	tcase_add_test(step, step_records);
	tcase_add_test(step, stepping_equals_running_and_restores);
	tcase_set_timeout(step, 60);
	suite_add_tcase(s, step);
	return s;
}
