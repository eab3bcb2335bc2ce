// SPDX-License-Identifier: MIT
/*
 * The JIT's API: every opcode compiles in both modes, the code's layout, cbpf_vm_set_jit on and
 * off, the listing, and executable memory refused (a seccomp filter that forbids PROT_EXEC):
 * the interpreter then runs, with the same results. What programs return is held against the
 * interpreter by tests/suites/jit-diff.sh, tests/cases/vm (the jit engine) and fuzz/jit.c.
 */
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbpf.h"
#include "unit.h"

#define I(code, k)	   ((struct cbpf_insn){ (code), 0, 0, (k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (k) })

/* ldh [12]; jeq #0x800, ret #1, ret #0 */
static const struct cbpf_insn is_ip[] = {
	I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
	J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800),
	I(CBPF_RET | CBPF_K, 1),
	I(CBPF_RET | CBPF_K, 0),
};

static const uint8_t ip_frame[14] = { [12] = 0x08, [13] = 0x00 };
static const uint8_t arp_frame[14] = { [12] = 0x08, [13] = 0x06 };

static struct cbpf_vm *vm_of(const struct cbpf_insn *v, size_t n, enum cbpf_vm_mode mode)
{
	struct cbpf_prog *p = cbpf_prog_new(v, n);
	struct cbpf_diags d = { 0 };
	struct cbpf_vm *vm = NULL;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(cbpf_vm_new(p, mode, &vm, &d), 0);
	cbpf_prog_free(p);
	cbpf_diags_free(&d);
	return vm;
}

/* Whether this machine has a JIT: the other tests say nothing where it has not. */
static bool have_jit(void)
{
#if defined(__x86_64__) && !defined(CBPF_JIT_DISABLE)
	return true;
#else
	return false;
#endif
}

START_TEST(every_opcode_compiles)
{
	size_t nops;
	const struct cbpf_opcode_info *ops = cbpf_opcode_table(&nops);

	for (size_t i = 0; i < nops; i++) {
		for (int mode = CBPF_VM_SOCKET; mode <= CBPF_VM_SECCOMP; mode++) {
			uint16_t code = ops[i].code;
			struct cbpf_insn v[3] = { I(code, 1), I(CBPF_RET | CBPF_A, 0),
						  I(CBPF_RET | CBPF_K, 7) };
			struct cbpf_diags d = { 0 };
			struct cbpf_jit *jit = NULL;
			struct cbpf_vm *vm;
			int err;

			if (CBPF_CLASS(code) == CBPF_JMP)
				v[0].jt = 1;
			vm = vm_of(v, 3, (enum cbpf_vm_mode)mode);
			err = cbpf_jit_new(vm, &jit, &d);
			if (!have_jit()) {
				ck_assert_int_eq(err, -ENOTSUP);
				ck_assert_uint_eq(d.errors, 1);
			} else {
				ck_assert_msg(err == 0, "opcode %#x (%s) in mode %d: %d", code,
					      ops[i].name, mode, err);
				ck_assert_uint_eq(d.n, 0);
			}
			cbpf_jit_free(jit);
			cbpf_vm_free(vm);
			cbpf_diags_free(&d);
		}
	}
}
END_TEST

START_TEST(layout)
{
	struct cbpf_vm *vm = vm_of(is_ip, 4, CBPF_VM_SOCKET);
	struct cbpf_input ip = cbpf_input_packet(ip_frame, 14, 14, NULL);
	struct cbpf_input arp = cbpf_input_packet(arp_frame, 14, 14, NULL);
	struct cbpf_input cut = cbpf_input_packet(ip_frame, 13, 14, NULL);
	struct cbpf_jit *jit;
	size_t size;
	const uint8_t *code;

	if (!have_jit())
		return;
	ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
	/* The vm may go: the code keeps what it needs. */
	cbpf_vm_free(vm);
	code = cbpf_jit_code(jit, &size);
	ck_assert_ptr_nonnull(code);
	ck_assert_uint_gt(size, 0);
	ck_assert_ptr_eq(cbpf_jit_code(jit, NULL), code);
	for (uint32_t pc = 0; pc < 4; pc++)
		ck_assert_uint_le(cbpf_jit_insn_offset(jit, pc), cbpf_jit_insn_offset(jit, pc + 1));
	ck_assert_uint_gt(cbpf_jit_insn_offset(jit, 0), 0); /* the prologue comes first */
	ck_assert_uint_le(cbpf_jit_insn_offset(jit, 4), size);
	ck_assert_uint_eq(cbpf_jit_insn_offset(jit, 99), cbpf_jit_insn_offset(jit, 4));
	ck_assert_uint_eq(cbpf_jit_run(jit, &ip), 1);
	ck_assert_uint_eq(cbpf_jit_run(jit, &arp), 0);
	ck_assert_uint_eq(cbpf_jit_run(jit, &cut), 0); /* out of bounds */
	cbpf_jit_free(jit);
	cbpf_jit_free(NULL);
}
END_TEST

