// SPDX-License-Identifier: MIT
/*
 * Translations attached to tc (tcx, or a clsact qdisc's filter) and XDP (a link, or netlink),
 * and detached if they are ours.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include "cbpf/kernel.h"
#include "kernel/kernel_int.h"

/* A descriptor for the program id that a hook ("tc", "XDP") on dev holds, or a negative errno. */
static int attached_prog(const char *dev, const char *hook, __u32 id, struct cbpf_diags *diags)
{
	int fd = bpf_prog_get_fd_by_id(id);
	char reading[32];

	if (fd == -EPERM || fd == -EACCES) {
		snprintf(reading, sizeof(reading), "reading the %s program", hook);
		return kernel_no_privilege(diags, reading);
	}
	if (fd < 0)
		return kernel_fail(diags, kernel_err(fd), "%s: %s program %u: %s", dev, hook, id,
				   strerror(-fd));
	return fd;
}

static int ifindex_of(const char *dev, struct cbpf_diags *diags)
{
	unsigned idx = if_nametoindex(dev);

	if (!idx)
		return kernel_fail(diags, -ENOENT, "no network device '%s'", dev);
	return (int)idx;
}

/*
 * enum bpf_attach_type's tcx hooks (include/uapi/linux/bpf.h, kernels 6.6 and later), which the
 * Linux 6.1 headers this builds with do not have; an older kernel refuses them with EINVAL.
 */
#define TCX_INGRESS 46
#define TCX_EGRESS  47

/* Whether cbpf's cls_bpf filter is on the hook: tcx beside it would run the two. */
static bool tc_filter_there(int idx, bool egress)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = idx,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = CBPF_TC_HANDLE, .priority = CBPF_TC_PRIORITY);
	libbpf_print_fn_t old = kernel_mute();
	int err = bpf_tc_query(&hook, &to);

	kernel_unmute(old);
	return !err;
}

/* Whether cbpf's tcx link is pinned for the hook; its pin in pin. */
static bool tcx_pinned(const char *dev, bool egress, char *pin, size_t size)
{
	struct stat st;

	return !kernel_link_path(dev, egress ? "tc-egress" : "tc-ingress", pin, size) &&
	       !lstat(pin, &st);
}

/* tc through tcx: 0, -ENOTSUP (no tcx here: attach the older way), or an error in diags. */
static int tcx_attach(int fd, int idx, const char *dev, bool egress, struct cbpf_attached *how,
		      struct cbpf_diags *diags)
{
	const char *dir = egress ? "egress" : "ingress";
	char hook[16];
	int err;

	snprintf(hook, sizeof(hook), "tc-%s", dir);
	if (kernel_link_path(dev, hook, how->pin, sizeof(how->pin)))
		return -ENOTSUP;
	if (tc_filter_there(idx, egress))
		return kernel_fail(diags, -EEXIST,
				   "%s: a cbpf filter is attached to %s already (handle 0x%x, "
				   "priority %d); remove it with --detach",
				   dev, dir, CBPF_TC_HANDLE, CBPF_TC_PRIORITY);
	err = kernel_link_attach(fd, idx, egress ? TCX_EGRESS : TCX_INGRESS, 0, how->pin, diags);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "attaching to tcx");
	if (err && err != -ENOTSUP && err != -EEXIST)
		return kernel_fail(diags, kernel_err(err), "%s: attaching to tcx %s: %s", dev, dir,
				   strerror(-err));
	how->link = !err;
	return err;
}

int cbpf_tc_attach(int fd, const char *dev, bool egress, bool link, struct cbpf_attached *how,
		   struct cbpf_diags *diags)
{
	struct cbpf_attached none;
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err;
	bool created;

