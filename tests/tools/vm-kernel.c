// SPDX-License-Identifier: MIT
/*
 * The running kernel as the oracle of classic BPF semantics: the same programs run attached to
 * sockets (SO_ATTACH_FILTER) and in libcbpf's interpreter, and must agree; the JIT's native code
 * (cbpf_jit_run), wherever it compiles the program, must give the interpreter's result.
 *
 * Three transports, each used where it is the kernel's own behaviour under test:
 *   netlink  NETLINK_USERSOCK: one socket sends arbitrary bytes to another, whose filter runs
 *            inside sendmsg (netlink_unicast -> sk_filter); the received length is
 *            min(result, length), nothing received means 0. The skb has no device and no
 *            link-layer header: ALU, shifts, division, bounds, [x + k] wraparound, nlattr.
 *   packet   a tap device in a private network namespace, written to, and an AF_PACKET socket
 *            bound to it: protocol, pkttype, ifindex, hatype, VLAN offload, payload offset,
 *            SKF_NET_OFF / SKF_LL_OFF, the length.
 *   seccomp  a child installs the filter and makes a syscall whose arguments are known; the
 *            errno it gets back carries the result.
 * A value is checked by computing it with the interpreter first, then running the body followed
 * by "jeq #value, accept, drop" in the kernel (and the interpreter). A program the kernel refuses
 * is counted apart. Exits 77 only when no transport can be used.
 *
 * Usage: vm-kernel [-v] [-n RANDOM_PROGRAMS] [-s SEED]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"

#define MAXI	      512
#define SENTINEL_TYPE 0x88b5 /* IEEE local experimental ethertype: never in a test frame */

struct prog {
	struct cbpf_insn v[MAXI];
	uint32_t n;
};

enum transport { T_NETLINK, T_PACKET, T_SECCOMP };

struct oracle {
	enum transport t;
	const char *name;
	int rx, tx;	       /* netlink: receiver and sender; packet: AF_PACKET socket and tap */
	uint32_t rx_pid;       /* netlink: the receiver's port id */
	struct cbpf_meta meta; /* what every skb of this transport carries */
	long seccomp_nr;       /* seccomp: the syscall the filter looks at */
};

static struct tally {
	unsigned checked, refused, failed;
	unsigned jitted; /* runs made as native code too (cbpf_jit_run), each equal to the step's */
	int verbose;
} tally;

static int only = -1; /* -o: run only this random case */
static unsigned cpu;  /* the CPU the process is pinned to: what ld #cpu should say */

static void add(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (p->n >= MAXI) {
		fprintf(stderr, "vm-kernel: program too long\n");
		exit(1);
	}
	p->v[p->n++] = (struct cbpf_insn){ code, jt, jf, k };
}

static void append(struct prog *p, const struct cbpf_insn *body, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		add(p, body[i].code, body[i].jt, body[i].jf, body[i].k);
}

/* What the transport puts before every program (the packet sentinel's escape). */
static void prologue(const struct oracle *o, struct prog *p)
{
	p->n = 0;
	if (o->t == T_PACKET) {
		add(p, CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12);
		add(p, CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, SENTINEL_TYPE);
		add(p, CBPF_RET | CBPF_K, 0, 0, UINT32_MAX);
		add(p, CBPF_LD | CBPF_IMM, 0, 0, 0);
	} else if (o->t == T_SECCOMP) {
		add(p, CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0);
		add(p, CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, (uint32_t)o->seccomp_nr);
		add(p, CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW);
		add(p, CBPF_LD | CBPF_IMM, 0, 0, 0);
	}
}

/* ---------------------------------------------------------------- the interpreter's side */

struct vm_result {
	uint32_t ret;
	enum cbpf_vm_exit exit;
	uint32_t A;
};

static struct vm_result vm_result(const struct prog *p, const struct cbpf_input *in,
				  enum cbpf_vm_mode mode)
{
	struct cbpf_prog *prog = cbpf_prog_new(p->v, p->n);
	struct cbpf_diags diags = { 0 }, jit_diags = { 0 };
	struct cbpf_vm *vm = NULL;
	struct cbpf_jit *jit = NULL;
	struct cbpf_vm_state st;
	struct vm_result r;
	uint32_t fast;

	if (!prog || cbpf_vm_new(prog, mode, &vm, &diags)) {
		cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
		exit(1);
	}
	cbpf_vm_state_init(&st);
	while (st.exit == CBPF_VM_RUNNING)
		if (cbpf_vm_step(vm, &st, in, NULL)) {
			fprintf(stderr, "vm-kernel: step failed\n");
			exit(1);
		}
	fast = cbpf_vm_run(vm, in);
	if (fast != st.ret) {
		fprintf(stderr, "vm-kernel: cbpf_vm_run gives %u, stepping gives %u\n", fast,
			st.ret);
		tally.failed++;
	}
	/* The JIT where it compiles the program (not on other machines, nor loops): the kernel then
	 * checks its result too. */
	if (cbpf_jit_new(vm, &jit, &jit_diags) == 0) {
		uint32_t native = cbpf_jit_run(jit, in);

		if (native != st.ret) {
			fprintf(stderr, "vm-kernel: cbpf_jit_run gives %u, stepping gives %u\n",
				native, st.ret);
			tally.failed++;
		}
		tally.jitted++;
		cbpf_jit_free(jit);
	}
	cbpf_diags_free(&jit_diags);
	r.ret = st.ret;
	r.exit = st.exit;
	r.A = st.A;
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	cbpf_diags_free(&diags);
	return r;
}

/* ---------------------------------------------------------------- the kernel's side */

static void dump(const struct prog *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		fprintf(stderr, "    { 0x%02x, %u, %u, 0x%08x },\n", p->v[i].code, p->v[i].jt,
			p->v[i].jf, p->v[i].k);
}

static int attach(int fd, const struct prog *p)
{
	struct sock_fprog fp = { .len = (unsigned short)p->n,
				 .filter = (struct sock_filter *)(uintptr_t)p->v };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
}

/* Drains what a socket holds, without waiting. */
static void drain(int fd)
{
	char buf[70000];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/*
 * Runs p in the kernel over pkt. *seen: the length the socket received, -1 when dropped.
 * Returns 0, 1 when the kernel refuses the program, -1 on a failure of the harness.
 */
static int kernel_netlink(const struct oracle *o, const struct prog *p, const uint8_t *pkt,
			  uint32_t len, long *seen)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = o->rx_pid };
	char buf[70000];
	ssize_t n;

	if (attach(o->rx, p))
		return errno == EINVAL ? 1 : -1;
	drain(o->rx);
	/* sendto returns what netlink_unicast says: the length after the filter trimmed it. */
	if (sendto(o->tx, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("vm-kernel: netlink sendto");
		return -1;
	}
	/* netlink_unicast ran the filter and queued (or dropped) the message within sendto. */
	n = recv(o->rx, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && errno != EAGAIN) {
		perror("vm-kernel: netlink recv");
		return -1;
	}
	*seen = n < 0 ? -1 : n;
	return 0;
}

static int kernel_packet(const struct oracle *o, const struct prog *p, const uint8_t *pkt,
			 uint32_t len, long *seen)
{
	uint8_t sentinel[60] = { 0x02,
				 0,
				 0,
				 0,
				 0,
				 0x01,
				 0x02,
				 0,
				 0,
				 0,
				 0,
				 0x02,
				 SENTINEL_TYPE >> 8,
				 SENTINEL_TYPE & 0xff };
	char buf[70000];

	if (attach(o->rx, p))
		return errno == EINVAL ? 1 : -1;
	drain(o->rx);
	if (write(o->tx, pkt, len) != (ssize_t)len ||
	    write(o->tx, sentinel, sizeof(sentinel)) != (ssize_t)sizeof(sentinel)) {
		perror("vm-kernel: tap write");
		return -1;
	}
	*seen = -1;
	/* Frames arrive in order; the sentinel, always accepted, closes the test frame's window. */
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(o->rx, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from,
				     &fromlen);

		if (n < 0) {
			perror("vm-kernel: packet recv (no sentinel within 5 s)");
			return -1;
		}
		if (ntohs(from.sll_protocol) == SENTINEL_TYPE)
			return 0;
		if (*seen < 0)
			*seen = n;
	}
}

