// SPDX-License-Identifier: MIT
/* The filters of running processes: seccomp's through ptrace, a socket's through pidfd_getfd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbpf/explain.h"

/* include/uapi/linux/ptrace.h, for libcs that lack them. */
#define CBPF_PTRACE_SEIZE		 0x4206
#define CBPF_PTRACE_INTERRUPT		 0x4207
#define CBPF_PTRACE_SECCOMP_GET_FILTER	 0x420c
#define CBPF_PTRACE_GET_SECCOMP_METADATA 0x420d
/* include/uapi/asm-generic/socket.h */
#define CBPF_SO_GET_FILTER 26
/* the generic syscall numbers (the same on every architecture since 5.3) */
#define CBPF_NR_PIDFD_OPEN  434
#define CBPF_NR_PIDFD_GETFD 438

struct seccomp_metadata_k {
	uint64_t filter_off;
	uint64_t flags;
};

static long sys_ptrace(long req, pid_t pid, unsigned long addr, void *data)
{
	return syscall(SYS_ptrace, req, (long)pid, addr, data);
}

static int say(struct cbpf_diags *diags, int err, const char *fmt, int pid, const char *why)
	CBPF_PRINTF(3, 0);
static int say(struct cbpf_diags *diags, int err, const char *fmt, int pid, const char *why)
{
	char msg[256];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof(msg), fmt, pid, why);
#pragma GCC diagnostic pop
	cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "%s", msg);
	return err;
}

