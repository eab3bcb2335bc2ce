// SPDX-License-Identifier: MIT
/* Executable memory, W^X: mapped read-write, written, then made read-execute, never both. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/jit_int.h"

static size_t page_round(size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t p = page > 0 ? (size_t)page : 4096;

	return (size + p - 1) / p * p;
}

void *jit_exec_map(const void *code, size_t size, int *err, int *sys_errno)
{
	size_t n = page_round(size ? size : 1);
	void *mem = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		*sys_errno = errno;
		*err = errno == ENOMEM ? -ENOMEM : -EPERM;
		return NULL;
	}
	memcpy(mem, code, size);
	/* The rest of the last page traps (int3) if anything ever jumped there. */
	memset((char *)mem + size, 0xcc, n - size);
	/*
	 * This is where SELinux's execmem, PaX's MPROTECT or a seccomp policy refuse: EACCES or
	 * EPERM, or whatever errno a policy chose. x86 needs no instruction cache flush.
	 */
	if (mprotect(mem, n, PROT_READ | PROT_EXEC)) {
		*sys_errno = errno;
		*err = errno == ENOMEM ? -ENOMEM : -EPERM;
		munmap(mem, n);
		return NULL;
	}
	return mem;
}

void jit_exec_unmap(void *mem, size_t size)
{
	if (mem)
		munmap(mem, page_round(size ? size : 1));
}
