// SPDX-License-Identifier: MIT
/* The filters of running processes: seccomp's through ptrace, a socket's through pidfd_getfd. */
#include <errno.h>

#include "cbpf/explain.h"

int cbpf_seccomp_dump_pid(int pid, struct cbpf_seccomp_dump **out, size_t *n,
			  struct cbpf_diags *diags)
{
	(void)pid, (void)out, (void)n, (void)diags;
	return -ENOTSUP;
}

void cbpf_seccomp_dump_free(struct cbpf_seccomp_dump *dumps, size_t n)
{
	(void)dumps, (void)n;
}

int cbpf_socket_filter_dump(int pid, int fd, struct cbpf_prog **out, struct cbpf_diags *diags)
{
	(void)pid, (void)fd, (void)out, (void)diags;
	return -ENOTSUP;
}
