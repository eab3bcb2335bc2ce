// SPDX-License-Identifier: MIT
/* The validator: each kernel rule from both sides, with the exact diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "prog_insert.h"
#include "randprog.h"
#include "unit.h"

#define SOCKET	CBPF_CHECK_SOCKET
#define SECCOMP CBPF_CHECK_SECCOMP
#define PCAP	CBPF_CHECK_PCAP
#define NOTE	CBPF_SEV_NOTE
#define LOOP_NOTE                                                                                  \
	"libpcap runs backward jumps in user space (tcpdump's protochain), and so does cbpf-dbg; " \
	"cbpf-xlate translates them to eBPF for socket, tc and XDP as bounded loops"
#define LOOP_WARN(to)                                                                              \
	"jump to insn " #to " goes backwards: a loop, which libpcap runs in user space and the "   \
	"kernel's classic loaders refuse" CLASSIC
#define ERR  CBPF_SEV_ERROR
#define WARN CBPF_SEV_WARNING
#define AD   ((uint32_t)CBPF_AD_OFF)

#define I(code, jt, jf, k)                                                                         \
	{                                                                                          \
		(code), (jt), (jf), (k)                                                            \
	}
#define LDI(k) I(CBPF_LD | CBPF_IMM, 0, 0, (k))
#define RET0   I(CBPF_RET | CBPF_K, 0, 0, 0)
#define RETA   I(CBPF_RET | CBPF_A, 0, 0, 0)

#define BASICS	     " [net/core/filter.c: bpf_check_basics_ok]"
#define CLASSIC	     " [net/core/filter.c: bpf_check_classic]"
#define MEMORY	     " [net/core/filter.c: check_load_and_stores]"
#define SECCOMP_RULE " [kernel/seccomp.c: seccomp_check_filter]"
#define CONVERT	     " [net/core/filter.c: bpf_convert_filter]"

struct want {
	enum cbpf_severity severity;
	long insn;
	const char *msg;
};

/* Instruction i sits on line 10 + i, column 3, four bytes long, in "f.bpf". */
static struct cbpf_prog *located(const struct cbpf_insn *v, size_t n)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	ck_assert_ptr_nonnull(prog);
	ck_assert_int_eq(prog_set_file(prog, "f.bpf"), 0);
	for (size_t i = 0; i < n; i++) {
		struct cbpf_srcloc loc = { (unsigned)(10 + i), 3, 4 };

		ck_assert_int_eq(prog_append(prog, v[i], &loc), 0);
	}
	return prog;
}

/* Checks prog in mode: the return value, then every diagnostic in order. */
static void expect_prog(const struct cbpf_prog *prog, enum cbpf_check_mode mode, int ret,
			const struct want *w, size_t nw)
{
	struct cbpf_diags diags = { 0 };
	bool positions = cbpf_prog_srcloc(prog, 0) != NULL;

	ck_assert_int_eq(cbpf_check(prog, mode, &diags), ret);
	for (size_t i = 0; i < diags.n && i < nw; i++) {
		const struct cbpf_diag *d = &diags.v[i];

		ck_assert_str_eq(d->msg, w[i].msg);
		ck_assert_int_eq(d->severity, w[i].severity);
		ck_assert_int_eq(d->insn, w[i].insn);
		if (positions && w[i].insn >= 0 && (size_t)w[i].insn < cbpf_prog_len(prog)) {
			ck_assert_str_eq(d->file, "f.bpf");
			ck_assert_uint_eq(d->line, 10 + (unsigned)w[i].insn);
			ck_assert_uint_eq(d->col, 3);
			ck_assert_uint_eq(d->len, 4);
		} else {
			ck_assert_uint_eq(d->line, 0);
		}
	}
	ck_assert_uint_eq(diags.n, nw);
	/* Without a list the verdict is the same. */
	ck_assert_int_eq(cbpf_check(prog, mode, NULL), ret);
	cbpf_diags_free(&diags);
}

static void expect(const struct cbpf_insn *v, size_t n, enum cbpf_check_mode mode, int ret,
		   const struct want *w, size_t nw)
{
	struct cbpf_prog *prog = located(v, n);

	expect_prog(prog, mode, ret, w, nw);
	cbpf_prog_free(prog);
}

