// SPDX-License-Identifier: MIT
/*
 * The translator: what it emits for small programs, that translations of long programs, far
 * jumps, loads at every alignment and jumps of every kind mean what their classic programs mean
 * (the classic and the eBPF interpreter on the same inputs), refusals with their reasons, and
 * the options. What single programs return is in tests/cases/vm, which tests/tools/vm-cases
 * runs through every translation too; the running kernel's verdicts on random programs are in
 * tests/tools/xlate-kernel.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "cbpf.h"
#include "ebpf/ebpf_prog.h"
#include "unit.h"

#define I(code, k)	   ((struct cbpf_insn){ (code), 0, 0, (uint32_t)(k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (uint32_t)(k) })
#define PROG(...)	   ((const struct cbpf_insn[]){ __VA_ARGS__ })
#define LEN(...)	   (sizeof((const struct cbpf_insn[]){ __VA_ARGS__ }) / sizeof(struct cbpf_insn))

#define RET_A	     I(CBPF_RET | CBPF_A, 0)
#define RET(k)	     I(CBPF_RET | CBPF_K, k)
#define LD_IMM(k)    I(CBPF_LD | CBPF_IMM, k)
#define LDX_IMM(k)   I(CBPF_LDX | CBPF_IMM, k)
#define ABS(sz, k)   I(CBPF_LD | (sz) | CBPF_ABS, k)
#define IND(sz, k)   I(CBPF_LD | (sz) | CBPF_IND, k)
#define ANC(n)	     ABS(CBPF_W, CBPF_AD_OFF + (n))
#define ALU_X(op)    I(CBPF_ALU | (op) | CBPF_X, 0)
#define ALU_K(op, k) I(CBPF_ALU | (op) | CBPF_K, k)

static struct cbpf_ebpf_prog *xlate_opts(const struct cbpf_insn *v, size_t n,
					 const struct cbpf_xlate_opts *o, int want_err,
					 struct cbpf_diags *d)
{
	struct cbpf_prog *p = cbpf_prog_new(v, n);
	struct cbpf_ebpf_prog *e = NULL;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(cbpf_xlate(p, o, &e, d), want_err);
	cbpf_prog_free(p); /* the translation keeps its own copy */
	if (want_err)
		ck_assert_ptr_null(e);
	return e;
}

static struct cbpf_ebpf_prog *xlate(const struct cbpf_insn *v, size_t n, enum cbpf_target t)
{
	struct cbpf_xlate_opts o = { .target = t };
	struct cbpf_diags d = { 0 };
	struct cbpf_ebpf_prog *e = xlate_opts(v, n, &o, 0, &d);

	ck_assert_uint_eq(d.n, 0);
	return e;
}

static char *disasm(const struct cbpf_ebpf_prog *e)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(cbpf_ebpf_write(f, e, CBPF_EBPF_FORM_ASM, NULL), 0);
	fclose(f);
	return buf;
}

static void expect_asm(const struct cbpf_insn *v, size_t n, enum cbpf_target t, const char *want)
{
	struct cbpf_ebpf_prog *e = xlate(v, n, t);
	char *s = disasm(e);

	ck_assert_str_eq(s, want);
	free(s);
	cbpf_ebpf_prog_free(e);
}

#define ASM(t, want, ...) expect_asm(PROG(__VA_ARGS__), LEN(__VA_ARGS__), t, want)

