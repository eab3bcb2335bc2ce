// SPDX-License-Identifier: MIT
/* The kernel: load, pin, attach to tc and XDP, detach, test runs (libbpf), seccomp install. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "cbpf/vm.h"
#include "cbpf/xlate.h"
#include "classic/prog.h"
#include "ebpf/ebpf_prog.h"
#include "util/diag_int.h"

static int fail(struct cbpf_diags *diags, int err, const char *fmt, ...) CBPF_PRINTF(3, 4);
static int fail(struct cbpf_diags *diags, int err, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = diags_vadd(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1, fmt, ap);
	va_end(ap);
	return e ? e : err;
}

/* libbpf prints to stderr by default; the library never prints, so it is muted around calls. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static libbpf_print_fn_t mute(void)
{
	return libbpf_set_print(quiet);
}

static void unmute(libbpf_print_fn_t old)
{
	libbpf_set_print(old);
}

/* The closed set of cbpf/common.h, from what bpf(2) and netlink said. */
static int kernel_err(int err)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		return -EPERM;
	case -ENOENT:
	case -ENODEV:
		return -ENOENT;
	case -EEXIST:
	case -ENOMEM:
	case -E2BIG:
		return err;
	case -EOPNOTSUPP:
		return -ENOTSUP;
	default:
		return -EINVAL;
	}
}

static int no_privilege(struct cbpf_diags *diags, const char *what)
{
	return fail(
		diags, -EPERM,
		"%s: permission denied (bpf(2) needs CAP_BPF, and CAP_NET_ADMIN for tc and XDP; "
		"run as root)",
		what);
}

/* What libcbpf loads a target's translations as: their program type (a socket
 * filter may also be loaded as sched_cls, for the tests). */
static enum bpf_prog_type prog_type(enum cbpf_target target)
{
	switch (target) {
	case CBPF_TARGET_SOCKET:
		return BPF_PROG_TYPE_SOCKET_FILTER;
	case CBPF_TARGET_TC:
		return BPF_PROG_TYPE_SCHED_CLS;
	case CBPF_TARGET_XDP:
		return BPF_PROG_TYPE_XDP;
	default:
		return BPF_PROG_TYPE_UNSPEC;
	}
}

int cbpf_ebpf_load(const struct cbpf_ebpf_prog *prog, const struct cbpf_load_opts *opts, int *fd,
		   struct cbpf_diags *diags)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	enum bpf_prog_type type;
	int res;

	type = prog_type(prog->target);
	if (type == BPF_PROG_TYPE_UNSPEC)
		return fail(diags, -ENOTSUP,
			    "the kernel loads seccomp filters only as classic programs");
	if (type == BPF_PROG_TYPE_SOCKET_FILTER && opts && opts->sched_cls)
		type = BPF_PROG_TYPE_SCHED_CLS;
	if (type == BPF_PROG_TYPE_XDP)
		lo.expected_attach_type = BPF_XDP;
	if (!prog->len)
		return fail(diags, -EINVAL, "the program is empty");
	/* Without a log first: the kernel is faster that way, and the log is only for refusals. */
	res = bpf_prog_load(type, cbpf_ebpf_prog_name(prog), cbpf_ebpf_prog_license(prog),
			    (const struct bpf_insn *)prog->insns, prog->len, &lo);
	if (res < 0 && res != -EPERM && opts && opts->log_buf && opts->log_size) {
		opts->log_buf[0] = '\0';
		lo.log_buf = opts->log_buf;
		lo.log_size = opts->log_size > UINT32_MAX ? UINT32_MAX : (uint32_t)opts->log_size;
		lo.log_level = 1;
		res = bpf_prog_load(type, cbpf_ebpf_prog_name(prog), cbpf_ebpf_prog_license(prog),
				    (const struct bpf_insn *)prog->insns, prog->len, &lo);
		if (res == -ENOSPC) /* the log did not fit: say so, keep what there is */
			res = -EINVAL;
	}
	if (res == -EPERM)
		return no_privilege(diags, "loading the program");
	if (res < 0)
		return fail(diags, -EINVAL, "the kernel's verifier refused the %s program: %s",
			    cbpf_target_name(prog->target), strerror(-res));
	*fd = res;
	return 0;
}