#define INSNS(...)  ((const struct cbpf_insn[]){ __VA_ARGS__ })
#define NINSNS(...) (sizeof(INSNS(__VA_ARGS__)) / sizeof(struct cbpf_insn))
#define WANTS(...)  ((const struct want[]){ __VA_ARGS__ })
#define NWANTS(...) (sizeof(WANTS(__VA_ARGS__)) / sizeof(struct want))
/* ACCEPT(mode, insns...) and REJECT(mode, insns, wants...) with parenthesised lists. */
#define UNPACK(...)	    __VA_ARGS__
#define ACCEPT(mode, insns) expect(INSNS insns, NINSNS insns, mode, 0, NULL, 0)
#define REJECT(mode, insns, ...)                                                                   \
	expect(INSNS insns, NINSNS insns, mode, -EINVAL, WANTS(__VA_ARGS__), NWANTS(__VA_ARGS__))

/* n instructions: n - 1 copies of insn, then 'ret a'. */
static struct cbpf_prog *repeat(struct cbpf_insn insn, size_t n)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	ck_assert_ptr_nonnull(prog);
	for (size_t i = 0; i + 1 < n; i++)
		ck_assert_int_eq(prog_append(prog, insn, NULL), 0);
	ck_assert_int_eq(prog_append(prog, (struct cbpf_insn)RETA, NULL), 0);
	return prog;
}

START_TEST(length)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	expect_prog(prog, SOCKET, -EINVAL,
		    WANTS({ ERR, -1,
			    "program is empty; the kernel needs at least one instruction" BASICS }),
		    1);
	expect_prog(prog, SECCOMP, -EINVAL,
		    WANTS({ ERR, -1,
			    "program is empty; the kernel needs at least one instruction "
			    "[kernel/seccomp.c: seccomp_prepare_filter]" }),
		    1);
	cbpf_prog_free(prog);

	prog = repeat((struct cbpf_insn)LDI(0), 4096);
	expect_prog(prog, SOCKET, 0, NULL, 0);
	expect_prog(prog, SECCOMP, 0, NULL, 0);
	cbpf_prog_free(prog);
	prog = repeat((struct cbpf_insn)LDI(0), 4097);
	expect_prog(
		prog, SOCKET, -EINVAL,
		WANTS({ ERR, 4096,
			"program has 4097 instructions; the kernel accepts at most 4096" BASICS }),
		1);
	cbpf_prog_free(prog);
	ck_assert_int_eq(cbpf_check(NULL, SOCKET, NULL), -EINVAL);
}
END_TEST

START_TEST(opcodes)
{
	size_t n;
	const struct cbpf_opcode_info *t = cbpf_opcode_table(&n);

	REJECT(SOCKET, (I(0x0e, 0, 0, 0), RET0), { ERR, 0, "unknown opcode 0x0e" CLASSIC });
	REJECT(SECCOMP, (LDI(0), I(0x1234, 0, 0, 0), RET0),
	       { ERR, 1, "unknown opcode 0x1234" CLASSIC });
	/* Every code: known ones (with harmless operands) pass, the others are refused. */
	for (uint32_t code = 0; code <= 0xffff; code++) {
		/* k = 4 suits every operand (a 'ja' needs 0 to stay inside). */
		struct cbpf_insn v[2] = {
			{ (uint16_t)code, 0, 0, code == (CBPF_JMP | CBPF_JA) ? 0 : 4 }, RET0
		};
		struct cbpf_prog *prog = cbpf_prog_new(v, 2);
		const struct cbpf_opcode_info *info = cbpf_opcode_lookup((uint16_t)code);

		/* Loads from scratch memory need a store first; try them with one. */
		if (code == (CBPF_LD | CBPF_MEM) || code == (CBPF_LDX | CBPF_MEM))
			ck_assert_int_eq(prog_insert(prog, 0, (struct cbpf_insn)I(CBPF_ST, 0, 0, 4),
						     NULL),
					 0);
		ck_assert_int_eq(cbpf_check(prog, SOCKET, NULL), info ? 0 : -EINVAL);
		ck_assert_int_eq(cbpf_check(prog, SECCOMP, NULL),
				 info && (info->flags & CBPF_OPF_SECCOMP) ? 0 : -EINVAL);
		cbpf_prog_free(prog);
	}
	ck_assert_uint_eq(n, 49);
	(void)t;
}
END_TEST

