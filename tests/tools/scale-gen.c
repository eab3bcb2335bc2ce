// SPDX-License-Identifier: MIT
/*
 * Test tool for the scaling suite: writes generated inputs of a given size (programs in every
 * form, bpf_asm sources shaped to stress one part of the assembler, debugger scripts), and runs
 * a command reporting the CPU time and peak memory it took.
 *
 * Usage: scale-gen KIND N        writes input KIND of size N on standard output
 *        scale-gen run OUT CMD...  runs CMD (standard streams inherited) and writes
 *                                  "STATUS CPU_US MAXRSS_KB" to OUT; STATUS is the exit status,
 *                                  or 128 + the signal that ended it
 * Every input is the same for the same KIND and N. `scale-gen list` names the kinds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbpf.h"

/* splitmix64: the same numbers everywhere, so a size always means the same input. */
static uint64_t rng_state = 0x5ca1ab1e;

static uint32_t rnd(uint32_t n)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return n ? (uint32_t)(z % n) : 0;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* ---------------------------------------------------------------- programs */

/*
 * A socket filter of n instructions shaped like a long real one: the scratch words written
 * first, then packet loads (absolute, indirect, the IPv4 header length), arithmetic, scratch
 * memory and compares whose one side falls through and whose other side jumps up to 200
 * instructions ahead, so that every instruction is reached and the graph has many joins. It
 * uses nothing that one of the translator's targets cannot express, and is valid (once
 * n <= 4096).
 */
static struct cbpf_insn *packet_prog(size_t n)
{
	struct cbpf_insn *v = calloc(n ? n : 1, sizeof(*v));
	size_t i = 0;

	if (!v)
		die("calloc");
	for (; i < n - 1 && i < 2 * CBPF_MEMWORDS; i += 2) {
		v[i] = (struct cbpf_insn){ CBPF_LD | CBPF_IMM, 0, 0, (uint32_t)i };
		v[i + 1] = (struct cbpf_insn){ CBPF_ST, 0, 0, (uint32_t)(i / 2) };
	}
	for (; i + 1 < n; i++) {
		size_t room = n - 2 - i; /* instructions between this one and the final return */
		uint32_t r = rnd(16), k = rnd(CBPF_MEMWORDS);
		uint8_t far = (uint8_t)(room ? 1 + rnd(room < 200 ? (uint32_t)room : 200) : 0);
		struct cbpf_insn in = { 0 };

		switch (r) {
		case 0:
			in = (struct cbpf_insn){ CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12 };
			break;
		case 1:
			in = (struct cbpf_insn){ CBPF_LD | CBPF_B | CBPF_ABS, 0, 0, 14 + rnd(40) };
			break;
		case 2:
			in = (struct cbpf_insn){ CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, 14 };
			break;
		case 3:
			in = (struct cbpf_insn){ CBPF_LD | CBPF_H | CBPF_IND, 0, 0, 14 + rnd(8) };
			break;
		case 4:
			in = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 26 + rnd(8) };
			break;
		case 5:
			in = (struct cbpf_insn){ CBPF_ST, 0, 0, k };
			break;
		case 6:
			in = (struct cbpf_insn){ CBPF_LDX | CBPF_MEM, 0, 0, k };
			break;
		case 7:
			in = (struct cbpf_insn){ CBPF_ALU | CBPF_ADD | CBPF_X, 0, 0, 0 };
			break;
		case 8:
			in = (struct cbpf_insn){ CBPF_ALU | CBPF_AND | CBPF_K, 0, 0, 0x1fff };
			break;
		case 9:
			in = (struct cbpf_insn){ CBPF_ALU | CBPF_RSH | CBPF_K, 0, 0, rnd(32) };
			break;
		case 10:
			in = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_LEN, 0, 0, 0 };
			break;
		default:
			/* The compares: one side falls through, the other may go far. */
			in.code = (uint16_t)(CBPF_JMP | (r & 1 ? CBPF_JEQ : CBPF_JGT) | CBPF_K);
			in.k = r == 11 ? 0x800 : rnd(256);
			if (rnd(2))
				in.jt = far;
			else
				in.jf = far;
			break;
		}
		v[i] = in;
	}
	v[n - 1] = (struct cbpf_insn){ CBPF_RET | CBPF_A, 0, 0, 0 };
	return v;
}

/*
 * A socket filter of n instructions without a jump: the longest path a program can have, for
 * the interpreter, the debugger's history and the translator's straight runs of loads.
 */
