// SPDX-License-Identifier: MIT
/* eBPF in libcbpf: the disassembler's text (kernel/bpf/disasm.c), the writers, the interpreter. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "unit.h"

#define E(c, d, s, o, i) ((struct cbpf_ebpf_insn){ (c), (d), (s), (o), (i) })
#define EPROG(...)	 ((const struct cbpf_ebpf_insn[]){ __VA_ARGS__ })
#define ELEN(...)                                                                                  \
	(sizeof((const struct cbpf_ebpf_insn[]){ __VA_ARGS__ }) / sizeof(struct cbpf_ebpf_insn))

#define ALU64	    CBPF_EBPF_ALU64
#define JMP32	    CBPF_EBPF_JMP32
#define MEM	    CBPF_EBPF_MEM
#define EXIT	    E(CBPF_JMP | CBPF_EBPF_EXIT, 0, 0, 0, 0)
#define MOV32(d, i) E(CBPF_ALU | CBPF_EBPF_MOV | CBPF_K, d, 0, 0, i)
#define MOV64(d, i) E(ALU64 | CBPF_EBPF_MOV | CBPF_K, d, 0, 0, i)
#define MOVR(d, s)  E(ALU64 | CBPF_EBPF_MOV | CBPF_X, d, s, 0, 0)

/* What `bpftool prog dump xlated` prints for each form (kernel/bpf/disasm.c: print_bpf_insn). */
static const struct {
	struct cbpf_ebpf_insn in;
	const char *text;
} forms[] = {
	{ E(ALU64 | CBPF_EBPF_MOV | CBPF_X, 6, 1, 0, 0), "(bf) r6 = r1" },
	{ E(CBPF_ALU | CBPF_EBPF_MOV | CBPF_X, 7, 0, 0, 0), "(bc) w7 = w0" },
	{ E(CBPF_ALU | CBPF_EBPF_MOV | CBPF_K, 0, 0, 0, -1), "(b4) w0 = -1" },
	{ E(ALU64 | CBPF_EBPF_MOV | CBPF_K, 2, 0, 0, 12), "(b7) r2 = 12" },
	{ E(ALU64 | CBPF_ADD | CBPF_K, 3, 0, 0, -72), "(07) r3 += -72" },
	{ E(CBPF_ALU | CBPF_AND | CBPF_K, 0, 0, 0, 240), "(54) w0 &= 240" },
	{ E(CBPF_ALU | CBPF_LSH | CBPF_X, 0, 7, 0, 0), "(6c) w0 <<= w7" },
	{ E(CBPF_ALU | CBPF_DIV | CBPF_X, 0, 7, 0, 0), "(3c) w0 /= w7" },
	{ E(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 0, 3), "(94) w0 %= 3" },
	{ E(CBPF_ALU | CBPF_XOR | CBPF_X, 0, 0, 0, 0), "(ac) w0 ^= w0" },
	{ E(ALU64 | CBPF_SUB | CBPF_X, 0, 8, 0, 0), "(1f) r0 -= r8" },
	{ E(ALU64 | CBPF_EBPF_ARSH | CBPF_K, 1, 0, 0, 3), "(c7) r1 s>>= 3" },
	{ E(CBPF_ALU | CBPF_NEG, 0, 0, 0, 0), "(84) w0 = -w0" },
	{ E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 0, 0, 0, 16), "(dc) r0 = be16 r0" },
	{ E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_LE, 3, 0, 0, 32), "(d4) r3 = le32 r3" },
	{ E(CBPF_LDX | MEM | CBPF_W, 0, 6, 176, 0), "(61) r0 = *(u32 *)(r6 +176)" },
	{ E(CBPF_LDX | MEM | CBPF_H, 0, 10, -316, 0), "(69) r0 = *(u16 *)(r10 -316)" },
	{ E(CBPF_LDX | MEM | CBPF_B, 7, 8, 14, 0), "(71) r7 = *(u8 *)(r8 +14)" },
	{ E(CBPF_LDX | MEM | CBPF_EBPF_DW, 1, 1, 0, 0), "(79) r1 = *(u64 *)(r1 +0)" },
	{ E(CBPF_STX | MEM | CBPF_W, 10, 0, -4, 0), "(63) *(u32 *)(r10 -4) = r0" },
	{ E(CBPF_ST | MEM | CBPF_W, 10, 0, -8, 0), "(62) *(u32 *)(r10 -8) = 0" },
	{ E(CBPF_LD | CBPF_ABS | CBPF_H, 0, 0, 0, 12), "(28) r0 = *(u16 *)skb[12]" },
	{ E(CBPF_LD | CBPF_IND | CBPF_B, 0, 7, 0, -2097152),
	  "(50) r0 = *(u8 *)skb[r7 + -2097152]" },
	{ E(CBPF_JMP | CBPF_JA, 0, 0, 5, 0), "(05) goto pc+5" },
	{ E(CBPF_JMP | CBPF_JA, 0, 0, -1, 0), "(05) goto pc-1" },
	{ E(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 0, 2, 0x800), "(15) if r0 == 0x800 goto pc+2" },
	{ E(CBPF_JMP | CBPF_EBPF_JNE | CBPF_K, 0, 0, 1, 0), "(55) if r0 != 0x0 goto pc+1" },
	{ E(CBPF_JMP | CBPF_JGT | CBPF_X, 1, 9, 54, 0), "(2d) if r1 > r9 goto pc+54" },
	{ E(CBPF_JMP | CBPF_JSET | CBPF_K, 0, 0, 3, 0x1fff), "(45) if r0 & 0x1fff goto pc+3" },
	{ E(JMP32 | CBPF_JGT | CBPF_K, 0, 0, 1, -5), "(26) if w0 > 0xfffffffb goto pc+1" },
	{ E(JMP32 | CBPF_EBPF_JSGE | CBPF_K, 1, 0, 6, 0), "(76) if w1 s>= 0x0 goto pc+6" },
	{ E(JMP32 | CBPF_EBPF_JSLT | CBPF_K, 2, 0, 9, 0), "(c6) if w2 s< 0x0 goto pc+9" },
	{ E(CBPF_JMP | CBPF_EBPF_JLE | CBPF_X, 0, 7, 4, 0), "(bd) if r0 <= r7 goto pc+4" },
	{ E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 26), "(85) call bpf_skb_load_bytes#26" },
	{ E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 7), "(85) call bpf_get_prandom_u32#7" },
	{ E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 9999), "(85) call unknown#9999" },
	{ E(CBPF_JMP | CBPF_EBPF_EXIT, 0, 0, 0, 0), "(95) exit" },
};

