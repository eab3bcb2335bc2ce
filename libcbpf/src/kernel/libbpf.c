// SPDX-License-Identifier: MIT
/* libbpf kept quiet, and what the kernel said turned into cbpf's errors and located messages. */
#include <errno.h>
#include <stdarg.h>

#include "kernel/kernel_int.h"
#include "util/diag_int.h"

int kernel_fail(struct cbpf_diags *diags, int err, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = diags_vadd(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, fmt, ap);
	va_end(ap);
	return e ? e : err;
}

/* libbpf prints to stderr by default; the library never prints, so it is muted around calls. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

libbpf_print_fn_t kernel_mute(void)
{
	return libbpf_set_print(quiet);
}

void kernel_unmute(libbpf_print_fn_t old)
{
	libbpf_set_print(old);
}

int kernel_err(int err)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		return -EPERM;
	case -ENOENT:
	case -ENODEV:
		return -ENOENT;
	case -EEXIST:
	case -ENOMEM:
	case -E2BIG:
		return err;
	case -EOPNOTSUPP:
		return -ENOTSUP;
	default:
		return -EINVAL;
	}
}

int kernel_no_privilege(struct cbpf_diags *diags, const char *what)
{
	return kernel_fail(
		diags, -EPERM,
		"%s: permission denied (bpf(2) needs CAP_BPF, and CAP_NET_ADMIN for tc and XDP; "
		"run as root)",
		what);
}