START_TEST(constants)
{
	ACCEPT(SOCKET, (I(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 1),
			I(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 0xffffffff),
			I(CBPF_ALU | CBPF_DIV | CBPF_X, 0, 0, 0), RETA));
	REJECT(SOCKET, (I(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 0), RETA),
	       { ERR, 0, "division by constant zero" CLASSIC });
	REJECT(SOCKET, (I(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 0), RETA),
	       { ERR, 0, "modulo by constant zero" CLASSIC });
	ACCEPT(SECCOMP,
	       (I(CBPF_ALU | CBPF_LSH | CBPF_K, 0, 0, 31), I(CBPF_ALU | CBPF_RSH | CBPF_K, 0, 0, 0),
		I(CBPF_ALU | CBPF_LSH | CBPF_X, 0, 0, 99), RETA));
	REJECT(SECCOMP, (I(CBPF_ALU | CBPF_LSH | CBPF_K, 0, 0, 32), RETA),
	       { ERR, 0, "shift by constant 32 is out of range (at most 31)" CLASSIC });
	REJECT(SOCKET, (I(CBPF_ALU | CBPF_RSH | CBPF_K, 0, 0, 0xffffffff), RETA),
	       { ERR, 0, "shift by constant 4294967295 is out of range (at most 31)" CLASSIC });
	/* Fields an instruction does not use are ignored, whatever they hold. */
	ACCEPT(SECCOMP, (I(CBPF_MISC | CBPF_TAX, 7, 9, 123), I(CBPF_JMP | CBPF_JA, 200, 201, 0),
			 I(CBPF_RET | CBPF_A, 1, 2, 3)));
}
END_TEST

START_TEST(scratch_index)
{
	ACCEPT(SOCKET, (I(CBPF_ST, 0, 0, 15), I(CBPF_STX, 0, 0, 0), I(CBPF_LD | CBPF_MEM, 0, 0, 15),
			I(CBPF_LDX | CBPF_MEM, 0, 0, 0), RETA));
	REJECT(SOCKET, (I(CBPF_ST, 0, 0, 16), I(CBPF_LDX | CBPF_MEM, 0, 0, 0xffffffff), RETA),
	       { ERR, 0, "M[16] is out of range (scratch memory is M[0] to M[15])" CLASSIC },
	       { ERR, 1,
		 "M[4294967295] is out of range (scratch memory is M[0] to M[15])" CLASSIC });
}
END_TEST

START_TEST(jumps)
{
	ACCEPT(SOCKET, (I(CBPF_JMP | CBPF_JA, 0, 0, 0), I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 0),
			I(CBPF_JMP | CBPF_JSET | CBPF_X, 0, 0, 0), RET0));
	REJECT(SOCKET,
	       (LDI(0), LDI(0), LDI(0), LDI(0), I(CBPF_JMP | CBPF_JA, 0, 0, 7), LDI(0), RET0),
	       { ERR, 4,
		 "jump target 12 is past the end of the program (7 instructions)" CLASSIC });
	REJECT(SOCKET, (I(CBPF_JMP | CBPF_JA, 0, 0, 0xffffffff), RET0),
	       { ERR, 0,
		 "jump offset -1 jumps backwards; the kernel accepts only forward jumps" CLASSIC },
	       { NOTE, 0, LOOP_NOTE });
	/* Seccomp has no user-space runner of loops: no note. */
	REJECT(SECCOMP, (I(CBPF_JMP | CBPF_JA, 0, 0, 0xffffffff), RET0),
	       { ERR, 0,
		 "jump offset -1 jumps backwards; the kernel accepts only forward jumps" CLASSIC });
	/* libpcap's way: a loop inside the program is a warning, M[] written in it is written. */
	expect(INSNS(LDI(0), I(CBPF_ST, 0, 0, 2), I(CBPF_LD | CBPF_MEM, 0, 0, 2),
		     I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 7),
		     I(CBPF_JMP | CBPF_JA, 0, 0, 0xfffffffb), RET0),
	       6, PCAP, 0, WANTS({ WARN, 4, LOOP_WARN(0) }), 1);
	/* What cbpf-xlate translates as a bounded loop: no warning. */
	expect(INSNS(LDI(0), I(CBPF_ST, 0, 0, 2), I(CBPF_LD | CBPF_MEM, 0, 0, 2),
		     I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 7),
		     I(CBPF_JMP | CBPF_JA, 0, 0, 0xfffffffb), RET0),
	       6, CBPF_CHECK_EBPF, 0, NULL, 0);
	REJECT(CBPF_CHECK_EBPF, (LDI(0), I(CBPF_JMP | CBPF_JA, 0, 0, 0xfffffffd), RET0),
	       { ERR, 1,
		 "jump offset -3 jumps backwards; the kernel accepts only forward jumps" CLASSIC });
	/* Even onto itself: the budget ends it. Out of the program backwards it cannot run. */
	expect(INSNS(I(CBPF_JMP | CBPF_JA, 0, 0, 0xffffffff), RET0), 2, PCAP, 0,
	       WANTS({ WARN, 0, LOOP_WARN(0) }, { WARN, 1, "instruction 1 is unreachable" }), 2);
	REJECT(PCAP, (LDI(0), I(CBPF_JMP | CBPF_JA, 0, 0, 0xfffffffd), RET0),
	       { ERR, 1,
		 "jump offset -3 jumps backwards; the kernel accepts only forward jumps" CLASSIC });
	/* Both branches are checked, and both reported. */
	REJECT(SECCOMP, (I(CBPF_JMP | CBPF_JGE | CBPF_K, 2, 255, 0), RET0, RET0),
	       { ERR, 0, "jt target 3 is past the end of the program (3 instructions)" CLASSIC },
	       { ERR, 0, "jf target 256 is past the end of the program (3 instructions)" CLASSIC });
	REJECT(SOCKET, (I(CBPF_JMP | CBPF_JA, 0, 0, 0)),
	       { ERR, 0, "jump target 1 is past the end of the program (1 instruction)" CLASSIC },
	       { ERR, 0, "last instruction must be a return" CLASSIC });
}
END_TEST

