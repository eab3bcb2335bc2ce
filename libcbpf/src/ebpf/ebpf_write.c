// SPDX-License-Identifier: MIT
/* cbpf_ebpf_write: the eBPF output forms by name, each written by its writer. */
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "cbpf/ebpf.h"
#include "ebpf/ebpf_prog.h"

static const char *const form_names[] = {
	[CBPF_EBPF_FORM_ELF] = "elf",
	[CBPF_EBPF_FORM_RAW] = "raw",
	[CBPF_EBPF_FORM_C] = "c",
	[CBPF_EBPF_FORM_ASM] = "asm",
};

const char *cbpf_ebpf_form_name(enum cbpf_ebpf_form form)
{
	if ((unsigned)form < sizeof(form_names) / sizeof(form_names[0]))
		return form_names[form];
	return "?";
}

int cbpf_ebpf_form_parse(const char *name, enum cbpf_ebpf_form *out)
{
	for (size_t i = 0; i < sizeof(form_names) / sizeof(form_names[0]); i++)
		if (!strcasecmp(name, form_names[i])) {
			*out = (enum cbpf_ebpf_form)i;
			return 0;
		}
	return -ENOENT;
}

/* The instructions as bpf(2) takes them, host byte order. */
static int write_raw(FILE *out, const struct cbpf_ebpf_prog *prog)
{
	if (prog->len && fwrite(prog->insns, sizeof(*prog->insns), prog->len, out) != prog->len)
		return -EIO;
	return 0;
}

int cbpf_ebpf_write(FILE *out, const struct cbpf_ebpf_prog *prog, enum cbpf_ebpf_form form,
		    const struct cbpf_ebpf_write_opts *opts)
{
	int err;

	switch (form) {
	case CBPF_EBPF_FORM_ELF:
		err = ebpf_write_elf(out, prog);
		break;
	case CBPF_EBPF_FORM_RAW:
		err = write_raw(out, prog);
		break;
	case CBPF_EBPF_FORM_C:
		err = ebpf_write_c(out, prog, opts);
		break;
	case CBPF_EBPF_FORM_ASM:
		err = ebpf_write_asm(out, prog, opts);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	return fflush(out) || ferror(out) ? -EIO : 0;
}
