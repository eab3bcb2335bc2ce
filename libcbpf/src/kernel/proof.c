// SPDX-License-Identifier: MIT
/* Proofs: a translation and its classic program run on the same frames, and compared. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>
#include <net/if.h>
#include <sys/syscall.h>

#include "cbpf/jit.h"
#include "cbpf/vm.h"
#include "cbpf/kernel.h"
#include "cbpf/proof.h"
#include "cbpf/xlate.h"
#include "ebpf/ebpf_prog.h"
#include "kernel/kernel_int.h"

struct cbpf_proof {
	const struct cbpf_ebpf_prog *prog;
	struct cbpf_vm *vm;
	enum cbpf_proof_engine engine;
	enum cbpf_target run_as; /* what the input looks like: socket programs run as tc */
	uint32_t lo_ifindex;
	int fd;
};

static bool reads_anc(const struct cbpf_prog *prog, int32_t anc)
{
	for (size_t i = 0; i < cbpf_prog_len(prog); i++) {
		const struct cbpf_insn *in = &cbpf_prog_insns(prog)[i];

		if (CBPF_CLASS(in->code) == CBPF_LD && CBPF_MODE(in->code) == CBPF_ABS &&
		    in->k == (uint32_t)(CBPF_AD_OFF + anc))
			return true;
	}
	return false;
}

/*
 * Whether this process has capability cap in its effective set. capget(2) directly: libcap is not
 * a dependency, and glibc has no wrapper.
 */
static bool has_cap(unsigned cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

/*
 * XDP test runs give a program at most a page less XDP_PACKET_HEADROOM (256) and the
 * skb_shared_info (320 bytes on 64-bit machines) as one linear buffer and the rest as fragments
 * (net/bpf/test_run.c: bpf_prog_test_run_xdp), which a program loaded without
 * BPF_F_XDP_HAS_FRAGS never gets from a device. Longer frames run in the interpreter; the
 * margin costs nothing.
 */
#define XDP_TEST_LINEAR (4096 - 256 - 384)

int cbpf_proof_new(const struct cbpf_ebpf_prog *prog, const struct cbpf_proof_opts *opts,
		   struct cbpf_proof **out, const char **why, struct cbpf_diags *diags)
{
	struct cbpf_load_opts lo = { .log_buf = opts ? opts->log_buf : NULL,
				     .log_size = opts ? opts->log_size : 0,
				     .sched_cls = true };
	struct cbpf_proof *p;
	int err;

	*why = NULL;
	if (!prog->classic || prog->target == CBPF_TARGET_SECCOMP) {
		cbpf_diags_add(diags, CBPF_SEV_ERROR, NULL, 0, 0, 0, -1,
			       "only socket, tc and xdp translations can be proved on frames");
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->prog = prog;
	p->fd = -1;
	p->run_as = prog->target == CBPF_TARGET_SOCKET ? CBPF_TARGET_TC : prog->target;
	p->lo_ifindex = if_nametoindex("lo");
	err = cbpf_vm_new(prog->classic, CBPF_VM_SOCKET, &p->vm, diags);
	if (err)
		goto fail;
	/* Every frame runs the classic program: native code, where there is a JIT. */
	if (!(opts && opts->no_jit))
		cbpf_vm_set_jit(p->vm, true, NULL);
	p->engine = CBPF_PROOF_INTERPRETER;
	if (opts && opts->interpreter) {
		*why = "as asked";
	} else if (reads_anc(prog->classic, CBPF_AD_RANDOM) ||
		   reads_anc(prog->classic, CBPF_AD_CPU)) {
		*why = "the program reads #rand or #cpu, which the kernel chooses";
	} else {
		/* A socket program as SCHED_CLS: its test runs see the whole frame. */
		err = cbpf_ebpf_load(prog, &lo, &p->fd, diags);
		if (err == -EPERM) {
			cbpf_diags_free(diags);
			*why = "bpf(2) is not allowed here";
		} else if (err == -EINVAL && !has_cap(CAP_PERFMON) && !has_cap(CAP_SYS_ADMIN)) {
			/* Without CAP_PERFMON the verifier refuses what it cannot sanitize against
			 * Spectre (pointer arithmetic, pointer leaks): not a translation's fault.
			 */
			cbpf_diags_free(diags);
			*why = "the kernel's verifier refused the translation for a loader without "
			       "CAP_PERFMON";
		} else if (err) {
			goto fail;
		} else {
			p->engine = CBPF_PROOF_KERNEL;
		}
	}
	*out = p;
	return 0;
fail:
	cbpf_proof_free(p);
	return err;
}

enum cbpf_proof_engine cbpf_proof_engine(const struct cbpf_proof *proof)
{
	return proof->engine;
}

void cbpf_proof_free(struct cbpf_proof *proof)
{
	if (!proof)
		return;
	if (proof->fd >= 0)
		close(proof->fd);
	cbpf_vm_free(proof->vm);
	free(proof);
}

int cbpf_proof_frame(struct cbpf_proof *p, const uint8_t *frame, uint32_t size,
		     struct cbpf_proof_result *res, struct cbpf_diags *diags)
{
	struct cbpf_meta meta;
	struct cbpf_input in;
	uint64_t got;
	int err;

	memset(res, 0, sizeof(*res));
	/* CPU 0: programs that read #cpu run in the interpreter, on both sides alike. */
	if (ebpf_test_input(p->run_as, frame, size, 0, p->lo_ifindex, 0, &in, &meta)) {
		res->skipped = true;
		return 0;
	}
	res->classic = cbpf_vm_run(p->vm, &in);
	res->expected = cbpf_xlate_result(p->prog, res->classic);
	if (p->engine == CBPF_PROOF_KERNEL &&
	    !(p->run_as == CBPF_TARGET_XDP && size > XDP_TEST_LINEAR)) {
		struct cbpf_test_run run = { frame, size, 0, 1, 0, 0 };

		err = cbpf_ebpf_test_run(p->fd, &run, diags);
		if (!err) {
			res->got = run.retval;
			res->agree = res->got == res->expected;
			return 0;
		}
		if (err != -EINVAL)
			return err;
		/* The kernel refused the frame: longer than its sk_buff test runs take. */
		cbpf_diags_free(diags);
	}
	res->interpreted = p->engine == CBPF_PROOF_KERNEL;
	err = cbpf_ebpf_run(p->prog, &in, &got, diags);
	if (err)
		return err;
	res->got = (uint32_t)got;
	res->agree = res->got == res->expected;
	return 0;
}
