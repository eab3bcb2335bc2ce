// SPDX-License-Identifier: MIT
/* What iptables -m bpf adds to the socket filter's rules: its length limit, and its packet. */
#include <errno.h>

#include "classic/check_impl.h"
#include "cbpf/insn.h"

#define RULE_XT_BPF	 "net/netfilter/xt_bpf.c: __bpf_mt_check_bytecode"
#define XT_BPF_MAX_INSNS 64

/* EtherTypes a filter written for Ethernet compares the halfword at [12] with. */
static bool is_ethertype(uint32_t k)
{
	static const uint32_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x88a8,
					  0x9100, 0x8847, 0x8848, 0x8863, 0x8864 };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (k == types[i])
			return true;
	return false;
}

/*
 * iptables -m bpf runs the filter on the packet from its IP header (skb->data at the network
 * header), as -y RAW compiles it: an Ethernet program reads the IPv4 source address where it
 * expects the EtherType, and matches nothing it was written for. Only the two shapes a person
 * or libpcap writes for Ethernet are flagged, so that a RAW program is never warned about.
 */
static void check_ethernet_offsets(struct checker *c)
{
	for (size_t pc = 0; pc < c->len; pc++) {
		const struct cbpf_insn *in = &c->insns[pc], *next = pc + 1 < c->len ? in + 1 : NULL;

		if (in->code == (CBPF_LD | CBPF_H | CBPF_ABS) && in->k == 12 && next &&
		    (next->code == (CBPF_JMP | CBPF_JEQ | CBPF_K)) && is_ethertype(next->k))
			check_report(c, CBPF_SEV_WARNING, (long)pc, NULL,
				     "reads an EtherType at [12] (0x%x), as on Ethernet; iptables "
				     "-m bpf gives the filter the packet from its IP header, where "
				     "[12] is the IPv4 source address (compile with -y RAW)",
				     next->k);
		else if (in->code == (CBPF_LDX | CBPF_B | CBPF_MSH) && in->k == 14)
			check_report(c, CBPF_SEV_WARNING, (long)pc, NULL,
				     "reads the IPv4 header length at [14], as on Ethernet; "
				     "iptables -m bpf gives the filter the packet from its IP "
				     "header, whose length is 4*([0]&0xf)");
	}
}

int cbpf_check_iptables(const struct cbpf_prog *prog, struct cbpf_diags *diags)
{
	struct checker c = {
		.prog = prog,
		.insns = cbpf_prog_insns(prog),
		.len = cbpf_prog_len(prog),
		.mode = CBPF_CHECK_SOCKET,
		.diags = diags,
	};

	if (c.len > XT_BPF_MAX_INSNS)
		check_report(&c, CBPF_SEV_ERROR, -1, RULE_XT_BPF,
			     "%zu instructions, more than the %d iptables -m bpf takes", c.len,
			     XT_BPF_MAX_INSNS);
	check_ethernet_offsets(&c);
	if (c.err)
		return c.err;
	return c.errors ? -EINVAL : 0;
}