/* Seccomp: a child installs p and calls the syscall with args; the errno says what p returned. */
static int kernel_seccomp(const struct oracle *o, const struct prog *p,
			  const struct cbpf_seccomp_data *sd, long *seen)
{
	struct sock_fprog fp = { .len = (unsigned short)p->n,
				 .filter = (struct sock_filter *)(uintptr_t)p->v };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp))
			_exit(errno == EINVAL ? 200 : 201);
		r = syscall(o->seccomp_nr, sd->args[0], sd->args[1], sd->args[2], sd->args[3],
			    sd->args[4], sd->args[5]);
		_exit(r == -1 ? (errno < 200 ? errno : 199) : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status)) {
		*seen = 1000 + WTERMSIG(status);
		return 0;
	}
	if (WEXITSTATUS(status) == 200)
		return 1;
	if (WEXITSTATUS(status) == 201)
		return -1;
	*seen = WEXITSTATUS(status);
	return 0;
}

/* ---------------------------------------------------------------- cases */

static const char *exit_name(enum cbpf_vm_exit e)
{
	switch (e) {
	case CBPF_VM_EXIT_RET:
		return "ret";
	case CBPF_VM_EXIT_OOB:
		return "out of bounds";
	case CBPF_VM_EXIT_DIV0:
		return "division by zero";
	case CBPF_VM_EXIT_NO_DEV:
		return "no device";
	default:
		return "running";
	}
}

/* What the kernel's observation should be for a program returning r over len bytes. */
static long expected(const struct oracle *o, uint32_t r, uint32_t len)
{
	if (o->t == T_SECCOMP) {
		/* What the child sees: kernel/seccomp.c: __seccomp_filter. */
		uint32_t data = r & SECCOMP_RET_DATA;

		switch (r & SECCOMP_RET_ACTION_FULL) {
		case SECCOMP_RET_ERRNO:
			data = data > 4095 ? 4095 : data;
			return data < 200 ? (long)data : 199;
		case SECCOMP_RET_TRACE:
		case SECCOMP_RET_USER_NOTIF:
			return 38; /* ENOSYS: no tracer, no listener */
		case SECCOMP_RET_LOG:
		case SECCOMP_RET_ALLOW:
			return 0;
		default: /* kill, trap, and unknown actions: SIGSYS */
			return 1000 + 31;
		}
	}
	if (r == 0)
		return -1;
	return r < len ? (long)r : (long)len;
}

static int kernel_run(const struct oracle *o, const struct prog *p, const struct cbpf_input *in,
		      long *seen)
{
	switch (o->t) {
	case T_NETLINK:
		return kernel_netlink(o, p, in->data, in->caplen, seen);
	case T_PACKET:
		return kernel_packet(o, p, in->data, in->caplen, seen);
	default:
		return kernel_seccomp(o, p, (const struct cbpf_seccomp_data *)in->data, seen);
	}
}

/*
 * What the kernel leaves in A after p (a program without its return), found by bisection with
 * "jgt #t, accept, drop"; false when the kernel ends the program before (or the harness fails).
 */
static bool kernel_value(const struct oracle *o, const struct prog *p, const struct cbpf_input *in,
			 uint32_t *value)
{
	uint32_t yes = o->t == T_SECCOMP ? SECCOMP_RET_ERRNO | 1 : UINT32_MAX;
	uint32_t no = o->t == T_SECCOMP ? SECCOMP_RET_ERRNO | 2 : 1;
	uint64_t lo = 0, hi = UINT32_MAX; /* the value is in [lo, hi] */

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		struct prog k = *p;
		long seen;

		add(&k, CBPF_JMP | CBPF_JGT | CBPF_K, 0, 1, (uint32_t)mid);
		add(&k, CBPF_RET | CBPF_K, 0, 0, yes);
		add(&k, CBPF_RET | CBPF_K, 0, 0, no);
		if (kernel_run(o, &k, in, &seen) || seen == -1 || seen == 1031)
			return false;
		if (seen == expected(o, yes, in->caplen))
			lo = mid + 1;
		else
			hi = mid;
	}
	*value = (uint32_t)lo;
	return true;
}

/*
 * The interpreter computes what body leaves in A (or how it ends); the kernel runs the body
 * followed by a comparison with that value. in->caplen is the whole packet.
 */
static void value_case(const struct oracle *o, const char *name, const struct cbpf_insn *body,
		       uint32_t nbody, const struct cbpf_input *in)
{
	enum cbpf_vm_mode mode = o->t == T_SECCOMP ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET;
	uint32_t yes = o->t == T_SECCOMP ? SECCOMP_RET_ERRNO | 1 : UINT32_MAX;
	uint32_t no = o->t == T_SECCOMP ? SECCOMP_RET_ERRNO | 2 : 0;
	struct prog probe, k;
	struct vm_result v, r;
	long seen = 0, want;
	int err;

	prologue(o, &probe);
	append(&probe, body, nbody);
	k = probe;
	add(&probe, CBPF_RET | CBPF_A, 0, 0, 0);
	v = vm_result(&probe, in, mode);
	if (v.exit == CBPF_VM_EXIT_RET) {
		add(&k, CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, v.ret);
		add(&k, CBPF_RET | CBPF_K, 0, 0, yes);
		add(&k, CBPF_RET | CBPF_K, 0, 0, no);
	} else {
		k = probe;
	}
	r = vm_result(&k, in, mode);
	want = expected(o, r.ret, in->caplen);
	err = kernel_run(o, &k, in, &seen);
	if (err < 0) {
		fprintf(stderr, "vm-kernel: %s: harness failure\n", name);
		exit(1);
	}
	if (err > 0) {
		tally.refused++;
		if (tally.verbose)
			printf("  refused by the kernel: %s\n", name);
		return;
	}
	tally.checked++;
	if (seen == want) {
		if (tally.verbose)
			printf("  ok %-8s %s: %s %u\n", o->name, name, exit_name(v.exit), v.ret);
		return;
	}
	tally.failed++;
	fprintf(stderr, "MISMATCH %s %s: interpreter %s with %u, kernel ", o->name, name,
		exit_name(v.exit), v.ret);
	probe.n--;
	if (kernel_value(o, &probe, in, &v.A))
		fprintf(stderr, "leaves A = %u\n", v.A);
	else
		fprintf(stderr, "ends it early (observed %ld, expected %ld)\n", seen, want);
	dump(&k);
}

static const uint8_t tap_mac[6] = { 0x02, 0xcb, 0xbf, 0x00, 0x00, 0x01 };

/* What the kernel knows of a frame written to the tap: the frame's own, and the device's. */
static void packet_meta(const struct oracle *o, const uint8_t *f, uint32_t len,
			struct cbpf_meta *meta)
{
	*meta = o->meta;
	cbpf_meta_from_frame(meta, CBPF_DLT_EN10MB, f, len, len);
	/* eth_type_trans compares unicast destinations with the device's address. */
	if (meta->pkttype == CBPF_PKT_HOST && memcmp(f, tap_mac, 6))
		meta->pkttype = CBPF_PKT_OTHERHOST;
}

static void body_case(const struct oracle *o, const char *name, const struct cbpf_insn *body,
		      uint32_t nbody, const uint8_t *pkt, uint32_t len,
		      const struct cbpf_meta *meta)
{
	struct cbpf_meta own;
	struct cbpf_input in;

	if (!meta && o->t == T_PACKET) {
		packet_meta(o, pkt, len, &own);
		meta = &own;
	}
	in = cbpf_input_packet(pkt, len, len, meta ? meta : &o->meta);

	value_case(o, name, body, nbody, &in);
}

