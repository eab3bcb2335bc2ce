// SPDX-License-Identifier: MIT
/* Test tool: makes one system call and prints its result, for the confinement tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cbpf.h"

static int report(long r)
{
	if (r < 0)
		printf("errno %d (%s)\n", errno, strerror(errno));
	else
		printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "socket")) /* socket FAMILY TYPE */
		return report(socket(atoi(argv[2]), atoi(argv[3]), 0));
	if (argc == 3 && !strcmp(argv[1], "mkdir"))
		return report(mkdir(argv[2], 0700));
	if (argc == 3 && !strcmp(argv[1], "swapoff")) /* harmless: no such swap file */
		return report(syscall(SYS_swapoff, argv[2]));
	if (argc == 2 && !strcmp(argv[1], "getpid"))
		return report(syscall(SYS_getpid));
#if defined(__x86_64__) && !defined(__ILP32__)
	if (argc == 3 && !strcmp(argv[1], "x32")) { /* x32 NAME: that syscall with the x32 bit */
		uint32_t nr;

		if (cbpf_syscall_nr(CBPF_ARCH_X32, argv[2], &nr))
			return 2;
		return report(syscall((long)nr, 0, 0, 0));
	}
	if (argc == 3 && !strcmp(argv[1], "i386")) { /* i386 NAME: through int 0x80 */
		uint32_t nr;
		long r;

		if (cbpf_syscall_nr(CBPF_ARCH_I386, argv[2], &nr))
			return 2;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"((long)nr) : "memory");
		if (r < 0 && r > -4096) {
			errno = (int)-r;
			r = -1;
		}
		return report(r);
	}
#endif
	fprintf(stderr,
		"usage: policy-probe socket FAMILY TYPE | mkdir PATH | swapoff PATH | getpid "
		"| x32 NAME | i386 NAME\n");
	return 2;
}