static struct cbpf_insn *straight_prog(size_t n)
{
	struct cbpf_insn *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		die("calloc");
	for (size_t i = 0; i + 1 < n; i++) {
		/* Offsets small enough for the shortest packet of pcaps/mixed.pcap (42 bytes). */
		switch (i % 6) {
		case 0:
			v[i] = (struct cbpf_insn){ CBPF_LD | CBPF_B | CBPF_ABS, 0, 0,
						   (uint32_t)(i % 40) };
			break;
		case 1:
			v[i] = (struct cbpf_insn){ CBPF_ST, 0, 0, (uint32_t)(i % CBPF_MEMWORDS) };
			break;
		case 2:
			v[i] = (struct cbpf_insn){ CBPF_LDX | CBPF_IMM, 0, 0, (uint32_t)(i % 20) };
			break;
		case 3:
			v[i] = (struct cbpf_insn){ CBPF_LD | CBPF_H | CBPF_IND, 0, 0, 8 };
			break;
		case 4:
			v[i] = (struct cbpf_insn){ CBPF_ALU | CBPF_ADD | CBPF_X, 0, 0, 0 };
			break;
		default:
			v[i] = (struct cbpf_insn){ CBPF_LD | CBPF_MEM, 0, 0,
						   (uint32_t)((i - 4) % CBPF_MEMWORDS) };
			break;
		}
	}
	v[n - 1] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, 0xffff };
	return v;
}

#define SECCOMP_RET_ALLOW 0x7fff0000u
#define SECCOMP_RET_ERRNO 0x00050000u

/*
 * A seccomp filter of n instructions: the architecture checked, then a ladder of syscall
 * numbers and argument words compared, each hit returning an action, as policy compilers write
 * them; loads are aligned words of struct seccomp_data, every instruction is reached.
 */
static struct cbpf_insn *seccomp_prog(size_t n)
{
	struct cbpf_insn *v = calloc(n ? n : 1, sizeof(*v));
	const struct cbpf_insn ld_nr = { CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 0 };
	size_t i = 0;

	if (!v)
		die("calloc");
	if (n >= 5) {
		v[i++] = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0, 4 };
		v[i++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 1, 0, 0xc000003e };
		v[i++] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, 0 };
		v[i++] = ld_nr;
	}
	while (i + 1 < n) {
		uint32_t act = rnd(2) ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | rnd(4096);

		if (n - 1 - i >= 4 && !rnd(3)) {
			/* An argument word compared, then the number loaded again. */
			v[i++] = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0,
						     16 + 8 * rnd(6) + 4 * rnd(2) };
			v[i++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, rnd(8) };
			v[i++] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, act };
			v[i++] = ld_nr;
		} else if (n - 1 - i >= 2) {
			v[i++] = (struct cbpf_insn){ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, rnd(450) };
			v[i++] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, act };
		} else {
			v[i++] = ld_nr;
		}
	}
	v[n - 1] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, SECCOMP_RET_ALLOW };
	return v;
}

static void write_prog(struct cbpf_insn *v, size_t n, const char *form_name)
{
	struct cbpf_prog *prog = cbpf_prog_new(v, n);
	enum cbpf_form form;

	if (!prog)
		die("cbpf_prog_new");
	if (cbpf_form_parse(form_name, &form)) {
		fprintf(stderr, "scale-gen: unknown form '%s'\n", form_name);
		exit(2);
	}
	if (cbpf_prog_write(stdout, prog, form, NULL)) {
		fprintf(stderr, "scale-gen: cannot write the program as %s\n", form_name);
		exit(2);
	}
	cbpf_prog_free(prog);
	free(v);
}

/* ---------------------------------------------------------------- bpf_asm sources */

/* n instructions, each with its label, each compare going to the next and to one up to 200 on. */
static void asm_labels(size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		size_t far = i + 2 + rnd(200);

		if (far > n - 1)
			far = n - 1;
		if (i % 3 == 0)
			printf("label_%zu:\tldh [%u]\n", i, 12 + rnd(40));
		else
			printf("label_%zu:\tjeq #%u, label_%zu, label_%zu\n", i, rnd(65536), i + 1,
			       far);
	}
	printf("label_%zu:\tret #0\n", n - 1);
}

/* A chain of n unconditional jumps, each to the next one's label. */
static void asm_chain(size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		printf("l%zu: ja l%zu\n", i, i + 1);
	printf("l%zu: ret #1\n", n - 1);
}

/* n compares, each jumping to another of n labels that stand on one instruction (far ones
 * relaxed). */
static void asm_stacked(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("jeq #%zu, s%zu\n", i, n - 1 - i);
	for (size_t i = 0; i < n; i++)
		printf("s%zu:\n", i);
	printf("ret #1\n");
}

/*
 * Far jumps: n compares, between loads, each jumping to the end over everything after it: all
 * but the last 85 need a ja each.
 */
static void asm_far(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("ld [%zu]\njeq #%zu, out, n%zu\nn%zu: tax\n", (i % 16) * 4, i, i, i);
	printf("ret a\nout: ret #0\n");
}

