// SPDX-License-Identifier: MIT
/*
 * Test tool: cbpf's syscall tables against libseccomp's resolver, for every name and every
 * architecture, both ways: the first five, then riscv64, ppc64le, s390x, the mips ABIs (o32,
 * n64, n32), ppc, s390, and loongarch64 where libseccomp knows it (2.6), through cbpf_syscall_nr
 * and cbpf_syscall_name.
 * Differences are listed with their reason; a difference no known reason explains fails.
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"
#include "policy-libseccomp.h"
#include "seccomp/systab.h"

static size_t explained, unexplained;

static void diff(enum cbpf_arch a, const char *name, const char *ours, const char *theirs,
		 const char *why)
{
	printf("  %-8s %-24s cbpf %-12s libseccomp %-12s %s\n", cbpf_arch_name(a), name, ours,
	       theirs, why ? why : "UNEXPLAINED");
	if (why)
		explained++;
	else
		unexplained++;
}

/* Why libseccomp may lack a name cbpf has. */
static const char *why_missing(enum cbpf_arch a, const char *name, uint32_t nr, int theirs)
{
	uint32_t base = nr & ~CBPF_X32_SYSCALL_BIT;

	if (a == CBPF_ARCH_I386 && theirs <= -100 && theirs > -300)
		return "libseccomp: multiplexed through socketcall(2)/ipc(2) on i386";
	if (base >= 451 || !strcmp(name, "uretprobe"))
		return "newer than libseccomp's table (Linux 6.6 and later)";
	if (!strcmp(name, "sync_file_range2") && a == CBPF_ARCH_ARM)
		return "arm's uapi alias of arm_sync_file_range";
	return NULL;
}

static void col_diff(int col, const char *name, const char *ours, const char *theirs,
		     const char *why)
{
	printf("  %-8s %-24s cbpf %-12s libseccomp %-12s %s\n", systab_col_name(col), name, ours,
	       theirs, why ? why : "UNEXPLAINED");
	if (why)
		explained++;
	else
		unexplained++;
}

static int col_base(int col);

/* Why libseccomp may lack a number the table has, on the new columns. */
static const char *col_why_missing(int col, const char *name, uint32_t nr, int theirs)
{
	uint32_t base = (uint32_t)col_base(col);

	if (theirs <= -100 && theirs > -300 && col != SYSTAB_RISCV64)
		return "libseccomp: multiplexed through socketcall(2)/ipc(2) there";
	if (nr - base >= 451 || !strcmp(name, "uretprobe"))
		return "newer than libseccomp's table (Linux 6.6 and later)";
	if (!strcmp(name, "riscv_hwprobe"))
		return "newer than libseccomp's table (Linux 6.4)";
	return NULL;
}

/* The numbers of a column: mips' start at the ABI's base (libseccomp also resolves the
 * numbers without it, which seccomp_data.nr never carries there). */
static int col_base(int col)
{
	return col == SYSTAB_MIPS || col == SYSTAB_MIPSEL	  ? 4000
	       : col == SYSTAB_MIPS64 || col == SYSTAB_MIPS64EL	  ? 5000
	       : col == SYSTAB_MIPSN32 || col == SYSTAB_MIPSN32EL ? 6000
								  : 0;
}

/* Name to number and back for the architectures after arm, whose numbers need no x32 bit. */
static size_t check_new_columns(void)
{
	size_t equal = 0, names = cbpf_syscall_count();
	char o[32], t[32];

	for (enum cbpf_arch a = CBPF_ARCH_RISCV64; a <= CBPF_ARCH_S390; a++) {
		int col = systab_col(a);
		uint32_t scmp = lsc_arch(a);

		if (!scmp) {
			printf("  %s: libseccomp %u.%u has no table for it, not compared\n",
			       cbpf_arch_name(a), seccomp_version()->major,
			       seccomp_version()->minor);
			continue;
		}
		for (size_t i = 0; i < names; i++) {
			const char *name = cbpf_syscall_at(i);
			uint32_t nr;
			bool have = !cbpf_syscall_nr(a, name, &nr);
			int theirs = seccomp_syscall_resolve_name_arch(scmp, name);

			if (have && theirs >= 0 && (uint32_t)theirs == nr) {
				equal++;
				continue;
			}
			if (!have && theirs < 0)
				continue;
			snprintf(o, sizeof(o), have ? "%u" : "-", nr);
			snprintf(t, sizeof(t), "%d", theirs);
			col_diff(col, name, o, t,
				 have && theirs < 0 ? col_why_missing(col, name, nr, theirs)
						    : NULL);
		}
		for (int nr = col_base(col); nr < col_base(col) + 1200; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(scmp, nr);
			uint32_t ours;

			if (!name)
				continue;
			if (cbpf_syscall_nr(a, name, &ours) || ours != (uint32_t)nr) {
				snprintf(t, sizeof(t), "%d", nr);
				col_diff(col, name, "-", t, NULL);
			} else if (!cbpf_syscall_name(a, (uint32_t)nr)) {
				snprintf(t, sizeof(t), "%d", nr);
				col_diff(col, name, "no name", t, NULL);
			}
			free(name);
		}
	}
	return equal;
}

int main(void)
{
	size_t equal = 0, names = cbpf_syscall_count();
	char o[32], t[32];

	printf("libseccomp %u.%u.%u against %zu names in libcbpf/data/syscalls.csv\n",
	       seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro, names);
	for (enum cbpf_arch a = CBPF_ARCH_X86_64; a <= CBPF_ARCH_ARM; a++) {
		uint32_t lo = 0, hi = 1200;

		/* name -> number */
		for (size_t i = 0; i < names; i++) {
			const char *name = cbpf_syscall_at(i);
			uint32_t nr;
			bool have = !cbpf_syscall_nr(a, name, &nr);
			int theirs = seccomp_syscall_resolve_name_arch(lsc_arch(a), name);

			if (have && theirs >= 0 && (uint32_t)theirs == nr) {
				equal++;
				continue;
			}
			if (!have && theirs < 0)
				continue;
			snprintf(o, sizeof(o), have ? "%#x" : "-", nr);
			snprintf(t, sizeof(t), "%d", theirs);
			diff(a, name, o, t,
			     have && theirs < 0 ? why_missing(a, name, nr, theirs) : NULL);
		}
		/* number -> name: every name libseccomp gives must be ours too */
		if (a == CBPF_ARCH_X32)
			lo = CBPF_X32_SYSCALL_BIT, hi = CBPF_X32_SYSCALL_BIT + 1200;
		for (uint32_t nr = lo; nr <= hi || (a == CBPF_ARCH_ARM && nr <= 0xf0100); nr++) {
			char *name;
			uint32_t ours;

			if (a == CBPF_ARCH_ARM && nr == hi + 1)
				nr = 0xf0000;
			name = seccomp_syscall_resolve_num_arch(lsc_arch(a), (int)nr);
			if (!name)
				continue;
			if (cbpf_syscall_nr(a, name, &ours) || ours != nr) {
				snprintf(t, sizeof(t), "%#x", nr);
				diff(a, name, "-", t, NULL);
			}
			free(name);
		}
	}
	equal += check_new_columns();
	if (unexplained) {
		printf("%zu unexplained differences\n", unexplained);
		return 1;
	}
	printf("%zu (name, arch) pairs equal libseccomp's; %zu differences, all libseccomp's own "
	       "(listed above)\n",
	       equal, explained);
	return 0;
}