START_TEST(disassembler_speaks_bpftool)
{
	char buf[128];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		int n = cbpf_ebpf_insn_format(&forms[i].in, NULL, buf, sizeof(buf));

		ck_assert_str_eq(buf, forms[i].text);
		ck_assert_int_eq(n, (int)strlen(forms[i].text));
	}
	/* A 64-bit immediate takes its upper half from the next instruction. */
	{
		struct cbpf_ebpf_insn two[2] = { E(CBPF_EBPF_LD_IMM64, 1, 0, 0, 0x55667788),
						 E(0, 0, 0, 0, 0x11223344) };

		cbpf_ebpf_insn_format(&two[0], &two[1], buf, sizeof(buf));
		ck_assert_str_eq(buf, "(18) r1 = 0x1122334455667788");
	}
	/* Like snprintf: the length needed, the buffer always terminated. */
	ck_assert_int_eq(cbpf_ebpf_insn_format(&forms[0].in, NULL, buf, 5), 12);
	ck_assert_str_eq(buf, "(bf)");
	ck_assert_int_eq(cbpf_ebpf_insn_format(&forms[0].in, NULL, NULL, 0), 12);
}
END_TEST

static char *write_form(const struct cbpf_ebpf_prog *p, enum cbpf_ebpf_form form, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cbpf_ebpf_write(f, p, form, NULL), 0);
	fclose(f);
	return buf;
}

