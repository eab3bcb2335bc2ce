/* SPDX-License-Identifier: MIT */
/* The kernel's side of eBPF: loading with bpf(2), pinning, tc and XDP, BPF_PROG_TEST_RUN. */
#ifndef LIBCBPF_KERNEL_H
#define LIBCBPF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "diag.h"
#include "ebpf.h"

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
	/*
	 * Load with line info naming each eBPF instruction's classic origin (in a BTF object the
	 * kernel is given too), so that cbpf_ebpf_jited_write() can map the kernel's JIT image
	 * back; bpftool prog dump shows those lines. A kernel that refuses the BTF gets the
	 * program without them.
	 */
	bool line_info;
	/*
	 * The name to load it under (a cbpf_kernel_prog_name() result: [A-Za-z0-9_.]); NULL for
	 * cbpf_ebpf_prog_name(). The kernel keeps its first 15 bytes; with line_info the BTF
	 * function carries it whole, which bpftool shows for names cut short.
	 */
	const char *name;
};

/*
 * What starts the name of every program libcbpf loads for cbpf-xlate: how cbpf_tc_detach,
 * cbpf_xdp_detach and cbpf_ebpf_unpin tell a translation from another program.
 */
#define CBPF_PROG_NAME_PREFIX "cbpf_"
/* The kernel keeps BPF_OBJ_NAME_LEN - 1 = 15 bytes of a program's name. */
#define CBPF_KERNEL_NAME_MAX 15
/* Room for a name from cbpf_kernel_prog_name(), before the kernel cuts it. */
#define CBPF_PROG_NAME_SIZE 64

/*
 * The name a translation is loaded under, from what the user calls it (--name, an input file's
 * base name, an expression): CBPF_PROG_NAME_PREFIX (unless hint starts with it) and hint's
 * characters the kernel takes in names ([A-Za-z0-9_.]), each run of others one '_', up to
 * CBPF_PROG_NAME_SIZE - 1 bytes in all; "cbpf_TARGET" for a NULL hint or one with none of those
 * characters. "udp dst port 53" gives "cbpf_udp_dst_port_53", which the kernel keeps as
 * "cbpf_udp_dst_po". Writes into buf (always terminated) and returns the length it needed, like
 * snprintf.
 */
CBPF_API int cbpf_kernel_prog_name(const char *hint, enum cbpf_target target, char *buf,
				   size_t size);
/* Whether name is one the kernel takes: not empty, only [A-Za-z0-9_.]. */
CBPF_API bool cbpf_kernel_prog_name_valid(const char *name);

/*
 * Loads prog into the kernel with bpf(2) (through libbpf) as its target's program type and
 * returns a file descriptor in *fd. Returns 0, -EPERM (no privilege for bpf(2): CAP_BPF, and
 * CAP_NET_ADMIN for tc and XDP), -EINVAL (the verifier refused it: the reason in diags, its log
 * in opts->log_buf), -ENOTSUP (seccomp: the kernel loads those only as classic programs).
 */
CBPF_API int cbpf_ebpf_load(const struct cbpf_ebpf_prog *prog, const struct cbpf_load_opts *opts,
			    int *fd, struct cbpf_diags *diags);

/*
 * Whether the kernel compiles loaded programs to native code: 0, or -ENOTSUP with the reason in
 * diags (net.core.bpf_jit_enable is 0, the kernel has no JIT).
 */
CBPF_API int cbpf_kernel_jit_check(struct cbpf_diags *diags);
/*
 * Writes the kernel's JIT image of the loaded program fd, the translation prog, disassembled
 * (capstone): each run of native code after the eBPF instructions of prog it came from and the
 * classic instruction they translate, as the kernel's jited line info maps them (prog loaded
 * with cbpf_load_opts.line_info); without line info, the image whole. Returns 0, -ENOTSUP (no
 * image: the kernel interprets the program, or withholds its image; or cbpf was built without
 * capstone: in diags), -EPERM, -EIO, -ENOMEM.
 */
CBPF_API int cbpf_ebpf_jited_write(FILE *out, int fd, const struct cbpf_ebpf_prog *prog,
				   struct cbpf_diags *diags);

/*
 * Pins a loaded program at path, which must be in a mounted bpf filesystem and must not exist.
 * Nothing is mounted for the caller. Returns 0, -EEXIST, -ENOENT (no such directory), -ENOTSUP
 * (not a bpf filesystem), -EPERM.
 */