START_TEST(vm_set_jit)
{
	struct cbpf_vm *vm = vm_of(is_ip, 4, CBPF_VM_SOCKET);
	struct cbpf_input ip = cbpf_input_packet(ip_frame, 14, 14, NULL);
	struct cbpf_input arp = cbpf_input_packet(arp_frame, 14, 14, NULL);
	struct cbpf_vm_state st;
	int err;

	ck_assert(!cbpf_vm_jitted(vm));
	err = cbpf_vm_set_jit(vm, true, NULL);
	ck_assert_int_eq(err, have_jit() ? 0 : -ENOTSUP);
	ck_assert(cbpf_vm_jitted(vm) == have_jit());
	ck_assert_int_eq(cbpf_vm_set_jit(vm, true, NULL), err); /* again: nothing changes */
	ck_assert_uint_eq(cbpf_vm_run(vm, &ip), 1);
	ck_assert_uint_eq(cbpf_vm_run(vm, &arp), 0);
	/* Stepping interprets, jitted or not. */
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING)
		ck_assert_int_eq(cbpf_vm_step(vm, &st, &ip, NULL), 0);
	ck_assert_uint_eq(st.ret, 1);
	ck_assert_uint_eq(st.steps, 3);
	ck_assert_int_eq(cbpf_vm_set_jit(vm, false, NULL), 0);
	ck_assert(!cbpf_vm_jitted(vm));
	ck_assert_uint_eq(cbpf_vm_run(vm, &ip), 1);
	/* On again, then freed jitted: the code goes with the vm (the leak checker sees it). */
	cbpf_vm_set_jit(vm, true, NULL);
	cbpf_vm_free(vm);
}
END_TEST

/*
 * The code loads from the input only what the program reads: the metadata record inline (ld
 * #ifidx, a negative [k]) or, when only a negative [x + k] reads it, out of line from the input
 * it kept. A NULL meta reads as a zeroed record, as the interpreter has it.
 */