START_TEST(writers)
{
	static const struct cbpf_ebpf_insn v[] = {
		MOVR(6, 1),
		E(CBPF_LD | CBPF_ABS | CBPF_H, 0, 0, 0, 12),
		E(JMP32 | CBPF_JEQ | CBPF_K, 0, 0, 1, (int32_t)0x86dd),
		E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 8),
		E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 0, 0, 0, 16),
		E(CBPF_STX | MEM | CBPF_W, 10, 0, -4, 0),
		MOV32(0, 0),
		EXIT,
	};
	struct cbpf_ebpf_prog *p = cbpf_ebpf_prog_new(v, 8, CBPF_TARGET_SOCKET);
	size_t len;
	char *s;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(cbpf_ebpf_prog_classic(p));
	ck_assert_int_eq(cbpf_ebpf_prog_origin(p, 0), -1);
	s = write_form(p, CBPF_EBPF_FORM_RAW, &len);
	ck_assert_uint_eq(len, sizeof(v));
	ck_assert_int_eq(memcmp(s, v, len), 0);
	free(s);
	s = write_form(p, CBPF_EBPF_FORM_ASM, &len);
	ck_assert_str_eq(s, "   0: (bf) r6 = r1\n"
			    "   1: (28) r0 = *(u16 *)skb[12]\n"
			    "   2: (16) if w0 == 0x86dd goto pc+1\n"
			    "   3: (85) call bpf_get_smp_processor_id#8\n"
			    "   4: (dc) r0 = be16 r0\n"
			    "   5: (63) *(u32 *)(r10 -4) = r0\n"
			    "   6: (b4) w0 = 0\n"
			    "   7: (95) exit\n");
	free(s);
	/* The macros of tools/include/linux/filter.h. */
	s = write_form(p, CBPF_EBPF_FORM_C, &len);
	ck_assert_ptr_nonnull(strstr(s, "struct bpf_insn cbpf_socket[] = {\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_MOV64_REG(BPF_REG_6, BPF_REG_1),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_LD_ABS(BPF_H, 12),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, 0x86dd, 1),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_EMIT_CALL(BPF_FUNC_get_smp_processor_id),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -4),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_MOV32_IMM(BPF_REG_0, 0),\n"));
	ck_assert_ptr_nonnull(strstr(s, "\tBPF_EXIT_INSN(),\n};\n"));
	free(s);
	cbpf_ebpf_prog_free(p);
	cbpf_ebpf_prog_free(NULL);
}
END_TEST

START_TEST(names)
{
	enum cbpf_target t;
	enum cbpf_ebpf_form f;

	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(cbpf_target_parse(cbpf_target_name((enum cbpf_target)i), &t), 0);
		ck_assert_int_eq(t, i);
		ck_assert_int_eq(cbpf_ebpf_form_parse(cbpf_ebpf_form_name((enum cbpf_ebpf_form)i),
						      &f),
				 0);
		ck_assert_int_eq(f, i);
	}
	ck_assert_int_eq(cbpf_target_parse("XDP", &t), 0);
	ck_assert_int_eq(t, CBPF_TARGET_XDP);
	ck_assert_int_eq(cbpf_target_parse("cgroup", &t), -ENOENT);
	ck_assert_int_eq(cbpf_ebpf_form_parse("obj", &f), -ENOENT);
	ck_assert_str_eq(cbpf_ebpf_func_name(68), "bpf_skb_load_bytes_relative");
	ck_assert_ptr_null(cbpf_ebpf_func_name(1));
}
END_TEST

/* ---------------------------------------------------------------- the interpreter */

static int run_in(const struct cbpf_ebpf_insn *v, size_t n, enum cbpf_target t,
		  const struct cbpf_input *in, uint64_t *ret)
{
	struct cbpf_ebpf_prog *p = cbpf_ebpf_prog_new(v, n, t);
	struct cbpf_diags d = { 0 };
	int err;

	ck_assert_ptr_nonnull(p);
	err = cbpf_ebpf_run(p, in, ret, &d);
	ck_assert_uint_eq(d.n, err ? 1 : 0);
	cbpf_diags_free(&d);
	cbpf_ebpf_prog_free(p);
	return err;
}

static const uint8_t frame[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,	 1,  2, 3,
				 4,    5,    0x08, 0x00, 0x45, 0,    0,	 20, 0, 0,
				 0x40, 0,    64,   17,	 0,    0,    10, 0,  0, 1 };

static uint64_t run(const struct cbpf_ebpf_insn *v, size_t n, enum cbpf_target t)
{
	struct cbpf_meta meta = { .net_off = 14, .mark = 0x1234, .protocol = htons(0x0800) };
	struct cbpf_input in = cbpf_input_packet(frame, sizeof(frame), 100, &meta);
	uint64_t r = 0;

	ck_assert_int_eq(run_in(v, n, t, &in, &r), 0);
	return r;
}