#define I(code, k)	   ((struct cbpf_insn){ (code), 0, 0, (k) })
#define J(code, jt, jf, k) ((struct cbpf_insn){ (code), (jt), (jf), (k) })
#define BODY(...)	   ((const struct cbpf_insn[]){ __VA_ARGS__ })
#define N(...)		   (sizeof((const struct cbpf_insn[]){ __VA_ARGS__ }) / sizeof(struct cbpf_insn))
#define CASE(o, name, pkt, len, meta, ...)                                                         \
	body_case(o, name, BODY(__VA_ARGS__), N(__VA_ARGS__), pkt, len, meta)

#define LD_IMM	   (CBPF_LD | CBPF_IMM)
#define LDX_IMM	   (CBPF_LDX | CBPF_IMM)
#define ALU_X(op)  (CBPF_ALU | (op) | CBPF_X)
#define ALU_K(op)  (CBPF_ALU | (op) | CBPF_K)
#define LD_ABS(sz) (CBPF_LD | (sz) | CBPF_ABS)
#define LD_IND(sz) (CBPF_LD | (sz) | CBPF_IND)
#define LDX_MSH	   (CBPF_LDX | CBPF_B | CBPF_MSH)

static uint8_t pattern[300];

/* ALU and shifts, on any transport. */
static void alu_cases(const struct oracle *o)
{
	static const uint32_t xs[] = { 0,	   1,	       2,	   7,	      31,  32,
				       33,	   63,	       64,	   100,	      255, 256,
				       0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };
	static const uint32_t as[] = { 0, 1, 0x12345678, 0x80000000, 0xffffffff };
	static const struct {
		uint16_t op;
		const char *name;
	} ops[] = { { CBPF_ADD, "add" }, { CBPF_SUB, "sub" }, { CBPF_MUL, "mul" },
		    { CBPF_DIV, "div" }, { CBPF_MOD, "mod" }, { CBPF_AND, "and" },
		    { CBPF_OR, "or" },	 { CBPF_XOR, "xor" }, { CBPF_LSH, "lsh" },
		    { CBPF_RSH, "rsh" } };
	char name[96];

	for (size_t a = 0; a < sizeof(as) / sizeof(as[0]); a++) {
		for (size_t x = 0; x < sizeof(xs) / sizeof(xs[0]); x++) {
			for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
				/* Seccomp filters may not use mod (seccomp_check_filter). */
				if (o->t == T_SECCOMP && ops[i].op == CBPF_MOD)
					continue;
				snprintf(name, sizeof(name), "A=%#x %s X=%#x", as[a], ops[i].name,
					 xs[x]);
				CASE(o, name, pattern, 64, NULL, I(LD_IMM, as[a]),
				     I(LDX_IMM, xs[x]), I(ALU_X(ops[i].op), 0));
				/* The constant forms the kernel accepts. */
				if ((ops[i].op == CBPF_LSH || ops[i].op == CBPF_RSH) && xs[x] >= 32)
					continue;
				if ((ops[i].op == CBPF_DIV || ops[i].op == CBPF_MOD) && xs[x] == 0)
					continue;
				snprintf(name, sizeof(name), "A=%#x %s #%#x", as[a], ops[i].name,
					 xs[x]);
				CASE(o, name, pattern, 64, NULL, I(LD_IMM, as[a]),
				     I(ALU_K(ops[i].op), xs[x]));
			}
		}
		snprintf(name, sizeof(name), "neg %#x", as[a]);
		CASE(o, name, pattern, 64, NULL, I(LD_IMM, as[a]), I(CBPF_ALU | CBPF_NEG, 0));
	}
	/* Conditional jumps on k >= 2^31 compare unsigned (the kernel zero-extends k). */
	for (size_t a = 0; a < sizeof(as) / sizeof(as[0]); a++) {
		for (size_t x = 0; x < sizeof(xs) / sizeof(xs[0]); x++) {
			static const uint16_t jops[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };

			for (size_t j = 0; j < 4; j++) {
				snprintf(name, sizeof(name), "A=%#x jmp%#x #%#x", as[a], jops[j],
					 xs[x]);
				CASE(o, name, pattern, 64, NULL, I(LD_IMM, as[a]),
				     J(CBPF_JMP | jops[j] | CBPF_K, 0, 1, xs[x]), I(LD_IMM, 1),
				     I(CBPF_MISC | CBPF_TAX, 0));
			}
		}
	}
}

/* Loads at the packet's edges, [x + k] wraparound, ldxb, negative offsets. */
static void bounds_cases(const struct oracle *o, uint32_t first_len)
{
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	char name[96];

	for (uint32_t len = first_len; len <= first_len + 9; len++) {
		for (int s = 0; s < 3; s++) {
			uint32_t sz = 4 >> s;

			for (uint32_t k = len >= sz + 1 ? len - sz - 1 : 0; k <= len + 1; k++) {
				snprintf(name, sizeof(name), "len %u: ld%u [%u]", len, sz, k);
				CASE(o, name, pattern, len, NULL, I(LD_ABS(sizes[s]), k));
				snprintf(name, sizeof(name), "len %u: ld%u [x + %u], x = 1", len,
					 sz, k - 1);
				CASE(o, name, pattern, len, NULL, I(LDX_IMM, 1),
				     I(LD_IND(sizes[s]), k - 1));
			}
			/* X + k past 2^32 wraps; past 2^31 it is a negative offset. */
			static const uint32_t xk[][2] = {
				{ 0xffffffff, 1 },	    { 0xffffffff, 2 },	  { 1, 0xffffffff },
				{ 0x80000000, 0x80000000 }, { 0xfff00000, 0x2 },  { 0x7fffffff, 1 },
				{ 0, 0x80000000 },	    { 0xfffff000, 0 },	  { 0xffe00000, 3 },
				{ 0xffdfffff, 0 },	    { 0x10, 0xfffffff0 },
			};
			for (size_t i = 0; i < sizeof(xk) / sizeof(xk[0]); i++) {
				snprintf(name, sizeof(name), "len %u: ld%u [x + %#x], x = %#x", len,
					 sz, xk[i][1], xk[i][0]);
				CASE(o, name, pattern, len, NULL, I(LDX_IMM, xk[i][0]),
				     I(LD_IND(sizes[s]), xk[i][1]));
			}
			/* SKF_NET_OFF and SKF_LL_OFF, at the edges of what they reach. */
			static const int32_t fixed[] = {
				CBPF_NET_OFF - 1, CBPF_LL_OFF - 1,	     -1,
				CBPF_AD_OFF - 4,  CBPF_AD_OFF + CBPF_AD_MAX, INT32_MIN
			};
			for (int i = 0; i < 8; i++) {
				int32_t kk;

				if (i < 6)
					kk = (i < 3 ? CBPF_NET_OFF : CBPF_LL_OFF) +
					     (int32_t)(len - sz) - 1 + i % 3;
				else
					kk = i == 6 ? CBPF_NET_OFF : CBPF_LL_OFF;
				snprintf(name, sizeof(name), "len %u: ld%u [%d]", len, sz, kk);
				CASE(o, name, pattern, len, NULL,
				     I(LD_ABS(sizes[s]), (uint32_t)kk));
			}
			for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
				snprintf(name, sizeof(name), "len %u: ld%u [x + 0], x = %d", len,
					 sz, fixed[i]);
				CASE(o, name, pattern, len, NULL, I(LDX_IMM, (uint32_t)fixed[i]),
				     I(LD_IND(sizes[s]), 0));
				if (fixed[i] >= CBPF_AD_OFF && fixed[i] < 0)
					continue; /* the kernel refuses unknown ancillary offsets */
				snprintf(name, sizeof(name), "len %u: ld%u [%d]", len, sz,
					 fixed[i]);
				CASE(o, name, pattern, len, NULL,
				     I(LD_ABS(sizes[s]), (uint32_t)fixed[i]));
			}
		}
		for (uint32_t k = len >= 2 ? len - 2 : 0; k <= len; k++) {
			snprintf(name, sizeof(name), "len %u: ldxb 4*([%u]&0xf)", len, k);
			CASE(o, name, pattern, len, NULL, I(LDX_MSH, k),
			     I(CBPF_MISC | CBPF_TXA, 0));
		}
		snprintf(name, sizeof(name), "len %u: ldxb 4*([SKF_NET_OFF + 1]&0xf)", len);
		CASE(o, name, pattern, len, NULL, I(LDX_MSH, (uint32_t)(CBPF_NET_OFF + 1)),
		     I(CBPF_MISC | CBPF_TXA, 0));
		snprintf(name, sizeof(name), "len %u: ldxb 4*([SKF_LL_OFF + 1]&0xf)", len);
		CASE(o, name, pattern, len, NULL, I(LDX_MSH, (uint32_t)(CBPF_LL_OFF + 1)),
		     I(CBPF_MISC | CBPF_TXA, 0));
		snprintf(name, sizeof(name), "len %u: ld #len", len);
		CASE(o, name, pattern, len, NULL, I(CBPF_LD | CBPF_W | CBPF_LEN, 0));
		snprintf(name, sizeof(name), "len %u: ldx #len", len);
		CASE(o, name, pattern, len, NULL, I(CBPF_LDX | CBPF_W | CBPF_LEN, 0),
		     I(CBPF_MISC | CBPF_TXA, 0));
	}
}

