// SPDX-License-Identifier: MIT
/*
 * Differential test of the JIT against the interpreter: random programs, socket and seccomp,
 * over random packets, metadata and seccomp_data, must give the same result natively
 * (cbpf_jit_run, and cbpf_vm_run once cbpf_vm_set_jit is on) as interpreted.
 *
 * Programs come from two generators: libcbpf's randprog (valid for the kernel, of every shape,
 * and with each rule broken that cbpf_vm_new still runs: division by a constant 0, shifts of 32
 * and more, unwritten M[k], unknown ancillary offsets, what seccomp refuses), and this tool's
 * own, which draws any opcode cbpf_vm_new takes with constants at the edges the JIT's code
 * distinguishes (negative offsets, SKF_NET_OFF and SKF_LL_OFF, [x + k] wrapping past 2^31,
 * powers of two, 8- and 32-bit immediates) and some programs long enough for far jumps; and a
 * third of programs shaped as tcpdump's filters are (filter_program), which the JIT runs
 * without branches (its predicated copy) on packets long enough for their loads.
 *
 * Exit status: 0 when nothing differs, 1 on a difference, 77 when this machine has no JIT or
 * refuses executable memory (saying which).
 * Usage: jit-diff [-v] [-n PROGRAMS] [-s SEED]
 * The last line: "N programs x M inputs each, I inputs in all (R runs): D differences".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"
#include "splitmix.h"

#define NINPUTS 48
#define MAXPKT	160

struct input {
	uint8_t data[MAXPKT];
	struct cbpf_meta meta;
	struct cbpf_input in;
};

static struct {
	unsigned long programs, inputs, runs, differences;
	int verbose;
} st;

static struct rng rng = { 0x6a09e667f3bcc908ull };

static uint32_t below(uint64_t n)
{
	return n ? (uint32_t)(rng_next(&rng) % n) : 0;
}

static void oom(void)
{
	fprintf(stderr, "jit-diff: out of memory\n");
	exit(1);
}

/* Constants at the edges the JIT's code distinguishes. */
static uint32_t edge_k(void)
{
	static const uint32_t edges[] = {
		0,
		1,
		2,
		3,
		4,
		7,
		8,
		31,
		32,
		33,
		127,
		128,
		255,
		256,
		0x7fff,
		0x8000,
		0xffff,
		0x10000,
		0x7ffffffe,
		0x7fffffff,
		0x80000000,
		0x80000001,
		0xfffffffc,
		0xffffffff,
		(uint32_t)CBPF_NET_OFF,
		(uint32_t)CBPF_NET_OFF - 1,
		(uint32_t)CBPF_LL_OFF,
		(uint32_t)CBPF_LL_OFF - 1,
		(uint32_t)CBPF_AD_OFF,
		(uint32_t)CBPF_AD_OFF - 1,
	};

	switch (below(8)) {
	case 0:
	case 1:
		return edges[below(sizeof(edges) / sizeof(edges[0]))];
	case 2:
	case 3:
		return below(MAXPKT + 8);
	case 4:
		return (uint32_t)CBPF_NET_OFF + below(80);
	case 5:
		return (uint32_t)CBPF_LL_OFF + below(80);
	case 6:
		return (uint32_t)CBPF_AD_OFF + below(CBPF_AD_MAX + 8);
	default:
		return (uint32_t)rng_next(&rng);
	}
}

/*
 * A program of any opcode cbpf_vm_new takes: jumps forward inside, M[k] in range, a return
 * last. Long ones (past 127 bytes of code between a jump and its target) need near jumps.
 */
static struct cbpf_prog *edge_program(bool seccomp)
{
	size_t nops;
	const struct cbpf_opcode_info *ops = cbpf_opcode_table(&nops);
	size_t len = below(4) ? 2 + below(40) : 2 + below(600);
	struct cbpf_insn *v = calloc(len, sizeof(*v));
	struct cbpf_prog *prog;