static int fault(const struct cbpf_ebpf_insn *v, size_t n, enum cbpf_target t)
{
	struct cbpf_input in = cbpf_input_packet(frame, sizeof(frame), sizeof(frame), NULL);
	uint64_t r;

	return run_in(v, n, t, &in, &r);
}

#define RUN(t, ...)   run(EPROG(__VA_ARGS__), ELEN(__VA_ARGS__), t)
#define FAULT(t, ...) fault(EPROG(__VA_ARGS__), ELEN(__VA_ARGS__), t)

START_TEST(interpreter_arithmetic)
{
	/* 32-bit operations wrap and zero the upper half. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV64(0, -1),
			      E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 2), EXIT),
			  1);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV64(0, -1), EXIT), UINT64_MAX);
	/* eBPF: x / 0 = 0, x % 0 = x (the translator guards classic division itself). */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 7), MOV32(1, 0),
			      E(CBPF_ALU | CBPF_DIV | CBPF_X, 0, 1, 0, 0), EXIT),
			  0);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 7), MOV32(1, 0),
			      E(CBPF_ALU | CBPF_MOD | CBPF_X, 0, 1, 0, 0), EXIT),
			  7);
	/* Shifts by a register use 5 (or 6) bits of it. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 1), MOV32(1, 33),
			      E(CBPF_ALU | CBPF_LSH | CBPF_X, 0, 1, 0, 0), EXIT),
			  2);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV64(0, -8),
			      E(ALU64 | CBPF_EBPF_ARSH | CBPF_K, 0, 0, 0, 1), EXIT),
			  (uint64_t)-4);
	/* be16 swaps and cuts to 16 bits, be32 to 32 (on this little-endian host or not). */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 0x11223344),
			      E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 0, 0, 0, 16), EXIT),
			  htons(0x3344));
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 0x11223344),
			      E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 0, 0, 0, 32), EXIT),
			  htonl(0x11223344));
	/* JMP32 compares the low halves, signed where asked. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV64(0, -1),
			      E(JMP32 | CBPF_EBPF_JSLT | CBPF_K, 0, 0, 1, 0), MOV64(0, 5), EXIT),
			  UINT64_MAX);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 5),
			      E(CBPF_JMP | CBPF_JGT | CBPF_K, 0, 0, 1, -1), MOV64(0, 9), EXIT),
			  9);
}
END_TEST

START_TEST(interpreter_memory)
{
	/* The stack, written then read. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOV32(0, 77),
			      E(CBPF_STX | MEM | CBPF_W, 10, 0, -4, 0), MOV32(0, 0),
			      E(CBPF_LDX | MEM | CBPF_W, 0, 10, -4, 0), EXIT),
			  77);
	/* LD_ABS: big-endian, from skb->data; out of bounds ends the program with 0. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOVR(6, 1),
			      E(CBPF_LD | CBPF_ABS | CBPF_H, 0, 0, 0, 12), EXIT),
			  0x0800);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOVR(6, 1), MOV32(0, 9),
			      E(CBPF_LD | CBPF_ABS | CBPF_W, 0, 0, 0, 28), EXIT),
			  0);
	/* SKF_NET_OFF from the network header, SKF_LL_OFF from the link-layer one. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOVR(6, 1),
			      E(CBPF_LD | CBPF_ABS | CBPF_B, 0, 0, 0, CBPF_NET_OFF + 9), EXIT),
			  17);
	ck_assert_uint_eq(RUN(CBPF_TARGET_SOCKET, MOVR(6, 1), MOV32(7, CBPF_LL_OFF),
			      E(CBPF_LD | CBPF_IND | CBPF_B, 0, 7, 0, 13), EXIT),
			  0x00);
	/* __sk_buff: len is the wire length, protocol stays in network order. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_TC, E(CBPF_LDX | MEM | CBPF_W, 0, 1, 0, 0), EXIT), 100);
	ck_assert_uint_eq(RUN(CBPF_TARGET_TC, E(CBPF_LDX | MEM | CBPF_W, 0, 1, 16, 0), EXIT),
			  htons(0x0800));
	ck_assert_uint_eq(RUN(CBPF_TARGET_TC, E(CBPF_LDX | MEM | CBPF_W, 0, 1, 8, 0), EXIT),
			  0x1234);
	/* bpf_skb_load_bytes into the stack; past the end it fails and zeroes. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_TC, MOV64(2, 12), MOVR(3, 10),
			      E(ALU64 | CBPF_ADD | CBPF_K, 3, 0, 0, -8), MOV64(4, 2),
			      E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 26),
			      E(CBPF_LDX | MEM | CBPF_H, 0, 10, -8, 0), EXIT),
			  htons(0x0800));
	ck_assert_uint_eq(RUN(CBPF_TARGET_TC, MOV64(2, 29), MOVR(3, 10),
			      E(ALU64 | CBPF_ADD | CBPF_K, 3, 0, 0, -8), MOV64(4, 2),
			      E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 26), EXIT),
			  (uint64_t)(int64_t)-EFAULT);
	/* xdp: data and data_end. */
	ck_assert_uint_eq(RUN(CBPF_TARGET_XDP, E(CBPF_LDX | MEM | CBPF_W, 2, 1, 0, 0),
			      E(CBPF_LDX | MEM | CBPF_W, 0, 1, 4, 0),
			      E(ALU64 | CBPF_SUB | CBPF_X, 0, 2, 0, 0), EXIT),
			  sizeof(frame));
}
END_TEST

