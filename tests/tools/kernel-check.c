// SPDX-License-Identifier: MIT
/* The kernel as oracle: cbpf_check's verdicts against SO_ATTACH_FILTER and seccomp(2). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cbpf.h"
#include "prog_insert.h"
#include "randprog.h"

#define PENDING	   INT_MIN
#define TIMEOUT_MS 10000
#define SHOW_FULL  10 /* disagreements printed with their program; the rest get one line */

enum { SOCK, SECC, NMODES };
static const char *const mode_names[NMODES] = { "SO_ATTACH_FILTER", "seccomp(2)" };
static const enum cbpf_check_mode modes[NMODES] = { CBPF_CHECK_SOCKET, CBPF_CHECK_SECCOMP };

struct item {
	struct cbpf_prog *prog;
	char desc[80];
	int kernel[NMODES]; /* 0 accepted, an errno, or PENDING */
	int ours[NMODES];   /* what cbpf_check returned */
	bool warned;	    /* cbpf_check warned about socket memory (ENOMEM ahead) */
	int mutation;	    /* a randprog mutation, or -1 for the edge cases */
};

struct list {
	struct item *v;
	size_t n, cap;
};

static void add(struct list *l, struct cbpf_prog *prog, const char *fmt, ...) CBPF_PRINTF(3, 4);

static void add(struct list *l, struct cbpf_prog *prog, const char *fmt, ...)
{
	struct item *it;
	va_list ap;

	if (!prog) {
		fprintf(stderr, "kernel-check: out of memory\n");
		exit(2);
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			fprintf(stderr, "kernel-check: out of memory\n");
			exit(2);
		}
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->prog = prog;
	it->kernel[SOCK] = it->kernel[SECC] = PENDING;
	it->mutation = -1;
	va_start(ap, fmt);
	vsnprintf(it->desc, sizeof(it->desc), fmt, ap);
	va_end(ap);
}

/* A program from an instruction list. */
#define PROG(...)                                                                                  \
	cbpf_prog_new((const struct cbpf_insn[]){ __VA_ARGS__ },                                   \
		      sizeof((const struct cbpf_insn[]){ __VA_ARGS__ }) /                          \
			      sizeof(struct cbpf_insn))
#define I(code, jt, jf, k)                                                                         \
	{                                                                                          \
		(code), (jt), (jf), (k)                                                            \
	}
#define RET0 I(CBPF_RET | CBPF_K, 0, 0, 0)
#define RETA I(CBPF_RET | CBPF_A, 0, 0, 0)

/* n copies of one instruction, then a return. */
static struct cbpf_prog *repeat(struct cbpf_insn insn, size_t n)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	for (size_t i = 0; prog && i < n; i++)
		if (prog_append(prog, insn, NULL))
			return NULL;
	if (prog && prog_append(prog, (struct cbpf_insn)RET0, NULL))
		return NULL;
	return prog;
}

/*
 * A program whose eBPF translation puts jump at instruction at (counting the 7-instruction
 * prologue): 'ldb [1]' makes 13 eBPF instructions and 'ld #0' one.
 */
static struct cbpf_prog *jump_at(unsigned at, struct cbpf_insn jump)
{
	unsigned heavy = (at - 7) / 13, light = (at - 7) % 13;
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	int err = 0;

	for (unsigned i = 0; prog && i < heavy; i++)
		err |= prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 1),
				   NULL);
	for (unsigned i = 0; prog && i < light; i++)
		err |= prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_IMM, 0, 0, 0), NULL);
	if (prog) {
		err |= prog_append(prog, jump, NULL);
		err |= prog_append(prog, (struct cbpf_insn)RET0, NULL);
		err |= prog_append(prog, (struct cbpf_insn)RETA, NULL);
	}
	return err ? NULL : prog;
}