	if (!v)
		oom();
	for (size_t pc = 0; pc + 1 < len; pc++) {
		struct cbpf_insn *in = &v[pc];
		size_t room = len - pc - 2;

		/* Loads of X first, more often: [x + k] wants interesting X. */
		if (below(5) == 0) {
			*in = (struct cbpf_insn){ CBPF_LDX | CBPF_IMM, 0, 0, edge_k() };
			continue;
		}
		in->code = ops[below(nops)].code;
		in->k = edge_k();
		if (seccomp && below(2) && CBPF_CLASS(in->code) == CBPF_LD)
			*in = (struct cbpf_insn){ CBPF_LD | CBPF_W | CBPF_ABS, 0, 0,
						  4 * below(17) };
		switch (cbpf_opcode_lookup(in->code)->operand) {
		case CBPF_OPND_MEM:
			in->k %= CBPF_MEMWORDS;
			break;
		case CBPF_OPND_JA:
			in->k = below(room + 1);
			break;
		case CBPF_OPND_JMP_K:
		case CBPF_OPND_JMP_X:
			in->jt = (uint8_t)below(room < 255 ? room + 1 : 256);
			in->jf = (uint8_t)below(room < 255 ? room + 1 : 256);
			break;
		case CBPF_OPND_RET_K:
		case CBPF_OPND_RET_A:
			/* Few returns in the middle: the code after them must run too. */
			if (below(4))
				*in = (struct cbpf_insn){ CBPF_ALU | CBPF_ADD | CBPF_K, 0, 0, 1 };
			break;
		default:
			break;
		}
		if (CBPF_CLASS(in->code) == CBPF_ST || CBPF_CLASS(in->code) == CBPF_STX)
			in->k %= CBPF_MEMWORDS;
	}
	v[len - 1] = (struct cbpf_insn){ (uint16_t)(CBPF_RET | (below(3) ? CBPF_A : CBPF_K)), 0, 0,
					 (uint32_t)rng_next(&rng) };
	prog = cbpf_prog_new(v, len);
	free(v);
	if (!prog)
		oom();
	return prog;
}

/*
 * A program of the shape tcpdump's filters have, of the instructions the JIT's predicated
 * (branch-free) copy takes: loads at small offsets, [x + k], ldxb 4*([k]&0xf), ALU, jumps of
 * every kind to later instructions and to returns, returns in the middle.
 */
static struct cbpf_prog *filter_program(void)
{
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	static const uint16_t alus[] = { CBPF_ADD, CBPF_SUB, CBPF_MUL, CBPF_AND, CBPF_OR, CBPF_XOR,
					 CBPF_LSH, CBPF_RSH, CBPF_NEG, CBPF_DIV, CBPF_MOD };
	static const uint16_t jumps[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET, CBPF_JA };
	/* What loads of sparse_input's packets give (and a 16-bit load cannot). */
	static const uint32_t small[] = { 0,	 1,	  2,	     0x100,    0x101,
					  0x200, 0x10000, 0x1000000, 0x2000001 };
	size_t len = 3 + below(62);
	struct cbpf_insn *v = calloc(len, sizeof(*v));
	struct cbpf_prog *prog;

