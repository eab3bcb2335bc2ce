// SPDX-License-Identifier: MIT
/* Architectures, syscall name <-> number lookups over the generated tables, errno names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbpf/policy.h"
#include "seccomp/systab.h"

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

static const char *const col_names[SYSTAB_COLS] = {
	[SYSTAB_X86_64] = "x86_64",
	[SYSTAB_I386] = "i386",
	[SYSTAB_X32] = "x32",
	[SYSTAB_AARCH64] = "aarch64",
	[SYSTAB_ARM] = "arm",
	[SYSTAB_RISCV64] = "riscv64",
	[SYSTAB_PPC64LE] = "ppc64le",
	[SYSTAB_S390X] = "s390x",
	[SYSTAB_LOONGARCH64] = "loongarch64",
	[SYSTAB_MIPS] = "mips",
	[SYSTAB_MIPSEL] = "mipsel",
	[SYSTAB_MIPS64] = "mips64",
	[SYSTAB_MIPS64EL] = "mips64el",
};

int systab_col(enum cbpf_arch arch)
{
	return arch_info(arch) ? (int)arch - 1 : -1;
}

const char *systab_col_name(int col)
{
	return col >= 0 && col < SYSTAB_COLS ? col_names[col] : NULL;
}

int systab_col_parse(const char *name)
{
	for (int c = 0; c < SYSTAB_COLS; c++)
		if (!strcmp(name, col_names[c]))
			return c;
	return -1;
}

static int entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct systab_entry *)elem)->name);
}

static const struct systab_entry *systab_find(const char *name)
{
	return bsearch(name, systab_entries, systab_count, sizeof(systab_entries[0]), entry_cmp);
}

int systab_nr(int col, const char *name, uint32_t *nr)
{
	const struct systab_entry *e = systab_find(name);

	if (col < 0 || col >= SYSTAB_COLS || !e || e->nr[col] < 0)
		return -ENOENT;
	*nr = (uint32_t)e->nr[col];
	return 0;
}

int cbpf_syscall_nr(enum cbpf_arch arch, const char *name, uint32_t *nr)
{
	int col = systab_col(arch);

	if (col < 0)
		return -EINVAL;
	if (systab_nr(col, name, nr))
		return -ENOENT;
	*nr |= arch == CBPF_ARCH_X32 ? CBPF_X32_SYSCALL_BIT : 0;
	return 0;
}

const char *cbpf_syscall_name(enum cbpf_arch arch, uint32_t nr)
{
	int col = systab_col(arch);

	if (col < 0)
		return NULL;
	if (arch == CBPF_ARCH_X32) {
		if (!(nr & CBPF_X32_SYSCALL_BIT))
			return NULL;
		nr &= ~CBPF_X32_SYSCALL_BIT;
	}
	if (nr > INT32_MAX)
		return NULL;
	/* Aliases share a number (arm's sync_file_range2): the first name in order wins. */
	for (size_t i = 0; i < systab_count; i++)
		if (systab_entries[i].nr[col] == (int32_t)nr)
			return systab_entries[i].name;
	return NULL;
}

bool cbpf_syscall_exists(const char *name)
{
	return systab_find(name) != NULL;
}

size_t cbpf_syscall_count(void)
{
	return systab_count;
}

const char *cbpf_syscall_at(size_t i)
{
	return i < systab_count ? systab_entries[i].name : NULL;
}