/* Whether process pid exists (kill 0: ESRCH when not; EPERM means it does). */
static bool exists(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

void cbpf_seccomp_dump_free(struct cbpf_seccomp_dump *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		cbpf_prog_free(d[i].prog);
	free(d);
}

/* The filters, once pid is stopped under us. */
static int read_filters(int pid, struct cbpf_seccomp_dump **out, size_t *n,
			struct cbpf_diags *diags)
{
	struct cbpf_seccomp_dump *d = NULL;
	size_t nd = 0;
	int err = 0;

	for (unsigned long i = 0;; i++) {
		long len = sys_ptrace(CBPF_PTRACE_SECCOMP_GET_FILTER, pid, i, NULL);
		struct seccomp_metadata_k md = { i, 0 };
		struct cbpf_insn *insns;
		struct cbpf_seccomp_dump *nd2;

		if (len < 0) {
			if (errno == ENOENT && i > 0)
				break;
			if (errno == EINVAL || errno == ENOENT || errno == EMEDIUMTYPE)
				err = say(diags, -ENOENT, "process %d has no seccomp filter%s", pid,
					  "");
			else if (errno == EACCES || errno == EPERM)
				err = say(diags, -EPERM,
					  "reading the seccomp filters of process %d needs "
					  "CAP_SYS_ADMIN%s",
					  pid, ", which the caller lacks");
			else if (errno == EIO)
				err = say(diags, -ENOTSUP,
					  "process %d: this kernel cannot read seccomp filters "
					  "back%s",
					  pid, " (CONFIG_CHECKPOINT_RESTORE)");
			else
				err = say(diags, -ENOTSUP,
					  "process %d: PTRACE_SECCOMP_GET_FILTER: %s", pid,
					  strerror(errno));
			break;
		}
		insns = calloc((size_t)len ? (size_t)len : 1, sizeof(*insns));
		if (!insns) {
			err = -ENOMEM;
			break;
		}
		/* struct sock_filter is struct cbpf_insn (static_assert in insn.h). */
		if (sys_ptrace(CBPF_PTRACE_SECCOMP_GET_FILTER, pid, i, insns) != len) {
			free(insns);
			err = say(diags, -ENOTSUP, "process %d: its filter changed while read%s",
				  pid, "");
			break;
		}
		nd2 = realloc(d, (nd + 1) * sizeof(*d));
		if (!nd2) {
			free(insns);
			err = -ENOMEM;
			break;
		}
		d = nd2;
		memset(&d[nd], 0, sizeof(d[nd]));
		d[nd].prog = cbpf_prog_new(insns, (size_t)len);
		free(insns);
		if (!d[nd].prog) {
			err = -ENOMEM;
			break;
		}
		cbpf_prog_set_kind(d[nd].prog, CBPF_KIND_SECCOMP);
		if (sys_ptrace(CBPF_PTRACE_GET_SECCOMP_METADATA, pid, sizeof(md), &md) ==
		    (long)sizeof(md)) {
			d[nd].flags = md.flags;
			d[nd].has_flags = true;
		}
		nd++;
	}
	if (err) {
		cbpf_seccomp_dump_free(d, nd);
		return err;
	}
	/* kernel/seccomp.c: get_nth_filter counts from the oldest; newest first for people. */
	for (size_t i = 0; i < nd / 2; i++) {
		struct cbpf_seccomp_dump tmp = d[i];

		d[i] = d[nd - 1 - i];
		d[nd - 1 - i] = tmp;
	}
	*out = d;
	*n = nd;
	return 0;
}

int cbpf_seccomp_dump_pid(int pid, struct cbpf_seccomp_dump **out, size_t *n,
			  struct cbpf_diags *diags)
{
	int status, err;

	if (!exists(pid))
		return say(diags, -ENOENT, "no process %d%s", pid, "");
	if (pid == getpid())
		return say(diags, -EPERM, "process %d is this one, which cannot trace itself%s",
			   pid, "");
	/* The filters are read from a stopped tracee (kernel/seccomp.c: get_seccomp_filter). */
	if (sys_ptrace(CBPF_PTRACE_SEIZE, pid, 0, NULL) < 0) {
		if (errno == ESRCH)
			return say(diags, -ENOENT, "no process %d%s", pid, "");
		if (errno == EPERM)
			return say(diags, -EPERM, "process %d may not be traced by the caller (%s)",
				   pid, "ptrace: another tracer, or no CAP_SYS_PTRACE over it");
		return say(diags, -ENOTSUP, "process %d: PTRACE_SEIZE: %s", pid, strerror(errno));
	}
	if (sys_ptrace(CBPF_PTRACE_INTERRUPT, pid, 0, NULL) < 0 ||
	    waitpid(pid, &status, __WALL) < 0) {
		err = say(diags, -ENOTSUP, "process %d could not be stopped: %s", pid,
			  strerror(errno));
		sys_ptrace(PTRACE_DETACH, pid, 0, NULL);
		return err;
	}
	err = read_filters(pid, out, n, diags);
	sys_ptrace(PTRACE_DETACH, pid, 0, NULL);
	return err;
}

int cbpf_socket_filter_dump(int pid, int fd, struct cbpf_prog **out, struct cbpf_diags *diags)
{
	long pidfd, sock;
	socklen_t len = 0;
	struct cbpf_insn *insns = NULL;
	int err = 0;

	if (!exists(pid))
		return say(diags, -ENOENT, "no process %d%s", pid, "");
	pidfd = syscall(CBPF_NR_PIDFD_OPEN, pid, 0);
	if (pidfd < 0)
		return say(diags, errno == ENOSYS ? -ENOTSUP : -ENOENT,
			   "process %d: pidfd_open: %s", pid, strerror(errno));
	sock = syscall(CBPF_NR_PIDFD_GETFD, (int)pidfd, fd, 0);
	close((int)pidfd);
	if (sock < 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "process %d, descriptor %d: pidfd_getfd: %s%s", pid, fd,
			       strerror(errno),
			       errno == EPERM ? " (tracing it needs CAP_SYS_PTRACE)" : "");
		return errno == EBADF ? -ENOENT : errno == ENOSYS ? -ENOTSUP : -EPERM;
	}
	/* net/core/sock.c: SO_GET_FILTER with a length of 0 answers the number of instructions. */
	if (getsockopt((int)sock, SOL_SOCKET, CBPF_SO_GET_FILTER, NULL, &len) < 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "process %d, descriptor %d: %s", pid, fd,
			       errno == ENOTSOCK ? "not a socket" : strerror(errno));
		err = -ENOTSUP;
		goto out;
	}
	if (!len) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "process %d, descriptor %d: no filter is attached to the socket",
			       pid, fd);
		err = -ENOENT;
		goto out;
	}
	insns = calloc(len, sizeof(*insns));
	if (!insns) {
		err = -ENOMEM;
		goto out;
	}
	if (getsockopt((int)sock, SOL_SOCKET, CBPF_SO_GET_FILTER, insns, &len) < 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "process %d, descriptor %d: SO_GET_FILTER: %s", pid, fd,
			       strerror(errno));
		err = -ENOTSUP;
		goto out;
	}
	*out = cbpf_prog_new(insns, len);
	if (!*out)
		err = -ENOMEM;
out:
	free(insns);
	close((int)sock);
	return err;
}
