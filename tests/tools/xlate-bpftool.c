// SPDX-License-Identifier: MIT
/*
 * The disassembler against bpftool: each expression of a file is compiled, translated for tc,
 * xdp and socket, loaded, and `bpftool prog dump xlated id N` must print what
 * cbpf_ebpf_write(-f asm) printed, modulo the kernel's own rewrites, which are normalised here:
 *   - LD_ABS/LD_IND become a helper call sequence ending in exit (net/core/filter.c:
 *     bpf_gen_ld_abs): one of ours stands for the kernel's lines up to that exit;
 *   - context loads are rewritten to the real structures' offsets and sizes
 *     (bpf_convert_ctx_access, xdp_convert_ctx_access): only the destination register is
 *     compared, and only for single-instruction fields (len, data, data_end, mark, hash,
 *     protocol, queue_mapping); programs reading other fields are left out;
 *   - helper calls print the address the kernel patched in ("#1234"): the name is compared;
 *   - instruction numbers and jump offsets shift with the rewrites: each jump must land on the
 *     kernel's image of our target.
 * Programs with a division by X (the verifier adds its own zero check) or calls of #cpu and
 * #rand (inlined or renamed by the verifier) are left out and counted.
 *
 * Besides the expressions, one hand-written program holds every instruction form the
 * disassembler prints, on values the verifier cannot know (it would otherwise rewrite branches it
 * can decide, and drop dead code: random classic programs are not compared for that reason).
 *
 * Usage: xlate-bpftool EXPRFILE    Exits 77 without bpf(2) or bpftool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cbpf.h"

#define MAXL 65536

struct lines {
	char **v;
	size_t n;
};

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* "   12: (bf) r6 = r1" -> "(bf) r6 = r1"; other lines (comments) are skipped. */
static void add_line(struct lines *l, const char *s)
{
	const char *colon = strchr(s, ':');

	while (*s == ' ')
		s++;
	if (!colon || *s < '0' || *s > '9')
		return;
	s = colon + 2;
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n] = strdup(s);
	l->v[l->n][strcspn(l->v[l->n], "\n")] = '\0';
	l->n++;
}

static void read_lines(FILE *f, struct lines *l)
{
	char buf[512];

	while (fgets(buf, sizeof(buf), f))
		add_line(l, buf);
}