/* Checks that path would be in a bpf filesystem: its directory must be in one. */
static int in_bpffs(const char *path, struct cbpf_diags *diags)
{
	char dir[PATH_MAX];
	struct statfs sf;

	if (strlen(path) >= sizeof(dir))
		return fail(diags, -EINVAL, "%s: path too long", path);
	strcpy(dir, path);
	if (statfs(dirname(dir), &sf))
		return fail(diags, errno == ENOENT ? -ENOENT : kernel_err(-errno), "%s: %s", dir,
			    strerror(errno));
	if (sf.f_type != BPF_FS_MAGIC)
		return fail(
			diags, -ENOTSUP,
			"%s is not in a bpf filesystem (mount one: mount -t bpf bpf /sys/fs/bpf)",
			dir);
	return 0;
}

int cbpf_ebpf_pin(int fd, const char *path, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	struct stat st;
	int err;

	if (!lstat(path, &st))
		return fail(diags, -EEXIST, "%s exists already; remove it with --detach", path);
	err = in_bpffs(path, diags);
	if (err)
		return err;
	old = mute();
	err = bpf_obj_pin(fd, path);
	unmute(old);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, path);
	if (err)
		return fail(diags, kernel_err(err), "pinning at %s: %s", path, strerror(-err));
	return 0;
}

/*
 * Whether fd is a program of target's type named as libcbpf names target's translations
 * (cbpf_ebpf_prog_name: "cbpf_xdp"); *what says what it is otherwise. A pin can hold a map or a
 * link as well: the descriptor's file says which ("anon_inode:bpf-prog").
 */
static bool is_ours(int fd, enum cbpf_target target, char *what, size_t size)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	char link[64], self[64], name[32];
	ssize_t n;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	n = readlink(self, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (strcmp(link, "anon_inode:bpf-prog")) {
		snprintf(what, size, "not a program (%s)",
			 strncmp(link, "anon_inode:bpf-", 15) ? "unknown" : link + 15);
		return false;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		snprintf(what, size, "a program whose name cannot be read");
		return false;
	}
	snprintf(name, sizeof(name), "cbpf_%s", cbpf_target_name(target));
	if (info.type == prog_type(target) && !strncmp(info.name, name, sizeof(info.name)))
		return true;
	snprintf(what, size, "program %u, '%.*s', not %s's %s translation", info.id,
		 (int)sizeof(info.name), info.name, "cbpf-xlate", cbpf_target_name(target));
	return false;
}

/* A descriptor for the program id that a hook ("tc", "XDP") on dev holds, or a negative errno. */
static int attached_prog(const char *dev, const char *hook, __u32 id, struct cbpf_diags *diags)
{
	int fd = bpf_prog_get_fd_by_id(id);
	char reading[32];

	if (fd == -EPERM || fd == -EACCES) {
		snprintf(reading, sizeof(reading), "reading the %s program", hook);
		return no_privilege(diags, reading);
	}
	if (fd < 0)
		return fail(diags, kernel_err(fd), "%s: %s program %u: %s", dev, hook, id,
			    strerror(-fd));
	return fd;
}

int cbpf_ebpf_unpin(const char *path, enum cbpf_target target, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	char what[128];
	int err = in_bpffs(path, diags), fd;
	bool ours;

	if (err)
		return err;
	old = mute();
	fd = bpf_obj_get(path);
	unmute(old);
	if (fd == -ENOENT)
		return fail(diags, -ENOENT, "%s: %s", path, strerror(ENOENT));
	if (fd == -EPERM || fd == -EACCES)
		return no_privilege(diags, path);
	if (fd < 0)
		return fail(diags, kernel_err(fd), "%s: %s", path, strerror(-fd));
	ours = is_ours(fd, target, what, sizeof(what));
	close(fd);
	if (!ours)
		return fail(diags, -EINVAL, "%s is %s: not removed", path, what);
	if (unlink(path))
		return fail(diags, kernel_err(-errno), "%s: %s", path, strerror(errno));
	return 0;
}

static int ifindex_of(const char *dev, struct cbpf_diags *diags)
{
	unsigned idx = if_nametoindex(dev);

	if (!idx)
		return fail(diags, -ENOENT, "no network device '%s'", dev);
	return (int)idx;
}