START_TEST(meta_null_or_given)
{
	static const struct {
		struct cbpf_insn v[3];
		uint32_t want[3]; /* meta NULL, net_off 12, no_mac */
	} cases[] = {
		{ { I(CBPF_LD | CBPF_H | CBPF_ABS, (uint32_t)(CBPF_LL_OFF + 12)),
		    I(CBPF_RET | CBPF_A, 0) },
		  { 0x800, 0x800, 0 } },
		{ { I(CBPF_LD | CBPF_W | CBPF_ABS, (uint32_t)(CBPF_AD_OFF + CBPF_AD_IFINDEX)),
		    I(CBPF_RET | CBPF_A, 0) },
		  { 0, 0, 0 } },
		{ { I(CBPF_LDX | CBPF_IMM, 0),
		    I(CBPF_LD | CBPF_H | CBPF_IND, (uint32_t)CBPF_NET_OFF),
		    I(CBPF_RET | CBPF_A, 0) },
		  { 0x0200, 0x800, 0x0200 } },
		{ { I(CBPF_LDX | CBPF_IMM, 12),
		    I(CBPF_LD | CBPF_H | CBPF_IND, (uint32_t)CBPF_LL_OFF),
		    I(CBPF_RET | CBPF_A, 0) },
		  { 0x800, 0x800, 0 } },
		{ { I(CBPF_LDX | CBPF_IMM, 0), I(CBPF_LD | CBPF_H | CBPF_IND, 12),
		    I(CBPF_RET | CBPF_A, 0) },
		  { 0x800, 0x800, 0x800 } },
	};
	static const uint8_t frame[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 };
	struct cbpf_meta net12 = { .net_off = 12 }, no_mac = { .no_mac = true };

	if (!have_jit())
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = CBPF_CLASS(cases[i].v[1].code) == CBPF_RET ? 2 : 3;
		struct cbpf_vm *vm = vm_of(cases[i].v, n, CBPF_VM_SOCKET);
		struct cbpf_jit *jit;
		const struct cbpf_meta *metas[] = { NULL, &net12, &no_mac };
		const uint32_t *want = cases[i].want;

		ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
		for (size_t m = 0; m < 3; m++) {
			struct cbpf_input in = cbpf_input_packet(frame, 14, 14, metas[m]);

			ck_assert_msg(cbpf_vm_run(vm, &in) == want[m], "case %zu, meta %zu: %#x", i,
				      m, cbpf_vm_run(vm, &in));
			ck_assert_msg(cbpf_jit_run(jit, &in) == want[m], "case %zu, meta %zu: %#x",
				      i, m, cbpf_jit_run(jit, &in));
		}
		cbpf_jit_free(jit);
		cbpf_vm_free(vm);
	}
}
END_TEST

static char *listing_of(const struct cbpf_insn *v, size_t n, enum cbpf_vm_mode mode)
{
	struct cbpf_vm *vm = vm_of(v, n, mode);
	struct cbpf_jit *jit;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
	ck_assert_int_eq(cbpf_jit_write(f, jit), 0);
	ck_assert_int_eq(fclose(f), 0);
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	return text;
}

START_TEST(listing)
{
	/* ld #nla calls a helper: its address is named, not printed, so the text is the same. */
	static const struct cbpf_insn nla[] = {
		I(CBPF_LD | CBPF_W | CBPF_ABS, (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)),
		I(CBPF_RET | CBPF_A, 0),
	};
	char *a, *b;

	if (!have_jit())
		return;
	if (!cbpf_jit_can_write()) {
		struct cbpf_vm *vm = vm_of(is_ip, 4, CBPF_VM_SOCKET);
		struct cbpf_jit *jit;

		ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
		ck_assert_int_eq(cbpf_jit_write(stdout, jit), -ENOTSUP);
		cbpf_jit_free(jit);
		cbpf_vm_free(vm);
		return;
	}
	a = listing_of(is_ip, 4, CBPF_VM_SOCKET);
	b = listing_of(is_ip, 4, CBPF_VM_SOCKET);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "bytes emitted from JIT compiler"));
	ck_assert_ptr_nonnull(strstr(a, "\n(000) ldh      [12]\n"));
	ck_assert_ptr_nonnull(strstr(a, "\n(003) ret      #0\n"));
	/* jeq to two returns: the result chosen without a branch. */
	ck_assert_ptr_nonnull(strstr(a, "cmovel"));
	free(a);
	free(b);
	a = listing_of(nla, 2, CBPF_VM_SOCKET);
	b = listing_of(nla, 2, CBPF_VM_SOCKET);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "ld #nla's helper"));
	free(a);
	free(b);
}
END_TEST

/*
 * A seccomp filter that refuses mprotect(..., PROT_EXEC) with EPERM, as an SELinux execmem
 * rule or a container's policy would. The arch check keeps it honest on the machine it runs on.
 */
static int forbid_exec(void)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LD | CBPF_W | CBPF_ABS, 4),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 5, AUDIT_ARCH_X86_64),
		I(CBPF_LD | CBPF_W | CBPF_ABS, 0),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 3, SYS_mprotect),
		I(CBPF_LD | CBPF_W | CBPF_ABS, 32), /* args[2], low word (little-endian) */
		J(CBPF_JMP | CBPF_JSET | CBPF_K, 0, 1, PROT_EXEC),
		I(CBPF_RET | CBPF_K, 0x00050000u | EPERM), /* SECCOMP_RET_ERRNO */
		I(CBPF_RET | CBPF_K, 0x7fff0000u),	   /* SECCOMP_RET_ALLOW */
	};
	struct cbpf_prog *p = cbpf_prog_new(v, sizeof(v) / sizeof(v[0]));
	struct cbpf_diags d = { 0 };
	int err = p ? cbpf_seccomp_install(p, 0, NULL, &d) : -ENOMEM;

	cbpf_prog_free(p);
	cbpf_diags_free(&d);
	return err;
}

