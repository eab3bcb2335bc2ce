// SPDX-License-Identifier: MIT
/* The architectures filters are generated for: names and aliases, AUDIT_ARCH values, the host. */
#include <errno.h>
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
};

static const struct arch_info *arch_info(enum cbpf_arch arch)
{
	if (arch < CBPF_ARCH_X86_64 || arch > CBPF_ARCH_ARM)
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
#else
	return CBPF_ARCH_NONE;
#endif
}