	if (!v)
		oom();
	for (size_t pc = 0; pc + 1 < len; pc++) {
		struct cbpf_insn *in = &v[pc];
		uint32_t room = (uint32_t)(len - pc - 2);
		uint16_t size = sizes[below(3)], op;

		switch (below(14)) {
		case 0:
		case 1:
			*in = (struct cbpf_insn){ CBPF_LD | size | CBPF_ABS, 0, 0,
						  below(MAXPKT / 2) };
			break;
		case 2:
			*in = (struct cbpf_insn){ CBPF_LDX | CBPF_B | CBPF_MSH, 0, 0, below(40) };
			break;
		case 3:
			*in = (struct cbpf_insn){ CBPF_LD | size | CBPF_IND, 0, 0,
						  below(4) ? below(40) : edge_k() };
			break;
		case 4:
			*in = (struct cbpf_insn){ (uint16_t)((below(2) ? CBPF_LD : CBPF_LDX) |
							     (below(3) == 0 ? CBPF_MEM
							      : below(2)    ? CBPF_IMM
									    : CBPF_LEN)),
						  0, 0,
						  below(3) ? below(CBPF_MEMWORDS) : edge_k() };
			if (CBPF_MODE(in->code) == CBPF_MEM)
				in->k %= CBPF_MEMWORDS;
			break;
		case 5:
			*in = (struct cbpf_insn){ (uint16_t)(below(2) ? CBPF_ST : CBPF_STX), 0, 0,
						  below(CBPF_MEMWORDS) };
			break;
		case 6:
		case 7:
			op = alus[below(sizeof(alus) / sizeof(alus[0]))];
			*in = (struct cbpf_insn){ (uint16_t)(CBPF_ALU | op | CBPF_K), 0, 0,
						  edge_k() };
			if (op == CBPF_DIV || op == CBPF_MOD)
				in->k = 1u << below(32);
			else if (below(3) == 0 && op != CBPF_NEG)
				in->code |= CBPF_X;
			break;
		case 8:
			*in = (struct cbpf_insn){
				(uint16_t)(CBPF_MISC | (below(2) ? CBPF_TAX : CBPF_TXA)), 0, 0, 0
			};
			break;
		case 13:
			if (below(2)) {
				*in = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, below(3) };
				break;
			}
			/* fall through */
		default:
			op = jumps[below(sizeof(jumps) / sizeof(jumps[0]))];
			*in = (struct cbpf_insn){
				(uint16_t)(CBPF_JMP | op | CBPF_K), 0, 0,
				below(2)   ? small[below(sizeof(small) / sizeof(small[0]))]
				: below(2) ? below(256)
					   : edge_k()
			};
			if (op == CBPF_JA) {
				in->k = below(room + 1);
				break;
			}
			if (below(4) == 0)
				in->code |= CBPF_X;
			in->jt = (uint8_t)below(room < 255 ? room + 1 : 256);
			in->jf = (uint8_t)below(room < 255 ? room + 1 : 256);
		}
	}
	v[len - 1] = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, below(2) ? 0 : 262144 };
	prog = cbpf_prog_new(v, len);
	free(v);
	if (!prog)
		oom();
	return prog;
}

/* The rules randprog can break that still leave a program cbpf_vm_new runs. */
static const enum randprog_mutation runnable[] = {
	RANDPROG_VALID,	       RANDPROG_VALID,	    RANDPROG_VALID,	    RANDPROG_DIV_ZERO,
	RANDPROG_SHIFT_RANGE,  RANDPROG_MEM_UNINIT, RANDPROG_BAD_ANCILLARY, RANDPROG_SECCOMP_OPCODE,
	RANDPROG_SECCOMP_LOAD, RANDPROG_JUMP_FAR,
};