START_TEST(short_output)
{
	/* A and X in registers, only what is read before written is zeroed, returns inline. */
	ASM(CBPF_TARGET_SOCKET, "   0: (b4) w0 = 0\n   1: (95) exit\n", RET(0));
	ASM(CBPF_TARGET_SOCKET, "   0: (b4) w0 = 0\n   1: (95) exit\n", RET_A);
	ASM(CBPF_TARGET_TC, "   0: (b4) w0 = 2\n   1: (95) exit\n", RET(0));
	ASM(CBPF_TARGET_XDP, "   0: (b4) w0 = 2\n   1: (95) exit\n", RET(1));
	/* tc: the packet directly when its linear part holds the bytes (data to data_end), else
	 * their copy on the stack; r9 points at either. */
	ASM(CBPF_TARGET_TC,
	    "   0: (bf) r6 = r1\n"
	    "   1: (61) r3 = *(u32 *)(r6 +76)\n"
	    "   2: (61) r2 = *(u32 *)(r6 +80)\n"
	    "   3: (bf) r9 = r3\n"
	    "   4: (07) r3 += 14\n"
	    "   5: (bd) if r3 <= r2 goto pc+8\n"
	    "   6: (bf) r9 = r10\n"
	    "   7: (07) r9 += -330\n"
	    "   8: (bf) r1 = r6\n"
	    "   9: (b7) r2 = 0\n"
	    "  10: (bf) r3 = r9\n"
	    "  11: (b7) r4 = 14\n"
	    "  12: (85) call bpf_skb_load_bytes#26\n"
	    "  13: (55) if r0 != 0x0 goto pc+3\n"
	    "  14: (69) r0 = *(u16 *)(r9 +12)\n"
	    "  15: (dc) r0 = be16 r0\n"
	    "  16: (55) if r0 != 0x0 goto pc+2\n"
	    "  17: (b4) w0 = 2\n"
	    "  18: (95) exit\n"
	    "  19: (b4) w0 = 0\n"
	    "  20: (95) exit\n",
	    ABS(CBPF_H, 12), RET_A);
	ASM(CBPF_TARGET_SOCKET,
	    "   0: (bf) r6 = r1\n"
	    "   1: (28) r0 = *(u16 *)skb[12]\n"
	    "   2: (55) if r0 != 0x800 goto pc+2\n"
	    "   3: (b4) w0 = 262144\n"
	    "   4: (95) exit\n"
	    "   5: (b4) w0 = 0\n"
	    "   6: (95) exit\n",
	    ABS(CBPF_H, 12), J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800), RET(262144), RET(0));
	/* xdp: one bounds check for a straight run, none where every path checked enough. */
	ASM(CBPF_TARGET_XDP,
	    "   0: (61) r8 = *(u32 *)(r1 +0)\n"
	    "   1: (61) r9 = *(u32 *)(r1 +4)\n"
	    "   2: (bf) r1 = r8\n"
	    "   3: (07) r1 += 24\n"
	    "   4: (2d) if r1 > r9 goto pc+6\n"
	    "   5: (69) r0 = *(u16 *)(r8 +12)\n"
	    "   6: (dc) r0 = be16 r0\n"
	    "   7: (71) r0 = *(u8 *)(r8 +23)\n"
	    "   8: (55) if r0 != 0x11 goto pc+2\n"
	    "   9: (69) r0 = *(u16 *)(r8 +20)\n"
	    "  10: (dc) r0 = be16 r0\n"
	    "  11: (b4) w0 = 1\n"
	    "  12: (95) exit\n",
	    ABS(CBPF_H, 12), ABS(CBPF_B, 23), J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 2, 17),
	    ABS(CBPF_H, 20), RET(0), RET(0));
	/* Large constants compare in 32 bits (the immediate would be sign-extended). */
	ASM(CBPF_TARGET_SECCOMP,
	    "   0: (61) r0 = *(u32 *)(r1 +4)\n"
	    "   1: (56) if w0 != 0xc000003e goto pc+2\n"
	    "   2: (b4) w0 = 2147418112\n"
	    "   3: (95) exit\n"
	    "   4: (b4) w0 = 0\n"
	    "   5: (95) exit\n",
	    ABS(CBPF_W, 4), J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0xc000003e), RET(0x7fff0000),
	    RET(0));
}
END_TEST

/* ---------------------------------------------------------------- meaning */

static const uint8_t frame[] = {
	0x00, 0x00, 0x5e, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, /* eth
											     */
	0x46, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, /* IPv4 + option */
	10,   0,    0,	  1,	192,  168,  1,	  1,	0x01, 0x01, 0x01, 0x00, /* addresses, NOPs,
										   EOL */
	0x04, 0xd2, 0x00, 0x50, 0,    0,    0,	  1,	0,    0,    0,	  0,	0x50, 0x02, 0xff,
	0xff, 0,    0,	  0,	0, /* TCP */
};

/*
 * Every input a test sees: whole, cut short, without device or link-layer header, tagged; for tc
 * also paged (a linear part shorter than the frame: direct reads must give way to the helper).
 */