START_TEST(last_return)
{
	ACCEPT(SOCKET, (I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0), RET0, RETA));
	REJECT(SECCOMP, (RET0, LDI(0)), { ERR, 1, "last instruction must be a return" CLASSIC },
	       { WARN, 1, "instruction 1 is unreachable" });
}
END_TEST

START_TEST(memory)
{
	/* Written on every path into the read. */
	ACCEPT(SOCKET, (I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 2, 0), I(CBPF_ST, 0, 0, 1),
			I(CBPF_JMP | CBPF_JA, 0, 0, 1), I(CBPF_STX, 0, 0, 1),
			I(CBPF_LD | CBPF_MEM, 0, 0, 1), RETA));
	/* The jf branch skips the store. */
	REJECT(SOCKET,
	       (LDI(0), I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 1), I(CBPF_ST, 0, 0, 3),
		I(CBPF_LD | CBPF_MEM, 0, 0, 3), RETA),
	       { ERR, 3,
		 "M[3] may be read before it is written (path through insns 0-1, 3)" MEMORY });
	REJECT(SECCOMP, (I(CBPF_LDX | CBPF_MEM, 0, 0, 0), RET0),
	       { ERR, 0,
		 "M[0] is read before it is written (it is the first instruction)" MEMORY });
	/* The kernel lets a 'ret' fall through: this read counts as preceded by the store. */
	expect(INSNS(I(CBPF_ST, 0, 0, 0), RET0, I(CBPF_LD | CBPF_MEM, 0, 0, 0), RETA), 4, SOCKET, 0,
	       WANTS({ WARN, 2, "instructions 2 to 3 are unreachable" }), 1);
	REJECT(SOCKET, (LDI(0), RET0, I(CBPF_LD | CBPF_MEM, 0, 0, 1), RETA),
	       { ERR, 2,
		 "M[1] may be read before it is written (path through insns 0-2; the kernel's "
		 "analysis falls through the 'ret' at insn 1)" MEMORY },
	       { WARN, 2, "instructions 2 to 3 are unreachable" });
	/* After a jump, an instruction no jump reaches starts with every cell written. */
	expect(INSNS(I(CBPF_JMP | CBPF_JA, 0, 0, 1), I(CBPF_LD | CBPF_MEM, 0, 0, 5), RET0), 3,
	       SOCKET, 0, WANTS({ WARN, 1, "instruction 1 is unreachable" }), 1);
	/* Every bad read is reported, each with its own path. */
	REJECT(SOCKET,
	       (I(CBPF_JMP | CBPF_JGT | CBPF_X, 1, 0, 0), I(CBPF_ST, 0, 0, 2),
		I(CBPF_LDX | CBPF_MEM, 0, 0, 2), I(CBPF_LD | CBPF_MEM, 0, 0, 4), RETA),
	       { ERR, 2, "M[2] may be read before it is written (path through insns 0, 2)" MEMORY },
	       { ERR, 3, "M[4] may be read before it is written (path through insns 0-3)" MEMORY });
}
END_TEST

