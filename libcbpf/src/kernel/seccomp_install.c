// SPDX-License-Identifier: MIT
/* Installing a seccomp filter on the calling thread: no_new_privs, then seccomp(2). */
#include <assert.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cbpf/policy.h"
#include "classic/prog.h"

static_assert(sizeof(struct cbpf_insn) == sizeof(struct sock_filter), "struct sock_filter");
static_assert(CBPF_SECCOMP_FLAG_TSYNC == SECCOMP_FILTER_FLAG_TSYNC, "flags");

int cbpf_seccomp_install(const struct cbpf_prog *prog, unsigned flags, int *listener,
			 struct cbpf_diags *diags)
{
	/* On the stack: after seccomp() the thread runs under the filter, and a free() that made a
	 * syscall could be refused or killed. */
	struct sock_filter copy[CBPF_MAXINSNS];
	struct sock_fprog fp;
	unsigned kflags = flags & ~CBPF_SECCOMP_KEEP_PRIVS;
	long r;
	int err;

	if (!prog->len || prog->len > CBPF_MAXINSNS) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "a filter has 1 to %d instructions, not %zu", CBPF_MAXINSNS,
			       prog->len);
		return prog->len ? -E2BIG : -EINVAL;
	}
	/* The kernel takes a non-const pointer: give it a copy. */
	memcpy(copy, prog->insns, prog->len * sizeof(*copy));
	fp.len = (unsigned short)prog->len;
	fp.filter = copy;
	if (!(flags & CBPF_SECCOMP_KEEP_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = errno;
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(err));
		return err == EPERM ? -EPERM : -EINVAL;
	}
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kflags, &fp);
	if (r < 0 && errno == ENOSYS && !kflags) /* before Linux 3.17: only prctl */
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
	err = r < 0 ? errno : 0;
	if (!err) {
		if (listener)
			*listener = (kflags & CBPF_SECCOMP_FLAG_NEW_LISTENER) ? (int)r : -1;
		return 0;
	}
	switch (err) {
	case EACCES:
	case EPERM:
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "seccomp: %s (no_new_privs is not set and CAP_SYS_ADMIN is missing)",
			       strerror(err));
		return -EPERM;
	case ENOSYS:
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "seccomp filters are not available in this kernel");
		return -ENOTSUP;
	case ENOMEM:
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "seccomp: the filters of this thread are too long together");
		return -E2BIG;
	default:
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "seccomp(SECCOMP_SET_MODE_FILTER, %#x): %s: the kernel refused the "
			       "filter or a flag",
			       kflags, strerror(err));
		return -EINVAL;
	}
}