static void inputs(struct cbpf_input *in, struct cbpf_meta *meta, size_t *n, enum cbpf_target t)
{
	struct cbpf_meta base = { .net_off = 14,
				  .protocol = htons(0x0800),
				  .pkttype = 3,
				  .ifindex = 7,
				  .hatype = 1,
				  .queue = 3,
				  .mark = 0xdeadbeef,
				  .rxhash = 0x12345678,
				  .cpu = 5,
				  .random = 0x9abcdef0 };

	*n = 0;
	meta[*n] = base;
	in[*n] = cbpf_input_packet(frame, sizeof(frame), sizeof(frame), &meta[*n]);
	(*n)++;
	for (uint32_t cut = 0; cut < sizeof(frame); cut += 7) {
		meta[*n] = base;
		in[*n] =
			cbpf_input_packet(frame, cut, t == CBPF_TARGET_XDP ? cut : 1500, &meta[*n]);
		(*n)++;
	}
	if (t == CBPF_TARGET_XDP)
		return;
	for (uint32_t head = 1; t == CBPF_TARGET_TC && head < sizeof(frame); head += 13) {
		meta[*n] = base;
		meta[*n].headlen = head;
		in[*n] = cbpf_input_packet(frame, sizeof(frame), sizeof(frame), &meta[*n]);
		(*n)++;
	}
	meta[*n] = base;
	meta[*n].vlan_present = true;
	meta[*n].vlan_tci = 0x2064;
	meta[*n].vlan_proto = htons(0x8100);
	in[*n] = cbpf_input_packet(frame, sizeof(frame), sizeof(frame), &meta[*n]);
	(*n)++;
	meta[*n] = base;
	meta[*n].no_mac = true;
	meta[*n].net_off = 0;
	in[*n] = cbpf_input_packet(frame + 14, sizeof(frame) - 14, 40, &meta[*n]);
	(*n)++;
	if (t == CBPF_TARGET_SOCKET) {
		meta[*n] = base;
		meta[*n].no_dev = true;
		in[*n] = cbpf_input_packet(frame, sizeof(frame), sizeof(frame), &meta[*n]);
		(*n)++;
	}
}

/*
 * Translates for every packet target that can take the program and checks the eBPF interpreter
 * gives the classic result (as an action for tc and xdp) on every input.
 */
static void same(const struct cbpf_insn *v, size_t n)
{
	struct cbpf_prog *p = cbpf_prog_new(v, n);
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm;

	ck_assert_int_eq(cbpf_vm_new(p, CBPF_VM_SOCKET, &vm, &d), 0);
	for (int t = CBPF_TARGET_SOCKET; t <= CBPF_TARGET_XDP; t++) {
		struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
		struct cbpf_input in[24];
		struct cbpf_meta meta[24];
		struct cbpf_ebpf_prog *e;
		size_t ni;
		int err;

		err = cbpf_xlate(p, &o, &e, &d);
		cbpf_diags_free(&d);
		if (err == -ENOTSUP)
			continue;
		ck_assert_int_eq(err, 0);
		inputs(in, meta, &ni, o.target);
		for (size_t i = 0; i < ni; i++) {
			uint32_t want = cbpf_vm_run(vm, &in[i]);
			uint64_t got;

			ck_assert_int_eq(cbpf_ebpf_run(e, &in[i], &got, &d), 0);
			ck_assert_msg((uint32_t)got == cbpf_xlate_result(e, want),
				      "%s, input %zu: classic %u, eBPF %u",
				      cbpf_target_name(o.target), i, want, (uint32_t)got);
		}
		cbpf_ebpf_prog_free(e);
	}
	cbpf_vm_free(vm);
	cbpf_prog_free(p);
}

#define SAME(...) same(PROG(__VA_ARGS__), LEN(__VA_ARGS__))

START_TEST(loads_at_every_alignment)
{
	/* tc reads its copy of the packet from the stack, where the verifier wants alignment. */
	for (uint32_t k = 0; k < 8; k++) {
		SAME(ABS(CBPF_W, 12 + k), RET_A);
		SAME(ABS(CBPF_H, 12 + k), RET_A);
		SAME(ABS(CBPF_W, 12 + k), I(CBPF_ST, 0), ABS(CBPF_H, 13 + k), ALU_K(CBPF_ADD, 1),
		     I(CBPF_LDX | CBPF_MEM, 0), ALU_X(CBPF_ADD), RET_A);
	}
}
END_TEST

