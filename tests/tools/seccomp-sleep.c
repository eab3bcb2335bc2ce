// SPDX-License-Identifier: MIT
/*
 * A process under a libseccomp filter, for the tests that read filters back (cbpf-asm --pid):
 * default allow, mkdir fails with EPERM, ioctl with TCGETS on fd 0 with ENOTTY. The filter as
 * libseccomp exports it goes to EXPORT, so that the test can compare; with --log the filter is
 * installed with SECCOMP_FILTER_FLAG_LOG. Then it execs COMMAND.
 *
 * Usage: seccomp-sleep [--log] EXPORT COMMAND [ARG...]
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	bool log = argc > 1 && !strcmp(argv[1], "--log");
	scmp_filter_ctx ctx;
	int fd, rc;

	argv += log;
	argc -= log;
	if (argc < 3) {
		fprintf(stderr, "usage: seccomp-sleep [--log] EXPORT COMMAND [ARG...]\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mkdir), 0);
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 2,
				      SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A1(SCMP_CMP_EQ, TCGETS));
	if (!rc && log)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!rc && fd < 0)
		rc = -errno;
	if (!rc)
		rc = seccomp_export_bpf(ctx, fd);
	if (fd >= 0)
		close(fd);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		fprintf(stderr, "seccomp-sleep: libseccomp: %s\n", strerror(-rc));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "seccomp-sleep: %s: %s\n", argv[2], strerror(errno));
	return 1;
}