/*
 * Relaxation in a cascade: n compares, each exactly in reach of its target (255 instructions
 * ahead) until the ja inserted for the one after it lengthens its jump, the last one out of
 * reach from the start. Compare k sits 150 k before the last one and spans only compare k - 1:
 * a fixed point found one relaxation per pass would take n passes over the whole program.
 */
static void asm_cascade(size_t n)
{
	size_t last = 150 * n + 10, len = last + 259;

	for (size_t at = 0; at < len; at++) {
		/* Target of compare k: 256 after it; of the last one, 257. */
		if (at == last + 257)
			printf("t0:\n");
		else if (at <= last + 256 && (last + 256 - at) % 150 == 0 &&
			 (last + 256 - at) / 150 >= 1 && (last + 256 - at) / 150 < n)
			printf("t%zu:\n", (last + 256 - at) / 150);
		if (at <= last && (last - at) % 150 == 0 && (last - at) / 150 < n)
			printf("jeq #%zu, t%zu\n", at, (last - at) / 150);
		else
			printf("tax\n");
	}
	printf("ret #0\n");
}

/* n lines that each hold an error of another kind; the assembler stops at 20. */
static void asm_errors(size_t n)
{
	static const char *const bad[] = {
		"frob [12]\n",	      "ldh [12\n", "jeq #1, nowhere, nowhere\n", "ld M[99]\n",
		"ldb #0x1ffffffff\n", "ret #\n",   "jeq #2 missing_comma\n",	 ":\n",
		"ld [x + ]\n",
	};

	for (size_t i = 0; i < n; i++)
		fputs(bad[i % (sizeof(bad) / sizeof(bad[0]))], stdout);
	printf("ret #0\n");
}

/* n defined labels, and jumps to names that are one letter off (suggestions looked for). */
static void asm_undef(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("jeq #%zu, lab%zux, lab%zu\nlab%zu: tax\n", i, i, i, i);
	printf("ret #0\n");
}

/* A valid program with one comment line of n characters. */
static void asm_longcomment(size_t n)
{
	printf("ldh [12]\n; ");
	for (size_t i = 0; i < n; i++)
		putchar("abcdefgh "[i % 9]);
	printf("\nret a\n");
}

/* A label name of n characters, defined and jumped to. */
static void asm_longlabel(size_t n)
{
	printf("ldh [12]\njeq #0x800, ");
	for (size_t i = 0; i < n; i++)
		putchar('a' + (int)(i % 26));
	printf(", out\n");
	for (size_t i = 0; i < n; i++)
		putchar('a' + (int)(i % 26));
	printf(": ret #1\nout: ret #0\n");
}

/* A constant written with n leading zeros. */
static void asm_longnum(size_t n)
{
	printf("ld #");
	for (size_t i = 0; i < n; i++)
		putchar('0');
	printf("1\nret a\n");
}

/* A line of n characters whose error is at its end: what the diagnostic echoes. */
static void asm_longbad(size_t n)
{
	printf("ldh [12]\nld #1");
	for (size_t i = 0; i < n; i++)
		putchar(' ');
	printf("junk\nret a\n");
}

/* ---------------------------------------------------------------- other text forms */

/* The comma form with a newline after every comma: the count, then n instructions. */
static void comma_lines(size_t n)
{
	struct cbpf_insn *v = packet_prog(n);

	printf("%zu,\n", n);
	for (size_t i = 0; i < n; i++)
		printf("%u %u %u %u,\n", v[i].code, v[i].jt, v[i].jf, v[i].k);
	free(v);
}

/* n instructions of a listing, each with an opcode libpcap never prints. */
static void bad_listing(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("(%03zu) frob     [%zu]\n", i, i);
}

/* The comma form (one line) with every code wider than 16 bits. */
static void bad_comma(size_t n)
{
	printf("%zu,", n);
	for (size_t i = 0; i < n; i++)
		printf("%zu 0 0 %zu,", 70000 + i, i);
	putchar('\n');
}

/* The C form with every jt wider than 8 bits. */
static void bad_c(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("{ 0x15, %zu, 0, 0x%zx },\n", 256 + i, i);
}

/* The -ddd form whose count is one more than its lines, each k wider than 32 bits. */
static void bad_ddd(size_t n)
{
	printf("%zu\n", n + 1);
	for (size_t i = 0; i < n; i++)
		printf("6 0 0 %zu\n", 4294967296 + i);
}

/* A listing whose one constant is written with n leading zeros. */
static void listing_longnum(size_t n)
{
	printf("(000) ld       #0x");
	for (size_t i = 0; i < n; i++)
		putchar('0');
	printf("1\n(001) ret      a\n");
}

/* ---------------------------------------------------------------- debugger scripts */