START_TEST(interpreter_refuses_what_the_verifier_refuses)
{
	/* A register never written, r1-r5 after a call, the stack misaligned or unwritten, memory
	 * elsewhere, a helper not in the set, LD_ABS without the context in r6, no exit. */
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, MOVR(0, 5), EXIT), -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 7),
			       MOVR(0, 1), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, MOV32(0, 1),
			       E(CBPF_STX | MEM | CBPF_W, 10, 0, -6, 0), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, E(CBPF_LDX | MEM | CBPF_W, 0, 10, -4, 0), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, MOV64(1, 0x1000),
			       E(CBPF_LDX | MEM | CBPF_W, 0, 1, 0, 0), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, 1), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, E(CBPF_LD | CBPF_ABS | CBPF_B, 0, 0, 0, 1),
			       EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, MOV32(0, 0)), -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_XDP, E(CBPF_LDX | MEM | CBPF_W, 2, 1, 0, 0),
			       E(CBPF_LDX | MEM | CBPF_W, 0, 2, 28, 0), EXIT),
			 -EINVAL);
	ck_assert_int_eq(FAULT(CBPF_TARGET_SOCKET, E(CBPF_JMP | CBPF_JA, 0, 0, -1, 0)), -EINVAL);
}
END_TEST

START_TEST(interpreter_seccomp)
{
	struct cbpf_seccomp_data sd = { 59, 0xc000003e, 0x1122334455667788ull, { 1, 2 } };
	struct cbpf_input in = cbpf_input_seccomp(&sd);
	uint64_t r;

	ck_assert_int_eq(run_in(EPROG(E(CBPF_LDX | MEM | CBPF_W, 0, 1, 4, 0), EXIT), 2,
				CBPF_TARGET_SECCOMP, &in, &r),
			 0);
	ck_assert_uint_eq(r, 0xc000003e);
	ck_assert_int_eq(run_in(EPROG(E(CBPF_LDX | MEM | CBPF_W, 0, 1, 0, 0), EXIT), 2,
				CBPF_TARGET_SECCOMP, &in, &r),
			 0);
	ck_assert_uint_eq(r, 59);
	ck_assert_int_eq(run_in(EPROG(E(CBPF_LDX | MEM | CBPF_W, 0, 1, 64, 0), EXIT), 2,
				CBPF_TARGET_SECCOMP, &in, &r),
			 -EINVAL);
}
END_TEST

Suite *ebpf_suite(void)
{
	Suite *s = suite_create("ebpf");
	TCase *tc = tcase_create("model");
	TCase *vm = tcase_create("interpreter");

	tcase_add_test(tc, disassembler_speaks_bpftool);
	tcase_add_test(tc, writers);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	tcase_add_test(vm, interpreter_arithmetic);
	tcase_add_test(vm, interpreter_memory);
	tcase_add_test(vm, interpreter_refuses_what_the_verifier_refuses);
	tcase_add_test(vm, interpreter_seccomp);
	suite_add_tcase(s, vm);
	return s;
}
