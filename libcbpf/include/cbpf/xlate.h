/* SPDX-License-Identifier: MIT */
/* Classic to eBPF: the translator for socket, tc, XDP and seccomp, and loading into the kernel. */
#ifndef LIBCBPF_XLATE_H
#define LIBCBPF_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "ebpf.h"
#include "insn.h"

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
 *
 * A load the target cannot express is refused, located at the classic instruction, with the
 * reason: ld #hatype everywhere (no field or helper gives skb->dev->type), #poff, #nlattr and
 * #nlattr_nest everywhere (the kernel keeps their helpers to itself), and in XDP everything
 * that needs an sk_buff (#proto, #type, #mark, #rxhash, #vlan_*). prog need not be validated:
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

/* ---------------------------------------------------------------- the kernel */

struct cbpf_load_opts {
	char *log_buf; /* the verifier's log goes here when it refuses the program; may be NULL */
	size_t log_size;
	/*
	 * Load a socket program as BPF_PROG_TYPE_SCHED_CLS instead: for test runs, which give a
	 * SOCKET_FILTER program the frame without its first 14 bytes (see cbpf_ebpf_test_run) and a
	 * SCHED_CLS program all of it, as a packet socket does. The instructions mean the same in
	 * both: LD_ABS/LD_IND, the __sk_buff fields and the helpers translations use.
	 */
	bool sched_cls;
};

/*
 * Loads prog into the kernel with bpf(2) (through libbpf) as its target's program type and
 * returns a file descriptor in *fd. Returns 0, -EPERM (no privilege for bpf(2): CAP_BPF, and
 * CAP_NET_ADMIN for tc and XDP), -EINVAL (the verifier refused it: the reason in diags, its log
 * in opts->log_buf), -ENOTSUP (seccomp: the kernel loads those only as classic programs).
 */
CBPF_API int cbpf_ebpf_load(const struct cbpf_ebpf_prog *prog, const struct cbpf_load_opts *opts,
			    int *fd, struct cbpf_diags *diags);

/*
 * Pins a loaded program at path, which must be in a mounted bpf filesystem and must not exist.
 * Nothing is mounted for the caller. Returns 0, -EEXIST, -ENOENT (no such directory), -ENOTSUP
 * (not a bpf filesystem), -EPERM.
 */
CBPF_API int cbpf_ebpf_pin(int fd, const char *path, struct cbpf_diags *diags);
/*
 * Removes a pin of a translation for target: only a program of the type and name libcbpf gives
 * target's translations (cbpf_ebpf_prog_name), not a map, a link or another program. Returns 0,
 * -ENOENT, -ENOTSUP (not in a bpf filesystem), -EINVAL (something else is pinned there), -EPERM.
 */
CBPF_API int cbpf_ebpf_unpin(const char *path, enum cbpf_target target, struct cbpf_diags *diags);

/* Where cbpf puts its tc filter: one fixed handle and priority, so that detaching finds it. */
#define CBPF_TC_HANDLE	 0xcbf
#define CBPF_TC_PRIORITY 0xcbf

/*
 * Attaches a loaded tc program to dev's ingress (or egress) in direct-action mode, creating the
 * clsact qdisc when the device has none, at handle CBPF_TC_HANDLE, priority CBPF_TC_PRIORITY.
 * On failure nothing is left behind (a clsact it created is removed). Returns 0, -ENOENT (no
 * such device), -EEXIST (cbpf's filter is attached already), -EPERM, -EINVAL.
 */
CBPF_API int cbpf_tc_attach(int fd, const char *dev, bool egress, struct cbpf_diags *diags);
/*
 * Removes cbpf's filter from dev's ingress or egress if it is a translation (named cbpf_tc); the
 * clsact qdisc stays. Returns 0, -ENOENT (none there), -EINVAL (another program's filter at that
 * handle and priority), -EPERM.
 */
CBPF_API int cbpf_tc_detach(const char *dev, bool egress, struct cbpf_diags *diags);

/*
 * Attaches a loaded XDP program to dev, in the mode the driver prefers, refusing to replace a
 * program attached already. Returns 0, -ENOENT, -EEXIST, -EPERM, -EINVAL.
 */
CBPF_API int cbpf_xdp_attach(int fd, const char *dev, struct cbpf_diags *diags);
/*
 * Removes dev's XDP program if it is a translation (named cbpf_xdp, as cbpf_ebpf_prog_name gives
 * it); another program stays. Returns 0, -ENOENT (no device, or no program attached), -EINVAL
 * (another program is attached), -EPERM.
 */
CBPF_API int cbpf_xdp_detach(const char *dev, struct cbpf_diags *diags);

/* One run under BPF_PROG_TEST_RUN. */
struct cbpf_test_run {
	const void *data; /* the frame, from its link-layer header; at least 14 bytes */
	uint32_t size;
	uint32_t mark;	   /* skb->mark (socket and tc) */
	uint32_t repeat;   /* runs to time; 0 is 1 */
	uint32_t retval;   /* out: the program's result */
	uint32_t duration; /* out: nanoseconds per run, as the kernel measured */
};

/*
 * Runs a loaded socket, tc or XDP program on one frame with BPF_PROG_TEST_RUN. What the program
 * sees (net/bpf/test_run.c) differs by type: an XDP program gets the frame as given; a tc
 * (SCHED_CLS) program gets an sk_buff whose data starts at the frame's first byte; a
 * SOCKET_FILTER program gets one whose data starts 14 bytes in, at the network header, with the
 * first 14 bytes pulled as an Ethernet header. In both sk_buff cases eth_type_trans() on the
 * loopback device set protocol and pkt_type from those 14 bytes, the network header is where
 * they end, and len is size (minus 14 for SOCKET_FILTER). Returns 0, -EINVAL (the kernel refused
 * the frame: shorter than 14 bytes, or longer than a page), -EPERM.
 */
CBPF_API int cbpf_ebpf_test_run(int fd, struct cbpf_test_run *run, struct cbpf_diags *diags);

struct cbpf_input;
struct cbpf_meta;

/*
 * The classic interpreter's input that shows a classic program what cbpf_ebpf_test_run() shows
 * a program of type run_as (CBPF_TARGET_TC for SCHED_CLS) for the same frame and mark, so that
 * their results compare like with like:
 *   xdp     the frame; ifindex and queue of the loopback device's first queue; the network
 *           header 14 bytes in, as translations take it.
 *   tc      the frame, len its size; protocol and pkt_type as eth_type_trans() sets them for
 *           the loopback device (pkt_type: host for destination 00:00:00:00:00:00, multicast
 *           for any group address, broadcast too, since lo's broadcast address is zeros, else
 *           otherhost; protocol: the Ethernet type, or 802.3/802.2 below 0x600); the network
 *           header 14 bytes in; ifindex of lo; no VLAN tag taken out, queue, hash 0; the cpu
 *           this thread runs on.
 *   socket  the same from the frame's 15th byte on, the network header at 0; the link-layer
 *           header the kernel pulled lies before the data, where the classic interpreter cannot
 *           look: it is marked absent (no_mac), so SKF_LL_OFF loads differ.
 * in->data points into frame; meta is filled and in->meta points to it. Returns 0, or -EINVAL
 * when the frame is shorter than 14 bytes (the kernel refuses to run it).
 */
CBPF_API int cbpf_ebpf_test_input(enum cbpf_target run_as, const uint8_t *frame, uint32_t size,
				  uint32_t mark, struct cbpf_input *in, struct cbpf_meta *meta);

/* ---------------------------------------------------------------- proofs */

/*
 * A translation checked against its classic program frame by frame: the classic interpreter runs
 * the original, and the kernel (BPF_PROG_TEST_RUN) or libcbpf's eBPF interpreter the translation,
 * both on the input cbpf_ebpf_test_input() describes; the classic result, mapped to the target's
 * actions, must equal the translation's.
 */
struct cbpf_proof;

enum cbpf_proof_engine {
	CBPF_PROOF_KERNEL,	/* BPF_PROG_TEST_RUN; socket programs run as SCHED_CLS */
	CBPF_PROOF_INTERPRETER, /* cbpf_ebpf_run() */
};

struct cbpf_proof_opts {
	bool interpreter; /* do not try the kernel */
	char *log_buf;	  /* the verifier's log if it refuses the program; may be NULL */
	size_t log_size;
	bool no_jit;	  /* interpret the classic program rather than run it as native code
			   * (cbpf/jit.h; the same results) */
};

/*
 * Prepares a proof of prog, which must come from cbpf_xlate() (it carries its classic program)
 * for socket, tc or xdp. The kernel is used unless opts->interpreter, or bpf(2) is not allowed
 * (EPERM), or the verifier refused the translation in a process with neither CAP_PERFMON nor
 * CAP_SYS_ADMIN, or the program reads #rand or #cpu, whose values the kernel chooses; *why then
 * says why the interpreter is used (a static string; NULL with the kernel). Returns 0, -ENOTSUP
 * (seccomp, or a program without its classic one), -EINVAL (the verifier refused the
 * translation: its log in opts->log_buf), -ENOMEM.
 */
CBPF_API int cbpf_proof_new(const struct cbpf_ebpf_prog *prog, const struct cbpf_proof_opts *opts,
			    struct cbpf_proof **out, const char **why, struct cbpf_diags *diags);
CBPF_API enum cbpf_proof_engine cbpf_proof_engine(const struct cbpf_proof *proof);
/* Frees proof (and unloads its program); NULL is allowed. */
CBPF_API void cbpf_proof_free(struct cbpf_proof *proof);

struct cbpf_proof_result {
	bool skipped;	   /* the frame cannot be run (shorter than 14 bytes); the rest unset */
	bool interpreted;  /* with the kernel as engine, this frame ran in libcbpf's interpreter:
			    * longer than the kernel's test runs take (socket, tc: about 3.5 KB)
			    * or keep in one piece (xdp: see XDP_TEST_LINEAR in kernel/proof.c) */
	uint32_t classic;  /* the classic program's result */
	uint32_t expected; /* what the translation must return: classic, or its action */
	uint32_t got;	   /* what the translation returned */
	bool agree;	   /* got == expected */
};

/* Runs one frame (from its link-layer header). Returns 0, or -EINVAL (the interpreter faulted:
 * a translation bug, described in diags), -EPERM. */
CBPF_API int cbpf_proof_frame(struct cbpf_proof *proof, const uint8_t *frame, uint32_t size,
			      struct cbpf_proof_result *res, struct cbpf_diags *diags);

#endif
