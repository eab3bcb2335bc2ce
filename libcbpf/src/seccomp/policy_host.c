// SPDX-License-Identifier: MIT
/* What a profile is decided for: capabilities (and Docker's default set), kernel versions. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seccomp/policy_host.h"

/* include/uapi/linux/capability.h */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
	NULL,
};

/* moby oci/caps/defaults.go: DefaultCapabilities, what a container gets without --cap-add. */
static const char *const docker_default_caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
	NULL,
};

int cbpf_cap_parse(const char *name, int *cap)
{
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (int i = 0; cap_names[i]; i++)
		if (!strcasecmp(name, cap_names[i] + 4)) {
			if (cap)
				*cap = i;
			return 0;
		}
	return -ENOENT;
}

const char *policy_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= sizeof(cap_names) / sizeof(cap_names[0]))
		return NULL;
	return cap_names[cap];
}

bool policy_cap_known(const char *name)
{
	for (size_t k = 0; cap_names[k]; k++)
		if (!strcmp(name, cap_names[k]))
			return true;
	return false;
}

/*
 * Whether the container has the profile's capability cap. moby setupSeccomp looks it up in the
 * container's bounding set with slices.Contains, and Docker's capability lists hold only names
 * such as "CAP_SYS_ADMIN": another spelling ("SYS_ADMIN", "cap_sys_admin") or an unknown name
 * is never in it, not even with --cap-add ALL.
 */
bool policy_has_cap(const char *const *caps, const char *cap)
{
	const char *const *set = caps ? caps : docker_default_caps;
	int want, have;

	if (cbpf_cap_parse(cap, &want) || strcmp(cap, cap_names[want]))
		return false;
	for (size_t i = 0; set[i]; i++)
		if (!strcasecmp(set[i], "ALL") || (!cbpf_cap_parse(set[i], &have) && have == want))
			return true;
	return false;
}

/* Docker's names for the machine: Go's GOARCH mapped as profiles/seccomp does. */
static const char *const docker_arch_names[] = {
	"amd64",       "x86",	  "x32",	 "arm",	      "arm64",	  "mips",
	"mipsle",      "mipsel",  "mips64",	 "mips64n32", "mipsel64", "mips3l64n32",
	"mipsel64n32", "ppc",	  "ppc64",	 "ppc64le",   "s390",	  "s390x",
	"riscv64",     "loong64", "loongarch64", NULL,
};

bool policy_docker_arch_known(const char *name)
{
	for (size_t k = 0; docker_arch_names[k]; k++)
		if (!strcmp(name, docker_arch_names[k]))
			return true;
	return false;
}

/* "major.minor[.patch][-extra]" into major and minor. */
static bool parse_kernel(const char *s, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)*s))
		return false;
	a = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	b = strtoul(end + 1, &end, 10);
	if (*end && *end != '.' && *end != '-' && *end != '+' && *end != '_')
		return false;
	if (a > 0xffff || b > 0xffff)
		return false;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return true;
}

int cbpf_kernel_version_parse(const char *text, unsigned *major, unsigned *minor)
{
	unsigned a, b;

	if (!parse_kernel(text, &a, &b))
		return -EINVAL;
	if (major)
		*major = a;
	if (minor)
		*minor = b;
	return 0;
}