START_TEST(memory_long_path)
{
	/* A ladder of twenty jumps over stores: the printed path elides its middle. */
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	struct cbpf_diags diags = { 0 };

	for (int i = 0; i < 20; i++) {
		prog_append(prog, (struct cbpf_insn)I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 0), NULL);
		prog_append(prog, (struct cbpf_insn)I(CBPF_ST, 0, 0, 7), NULL);
	}
	prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_MEM, 0, 0, 7), NULL);
	prog_append(prog, (struct cbpf_insn)RETA, NULL);
	/* The path that writes nothing takes every jt: 0, 2, 4, ... 38, then the read at 40. */
	ck_assert_int_eq(cbpf_check(prog, SOCKET, &diags), -EINVAL);
	ck_assert_uint_eq(diags.n, 1);
	ck_assert_str_eq(diags.v[0].msg,
			 "M[7] may be read before it is written (path through insns 0, 2, 4, 6, "
			 "..., 34, 36, 38, 40)" MEMORY);
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
}
END_TEST

/* Whether control can go from u to w in the kernel's analysis (a 'ret' falls through there). */
static bool edge(const struct cbpf_insn *v, size_t u, size_t w)
{
	if (v[u].code == (CBPF_JMP | CBPF_JA))
		return w == u + 1 + v[u].k;
	if (cbpf_insn_is_cond_jump(&v[u]))
		return w == u + 1 + v[u].jt || w == u + 1 + v[u].jf;
	return w == u + 1;
}

/* The path in a bad-read message is a real path that writes nothing to the cell. */
static void verify_path(const struct cbpf_prog *prog, const struct cbpf_diag *d)
{
	const struct cbpf_insn *v = cbpf_prog_insns(prog);
	const char *p = strstr(d->msg, "path through insns ");
	unsigned cell = (unsigned)strtoul(d->msg + 2, NULL, 10), ret = 0;
	long prev = -1;
	bool via_ret = false;

	if (!p || strstr(d->msg, "..."))
		return; /* the first instruction, or an elided path */
	for (p += strlen("path through insns "); *p >= '0' && *p <= '9';) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long x = a; x <= b; x++) {
			if (prev < 0)
				ck_assert_int_eq(x, 0);
			else
				ck_assert_msg(edge(v, (size_t)prev, (size_t)x),
					      "%s: no edge %ld-%ld", d->msg, prev, x);
			if (prev >= 0 && CBPF_CLASS(v[prev].code) == CBPF_RET && !via_ret) {
				via_ret = true;
				ret = (unsigned)prev;
			}
			if (x != d->insn)
				ck_assert_msg(!((v[x].code == CBPF_ST || v[x].code == CBPF_STX) &&
						v[x].k == cell),
					      "%s: insn %ld writes M[%u]", d->msg, x, cell);
			prev = x;
		}
		p = end;
		if (*p == ',')
			p += 2;
	}
	ck_assert_int_eq(prev, d->insn);
	if (via_ret) {
		char want[64];

		snprintf(want, sizeof(want), "falls through the 'ret' at insn %u)", ret);
		ck_assert_msg(strstr(d->msg, want), "%s: expected '%s'", d->msg, want);
	} else {
		ck_assert_ptr_null(strstr(d->msg, "falls through"));
	}
}

START_TEST(memory_paths_are_real)
{
	size_t reads = 0;

	for (uint64_t seed = 0; seed < 300; seed++) {
		struct randprog_opts o = { seed, 0, seed & 1,
					   seed % 3 ? RANDPROG_SHAPE_MEMORY
						    : RANDPROG_SHAPE_BRANCHY,
					   RANDPROG_VALID };
		struct cbpf_prog *p = randprog_new(&o, NULL);
		struct cbpf_insn *v = p->insns; /* classic/prog.h: the tests may edit in place */
		struct cbpf_diags diags = { 0 };

		/* Most stores become loads: many bad reads, over every kind of path. */
		for (size_t i = 0; i < cbpf_prog_len(p); i++)
			if ((v[i].code == CBPF_ST || v[i].code == CBPF_STX) && (i + seed) % 4)
				v[i].code = CBPF_LD | CBPF_MEM;
		cbpf_check(p, SOCKET, &diags);
		for (size_t i = 0; i < diags.n; i++) {
			if (strncmp(diags.v[i].msg, "M[", 2) || !strstr(diags.v[i].msg, "written"))
				continue;
			verify_path(p, &diags.v[i]);
			reads++;
		}
		cbpf_diags_free(&diags);
		cbpf_prog_free(p);
	}
	ck_assert_uint_gt(reads, 1000);
}
END_TEST

