// SPDX-License-Identifier: MIT
/* The architectures filters are generated for: names and aliases, AUDIT_ARCH values, the host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cbpf/seccomp.h"

struct arch_info {
	const char *name;
	uint32_t audit;
	const char *aliases[4]; /* also accepted by cbpf_arch_parse, any case */
};

static const struct arch_info arch_infos[CBPF_ARCH_COUNT] = {
	{ "x86_64", CBPF_AUDIT_ARCH_X86_64, { "amd64", "SCMP_ARCH_X86_64", "x86-64", NULL } },
	{ "i386", CBPF_AUDIT_ARCH_I386, { "x86", "386", "SCMP_ARCH_X86", "i686" } },
	{ "x32", CBPF_AUDIT_ARCH_X86_64, { "SCMP_ARCH_X32", NULL, NULL, NULL } },
	{ "aarch64", CBPF_AUDIT_ARCH_AARCH64, { "arm64", "SCMP_ARCH_AARCH64", NULL, NULL } },
	{ "arm", CBPF_AUDIT_ARCH_ARM, { "SCMP_ARCH_ARM", "armhf", "armel", NULL } },
	{ "riscv64", CBPF_AUDIT_ARCH_RISCV64, { "SCMP_ARCH_RISCV64", NULL, NULL, NULL } },
	{ "ppc64le", CBPF_AUDIT_ARCH_PPC64LE, { "SCMP_ARCH_PPC64LE", "powerpc64le", NULL, NULL } },
	{ "s390x", CBPF_AUDIT_ARCH_S390X, { "SCMP_ARCH_S390X", NULL, NULL, NULL } },
	{ "loongarch64", CBPF_AUDIT_ARCH_LOONGARCH64, { "SCMP_ARCH_LOONGARCH64", "loong64" } },
	{ "mips", CBPF_AUDIT_ARCH_MIPS, { "SCMP_ARCH_MIPS", NULL, NULL, NULL } },
	{ "mipsel", CBPF_AUDIT_ARCH_MIPSEL, { "SCMP_ARCH_MIPSEL", "mipsle", NULL, NULL } },
	{ "mips64", CBPF_AUDIT_ARCH_MIPS64, { "SCMP_ARCH_MIPS64", NULL, NULL, NULL } },
	/* libseccomp and Docker say mipsel64, Go mips64le, Debian and the kernel mips64el */
	{ "mips64el", CBPF_AUDIT_ARCH_MIPS64EL, { "SCMP_ARCH_MIPSEL64", "mipsel64", "mips64le" } },
};

static const struct arch_info *arch_info(enum cbpf_arch arch)
{
	if (arch < CBPF_ARCH_X86_64 || arch > CBPF_ARCH_MIPS64EL)
		return NULL;
	return &arch_infos[arch - 1];
}

const char *cbpf_arch_name(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	return ai ? ai->name : NULL;
}

int cbpf_arch_parse(const char *name, enum cbpf_arch *out)
{
	for (int a = 0; a < CBPF_ARCH_COUNT; a++) {
		const struct arch_info *ai = &arch_infos[a];
		bool match = !strcasecmp(name, ai->name);

		for (int i = 0; !match && i < 4 && ai->aliases[i]; i++)
			match = !strcasecmp(name, ai->aliases[i]);
		if (match) {
			*out = (enum cbpf_arch)(a + 1);
			return 0;
		}
	}
	return -ENOENT;
}

uint32_t cbpf_arch_audit(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	return ai ? ai->audit : 0;
}

const char *cbpf_arch_scmp_name(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	for (int i = 0; ai && i < 4 && ai->aliases[i]; i++)
		if (!strncmp(ai->aliases[i], "SCMP_ARCH_", 10))
			return ai->aliases[i];
	return NULL;
}

enum cbpf_arch cbpf_arch_of_audit(uint32_t audit, enum cbpf_arch prefer)
{
	if (cbpf_arch_audit(prefer) == audit)
		return prefer;
	for (int a = 0; a < CBPF_ARCH_COUNT; a++)
		if (arch_infos[a].audit == audit)
			return (enum cbpf_arch)(a + 1);
	return CBPF_ARCH_NONE;
}

size_t cbpf_arch_names(char *buf, size_t size, const char *sep, bool with_x32)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (int a = 0; a < CBPF_ARCH_COUNT; a++) {
		if (a + 1 == CBPF_ARCH_X32 && !with_x32)
			continue;
		int k = snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, "%s%s",
				 n ? sep : "", arch_infos[a].name);

		n += k > 0 ? (size_t)k : 0;
	}
	return n;
}

enum cbpf_arch cbpf_arch_native(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return CBPF_ARCH_X32;
#elif defined(__x86_64__)
	return CBPF_ARCH_X86_64;
#elif defined(__i386__)
	return CBPF_ARCH_I386;
#elif defined(__aarch64__)
	return CBPF_ARCH_AARCH64;
#elif defined(__arm__)
	return CBPF_ARCH_ARM;
#elif defined(__riscv) && __riscv_xlen == 64
	return CBPF_ARCH_RISCV64;
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return CBPF_ARCH_PPC64LE;
#elif defined(__s390x__)
	return CBPF_ARCH_S390X;
#elif defined(__loongarch64)
	return CBPF_ARCH_LOONGARCH64;
#elif defined(__mips__) && defined(_ABIO32) && _MIPS_SIM == _ABIO32
#if defined(__MIPSEB__)
	return CBPF_ARCH_MIPS;
#else
	return CBPF_ARCH_MIPSEL;
#endif
#elif defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64
#if defined(__MIPSEB__)
	return CBPF_ARCH_MIPS64;
#else
	return CBPF_ARCH_MIPS64EL;
#endif
#else
	return CBPF_ARCH_NONE;
#endif
}
