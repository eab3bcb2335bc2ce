// SPDX-License-Identifier: MIT
/* tc and XDP actions by name (TC_ACT_*, XDP_*), what translations return for match and nomatch. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "cbpf/xlate.h"

struct action {
	const char *name;
	int32_t value;
};

static const struct action tc_actions[] = {
	{ "unspec", TC_ACT_UNSPEC },
	{ "ok", TC_ACT_OK },
	{ "reclassify", TC_ACT_RECLASSIFY },
	{ "shot", TC_ACT_SHOT },
	{ "pipe", TC_ACT_PIPE },
	{ "stolen", TC_ACT_STOLEN },
	{ "queued", TC_ACT_QUEUED },
	{ "repeat", TC_ACT_REPEAT },
	{ "redirect", TC_ACT_REDIRECT },
	{ "trap", TC_ACT_TRAP },
};

static const struct action xdp_actions[] = {
	{ "aborted", XDP_ABORTED }, { "drop", XDP_DROP },	  { "pass", XDP_PASS },
	{ "tx", XDP_TX },	    { "redirect", XDP_REDIRECT },
};

static const struct action *actions_of(enum cbpf_target target, size_t *n)
{
	if (target == CBPF_TARGET_TC) {
		*n = sizeof(tc_actions) / sizeof(tc_actions[0]);
		return tc_actions;
	}
	if (target == CBPF_TARGET_XDP) {
		*n = sizeof(xdp_actions) / sizeof(xdp_actions[0]);
		return xdp_actions;
	}
	*n = 0;
	return NULL;
}

int cbpf_xlate_action_parse(enum cbpf_target target, const char *name, int32_t *out)
{
	size_t n;
	const struct action *t = actions_of(target, &n);
	char *end;
	long long v;

	if (!t)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(name, t[i].name)) {
			*out = t[i].value;
			return 0;
		}
	/* Any 32-bit number as C writes it: 7, 0x7, 07, -1, 4294967295 (the same as -1). */
	errno = 0;
	v = strtoll(name, &end, 0);
	if (!*name || *name == ' ' || *name == '\t' || *end || errno || v < INT32_MIN ||
	    v > UINT32_MAX)
		return -ENOENT;
	*out = (int32_t)(uint32_t)v;
	return 0;
}

const char *cbpf_xlate_action_name(enum cbpf_target target, int32_t value)
{
	size_t n;
	const struct action *t = actions_of(target, &n);

	for (size_t i = 0; t && i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}