START_TEST(ancillary)
{
	for (uint32_t off = 0; off < 64; off += 4)
		ACCEPT(SOCKET, (I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, AD + off),
				I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, AD + off),
				I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, AD + off), RETA));
	/* Below SKF_AD_OFF: network and link-layer offsets, plain loads for the checker. */
	ACCEPT(SOCKET, (I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, AD - 1),
			I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, (uint32_t)CBPF_NET_OFF),
			I(CBPF_LD | CBPF_H | CBPF_IND, 0, 0, AD + 64),
			I(CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, AD + 64), RETA));
	REJECT(SOCKET,
	       (I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, AD + 64),
		I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, AD + 2),
		I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 0xffffffff), RETA),
	       { ERR, 0,
		 "unknown ancillary load SKF_AD_OFF + 64 (the kernel knows 0 to 60, in steps of "
		 "4)" CLASSIC },
	       { ERR, 1,
		 "unknown ancillary load SKF_AD_OFF + 2 (the kernel knows 0 to 60, in steps of "
		 "4)" CLASSIC },
	       { ERR, 2,
		 "unknown ancillary load SKF_AD_OFF + 4095 (the kernel knows 0 to 60, in steps of "
		 "4)" CLASSIC });
}
END_TEST

START_TEST(seccomp_loads)
{
	ACCEPT(SECCOMP,
	       (I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0), I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 60),
		I(CBPF_LD | CBPF_W | CBPF_LEN, 0, 0, 0), I(CBPF_LDX | CBPF_W | CBPF_LEN, 0, 0, 0),
		RETA));
	REJECT(SECCOMP,
	       (I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 6), I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 64),
		I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 62), I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, AD),
		RETA),
	       { ERR, 0,
		 "seccomp filters may load only 32-bit aligned words of struct seccomp_data "
		 "(offset 6)" SECCOMP_RULE },
	       { ERR, 1,
		 "offset 64 is past the end of struct seccomp_data (64 bytes)" SECCOMP_RULE },
	       { ERR, 2,
		 "seccomp filters may load only 32-bit aligned words of struct seccomp_data "
		 "(offset 62)" SECCOMP_RULE },
	       { ERR, 3,
		 "offset 0xfffff000 is past the end of struct seccomp_data (64 bytes)" SECCOMP_RULE });
	/* The same program is a fine socket filter. */
	ACCEPT(SOCKET,
	       (I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 6), I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 64),
		I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 62), I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, AD),
		RETA));
}
END_TEST

START_TEST(seccomp_opcodes)
{
	REJECT(SECCOMP,
	       (I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12), I(CBPF_LD | CBPF_B | CBPF_IND, 0, 0, 1),
		I(CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, 14), I(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 3),
		I(CBPF_ALU | CBPF_MOD | CBPF_X, 0, 0, 0), RETA),
	       { ERR, 0,
		 "'ldh [12]' is not allowed in seccomp filters (their only load is 'ld [k]', a "
		 "32-bit word of struct seccomp_data)" SECCOMP_RULE },
	       { ERR, 1,
		 "'ldb [x + 1]' is not allowed in seccomp filters (their only load is 'ld [k]', a "
		 "32-bit word of struct seccomp_data)" SECCOMP_RULE },
	       { ERR, 2,
		 "'ldxb 4*([14]&0xf)' is not allowed in seccomp filters (their only load is 'ld "
		 "[k]', a 32-bit word of struct seccomp_data)" SECCOMP_RULE },
	       { ERR, 3, "'mod #3' is not allowed in seccomp filters" SECCOMP_RULE },
	       { ERR, 4, "'mod x' is not allowed in seccomp filters" SECCOMP_RULE });
	/* A refused load with an unknown ancillary offset breaks two rules. */
	REJECT(SECCOMP, (I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, AD + 64), RETA),
	       { ERR, 0,
		 "unknown ancillary load SKF_AD_OFF + 64 (the kernel knows 0 to 60, in steps of "
		 "4)" CLASSIC },
	       { ERR, 0,
		 "'ldb [0xfffff040]' is not allowed in seccomp filters (their only load is 'ld "
		 "[k]', a 32-bit word of struct seccomp_data)" SECCOMP_RULE });
}
END_TEST

