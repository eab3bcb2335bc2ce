/* SPDX-License-Identifier: MIT */
/* The validator: the kernel's rules for socket and seccomp filters. */
#ifndef LIBCBPF_CHECK_H
#define LIBCBPF_CHECK_H

#include "common.h"
#include "diag.h"
#include "prog.h"

enum cbpf_check_mode {
	CBPF_CHECK_SOCKET,  /* what SO_ATTACH_FILTER refuses with EINVAL */
	CBPF_CHECK_SECCOMP, /* what seccomp(SECCOMP_SET_MODE_FILTER) refuses with EINVAL */
	CBPF_CHECK_PCAP,    /* what runs in user space as libpcap's bpf_filter runs it (tcpdump,
			     * cbpf-dbg) and what cbpf-xlate translates: the socket rules, except
			     * that a ja may jump backwards to an instruction of the program (a
			     * loop: libpcap's "protochain"), a warning since the kernel's classic
			     * loaders refuse it */
	CBPF_CHECK_EBPF,    /* what cbpf-xlate translates for eBPF's socket, tc, XDP and func
			     * programs: pcap's rules, a backward jump without a warning, since
			     * the translation bounds the loop and the verifier (Linux 5.3 and
			     * later) accepts it */
};

/*
 * Validates prog as the running kernel does (checked against Linux 6.18) and accepts exactly
 * what it accepts:
 *   - 1 to 4096 instructions (net/core/filter.c: bpf_check_basics_ok;
 *     kernel/seccomp.c: seccomp_prepare_filter);
 *   - net/core/filter.c: bpf_check_classic: known opcodes only; no division or modulo by
 *     constant zero; shifts by constants below 32; M[k] with k < 16; jumps (ja, jt, jf) inside
 *     the program; loads from SKF_AD_OFF up only for the ancillary offsets the kernel knows;
 *     the last instruction a return;
 *   - net/core/filter.c: check_load_and_stores: no M[k] read before it is written on some
 *     path, as its single forward pass sees paths (a 'ret' does not stop what falls through);
 *   - kernel/seccomp.c: seccomp_check_filter (CBPF_CHECK_SECCOMP): only its opcodes (no
 *     'ldh', 'ldb', indirect loads, 'ldxb', 'mod'), and 'ld [k]' only of an aligned word of
 *     struct seccomp_data (k < 64, k % 4 == 0);
 *   - net/core/filter.c: bpf_convert_filter: every jump of the eBPF translation fits its
 *     16-bit offset (matters only for socket filters of thousands of packet loads; the
 *     translation sizes are those of x86-64 and arm64).
 * Every problem is reported, not only the first: an error diagnostic per broken rule and
 * instruction, in instruction order, with the instruction index (struct cbpf_diag.insn, -1 for
 * the whole program) and, when the program has source positions, its file:line:col. Each
 * message says what is wrong and ends with the kernel rule in brackets, e.g.
 * "division by constant zero [net/core/filter.c: bpf_check_classic]".
 * Warnings never change the verdict: unreachable instructions, (socket mode) a translation
 * too large for the default net.core.optmem_max, where SO_ATTACH_FILTER fails with ENOMEM, and
 * (pcap mode) each backward jump (ebpf mode: none). In the other modes a backward jump inside the
 * program is an error followed by a note that libpcap, cbpf-dbg and cbpf-xlate run it.
 * bpf_convert_filter's jump limits are not checked in pcap and ebpf modes (no kernel converts such
 * a program). diags may be NULL. Returns 0 (accepted), -EINVAL (refused; the errors are in diags)
 * or -ENOMEM.
 */
CBPF_API int cbpf_check(const struct cbpf_prog *prog, enum cbpf_check_mode mode,
			struct cbpf_diags *diags);

/*
 * What iptables -m bpf --bytecode adds to cbpf_check's socket rules (which its kernel match
 * applies too): at most 64 instructions (XT_BPF_MAX_NUM_INSTR: an error), and a warning at each
 * load that reads the packet as Ethernet ('ldh [12]' compared with an EtherType, 'ldxb
 * 4*([14]&0xf)'): the match hands the filter the packet from its IP header. diags may be NULL.
 * Returns 0, -EINVAL (too long) or -ENOMEM.
 */
CBPF_API int cbpf_check_iptables(const struct cbpf_prog *prog, struct cbpf_diags *diags);

#endif
