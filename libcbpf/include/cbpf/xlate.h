/* SPDX-License-Identifier: MIT */
/* Classic to eBPF: the translator for socket, tc, XDP and seccomp, and the actions it returns. */
#ifndef LIBCBPF_XLATE_H
#define LIBCBPF_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "ebpf.h"
#include "prog.h"

/*
 * What a translation returns. The classic program's result r is the socket filter's result (the
 * bytes to keep) and seccomp's action, unchanged. For tc and XDP the classic filter's "keep"
 * (r != 0) becomes the match action and "drop" (r == 0, also an out-of-bounds load or a division
 * by zero) the nomatch action; with classid, tc returns r itself as cls_bpf's class id (0: no
 * match, -1: the filter's default class).
 */
struct cbpf_xlate_opts {
	enum cbpf_target target;
	bool set_match, set_nomatch; /* use match / nomatch below instead of the defaults */
	int32_t match;		     /* tc: TC_ACT_OK (0); xdp: XDP_PASS (2) */
	int32_t nomatch;	     /* tc: TC_ACT_SHOT (2); xdp: XDP_DROP (1) */
	bool classid;		     /* tc only: cls_bpf without direct action */
	bool probe;		     /* func only: read the packet with bpf_probe_read_kernel() */
	const char *name;	     /* the program's or function's name (NULL: the target's) */
};

/*
 * Translates prog into an eBPF program for opts->target; prog is copied and may be freed
 * afterwards. Semantics are the kernel's for a classic filter (see cbpf/vm.h): A and X start at
 * 0, a division by a zero X or an out-of-bounds load ends the program with 0, shifts by X use
 * X & 31, SKF_NET_OFF and SKF_LL_OFF loads read from the network and link-layer headers. The
 * translation takes time linear in the program's length.
 *
 * Each target's way with packets:
 *   socket   LD_ABS/LD_IND, which the kernel gives socket filters with exactly the classic
 *            semantics; ancillary loads from struct __sk_buff and helpers.
 *   tc       bpf_skb_load_bytes() into the stack, one call for each straight run of loads (and
 *            none for bytes an earlier run on every path to it fetched already; a call fetches
 *            ahead as far as a shorter packet would make the program return 0 anyway);
 *            bpf_skb_load_bytes_relative() for SKF_NET_OFF/SKF_LL_OFF. LD_ABS would end the
 *            program with 0, which is TC_ACT_OK, not the nomatch action.
 *   xdp      direct packet access, one bounds check for each straight run of loads (and none
 *            where every path to it checked enough already; a check asks for as much as tc's
 *            fetches do); [x + k] through bpf_xdp_load_bytes() and #len through
 *            bpf_xdp_get_buff_len(), as the verifier allows loaders without CAP_PERFMON no
 *            variable packet offsets and no pointer subtraction (Linux 5.18). The link-layer
 *            header is the start of the frame and the network header is taken to follow a
 *            14-byte Ethernet header.
 *   seccomp  ld [k] reads the 32-bit word of struct seccomp_data at k; ld #len is 64.
 *   func     direct packet access between data and data_end (its arguments), bounds-checked
 *            as in xdp; [x + k] as a variable offset from data and #len as data_end - data,
 *            which the verifier allows loaders with CAP_PERFMON (and tracing programs need it
 *            anyway). With probe, every load is a bounds check against data_end and a
 *            bpf_probe_read_kernel() into the stack: tracing programs get the packet's
 *            addresses as numbers they may not dereference. The network header is taken to
 *            follow a 14-byte Ethernet header, as in xdp.
 *
 * A load the target cannot express is refused, located at the classic instruction, with the
 * reason: ld #hatype everywhere (no field or helper gives skb->dev->type), #poff, #nlattr and
 * #nlattr_nest everywhere (the kernel keeps their helpers to itself), and in XDP everything
 * that needs an sk_buff (#proto, #type, #mark, #rxhash, #vlan_*), in func every field of a
 * context (a function gets only the bytes; #cpu and #rand work). prog need not be validated:
 * what cannot run (an unknown opcode, a jump past the end, M[k] with k >= 16, a missing final
 * return) is refused too; cbpf_check() first gives the kernel's reasons.
 *
 * opts may be NULL (socket). Returns 0 and sets *out, -EINVAL (diagnostics in diags), -ENOTSUP
 * (a load the target cannot express), -E2BIG (a jump too far for eBPF's 16-bit offsets),
 * -ENOMEM.
 */
CBPF_API int cbpf_xlate(const struct cbpf_prog *prog, const struct cbpf_xlate_opts *opts,
			struct cbpf_ebpf_prog **out, struct cbpf_diags *diags);

/*
 * What the translation prog returns where its classic program returns r: r itself, or for tc
 * (direct action) and xdp the match action when r != 0 and the nomatch action when r == 0.
 */
CBPF_API uint32_t cbpf_xlate_result(const struct cbpf_ebpf_prog *prog, uint32_t r);

/*
 * The value of a tc or XDP action by name: tc "ok", "shot", "pipe", "reclassify", "unspec",
 * "stolen", "redirect", "trap" (TC_ACT_*); xdp "aborted", "drop", "pass", "tx", "redirect"
 * (XDP_*), case-insensitive; or a 32-bit number in C syntax (7, 0x7, 07, -1, 4294967295, which
 * is -1 too). Returns 0, -ENOENT (unknown name, or not a 32-bit number), -EINVAL (a target
 * without actions).
 */
CBPF_API int cbpf_xlate_action_parse(enum cbpf_target target, const char *name, int32_t *out);
/* The name of an action value for target, or NULL. */
CBPF_API const char *cbpf_xlate_action_name(enum cbpf_target target, int32_t value);

#endif