/* The jump offset in "goto pc+N" / "goto pc-N", and where it starts; 0 when not a jump. */
static int jump_of(const char *s, long *off, size_t *at)
{
	const char *p = strstr(s, "goto pc");

	if (!p)
		return 0;
	*at = (size_t)(p - s) + 7;
	*off = strtol(p + 7, NULL, 10);
	return 1;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Compares our lines with the kernel's; 0 when they match, else prints why. */
static int compare(const struct lines *mine, const struct lines *kern, const char *what)
{
	size_t *map = calloc(mine->n + 1, sizeof(*map)), i, j = 0;
	int bad = 0;

	for (i = 0; i < mine->n && j < kern->n; i++) {
		const char *m = mine->v[i];

		map[i] = j;
		if (strstr(m, "skb[")) {
			/* LD_ABS/LD_IND: the kernel's sequence ends with the exit of its failure
			 * path. */
			size_t k = j;

			while (k < kern->n && strcmp(kern->v[k], "(95) exit"))
				k++;
			if (k == kern->n || !strstr(kern->v[k - 3], "call bpf_skb_load_helper_")) {
				fprintf(stderr,
					"%s: insn %zu: no LD_ABS rewrite at kernel line %zu\n",
					what, i, j);
				bad = 1;
				break;
			}
			j = k + 1;
			continue;
		}
		if (strstr(m, "call ")) {
			if (strncmp(m, kern->v[j], (size_t)(strchr(m, '#') - m))) {
				fprintf(stderr, "%s: insn %zu: '%s' against '%s'\n", what, i, m,
					kern->v[j]);
				bad = 1;
			}
			j++;
			continue;
		}
		if (starts(m, "(61) r") && (strstr(m, "(r6 +") || strstr(m, "(r1 +"))) {
			/* A context load: the destination register and that it is a load. */
			if (strncmp(m + 5, kern->v[j] + 5, 3) || !strstr(kern->v[j], " = *(")) {
				fprintf(stderr, "%s: insn %zu: context load '%s' against '%s'\n",
					what, i, m, kern->v[j]);
				bad = 1;
			}
			j++;
			continue;
		}
		j++;
	}
	if (!bad && (i != mine->n || j != kern->n)) {
		fprintf(stderr, "%s: %zu of our %zu lines against %zu of the kernel's %zu\n", what,
			i, mine->n, j, kern->n);
		bad = 1;
	}
	map[mine->n] = kern->n;
	/* Second pass: everything else must match, jumps landing on the image of our target. */
	for (i = 0; !bad && i < mine->n; i++) {
		const char *m = mine->v[i], *k = kern->v[map[i]];
		long om, ok;
		size_t am, ak;

		if (strstr(m, "skb[") || strstr(m, "call ") ||
		    (starts(m, "(61) r") && (strstr(m, "(r6 +") || strstr(m, "(r1 +"))))
			continue;
		if (jump_of(m, &om, &am) && jump_of(k, &ok, &ak)) {
			size_t target = (size_t)((long)i + 1 + om);

			if (am != ak || strncmp(m, k, am) ||
			    (size_t)((long)map[i] + 1 + ok) != map[target]) {
				fprintf(stderr, "%s: insn %zu: '%s' against '%s'\n", what, i, m, k);
				bad = 1;
			}
		} else if (strcmp(m, k)) {
			fprintf(stderr, "%s: insn %zu: '%s' against '%s'\n", what, i, m, k);
			bad = 1;
		}
	}
	free(map);
	return bad;
}

/* Whether the translation holds a form the kernel rewrites beyond what compare() follows. */
static bool rewritten(const struct cbpf_ebpf_prog *e)
{
	const struct cbpf_ebpf_insn *v = cbpf_ebpf_prog_insns(e);

	for (size_t i = 0; i < cbpf_ebpf_prog_len(e); i++) {
		uint8_t op = CBPF_OP(v[i].code);

		if (CBPF_CLASS(v[i].code) == CBPF_ALU && CBPF_SRC(v[i].code) == CBPF_X &&
		    (op == CBPF_DIV || op == CBPF_MOD))
			return true;
		if (v[i].code == (CBPF_JMP | CBPF_EBPF_CALL) && v[i].imm != 26 && v[i].imm != 68)
			return true;
		/* Context fields other than len (0) and xdp's data, data_end (0, 4). */
		if (v[i].code == (CBPF_LDX | CBPF_EBPF_MEM | CBPF_W) &&
		    (v[i].src_reg == 6 || v[i].src_reg == 1) &&
		    v[i].off > (cbpf_ebpf_prog_target(e) == CBPF_TARGET_XDP ? 4 : 0))
			return true;
	}
	return false;
}

static unsigned long compared, left_out, failed;
static char logbuf[4096];

/* Loads e, dumps it with bpftool and compares; 0, or 77 when bpf(2) is not allowed. */
static int load_and_compare(const struct cbpf_ebpf_prog *e, const char *what)
{
	struct cbpf_load_opts lo = { .log_buf = logbuf, .log_size = sizeof(logbuf) };
	struct cbpf_diags d = { 0 };
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct lines mine = { 0 }, kern = { 0 };
	char *text = NULL, cmd[64];
	size_t len;
	FILE *m, *p;
	int fd, err;

	err = cbpf_ebpf_load(e, &lo, &fd, &d);
	cbpf_diags_free(&d);
	if (err == -EPERM) {
		printf("skipped: bpf(2) is not allowed here (run as root)\n");
		return 77;
	}
	if (err) {
		fprintf(stderr, "%s: the verifier refused it\n%s\n", what, logbuf);
		failed++;
		return 0;
	}
	memset(&info, 0, sizeof(info));
	bpf_obj_get_info_by_fd(fd, &info, &info_len);
	m = open_memstream(&text, &len);
	cbpf_ebpf_write(m, e, CBPF_EBPF_FORM_ASM, NULL);
	fclose(m);
	m = fmemopen(text, len, "r");
	read_lines(m, &mine);
	fclose(m);
	snprintf(cmd, sizeof(cmd), "bpftool prog dump xlated id %u", info.id);
	p = popen(cmd, "r");
	read_lines(p, &kern);
	pclose(p);
	close(fd);
	if (compare(&mine, &kern, what)) {
		failed++;
		if (getenv("XLATE_BPFTOOL_SHOW"))
			for (size_t i = 0; i < mine.n || i < kern.n; i++)
				fprintf(stderr, "%-50s | %s\n", i < mine.n ? mine.v[i] : "",
					i < kern.n ? kern.v[i] : "");
	}
	compared++;
	lines_free(&mine);
	lines_free(&kern);
	free(text);
	return 0;
}

static int check_prog(const struct cbpf_prog *prog, const char *origin)
{
	if (cbpf_check(prog, CBPF_CHECK_SOCKET, NULL))
		return 0;
	for (int t = 0; t < 3; t++) {
		struct cbpf_xlate_opts o = { .target = (enum cbpf_target)t };
		struct cbpf_ebpf_prog *e;
		char what[1200];
		int err;

		if (cbpf_xlate(prog, &o, &e, NULL))
			continue;
		if (rewritten(e)) {
			left_out++;
			cbpf_ebpf_prog_free(e);
			continue;
		}
		snprintf(what, sizeof(what), "%s for %s", origin, cbpf_target_name(o.target));
		err = load_and_compare(e, what);
		cbpf_ebpf_prog_free(e);
		if (err)
			return err;
	}
	return 0;
}

#define E(c, d, s, o, i) ((struct cbpf_ebpf_insn){ (c), (d), (s), (o), (i) })

/* Every form the disassembler prints, on values read from the packet. */
static int every_form(void)
{
	static const uint8_t alu_ops[] = { CBPF_ADD, CBPF_SUB, CBPF_MUL, CBPF_OR,	CBPF_AND,
					   CBPF_LSH, CBPF_RSH, CBPF_XOR, CBPF_EBPF_ARSH };
	static const uint8_t jmp_ops[] = { CBPF_JEQ,	   CBPF_JGT,	  CBPF_JGE,
					   CBPF_JSET,	   CBPF_EBPF_JNE, CBPF_EBPF_JSGT,
					   CBPF_EBPF_JSGE, CBPF_EBPF_JLT, CBPF_EBPF_JLE,
					   CBPF_EBPF_JSLT, CBPF_EBPF_JSLE };
	struct cbpf_ebpf_insn v[512];
	struct cbpf_ebpf_prog *e;
	size_t n = 0;
	int err;

	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_X, 6, 1, 0, 0);
	v[n++] = E(CBPF_LD | CBPF_ABS | CBPF_W, 0, 0, 0, 0);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_X, 7, 0, 0, 0);
	v[n++] = E(CBPF_LD | CBPF_IND | CBPF_H, 0, 7, 0, -3);
	v[n++] = E(CBPF_ALU | CBPF_EBPF_MOV | CBPF_X, 8, 0, 0, 0);
	for (size_t i = 0; i < sizeof(alu_ops); i++) {
		int32_t k = alu_ops[i] == CBPF_LSH || alu_ops[i] == CBPF_RSH ||
					    alu_ops[i] == CBPF_EBPF_ARSH
				    ? 3
				    : -77;

		v[n++] = E(CBPF_ALU | alu_ops[i] | CBPF_K, 0, 0, 0, k);
		v[n++] = E(CBPF_ALU | alu_ops[i] | CBPF_X, 0, 8, 0, 0);
		v[n++] = E(CBPF_EBPF_ALU64 | alu_ops[i] | CBPF_K, 7, 0, 0, k);
		v[n++] = E(CBPF_EBPF_ALU64 | alu_ops[i] | CBPF_X, 7, 0, 0, 0);
	}
	v[n++] = E(CBPF_ALU | CBPF_DIV | CBPF_K, 0, 0, 0, 7);
	v[n++] = E(CBPF_ALU | CBPF_MOD | CBPF_K, 0, 0, 0, 7);
	v[n++] = E(CBPF_ALU | CBPF_NEG, 0, 0, 0, 0);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_NEG, 7, 0, 0, 0);
	v[n++] = E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 0, 0, 0, 16);
	v[n++] = E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_LE, 7, 0, 0, 32);
	v[n++] = E(CBPF_ALU | CBPF_EBPF_END | CBPF_EBPF_TO_BE, 8, 0, 0, 64);
	v[n++] = E(CBPF_STX | CBPF_EBPF_MEM | CBPF_W, 10, 0, -4, 0);
	v[n++] = E(CBPF_STX | CBPF_EBPF_MEM | CBPF_EBPF_DW, 10, 7, -16, 0);
	v[n++] = E(CBPF_STX | CBPF_EBPF_MEM | CBPF_H, 10, 8, -18, 0);
	v[n++] = E(CBPF_STX | CBPF_EBPF_MEM | CBPF_B, 10, 8, -19, 0);
	v[n++] = E(CBPF_ST | CBPF_EBPF_MEM | CBPF_B, 10, 0, -20, -3);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_B, 1, 10, -19, 0);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_H, 2, 10, -18, 0);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_W, 3, 10, -4, 0);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_EBPF_DW, 4, 10, -16, 0);
	/* Fresh values: after the arithmetic above the verifier could decide some compares. */
	v[n++] = E(CBPF_LD | CBPF_ABS | CBPF_W, 0, 0, 0, 4);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_X, 7, 0, 0, 0);
	v[n++] = E(CBPF_LD | CBPF_ABS | CBPF_W, 0, 0, 0, 8);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_B, 1, 10, -19, 0);
	v[n++] = E(CBPF_LDX | CBPF_EBPF_MEM | CBPF_H, 2, 10, -18, 0);
	for (size_t i = 0; i < sizeof(jmp_ops); i++) {
		v[n++] = E(CBPF_JMP | jmp_ops[i] | CBPF_K, 0, 0, 1, 0x1234);
		v[n++] = E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 1);
		v[n++] = E(CBPF_JMP | jmp_ops[i] | CBPF_X, 7, 8, 1, 0);
		v[n++] = E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 1);
		v[n++] = E(CBPF_EBPF_JMP32 | jmp_ops[i] | CBPF_K, 0, 0, 1, -5);
		v[n++] = E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 1);
		v[n++] = E(CBPF_EBPF_JMP32 | jmp_ops[i] | CBPF_X, 1, 2, 1, 0);
		v[n++] = E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 1);
	}
	v[n++] = E(CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 0, 1, 9);
	v[n++] = E(CBPF_JMP | CBPF_JA, 0, 0, 1, 0);
	v[n++] = E(CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 0, 1);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_X, 1, 6, 0, 0);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_K, 2, 0, 0, 0);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_X, 3, 10, 0, 0);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_ADD | CBPF_K, 3, 0, 0, -32);
	v[n++] = E(CBPF_EBPF_ALU64 | CBPF_EBPF_MOV | CBPF_K, 4, 0, 0, 8);
	v[n++] = E(CBPF_JMP | CBPF_EBPF_CALL, 0, 0, 0, CBPF_EBPF_FUNC_SKB_LOAD_BYTES);
	v[n++] = E(CBPF_JMP | CBPF_EBPF_EXIT, 0, 0, 0, 0);
	e = cbpf_ebpf_prog_new(v, n, CBPF_TARGET_SOCKET);
	if (!e)
		return 1;
	err = load_and_compare(e, "every instruction form");
	cbpf_ebpf_prog_free(e);
	return err;
}

int main(int argc, char **argv)
{
	char expr[1024], origin[1100];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: xlate-bpftool EXPRFILE\n");
		return 2;
	}
	if (system("bpftool version >/dev/null 2>&1")) {
		printf("skipped: bpftool is not installed\n");
		return 77;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "xlate-bpftool: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (fgets(expr, sizeof(expr), f)) {
		struct cbpf_prog *prog;

		expr[strcspn(expr, "\n")] = '\0';
		if (expr[0] == '#' || cbpf_pcap_compile(expr, NULL, &prog, NULL))
			continue;
		snprintf(origin, sizeof(origin), "'%s'", expr);
		if (check_prog(prog, origin) == 77)
			return 77;
		cbpf_prog_free(prog);
	}
	fclose(f);
	if (every_form() == 77)
		return 77;
	printf("%lu translations disassembled as bpftool does (%lu left out for rewrites the "
	       "kernel makes): %lu differ\n",
	       compared, left_out, failed);
	return failed || !compared ? 1 : 0;
}
