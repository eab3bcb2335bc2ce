// SPDX-License-Identifier: MIT
/* Fuzz target: cbpf_prog_read in every form, then every writer, and bytecode round trips. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum cbpf_form read_forms[] = {
	CBPF_FORM_AUTO, CBPF_FORM_COMMA, CBPF_FORM_C,	    CBPF_FORM_DD,
	CBPF_FORM_DDD,	CBPF_FORM_RAW,	 CBPF_FORM_LISTING, CBPF_FORM_ASM,
};

static const enum cbpf_form write_forms[] = {
	CBPF_FORM_COMMA, CBPF_FORM_C,	CBPF_FORM_LISTING, CBPF_FORM_DD,
	CBPF_FORM_DDD,	 CBPF_FORM_RAW, CBPF_FORM_DOT,	   CBPF_FORM_ASM,
};

/* Whether every opcode fits in a byte, as in every program a kernel or libpcap runs. */
static bool codes_fit_a_byte(const struct cbpf_prog *prog)
{
	for (size_t i = 0; i < cbpf_prog_len(prog); i++)
		if (cbpf_prog_insns(prog)[i].code > 0xff)
			return false;
	return true;
}

/* Writes prog in form; for the forms that hold any program, reads it back and compares. */
static void write_and_check(const struct cbpf_prog *prog, enum cbpf_form form)
{
	struct cbpf_write_opts wopts = { .comments = true };
	struct cbpf_read_opts ropts = { .form = form };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *back = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return;
	err = cbpf_prog_write(f, prog, form, &wopts);
	fclose(f);
	if (err && !(err == -ENOTSUP && form == CBPF_FORM_ASM))
		__builtin_trap();
	/* An empty program is no text at all in the C forms and raw: nothing to read back. */
	if (len && (form == CBPF_FORM_COMMA || form == CBPF_FORM_C || form == CBPF_FORM_DD ||
		    form == CBPF_FORM_DDD || form == CBPF_FORM_RAW)) {
		if (cbpf_prog_read(buf, len, &ropts, &back, &diags) ||
		    cbpf_prog_len(back) != cbpf_prog_len(prog) ||
		    (cbpf_prog_len(prog) && memcmp(cbpf_prog_insns(back), cbpf_prog_insns(prog),
						   cbpf_prog_len(prog) * sizeof(struct cbpf_insn))))
			__builtin_trap();
		/*
		 * Detection finds the form again: -dd reads as C, and raw bytes that happen to be
		 * UTF-8 text look like text, stray NULs and all, unless every opcode's high byte is
		 * 0 as in every real program (fmt_detect.c).
		 */
		if (cbpf_form_detect(buf, len) != form && form != CBPF_FORM_DD &&
		    !(form == CBPF_FORM_RAW && !codes_fit_a_byte(prog)))
			__builtin_trap();
		cbpf_prog_free(back);
	}
	cbpf_diags_free(&diags);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cbpf_read_opts opts = { .file = "fuzz" };
	struct cbpf_diags diags = { 0 };
	struct cbpf_prog *prog = NULL;

	if (!size)
		return 0;
	/* The first byte picks the form; the rest is the input. */
	opts.form = read_forms[data[0] % (sizeof(read_forms) / sizeof(read_forms[0]))];
	opts.max_errors = data[0] >> 4;
	cbpf_form_detect(data + 1, size - 1);
	if (!cbpf_prog_read(data + 1, size - 1, &opts, &prog, &diags)) {
		for (size_t i = 0; i < sizeof(write_forms) / sizeof(write_forms[0]); i++)
			write_and_check(prog, write_forms[i]);
		cbpf_prog_free(prog);
	} else if (!diags.errors) {
		__builtin_trap(); /* a refusal always says why */
	}
	/* Every diagnostic prints, located or not. */
	FILE *null = fopen("/dev/null", "w");

	if (null) {
		cbpf_diags_print(null, &diags, (const char *)data + 1, size - 1, NULL);
		fclose(null);
	}
	cbpf_diags_free(&diags);
	return 0;
}