/* 'ja' over loads whose translation spans exactly span eBPF instructions. */
static struct cbpf_prog *ja_span(unsigned span)
{
	unsigned heavy = span / 13, light = span % 13;
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);
	int err = 0;

	if (!prog)
		return NULL;
	err |= prog_append(prog, (struct cbpf_insn)I(CBPF_JMP | CBPF_JA, 0, 0, heavy + light),
			   NULL);
	for (unsigned i = 0; i < heavy; i++)
		err |= prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 1),
				   NULL);
	for (unsigned i = 0; i < light; i++)
		err |= prog_append(prog, (struct cbpf_insn)I(CBPF_LD | CBPF_IMM, 0, 0, 0), NULL);
	err |= prog_append(prog, (struct cbpf_insn)RET0, NULL);
	return err ? NULL : prog;
}

/* The limits, one each side: lengths, jump ranges, constants, offsets, translation. */
static void add_edges(struct list *l)
{
	const uint32_t ad = (uint32_t)CBPF_AD_OFF;

	add(l, cbpf_prog_new(NULL, 0), "edge: empty");
	add(l, repeat((struct cbpf_insn)I(CBPF_LD | CBPF_IMM, 0, 0, 0), 4095), "edge: 4096 insns");
	add(l, repeat((struct cbpf_insn)I(CBPF_LD | CBPF_IMM, 0, 0, 0), 4096), "edge: 4097 insns");
	add(l, PROG(RET0), "edge: ret #0 alone");
	add(l, PROG(I(CBPF_LD | CBPF_IMM, 0, 0, 0)), "edge: no ret");
	add(l, PROG(RET0, I(CBPF_LD | CBPF_IMM, 0, 0, 0)), "edge: ret then no ret");

	/* Jumps to exactly the last instruction, and one past it. */
	add(l, PROG(I(CBPF_JMP | CBPF_JA, 0, 0, 0), RET0), "edge: ja to last");
	add(l, PROG(I(CBPF_JMP | CBPF_JA, 0, 0, 1), RET0), "edge: ja one past");
	add(l, PROG(I(CBPF_JMP | CBPF_JA, 0, 0, 0xffffffff), RET0), "edge: ja k=0xffffffff");
	add(l, PROG(I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 0), RET0, RET0), "edge: jt to last");
	add(l, PROG(I(CBPF_JMP | CBPF_JEQ | CBPF_K, 2, 0, 0), RET0, RET0), "edge: jt one past");
	add(l, PROG(I(CBPF_JMP | CBPF_JGT | CBPF_X, 0, 1, 0), RET0, RET0), "edge: jf to last");
	add(l, PROG(I(CBPF_JMP | CBPF_JGT | CBPF_X, 0, 2, 0), RET0, RET0), "edge: jf one past");
	add(l, PROG(I(CBPF_JMP | CBPF_JSET | CBPF_K, 255, 255, 0), RET0), "edge: jt jf 255");

	/* Scratch memory indexes and what counts as written. */
	add(l, PROG(I(CBPF_ST, 0, 0, 15), I(CBPF_LD | CBPF_MEM, 0, 0, 15), RETA), "edge: M[15]");
	add(l, PROG(I(CBPF_ST, 0, 0, 16), RET0), "edge: st M[16]");
	add(l, PROG(I(CBPF_STX, 0, 0, 0xffffffff), RET0), "edge: stx M[0xffffffff]");
	add(l, PROG(I(CBPF_ST, 0, 0, 0), I(CBPF_LDX | CBPF_MEM, 0, 0, 16), RET0),
	    "edge: ldx M[16]");
	add(l, PROG(I(CBPF_LD | CBPF_MEM, 0, 0, 0), RET0), "edge: read first");
	add(l, PROG(I(CBPF_JMP | CBPF_JA, 0, 0, 0), I(CBPF_LD | CBPF_MEM, 0, 0, 0), RET0),
	    "edge: read after ja to it");
	add(l, PROG(I(CBPF_JMP | CBPF_JA, 0, 0, 1), I(CBPF_LD | CBPF_MEM, 0, 0, 0), RET0),
	    "edge: read skipped by ja");
	add(l,
	    PROG(I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0), I(CBPF_ST, 0, 0, 0),
		 I(CBPF_LD | CBPF_MEM, 0, 0, 0), RETA),
	    "edge: store on one branch");
	add(l,
	    PROG(I(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 2, 0), I(CBPF_ST, 0, 0, 1),
		 I(CBPF_JMP | CBPF_JA, 0, 0, 1), I(CBPF_STX, 0, 0, 1),
		 I(CBPF_LD | CBPF_MEM, 0, 0, 1), RETA),
	    "edge: store on both branches");
	add(l, PROG(I(CBPF_ST, 0, 0, 0), RET0, I(CBPF_LD | CBPF_MEM, 0, 0, 0), RETA),
	    "edge: read after ret, written before");
	add(l, PROG(RET0, I(CBPF_LD | CBPF_MEM, 0, 0, 0), RETA), "edge: read after ret");
	add(l,
	    PROG(I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 1, 0), I(CBPF_ST, 0, 0, 2),
		 I(CBPF_LDX | CBPF_MEM, 0, 0, 2), RETA),
	    "edge: jt and jf skip the store");

	/* Constants. */
	for (uint16_t op = CBPF_LSH; op <= CBPF_RSH; op += 0x10)
		for (uint32_t k = 30; k <= 33; k++)
			add(l, PROG(I(CBPF_ALU | op | CBPF_K, 0, 0, k), RETA), "edge: %s #%" PRIu32,
			    op == CBPF_LSH ? "lsh" : "rsh", k);
	add(l, PROG(I(CBPF_ALU | CBPF_LSH | CBPF_K, 0, 0, 0xffffffff), RETA), "edge: lsh #-1");
	add(l, PROG(I(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 0), RETA), "edge: div #0");
	add(l, PROG(I(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 1), RETA), "edge: div #1");
	add(l, PROG(I(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 0), RETA), "edge: mod #0");
	add(l, PROG(I(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 1), RETA), "edge: mod #1");
	add(l, PROG(I(CBPF_ALU | CBPF_DIV | CBPF_X, 0, 0, 0), RETA), "edge: div x");
	add(l, PROG(I(CBPF_MISC | CBPF_TAX, 7, 9, 123), I(CBPF_RET | CBPF_A, 1, 2, 3)),
	    "edge: junk jt jf k");

	/* struct seccomp_data offsets and ancillary loads. */
	for (uint32_t k = 0; k <= 68; k++)
		add(l, PROG(I(CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, k), RETA),
		    "edge: ld [%" PRIu32 "]", k);
	for (uint32_t off = 0; off < 72; off++)
		for (uint16_t size = CBPF_W; size <= CBPF_B; size += CBPF_H)
			add(l, PROG(I(CBPF_LD | size | CBPF_ABS, 0, 0, ad + off), RETA),
			    "edge: ld%s [SKF_AD_OFF + %" PRIu32 "]",
			    size == CBPF_W   ? ""
			    : size == CBPF_H ? "h"
					     : "b",
			    off);
	add(l, PROG(I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 0xffffffff), RETA), "edge: ldb [-1]");
	add(l, PROG(I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, ad - 1), RETA),
	    "edge: ldb [SKF_AD_OFF - 1]");
	add(l, PROG(I(CBPF_LD | CBPF_H | CBPF_IND, 0, 0, ad + 4), RETA),
	    "edge: ldh [x + SKF_AD_OFF + 4]");
	add(l, PROG(I(CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, ad), RETA), "edge: ldxb msh SKF_AD_OFF");

	/* Every 8-bit code alone and last; some wider ones. */
	for (uint32_t code = 0; code < 0x100; code++) {
		add(l, PROG(I((uint16_t)code, 0, 0, 1), RET0), "edge: code 0x%02" PRIx32 " k=1",
		    code);
		add(l, PROG(I(CBPF_LD | CBPF_IMM, 0, 0, 0), I((uint16_t)code, 0, 0, 0)),
		    "edge: code 0x%02" PRIx32 " last", code);
	}
	static const uint16_t wide[] = { 0x100, 0x106, 0x8006, 0x1020, 0xffff };
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		add(l, PROG(I(wide[i], 0, 0, 0), RET0), "edge: code 0x%04x", wide[i]);

	/* The eBPF translation: a jump placed around instruction 32767, at each position. */
	static const struct {
		struct cbpf_insn jump;
		unsigned last; /* position of its last eBPF jump inside the translation */
		const char *name;
	} jumps[] = {
		{ I(CBPF_JMP | CBPF_JA, 0, 0, 0), 0, "ja" },
		{ I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 5), 0, "jeq #5 jf=0" },
		{ I(CBPF_JMP | CBPF_JGT | CBPF_K, 0, 1, 5), 0, "jgt #5 jt=0" },
		{ I(CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 0xffffffff), 1, "jeq #-1 jf=0" },
		{ I(CBPF_JMP | CBPF_JSET | CBPF_K, 0, 1, 5), 1, "jset #5 jt=0" },
		{ I(CBPF_JMP | CBPF_JGE | CBPF_K, 1, 1, 0x80000000), 2, "jge #-2^31 jt=jf=1" },
	};
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++)
		for (unsigned at = 32766; at <= 32768; at++)
			add(l, jump_at(at - jumps[i].last, jumps[i].jump),
			    "edge: %s ends at eBPF insn %u", jumps[i].name, at);
	for (unsigned span = 32766; span <= 32768; span++)
		add(l, ja_span(span), "edge: ja spans %u eBPF insns", span);
	/* Socket memory: 16371 eBPF instructions fit the default optmem_max, 16372 do not. */
	for (unsigned light = 8; light <= 9; light++) {
		struct cbpf_prog *prog =
			repeat((struct cbpf_insn)I(CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 1), 1258);

		for (unsigned i = 0; prog && i < light; i++)
			if (prog_insert(prog, 0, (struct cbpf_insn)I(CBPF_LD | CBPF_IMM, 0, 0, 0),
					NULL))
				prog = NULL;
		add(l, prog, "edge: %u eBPF insns", 7 + 13 * 1258 + light + 2);
	}
}