/* Every ancillary load, in each size (the kernel honours all three alike). */
static void ancillary_cases(const struct oracle *o, const uint8_t *pkt, uint32_t len,
			    const struct cbpf_meta *meta, const char *what)
{
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	static const char *names[] = { "proto",	     "type", "ifidx", "nla",
				       "nlan",	     "mark", "queue", "hatype",
				       "rxhash",     "cpu",  "xor_x", "vlan_tci",
				       "vlan_avail", "poff", "rand",  "vlan_tpid" };
	char name[128];

	for (uint32_t anc = 0; anc < CBPF_AD_MAX; anc += 4) {
		if (anc == CBPF_AD_RANDOM)
			continue; /* a new random number each time */
		for (int s = 0; s < 3; s++) {
			snprintf(name, sizeof(name), "%s: ld%u #%s", what, 4u >> s, names[anc / 4]);
			CASE(o, name, pkt, len, meta, I(LD_IMM, 0x1234), I(LDX_IMM, 0x0f0f),
			     I(LD_ABS(sizes[s]), (uint32_t)(CBPF_AD_OFF + (int32_t)anc)));
		}
	}
}

/* Netlink attributes, in the kernel's native layout: {u16 len, u16 type}. */
static uint32_t put_nla(uint8_t *buf, uint32_t at, uint16_t type, uint16_t len)
{
	memcpy(buf + at, &len, 2);
	memcpy(buf + at + 2, &type, 2);
	return at + ((len + 3u) & ~3u);
}

static void nlattr_cases(const struct oracle *o)
{
	uint8_t msg[128] = { 0 };
	uint32_t at = 16, nest;
	char name[96];

	at = put_nla(msg, at, 1, 8);
	at = put_nla(msg, at, 2, 5);
	nest = at;
	at = put_nla(msg, at, 3 | 0x8000, 28); /* nested, NLA_F_NESTED */
	put_nla(msg, nest + 4, 7, 8);
	put_nla(msg, nest + 12, 8, 6);
	put_nla(msg, nest + 20, 9, 8);
	at = put_nla(msg, at, 0x4005, 4); /* NLA_F_NET_BYTEORDER | 5 */
	at = put_nla(msg, at, 6, 200);	  /* longer than what is left: ends the walk */
	for (uint32_t a = 0; a <= 24; a += 4) {
		for (uint32_t x = 0; x <= 10; x++) {
			snprintf(name, sizeof(name), "nla A=%u X=%u", a, x);
			CASE(o, name, msg, sizeof(msg), NULL, I(LD_IMM, a), I(LDX_IMM, x),
			     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)));
			snprintf(name, sizeof(name), "nlan A=%u X=%u", nest, x);
			CASE(o, name, msg, sizeof(msg), NULL, I(LD_IMM, nest), I(LDX_IMM, x),
			     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR_NEST)));
		}
	}
	for (uint32_t len = 1; len <= 12; len++) {
		snprintf(name, sizeof(name), "nla over %u bytes", len);
		CASE(o, name, msg + 16, len, NULL, I(LD_IMM, 0), I(LDX_IMM, 2),
		     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)));
	}
	snprintf(name, sizeof(name), "nla A past the end");
	CASE(o, name, msg, sizeof(msg), NULL, I(LD_IMM, 125), I(LDX_IMM, 0),
	     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)));
	CASE(o, "nla A huge", msg, sizeof(msg), NULL, I(LD_IMM, 0xfffffffe), I(LDX_IMM, 0),
	     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)));
	CASE(o, "nla X huge", msg, sizeof(msg), NULL, I(LD_IMM, 16), I(LDX_IMM, 0x10001),
	     I(LD_ABS(CBPF_W), (uint32_t)(CBPF_AD_OFF + CBPF_AD_NLATTR)));
}

/* ---------------------------------------------------------------- random straight-line bodies */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static uint32_t interesting(uint32_t len)
{
	static const uint32_t v[] = { 0,	  1,	      2,	  3,	      4,
				      5,	  8,	      12,	  14,	      16,
				      31,	  32,	      33,	  64,	      255,
				      0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffe, 0xffffffff };

	switch (rnd() % 4) {
	case 0:
		return v[rnd() % (sizeof(v) / sizeof(v[0]))];
	case 1:
		return len + rnd() % 6 - 4; /* near the end */
	case 2:
		return rnd() % 64;
	default:
		return rnd();
	}
}

