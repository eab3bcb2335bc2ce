/* SPDX-License-Identifier: MIT */
/* Inside kernel/: what its files share to talk to libbpf and report. Private to libcbpf. */
#ifndef CBPF_KERNEL_INT_H
#define CBPF_KERNEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

struct btf;

#include "cbpf/diag.h"
#include "cbpf/ebpf.h"

struct cbpf_input;
struct cbpf_meta;

/* libbpf.c: adds an error to diags (may be NULL); returns err, or -ENOMEM if that failed. */
int kernel_fail(struct cbpf_diags *diags, int err, const char *fmt, ...) CBPF_PRINTF(3, 4);
/* libbpf.c: "WHAT: permission denied", naming the capabilities bpf(2) needs; returns -EPERM. */
int kernel_no_privilege(struct cbpf_diags *diags, const char *what);
/*
 * libbpf.c: libbpf prints to stderr by default and the library never prints, so every libbpf
 * call is wrapped in old = kernel_mute() ... kernel_unmute(old).
 */
libbpf_print_fn_t kernel_mute(void);
void kernel_unmute(libbpf_print_fn_t old);
/* libbpf.c: the closed set of cbpf/common.h, from what bpf(2) and netlink said. */
int kernel_err(int err);

/*
 * load.c: the program type libcbpf loads a target's translations as; BPF_PROG_TYPE_UNSPEC for
 * seccomp, which the kernel takes only as classic BPF.
 */
enum bpf_prog_type kernel_prog_type(enum cbpf_target target);
/*
 * load.c: whether fd is a program of target's type whose name starts with
 * CBPF_PROG_NAME_PREFIX, as libcbpf names translations; *what (size bytes) says what it is
 * otherwise.
 */
bool kernel_is_ours(int fd, enum cbpf_target target, char *what, size_t size);

/*
 * jited.c: the line info that names, for the kernel, the classic instruction each eBPF
 * instruction of a translation came from (its line number is the eBPF index + 1), in a BTF
 * object loaded into the kernel: so that the kernel's JIT image can be mapped back.
 */
struct kernel_lines {
	struct btf *btf;
	struct bpf_line_info *v;
	__u32 n;
	struct bpf_func_info func; /* the one function: int NAME(void *ctx) */
};
/*
 * The line info of prog loaded as name (the BTF function's name: name with any character not
 * allowed in a C identifier as '_'). 0, -ENOMEM, or why the kernel refused the BTF (cbpf/common.h's
 * set).
 */
int kernel_lines_new(const struct cbpf_ebpf_prog *prog, const char *name, struct kernel_lines *out);
int kernel_lines_fd(const struct kernel_lines *l);
void kernel_lines_free(struct kernel_lines *l);

/*
 * link.c: where the link of dev's hook ("tc-ingress", "tc-egress", "xdp") is pinned, for this
 * network namespace: CBPF_LINK_DIR/net<inode of /proc/self/ns/net>-DEV-HOOK. 0 or -errno.
 */
int kernel_link_path(const char *dev, const char *hook, char *buf, size_t size);
/*
 * link.c: attaches fd to ifindex through a bpf_link of attach type type (flags for XDP) and
 * pins it at path. 0; -ENOTSUP when there is no link to make here (the kernel has no such
 * attach type, CBPF_LINK_DIR is not in a bpf filesystem, the pin failed): the caller attaches
 * the older way; -EEXIST (path exists: in diags); or bpf(2)'s negative errno, not in diags.
 */
int kernel_link_attach(int fd, int ifindex, int type, __u32 flags, const char *path,
		       struct cbpf_diags *diags);
/*
 * link.c: detaches and unpins the link pinned at path if its program is a translation for
 * target (where names the hook in messages). 0, -ENOENT (no pin there: not in diags), -EINVAL
 * (another program's link), -EPERM.
 */
int kernel_link_detach(const char *path, enum cbpf_target target, const char *where,
		       struct cbpf_diags *diags);

/*
 * test_run.c: cbpf_ebpf_test_input() with lo's ifindex and the cpu given, for callers that run
 * many frames (proof.c).
 */
int ebpf_test_input(enum cbpf_target run_as, const uint8_t *frame, uint32_t size, uint32_t mark,
		    uint32_t lo_ifindex, uint32_t cpu, struct cbpf_input *in,
		    struct cbpf_meta *meta);

#endif