/* include/uapi/asm-generic/errno-base.h and errno.h: the same numbers on all five arches. */
static const char *const errno_names[] = {
	[1] = "EPERM",
	[2] = "ENOENT",
	[3] = "ESRCH",
	[4] = "EINTR",
	[5] = "EIO",
	[6] = "ENXIO",
	[7] = "E2BIG",
	[8] = "ENOEXEC",
	[9] = "EBADF",
	[10] = "ECHILD",
	[11] = "EAGAIN",
	[12] = "ENOMEM",
	[13] = "EACCES",
	[14] = "EFAULT",
	[15] = "ENOTBLK",
	[16] = "EBUSY",
	[17] = "EEXIST",
	[18] = "EXDEV",
	[19] = "ENODEV",
	[20] = "ENOTDIR",
	[21] = "EISDIR",
	[22] = "EINVAL",
	[23] = "ENFILE",
	[24] = "EMFILE",
	[25] = "ENOTTY",
	[26] = "ETXTBSY",
	[27] = "EFBIG",
	[28] = "ENOSPC",
	[29] = "ESPIPE",
	[30] = "EROFS",
	[31] = "EMLINK",
	[32] = "EPIPE",
	[33] = "EDOM",
	[34] = "ERANGE",
	[35] = "EDEADLK",
	[36] = "ENAMETOOLONG",
	[37] = "ENOLCK",
	[38] = "ENOSYS",
	[39] = "ENOTEMPTY",
	[40] = "ELOOP",
	[42] = "ENOMSG",
	[43] = "EIDRM",
	[44] = "ECHRNG",
	[45] = "EL2NSYNC",
	[46] = "EL3HLT",
	[47] = "EL3RST",
	[48] = "ELNRNG",
	[49] = "EUNATCH",
	[50] = "ENOCSI",
	[51] = "EL2HLT",
	[52] = "EBADE",
	[53] = "EBADR",
	[54] = "EXFULL",
	[55] = "ENOANO",
	[56] = "EBADRQC",
	[57] = "EBADSLT",
	[59] = "EBFONT",
	[60] = "ENOSTR",
	[61] = "ENODATA",
	[62] = "ETIME",
	[63] = "ENOSR",
	[64] = "ENONET",
	[65] = "ENOPKG",
	[66] = "EREMOTE",
	[67] = "ENOLINK",
	[68] = "EADV",
	[69] = "ESRMNT",
	[70] = "ECOMM",
	[71] = "EPROTO",
	[72] = "EMULTIHOP",
	[73] = "EDOTDOT",
	[74] = "EBADMSG",
	[75] = "EOVERFLOW",
	[76] = "ENOTUNIQ",
	[77] = "EBADFD",
	[78] = "EREMCHG",
	[79] = "ELIBACC",
	[80] = "ELIBBAD",
	[81] = "ELIBSCN",
	[82] = "ELIBMAX",
	[83] = "ELIBEXEC",
	[84] = "EILSEQ",
	[85] = "ERESTART",
	[86] = "ESTRPIPE",
	[87] = "EUSERS",
	[88] = "ENOTSOCK",
	[89] = "EDESTADDRREQ",
	[90] = "EMSGSIZE",
	[91] = "EPROTOTYPE",
	[92] = "ENOPROTOOPT",
	[93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT",
	[95] = "EOPNOTSUPP",
	[96] = "EPFNOSUPPORT",
	[97] = "EAFNOSUPPORT",
	[98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL",
	[100] = "ENETDOWN",
	[101] = "ENETUNREACH",
	[102] = "ENETRESET",
	[103] = "ECONNABORTED",
	[104] = "ECONNRESET",
	[105] = "ENOBUFS",
	[106] = "EISCONN",
	[107] = "ENOTCONN",
	[108] = "ESHUTDOWN",
	[109] = "ETOOMANYREFS",
	[110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED",
	[112] = "EHOSTDOWN",
	[113] = "EHOSTUNREACH",
	[114] = "EALREADY",
	[115] = "EINPROGRESS",
	[116] = "ESTALE",
	[117] = "EUCLEAN",
	[118] = "ENOTNAM",
	[119] = "ENAVAIL",
	[120] = "EISNAM",
	[121] = "EREMOTEIO",
	[122] = "EDQUOT",
	[123] = "ENOMEDIUM",
	[124] = "EMEDIUMTYPE",
	[125] = "ECANCELED",
	[126] = "ENOKEY",
	[127] = "EKEYEXPIRED",
	[128] = "EKEYREVOKED",
	[129] = "EKEYREJECTED",
	[130] = "EOWNERDEAD",
	[131] = "ENOTRECOVERABLE",
	[132] = "ERFKILL",
	[133] = "EHWPOISON",
};

/* Other names for the same numbers, accepted when parsing. */
static const struct {
	const char *name;
	int err;
} errno_aliases[] = {
	{ "EWOULDBLOCK", 11 },
	{ "EDEADLOCK", 35 },
	{ "ENOTSUP", 95 },
};

int cbpf_errno_parse(const char *name, int *out)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i] && !strcmp(name, errno_names[i])) {
			*out = (int)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(errno_aliases) / sizeof(errno_aliases[0]); i++)
		if (!strcmp(name, errno_aliases[i].name)) {
			*out = errno_aliases[i].err;
			return 0;
		}
	return -ENOENT;
}

const char *cbpf_errno_name(int err)
{
	if (err <= 0 || (size_t)err >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[err];
}