/* A random body: no returns, forward jumps within the body, M read only after written. */
static uint32_t random_body(struct cbpf_insn *b, uint32_t max, uint32_t len, bool seccomp)
{
	static const uint16_t alu[] = { CBPF_ADD, CBPF_SUB, CBPF_MUL, CBPF_DIV, CBPF_MOD,
					CBPF_AND, CBPF_OR,  CBPF_XOR, CBPF_LSH, CBPF_RSH };
	static const uint16_t jmp[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	uint32_t n = 1 + rnd() % max;
	uint16_t written = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct cbpf_insn *in = &b[i];
		uint32_t r = rnd() % 16;

		*in = (struct cbpf_insn){ 0 };
		if (seccomp && r >= 6 && r <= 9)
			r = 0; /* only ld [k] reads seccomp_data */
		switch (r) {
		case 0:
		case 1:
			in->code = CBPF_LD | CBPF_W | CBPF_ABS;
			in->k = seccomp ? (rnd() % 16) * 4 : interesting(len);
			if (!seccomp && rnd() % 4 == 0)
				in->k = (uint32_t)((rnd() % 2 ? CBPF_NET_OFF : CBPF_LL_OFF) +
						   (int32_t)(rnd() % (len + 4)));
			if (!seccomp && rnd() % 8 == 0)
				in->k = (uint32_t)(CBPF_AD_OFF + (int32_t)(rnd() % 16) * 4);
			if (!seccomp)
				in->code = LD_ABS(sizes[rnd() % 3]);
			/* ld #rand is not repeatable; the kernel refuses unknown ancillaries. */
			if (in->k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_RANDOM) ||
			    ((int32_t)in->k >= CBPF_AD_OFF && (int32_t)in->k < 0 &&
			     (uint32_t)((int32_t)in->k - CBPF_AD_OFF) % 4 != 0))
				in->k = (uint32_t)(CBPF_AD_OFF + CBPF_AD_CPU);
			if ((int32_t)in->k >= CBPF_AD_OFF + CBPF_AD_MAX && (int32_t)in->k < 0)
				in->k = (uint32_t)(CBPF_AD_OFF + CBPF_AD_PROTOCOL);
			break;
		case 2:
		case 3:
		case 4: {
			uint16_t op = alu[rnd() % 10];
			bool x = rnd() % 2;

			if (seccomp && op == CBPF_MOD)
				op = CBPF_XOR;
			in->code = CBPF_ALU | op | (x ? CBPF_X : CBPF_K);
			in->k = interesting(len);
			if (!x && (op == CBPF_LSH || op == CBPF_RSH))
				in->k %= 32;
			if (!x && (op == CBPF_DIV || op == CBPF_MOD) && in->k == 0)
				in->k = 3;
			break;
		}
		case 5:
			in->code = rnd() % 2 ? LD_IMM : LDX_IMM;
			in->k = interesting(len);
			break;
		case 6:
		case 7:
			in->code = LD_IND(sizes[rnd() % 3]);
			in->k = interesting(len);
			break;
		case 8:
			in->code = LDX_MSH;
			in->k = rnd() % 8 ? rnd() % (len + 2) : interesting(len);
			break;
		case 9:
			in->code = (rnd() % 2 ? CBPF_LD : CBPF_LDX) | CBPF_W | CBPF_LEN;
			break;
		case 10:
			in->code = CBPF_MISC | (rnd() % 2 ? CBPF_TAX : CBPF_TXA);
			break;
		case 11:
			in->code = rnd() % 2 ? CBPF_ST : CBPF_STX;
			in->k = rnd() % 16;
			/* Only straight-line stores count: a jump may skip them. */
			break;
		case 12:
			if (written) {
				uint32_t m;

				do
					m = rnd() % 16;
				while (!(written & (1u << m)));
				in->code = (rnd() % 2 ? CBPF_LD : CBPF_LDX) | CBPF_MEM;
				in->k = m;
				break;
			}
			in->code = CBPF_ALU | CBPF_NEG;
			break;
		default:
			if (i + 1 < n) {
				uint32_t room = n - i - 1;

				in->code = CBPF_JMP | jmp[rnd() % 4];
				in->code |= rnd() % 2 ? CBPF_X : CBPF_K;
				in->k = interesting(len);
				in->jt = (uint8_t)(rnd() % (room < 256 ? room + 1 : 256));
				in->jf = (uint8_t)(rnd() % (room < 256 ? room + 1 : 256));
				if (rnd() % 4 == 0) {
					in->code = CBPF_JMP | CBPF_JA;
					in->k = rnd() % (room + 1);
					in->jt = in->jf = 0;
				}
			} else {
				in->code = CBPF_MISC | CBPF_TAX;
			}
		}
		/* A store counts as written only if no jump before it can skip it. */
		if ((in->code == CBPF_ST || in->code == CBPF_STX)) {
			bool skippable = false;

			for (uint32_t j = 0; j < i; j++)
				if (CBPF_CLASS(b[j].code) == CBPF_JMP)
					skippable = true;
			if (!skippable)
				written |= 1u << in->k;
		}
	}
	return n;
}

static void random_cases(const struct oracle *o, unsigned count)
{
	struct cbpf_insn body[40];
	uint8_t pkt[300];
	char name[64];

	for (unsigned i = 0; i < count; i++) {
		uint32_t len = o->t == T_PACKET ? 14 + rnd() % 80 : 1 + rnd() % 90;
		uint32_t n;

		for (uint32_t j = 0; j < sizeof(pkt); j++)
			pkt[j] = (uint8_t)rnd();
		if (o->t == T_PACKET) {
			/* Unicast to nobody, a type the sentinel never has. */
			pkt[0] = 0x02;
			pkt[12] = 0x08;
			pkt[13] = 0x00;
		}
		n = random_body(body, 30, len, false);
		if (only >= 0 && (unsigned)only != i)
			continue;
		snprintf(name, sizeof(name), "random body %u", i);
		body_case(o, name, body, n, pkt, len, NULL);
	}
}

/* A whole program, returns and all: the kernel's result is min(result, length), or a drop. */
static void program_case(const struct oracle *o, const char *name, const struct cbpf_insn *v,
			 uint32_t n, const uint8_t *pkt, uint32_t len)
{
	struct cbpf_meta meta = o->meta;
	struct cbpf_input in;
	struct vm_result r;
	struct prog k;
	long seen = 0, want;
	int err;

	if (o->t == T_PACKET)
		packet_meta(o, pkt, len, &meta);
	in = cbpf_input_packet(pkt, len, len, &meta);
	prologue(o, &k);
	append(&k, v, n);
	r = vm_result(&k, &in, CBPF_VM_SOCKET);
	want = expected(o, r.ret, len);
	err = kernel_run(o, &k, &in, &seen);
	if (err < 0) {
		fprintf(stderr, "vm-kernel: %s: harness failure\n", name);
		exit(1);
	}
	if (err > 0) {
		tally.refused++;
		return;
	}
	tally.checked++;
	if (seen != want) {
		tally.failed++;
		fprintf(stderr,
			"MISMATCH %s %s: interpreter %s with %u (expects %ld), kernel %ld\n",
			o->name, name, exit_name(r.exit), r.ret, want, seen);
		dump(&k);
	}
}

/* Programs of libcbpf's generator, valid for the kernel, of every shape, on random packets. */
static void randprog_cases(const struct oracle *o, unsigned count)
{
	uint8_t pkt[300];
	char name[64];

	for (unsigned i = 0; i < count; i++) {
		struct randprog_opts opts = { .seed = 1000 + i, .len = 1 + i % 120 };
		struct cbpf_prog *rp = randprog_new(&opts, NULL);
		const struct cbpf_insn *v;
		uint32_t n, len = o->t == T_PACKET ? 14 + rnd() % 200 : 1 + rnd() % 250;
		bool repeatable = true;

		if (!rp) {
			fprintf(stderr, "vm-kernel: out of memory\n");
			exit(1);
		}
		v = cbpf_prog_insns(rp);
		n = (uint32_t)cbpf_prog_len(rp);
		/* ld #rand differs from run to run. */
		for (uint32_t j = 0; j < n; j++)
			if (CBPF_CLASS(v[j].code) == CBPF_LD && CBPF_MODE(v[j].code) == CBPF_ABS &&
			    v[j].k == (uint32_t)(CBPF_AD_OFF + CBPF_AD_RANDOM))
				repeatable = false;
		for (uint32_t j = 0; j < sizeof(pkt); j++)
			pkt[j] = (uint8_t)rnd();
		if (o->t == T_PACKET) {
			pkt[0] = 0x02;
			pkt[12] = 0x08;
			pkt[13] = 0x00;
		}
		snprintf(name, sizeof(name), "randprog seed %u", 1000 + i);
		if (repeatable && n + 4 < MAXI)
			program_case(o, name, v, n, pkt, len);
		cbpf_prog_free(rp);
	}
}

/* ---------------------------------------------------------------- transports */

static int netlink_open(struct oracle *o)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t alen = sizeof(addr);
	int rcvbuf = 1 << 20;

	o->t = T_NETLINK;
	o->name = "netlink";
	o->rx = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	o->tx = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	if (o->rx < 0 || o->tx < 0)
		return -errno;
	if (bind(o->rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(o->rx, (struct sockaddr *)&addr, &alen))
		return -errno;
	setsockopt(o->rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	o->rx_pid = addr.nl_pid;
	addr.nl_pid = 0;
	if (bind(o->tx, (struct sockaddr *)&addr, sizeof(addr)))
		return -errno;
	/* A netlink skb: no device, no link-layer header, the network header at the data. */
	memset(&o->meta, 0, sizeof(o->meta));
	o->meta.no_dev = true;
	o->meta.no_mac = true;
	o->meta.cpu = (uint32_t)cpu;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* A tap device in a network namespace of our own, and a packet socket on it. 0 or why not. */
static const char *packet_open(struct oracle *o)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1, ctl;

	o->t = T_PACKET;
	o->name = "packet";
	if (syscall(SYS_unshare, CLONE_NEWNET))
		return errno == EPERM ? "no permission to create a network namespace"
				      : "unshare(CLONE_NEWNET) failed";
	/* Nothing of ours may talk on the device: no IPv6 autoconfiguration. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	o->tx = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (o->tx < 0)
		return "no /dev/net/tun";
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "cbpf0");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(o->tx, TUNSETIFF, &ifr))
		return "cannot create a tap device (TUNSETIFF)";
	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0)
		return "no AF_INET control socket";
	memcpy(ifr.ifr_hwaddr.sa_data, tap_mac, 6);
	ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
	if (ioctl(ctl, SIOCSIFHWADDR, &ifr))
		return "cannot set the tap device's address";
	if (ioctl(ctl, SIOCGIFFLAGS, &ifr))
		return "SIOCGIFFLAGS failed";
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(ctl, SIOCSIFFLAGS, &ifr))
		return "cannot bring the tap device up";
	if (ioctl(ctl, SIOCGIFINDEX, &ifr))
		return "SIOCGIFINDEX failed";
	close(ctl);
	o->rx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0003 /* ETH_P_ALL */));
	if (o->rx < 0)
		return errno == EPERM ? "no permission for packet sockets" : "no packet socket";
	sll.sll_protocol = htons(0x0003);
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(o->rx, (struct sockaddr *)&sll, sizeof(sll)))
		return "cannot bind the packet socket";
	setsockopt(o->rx, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	setsockopt(o->rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&o->meta, 0, sizeof(o->meta));
	o->meta.ifindex = (uint32_t)ifr.ifr_ifindex;
	o->meta.hatype = 1;
	o->meta.cpu = (uint32_t)cpu;
	o->meta.queue = 1; /* tun records rx queue 0, which skb_record_rx_queue stores as 1 */
	return NULL;
}