int cbpf_tc_attach(int fd, const char *dev, bool egress, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err;
	bool created;

	if (idx < 0)
		return idx;
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = idx,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = CBPF_TC_HANDLE, .priority = CBPF_TC_PRIORITY,
		    .prog_fd = fd);
	old = mute();
	err = bpf_tc_hook_create(&hook);
	unmute(old);
	created = !err;
	if (err && err != -EEXIST) {
		if (err == -EPERM || err == -EACCES)
			return no_privilege(diags, "creating the clsact qdisc");
		return fail(diags, kernel_err(err), "%s: creating the clsact qdisc: %s", dev,
			    strerror(-err));
	}
	old = mute();
	err = bpf_tc_attach(&hook, &to);
	unmute(old);
	if (!err)
		return 0;
	if (created) {
		/* Roll back: the qdisc was ours. Destroying both hooks removes it. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		old = mute();
		bpf_tc_hook_destroy(&hook);
		unmute(old);
	}
	if (err == -EEXIST)
		return fail(
			diags, -EEXIST,
			"%s: a cbpf filter is attached to %s already (handle 0x%x, priority %d); "
			"remove it with --detach",
			dev, egress ? "egress" : "ingress", CBPF_TC_HANDLE, CBPF_TC_PRIORITY);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "attaching to tc");
	return fail(diags, kernel_err(err), "%s: attaching to tc %s: %s", dev,
		    egress ? "egress" : "ingress", strerror(-err));
}

int cbpf_tc_detach(const char *dev, bool egress, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err;

	if (idx < 0)
		return idx;
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = idx,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = CBPF_TC_HANDLE, .priority = CBPF_TC_PRIORITY);
	/* Only a translation: someone else's filter may sit at the same handle and priority. */
	old = mute();
	err = bpf_tc_query(&hook, &to);
	unmute(old);
	if (!err) {
		int fd = attached_prog(dev, "tc", to.prog_id, diags);
		char what[128];
		bool ours;

		if (fd < 0)
			return fd;
		ours = is_ours(fd, CBPF_TARGET_TC, what, sizeof(what));
		close(fd);
		if (!ours)
			return fail(diags, -EINVAL,
				    "%s: the tc filter at handle 0x%x, priority %d is %s: not "
				    "detached",
				    dev, CBPF_TC_HANDLE, CBPF_TC_PRIORITY, what);
	}
	/* bpf_tc_detach wants the options without the query's results. */
	to.prog_fd = to.flags = to.prog_id = 0;
	old = mute();
	err = bpf_tc_detach(&hook, &to);
	unmute(old);
	if (err == -ENOENT || err == -EINVAL)
		return fail(diags, -ENOENT, "%s: no cbpf filter on tc %s", dev,
			    egress ? "egress" : "ingress");
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "detaching from tc");
	if (err)
		return fail(diags, kernel_err(err), "%s: detaching from tc: %s", dev,
			    strerror(-err));
	return 0;
}

int cbpf_xdp_attach(int fd, const char *dev, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err;

	if (idx < 0)
		return idx;
	old = mute();
	err = bpf_xdp_attach(idx, fd, XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	unmute(old);
	if (err == -EBUSY || err == -EEXIST)
		return fail(diags, -EEXIST,
			    "%s: an XDP program is attached already; remove it with --detach", dev);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "attaching to XDP");
	if (err)
		return fail(diags, kernel_err(err), "%s: attaching to XDP: %s", dev,
			    strerror(-err));
	return 0;
}

int cbpf_xdp_detach(const char *dev, struct cbpf_diags *diags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err, fd;
	char what[128];
	__u32 id = 0;

	if (idx < 0)
		return idx;
	old = mute();
	err = bpf_xdp_query_id(idx, 0, &id);
	unmute(old);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "querying XDP");
	if (!err && !id)
		return fail(diags, -ENOENT, "%s: no XDP program is attached", dev);
	if (err)
		return fail(diags, kernel_err(err), "%s: querying XDP: %s", dev, strerror(-err));
	fd = attached_prog(dev, "XDP", id, diags);
	if (fd < 0)
		return fd;
	if (!is_ours(fd, CBPF_TARGET_XDP, what, sizeof(what))) {
		close(fd);
		return fail(diags, -EINVAL,
			    "%s: the XDP program attached is %s: not detached (ip link set dev %s "
			    "xdp off removes any)",
			    dev, what, dev);
	}
	/* Only if it is still that program (XDP_FLAGS_REPLACE compares with old_prog_fd). */
	ao.old_prog_fd = fd;
	old = mute();
	err = bpf_xdp_detach(idx, XDP_FLAGS_REPLACE, &ao);
	unmute(old);
	close(fd);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "detaching from XDP");
	if (err)
		return fail(diags, kernel_err(err), "%s: detaching from XDP: %s", dev,
			    strerror(-err));
	return 0;
}