static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void add_random(struct list *l, uint64_t seed, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t h = mix(seed * 0x9e3779b97f4a7c15ull + i + 1);
		struct randprog_opts o = { 0 };

		o.seed = h;
		o.seccomp = h & 1;
		o.mutation = (h >> 8) % 100 < 45 ? RANDPROG_VALID
						 : 1 + (h >> 16) % (RANDPROG_NMUTATIONS - 1);
		add(l, randprog_new(&o, NULL), "random %zu (seed %" PRIu64 "): %s%s", i, o.seed,
		    o.seccomp ? "seccomp " : "", randprog_mutation_name(o.mutation));
		l->v[l->n - 1].mutation = o.mutation;
	}
}

/* The instructions as the kernel's type (the layouts agree: insn.c asserts it). */
static struct sock_filter *filter_of(struct cbpf_prog *prog)
{
	static struct sock_filter dummy;

	/* An empty program still gets a valid pointer: the length alone must be refused. */
	return prog->len ? (struct sock_filter *)(void *)prog->insns : &dummy;
}

/* SO_ATTACH_FILTER on a fresh socket: 0 or the errno. */
static int socket_verdict(struct cbpf_prog *prog)
{
	struct sock_fprog fprog = { (unsigned short)prog->len, filter_of(prog) };
	size_t len = prog->len;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), err = 0;

	if (fd < 0) {
		perror("kernel-check: socket");
		exit(2);
	}
	/* struct sock_fprog counts in 16 bits: longer programs are cut, never sent as they are. */
	if (len > USHRT_MAX)
		err = E2BIG;
	else if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)))
		err = errno;
	close(fd);
	return err;
}