START_TEST(jumps_of_every_kind)
{
	/* Conditional jumps of every kind, taken and not, constants above 2^31. */
	for (uint32_t a = 0; a < 3; a++) {
		static const uint16_t ops[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };

		for (size_t o = 0; o < 4; o++) {
			uint32_t v = a == 2 ? 0x80000001u : a;

			SAME(LD_IMM(v), J(CBPF_JMP | ops[o] | CBPF_K, 1, 0, 1), RET(10), RET(20));
			SAME(LD_IMM(v), J(CBPF_JMP | ops[o] | CBPF_K, 0, 1, 0x80000000u), RET(10),
			     RET(20));
			SAME(LD_IMM(v), LDX_IMM(1), J(CBPF_JMP | ops[o] | CBPF_X, 1, 1, 0), RET(10),
			     RET(20));
			SAME(LD_IMM(v), J(CBPF_JMP | ops[o] | CBPF_K, 0, 0, 1), RET(10), RET(20));
		}
	}
}
END_TEST

/* ---------------------------------------------------------------- refusals and options */

static void refused(const struct cbpf_insn *v, size_t n, enum cbpf_target t, int err, long insn,
		    const char *part)
{
	struct cbpf_xlate_opts o = { .target = t };
	struct cbpf_diags d = { 0 };

	xlate_opts(v, n, &o, err, &d);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_int_eq(d.v[0].severity, CBPF_SEV_ERROR);
	ck_assert_int_eq(d.v[0].insn, insn);
	ck_assert_msg(strstr(d.v[0].msg, part), "'%s' lacks '%s'", d.v[0].msg, part);
	cbpf_diags_free(&d);
}

#define REFUSED(t, err, insn, part, ...)                                                           \
	refused(PROG(__VA_ARGS__), LEN(__VA_ARGS__), t, err, insn, part)

START_TEST(refusals)
{
	for (int t = 0; t < 3; t++) {
		REFUSED(t, -ENOTSUP, 1, "'ld #hatype' cannot be translated", LD_IMM(0),
			ANC(CBPF_AD_HATYPE), RET_A);
		REFUSED(t, -ENOTSUP, 0, "payload offset", ANC(CBPF_AD_PAY_OFFSET), RET_A);
		REFUSED(t, -ENOTSUP, 0, "netlink attribute", ANC(CBPF_AD_NLATTR), RET_A);
	}
	REFUSED(CBPF_TARGET_XDP, -ENOTSUP, 0, "for xdp: XDP runs before there is an sk_buff",
		ANC(CBPF_AD_PROTOCOL), RET_A);
	REFUSED(CBPF_TARGET_XDP, -ENOTSUP, 0, "VLAN tag", ANC(CBPF_AD_VLAN_TAG), RET_A);
	/* What cannot run at all. */
	refused(NULL, 0, CBPF_TARGET_SOCKET, -EINVAL, -1, "empty");
	REFUSED(CBPF_TARGET_SOCKET, -EINVAL, 0, "unknown opcode 0xff", I(0xff, 0), RET(0));
	REFUSED(CBPF_TARGET_SOCKET, -EINVAL, 0, "past the end", I(CBPF_JMP | CBPF_JA, 1), RET(0));
	REFUSED(CBPF_TARGET_SOCKET, -EINVAL, 0, "past the end",
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 5, 0), RET(0));
	REFUSED(CBPF_TARGET_SOCKET, -EINVAL, 0, "M[16] is out of range", I(CBPF_ST, 16), RET(0));
	REFUSED(CBPF_TARGET_SOCKET, -EINVAL, 0, "must be a return", LD_IMM(0));
}
END_TEST

START_TEST(refusals_are_located)
{
	static const char src[] = "ldh [12]\nld #hatype\nret a\n";
	struct cbpf_asm_opts ao = { .file = "f.bpf" };
	struct cbpf_xlate_opts o = { .target = CBPF_TARGET_TC };
	struct cbpf_diags d = { 0 };
	struct cbpf_ebpf_prog *e;
	struct cbpf_prog *p;

	if (cbpf_asm_parse(src, sizeof(src) - 1, &ao, &p, &d)) {
		cbpf_diags_free(&d);
		return; /* no assembler in this build */
	}
	ck_assert_int_eq(cbpf_xlate(p, &o, &e, &d), -ENOTSUP);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].file, "f.bpf");
	ck_assert_uint_eq(d.v[0].line, 2);
	cbpf_diags_free(&d);
	cbpf_prog_free(p);
}
END_TEST

