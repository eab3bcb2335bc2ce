// SPDX-License-Identifier: MIT
/* Test tool: a TCP server on loopback and a client of it, for the recording tests. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Listens on 127.0.0.1 (a port the kernel picks), forks a client that connects and sends a line,
 * answers it, and prints what each side got: the output is the same in every run, so a run
 * under a recorded policy can be compared with the plain one.
 */
int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char buf[64];
	ssize_t n;
	int ls, cs, st;
	pid_t pid;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len)) {
		perror("record-server: listen");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("record-server: fork");
		return 1;
	}
	if (!pid) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) ||
		    write(c, "hello\n", 6) != 6) {
			perror("record-server: client");
			_exit(1);
		}
		n = read(c, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("client got: %s", buf);
		_exit(0);
	}
	cs = accept(ls, NULL, NULL);
	if (cs < 0) {
		perror("record-server: accept");
		return 1;
	}
	n = read(cs, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("server got: %s", buf);
	fflush(stdout);
	if (write(cs, "hello back\n", 11) != 11)
		return 1;
	close(cs);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	close(ls);
	return 0;
}
