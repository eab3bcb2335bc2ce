// SPDX-License-Identifier: MIT
/*
 * The interpreter's API: the step records, stepping against running and restoring a state, and
 * two sweeps over parameter grids. What each program returns is in tests/cases/vm, one case per
 * file, which tests/tools/vm-cases runs through the interpreter, the translations and the
 * kernel; what cannot run is there too (the error cases).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define I(code, k)	   ((struct cbpf_insn){ (code), 0, 0, (k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (k) })
#define PROG(...)	   ((const struct cbpf_insn[]){ __VA_ARGS__ })
#define LEN(...)	   (sizeof((const struct cbpf_insn[]){ __VA_ARGS__ }) / sizeof(struct cbpf_insn))

#define RET_A	   I(CBPF_RET | CBPF_A, 0)
#define LD_IMM(k)  I(CBPF_LD | CBPF_IMM, (k))
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
			       uint32_t len)
{
	struct cbpf_input in = cbpf_input_packet(pkt, len, len, NULL);

	return exec_in(v, n, CBPF_VM_SOCKET, &in);
}

static uint8_t pkt[256];

static void fill_pkt(void)
{
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 1);
}

#define RUN(len, ...) exec_pkt(PROG(__VA_ARGS__), LEN(__VA_ARGS__), pkt, (len))
#define EXPECT(o, value, how)                                                                      \
	do {                                                                                       \
		struct outcome o_ = (o);                                                           \
		ck_assert_uint_eq(o_.ret, (value));                                                \
		ck_assert_int_eq(o_.exit, (how));                                                  \
	} while (0)
#define OK(o, value) EXPECT(o, value, CBPF_VM_EXIT_RET)
#define OOB(o)	     EXPECT(o, 0, CBPF_VM_EXIT_OOB)

/* ---------------------------------------------------------------- sweeps */

/*
 * The interpreter fuses a packet load with the conditional jump after it: every size, every
 * condition, the value below, at and above k, in bounds and not.
 */