START_TEST(options_and_actions)
{
	struct cbpf_xlate_opts o = { .target = CBPF_TARGET_SOCKET, .classid = true };
	struct cbpf_diags d = { 0 };
	struct cbpf_ebpf_prog *e;
	int32_t v;

	xlate_opts(PROG(RET(0)), 1, &o, -EINVAL, &d);
	cbpf_diags_free(&d);
	o = (struct cbpf_xlate_opts){ .target = CBPF_TARGET_SECCOMP, .set_match = true };
	xlate_opts(PROG(RET(0)), 1, &o, -EINVAL, &d);
	cbpf_diags_free(&d);
	o = (struct cbpf_xlate_opts){ .target = CBPF_TARGET_TC, .classid = true, .set_nomatch = 1 };
	xlate_opts(PROG(RET(0)), 1, &o, -EINVAL, &d);
	cbpf_diags_free(&d);
	/* Class ids: the result itself; actions: match or nomatch. */
	o = (struct cbpf_xlate_opts){ .target = CBPF_TARGET_TC, .classid = true };
	e = xlate_opts(PROG(RET(0x10001)), 1, &o, 0, &d);
	ck_assert_uint_eq(cbpf_xlate_result(e, 0x10001), 0x10001);
	cbpf_ebpf_prog_free(e);
	o = (struct cbpf_xlate_opts){ .target = CBPF_TARGET_XDP,
				      .set_match = true,
				      .match = 3,
				      .set_nomatch = true,
				      .nomatch = 0 };
	e = xlate_opts(PROG(RET(7)), 1, &o, 0, &d);
	ck_assert_uint_eq(cbpf_xlate_result(e, 7), 3);
	ck_assert_uint_eq(cbpf_xlate_result(e, 0), 0);
	cbpf_ebpf_prog_free(e);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "SHOT", &v), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "unspec", &v), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_XDP, "tx", &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_XDP, "17", &v), 0);
	ck_assert_int_eq(v, 17);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_XDP, "0x7", &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "4294967295", &v), 0);
	ck_assert_int_eq(v, -1);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "-0x80000000", &v), 0);
	ck_assert_int_eq(v, INT32_MIN);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "010", &v), 0);
	ck_assert_int_eq(v, 8);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "0x100000000", &v), -ENOENT);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "-2147483649", &v), -ENOENT);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "7x", &v), -ENOENT);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_TC, "", &v), -ENOENT);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_XDP, "shot", &v), -ENOENT);
	ck_assert_int_eq(cbpf_xlate_action_parse(CBPF_TARGET_SOCKET, "ok", &v), -EINVAL);
	ck_assert_str_eq(cbpf_xlate_action_name(CBPF_TARGET_XDP, 2), "pass");
	ck_assert_ptr_null(cbpf_xlate_action_name(CBPF_TARGET_XDP, 9));
}
END_TEST

