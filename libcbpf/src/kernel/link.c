// SPDX-License-Identifier: MIT
/*
 * tc and XDP attached through a bpf_link (tcx; an XDP link), pinned so that it outlives
 * cbpf-xlate: a link whose last descriptor closes detaches its program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "cbpf/kernel.h"
#include "kernel/kernel_int.h"

int kernel_link_path(const char *dev, const char *hook, char *buf, size_t size)
{
	struct stat ns;
	int n;

	/* One bpf filesystem may serve several network namespaces, whose devices share names. */
	if (stat("/proc/self/ns/net", &ns))
		return -errno;
	n = snprintf(buf, size, "%s/net%llu-%s-%s", CBPF_LINK_DIR, (unsigned long long)ns.st_ino,
		     dev, hook);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Whether CBPF_LINK_DIR can hold pins: in a bpf filesystem, created if missing. */
static bool link_dir_ready(void)
{
	struct statfs sf;

	if (mkdir(CBPF_LINK_DIR, 0700) && errno != EEXIST)
		return false;
	return !statfs(CBPF_LINK_DIR, &sf) && sf.f_type == BPF_FS_MAGIC;
}

int kernel_link_attach(int fd, int ifindex, int type, __u32 flags, const char *path,
		       struct cbpf_diags *diags)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = flags);
	libbpf_print_fn_t old;
	struct stat st;
	int link, err;

	if (!lstat(path, &st))
		return kernel_fail(diags, -EEXIST,
				   "%s exists: a cbpf link is attached there "
				   "already; remove it with --detach",
				   path);
	if (!link_dir_ready())
		return -ENOTSUP;
	old = kernel_mute();
	link = bpf_link_create(fd, ifindex, (enum bpf_attach_type)type, &lo);
	kernel_unmute(old);
	/* A kernel without the attach type (tcx came in 6.6) says EINVAL. */
	if (link == -EINVAL || link == -EOPNOTSUPP)
		return -ENOTSUP;
	if (link < 0)
		return link;
	old = kernel_mute();
	err = bpf_obj_pin(link, path);
	kernel_unmute(old);
	if (err)
		bpf_link_detach(link); /* not left attached without a pin to remove it by */
	close(link);
	return err ? -ENOTSUP : 0;
}

int kernel_link_detach(const char *path, enum cbpf_target target, const char *where,
		       struct cbpf_diags *diags)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	libbpf_print_fn_t old;
	char what[128];
	int link, fd, err;
	bool ours;

	old = kernel_mute();
	link = bpf_obj_get(path);
	kernel_unmute(old);
	if (link == -ENOENT)
		return -ENOENT;
	if (link == -EPERM || link == -EACCES)
		return kernel_no_privilege(diags, path);
	if (link < 0)
		return kernel_fail(diags, kernel_err(link), "%s: %s", path, strerror(-link));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link, &info, &len)) {
		close(link);
		return kernel_fail(diags, -EINVAL, "%s: not a link: not removed", path);
	}
	fd = bpf_prog_get_fd_by_id(info.prog_id);
	ours = fd >= 0 && kernel_is_ours(fd, target, what, sizeof(what));
	if (fd >= 0)
		close(fd);
	if (!ours) {
		close(link);
		return kernel_fail(diags, -EINVAL,
				   "%s: the link pinned at %s holds %s: not detached", where, path,
				   fd >= 0 ? what : "a program that cannot be read");
	}
	/* Detached now, even if another process holds the link too; then the pin goes. */
	err = bpf_link_detach(link);
	close(link);
	if (err && err != -ENOLINK)
		return kernel_fail(diags, kernel_err(err),
				   "%s: detaching the link pinned at %s: %s", where, path,
				   strerror(-err));
	if (unlink(path))
		return kernel_fail(diags, kernel_err(-errno), "%s: %s", path, strerror(errno));
	return 0;
}