START_TEST(fused_loads_and_jumps)
{
	static const struct {
		uint16_t op;
		uint32_t a, b;
		bool taken;
	} jmp[] = {
		{ CBPF_JEQ, 5, 5, true },
		{ CBPF_JEQ, 5, 6, false },
		{ CBPF_JGT, 6, 5, true },
		{ CBPF_JGT, 5, 5, false },
		{ CBPF_JGE, 5, 5, true },
		{ CBPF_JGE, 4, 5, false },
		{ CBPF_JSET, 6, 2, true },
		{ CBPF_JSET, 6, 1, false },
		{ CBPF_JGT, 0xffffffff, 0x80000000, true },
		{ CBPF_JGE, 1, 0x80000000, false },
	};

	fill_pkt();
	for (uint16_t sz = 0; sz <= CBPF_B; sz += CBPF_H) {
		uint32_t v = sz == CBPF_W ? 0x01080f16u : sz == CBPF_H ? 0x0108u : 1;
		static const uint16_t ops[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };

		for (int i = 0; i < 4; i++) {
			for (uint32_t d = 0; d < 3; d++) {
				uint32_t k = v + d - 1;
				bool taken = ops[i] == CBPF_JEQ	  ? v == k
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
	/* A load, then the jump on another value: the jump is not fused. */
	for (size_t i = 0; i < sizeof(jmp) / sizeof(jmp[0]); i++)
		OK(RUN(64, ABS(CBPF_B, 0), LD_IMM(jmp[i].a),
		       J(CBPF_JMP | jmp[i].op | CBPF_K, 0, 1, jmp[i].b), I(CBPF_RET | CBPF_K, 1),
		       I(CBPF_RET | CBPF_K, 2)),
		   jmp[i].taken ? 1 : 2);
}
END_TEST

/* Every load at every offset around the end of packets of 0 to 8 bytes. */
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
}
END_TEST

/* ---------------------------------------------------------------- step API */

START_TEST(step_records)
{
	const struct cbpf_insn prog[] = {
		ABS(CBPF_H, 12),			       /* 0 */
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 3, 0x0d14), /* 1 */
		I(CBPF_ST, 2),				       /* 2 */
		I(CBPF_LDX | CBPF_MEM, 2),		       /* 3 */
		ANC(CBPF_W, CBPF_AD_PROTOCOL),		       /* 4 */
		I(CBPF_LD | CBPF_W | CBPF_LEN, 0),	       /* 5 */
		I(CBPF_ALU | CBPF_DIV | CBPF_X, 0),	       /* 6 */
		LDX_IMM((uint32_t)CBPF_NET_OFF + 40),	       /* 7 */
		IND(CBPF_W, 0),				       /* 8 */
		RET_A,					       /* 9 */
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
		static const uint32_t ks[] = { 0,	   1,	       2,	   12,
					       14,	   23,	       31,	   32,
					       0xfffff000, 0xfffff004, 0xfffff030, 0xfff00000,
					       0xffe00000, 0x7fffffff };

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

/* Backward jumps run as libpcap runs them, within the budget of cbpf_vm_loop_budget. */
#define ADD1	 I(CBPF_ALU | CBPF_ADD | CBPF_K, 1)
#define BACK(by) I(CBPF_JMP | CBPF_JA, (uint32_t) - (by))
#define COUNT_TO(n, back)                                                                          \
	I(CBPF_MISC | CBPF_TXA, 0), ADD1, I(CBPF_MISC | CBPF_TAX, 0),                              \
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, (n)), BACK(back)
START_TEST(loops)
{
	struct cbpf_vm *vm = vm_of(PROG(BACK(1), RET_A), 2, CBPF_VM_SOCKET);
	struct cbpf_input in = cbpf_input_packet(pkt, 0, 0, NULL);
	struct cbpf_vm_state st;

	/* No conditional jump: 4096 backward jumps, then the run stops with 0. */
	ck_assert_uint_eq(cbpf_vm_loop_budget(vm), 4096);
	ck_assert_int_eq(cbpf_vm_set_jit(vm, true, NULL), 0);
	ck_assert(!cbpf_vm_jitted(vm)); /* interpreted, silently */
	ck_assert_uint_eq(cbpf_vm_run(vm, &in), 0);
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING)
		ck_assert_int_eq(cbpf_vm_step(vm, &st, &in, NULL), 0);
	ck_assert_int_eq(st.exit, CBPF_VM_EXIT_BUDGET);
	ck_assert_uint_eq(st.back_jumps, 4096);
	ck_assert_uint_eq(st.steps, 4097);
	ck_assert_uint_eq(st.pc, 0);
	cbpf_vm_free(vm);
	/* A loop that ends in time gives its result; one conditional jump: a budget of 2048. */
	OK(RUN(0, LDX_IMM(0), COUNT_TO(10, 5), RET_A), 10);
	OK(RUN(0, LDX_IMM(0), COUNT_TO(2049, 5), RET_A), 2049);
	EXPECT(RUN(0, LDX_IMM(0), COUNT_TO(2050, 5), RET_A), 0, CBPF_VM_EXIT_BUDGET);
	/* Loops apart count apart (two conditional jumps, two loops: 682 each), in turn. */
	OK(RUN(0, LDX_IMM(0), COUNT_TO(600, 5), LDX_IMM(0), COUNT_TO(683, 5), RET_A), 683);
	EXPECT(RUN(0, LDX_IMM(0), COUNT_TO(600, 5), LDX_IMM(0), COUNT_TO(684, 5), RET_A), 0,
	       CBPF_VM_EXIT_BUDGET);
	/* Loops that overlap (2-4 and 3-9) share the run's budget: 1999 backward jumps stop. */
	EXPECT(RUN(0, LDX_IMM(0), LD_IMM(0), I(CBPF_ALU | CBPF_ADD | CBPF_K, 1),
		   J(CBPF_JMP | CBPF_JSET | CBPF_K, 1, 0, 1), BACK(3), COUNT_TO(2000, 7), RET_A),
	       0, CBPF_VM_EXIT_BUDGET);
}
END_TEST

START_TEST(free_null)
{
	cbpf_vm_free(NULL);
}
END_TEST

Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *sweeps = tcase_create("sweeps");
	TCase *step = tcase_create("step");

	tcase_add_test(sweeps, fused_loads_and_jumps);
	tcase_add_test(sweeps, bounds_at_the_edges);
	suite_add_tcase(s, sweeps);
	tcase_add_test(step, step_records);
	tcase_add_test(step, stepping_equals_running_and_restores);
	tcase_add_test(step, free_null);
	tcase_add_test(step, loops);
	tcase_set_timeout(step, 60);
	suite_add_tcase(s, step);
	return s;
}
