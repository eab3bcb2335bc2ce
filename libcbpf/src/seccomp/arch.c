// SPDX-License-Identifier: MIT
/* The architectures filters are generated for: names and aliases, AUDIT_ARCH values, the host. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "seccomp/arch.h"

/* include/uapi/linux/audit.h: the flags an AUDIT_ARCH_* value adds to the ELF machine. */
#define AUDIT_ARCH_64BIT 0x80000000U
#define AUDIT_ARCH_LE	 0x40000000U

struct arch_info {
	const char *name;
	uint32_t audit;
	/* libseccomp's arch tables: ARCH_SIZE_32, arguments compared on their low 32 bits (x32
	 * and mips n32 too, whose AUDIT_ARCH says 64-bit) */
	bool args32;
	const char *docker;	/* moby profiles/seccomp: its name for runtime.GOARCH, or NULL */
	const char *aliases[4]; /* also accepted by cbpf_arch_parse, any case */
};

static const struct arch_info arch_infos[CBPF_ARCH_COUNT] = {
	{ "x86_64",
	  CBPF_AUDIT_ARCH_X86_64,
	  false,
	  "amd64",
	  { "amd64", "SCMP_ARCH_X86_64", "x86-64", NULL } },
	{ "i386", CBPF_AUDIT_ARCH_I386, true, "x86", { "x86", "386", "SCMP_ARCH_X86", "i686" } },
	/* x32 is not a Go architecture: Docker's archMap has no entry */
	{ "x32", CBPF_AUDIT_ARCH_X86_64, true, NULL, { "SCMP_ARCH_X32", NULL, NULL, NULL } },
	{ "aarch64",
	  CBPF_AUDIT_ARCH_AARCH64,
	  false,
	  "arm64",
	  { "arm64", "SCMP_ARCH_AARCH64", NULL, NULL } },
	{ "arm", CBPF_AUDIT_ARCH_ARM, true, "arm", { "SCMP_ARCH_ARM", "armhf", "armel", NULL } },
	{ "riscv64",
	  CBPF_AUDIT_ARCH_RISCV64,
	  false,
	  "riscv64",
	  { "SCMP_ARCH_RISCV64", NULL, NULL, NULL } },
	{ "ppc64le",
	  CBPF_AUDIT_ARCH_PPC64LE,
	  false,
	  "ppc64le",
	  { "SCMP_ARCH_PPC64LE", "powerpc64le", NULL, NULL } },
	{ "s390x", CBPF_AUDIT_ARCH_S390X, false, "s390x", { "SCMP_ARCH_S390X", NULL, NULL, NULL } },
	{ "loongarch64",
	  CBPF_AUDIT_ARCH_LOONGARCH64,
	  false,
	  "loong64",
	  { "SCMP_ARCH_LOONGARCH64", "loong64" } },
	{ "mips", CBPF_AUDIT_ARCH_MIPS, true, "mips", { "SCMP_ARCH_MIPS", NULL, NULL, NULL } },
	{ "mipsel",
	  CBPF_AUDIT_ARCH_MIPSEL,
	  true,
	  "mipsel",
	  { "SCMP_ARCH_MIPSEL", "mipsle", NULL, NULL } },
	{ "mips64",
	  CBPF_AUDIT_ARCH_MIPS64,
	  false,
	  "mips64",
	  { "SCMP_ARCH_MIPS64", NULL, NULL, NULL } },
	/* libseccomp and Docker say mipsel64, Go mips64le, Debian and the kernel mips64el */
	{ "mips64el",
	  CBPF_AUDIT_ARCH_MIPS64EL,
	  false,
	  "mipsel64",
	  { "SCMP_ARCH_MIPSEL64", "mipsel64", "mips64le" } },
	/* n32 (Debian's mipsn32, mipsn32el): libseccomp and Docker say mips64n32, mipsel64n32 */
	{ "mipsn32",
	  CBPF_AUDIT_ARCH_MIPS64N32,
	  true,
	  "mips64n32",
	  { "SCMP_ARCH_MIPS64N32", "mips64n32", NULL, NULL } },
	{ "mipsn32el",
	  CBPF_AUDIT_ARCH_MIPSEL64N32,
	  true,
	  "mipsel64n32",
	  { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mips64eln32", NULL } },
	{ "ppc", CBPF_AUDIT_ARCH_PPC, true, "ppc", { "SCMP_ARCH_PPC", "powerpc", NULL, NULL } },
	{ "s390", CBPF_AUDIT_ARCH_S390, true, "s390", { "SCMP_ARCH_S390", NULL, NULL, NULL } },
};

static const struct arch_info *arch_info(enum cbpf_arch arch)
{
	if (arch < CBPF_ARCH_X86_64 || arch > CBPF_ARCH_S390)
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

const char *arch_docker_name(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	return ai && ai->docker ? ai->docker : "";
}

bool arch_args32(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	return ai && ai->args32;
}

bool arch_big_endian(enum cbpf_arch arch)
{
	const struct arch_info *ai = arch_info(arch);

	return ai && !(ai->audit & AUDIT_ARCH_LE);
}

void arch_audit_layout(uint32_t audit, enum cbpf_arch prefer, bool *is64, bool *le)
{
	enum cbpf_arch arch = cbpf_arch_of_audit(audit, prefer);

	*is64 = arch ? !arch_args32(arch) : (audit & AUDIT_ARCH_64BIT) != 0;
	*le = (audit & AUDIT_ARCH_LE) != 0;
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
#elif defined(__mips__) && defined(_ABIN32) && _MIPS_SIM == _ABIN32
#if defined(__MIPSEB__)
	return CBPF_ARCH_MIPSN32;
#else
	return CBPF_ARCH_MIPSN32EL;
#endif
#elif defined(__powerpc__) && !defined(__powerpc64__)
	return CBPF_ARCH_PPC;
#elif defined(__s390__) && !defined(__s390x__)
	return CBPF_ARCH_S390;
#else
	return CBPF_ARCH_NONE;
#endif
}
