// SPDX-License-Identifier: MIT
/* libpcap's filter expressions compiled as tcpdump compiles them, and its link type names. */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcap_int.h"
#include "classic/prog.h"

/* A libpcap instruction is a classic instruction; copy field by field all the same. */
static struct cbpf_prog *from_pcap(const struct bpf_program *fp)
{
	struct cbpf_prog *prog = cbpf_prog_new(NULL, 0);

	if (!prog)
		return NULL;
	for (u_int i = 0; i < fp->bf_len; i++) {
		const struct bpf_insn *in = &fp->bf_insns[i];
		struct cbpf_insn insn = { in->code, in->jt, in->jf, in->k };

		if (prog_append(prog, insn, NULL)) {
			cbpf_prog_free(prog);
			return NULL;
		}
	}
	cbpf_prog_set_kind(prog, CBPF_KIND_SOCKET);
	return prog;
}

static const struct cbpf_compile_opts compile_defaults = { .linktype = CBPF_DLT_EN10MB };

int capture_compile_on(pcap_t *p, const char *expr, const struct cbpf_compile_opts *opts,
		       struct cbpf_prog **out, struct cbpf_diags *diags)
{
	struct bpf_program fp;
	struct cbpf_prog *prog;

	if (!opts)
		opts = &compile_defaults;
	/* tcpdump passes netmask 0 when it has no interface to ask. */
	if (pcap_compile(p, &fp, expr, !opts->no_optimize, opts->netmask) < 0) {
		int err = cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, "%s",
					 pcap_geterr(p));

		return err ? err : -EINVAL;
	}
	prog = from_pcap(&fp);
	pcap_freecode(&fp);
	if (!prog)
		return -ENOMEM;
	*out = prog;
	return 0;
}

int cbpf_pcap_compile(const char *expr, const struct cbpf_compile_opts *opts,
		      struct cbpf_prog **out, struct cbpf_diags *diags)
{
	pcap_t *p;
	int snaplen, err;

	if (!opts)
		opts = &compile_defaults;
	snaplen = opts->snaplen ? opts->snaplen : CBPF_DEFAULT_SNAPLEN;
	if (snaplen < 0) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "snapshot length %d is negative", snaplen);
		return -EINVAL;
	}
	/* tcpdump -d without an interface: pcap_open_dead with -y's link type and -s's length. */
	p = pcap_open_dead(opts->linktype, snaplen);
	if (!p)
		return -ENOMEM;
	err = capture_compile_on(p, expr, opts, out, diags);
	pcap_close(p);
	return err;
}

int cbpf_linktype_parse(const char *name, int *dlt)
{
	char *end;
	long v;
	int val;

	if (!name || !*name)
		return -ENOENT;
	v = strtol(name, &end, 0);
	if (end != name && !*end) {
		/* A number libpcap has no name for is one pcap_compile cannot compile for. */
		if (v < 0 || v > INT_MAX || !pcap_datalink_val_to_name((int)v))
			return -ENOENT;
		*dlt = (int)v;
		return 0;
	}
	/* Case-insensitive, as tcpdump -y takes it. */
	val = pcap_datalink_name_to_val(name);
	if (val < 0)
		return -ENOENT;
	*dlt = val;
	return 0;
}

const char *cbpf_linktype_name(int dlt)
{
	return pcap_datalink_val_to_name(dlt);
}

/*
 * libpcap's protochain loops back to its own start, and a backward jump is what the kernel's
 * classic loaders refuse (net/core/filter.c: bpf_check_classic): a jump whose target wraps around
 * past the end. cbpf-xlate translates the loop for the kernel's eBPF hooks.
 */
static bool has_backward_ja(const struct cbpf_prog *prog)
{
	const struct cbpf_insn *in = cbpf_prog_insns(prog);
	size_t n = cbpf_prog_len(prog);

	for (size_t pc = 0; pc < n; pc++)
		if (in[pc].code == (CBPF_JMP | CBPF_JA) && in[pc].k >= n - pc - 1)
			return true;
	return false;
}

int cbpf_pcap_explain(const char *expr, const struct cbpf_prog *prog, struct cbpf_diags *diags)
{
	if (!strstr(expr, "protochain") || !has_backward_ja(prog))
		return 0;
	return cbpf_diags_add(diags, CBPF_SEV_NOTE, NULL, 0, 0, 0, -1,
			      "libpcap's protochain emits a loop; to run it in the kernel: "
			      "cbpf-xlate -t socket|tc|xdp -e '%s'",
			      expr);
}