/* n commands, of the kinds a session is made of, over a small program. */
static void dbg_lines(size_t n)
{
	static const char *const cmd[] = {
		"step\n", "regs\n", "print A + X * 2\n", "disassemble 3\n", "# a comment\n", "\n",
		"back\n", "info\n", "break 5\n",	 "delete\n",
	};

	for (size_t i = 0; i < n; i++)
		fputs(cmd[i % (sizeof(cmd) / sizeof(cmd[0]))], stdout);
}

/* n single steps through a long program, n steps back, then long steps both ways. */
static void dbg_steps(size_t n)
{
	for (size_t i = 0; i < n; i++)
		puts("step");
	for (size_t i = 0; i < n; i++)
		puts("back");
	puts("step 3000\nstep -1000\nback 1000");
}

/* n breakpoints on instructions, listed, a run; then all deleted. */
static void dbg_break(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("break %zu\n", 1 + i % (CBPF_MAXINSNS - 1));
	puts("break\nrun\nrun\ndelete\nrun");
}

/* n conditional breakpoints that never hold, then a run over the whole capture. */
static void dbg_cond(size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("break if A == 0x%zx && X != %zu\n", 0xdead0000 + i, i);
	puts("run");
}

/* One print of an expression of n terms. */
static void dbg_longexpr(size_t n)
{
	printf("print 1");
	for (size_t i = 1; i < n; i++)
		printf(" + %zu", i % 7);
	putchar('\n');
}

/* One print of a constant in n levels of parentheses. */
static void dbg_nest(size_t n)
{
	printf("print ");
	for (size_t i = 0; i < n; i++)
		putchar('(');
	putchar('1');
	for (size_t i = 0; i < n; i++)
		putchar(')');
	putchar('\n');
}

/* An unknown command of n characters: what the error echoes. */
static void dbg_longbad(size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar('z');
	putchar('\n');
}

/* ---------------------------------------------------------------- running */

static int run(const char *out, char **argv)
{
	struct rusage ru;
	int status, code;
	pid_t pid = fork();
	FILE *f;

	if (pid < 0)
		die("fork");
	if (!pid) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = fopen(out, "w");
	if (!f)
		die(out);
	fprintf(f, "%d %lld %ld\n", code,
		(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
			ru.ru_utime.tv_usec + ru.ru_stime.tv_usec,
		ru.ru_maxrss);
	if (fclose(f))
		die(out);
	return 0;
}

/* ---------------------------------------------------------------- kinds */

struct kind {
	const char *name;
	void (*gen)(size_t n);
};

static const struct kind kinds[] = {
	{ "asm-labels", asm_labels },
	{ "asm-chain", asm_chain },
	{ "asm-stacked", asm_stacked },
	{ "asm-far", asm_far },
	{ "asm-cascade", asm_cascade },
	{ "asm-errors", asm_errors },
	{ "asm-undef", asm_undef },
	{ "asm-longcomment", asm_longcomment },
	{ "asm-longlabel", asm_longlabel },
	{ "asm-longnum", asm_longnum },
	{ "asm-longbad", asm_longbad },
	{ "comma-lines", comma_lines },
	{ "dbg-lines", dbg_lines },
	{ "dbg-steps", dbg_steps },
	{ "dbg-break", dbg_break },
	{ "dbg-cond", dbg_cond },
	{ "dbg-longexpr", dbg_longexpr },
	{ "dbg-nest", dbg_nest },
	{ "dbg-longbad", dbg_longbad },
	{ "bad-listing", bad_listing },
	{ "bad-comma", bad_comma },
	{ "bad-c", bad_c },
	{ "bad-ddd", bad_ddd },
	{ "listing-longnum", listing_longnum },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: scale-gen KIND N | scale-gen run OUT CMD... | scale-gen list\n"
		   "KIND: prog-FORM, line-FORM, seccomp-FORM (FORM: asm listing comma c dd ddd\n"
		   "raw), or\n");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, "%s%s", i ? " " : "     ", kinds[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	char *end;
	size_t n;

	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argv + 3);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	errno = 0;
	n = strtoul(argv[2], &end, 10);
	if (errno || *end || !n) {
		fprintf(stderr, "scale-gen: N is a positive number, not '%s'\n", argv[2]);
		return 2;
	}
	if (!strncmp(argv[1], "prog-", 5)) {
		write_prog(packet_prog(n), n, argv[1] + 5);
	} else if (!strncmp(argv[1], "line-", 5)) {
		write_prog(straight_prog(n), n, argv[1] + 5);
	} else if (!strncmp(argv[1], "seccomp-", 8)) {
		write_prog(seccomp_prog(n), n, argv[1] + 8);
	} else {
		size_t i = 0;

		while (i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[i].name, argv[1]))
			i++;
		if (i == sizeof(kinds) / sizeof(kinds[0])) {
			usage(stderr);
			return 2;
		}
		kinds[i].gen(n);
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("scale-gen: stdout");
		return 2;
	}
	return 0;
}
