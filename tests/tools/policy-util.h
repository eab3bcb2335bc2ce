/* SPDX-License-Identifier: MIT */
/* Shared by the policy test tools: option parsing for policy options and a listing printer. */
#ifndef CBPF_TESTS_POLICY_UTIL_H
#define CBPF_TESTS_POLICY_UTIL_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

/* tcpdump -d style, with the program's comments. */
static inline void print_listing(FILE *out, const struct cbpf_prog *prog)
{
	const struct cbpf_insn *v = cbpf_prog_insns(prog);

	for (size_t pc = 0; pc < cbpf_prog_len(prog); pc++) {
		const struct cbpf_insn *in = &v[pc];
		const char *c = cbpf_prog_comment(prog, pc);
		char text[64];

		switch (CBPF_CLASS(in->code)) {
		case CBPF_LD:
			if (in->code == (CBPF_LD | CBPF_W | CBPF_ABS))
				snprintf(text, sizeof(text), "ld [%" PRIu32 "]", in->k);
			else
				snprintf(text, sizeof(text), "ld? 0x%04x %" PRIu32, in->code, in->k);
			break;
		case CBPF_ALU:
			snprintf(text, sizeof(text), "%s #0x%" PRIx32,
				 CBPF_OP(in->code) == CBPF_AND ? "and" : "alu?", in->k);
			break;
		case CBPF_RET:
			snprintf(text, sizeof(text), "ret #0x%08" PRIx32, in->k);
			break;
		case CBPF_JMP: {
			static const char *const ops[] = { "ja", "jeq", "jgt", "jge", "jset" };
			unsigned op = CBPF_OP(in->code) >> 4;

			if (op == 0)
				snprintf(text, sizeof(text), "ja %zu", pc + 1 + in->k);
			else
				snprintf(text, sizeof(text), "%s #0x%" PRIx32 " jt %zu jf %zu",
					 op < 5 ? ops[op] : "j?", in->k, pc + 1 + in->jt,
					 pc + 1 + in->jf);
			break;
		}
		default:
			snprintf(text, sizeof(text), "0x%04x %u %u 0x%08" PRIx32, in->code, in->jt,
				 in->jf, in->k);
			break;
		}
		if (c)
			fprintf(out, "(%03zu) %-34s ; %s\n", pc, text, c);
		else
			fprintf(out, "(%03zu) %s\n", pc, text);
	}
}

/* "x86_64,i386" into arches[]; returns the count, -1 on a bad name. */
static inline int parse_arch_list(const char *s, enum cbpf_arch *arches, int max)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max || cbpf_arch_parse(tok, &arches[n]))
			return -1;
		n++;
	}
	return n;
}

/* "CAP_A,CAP_B" into a NULL-terminated list (strings owned by the caller's buffer). */
static inline const char **parse_caps(char *s)
{
	size_t n = 1;
	const char **v;
	char *save = NULL, *tok;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		v[n++] = tok;
	return v;
}

#endif