/* ---------------------------------------------------------------- frames for the packet cases */

static uint32_t checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* An Ethernet frame: dst, our source, type, payload. */
static uint32_t frame(uint8_t *f, const uint8_t *dst, uint16_t type, const uint8_t *payload,
		      uint32_t plen)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x99 };

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	memcpy(f + 14, payload, plen);
	return 14 + plen;
}

/* An IPv4 header of ihl words followed by len - 4*ihl bytes of L4. */
static uint32_t ipv4(uint8_t *p, uint32_t ihl, uint8_t proto, uint16_t frag, uint32_t l4len,
		     uint8_t doff_byte)
{
	uint32_t tot = ihl * 4 + l4len, sum = 0;

	memset(p, 0, tot);
	p[0] = (uint8_t)(0x40 | ihl);
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	for (uint32_t i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum = ~checksum_fold(sum) & 0xffff;
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
	if (l4len > 12)
		p[ihl * 4 + 12] = doff_byte;
	return tot;
}

static uint32_t ipv6(uint8_t *p, uint8_t next, const uint8_t *ext, uint32_t extlen, uint32_t l4len,
		     uint8_t doff_byte)
{
	uint32_t plen = extlen + l4len;

	memset(p, 0, 40 + plen);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = next;
	p[7] = 64;
	p[23] = 1;
	p[39] = 2;
	if (extlen)
		memcpy(p + 40, ext, extlen);
	if (l4len > 12)
		p[40 + extlen + 12] = doff_byte;
	return 40 + plen;
}

/* Checks every ancillary load and the packet loads over one frame written to the tap. */
static void packet_frame_cases(const struct oracle *o, const char *what, const uint8_t *f,
			       uint32_t len, uint8_t pkttype)
{
	struct cbpf_meta meta;
	char name[128];

	packet_meta(o, f, len, &meta);
	if (meta.pkttype != pkttype) {
		fprintf(stderr, "vm-kernel: %s: pkttype %u, expected %u\n", what, meta.pkttype,
			pkttype);
		tally.failed++;
	}
	ancillary_cases(o, f, len, &meta, what);
	snprintf(name, sizeof(name), "%s: ld #len", what);
	CASE(o, name, f, len, &meta, I(CBPF_LD | CBPF_W | CBPF_LEN, 0));
	for (uint32_t k = 0; k + 4 <= len + 2; k += 3) {
		snprintf(name, sizeof(name), "%s: ld [SKF_NET_OFF + %u]", what, k);
		CASE(o, name, f, len, &meta, I(LD_ABS(CBPF_W), (uint32_t)(CBPF_NET_OFF + (int)k)));
		snprintf(name, sizeof(name), "%s: ldh [SKF_LL_OFF + %u]", what, k);
		CASE(o, name, f, len, &meta, I(LD_ABS(CBPF_H), (uint32_t)(CBPF_LL_OFF + (int)k)));
	}
}

/* A tagged frame: the kernel moves the tag into metadata before the packet socket sees it. */
static void vlan_case(const struct oracle *o, uint16_t tpid, uint16_t tci, const uint8_t *dst,
		      const uint8_t *ipkt, uint32_t ilen)
{
	uint8_t tagged[200], untagged[200];
	uint32_t tlen, ulen;
	struct cbpf_meta meta = o->meta;
	char what[64];

	ulen = frame(untagged, dst, 0x0800, ipkt, ilen);
	tlen = frame(tagged, dst, tpid,
		     (const uint8_t[]){ (uint8_t)(tci >> 8), (uint8_t)tci, 0x08, 0x00 }, 4);
	memcpy(tagged + tlen, ipkt, ilen);
	tlen += ilen;
	cbpf_meta_from_frame(&meta, CBPF_DLT_EN10MB, untagged, ulen, ulen);
	meta.pkttype = CBPF_PKT_HOST;
	meta.vlan_present = true;
	meta.vlan_tci = tci;
	meta.vlan_proto = htons(tpid);
	snprintf(what, sizeof(what), "tag %#x/%#x", tpid, tci);
	/* The interpreter reads the frame as the kernel holds it; the tap receives it tagged. */
	for (uint32_t anc = 0; anc < CBPF_AD_MAX; anc += 4) {
		struct prog probe, k;
		struct cbpf_input in = cbpf_input_packet(untagged, ulen, ulen, &meta);
		struct vm_result v, r;
		long seen, want;
		int err;

		if (anc == CBPF_AD_RANDOM)
			continue;
		prologue(o, &probe);
		add(&probe, LD_ABS(CBPF_W), 0, 0, (uint32_t)(CBPF_AD_OFF + (int32_t)anc));
		k = probe;
		add(&probe, CBPF_RET | CBPF_A, 0, 0, 0);
		v = vm_result(&probe, &in, CBPF_VM_SOCKET);
		add(&k, CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, v.ret);
		add(&k, CBPF_RET | CBPF_K, 0, 0, UINT32_MAX);
		add(&k, CBPF_RET | CBPF_K, 0, 0, 0);
		r = vm_result(&k, &in, CBPF_VM_SOCKET);
		want = expected(o, r.ret, ulen);
		err = kernel_packet(o, &k, tagged, tlen, &seen);
		if (err < 0)
			exit(1);
		if (err > 0) {
			tally.refused++;
			continue;
		}
		tally.checked++;
		if (seen != want) {
			tally.failed++;
			fprintf(stderr, "MISMATCH packet %s: ancillary %u: interpreter %u\n", what,
				anc, v.ret);
		} else if (tally.verbose) {
			printf("  ok packet %s: ancillary %u = %u\n", what, anc, v.ret);
		}
	}
}

static void packet_cases(const struct oracle *o)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t f[200], p[200], ext[16];
	uint32_t n;

	/* pkttype from the destination; the rest from a plain UDP packet. */
	n = ipv4(p, 5, 17, 0, 12, 0);
	packet_frame_cases(o, "udp to us", f, frame(f, tap_mac, 0x0800, p, n), CBPF_PKT_HOST);
	packet_frame_cases(o, "udp broadcast", f, frame(f, bcast, 0x0800, p, n),
			   CBPF_PKT_BROADCAST);
	packet_frame_cases(o, "udp multicast", f, frame(f, mcast, 0x0800, p, n),
			   CBPF_PKT_MULTICAST);
	packet_frame_cases(o, "udp to another", f, frame(f, other, 0x0800, p, n),
			   CBPF_PKT_OTHERHOST);

	/* The payload offset over what the flow dissector knows. */
	static const struct {
		const char *what;
		uint32_t ihl;
		uint8_t proto;
		uint16_t frag;
		uint32_t l4len;
		uint8_t doff;
	} v4[] = {
		{ "tcp doff 5", 5, 6, 0, 40, 0x50 },
		{ "tcp doff 8", 5, 6, 0, 40, 0x80 },
		{ "tcp doff 2", 5, 6, 0, 40, 0x20 },
		{ "tcp doff 15", 5, 6, 0, 40, 0xf0 },
		{ "tcp cut at 12", 5, 6, 0, 12, 0 },
		{ "icmp", 5, 1, 0, 16, 0 },
		{ "igmp", 5, 2, 0, 16, 0 },
		{ "sctp", 5, 132, 0, 16, 0 },
		{ "dccp", 5, 33, 0, 16, 0 },
		{ "udplite", 5, 136, 0, 16, 0 },
		{ "gre", 5, 47, 0, 16, 0 },
		{ "unknown l4", 5, 253, 0, 16, 0 },
		{ "ip options", 7, 17, 0, 16, 0 },
		{ "ihl 15 past the end", 15, 17, 0, 0, 0 },
		{ "first fragment", 5, 6, 0x2000, 40, 0x80 },
		{ "later fragment", 5, 6, 0x0010, 40, 0x80 },
		{ "df set", 5, 6, 0x4000, 40, 0x60 },
	};
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		char what[64];

		n = ipv4(p, v4[i].ihl, v4[i].proto, v4[i].frag, v4[i].l4len, v4[i].doff);
		if (v4[i].ihl == 15)
			n = 24; /* the options the header promises are not there */
		snprintf(what, sizeof(what), "ipv4 %s", v4[i].what);
		packet_frame_cases(o, what, f, frame(f, tap_mac, 0x0800, p, n), CBPF_PKT_HOST);
	}
	n = ipv4(p, 3, 17, 0, 16, 0);
	packet_frame_cases(o, "ipv4 ihl 3", f, frame(f, tap_mac, 0x0800, p, n), CBPF_PKT_HOST);
	packet_frame_cases(o, "ipv4 truncated", f, frame(f, tap_mac, 0x0800, p, 12), CBPF_PKT_HOST);
	/* IP in IP. */
	{
		uint8_t inner[80];
		uint32_t in = ipv4(inner, 5, 6, 0, 40, 0x70);

		n = ipv4(p, 5, 4, 0, in, 0);
		memcpy(p + 20, inner, in);
		packet_frame_cases(o, "ipip tcp", f, frame(f, tap_mac, 0x0800, p, n),
				   CBPF_PKT_HOST);
	}
	/* Tunnels the dissector follows: GRE (plain, with options, Ethernet, PPTP), MPLS, PPPoE. */
	{
		static const struct {
			const char *what;
			uint8_t hdr[24];
			uint32_t hlen;
			bool v6;
		} gres[] = {
			{ "gre ip", { 0x00, 0x00, 0x08, 0x00 }, 4, false },
			{ "gre csum key seq ipv6",
			  { 0xb0, 0x00, 0x86, 0xdd, 1, 2, 0, 0, 3, 4, 5, 6, 7, 8, 9, 10 },
			  16,
			  true },
			{ "gre routing", { 0x40, 0x00, 0x08, 0x00 }, 4, false },
			{ "gre version 2", { 0x00, 0x02, 0x08, 0x00 }, 4, false },
			{ "gre teb",
			  { 0x00, 0x00, 0x65, 0x58, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08,
			    0x00 },
			  18,
			  false },
			{ "pptp",
			  { 0x30, 0x81, 0x88, 0x0b, 0, 40, 0,	 1,    0,    0,
			    0,	  9,	0,    0,    0, 7,  0xff, 0x03, 0x00, 0x21 },
			  20,
			  false },
			{ "pptp no key", { 0x10, 0x01, 0x88, 0x0b, 0, 0, 0, 9 }, 8, false },
			{ "gre mpls", { 0x00, 0x00, 0x88, 0x47, 0, 0, 0x11, 0x40 }, 8, false },
		};
		for (size_t i = 0; i < sizeof(gres) / sizeof(gres[0]); i++) {
			uint8_t inner[80];
			uint32_t in = gres[i].v6 ? ipv6(inner, 6, NULL, 0, 40, 0x70)
						 : ipv4(inner, 5, 17, 0, 16, 0);

			n = ipv4(p, 5, 47, 0, gres[i].hlen + in, 0);
			memcpy(p + 20, gres[i].hdr, gres[i].hlen);
			memcpy(p + 20 + gres[i].hlen, inner, in);
			packet_frame_cases(o, gres[i].what, f, frame(f, tap_mac, 0x0800, p, n),
					   CBPF_PKT_HOST);
		}
		n = ipv4(p, 5, 137, 0, 24, 0);
		packet_frame_cases(o, "mpls in ip", f, frame(f, tap_mac, 0x0800, p, n),
				   CBPF_PKT_HOST);
		memcpy(p, "\x00\x01\x01\x40", 4);
		n = 4 + ipv4(p + 4, 5, 6, 0, 40, 0x50);
		packet_frame_cases(o, "mpls", f, frame(f, tap_mac, 0x8847, p, n), CBPF_PKT_HOST);
		memcpy(p, "\x11\x00\x00\x01\x00\x30\x00\x21", 8);
		n = 8 + ipv4(p + 8, 5, 17, 0, 20, 0);
		packet_frame_cases(o, "pppoe ip", f, frame(f, tap_mac, 0x8864, p, n),
				   CBPF_PKT_HOST);
		memcpy(p, "\x11\x00\x00\x01\x00\x30\x21", 7);
		n = 7 + ipv4(p + 7, 5, 17, 0, 20, 0);
		packet_frame_cases(o, "pppoe compressed ip", f, frame(f, tap_mac, 0x8864, p, n),
				   CBPF_PKT_HOST);
		memcpy(p, "\x11\x00\x00\x01\x00\x30\xc0\x21", 8);
		packet_frame_cases(o, "pppoe lcp", f, frame(f, tap_mac, 0x8864, p, 30),
				   CBPF_PKT_HOST);
		memcpy(p, "\x11\x00\x00\x01\x00\x30\x00\x20", 8);
		packet_frame_cases(o, "pppoe invalid protocol", f, frame(f, tap_mac, 0x8864, p, 30),
				   CBPF_PKT_HOST);
		memcpy(p, "\x12\x00\x00\x01\x00\x30\x00\x21", 8);
		packet_frame_cases(o, "pppoe version 2", f, frame(f, tap_mac, 0x8864, p, 30),
				   CBPF_PKT_HOST);
	}
	/* IPv6 and its extension headers. */
	n = ipv6(p, 6, NULL, 0, 40, 0x90);
	packet_frame_cases(o, "ipv6 tcp", f, frame(f, tap_mac, 0x86dd, p, n), CBPF_PKT_HOST);
	n = ipv6(p, 58, NULL, 0, 16, 0);
	packet_frame_cases(o, "ipv6 icmp6", f, frame(f, tap_mac, 0x86dd, p, n), CBPF_PKT_HOST);
	memset(ext, 0, sizeof(ext));
	ext[0] = 17; /* hop-by-hop, 16 bytes, then UDP */
	ext[1] = 1;
	n = ipv6(p, 0, ext, 16, 16, 0);
	packet_frame_cases(o, "ipv6 hop-by-hop udp", f, frame(f, tap_mac, 0x86dd, p, n),
			   CBPF_PKT_HOST);
	memset(ext, 0, sizeof(ext));
	ext[0] = 6; /* fragment header, first fragment */
	ext[3] = 1;
	n = ipv6(p, 44, ext, 8, 40, 0x60);
	packet_frame_cases(o, "ipv6 first fragment", f, frame(f, tap_mac, 0x86dd, p, n),
			   CBPF_PKT_HOST);
	ext[2] = 0x01; /* offset 32 */
	n = ipv6(p, 44, ext, 8, 40, 0x60);
	packet_frame_cases(o, "ipv6 later fragment", f, frame(f, tap_mac, 0x86dd, p, n),
			   CBPF_PKT_HOST);
	packet_frame_cases(o, "ipv6 truncated", f, frame(f, tap_mac, 0x86dd, p, 30), CBPF_PKT_HOST);
	/* Other ethertypes, and 802.3 lengths. */
	memset(p, 0xab, 64);
	packet_frame_cases(o, "arp", f, frame(f, bcast, 0x0806, p, 28), CBPF_PKT_BROADCAST);
	packet_frame_cases(o, "unknown type", f, frame(f, tap_mac, 0x1234, p, 40), CBPF_PKT_HOST);
	packet_frame_cases(o, "802.3 llc", f, frame(f, tap_mac, 46, p, 46), CBPF_PKT_HOST);
	p[0] = p[1] = 0xff;
	packet_frame_cases(o, "802.3 raw ipx", f, frame(f, tap_mac, 46, p, 46), CBPF_PKT_HOST);
	/* Offloaded VLAN tags. */
	n = ipv4(p, 5, 6, 0, 40, 0x50);
	vlan_case(o, 0x8100, 0x2005, tap_mac, p, n);
	vlan_case(o, 0x8100, 0x0000, tap_mac, p, n);
	vlan_case(o, 0x88a8, 0xefff, tap_mac, p, n);
}

