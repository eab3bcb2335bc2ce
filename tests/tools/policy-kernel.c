// SPDX-License-Identifier: MIT
/*
 * Test tool: the kernel accepts every generated filter. Each one is installed with
 * cbpf_seccomp_install in a forked child; the child reports through MAP_SHARED memory (its next
 * syscalls already run under the filter) and the parent waits with a timeout, then SIGKILLs.
 * Exit 0: all accepted; 1: one refused; 77: seccomp filters cannot be installed here.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cbpf.h"
#include "policy-random.h"

struct report {
	volatile int done;
	volatile int err;
};

/* 0 accepted, a negative errno refused, 1 no report (the child died first). */
static int try_install(const struct cbpf_prog *prog, struct report *rep)
{
	struct timespec ms = { 0, 1000000 };
	pid_t pid;
	int status, waited = 0;

	rep->done = 0;
	rep->err = 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int err = cbpf_seccomp_install(prog, 0, NULL, NULL);

		rep->err = err;
		rep->done = 1;
		/* exit_group may be refused by the filter itself: spin until the parent kills */
		syscall(SYS_exit_group, 0);
		for (;;)
			;
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (++waited > 5000 || (rep->done && waited > 100)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&ms, NULL);
	}
	return rep->done ? rep->err : 1;
}

static int install_one(const char *name, const struct cbpf_prog *prog, struct report *rep)
{
	int err = try_install(prog, rep);

	if (err)
		printf("FAIL %s: the kernel refused the filter (%s)\n", name,
		       err < 0 ? strerror(-err) : "the child died before reporting");
	return err != 0;
}

int main(int argc, char **argv)
{
	struct report *rep =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct cbpf_insn allow = { CBPF_RET | CBPF_K, 0, 0, CBPF_SECCOMP_RET_ALLOW };
	struct cbpf_prog *probe = cbpf_prog_new(&allow, 1);
	size_t n = 0, insns = 0;
	int err, failed = 0;

	if (rep == MAP_FAILED || !probe)
		return 1;
	err = try_install(probe, rep);
	cbpf_prog_free(probe);
	if (err) {
		printf("skipped: seccomp filters cannot be installed here (%s)\n",
		       err < 0 ? strerror(-err) : "the child died");
		return 77;
	}
	/* --random N: that many random policies first */
	if (argc > 2 && !strcmp(argv[1], "--random")) {
		unsigned count = (unsigned)strtoul(argv[2], NULL, 0);

		for (unsigned i = 0; i < count; i++) {
			enum cbpf_arch arches[CBPF_ARCH_COUNT];
			size_t na;
			char *src =
				i % 2 ? random_text() : random_json(arches, &na, i % 4 == 0, false);
			struct cbpf_policy_opts opts = { .host = CBPF_ARCH_X86_64,
							 .kernel = "6.1",
							 .lenient = true };
			struct cbpf_prog *prog;
			char name[48];

			snprintf(name, sizeof(name), "random policy #%u", i);
			if (cbpf_policy_compile(src, strlen(src), &opts, &prog, NULL)) {
				printf("FAIL %s: does not compile\n", name);
				failed++;
			} else {
				failed += install_one(name, prog, rep);
				n++;
				insns += cbpf_prog_len(prog);
				cbpf_prog_free(prog);
			}
			free(src);
		}
		argv += 2;
		argc -= 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *path = argv[i];
		struct cbpf_policy_opts opts = { .lenient = strstr(path, ".policy") != NULL };
		struct cbpf_diags diags = { 0 };
		struct cbpf_prog *prog;

		if (cbpf_policy_compile_file(path, &opts, &prog, &diags)) {
			cbpf_diags_print(stderr, &diags, NULL, 0, NULL);
			cbpf_diags_free(&diags);
			failed++;
			continue;
		}
		cbpf_diags_free(&diags);
		failed += install_one(path, prog, rep);
		n++;
		insns += cbpf_prog_len(prog);
		cbpf_prog_free(prog);
	}
	if (failed) {
		printf("%d of %zu filters refused\n", failed, n);
		return 1;
	}
	printf("%zu filters (%zu instructions): the kernel accepted every one\n", n, insns);
	return 0;
}