/*
 * seccomp(2) runs in workers forked by a small process started before any program exists, so
 * each fork stays cheap (with sanitizers too). A worker reads programs from a pipe and tries
 * each: a refused one leaves it as it was, and it answers through another pipe; once one is
 * installed its next system call would run under it, so it says so through shared memory (no
 * system call) and spins until the parent kills it. The small process then starts another.
 */
struct shared {
	volatile pid_t worker;	 /* the current worker, written by itself before it reads */
	volatile long installed; /* sequence number of the program it installed, or -1 */
	volatile int setup;	 /* errno of a failed prctl(PR_SET_NO_NEW_PRIVS) */
};

struct seccomp_runner {
	struct shared *sh;
	int prog_fd, res_fd; /* to the workers, from them */
	pid_t spawner;
	size_t workers;
};

struct header {
	long seq;
	uint32_t len;
};

struct answer {
	long seq;
	int err;
};

static bool read_all(int fd, void *buf, size_t len)
{
	for (char *p = buf; len;) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void worker(struct shared *sh, int prog_fd, int res_fd)
{
	static struct sock_filter insns[USHRT_MAX];
	struct header h;

	sh->worker = getpid();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		sh->setup = errno;
		_exit(1);
	}
	while (read_all(prog_fd, &h, sizeof(h)) &&
	       read_all(prog_fd, insns, h.len * sizeof(insns[0]))) {
		struct sock_fprog fprog = { (unsigned short)h.len, insns };
		struct answer a = { h.seq, 0 };

		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog))
			a.err = errno;
		if (!a.err) {
			__atomic_store_n(&sh->installed, h.seq, __ATOMIC_RELEASE);
			for (;;)
				; /* no system call from here on */
		}
		if (!write_all(res_fd, &a, sizeof(a)))
			_exit(1);
	}
	_exit(0);
}