/* ---------------------------------------------------------------- seccomp */

static void seccomp_cases(struct oracle *o)
{
	struct cbpf_seccomp_data sd = { 0 };
	struct cbpf_input in;
	char name[64];

	o->t = T_SECCOMP;
	o->name = "seccomp";
	o->seccomp_nr = SYS_getppid;
	sd.nr = (int32_t)o->seccomp_nr;
#if defined(__x86_64__)
	sd.arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	sd.arch = AUDIT_ARCH_AARCH64;
#endif
	for (int i = 0; i < 6; i++)
		sd.args[i] = 0x1122334455667788ull * (uint64_t)(i + 1) ^ 0x8000000000000001ull;
	in = cbpf_input_seccomp(&sd);
	for (uint32_t k = 0; k < CBPF_SECCOMP_DATA_SIZE; k += 4) {
		/* The instruction pointer is not known in advance. */
		if (k == 8 || k == 12)
			continue;
		if (k == 4 && !sd.arch)
			continue;
		snprintf(name, sizeof(name), "ld [%u]", k);
		value_case(o, name, BODY(I(LD_ABS(CBPF_W), k)), 1, &in);
	}
	value_case(o, "ld #len", BODY(I(CBPF_LD | CBPF_W | CBPF_LEN, 0)), 1, &in);
	value_case(o, "ldx #len",
		   BODY(I(CBPF_LDX | CBPF_W | CBPF_LEN, 0), I(CBPF_MISC | CBPF_TXA, 0)), 2, &in);
	for (unsigned i = 0; i < 150; i++) {
		struct cbpf_insn body[20];
		uint32_t n = random_body(body, 12, 64, true);

		for (uint32_t j = 0; j < n; j++)
			if (body[j].code == LD_ABS(CBPF_W) && (body[j].k == 8 || body[j].k == 12))
				body[j].k = 16;
		snprintf(name, sizeof(name), "random body %u", i);
		value_case(o, name, body, n, &in);
	}
}

