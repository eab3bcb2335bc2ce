// SPDX-License-Identifier: MIT
/* bpf(2) through libbpf: a translation loaded as its target's program type, pinned, unpinned. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "cbpf/kernel.h"
#include "ebpf/ebpf_prog.h"
#include "kernel/kernel_int.h"

enum bpf_prog_type kernel_prog_type(enum cbpf_target target)
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

/* Line info, or none: the program is the same either way. */
static void set_lines(struct bpf_prog_load_opts *lo, const struct kernel_lines *lines)
{
	lo->prog_btf_fd = lines ? (__u32)kernel_lines_fd(lines) : 0;
	lo->line_info = lines ? lines->v : NULL;
	lo->line_info_cnt = lines ? lines->n : 0;
	lo->line_info_rec_size = lines ? sizeof(*lines->v) : 0;
	lo->func_info = lines ? &lines->func : NULL;
	lo->func_info_cnt = lines ? 1 : 0;
	lo->func_info_rec_size = lines ? sizeof(lines->func) : 0;
}

/* Whether a verifier log is about the BTF or the line info rather than about the program. */
static bool log_blames_btf(const char *log)
{
	return strstr(log, "line_info") || strstr(log, "func_info") || strstr(log, "BTF") ||
	       strstr(log, "btf");
}

int cbpf_ebpf_load(const struct cbpf_ebpf_prog *prog, const struct cbpf_load_opts *opts, int *fd,
		   struct cbpf_diags *diags)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo);
	const char *name = opts && opts->name ? opts->name : cbpf_ebpf_prog_name(prog);
	struct kernel_lines lines = { 0 };
	const struct kernel_lines *with = NULL;
	enum bpf_prog_type type;
	int res;

	type = kernel_prog_type(prog->target);
	if (type == BPF_PROG_TYPE_UNSPEC)
		return kernel_fail(diags, -ENOTSUP,
				   "the kernel loads seccomp filters only as classic programs");
	if (type == BPF_PROG_TYPE_SOCKET_FILTER && opts && opts->sched_cls)
		type = BPF_PROG_TYPE_SCHED_CLS;
	if (type == BPF_PROG_TYPE_XDP)
		lo.expected_attach_type = BPF_XDP;
	if (!prog->len)
		return kernel_fail(diags, -EINVAL, "the program is empty");
	if (!cbpf_kernel_prog_name_valid(name))
		return kernel_fail(
			diags, -EINVAL,
			"'%s' is no program name the kernel takes: only letters, digits, "
			"'_' and '.'",
			name);
	/* A kernel that refuses the BTF gets the program without line info: not an error. */
	if (opts && opts->line_info && !kernel_lines_new(prog, name, &lines))
		with = &lines;
	set_lines(&lo, with);
	/* Without a log first: the kernel is faster that way, and the log is only for refusals. */
	res = bpf_prog_load(type, name, cbpf_ebpf_prog_license(prog),
			    (const struct bpf_insn *)prog->insns, prog->len, &lo);
	if (res < 0 && res != -EPERM && with) {
		/* Perhaps the line info was refused: the program without it, which is all. */
		set_lines(&lo, NULL);
		res = bpf_prog_load(type, name, cbpf_ebpf_prog_license(prog),
				    (const struct bpf_insn *)prog->insns, prog->len, &lo);
	}
	if (res < 0 && res != -EPERM && opts && opts->log_buf && opts->log_size) {
		/* The log with the line info: it names the classic instruction of each line. */
		set_lines(&lo, with);
		opts->log_buf[0] = '\0';
		lo.log_buf = opts->log_buf;
		lo.log_size = opts->log_size > UINT32_MAX ? UINT32_MAX : (uint32_t)opts->log_size;
		lo.log_level = 1;
		res = bpf_prog_load(type, name, cbpf_ebpf_prog_license(prog),
				    (const struct bpf_insn *)prog->insns, prog->len, &lo);
		if (res < 0 && res != -ENOSPC && with && log_blames_btf(opts->log_buf)) {
			set_lines(&lo, NULL);
			opts->log_buf[0] = '\0';
			res = bpf_prog_load(type, name, cbpf_ebpf_prog_license(prog),
					    (const struct bpf_insn *)prog->insns, prog->len, &lo);
		}
		if (res == -ENOSPC) /* the log did not fit: say so, keep what there is */
			res = -EINVAL;
	}
	kernel_lines_free(&lines); /* the program holds the BTF now */
	if (res == -EPERM)
		return kernel_no_privilege(diags, "loading the program");
	if (res < 0)
		return kernel_fail(diags, -EINVAL,
				   "the kernel's verifier refused the %s program: %s",
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
		return kernel_fail(diags, -EINVAL, "%s: path too long", path);
	strcpy(dir, path);
	if (statfs(dirname(dir), &sf))
		return kernel_fail(diags, errno == ENOENT ? -ENOENT : kernel_err(-errno), "%s: %s",
				   dir, strerror(errno));
	if (sf.f_type != BPF_FS_MAGIC)
		return kernel_fail(
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
		return kernel_fail(diags, -EEXIST, "%s exists already; remove it with --detach",
				   path);
	err = in_bpffs(path, diags);
	if (err)
		return err;
	old = kernel_mute();
	err = bpf_obj_pin(fd, path);
	kernel_unmute(old);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, path);
	if (err)
		return kernel_fail(diags, kernel_err(err), "pinning at %s: %s", path,
				   strerror(-err));
	return 0;
}

int cbpf_ebpf_prog_id(int fd, uint32_t *id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

bool kernel_is_ours(int fd, enum cbpf_target target, char *what, size_t size)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	char link[64], self[64];
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
	/* By type and prefix: --name gives translations any name after it. */
	if (info.type == kernel_prog_type(target) &&
	    !strncmp(info.name, CBPF_PROG_NAME_PREFIX, strlen(CBPF_PROG_NAME_PREFIX)))
		return true;
	snprintf(what, size, "program %u, '%.*s', not %s's %s translation", info.id,
		 (int)sizeof(info.name), info.name, "cbpf-xlate", cbpf_target_name(target));
	return false;
}

int cbpf_ebpf_unpin(const char *path, enum cbpf_target target, struct cbpf_diags *diags)
{
	libbpf_print_fn_t old;
	char what[128];
	int err = in_bpffs(path, diags), fd;
	bool ours;

	if (err)
		return err;
	old = kernel_mute();
	fd = bpf_obj_get(path);
	kernel_unmute(old);
	if (fd == -ENOENT)
		return kernel_fail(diags, -ENOENT, "%s: %s", path, strerror(ENOENT));
	if (fd == -EPERM || fd == -EACCES)
		return kernel_no_privilege(diags, path);
	if (fd < 0)
		return kernel_fail(diags, kernel_err(fd), "%s: %s", path, strerror(-fd));
	ours = kernel_is_ours(fd, target, what, sizeof(what));
	close(fd);
	if (!ours)
		return kernel_fail(diags, -EINVAL, "%s is %s: not removed", path, what);
	if (unlink(path))
		return kernel_fail(diags, kernel_err(-errno), "%s: %s", path, strerror(errno));
	return 0;
}
