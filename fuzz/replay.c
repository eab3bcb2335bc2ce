// SPDX-License-Identifier: MIT
/* Fuzz target: traces (strace, audit, recordings) read and replayed through a fixed policy. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char policy_src[] =
		"read: 1\nsocket: arg0 == AF_UNIX || arg0 == AF_INET6\n"
		"ioctl: arg1 == TCGETS; return ENOTTY\nmkdir: return EPERM\n";
	static const enum cbpf_arch arches[] = { CBPF_ARCH_X86_64, CBPF_ARCH_I386 };
	struct cbpf_policy_opts popts = { .arches = arches, .n_arches = 2, .no_includes = true };
	/* the first byte picks the reader, so that each is reached without its marker */
	struct cbpf_replay_opts ropts = { .form = size ? data[0] % 4 : CBPF_TRACE_AUTO };
	struct cbpf_diags diags = { 0 };
	struct cbpf_policy *pol = NULL;
	struct cbpf_prog *prog = NULL;
	struct cbpf_replay *r = NULL;
	FILE *null = fopen("/dev/null", "w");

	if (size)
		data++, size--;
	if (!cbpf_policy_parse(policy_src, sizeof(policy_src) - 1, &popts, &pol, &diags) &&
	    !cbpf_policy_gen(pol, &popts, &prog, &diags)) {
		ropts.policy = pol;
		if (!cbpf_replay_run(prog, (const char *)data, size, &ropts, &r, &diags) && null)
			cbpf_replay_write(null, r);
	}
	if (null)
		fclose(null);
	cbpf_replay_free(r);
	cbpf_prog_free(prog);
	cbpf_policy_free(pol);
	cbpf_diags_free(&diags);
	return 0;
}