/*
 * tcp port 80 as tcpdump compiles it: the JIT's predicated copy (no branches) runs on packets
 * that cover its [k] loads (58 bytes), the branching code on shorter ones and where [x + k]
 * is out of bounds. Each way must give the interpreter's result.
 */
START_TEST(predicated)
{
	static const struct cbpf_insn tcp80[] = {
		I(CBPF_LD | CBPF_H | CBPF_ABS, 12),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 6, 0x86dd),
		I(CBPF_LD | CBPF_B | CBPF_ABS, 20),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 15, 6),
		I(CBPF_LD | CBPF_H | CBPF_ABS, 54),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 12, 0, 80),
		I(CBPF_LD | CBPF_H | CBPF_ABS, 56),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 10, 11, 80),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 10, 0x800),
		I(CBPF_LD | CBPF_B | CBPF_ABS, 23),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 8, 6),
		I(CBPF_LD | CBPF_H | CBPF_ABS, 20),
		J(CBPF_JMP | CBPF_JSET | CBPF_K, 6, 0, 0x1fff),
		I(CBPF_LDX | CBPF_B | CBPF_MSH, 14),
		I(CBPF_LD | CBPF_H | CBPF_IND, 14),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 2, 0, 80),
		I(CBPF_LD | CBPF_H | CBPF_IND, 16),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 80),
		I(CBPF_RET | CBPF_K, 262144),
		I(CBPF_RET | CBPF_K, 0),
	};
	static const struct {
		const char *what;
		uint16_t type; /* ethertype */
		uint8_t ihl, proto;
		uint16_t sport, dport;
		uint32_t caplen, want;
	} cases[] = {
		{ "ipv4 tcp to 80", 0x800, 5, 6, 1234, 80, 60, 262144 },
		{ "ipv4 tcp from 80", 0x800, 5, 6, 80, 1234, 60, 262144 },
		{ "ipv4 tcp 443", 0x800, 5, 6, 1234, 443, 60, 0 },
		{ "ipv4 udp to 80", 0x800, 5, 17, 1234, 80, 60, 0 },
		{ "ipv6 tcp to 80", 0x86dd, 0, 6, 1234, 80, 60, 262144 },
		{ "ipv6 udp to 80", 0x86dd, 0, 17, 1234, 80, 60, 0 },
		{ "arp", 0x806, 0, 0, 0, 0, 60, 0 },
		{ "ipv4 tcp to 80, 54 bytes: branching", 0x800, 5, 6, 1234, 80, 54, 262144 },
		{ "ipv4 options past caplen: [x + 14] out of bounds", 0x800, 15, 6, 1234, 80, 60,
		  0 },
		{ "ipv4 options, ports inside", 0x800, 6, 6, 80, 1234, 60, 262144 },
	};
	struct cbpf_vm *vm;
	struct cbpf_jit *jit;

	if (!have_jit())
		return;
	/* Without capstone there is no listing, and the results say enough. */
	if (cbpf_jit_can_write()) {
		char *text = listing_of(tcp80, sizeof(tcp80) / sizeof(tcp80[0]), CBPF_VM_SOCKET);

		ck_assert_ptr_nonnull(strstr(text, "predicated, without branches"));
		free(text);
	}
	vm = vm_of(tcp80, sizeof(tcp80) / sizeof(tcp80[0]), CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t f[64] = { 0 };
		uint32_t l4 = cases[i].type == 0x86dd ? 54 : 14 + 4u * cases[i].ihl;
		struct cbpf_input in = cbpf_input_packet(f, cases[i].caplen, 60, NULL);

		f[12] = (uint8_t)(cases[i].type >> 8);
		f[13] = (uint8_t)cases[i].type;
		if (cases[i].type == 0x86dd)
			f[20] = cases[i].proto;
		else
			f[14] = (uint8_t)(0x40 | cases[i].ihl), f[23] = cases[i].proto;
		if (l4 + 4 <= sizeof(f)) {
			f[l4] = (uint8_t)(cases[i].sport >> 8), f[l4 + 1] = (uint8_t)cases[i].sport;
			f[l4 + 2] = (uint8_t)(cases[i].dport >> 8);
			f[l4 + 3] = (uint8_t)cases[i].dport;
		}
		ck_assert_msg(cbpf_vm_run(vm, &in) == cases[i].want, "%s: interpreter %u",
			      cases[i].what, cbpf_vm_run(vm, &in));
		ck_assert_msg(cbpf_jit_run(jit, &in) == cases[i].want, "%s: jit %u", cases[i].what,
			      cbpf_jit_run(jit, &in));
	}
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
}
END_TEST