static void spawner(struct shared *sh, int prog_fd, int res_fd)
{
	for (;;) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			_exit(1);
		if (pid == 0)
			worker(sh, prog_fd, res_fd);
		waitpid(pid, &status, 0);
		/* A worker that ran out of programs, or could not start: done. */
		if (WIFEXITED(status))
			_exit(0);
	}
}

static void runner_start(struct seccomp_runner *r)
{
	int prog[2], res[2];

	r->sh = mmap(NULL, sizeof(*r->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	if (r->sh == MAP_FAILED || pipe(prog) || pipe(res)) {
		perror("kernel-check: seccomp runner");
		exit(2);
	}
	r->sh->worker = 0;
	r->sh->installed = -1;
	r->spawner = fork();
	if (r->spawner < 0) {
		perror("kernel-check: fork");
		exit(2);
	}
	if (r->spawner == 0) {
		close(prog[1]);
		close(res[0]);
		spawner(r->sh, prog[0], res[1]);
	}
	close(prog[0]);
	close(res[1]);
	r->prog_fd = prog[1];
	r->res_fd = res[0];
}

static void runner_stop(struct seccomp_runner *r)
{
	int status;

	close(r->prog_fd);
	close(r->res_fd);
	waitpid(r->spawner, &status, 0);
	munmap(r->sh, sizeof(*r->sh));
}

/* seccomp(SECCOMP_SET_MODE_FILTER) on one program: 0, an errno, or -errno if setup failed. */
static int seccomp_verdict(struct seccomp_runner *r, long seq, struct cbpf_prog *prog)
{
	struct header h = { seq, (uint32_t)prog->len };
	struct timespec tick = { 0, 50000 };
	struct pollfd pfd = { r->res_fd, POLLIN, 0 };
	struct answer a;
	long ticks = 0;

	/* struct sock_fprog counts in 16 bits: longer programs are cut, never sent as they are. */
	if (prog->len > USHRT_MAX)
		return E2BIG;
	if (!write_all(r->prog_fd, &h, sizeof(h)) ||
	    !write_all(r->prog_fd, filter_of(prog), prog->len * sizeof(struct sock_filter)))
		return r->sh->setup ? -r->sh->setup : EIO;
	for (;;) {
		if (__atomic_load_n(&r->sh->installed, __ATOMIC_ACQUIRE) == seq) {
			pid_t pid = r->sh->worker;

			/* The spawner reaps it and starts the next worker. */
			kill(pid, SIGKILL);
			r->workers++;
			return 0;
		}
		if (poll(&pfd, 1, 0) > 0) {
			if (!read_all(r->res_fd, &a, sizeof(a)))
				return r->sh->setup ? -r->sh->setup : EIO;
			if (a.seq == seq)
				return a.err;
			continue;
		}
		nanosleep(&tick, NULL);
		if (++ticks > TIMEOUT_MS * 20) {
			kill(r->sh->worker, SIGKILL);
			return ETIMEDOUT;
		}
	}
}

static void print_prog(const struct cbpf_prog *prog)
{
	const struct cbpf_insn *v = cbpf_prog_insns(prog);
	size_t len = cbpf_prog_len(prog);

	for (size_t i = 0; i < len; i++) {
		if (len > 64 && i == 24) {
			printf("    ... %zu more ...\n", len - 48);
			i = len - 24;
		}
		printf("    %4zu: 0x%04x %3u %3u 0x%08" PRIx32 "\n", i, v[i].code, v[i].jt, v[i].jf,
		       v[i].k);
	}
}

static const char *kernel_str(int err, char *buf, size_t size)
{
	if (err == 0)
		return "accepted";
	snprintf(buf, size, "refused (%s)", err < 0 ? "setup failed" : strerror(err));
	return buf;
}

/* Whether the kernel accepted: EINVAL refuses; ENOMEM on a socket means it passed every check. */
static int kernel_accepts(int mode, int err)
{
	if (err == 0 || (mode == SOCK && err == ENOMEM))
		return 1;
	return err == EINVAL ? 0 : -1;
}

/* The control programs must pass, or nothing here can be judged. */
static void controls(struct seccomp_runner *r)
{
	struct cbpf_prog *ctl = PROG(I(CBPF_RET | CBPF_K, 0, 0, 0x7fff0000));
	int err = socket_verdict(ctl), serr = seccomp_verdict(r, 0, ctl);

	cbpf_prog_free(ctl);
	if (err == EPERM || err == EACCES) {
		printf("SO_ATTACH_FILTER refuses even 'ret #0x7fff0000' (%s): skipped\n",
		       strerror(err));
		exit(77);
	}
	if (serr) {
		printf("seccomp(2) refuses even 'ret #SECCOMP_RET_ALLOW' (%s%s): skipped\n",
		       serr < 0 ? "prctl(PR_SET_NO_NEW_PRIVS): " : "",
		       strerror(serr < 0 ? -serr : serr));
		exit(77);
	}
	if (err) {
		printf("SO_ATTACH_FILTER refuses even 'ret #0x7fff0000' (%s)\n", strerror(err));
		exit(1);
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: kernel-check [--seed N] [--count N] [--verbose]\n"
		     "Compares cbpf_check with SO_ATTACH_FILTER and seccomp(2) on edge-case\n"
		     "programs and COUNT random ones (default 5000, seed 1).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { { "seed", required_argument, NULL, 's' },
						  { "count", required_argument, NULL, 'n' },
						  { "verbose", no_argument, NULL, 'v' },
						  { "help", no_argument, NULL, 'h' },
						  { NULL, 0, NULL, 0 } };
	unsigned long long seed = 1, count = 5000;
	size_t agree = 0, shown = 0, accepted[NMODES] = { 0 }, enomem = 0, warned = 0, edges = 0;
	size_t by_mutation[RANDPROG_NMUTATIONS] = { 0 };
	struct seccomp_runner runner = { 0 };
	struct list l = { 0 };
	bool verbose = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* Before any program exists: the seccomp workers are forked from a small process. */
	signal(SIGPIPE, SIG_IGN);
	runner_start(&runner);
	controls(&runner);
	add_edges(&l);
	add_random(&l, seed, count);

	for (size_t i = 0; i < l.n; i++) {
		struct item *it = &l.v[i];

		struct cbpf_diags diags = { 0 };

		it->kernel[SOCK] = socket_verdict(it->prog);
		it->ours[SOCK] = cbpf_check(it->prog, CBPF_CHECK_SOCKET, &diags);
		it->ours[SECC] = cbpf_check(it->prog, CBPF_CHECK_SECCOMP, NULL);
		for (size_t d = 0; d < diags.n; d++)
			it->warned |= diags.v[d].severity == CBPF_SEV_WARNING &&
				      strstr(diags.v[d].msg, "optmem_max");
		cbpf_diags_free(&diags);
		it->kernel[SECC] = seccomp_verdict(&runner, (long)i + 1, it->prog);
	}
	runner_stop(&runner);

	for (size_t i = 0; i < l.n; i++) {
		struct item *it = &l.v[i];
		bool ok = true;
		char buf[2][64];

		for (int m = 0; m < NMODES; m++) {
			int k = kernel_accepts(m, it->kernel[m]);

			ok &= k >= 0 && k == (it->ours[m] == 0) &&
			      (it->ours[m] == 0 || it->ours[m] == -EINVAL);
			accepted[m] += k == 1;
		}
		enomem += it->kernel[SOCK] == ENOMEM;
		if (it->mutation < 0)
			edges++;
		else
			by_mutation[it->mutation]++;
		warned += it->kernel[SOCK] == ENOMEM && it->warned;
		agree += ok;
		if (verbose || !ok)
			printf("%s%s: %s %s, %s %s; cbpf_check %s, %s\n", ok ? "" : "DISAGREE ",
			       it->desc, mode_names[SOCK],
			       kernel_str(it->kernel[SOCK], buf[0], sizeof(buf[0])),
			       mode_names[SECC],
			       kernel_str(it->kernel[SECC], buf[1], sizeof(buf[1])),
			       it->ours[SOCK] ? "refuses as socket" : "accepts as socket",
			       it->ours[SECC] ? "refuses as seccomp" : "accepts as seccomp");
		if (!ok && shown++ < SHOW_FULL) {
			for (int m = 0; m < NMODES; m++) {
				struct cbpf_diags diags = { 0 };

				printf("  cbpf_check as %s:\n", m == SOCK ? "socket" : "seccomp");
				cbpf_check(it->prog, modes[m], &diags);
				for (size_t d = 0; d < diags.n; d++)
					printf("    insn %ld: %s\n", diags.v[d].insn,
					       diags.v[d].msg);
				cbpf_diags_free(&diags);
			}
			printf("  program (code jt jf k):\n");
			print_prog(it->prog);
		}
	}
	printf("%zu edge cases; random programs:", edges);
	for (int m = 0; m < RANDPROG_NMUTATIONS; m++)
		printf(" %s %zu%s", randprog_mutation_name(m), by_mutation[m],
		       m + 1 < RANDPROG_NMUTATIONS ? "," : "\n");
	printf("SO_ATTACH_FILTER accepted %zu (%zu of them only short of net.core.optmem_max, "
	       "ENOMEM; cbpf_check warned for %zu); seccomp(2) accepted %zu, in %zu workers\n",
	       accepted[SOCK], enomem, warned, accepted[SECC], runner.workers + 1);
	printf("%zu/%zu programs: cbpf_check agrees with SO_ATTACH_FILTER and seccomp(2)\n", agree,
	       l.n);
	for (size_t i = 0; i < l.n; i++) {
		cbpf_prog_free(l.v[i].prog);
	}
	free(l.v);
	return agree == l.n ? 0 : 1;
}