START_TEST(long_programs)
{
	/* 4096 instructions, all reachable: loads, compares, jumps over one, all the way. */
	struct cbpf_insn *v = malloc(4096 * sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (uint32_t i = 0; i < 4095; i++) {
		if (i % 3 == 0)
			v[i] = ABS(CBPF_H, (i * 7) % 64);
		else if (i % 3 == 1)
			v[i] = J(CBPF_JMP | CBPF_JGT | CBPF_K, 1, 0, i * 13);
		else
			v[i] = ALU_K(CBPF_ADD, i);
	}
	v[4095] = RET_A;
	for (int t = 0; t < 3; t++) {
		struct cbpf_ebpf_prog *e = xlate(v, 4096, (enum cbpf_target)t);

		ck_assert_uint_gt(cbpf_ebpf_prog_len(e), 4096);
		cbpf_ebpf_prog_free(e);
	}
	same(v, 4096);
	free(v);
}
END_TEST

START_TEST(far_jumps)
{
	/* [x + k] loads translate long for tc and xdp: a ja over 4000 of them needs gotol. */
	struct cbpf_insn *v = malloc(4096 * sizeof(*v));
	uint32_t n = 0;

	ck_assert_ptr_nonnull(v);
	v[n++] = ABS(CBPF_B, 23);
	v[n++] = I(CBPF_MISC | CBPF_TAX, 0);
	v[n++] = J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 6);
	v[n++] = I(CBPF_JMP | CBPF_JA, 4091);
	while (n < 4095) {
		v[n] = IND(CBPF_B, n % 40);
		n++;
	}
	v[n++] = RET_A;
	for (int t = CBPF_TARGET_TC; t <= CBPF_TARGET_XDP; t++) {
		struct cbpf_ebpf_prog *e = xlate(v, n, (enum cbpf_target)t);
		const struct cbpf_ebpf_insn *in = cbpf_ebpf_prog_insns(e);
		size_t gotol = 0;

		ck_assert_uint_gt(cbpf_ebpf_prog_len(e), 32768);
		for (size_t i = 0; i < cbpf_ebpf_prog_len(e); i++)
			gotol += in[i].code == (CBPF_EBPF_JMP32 | CBPF_JA);
		ck_assert_uint_gt(gotol, 0);
		cbpf_ebpf_prog_free(e);
	}
	same(v, n);
	free(v);
}
END_TEST

/*
 * --verify for a loader without CAP_PERFMON: the verifier refuses what translations once did in
 * XDP (ld #len as data_end - data: "pointer -= pointer prohibited"), and the proof falls back to
 * libcbpf's interpreter with a note instead of failing. Root drops CAP_PERFMON and CAP_SYS_ADMIN
 * from its effective set in a child; skipped without root.
 */
START_TEST(proof_without_perfmon)
{
	struct cbpf_ebpf_insn *v = malloc(8 * sizeof(*v));
	struct cbpf_ebpf_prog *e;
	uint8_t pkt[60] = { 0 };
	int status = -1;
	pid_t pid;

	if (geteuid())
		return;
	ck_assert_ptr_nonnull(v);
	v[0] = E_LDX(CBPF_W, CBPF_EBPF_R2, CBPF_EBPF_R1, 0); /* data */
	v[1] = E_LDX(CBPF_W, CBPF_EBPF_R3, CBPF_EBPF_R1, 4); /* data_end */
	v[2] = E_ALU64_REG(CBPF_SUB, CBPF_EBPF_R3, CBPF_EBPF_R2);
	v[3] = E_JMP_IMM(CBPF_JEQ, CBPF_EBPF_R3, 0, 2);
	v[4] = E_MOV32_IMM(CBPF_EBPF_R0, 2); /* XDP_PASS */
	v[5] = E_EXIT();
	v[6] = E_MOV32_IMM(CBPF_EBPF_R0, 1); /* XDP_DROP */
	v[7] = E_EXIT();
	e = ebpf_prog_adopt(v, 8, NULL, CBPF_TARGET_XDP);
	ck_assert_ptr_nonnull(e);
	e->classic = cbpf_prog_new(PROG(I(CBPF_LD | CBPF_LEN, 0), RET_A), 2);
	e->actions = true;
	e->match = 2;
	e->nomatch = 1;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		struct cbpf_proof_opts po = { 0 };
		struct cbpf_proof_result res;
		struct cbpf_diags diags = { 0 };
		struct cbpf_proof *proof;
		const char *why;

		if (syscall(SYS_capget, &h, d))
			_exit(2);
		d[CAP_PERFMON / 32].effective &= ~(1u << (CAP_PERFMON % 32));
		d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(2);
		if (cbpf_proof_new(e, &po, &proof, &why, &diags))
			_exit(3);
		if (why && strstr(why, "bpf(2) is not allowed"))
			_exit(0); /* a container without bpf(2): nothing to see */
		if (cbpf_proof_engine(proof) != CBPF_PROOF_INTERPRETER || !why ||
		    !strstr(why, "CAP_PERFMON"))
			_exit(4);
		if (cbpf_proof_frame(proof, pkt, sizeof(pkt), &res, &diags) || !res.agree ||
		    res.got != 2)
			_exit(5);
		cbpf_proof_free(proof);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child without CAP_PERFMON failed at step %d", WEXITSTATUS(status));
	cbpf_ebpf_prog_free(e);
}
END_TEST

