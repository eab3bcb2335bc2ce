// SPDX-License-Identifier: MIT
/* cbpf_prog_write: a program in the form asked for, by the writer of that form. */
#include <errno.h>
#include <stdio.h>

#include "classic/fmt_int.h"

int cbpf_prog_write(FILE *out, const struct cbpf_prog *prog, enum cbpf_form form,
		    const struct cbpf_write_opts *opts)
{
	int err = 0;

	switch (form) {
	case CBPF_FORM_COMMA:
		fmt_write_comma(out, prog);
		break;
	case CBPF_FORM_C:
		fmt_write_c(out, prog, opts);
		break;
	case CBPF_FORM_LISTING:
		fmt_write_listing(out, prog, opts);
		break;
	case CBPF_FORM_DD:
		fmt_write_dd(out, prog, opts);
		break;
	case CBPF_FORM_DDD:
		fmt_write_ddd(out, prog);
		break;
	case CBPF_FORM_RAW:
		err = fmt_write_raw(out, prog);
		break;
	case CBPF_FORM_DOT:
		err = fmt_write_dot(out, prog, opts);
		break;
	case CBPF_FORM_ASM:
		err = fmt_write_asm(out, prog, opts);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}