/* Whether a child may install a seccomp filter at all: NULL, or why not. */
static const char *seccomp_usable(void)
{
	struct sock_filter allow = { CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW };
	struct sock_fprog fp = { .len = 1, .filter = &allow };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return "fork failed";
	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return "cannot install a seccomp filter (PR_SET_SECCOMP refused)";
	return NULL;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	struct oracle nl = { 0 }, pk = { 0 }, sc = { 0 };
	unsigned nrandom = 2000;
	const char *why_packet;
	int opt, err, transports = 0;
	unsigned long set[16] = { 0 };
	pid_t child;
	int status, counts[2];
	struct {
		struct tally t;
		char why[128];
	} sub = { 0 };
	char skipped[512] = "";
	const char *why_seccomp;

	rng_state = 0x9e3779b97f4a7c15ull;
	while ((opt = getopt(argc, argv, "vn:s:o:")) != -1) {
		switch (opt) {
		case 'v':
			tally.verbose = 1;
			break;
		case 'n':
			nrandom = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			only = atoi(optarg);
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			fprintf(stderr, "usage: vm-kernel [-v] [-n RANDOM_PROGRAMS] [-s SEED]\n");
			return 2;
		}
	}
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 37 + 11);
	/* ld #cpu says where the filter runs: in our own syscalls, on the CPU we pin. */
	if (syscall(SYS_getcpu, &cpu, NULL, NULL) || cpu >= 8 * sizeof(set))
		cpu = UINT32_MAX;
	else
		set[cpu / (8 * sizeof(set[0]))] = 1ul << (cpu % (8 * sizeof(set[0])));
	if (cpu == UINT32_MAX || syscall(SYS_sched_setaffinity, 0, sizeof(set), set)) {
		fprintf(stderr, "vm-kernel: cannot pin to a CPU\n");
		return 1;
	}

	err = netlink_open(&nl);
	if (err) {
		printf("netlink: skipped: NETLINK_USERSOCK unavailable (%s)\n", strerror(-err));
		snprintf(skipped, sizeof(skipped), "; netlink skipped: %s", strerror(-err));
	} else {
		unsigned before = tally.checked;

		transports++;
		alu_cases(&nl);
		bounds_cases(&nl, 1);
		bounds_cases(&nl, 60);
		ancillary_cases(&nl, pattern, 64, NULL, "netlink skb");
		nlattr_cases(&nl);
		random_cases(&nl, nrandom);
		randprog_cases(&nl, nrandom);
		printf("netlink: %u programs checked\n", tally.checked - before);
	}

	/* The packet transport lives in its own network namespace: a child of its own. */
	fflush(stdout);
	if (pipe(counts)) {
		perror("vm-kernel: pipe");
		return 1;
	}
	child = fork();
	if (child == 0) {
		close(counts[0]);
		why_packet = packet_open(&pk);
		if (why_packet) {
			printf("packet: skipped: %s\n", why_packet);
			snprintf(sub.why, sizeof(sub.why), "%s", why_packet);
			if (write(counts[1], &sub, sizeof(sub)) != (ssize_t)sizeof(sub))
				_exit(1);
			_exit(77);
		}
		tally.checked = tally.failed = tally.refused = 0;
		bounds_cases(&pk, 14);
		packet_cases(&pk);
		random_cases(&pk, nrandom / 4);
		randprog_cases(&pk, nrandom / 4);
		printf("packet: %u programs checked\n", tally.checked);
		fflush(stdout);
		sub.t = tally;
		if (write(counts[1], &sub, sizeof(sub)) != (ssize_t)sizeof(sub))
			_exit(1);
		_exit(0);
	}
	close(counts[1]);
	if (read(counts[0], &sub, sizeof(sub)) == (ssize_t)sizeof(sub)) {
		tally.checked += sub.t.checked;
		tally.refused += sub.t.refused;
		tally.failed += sub.t.failed;
		if (sub.why[0])
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped),
				 "; packet skipped: %s", sub.why);
	}
	close(counts[0]);
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
		fprintf(stderr, "vm-kernel: the packet transport crashed\n");
		return 1;
	}
	if (WEXITSTATUS(status) == 0)
		transports++;
	else if (WEXITSTATUS(status) != 77)
		tally.failed++;

	why_seccomp = seccomp_usable();
	if (why_seccomp) {
		printf("seccomp: skipped: %s\n", why_seccomp);
		snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped),
			 "; seccomp skipped: %s", why_seccomp);
	} else {
		unsigned before = tally.checked;

		seccomp_cases(&sc);
		transports++;
		printf("seccomp: %u programs checked\n", tally.checked - before);
	}

	if (!transports) {
		printf("skipped: no transport to the kernel could be used%s\n", skipped);
		return 77;
	}
	printf("%u programs checked against the kernel (%u refused by it; %u runs also as native "
	       "code): %u differences%s\n",
	       tally.checked, tally.refused, tally.jitted, tally.failed, skipped);
	return tally.failed ? 1 : 0;
}
