// SPDX-License-Identifier: MIT
/* The tracer behind --record, --report and --learn: a command and all it starts, under ptrace. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbpf/record.h"

/*
 * Why ptrace and not a user-notification filter (docs/policy.md, "Recording"): a tracer sees a
 * call at its entry before any seccomp filter decides it (kernel/entry/common.c:
 * syscall_trace_enter reports to ptrace first), so --report can let the real filter act as it
 * would, kill and trap included; a notifying filter is outranked by any filter returning errno
 * or kill, and needs no_new_privs for recording. PTRACE_GET_SYSCALL_INFO (Linux 5.3) gives the
 * architecture of each call, so an i386 program is seen as one.
 */

#define TRACE_OPTIONS                                                                              \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |  \
	 PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)

/* uapi linux/audit.h */
#define AUDIT_ARCH_X86_64_  0xc000003eU
#define AUDIT_ARCH_I386_    0x40000003U
#define AUDIT_ARCH_AARCH64_ 0xc00000b7U
#define AUDIT_ARCH_ARM_	    0x40000028U

static enum cbpf_arch arch_of(uint32_t audit, uint32_t nr)
{
	switch (audit) {
	case AUDIT_ARCH_X86_64_:
		return (nr & CBPF_X32_SYSCALL_BIT) ? CBPF_ARCH_X32 : CBPF_ARCH_X86_64;
	case AUDIT_ARCH_I386_:
		return CBPF_ARCH_I386;
	case AUDIT_ARCH_AARCH64_:
		return CBPF_ARCH_AARCH64;
	case AUDIT_ARCH_ARM_:
		return CBPF_ARCH_ARM;
	default:
		return CBPF_ARCH_NONE;
	}
}

/* In the child: wait until traced, set up, exec; the errno of a failure goes up the pipe. */
static void child(char *const argv[], const struct cbpf_trace_opts *o, int go, int err_fd)
{
	char c;
	int e;

	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	close(go);
	e = o->child_setup ? o->child_setup(o->ctx) : 0;
	if (!e) {
		execvp(argv[0], argv);
		e = errno;
	}
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(e == ENOENT ? 127 : 126);
}

/* One stop of a traced process, resumed as an untraced one would go on. */
static int on_stop(const struct cbpf_trace_opts *o, int pid, int st, int main_pid, bool *active)
{
	int sig = WSTOPSIG(st), event = (unsigned)st >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		struct __ptrace_syscall_info info; /* glibc's spelling */
		long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info);

		if (n > 0 && info.op == PTRACE_SYSCALL_INFO_ENTRY) {
			struct cbpf_syscall_event ev = { .pid = pid, .known = 0x3f };
			uint32_t nr = (uint32_t)info.entry.nr;

			ev.arch = arch_of(info.arch, nr);
			ev.nr = nr;
			ev.ip = info.instruction_pointer;
			memcpy(ev.args, info.entry.args, sizeof(ev.args));
			/* From the command's exec on: what comes before is ours (setup, filter). */
			if (!*active && pid == main_pid && ev.arch != CBPF_ARCH_NONE &&
			    cbpf_syscall_name(ev.arch, nr) &&
			    !strcmp(cbpf_syscall_name(ev.arch, nr), "execve"))
				*active = true;
			if (*active && o->on_syscall) {
				int r = o->on_syscall(o->ctx, &ev);

				if (r)
					return r;
			}
		}
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
	} else if (event == PTRACE_EVENT_STOP) {
		/* A group stop (SIGSTOP, ^Z) stays a stop until SIGCONT: PTRACE_LISTEN. */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			ptrace(PTRACE_LISTEN, pid, 0, 0);
		else
			ptrace(PTRACE_SYSCALL, pid, 0, 0);
	} else if (event) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0); /* fork, clone, exec: nothing to do */
	} else {
		ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig); /* deliver the signal */
	}
	return 0;
}

int cbpf_trace_run(char *const argv[], const struct cbpf_trace_opts *o, int *status,
		   struct cbpf_diags *diags)
{
	int go[2], errp[2], pid, st, e, ret = 0, main_status = 0;
	bool active = false;
	ssize_t n;

	if (pipe(go))
		return -errno;
	if (pipe(errp)) {
		e = errno;
		close(go[0]), close(go[1]);
		return -e;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(go[i], F_SETFD, FD_CLOEXEC);
		fcntl(errp[i], F_SETFD, FD_CLOEXEC);
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(go[0]), close(go[1]), close(errp[0]), close(errp[1]);
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "fork: %s", strerror(e));
		return -e;
	}
	if (!pid) {
		close(go[1]);
		close(errp[0]);
		child(argv, o, go[0], errp[1]);
	}
	close(go[0]);
	close(errp[1]);
	/* Seize, stop it at once, and trace its system calls from there; then let it go. */
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)TRACE_OPTIONS) ||
	    ptrace(PTRACE_INTERRUPT, pid, 0, 0)) {
		e = errno;
		kill(pid, SIGKILL);
		close(go[1]);
		close(errp[0]);
		waitpid(pid, NULL, 0);
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "ptrace: %s: cannot trace the command%s", strerror(e),
			       e == EPERM ? " (a tracer already, or ptrace forbidden here)" : "");
		return e == EPERM ? -EPERM : -e;
	}
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	if (o->started)
		o->started(o->ctx, pid);
	close(go[1]);
	for (;;) {
		int w = waitpid(-1, &st, __WALL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: every traced process has ended */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == pid)
				main_status = st;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (!ret)
			ret = on_stop(o, w, st, pid, &active);
		if (ret)
			kill(w, SIGKILL); /* ending: each process as it stops next */
	}
	*status = main_status;
	n = read(errp[0], &e, sizeof(e));
	close(errp[0]);
	if (n == (ssize_t)sizeof(e) && !ret) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "%s: %s", argv[0],
			       strerror(e));
		return e == ENOENT ? -ENOENT : e == ENOMEM ? -ENOMEM : -EACCES;
	}
	return ret;
}