START_TEST(all_problems_in_order)
{
	/* Five rules broken at once: every one reported, by instruction. */
	REJECT(SOCKET,
	       (I(CBPF_LD | CBPF_MEM, 0, 0, 1), I(0x0e, 0, 0, 0),
		I(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 0), I(CBPF_JMP | CBPF_JA, 0, 0, 9),
		I(CBPF_ST, 0, 0, 20)),
	       { ERR, 0, "M[1] is read before it is written (it is the first instruction)" MEMORY },
	       { ERR, 1, "unknown opcode 0x0e" CLASSIC },
	       { ERR, 2, "division by constant zero" CLASSIC },
	       { ERR, 3, "jump target 13 is past the end of the program (5 instructions)" CLASSIC },
	       { ERR, 4, "M[20] is out of range (scratch memory is M[0] to M[15])" CLASSIC },
	       { ERR, 4, "last instruction must be a return" CLASSIC });
}
END_TEST

/* 'ldb [1]' is 13 eBPF instructions, 'ld #0' one; the prologue is 7. */
static struct cbpf_prog *heavy(size_t loads, size_t light, struct cbpf_insn jump)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	if (jump.code == (CBPF_JMP | CBPF_JA) && jump.k)
		prog_append(prog, jump, NULL);
	for (size_t i = 0; i < loads; i++)
		prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 1), NULL);
	for (size_t i = 0; i < light; i++)
		prog_append(prog, (struct cbpf_insn)LDI(0), NULL);
	if (!(jump.code == (CBPF_JMP | CBPF_JA) && jump.k))
		prog_append(prog, jump, NULL);
	prog_append(prog, (struct cbpf_insn)RET0, NULL);
	return prog;
}

START_TEST(translation)
{
	struct cbpf_insn ja0 = I(CBPF_JMP | CBPF_JA, 0, 0, 0);
	struct cbpf_insn jeq = I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 0, 0xffffffff);
	struct cbpf_prog *prog;

	/* A jump at eBPF instruction 32767 passes; at 32768 the kernel's first pass refuses. */
	prog = heavy(2520, 0, ja0);
	expect_prog(prog, SOCKET, 0,
		    WANTS({ WARN, -1,
			    "the kernel translates this program into 32770 eBPF instructions "
			    "(about 262256 bytes); SO_ATTACH_FILTER fails with ENOMEM when that "
			    "reaches net.core.optmem_max (131072 bytes by default) "
			    "[net/core/filter.c: __sk_filter_charge]" }),
		    1);
	cbpf_prog_free(prog);
	prog = heavy(2520, 1, ja0);
	expect_prog(prog, SOCKET, -EINVAL,
		    WANTS({ ERR, 2521,
			    "jump lands at instruction 32768 of the kernel's eBPF translation; its "
			    "first pass refuses any jump past instruction 32767" CONVERT }),
		    1);
	cbpf_prog_free(prog);
	/* A negative constant costs a move: the jump itself lands one later. */
	prog = heavy(2520, 0, jeq);
	expect_prog(prog, SOCKET, -EINVAL,
		    WANTS({ ERR, 2520,
			    "jump lands at instruction 32768 of the kernel's eBPF translation; its "
			    "first pass refuses any jump past instruction 32767" CONVERT }),
		    1);
	cbpf_prog_free(prog);
	/* A 'ja' over 32768 eBPF instructions does not fit its 16-bit offset. */
	prog = heavy(2520, 8, (struct cbpf_insn)I(CBPF_JMP | CBPF_JA, 0, 0, 2528));
	expect_prog(prog, SOCKET, -EINVAL,
		    WANTS({ ERR, 0,
			    "jump to insn 2529 spans 32768 instructions of the kernel's eBPF "
			    "translation; at most 32767 fit" CONVERT },
			  { WARN, 1, "instructions 1 to 2528 are unreachable" }),
		    2);
	cbpf_prog_free(prog);
	/* As a seccomp filter the same program is refused for its loads, not its jumps. */
	prog = heavy(1, 0, ja0);
	ck_assert_int_eq(cbpf_check(prog, SECCOMP, NULL), -EINVAL);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(socket_memory)
{
	/* 16371 eBPF instructions fit the default net.core.optmem_max; 16372 get a warning. */
	struct cbpf_prog *prog = heavy(1258, 7, (struct cbpf_insn)LDI(0));

	expect_prog(prog, SOCKET, 0, NULL, 0);
	cbpf_prog_free(prog);
	prog = heavy(1258, 8, (struct cbpf_insn)LDI(0));
	expect_prog(prog, SOCKET, 0,
		    WANTS({ WARN, -1,
			    "the kernel translates this program into 16372 eBPF instructions "
			    "(about 131072 bytes); SO_ATTACH_FILTER fails with ENOMEM when that "
			    "reaches net.core.optmem_max (131072 bytes by default) "
			    "[net/core/filter.c: __sk_filter_charge]" }),
		    1);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(warnings_keep_the_verdict)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = cbpf_prog_new(INSNS(RET0, LDI(1), LDI(2), RETA), 4);

	/* No positions: the warning still names the instruction. */
	ck_assert_int_eq(cbpf_check(prog, SECCOMP, &diags), 0);
	ck_assert_uint_eq(diags.n, 1);
	ck_assert_uint_eq(diags.errors, 0);
	ck_assert_int_eq(diags.v[0].severity, CBPF_SEV_WARNING);
	ck_assert_int_eq(diags.v[0].insn, 1);
	ck_assert_uint_eq(diags.v[0].line, 0);
	ck_assert_ptr_null(diags.v[0].file);
	ck_assert_str_eq(diags.v[0].msg, "instructions 1 to 3 are unreachable");
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
}
END_TEST

