// SPDX-License-Identifier: MIT
/*
 * The symbolic model of a seccomp filter (cbpf_seccomp_model_new) against the interpreter: for
 * each program, inputs built from the program's own constants (each one, its neighbours, masked
 * variants) and random words, in every field of struct seccomp_data; the model's action must be
 * the interpreter's for each. Programs: the files named (any form cbpf reads), and --random N
 * random valid seccomp programs (tests/lib/randprog) from --seed S. A program the model
 * declines (a computed return value, too many paths) or that tests a computed value is counted
 * apart, not compared.
 *
 * Exit status: 0 all agree, 1 a disagreement or a file that cannot be read.
 * Usage: explain-model [--random N] [--seed S] [--inputs N] [FILE...]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "randprog.h"
#include "seccomp/symex.h"
#include "splitmix.h"

static size_t n_inputs = 2000;

/* The interesting values of a program: its constants and their neighbours. */
static size_t constants(const struct cbpf_prog *prog, uint32_t *out, size_t max)
{
	const struct cbpf_insn *in = cbpf_prog_insns(prog);
	size_t n = 0;

	for (size_t pc = 0; pc < cbpf_prog_len(prog) && n + 4 <= max; pc++) {
		out[n++] = in[pc].k;
		out[n++] = in[pc].k + 1;
		out[n++] = in[pc].k - 1;
		out[n++] = ~in[pc].k;
	}
	return n;
}

/* Compares model and interpreter on one program. 0 agree, 1 not, 2 not compared. */
static int compare(const char *name, const struct cbpf_prog *prog, uint64_t seed)
{
	struct cbpf_diags diags = { 0 };
	struct cbpf_seccomp_model *m = NULL;
	struct cbpf_vm *vm = NULL;
	struct rng r = { seed };
	uint32_t ks[4096 * 4 + 8];
	size_t nk = constants(prog, ks, sizeof(ks) / sizeof(ks[0]) - 8);
	int rc = 0;

	ks[nk++] = CBPF_AUDIT_ARCH_X86_64;
	ks[nk++] = CBPF_AUDIT_ARCH_I386;
	ks[nk++] = 0;
	ks[nk++] = UINT32_MAX;
	if (cbpf_seccomp_model_new(prog, &m, &diags)) {
		cbpf_diags_free(&diags);
		return 2;
	}
	if (m->opaque) {
		cbpf_seccomp_model_free(m);
		return 2;
	}
	if (cbpf_vm_new(prog, CBPF_VM_SECCOMP, &vm, &diags)) {
		fprintf(stderr, "%s: the interpreter refuses the program\n", name);
		cbpf_seccomp_model_free(m);
		cbpf_diags_free(&diags);
		return 1;
	}
	for (size_t i = 0; i < n_inputs && !rc; i++) {
		uint32_t w[16];
		struct cbpf_seccomp_data sd;
		struct cbpf_input in;
		uint64_t args[6];

		for (int j = 0; j < 16; j++) {
			uint64_t x = rng_next(&r);

			w[j] = (x & 3) ? ks[(x >> 8) % nk] : (uint32_t)(x >> 32);
			if ((x & 0xf0) == 0x10)
				w[j] &= (uint32_t)(x >> 16);
		}
		memset(&sd, 0, sizeof(sd));
		sd.nr = (int32_t)w[0];
		sd.arch = w[1];
		sd.instruction_pointer = (uint64_t)w[3] << 32 | w[2];
		for (int a = 0; a < 6; a++)
			args[a] = sd.args[a] = (uint64_t)w[5 + 2 * a] << 32 | w[4 + 2 * a];
		in = cbpf_input_seccomp(&sd);
		uint32_t want = cbpf_vm_run(vm, &in);
		uint32_t got = cbpf_seccomp_model_eval(m, w[0], w[1], sd.instruction_pointer, args);

		if (want != got) {
			fprintf(stderr,
				"%s: nr 0x%x arch 0x%x arg0 0x%llx arg1 0x%llx: the interpreter "
				"returns "
				"0x%08x, the model 0x%08x\n",
				name, w[0], w[1], (unsigned long long)args[0],
				(unsigned long long)args[1], want, got);
			rc = 1;
			if (getenv("EXPLAIN_MODEL_DUMP"))
				cbpf_prog_write(stderr, prog, CBPF_FORM_LISTING, NULL);
		}
	}
	cbpf_vm_free(vm);
	cbpf_seccomp_model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long random = 0, seed = 1;
	size_t agree = 0, apart = 0, bad = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--random") && i + 1 < argc)
			random = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--inputs") && i + 1 < argc)
			n_inputs = strtoul(argv[++i], NULL, 0);
		else
			break;
	}
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		char buf[1 << 16];
		size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
		struct cbpf_read_opts ro = { argv[i], CBPF_FORM_AUTO, 0, false };
		struct cbpf_diags diags = { 0 };
		struct cbpf_prog *prog = NULL;
		int rc;

		if (f)
			fclose(f);
		ro.form = cbpf_form_detect(buf, len);
		if (!f || cbpf_prog_read(buf, len, &ro, &prog, &diags)) {
			fprintf(stderr, "%s: cannot be read\n", argv[i]);
			cbpf_diags_free(&diags);
			bad++;
			continue;
		}
		rc = compare(argv[i], prog, seed + (uint64_t)i);
		agree += rc == 0, bad += rc == 1, apart += rc == 2;
		cbpf_prog_free(prog);
	}
	for (unsigned long s = 0; s < random; s++) {
		struct randprog_opts ro = { .seed = seed * 1000003 + s,
					    .seccomp = true,
					    .shape = s % 2 ? RANDPROG_SHAPE_FILTER
							   : RANDPROG_SHAPE_ANY };
		struct cbpf_prog *prog = randprog_new(&ro, NULL);
		char name[64];
		int rc;

		if (!prog) {
			fprintf(stderr, "out of memory\n");
			return 1;
		}
		snprintf(name, sizeof(name), "random seed %llu", (unsigned long long)ro.seed);
		rc = compare(name, prog, ro.seed);
		agree += rc == 0, bad += rc == 1, apart += rc == 2;
		cbpf_prog_free(prog);
	}
	printf("%zu programs: the model agrees with the interpreter on %zu, %zu not compared "
	       "(computed tests or returns), %zu disagree\n",
	       agree + apart + bad, agree, apart, bad);
	return bad ? 1 : 0;
}
