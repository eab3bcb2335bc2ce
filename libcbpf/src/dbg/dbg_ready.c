// SPDX-License-Identifier: MIT
/* What a debugger command needs before it can act: a program, an input, a capture. */
#include "dbg/dbg_int.h"

bool cbpf_dbg_ready(const struct cbpf_dbg *dbg, unsigned needs, const char *what,
		    struct cbpf_diags *diags)
{
	bool packets = needs & CBPF_DBG_NEED_PACKET ||
		       (needs & CBPF_DBG_NEED_INPUT && dbg->mode != CBPF_VM_SECCOMP);

	/* tools/bpf/bpf_dbg.c's words, where it has them. */
	if ((needs & (CBPF_DBG_NEED_PROG | CBPF_DBG_NEED_INPUT)) && !dbg->prog)
		dbg_refuse(diags, 0, 0, "no bpf program loaded!");
	else if ((needs & CBPF_DBG_NEED_SOCKET) && dbg->mode == CBPF_VM_SECCOMP)
		dbg_refuse(diags, 0, 0,
			   "%s runs over a capture; a seccomp filter runs on one input "
			   "(syscall, arch)",
			   what);
	else if (packets && !dbg->have_pkt && dbg->path)
		dbg_refuse(diags, 0, 0, "%s holds no packets", dbg->path);
	else if ((needs & CBPF_DBG_NEED_CAPTURE || (packets && !dbg->have_pkt)) && !dbg->path)
		dbg_refuse(diags, 0, 0, "no pcap file loaded!");
	else
		return true;
	return false;
}