int cbpf_ebpf_test_run(int fd, struct cbpf_test_run *run, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	struct __sk_buff skb;
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int err;

	LIBBPF_OPTS(bpf_test_run_opts, to, .data_in = run->data, .data_size_in = run->size,
		    .repeat = run->repeat);
	/* A mark goes in a struct __sk_buff context, which XDP programs do not take. */
	memset(&info, 0, sizeof(info));
	if (run->mark && (err = bpf_obj_get_info_by_fd(fd, &info, &info_len)))
		return fail(diags, kernel_err(err), "reading the program's type: %s",
			    strerror(-err));
	if (run->mark && info.type != BPF_PROG_TYPE_XDP) {
		memset(&skb, 0, sizeof(skb));
		skb.mark = run->mark;
		to.ctx_in = &skb;
		to.ctx_size_in = sizeof(skb);
	}
	old = mute();
	err = bpf_prog_test_run_opts(fd, &to);
	unmute(old);
	if (err == -EPERM || err == -EACCES)
		return no_privilege(diags, "BPF_PROG_TEST_RUN");
	if (err)
		return fail(diags, kernel_err(err), "BPF_PROG_TEST_RUN on a %u-byte frame: %s",
			    run->size, strerror(-err));
	run->retval = to.retval;
	run->duration = to.duration;
	return 0;
}

/*
 * net/ethernet/eth.c: eth_type_trans() for the loopback device, whose address and broadcast
 * address are both all zeros (ip link show lo: "link/loopback 00:00:00:00:00:00 brd
 * 00:00:00:00:00:00"): a frame to 00:00:00:00:00:00 is for this host, any other group address,
 * ff:ff:ff:ff:ff:ff included, is multicast, the rest is for another host.
 */
static void eth_type_trans_lo(const uint8_t *f, uint32_t size, struct cbpf_meta *meta)
{
	static const uint8_t zero[6];
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);

	if (!memcmp(f, zero, 6))
		meta->pkttype = CBPF_PKT_HOST;
	else if (f[0] & 1)
		meta->pkttype = CBPF_PKT_MULTICAST;
	else
		meta->pkttype = CBPF_PKT_OTHERHOST;
	if (type < 0x600) /* eth_proto_is_802_3() fails: Novell raw 802.3, or 802.2 LLC */
		type = size >= 16 && f[14] == 0xff && f[15] == 0xff ? 0x0001 : 0x0004;
	meta->protocol = htons(type);
}

int ebpf_test_input(enum cbpf_target run_as, const uint8_t *frame, uint32_t size, uint32_t mark,
		    uint32_t lo_ifindex, uint32_t cpu, struct cbpf_input *in,
		    struct cbpf_meta *meta)
{
	if (size < 14)
		return -EINVAL;
	memset(meta, 0, sizeof(*meta));
	meta->ifindex = lo_ifindex;
	meta->cpu = cpu;
	*in = cbpf_input_packet(frame, size, size, meta);
	if (run_as == CBPF_TARGET_XDP) {
		meta->net_off = 14;
		return 0;
	}
	meta->mark = mark;
	eth_type_trans_lo(frame, size, meta);
	if (run_as == CBPF_TARGET_SOCKET) {
		meta->no_mac = true;
		*in = cbpf_input_packet(frame + 14, size - 14, size - 14, meta);
	} else {
		meta->net_off = 14;
	}
	return 0;
}

int cbpf_ebpf_test_input(enum cbpf_target run_as, const uint8_t *frame, uint32_t size,
			 uint32_t mark, struct cbpf_input *in, struct cbpf_meta *meta)
{
	unsigned cpu = 0;

	if (syscall(SYS_getcpu, &cpu, NULL, NULL)) /* sched_getcpu() wants _GNU_SOURCE */
		cpu = 0;
	return ebpf_test_input(run_as, frame, size, mark, if_nametoindex("lo"), cpu, in, meta);
}
