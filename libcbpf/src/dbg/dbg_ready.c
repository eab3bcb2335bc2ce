// SPDX-License-Identifier: MIT
/* What a debugger command needs before it can act: a program, an input, a capture. */
#include <stdarg.h>

#include "dbg/dbg_int.h"
#include "util/diag_int.h"

static bool refuse(struct cbpf_diags *diags, const char *fmt, ...) CBPF_PRINTF(2, 3);
static bool refuse(struct cbpf_diags *diags, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, fmt, ap);
	va_end(ap);
	return false;
}

bool cbpf_dbg_ready(const struct cbpf_dbg *dbg, unsigned needs, const char *what,
		    struct cbpf_diags *diags)
{
	bool packets = needs & CBPF_DBG_NEED_PACKET ||
		       (needs & CBPF_DBG_NEED_INPUT && dbg->mode != CBPF_VM_SECCOMP);

	/* tools/bpf/bpf_dbg.c's words, where it has them. */
	if ((needs & (CBPF_DBG_NEED_PROG | CBPF_DBG_NEED_INPUT)) && !dbg->prog)
		return refuse(diags, "no bpf program loaded!");
	if ((needs & CBPF_DBG_NEED_SOCKET) && dbg->mode == CBPF_VM_SECCOMP)
		return refuse(diags, "%s runs over a capture; a seccomp filter runs on one input "
				     "(syscall, arch)", what);
	if (packets && !dbg->have_pkt && dbg->path)
		return refuse(diags, "%s holds no packets", dbg->path);
	if ((needs & CBPF_DBG_NEED_CAPTURE || (packets && !dbg->have_pkt)) && !dbg->path)
		return refuse(diags, "no pcap file loaded!");
	return true;
}