static void random_input(struct input *x, bool seccomp)
{
	uint32_t len = below(4) ? below(MAXPKT + 1) : below(24);

	for (uint32_t i = 0; i < MAXPKT; i++)
		x->data[i] = (uint8_t)(below(3) ? rng_next(&rng) : below(16));
	memset(&x->meta, 0, sizeof(x->meta));
	if (seccomp) {
		x->in = (struct cbpf_input){ x->data, CBPF_SECCOMP_DATA_SIZE,
					     CBPF_SECCOMP_DATA_SIZE, NULL };
		return;
	}
	if (below(4)) {
		struct cbpf_meta *m = &x->meta;

		m->net_off = below(3) ? below(40) : (uint32_t)rng_next(&rng);
		m->protocol = (uint16_t)rng_next(&rng);
		m->pkttype = (uint8_t)rng_next(&rng);
		m->no_dev = below(4) == 0;
		m->no_mac = below(4) == 0;
		m->ifindex = (uint32_t)rng_next(&rng);
		m->hatype = (uint16_t)rng_next(&rng);
		m->queue = (uint16_t)rng_next(&rng);
		m->mark = (uint32_t)rng_next(&rng);
		m->rxhash = (uint32_t)rng_next(&rng);
		m->cpu = below(64);
		m->random = (uint32_t)rng_next(&rng);
		m->vlan_present = below(2);
		m->vlan_tci = (uint16_t)rng_next(&rng);
		m->vlan_proto = (uint16_t)rng_next(&rng);
		m->pay_off = below(100);
	}
	x->in = cbpf_input_packet(len ? x->data : NULL, len, len + (below(3) ? 0 : below(3000)),
				  below(5) ? &x->meta : NULL);
	/* Netlink attributes for ld #nla and #nlan: a few well-formed headers. */
	if (len >= 8 && below(3) == 0)
		for (uint32_t off = below(8) & ~3u; off + 4 <= len; off += 4 + 4 * below(3)) {
			x->data[off] = (uint8_t)(4 + 4 * below(4));
			x->data[off + 1] = 0;
			x->data[off + 2] = (uint8_t)below(8);
			x->data[off + 3] = 0;
		}
}

/*
 * A packet of mostly zero bytes, some 1 or 2: the loads of filter_program then meet the small
 * constants its jumps compare with, so both ways of each jump are taken.
 */
static void sparse_input(struct input *x)
{
	uint32_t len = below(4) ? below(MAXPKT + 1) : below(24);

	for (uint32_t i = 0; i < MAXPKT; i++)
		x->data[i] = (uint8_t)(below(4) ? 0 : below(3));
	memset(&x->meta, 0, sizeof(x->meta));
	x->in = cbpf_input_packet(len ? x->data : NULL, len, len, NULL);
}

static void dump(const struct cbpf_prog *prog)
{
	char line[128];

	for (size_t pc = 0; pc < cbpf_prog_len(prog) && pc < 200; pc++) {
		cbpf_insn_format(&cbpf_prog_insns(prog)[pc], pc, line, sizeof(line));
		fprintf(stderr, "    (%03zu) %s\n", pc, line);
	}
}

/* Runs prog both ways over every input; returns -1 when this machine has no JIT (reason set). */
static int compare(const struct cbpf_prog *prog, bool seccomp, const struct input *xs,
		   const char *what, char *reason, size_t reason_len)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_vm *vm;
	struct cbpf_jit *jit;
	uint32_t *want;
	unsigned long before = st.differences;
	int err;

	if (cbpf_vm_new(prog, seccomp ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET, &vm, &diags)) {
		fprintf(stderr, "jit-diff: %s: the interpreter refuses it: %s\n", what,
			diags.n ? diags.v[0].msg : "?");
		cbpf_diags_free(&diags);
		st.differences++;
		return 0;
	}
	err = cbpf_jit_new(vm, &jit, &diags);
	if (err == -ENOTSUP || err == -EPERM) {
		snprintf(reason, reason_len, "%s", diags.n ? diags.v[0].msg : strerror(-err));
		cbpf_diags_free(&diags);
		cbpf_vm_free(vm);
		return -1;
	}
	if (err) {
		fprintf(stderr, "jit-diff: %s: cbpf_jit_new: %s (%s)\n", what, strerror(-err),
			diags.n ? diags.v[0].msg : "no diagnostic");
		cbpf_diags_free(&diags);
		cbpf_vm_free(vm);
		st.differences++;
		return 0;
	}
	want = malloc(NINPUTS * sizeof(*want));
	if (!want)
		oom();
	st.programs++;
	for (size_t i = 0; i < NINPUTS; i++) {
		uint32_t got;

		want[i] = cbpf_vm_run(vm, &xs[i].in);
		got = cbpf_jit_run(jit, &xs[i].in);
		st.runs++;
		if (got != want[i] && st.differences++ < 10)
			fprintf(stderr, "DIFF %s, input %zu (caplen %u): interpreter %u, jit %u\n",
				what, i, xs[i].in.caplen, want[i], got);
	}
	/* The same through cbpf_vm_run, the way the library's own runs use it. */
	if (cbpf_vm_set_jit(vm, true, NULL) || !cbpf_vm_jitted(vm)) {
		fprintf(stderr, "jit-diff: %s: cbpf_vm_set_jit failed where cbpf_jit_new did not\n",
			what);
		st.differences++;
	} else {
		for (size_t i = 0; i < NINPUTS; i++) {
			uint32_t got = cbpf_vm_run(vm, &xs[i].in);

			st.runs++;
			if (got != want[i] && st.differences++ < 10)
				fprintf(stderr,
					"DIFF %s, input %zu: interpreter %u, jitted vm %u\n", what,
					i, want[i], got);
		}
	}
	if (st.differences != before && before < 10)
		dump(prog);
	free(want);
	cbpf_jit_free(jit);
	cbpf_vm_free(vm);
	return 0;
}

