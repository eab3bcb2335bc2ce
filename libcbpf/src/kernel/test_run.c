// SPDX-License-Identifier: MIT
/* BPF_PROG_TEST_RUN, and the classic input that gives a frame the metadata the kernel gives it. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <net/if.h>

#include "cbpf/vm.h"
#include "cbpf/kernel.h"
#include "kernel/kernel_int.h"

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
		return kernel_fail(diags, kernel_err(err), "reading the program's type: %s",
				   strerror(-err));
	if (run->mark && info.type != BPF_PROG_TYPE_XDP) {
		memset(&skb, 0, sizeof(skb));
		skb.mark = run->mark;
		to.ctx_in = &skb;
		to.ctx_size_in = sizeof(skb);
	}
	old = kernel_mute();
	err = bpf_prog_test_run_opts(fd, &to);
	kernel_unmute(old);
	if (err == -EPERM || err == -EACCES)
		return kernel_no_privilege(diags, "BPF_PROG_TEST_RUN");
	if (err)
		return kernel_fail(diags, kernel_err(err),
				   "BPF_PROG_TEST_RUN on a %u-byte frame: %s", run->size,
				   strerror(-err));
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