START_TEST(func_target)
{
	struct cbpf_xlate_opts o = { .target = CBPF_TARGET_FUNC, .probe = true, .name = "pick" };
	struct cbpf_diags d = { 0 };
	struct cbpf_ebpf_prog *e;
	char *text;

	/* int f(void *data, void *data_end): the bounds come in r1 and r2; the result is A. */
	ASM(CBPF_TARGET_FUNC,
	    "   0: (bf) r8 = r1\n"
	    "   1: (bf) r9 = r2\n"
	    "   2: (bf) r1 = r8\n"
	    "   3: (07) r1 += 14\n"
	    "   4: (2d) if r1 > r9 goto pc+3\n"
	    "   5: (69) r0 = *(u16 *)(r8 +12)\n"
	    "   6: (dc) r0 = be16 r0\n"
	    "   7: (95) exit\n"
	    "   8: (b4) w0 = 0\n"
	    "   9: (95) exit\n",
	    ABS(CBPF_H, 12), RET_A);
	/* [x + k]: a bounded variable offset from data, checked against data_end. */
	ASM(CBPF_TARGET_FUNC,
	    "   0: (bf) r8 = r1\n"
	    "   1: (bf) r9 = r2\n"
	    "   2: (b4) w7 = 4\n"
	    "   3: (b4) w2 = 14\n"
	    "   4: (0c) w2 += w7\n"
	    "   5: (25) if r2 > 0xfffe goto pc+7\n"
	    "   6: (bf) r1 = r8\n"
	    "   7: (0f) r1 += r2\n"
	    "   8: (bf) r3 = r1\n"
	    "   9: (07) r3 += 1\n"
	    "  10: (2d) if r3 > r9 goto pc+2\n"
	    "  11: (71) r0 = *(u8 *)(r1 +0)\n"
	    "  12: (95) exit\n"
	    "  13: (b4) w0 = 0\n"
	    "  14: (95) exit\n",
	    LDX_IMM(4), IND(CBPF_B, 14), RET_A);
	/* --probe: a bounds check and bpf_probe_read_kernel() per load; #len is end - data. */
	e = xlate_opts(PROG(I(CBPF_LDX | CBPF_B | CBPF_MSH, 14), I(CBPF_LD | CBPF_LEN, 0),
			    ALU_X(CBPF_ADD), RET_A),
		       4, &o, 0, &d);
	text = disasm(e);
	ck_assert_ptr_nonnull(strstr(text, "   6: (2d) if r1 > r9 goto pc+13\n"));
	ck_assert_ptr_nonnull(strstr(text, "  10: (85) call bpf_probe_read_kernel#113\n"));
	ck_assert_ptr_nonnull(strstr(text, "  16: (1f) r0 -= r8\n"));
	ck_assert_str_eq(cbpf_ebpf_prog_name(e), "pick");
	free(text);
	cbpf_ebpf_prog_free(e);
	/* A function gets only the bytes; probe is for func only. */
	o.probe = false;
	ck_assert_ptr_null(xlate_opts(PROG(ANC(CBPF_AD_PROTOCOL), RET_A), 2, &o, -ENOTSUP, &d));
	cbpf_diags_free(&d);
	o = (struct cbpf_xlate_opts){ .target = CBPF_TARGET_TC, .probe = true };
	ck_assert_ptr_null(xlate_opts(PROG(RET(1)), 1, &o, -EINVAL, &d));
	cbpf_diags_free(&d);
}
END_TEST

Suite *xlate_suite(void)
{
	Suite *s = suite_create("xlate");
	TCase *tc = tcase_create("translations");
	TCase *meaning = tcase_create("meaning");

	tcase_add_test(tc, short_output);
	tcase_add_test(tc, func_target);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, refusals_are_located);
	tcase_add_test(tc, options_and_actions);
	tcase_add_test(tc, long_programs);
	tcase_add_test(tc, far_jumps);
	tcase_add_test(tc, proof_without_perfmon);
	suite_add_tcase(s, tc);
	tcase_add_test(meaning, loads_at_every_alignment);
	tcase_add_test(meaning, jumps_of_every_kind);
	suite_add_tcase(s, meaning);
	return s;
}