int main(int argc, char **argv)
{
	static struct input xs[3][NINPUTS]; /* socket, seccomp, sparse */
	unsigned long nprogs = 4000, seed = 1;
	char what[96], reason[256] = "";
	int opt;

	while ((opt = getopt(argc, argv, "vn:s:")) != -1) {
		switch (opt) {
		case 'v':
			st.verbose = 1;
			break;
		case 'n':
			nprogs = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: jit-diff [-v] [-n PROGRAMS] [-s SEED]\n");
			return 2;
		}
	}
	rng.s ^= seed * 0x9e3779b97f4a7c15ull;
	for (unsigned long i = 0; i < nprogs; i++) {
		bool seccomp = below(4) == 0, sparse = false;
		struct cbpf_prog *prog;

		/* New inputs every 50 programs. */
		if (i % 50 == 0) {
			for (size_t j = 0; j < NINPUTS; j++) {
				random_input(&xs[0][j], false);
				random_input(&xs[1][j], true);
				sparse_input(&xs[2][j]);
			}
			st.inputs += 3 * NINPUTS;
		}
		if (i % 3 == 2 && !seccomp) {
			prog = filter_program();
			sparse = true;
			snprintf(what, sizeof(what), "socket filter-shaped program %lu", i);
		} else if (i % 2) {
			struct randprog_opts o = {
				.seed = seed * 1000003 + i,
				.seccomp = seccomp,
				.mutation = runnable[below(sizeof(runnable) / sizeof(runnable[0]))],
			};

			prog = randprog_new(&o, NULL);
			if (!prog)
				oom();
			snprintf(what, sizeof(what), "%s randprog seed %llu (%s, %s)",
				 seccomp ? "seccomp" : "socket", (unsigned long long)o.seed,
				 randprog_shape_name(o.shape), randprog_mutation_name(o.mutation));
		} else {
			prog = edge_program(seccomp);
			snprintf(what, sizeof(what), "%s edge program %lu",
				 seccomp ? "seccomp" : "socket", i);
		}
		if (compare(prog, seccomp, xs[sparse ? 2 : seccomp], what, reason,
			    sizeof(reason))) {
			cbpf_prog_free(prog);
			printf("jit-diff: no JIT here: %s\n", reason);
			return 77;
		}
		if (st.verbose)
			printf("%s: %zu instructions\n", what, cbpf_prog_len(prog));
		cbpf_prog_free(prog);
	}
	printf("%lu programs x %d inputs each, %lu inputs in all (%lu runs): %lu differences\n",
	       st.programs, NINPUTS, st.inputs, st.runs, st.differences);
	return st.differences ? 1 : 0;
}