/*
 * X + k past 2^31 is a negative offset for the kernel (an int), even where caplen, past 2 GiB,
 * would cover it: the predicated copy must leave it to the branching code. 2 GiB of address
 * space, never touched but for one zero page.
 */
START_TEST(huge_caplen)
{
	static const struct cbpf_insn v[] = {
		I(CBPF_LDX | CBPF_IMM, 0x7ffffff0),
		I(CBPF_LD | CBPF_W | CBPF_IND, 0x20),
		J(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 2, 0), /* not between two returns: predicated */
		I(CBPF_LDX | CBPF_IMM, 0),
		I(CBPF_RET | CBPF_K, 1),
		I(CBPF_RET | CBPF_K, 2),
	};
	size_t size = 0x80002000;
	uint8_t *data;
	struct cbpf_vm *vm;
	struct cbpf_jit *jit;
	struct cbpf_input in;

	if (!have_jit())
		return;
	data = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (data == MAP_FAILED)
		return; /* no room for the address space: nothing to show */
	in = cbpf_input_packet(data, 0x80001000, 0x80001000, NULL);
	vm = vm_of(v, sizeof(v) / sizeof(v[0]), CBPF_VM_SOCKET);
	ck_assert_int_eq(cbpf_jit_new(vm, &jit, NULL), 0);
	ck_assert_uint_eq(cbpf_vm_run(vm, &in), 0);
	ck_assert_uint_eq(cbpf_jit_run(jit, &in), 0);
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	munmap(data, size);
}
END_TEST

START_TEST(executable_memory_refused)
{
	pid_t pid;
	int status;

	if (!have_jit())
		return;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct cbpf_vm *vm = vm_of(is_ip, 4, CBPF_VM_SOCKET);
		struct cbpf_input ip = cbpf_input_packet(ip_frame, 14, 14, NULL);
		struct cbpf_diags d = { 0 };
		struct cbpf_jit *jit = (struct cbpf_jit *)&d;

		if (forbid_exec())
			_exit(77); /* no seccomp filters here: nothing to learn */
		if (cbpf_jit_new(vm, &jit, &d) != -EPERM || jit != (struct cbpf_jit *)&d)
			_exit(1);
		if (d.errors != 1 || !strstr(d.v[0].msg, "refuses executable memory"))
			_exit(2);
		if (cbpf_vm_set_jit(vm, true, NULL) != -EPERM || cbpf_vm_jitted(vm))
			_exit(3);
		if (cbpf_vm_run(vm, &ip) != 1)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77, "child: %d",
		      WEXITSTATUS(status));
}
END_TEST

Suite *jit_suite(void)
{
	Suite *s = suite_create("jit");
	TCase *api = tcase_create("api");

	tcase_add_test(api, every_opcode_compiles);
	tcase_add_test(api, layout);
	tcase_add_test(api, vm_set_jit);
	tcase_add_test(api, meta_null_or_given);
	tcase_add_test(api, listing);
	tcase_add_test(api, predicated);
	tcase_add_test(api, huge_caplen);
	tcase_add_test(api, executable_memory_refused);
	suite_add_tcase(s, api);
	return s;
}