CBPF_API int cbpf_ebpf_pin(int fd, const char *path, struct cbpf_diags *diags);
/*
 * Removes a pin of a translation for target: only a program of target's type whose name starts
 * with CBPF_PROG_NAME_PREFIX, not a map, a link or another program. Returns 0,
 * -ENOENT, -ENOTSUP (not in a bpf filesystem), -EINVAL (something else is pinned there), -EPERM.
 */
CBPF_API int cbpf_ebpf_unpin(const char *path, enum cbpf_target target, struct cbpf_diags *diags);

/* Where cbpf puts its tc filter: one fixed handle and priority, so that detaching finds it. */
#define CBPF_TC_HANDLE	 0xcbf
#define CBPF_TC_PRIORITY 0xcbf

/*
 * Where cbpf pins the bpf_links it attaches through: a link lives as long as a descriptor or
 * a pin holds it, and cbpf-xlate exits after attaching.
 */
#define CBPF_LINK_DIR "/sys/fs/bpf/cbpf-xlate"

/* How an attach was made. */
struct cbpf_attached {
	bool link;     /* through a bpf_link (tcx, XDP link), pinned at pin; else tc or netlink */
	char pin[160]; /* the link's pin */
};

/*
 * Attaches a loaded tc program to dev's ingress (or egress). With link, through tcx (a bpf_link
 * of type BPF_TCX_INGRESS/EGRESS, kernels 6.6 and later) pinned in CBPF_LINK_DIR, when the
 * kernel has tcx and CBPF_LINK_DIR is in a bpf filesystem (created there if missing); else, and
 * without link, as a cls_bpf filter in direct-action mode, creating the clsact qdisc when the
 * device has none, at handle CBPF_TC_HANDLE, priority CBPF_TC_PRIORITY. tcx runs the program's
 * results 0 (ok) and 2 (shot) as cls_bpf does, and any other but 7 (redirect) as "next": give
 * link only to programs whose results tcx takes alike. *how says which (may be NULL). On
 * failure nothing is left behind (a clsact it created is removed). Returns 0, -ENOENT (no such
 * device), -EEXIST (cbpf's filter is attached already), -EPERM, -EINVAL.
 */
CBPF_API int cbpf_tc_attach(int fd, const char *dev, bool egress, bool link,
			    struct cbpf_attached *how, struct cbpf_diags *diags);
/*
 * Removes cbpf's filter from dev's ingress or egress if it is a translation (a SCHED_CLS program
 * whose name starts with CBPF_PROG_NAME_PREFIX): the tcx link pinned in CBPF_LINK_DIR for this
 * network namespace, detached and unpinned, or the cls_bpf filter; the clsact qdisc stays.
 * Returns 0, -ENOENT (none there), -EINVAL (another program's link or filter), -EPERM.
 */
CBPF_API int cbpf_tc_detach(const char *dev, bool egress, struct cbpf_diags *diags);

/*
 * Attaches a loaded XDP program to dev, in the mode the driver prefers, refusing to replace a
 * program attached already. With link, through an XDP bpf_link pinned in CBPF_LINK_DIR when that
 * is in a bpf filesystem; else, and without link, through netlink. *how says which (may be
 * NULL). Returns 0, -ENOENT, -EEXIST, -EPERM, -EINVAL.
 */
CBPF_API int cbpf_xdp_attach(int fd, const char *dev, bool link, struct cbpf_attached *how,
			     struct cbpf_diags *diags);
/*
 * Removes dev's XDP program if it is a translation (an XDP program whose name starts with
 * CBPF_PROG_NAME_PREFIX): its link pinned in CBPF_LINK_DIR, detached and unpinned, or the program
 * attached through netlink; another program stays. Returns 0, -ENOENT (no device, or no program
 * attached), -EINVAL (another program is attached), -EPERM.
 */
CBPF_API int cbpf_xdp_detach(const char *dev, struct cbpf_diags *diags);

/*
 * Whether cutting dev's traffic would cut this machine off: dev carries the default route
 * (IPv4 or IPv6), the SSH session of $SSH_CONNECTION, or an established TCP connection to or
 * from port 22, as the caller's network namespace sees them (/proc/net). Says which in why.
 * Returns 1, 0, or a negative errno (the addresses cannot be read).
 */
CBPF_API int cbpf_netdev_lifeline(const char *dev, char *why, size_t size);
/* The id the kernel gave a loaded program. Returns 0 or a negative errno. */
CBPF_API int cbpf_ebpf_prog_id(int fd, uint32_t *id);
/* How dev's XDP program is attached: "native", "generic", "offloaded"; NULL when none is. */
CBPF_API const char *cbpf_xdp_mode(const char *dev);

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

#endif
