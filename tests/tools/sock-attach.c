// SPDX-License-Identifier: MIT
/* Asks the kernel: does SO_ATTACH_FILTER take this program (tcpdump -ddd text on stdin)? */
#include <errno.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Exit status: 0 the kernel takes it, 1 it refuses it (EINVAL), 2 anything else. */
int main(void)
{
	struct sock_filter *insns;
	struct sock_fprog fprog;
	unsigned n, code, jt, jf, k;
	int fd, rc;

	if (scanf("%u", &n) != 1 || n == 0 || n > BPF_MAXINSNS) {
		fprintf(stderr, "sock-attach: expected tcpdump -ddd text on stdin\n");
		return 2;
	}
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return 2;
	for (unsigned i = 0; i < n; i++) {
		if (scanf("%u %u %u %u", &code, &jt, &jf, &k) != 4 || code > 0xffff || jt > 255 ||
		    jf > 255) {
			fprintf(stderr, "sock-attach: bad instruction %u\n", i);
			free(insns);
			return 2;
		}
		insns[i] = (struct sock_filter){ (__u16)code, (__u8)jt, (__u8)jf, k };
	}
	fprog.len = (unsigned short)n;
	fprog.filter = insns;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("sock-attach: socket");
		free(insns);
		return 2;
	}
	rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
	if (rc && errno != EINVAL)
		fprintf(stderr, "sock-attach: SO_ATTACH_FILTER: %s\n", strerror(errno));
	close(fd);
	free(insns);
	return rc == 0 ? 0 : errno == EINVAL ? 1 : 2;
}
