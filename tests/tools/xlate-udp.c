// SPDX-License-Identifier: MIT
/*
 * Traffic for the attach test: binds UDP sockets on the given ports in network namespace RECV,
 * sends COUNT datagrams to each port of ADDR from namespace SEND, and prints how many arrived on
 * each port ("7000 5/5"). Waits until nothing more arrives for half a second. -l LEN sends LEN
 * bytes of "cbpf" repeated (default 4); -g SIZE sets UDP_SEGMENT (UDP GSO), with which the kernel
 * puts the payload in page fragments: an sk_buff whose linear part holds the headers only (what
 * tc egress sees), the rest being paged.
 *
 * Usage: xlate-udp [-l LEN] [-g SIZE] SEND_NETNS RECV_NETNS ADDR COUNT PORT...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAXPORTS 8
#define MAXLEN	 1400

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h */
#endif

static void enter(const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	/* setns() wants _GNU_SOURCE; the system call does not. */
	if (fd < 0 || syscall(SYS_setns, fd, CLONE_NEWNET)) {
		fprintf(stderr, "xlate-udp: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAXPORTS];
	int ports[MAXPORTS], got[MAXPORTS] = { 0 }, n, count, s, opt, len = 4, gso = 0;
	struct sockaddr_in sa;
	char payload[MAXLEN];

	while ((opt = getopt(argc, argv, "l:g:")) != -1) {
		if (opt == 'l')
			len = atoi(optarg);
		else if (opt == 'g')
			gso = atoi(optarg);
		else
			len = -1;
	}
	argv += optind - 1;
	argc -= optind - 1;
	if (argc < 6 || argc - 5 > MAXPORTS || len < 1 || len > MAXLEN || gso < 0) {
		fprintf(stderr, "usage: xlate-udp [-l LEN] [-g SIZE] SEND_NETNS RECV_NETNS ADDR "
				"COUNT PORT...\n");
		return 2;
	}
	for (int i = 0; i < len; i++)
		payload[i] = "cbpf"[i % 4];
	count = atoi(argv[4]);
	n = argc - 5;
	enter(argv[2]);
	for (int i = 0; i < n; i++) {
		ports[i] = atoi(argv[5 + i]);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)ports[i]);
		pfd[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0 || bind(pfd[i].fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("xlate-udp: bind");
			return 1;
		}
	}
	enter(argv[1]);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (s < 0 || inet_pton(AF_INET, argv[3], &sa.sin_addr) != 1) {
		fprintf(stderr, "xlate-udp: bad address %s\n", argv[3]);
		return 1;
	}
	if (gso && setsockopt(s, IPPROTO_UDP, UDP_SEGMENT, &gso, sizeof(gso))) {
		perror("xlate-udp: UDP_SEGMENT");
		return 1;
	}
	for (int c = 0; c < count; c++)
		for (int i = 0; i < n; i++) {
			sa.sin_port = htons((uint16_t)ports[i]);
			if (sendto(s, payload, (size_t)len, 0, (struct sockaddr *)&sa, sizeof(sa)) <
			    0) {
				perror("xlate-udp: sendto");
				return 1;
			}
		}
	while (poll(pfd, (nfds_t)n, 500) > 0) {
		for (int i = 0; i < n; i++) {
			char buf[MAXLEN];

			if ((pfd[i].revents & POLLIN) && recv(pfd[i].fd, buf, sizeof(buf), 0) >= 0)
				got[i]++;
		}
	}
	for (int i = 0; i < n; i++)
		printf("%d %d/%d\n", ports[i], got[i], count);
	return 0;
}