START_TEST(appends_to_existing_diags)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = cbpf_prog_new(INSNS(I(0x0e, 0, 0, 0), LDI(0)), 2);

	ck_assert_int_eq(cbpf_diags_add(&diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, 5, "earlier"), 0);
	ck_assert_int_eq(cbpf_check(prog, SOCKET, &diags), -EINVAL);
	ck_assert_uint_eq(diags.n, 3);
	ck_assert_str_eq(diags.v[0].msg, "earlier");
	ck_assert_int_eq(diags.v[1].insn, 0);
	ck_assert_int_eq(diags.v[2].insn, 1);
	ck_assert_uint_eq(diags.errors, 2);
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
}
END_TEST

/* iptables -m bpf: 64 instructions at most; Ethernet-shaped loads warned about, RAW ones not. */
START_TEST(iptables)
{
	struct cbpf_insn eth[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12),
		I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800),
		I(CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, 14),
		RETA,
	};
	struct cbpf_insn raw[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12),
		I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x0a00),
		I(CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, 0),
		RETA,
	};
	struct cbpf_insn longer[65];
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = located(eth, 4);

	ck_assert_int_eq(cbpf_check_iptables(prog, &diags), 0);
	ck_assert_uint_eq(diags.n, 2);
	ck_assert_uint_eq(diags.errors, 0);
	ck_assert_int_eq(diags.v[0].severity, WARN);
	ck_assert_int_eq(diags.v[0].insn, 0);
	ck_assert_uint_eq(diags.v[0].line, 10);
	ck_assert_ptr_nonnull(strstr(diags.v[0].msg, "reads an EtherType at [12] (0x800)"));
	ck_assert_int_eq(diags.v[1].insn, 2);
	ck_assert_ptr_nonnull(strstr(diags.v[1].msg, "IPv4 header length at [14]"));
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);

	prog = located(raw, 4);
	ck_assert_int_eq(cbpf_check_iptables(prog, &diags), 0);
	ck_assert_uint_eq(diags.n, 0);
	cbpf_prog_free(prog);

	for (size_t i = 0; i < 65; i++)
		longer[i] = (struct cbpf_insn)RET0;
	prog = cbpf_prog_new(longer, 64);
	ck_assert_int_eq(cbpf_check_iptables(prog, NULL), 0);
	cbpf_prog_free(prog);
	prog = cbpf_prog_new(longer, 65);
	ck_assert_int_eq(cbpf_check_iptables(prog, &diags), -EINVAL);
	ck_assert_uint_eq(diags.errors, 1);
	ck_assert_str_eq(diags.v[0].msg, "65 instructions, more than the 64 iptables -m bpf takes "
					 "[net/netfilter/xt_bpf.c: __bpf_mt_check_bytecode]");
	cbpf_diags_free(&diags);
	cbpf_prog_free(prog);
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, length);
	tcase_add_test(tc, opcodes);
	tcase_add_test(tc, constants);
	tcase_add_test(tc, scratch_index);
	tcase_add_test(tc, jumps);
	tcase_add_test(tc, last_return);
	tcase_add_test(tc, memory);
	tcase_add_test(tc, memory_long_path);
	tcase_add_test(tc, memory_paths_are_real);
	tcase_add_test(tc, ancillary);
	tcase_add_test(tc, seccomp_loads);
	tcase_add_test(tc, seccomp_opcodes);
	tcase_add_test(tc, all_problems_in_order);
	tcase_add_test(tc, translation);
	tcase_add_test(tc, socket_memory);
	tcase_add_test(tc, warnings_keep_the_verdict);
	tcase_add_test(tc, appends_to_existing_diags);
	tcase_add_test(tc, iptables);
	suite_add_tcase(s, tc);
	return s;
}