	if (!how)
		how = &none;
	memset(how, 0, sizeof(*how));
	if (idx < 0)
		return idx;
	if (link) {
		err = tcx_attach(fd, idx, dev, egress, how, diags);
		if (err != -ENOTSUP)
			return err;
		memset(how, 0, sizeof(*how));
	}
	/* Not beside a tcx link of cbpf's: the two would run. */
	if (tcx_pinned(dev, egress, how->pin, sizeof(how->pin))) {
		err = kernel_fail(
			diags, -EEXIST,
			"%s: a cbpf filter is attached to %s already (a tcx link pinned at "
			"%s); remove it with --detach",
			dev, egress ? "egress" : "ingress", how->pin);
		memset(how, 0, sizeof(*how));
		return err;
	}
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = idx,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = CBPF_TC_HANDLE, .priority = CBPF_TC_PRIORITY,
		    .prog_fd = fd);
	old = kernel_mute();
	err = bpf_tc_hook_create(&hook);
	kernel_unmute(old);
	created = !err;
	if (err && err != -EEXIST) {
		if (err == -EPERM || err == -EACCES)
			return kernel_no_privilege(diags, "creating the clsact qdisc");
		return kernel_fail(diags, kernel_err(err), "%s: creating the clsact qdisc: %s", dev,
				   strerror(-err));
	}
	old = kernel_mute();
	err = bpf_tc_attach(&hook, &to);
	kernel_unmute(old);
	if (!err)
		return 0;
	if (created) {
		/* Roll back: the qdisc was ours. Destroying both hooks removes it. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		old = kernel_mute();
		bpf_tc_hook_destroy(&hook);
		kernel_unmute(old);
	}
	if (err == -EEXIST)
		return kernel_fail(
			diags, -EEXIST,
			"%s: a cbpf filter is attached to %s already (handle 0x%x, priority %d); "
			"remove it with --detach",
			dev, egress ? "egress" : "ingress", CBPF_TC_HANDLE, CBPF_TC_PRIORITY);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "attaching to tc");
	return kernel_fail(diags, kernel_err(err), "%s: attaching to tc %s: %s", dev,
			   egress ? "egress" : "ingress", strerror(-err));
}

int cbpf_tc_detach(const char *dev, bool egress, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err;
	char pin[160], where[64];

	if (idx < 0)
		return idx;
	snprintf(where, sizeof(where), "%s tc %s", dev, egress ? "egress" : "ingress");
	if (!kernel_link_path(dev, egress ? "tc-egress" : "tc-ingress", pin, sizeof(pin))) {
		err = kernel_link_detach(pin, CBPF_TARGET_TC, where, diags);
		if (err != -ENOENT)
			return err;
	}
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = idx,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = CBPF_TC_HANDLE, .priority = CBPF_TC_PRIORITY);
	/* Only a translation: someone else's filter may sit at the same handle and priority. */
	old = kernel_mute();
	err = bpf_tc_query(&hook, &to);
	kernel_unmute(old);
	if (!err) {
		int fd = attached_prog(dev, "tc", to.prog_id, diags);
		char what[128];
		bool ours;

		if (fd < 0)
			return fd;
		ours = kernel_is_ours(fd, CBPF_TARGET_TC, what, sizeof(what));
		close(fd);
		if (!ours)
			return kernel_fail(
				diags, -EINVAL,
				"%s: the tc filter at handle 0x%x, priority %d is %s: not "
				"detached",
				dev, CBPF_TC_HANDLE, CBPF_TC_PRIORITY, what);
	}
	/* bpf_tc_detach wants the options without the query's results. */
	to.prog_fd = to.flags = to.prog_id = 0;
	old = kernel_mute();
	err = bpf_tc_detach(&hook, &to);
	kernel_unmute(old);
	if (err == -ENOENT || err == -EINVAL)
		return kernel_fail(diags, -ENOENT, "%s: no cbpf filter on tc %s", dev,
				   egress ? "egress" : "ingress");
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "detaching from tc");
	if (err)
		return kernel_fail(diags, kernel_err(err), "%s: detaching from tc: %s", dev,
				   strerror(-err));
	return 0;
}

int cbpf_xdp_attach(int fd, const char *dev, bool link, struct cbpf_attached *how,
		    struct cbpf_diags *diags)
{
	struct cbpf_attached none;
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err = -ENOTSUP;

	if (!how)
		how = &none;
	memset(how, 0, sizeof(*how));
	if (idx < 0)
		return idx;
	/* A link refuses to replace any program, as XDP_FLAGS_UPDATE_IF_NOEXIST does (EBUSY). */
	if (link && !kernel_link_path(dev, "xdp", how->pin, sizeof(how->pin))) {
		err = kernel_link_attach(fd, idx, BPF_XDP, 0, how->pin, diags);
		if (err == -EEXIST)
			return err;
		how->link = !err;
	}
	if (err == -ENOTSUP) {
		memset(how, 0, sizeof(*how));
		old = kernel_mute();
		err = bpf_xdp_attach(idx, fd, XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		kernel_unmute(old);
	}
	if (err == -EBUSY || err == -EEXIST)
		return kernel_fail(
			diags, -EEXIST,
			"%s: an XDP program is attached already; remove it with --detach", dev);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "attaching to XDP");
	if (err)
		return kernel_fail(diags, kernel_err(err), "%s: attaching to XDP: %s", dev,
				   strerror(-err));
	return 0;
}

const char *cbpf_xdp_mode(const char *dev)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	libbpf_print_fn_t old;
	unsigned idx = if_nametoindex(dev);
	int err;

	if (!idx)
		return NULL;
	old = kernel_mute();
	err = bpf_xdp_query((int)idx, 0, &q);
	kernel_unmute(old);
	if (err)
		return NULL;
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offloaded";
	case XDP_ATTACHED_MULTI:
		return "several modes";
	default:
		return NULL;
	}
}

int cbpf_xdp_detach(const char *dev, struct cbpf_diags *diags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	libbpf_print_fn_t old;
	int idx = ifindex_of(dev, diags), err, fd;
	char what[128], pin[160], where[64];
	__u32 id = 0;

	if (idx < 0)
		return idx;
	snprintf(where, sizeof(where), "%s XDP", dev);
	if (!kernel_link_path(dev, "xdp", pin, sizeof(pin))) {
		err = kernel_link_detach(pin, CBPF_TARGET_XDP, where, diags);
		if (err != -ENOENT)
			return err;
	}
	old = kernel_mute();
	err = bpf_xdp_query_id(idx, 0, &id);
	kernel_unmute(old);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "querying XDP");
	if (!err && !id)
		return kernel_fail(diags, -ENOENT, "%s: no XDP program is attached", dev);
	if (err)
		return kernel_fail(diags, kernel_err(err), "%s: querying XDP: %s", dev,
				   strerror(-err));
	fd = attached_prog(dev, "XDP", id, diags);
	if (fd < 0)
		return fd;
	if (!kernel_is_ours(fd, CBPF_TARGET_XDP, what, sizeof(what))) {
		close(fd);
		return kernel_fail(
			diags, -EINVAL,
			"%s: the XDP program attached is %s: not detached (ip link set dev %s "
			"xdp off removes any)",
			dev, what, dev);
	}
	/* Only if it is still that program (XDP_FLAGS_REPLACE compares with old_prog_fd). */
	ao.old_prog_fd = fd;
	old = kernel_mute();
	err = bpf_xdp_detach(idx, XDP_FLAGS_REPLACE, &ao);
	kernel_unmute(old);
	close(fd);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "detaching from XDP");
	if (err)
		return kernel_fail(diags, kernel_err(err), "%s: detaching from XDP: %s", dev,
				   strerror(-err));
	return 0;
}
