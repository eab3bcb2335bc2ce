// SPDX-License-Identifier: MIT
/*
 * The verifier's log of a refused translation names the classic instruction of each line: a
 * socket translation of "ldh [12]; jeq #0x800; ret #-1; ret #0" whose first eBPF instruction
 * from classic (000) is made to read the stack above its frame, loaded with line info as
 * cbpf-xlate loads, must be refused with a log holding "; (000) ldh      [12]" above it.
 *
 * Usage: xlate-verifier-log    Exits 0, 1 on a failure, 77 when bpf(2) is not allowed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "ebpf/ebpf_prog.h"

static char logbuf[1 << 16];

int main(void)
{
	static const struct cbpf_insn classic[] = {
		{ CBPF_LD | CBPF_H | CBPF_ABS, 0, 0, 12 },
		{ CBPF_JMP | CBPF_JEQ | CBPF_K, 0, 1, 0x800 },
		{ CBPF_RET | CBPF_K, 0, 0, 0xffffffff },
		{ CBPF_RET | CBPF_K, 0, 0, 0 },
	};
	struct cbpf_load_opts lo = { .log_buf = logbuf,
				     .log_size = sizeof(logbuf),
				     .line_info = true,
				     .name = "cbpf_logtest" };
	struct cbpf_xlate_opts xo = { .target = CBPF_TARGET_SOCKET };
	struct cbpf_prog *prog = cbpf_prog_new(classic, sizeof(classic) / sizeof(classic[0]));
	struct cbpf_ebpf_prog *e = NULL, *bad = NULL;
	struct cbpf_ebpf_insn *insns = NULL;
	struct cbpf_diags d = { 0 };
	long *origin = NULL;
	int fd = -1, err, rc = 1;
	size_t n, at;

	if (!prog || cbpf_xlate(prog, &xo, &e, &d))
		goto out;
	n = cbpf_ebpf_prog_len(e);
	insns = malloc(n * sizeof(*insns));
	origin = malloc(n * sizeof(*origin));
	if (!insns || !origin)
		goto out;
	memcpy(insns, cbpf_ebpf_prog_insns(e), n * sizeof(*insns));
	for (at = n, n = 0; n < cbpf_ebpf_prog_len(e); n++) {
		origin[n] = cbpf_ebpf_prog_origin(e, n);
		if (origin[n] == 0 && at == cbpf_ebpf_prog_len(e))
			at = n;
	}
	if (at == n) {
		printf("FAIL no eBPF instruction comes from classic (000)\n");
		goto out;
	}
	/* r0 = *(u64 *)(r10 + 8): above the frame, which the verifier always refuses. */
	insns[at] = E_LDX(CBPF_EBPF_DW, 0, 10, 8);
	bad = ebpf_prog_adopt(insns, n, origin, CBPF_TARGET_SOCKET);
	insns = NULL;
	origin = NULL;
	if (!bad || !(bad->classic = cbpf_prog_dup(prog)))
		goto out;
	err = cbpf_ebpf_load(bad, &lo, &fd, &d);
	if (err == -EPERM) {
		printf("skipped: bpf(2) is not allowed here (run as root)\n");
		rc = 77;
		goto out;
	}
	if (!err) {
		printf("FAIL the verifier took a read above the stack frame\n");
		goto out;
	}
	if (!strstr(logbuf, "; (000) ldh      [12] @ cbpf_logtest:")) {
		printf("FAIL the verifier's log does not name classic (000):\n%s", logbuf);
		goto out;
	}
	printf("the verifier's log names the classic instruction of the line it refused\n");
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	cbpf_diags_free(&d);
	cbpf_ebpf_prog_free(bad);
	cbpf_ebpf_prog_free(e);
	cbpf_prog_free(prog);
	free(insns);
	free(origin);
	return rc;
}
