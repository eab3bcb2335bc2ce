// SPDX-License-Identifier: MIT
/* Seccomp actions by name: allow, errno(N), kill_process, SCMP_ACT_*; and their names. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf/seccomp.h"

struct action_name {
	const char *name;
	uint32_t action;
	int data; /* 0: none; 1: optional number (errno defaults to EPERM, trace to 0) */
};

static const struct action_name action_names[] = {
	{ "allow", CBPF_SECCOMP_RET_ALLOW, 0 },
	{ "log", CBPF_SECCOMP_RET_LOG, 0 },
	{ "trap", CBPF_SECCOMP_RET_TRAP, 1 },
	{ "kill_process", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "kill_thread", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "kill", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "user_notif", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "user_notify", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "notify", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "errno", CBPF_SECCOMP_RET_ERRNO, 1 },
	{ "trace", CBPF_SECCOMP_RET_TRACE, 1 },
	/* libseccomp's names; SCMP_ACT_KILL is the thread (and Docker and runc keep it so). */
	{ "SCMP_ACT_ALLOW", CBPF_SECCOMP_RET_ALLOW, 0 },
	{ "SCMP_ACT_LOG", CBPF_SECCOMP_RET_LOG, 0 },
	{ "SCMP_ACT_TRAP", CBPF_SECCOMP_RET_TRAP, 0 },
	{ "SCMP_ACT_KILL_PROCESS", CBPF_SECCOMP_RET_KILL_PROCESS, 0 },
	{ "SCMP_ACT_KILL_THREAD", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_KILL", CBPF_SECCOMP_RET_KILL_THREAD, 0 },
	{ "SCMP_ACT_NOTIFY", CBPF_SECCOMP_RET_USER_NOTIF, 0 },
	{ "SCMP_ACT_ERRNO", CBPF_SECCOMP_RET_ERRNO, 1 },
	{ "SCMP_ACT_TRACE", CBPF_SECCOMP_RET_TRACE, 1 },
};

/* A number (decimal, 0x hex, 0 octal) or an errno name, up to 0xffff. 0 or -EINVAL. */
static int parse_data(const char *s, size_t len, uint32_t *out)
{
	char buf[32];
	char *end;
	unsigned long long v;
	int err;

	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (isdigit((unsigned char)buf[0])) {
		errno = 0;
		v = strtoull(buf, &end, 0);
		if (errno || *end || v > 0xffff)
			return -EINVAL;
		*out = (uint32_t)v;
		return 0;
	}
	if (cbpf_errno_parse(buf, &err))
		return -EINVAL;
	*out = (uint32_t)err;
	return 0;
}

/* Compares a name with '-' and '_' equal, letters in any case. */
static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (tolower((unsigned char)x) != tolower((unsigned char)y))
			return false;
	}
	return i == alen && !b[i];
}

int cbpf_seccomp_action_parse(const char *text, uint32_t *out)
{
	const char *s = text, *open;
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	open = memchr(s, '(', len);
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		const struct action_name *an = &action_names[i];
		size_t nlen = open ? (size_t)(open - s) : len;
		uint32_t data = an->action == CBPF_SECCOMP_RET_ERRNO ? 1 : 0; /* EPERM */

		while (nlen && isspace((unsigned char)s[nlen - 1]))
			nlen--;
		if (!name_eq(s, nlen, an->name))
			continue;
		if (open) {
			if (!an->data || s[len - 1] != ')' ||
			    parse_data(open + 1, (size_t)(s + len - 1 - open - 1), &data))
				return -EINVAL;
		}
		*out = an->action | data;
		return 0;
	}
	return -EINVAL;
}

int cbpf_seccomp_action_format(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & CBPF_SECCOMP_RET_DATA;

	switch (action & CBPF_SECCOMP_RET_ACTION_FULL) {
	case CBPF_SECCOMP_RET_ERRNO:
		return snprintf(buf, size, "errno(%" PRIu32 ")", data);
	case CBPF_SECCOMP_RET_TRACE:
		return snprintf(buf, size, "trace(%" PRIu32 ")", data);
	case CBPF_SECCOMP_RET_TRAP:
		if (data)
			return snprintf(buf, size, "trap(%" PRIu32 ")", data);
		return snprintf(buf, size, "trap");
	case CBPF_SECCOMP_RET_ALLOW:
		if (!data)
			return snprintf(buf, size, "allow");
		break;
	case CBPF_SECCOMP_RET_LOG:
		if (!data)
			return snprintf(buf, size, "log");
		break;
	case CBPF_SECCOMP_RET_KILL_PROCESS:
		if (!data)
			return snprintf(buf, size, "kill_process");
		break;
	case CBPF_SECCOMP_RET_KILL_THREAD:
		if (!data)
			return snprintf(buf, size, "kill_thread");
		break;
	case CBPF_SECCOMP_RET_USER_NOTIF:
		if (!data)
			return snprintf(buf, size, "user_notif");
		break;
	default:
		break;
	}
	return snprintf(buf, size, "0x%08" PRIx32, action);
}
