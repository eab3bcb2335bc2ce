// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the translator: bytes become a classic program, a target, metadata and a
 * packet (or a seccomp_data record); the classic interpreter runs the program, libcbpf's eBPF
 * interpreter its translation, and they must agree. A translation must never fault in the eBPF
 * interpreter (that would be a program the verifier refuses), and the translator must refuse
 * cleanly what it cannot take.
 *
 * Input: [target][count, 2 bytes][count x 8 bytes of instructions][32 bytes of metadata][packet].
 * target % 4 picks socket, tc, xdp or seccomp (seccomp: the packet's first 64 bytes are the
 * seccomp_data); count (little-endian, modulo 4096, plus one) is the number of instructions: up
 * to the kernel's limit, where the translator's analyses of long programs run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf.h"

#define MAX_INSNS  CBPF_MAXINSNS
#define META_BYTES 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void meta_from(struct cbpf_meta *m, const uint8_t *p, enum cbpf_target t)
{
	memset(m, 0, sizeof(*m));
	m->net_off = t == CBPF_TARGET_XDP ? 14 : p[0] % 64;
	m->protocol = (uint16_t)(p[1] | p[2] << 8);
	m->pkttype = p[3];
	/* Only sockets see packets without a device. */
	m->no_dev = t == CBPF_TARGET_SOCKET && (p[4] & 1);
	m->no_mac = t != CBPF_TARGET_XDP && (p[4] & 2);
	m->vlan_present = p[4] & 4;
	m->queue = (uint16_t)(p[7] | p[8] << 8);
	m->vlan_tci = (uint16_t)(p[9] | p[10] << 8);
	m->vlan_proto = (uint16_t)(p[11] | p[12] << 8);
	m->ifindex = u32_at(p + 12) | 1;
	m->mark = u32_at(p + 16);
	m->rxhash = u32_at(p + 20);
	m->cpu = u32_at(p + 24);
	m->random = u32_at(p + 28);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cbpf_insn insns[MAX_INSNS];
	struct cbpf_xlate_opts o;
	struct cbpf_seccomp_data sd;
	struct cbpf_meta meta;
	struct cbpf_input in;
	struct cbpf_ebpf_prog *e = NULL;
	struct cbpf_prog *prog;
	struct cbpf_vm *vm = NULL;
	size_t n;
	uint64_t got;
	uint32_t want;
	int err;

	if (size < 3)
		return 0;
	memset(&o, 0, sizeof(o));
	o.target = (enum cbpf_target)(data[0] % 4);
	n = (size_t)(data[1] | data[2] << 8) % MAX_INSNS + 1;
	if (size < 3 + n * 8 + META_BYTES)
		return 0;
	memcpy(insns, data + 3, n * 8);
	prog = cbpf_prog_new(insns, n);
	if (!prog)
		return 0;
	if (data[0] & 0x10) {
		/* Other actions now and then. */
		o.set_match = o.set_nomatch =
			o.target == CBPF_TARGET_TC || o.target == CBPF_TARGET_XDP;
		o.match = data[0] >> 5;
		o.nomatch = 7 - (data[0] >> 5);
	}
	err = cbpf_vm_new(prog, o.target == CBPF_TARGET_SECCOMP ? CBPF_VM_SECCOMP : CBPF_VM_SOCKET,
			  &vm, NULL);
	/* What cannot run is refused by both; what the target cannot express by the translator
	 * alone. */
	if (cbpf_xlate(prog, &o, &e, NULL))
		goto out;
	if (err)
		abort(); /* the translator took a program the interpreter cannot run */
	meta_from(&meta, data + 3 + n * 8, o.target);
	data += 3 + n * 8 + META_BYTES;
	size -= 3 + n * 8 + META_BYTES;
	if (o.target == CBPF_TARGET_SECCOMP) {
		memset(&sd, 0, sizeof(sd));
		memcpy(&sd, data, size < sizeof(sd) ? size : sizeof(sd));
		in = cbpf_input_seccomp(&sd);
	} else {
		uint32_t wirelen =
			o.target == CBPF_TARGET_XDP ? (uint32_t)size : (uint32_t)size + 7;

		in = cbpf_input_packet(data, (uint32_t)size, wirelen, &meta);
	}
	want = cbpf_xlate_result(e, cbpf_vm_run(vm, &in));
	if (cbpf_ebpf_run(e, &in, &got, NULL) || (uint32_t)got != want)
		abort();
out:
	cbpf_ebpf_prog_free(e);
	cbpf_vm_free(vm);
	cbpf_prog_free(prog);
	return 0;
}
