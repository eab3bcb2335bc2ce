// SPDX-License-Identifier: MIT
/*
 * Differential test of libcbpf's interpreter against libpcap's bpf_filter: the same programs
 * (pcap_compile'd filter expressions, optimised and not, for several link types, and random
 * valid programs, this tool's and libcbpf's randprog) over the same packets (captures given on the
 * command line, synthesized frames for each link type, random bytes) must return the same value,
 * with cbpf_vm_run, stepping and the JIT's native code (cbpf_jit_run, wherever the JIT compiles
 * the program) agreeing too.
 *
 * libpcap has no Linux ancillary loads and no negative offsets: programs using them are skipped
 * and counted. Where the kernel (whose semantics libcbpf follows) and libpcap both define the
 * result and differ on purpose, the run is counted apart rather than compared: a shift by
 * X >= 32 (the kernel uses X & 31, libpcap gives 0) and [x + k] with X + k >= 2^31 (the kernel
 * wraps to a signed offset, libpcap is out of bounds).
 *
 * Usage: vm-diff [-v] [-r RANDOM_PROGRAMS] [-s SEED] [CAPTURE.pcap...]
 * The last line: "N programs x M packets (R runs, J also as native code): D differences".
 */
#include <assert.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cbpf.h"
#include "randprog.h"

static_assert(sizeof(struct bpf_insn) == sizeof(struct cbpf_insn), "insn layout");

struct packet {
	uint8_t *data;
	uint32_t caplen, wirelen;
};

struct packets {
	int dlt;
	struct packet *v;
	size_t n, cap;
};

struct program {
	struct cbpf_prog *prog;
	struct cbpf_vm *vm;
	struct cbpf_jit
		*jit; /* NULL where the JIT takes no program (another machine) or not this one */
	char *what;
};

static struct {
	unsigned long programs, packets, runs, differences;
	unsigned long jit_runs;	      /* runs made as native code too (cbpf_jit_run) */
	unsigned long skipped_linux;  /* programs with ancillary loads or negative offsets */
	unsigned long refused;	      /* programs the interpreter refuses (backward jumps) */
	unsigned long unwritten;      /* programs reading M[k] before writing it */
	unsigned long no_compile;     /* expression and link type pairs libpcap rejects */
	unsigned long divergent_runs; /* runs where the kernel and libpcap differ on purpose */
	int verbose;
} st;

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "vm-diff: out of memory\n");
		exit(1);
	}
	return p;
}

static void add_packet(struct packets *ps, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 64;
		ps->v = realloc(ps->v, ps->cap * sizeof(*ps->v));
		if (!ps->v) {
			fprintf(stderr, "vm-diff: out of memory\n");
			exit(1);
		}
	}
	ps->v[ps->n].data = xmalloc(caplen);
	memcpy(ps->v[ps->n].data, data, caplen);
	ps->v[ps->n].caplen = caplen;
	ps->v[ps->n].wirelen = wirelen;
	ps->n++;
}

static void free_packets(struct packets *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].data);
	free(ps->v);
	ps->v = NULL;
	ps->n = ps->cap = 0;
}

/* ---------------------------------------------------------------- programs */

/* Loads libpcap does not know: ancillary offsets and negative ones. */
static bool uses_linux_loads(const struct cbpf_insn *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint16_t c = v[i].code;

		if ((CBPF_CLASS(c) == CBPF_LD && CBPF_MODE(c) == CBPF_ABS) ||
		    c == (CBPF_LDX | CBPF_B | CBPF_MSH))
			if ((int32_t)v[i].k < 0)
				return true;
	}
	return false;
}

/*
 * True when some path reads M[k] before writing it (net/core/filter.c: check_load_and_stores):
 * the kernel refuses such programs, and libpcap reads whatever its stack held.
 */
static bool reads_unwritten_memory(const struct cbpf_insn *v, size_t n)
{
	uint16_t *masks = xmalloc(n * sizeof(*masks)), valid = 0;
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		masks[i] = 0xffff;
	for (size_t pc = 0; pc < n && !bad; pc++) {
		uint16_t c = v[pc].code;

		valid &= masks[pc];
		if (c == CBPF_ST || c == CBPF_STX) {
			valid |= (uint16_t)(1u << (v[pc].k & 15));
		} else if (c == (CBPF_LD | CBPF_MEM) || c == (CBPF_LDX | CBPF_MEM)) {
			bad = !(valid & (1u << (v[pc].k & 15)));
		} else if (c == (CBPF_JMP | CBPF_JA)) {
			if (pc + 1 + v[pc].k < n)
				masks[pc + 1 + v[pc].k] &= valid;
			valid = 0xffff;
		} else if (cbpf_insn_is_cond_jump(&v[pc])) {
			if (pc + 1 + v[pc].jt < n)
				masks[pc + 1 + v[pc].jt] &= valid;
			if (pc + 1 + v[pc].jf < n)
				masks[pc + 1 + v[pc].jf] &= valid;
			valid = 0xffff;
		}
	}
	free(masks);
	return bad;
}

/* Makes a program of v, or returns false (counted) when it cannot be compared. */
static bool program_new(struct program *p, const struct cbpf_insn *v, size_t n, const char *what)
{
	struct cbpf_diags diags = { 0 };

	if (uses_linux_loads(v, n)) {
		if (st.verbose)
			printf("Linux-only loads: %s\n", what);
		st.skipped_linux++;
		return false;
	}
	if (reads_unwritten_memory(v, n)) {
		if (st.verbose)
			printf("reads M[k] before writing it: %s\n", what);
		st.unwritten++;
		return false;
	}
	p->prog = cbpf_prog_new(v, n);
	if (!p->prog) {
		fprintf(stderr, "vm-diff: out of memory\n");
		exit(1);
	}
	if (cbpf_vm_new(p->prog, CBPF_VM_SOCKET, &p->vm, &diags)) {
		/* pcap_compile writes "ip6 protochain" with backward jumps the kernel refuses. */
		if (st.verbose)
			printf("refused by the interpreter: %s\n", what);
		cbpf_prog_free(p->prog);
		cbpf_diags_free(&diags);
		st.refused++;
		return false;
	}
	/* The JIT too, where it compiles the program (not on other machines, nor loops). */
	if (cbpf_jit_new(p->vm, &p->jit, &diags))
		p->jit = NULL;
	cbpf_diags_free(&diags);
	p->what = strdup(what);
	st.programs++;
	return true;
}

static void program_free(struct program *p)
{
	cbpf_jit_free(p->jit);
	cbpf_vm_free(p->vm);
	cbpf_prog_free(p->prog);
	free(p->what);
}

/*
 * Steps prog over pkt: the result, and whether the kernel and libpcap part ways on the way
 * (shift by X >= 32, [x + k] at 2^31 or more).
 */
static uint32_t stepped(const struct program *p, const struct cbpf_input *in, bool *divergent)
{
	const struct cbpf_insn *insns = cbpf_vm_insns(p->vm, NULL);
	struct cbpf_vm_state s;

	*divergent = false;
	cbpf_vm_state_init(&s);
	while (s.exit == CBPF_VM_RUNNING) {
		const struct cbpf_insn *insn = &insns[s.pc];

		if ((insn->code == (CBPF_ALU | CBPF_LSH | CBPF_X) ||
		     insn->code == (CBPF_ALU | CBPF_RSH | CBPF_X)) &&
		    s.X >= 32)
			*divergent = true;
		if (CBPF_CLASS(insn->code) == CBPF_LD && CBPF_MODE(insn->code) == CBPF_IND &&
		    (uint64_t)s.X + insn->k >= 0x80000000u)
			*divergent = true;
		if (cbpf_vm_step(p->vm, &s, in, NULL)) {
			fprintf(stderr, "vm-diff: step failed\n");
			exit(1);
		}
	}
	return s.ret;
}

static void hexdump(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n && i < 96; i++)
		fprintf(stderr, "%02x%s", d[i], i % 16 == 15 ? "\n" : " ");
	fprintf(stderr, "\n");
}

/* Runs one program over one packet both ways; reports a difference. */
static void run_one(const struct program *p, const struct packet *pkt, const struct cbpf_meta *m)
{
	struct cbpf_input in = cbpf_input_packet(pkt->data, pkt->caplen, pkt->wirelen, m);
	const struct bpf_insn *insns = (const struct bpf_insn *)cbpf_prog_insns(p->prog);
	uint32_t fast, slow, ref;
	bool divergent;

	fast = cbpf_vm_run(p->vm, &in);
	slow = stepped(p, &in, &divergent);
	st.runs++;
	if (fast != slow) {
		st.differences++;
		fprintf(stderr, "DIFF %s: cbpf_vm_run %u, stepping %u\n", p->what, fast, slow);
		return;
	}
	if (p->jit) {
		uint32_t native = cbpf_jit_run(p->jit, &in);

		st.jit_runs++;
		if (native != fast) {
			st.differences++;
			fprintf(stderr, "DIFF %s: cbpf_jit_run %u, cbpf_vm_run %u\n", p->what,
				native, fast);
			return;
		}
	}
	if (divergent) {
		st.divergent_runs++;
		return;
	}
	ref = bpf_filter(insns, pkt->data, pkt->wirelen, pkt->caplen);
	if (ref != fast) {
		st.differences++;
		if (st.differences <= 20) {
			fprintf(stderr, "DIFF %s: libcbpf %u, libpcap %u, caplen %u wirelen %u\n",
				p->what, fast, ref, pkt->caplen, pkt->wirelen);
			hexdump(pkt->data, pkt->caplen);
		}
	}
}

/* ---------------------------------------------------------------- filter expressions */

static const char *const expressions[] = {
	/* link layer */
	"ether host 02:00:00:00:00:01",
	"ether src 02:00:00:00:00:02",
	"ether dst ff:ff:ff:ff:ff:ff",
	"ether broadcast",
	"ether multicast",
	"not ether broadcast",
	"ether proto 0x88cc",
	"ether[0] & 1 != 0",
	"ether[12:2] = 0x0800",
	"ether[12:2] << 1 == 0x1000",
	"arp",
	"rarp",
	"arp or rarp",
	"vlan",
	"vlan 100",
	"vlan and ip",
	"vlan 100 and tcp",
	"vlan and vlan",
	"mpls",
	"mpls 42",
	"mpls and ip",
	"pppoed",
	"pppoes",
	"pppoes and ip",
	"pppoes 0x1234",
	"llc",
	"stp",
	"ipx",
	"decnet",
	"atalk",
	"aarp",
	"iso",
	"netbeui",
	"lat",
	"sca",
	"mopdl",
	/* IPv4 */
	"ip",
	"not ip",
	"ip and not ip6",
	"host 10.0.0.1",
	"src host 10.0.0.1",
	"dst host 10.0.0.2",
	"host 10.0.0.1 and host 10.0.0.2",
	"host 192.168.1.1 or host 10.0.0.9",
	"net 10.0.0.0/8",
	"net 192.168.0.0/16",
	"src net 10.0.0.0 mask 255.255.255.0",
	"dst net 172.16.0.0/12",
	"ip broadcast",
	"ip multicast",
	"ip proto 47",
	"ip proto 89",
	"ip proto \\tcp",
	"ip proto \\udp",
	"ip[0] & 0xf != 5",
	"ip[0] >> 4 == 4",
	"ip[2:2] > 576",
	"ip[2:2] < 100",
	"ip[6:2] & 0x3fff != 0",
	"ip[6] & 0x20 = 0x20",
	"ip[8] < 10",
	"ip[8] >= 64",
	"ip[9] == 17",
	"ip[1] & 0xfc == 0xb8",
	"ip[12:4] = 0x0a000001",
	"ip[16] = 224",
	"ip[2:2] - ((ip[0] & 0xf) << 2) > 40",
	"ip[10:2] ^ 0xffff != 0",
	"ip[4:2] % 7 == 3",
	"ip[2:2] / 4 > 100",
	"ip[2:2] * 3 > 1000",
	"ip[8] + ip[9] > 80",
	"ip[0] | 1 == 0x45",
	"ip[2:2] - 20 < 10",
	"-ip[8] < 100",
	/* TCP */
	"tcp",
	"tcp port 80",
	"tcp port 22 or tcp port 443",
	"tcp src port 80",
	"tcp dst port 8080",
	"port 53",
	"src port 53",
	"dst port 53",
	"portrange 1-1023",
	"tcp portrange 8000-9000",
	"udp portrange 50-60",
	"not port 22",
	"tcp[tcpflags] & tcp-syn != 0",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
	"tcp[tcpflags] & tcp-fin != 0",
	"tcp[tcpflags] & tcp-rst != 0",
	"tcp[tcpflags] == tcp-ack",
	"tcp[tcpflags] & tcp-push != 0",
	"tcp[13] & 0x12 = 0x12",
	"tcp[12] >> 4 > 5",
	"tcp[12] & 0xf0 > 0x50",
	"tcp[0:2] > 1023",
	"tcp[2:2] = 80",
	"tcp[4:4] = 0",
	"tcp[8:4] != 0",
	"tcp[14:2] < 1000",
	"tcp[20] = 0x16",
	"tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
	"tcp and (ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2)) != 0",
	"tcp and host 10.0.0.1 and port 80",
	"tcp and not src net 10.0.0.0/8",
	/* UDP, ICMP, others */
	"udp",
	"udp port 53",
	"udp src port 67 or udp dst port 68",
	"udp[4:2] > 100",
	"udp[8] = 0",
	"udp[0:2] = udp[2:2]",
	"udp and len > 100",
	"icmp",
	"icmp[icmptype] == icmp-echo",
	"icmp[icmptype] == icmp-echoreply",
	"icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply",
	"icmp[0] = 3 and icmp[1] = 3",
	"icmp[icmpcode] = 0",
	"igmp",
	"sctp",
	"sctp port 2905",
	"ip proto 132",
	"ip proto 2",
	"pim",
	"vrrp",
	"ah",
	"esp",
	"gre",
	"ip and gre",
	/* IPv6 */
	"ip6",
	"not ip6",
	"ip6 host 2001:db8::1",
	"ip6 src 2001:db8::2",
	"ip6 dst net 2001:db8::/32",
	"ip6 net fe80::/10",
	"ip6 multicast",
	"ip6 and tcp",
	"ip6 and udp",
	"ip6 and tcp port 80",
	"ip6 and udp port 53",
	"icmp6",
	"icmp6[icmp6type] == icmp6-echo",
	"icmp6[icmp6type] == icmp6-neighborsolicit",
	"ip6 proto 58",
	"ip6[6] = 17",
	"ip6[7] < 64",
	"ip6[0] & 0xf0 = 0x60",
	"ip6[4:2] > 1000",
	"ip6[40] = 0x80",
	"ip6 and ip6[6] = 0",
	"ip6 protochain 6",
	"ip6 protochain 17",
	"ip protochain 6",
	/* lengths and combinations */
	"len > 100",
	"len < 64",
	"len = 60",
	"greater 1000",
	"less 200",
	"len >= 14 and len <= 1514",
	"len - 14 > 40",
	"len & 1 = 1",
	"len % 3 = 0",
	"len / 2 > 300",
	"len * 2 > 3000",
	"len ^ 0xff > 0",
	"len << 1 > 2000",
	"len >> 2 < 20",
	"tcp or udp",
	"tcp or udp or icmp",
	"(tcp or udp) and not port 53",
	"host 10.0.0.1 and (tcp port 80 or udp port 53)",
	"not (tcp or udp)",
	"ip and (ip[6:2] & 0x1fff) = 0",
	"(ip and tcp) or (ip6 and tcp)",
	"(ip and udp port 53) or (ip6 and udp port 53)",
	"ether src 02:00:00:00:00:02 and ip",
	"arp and ether broadcast",
	"not arp and not ip and not ip6",
	"ip[9] = 6 and tcp[13] & 2 != 0 and not tcp[13] & 16 != 0",
	"ip and ip[8] > 1 and ip[8] < 255 and ip[2:2] > 20",
	"ip[ip[0] & 0xf] > 0",
	"ether[ether[14] & 0xf] = 0",
	"tcp[tcp[0] & 0x1f] > 7",
	"ip[2:2] & 0xff00 = ip[2:2] & 0xff00",
	"ip[8] & 0x80 = 0x80 or ip[8] & 0x40 = 0x40",
	"ip[2:2] > 40 and ip[2:2] < 1500 and (ip[6] & 0x40) != 0",
	/* cooked and other link layers */
	"inbound",
	"outbound",
	"ifindex 2",
	"wlan type data",
	"wlan addr1 02:00:00:00:00:01",
	"type mgt subtype beacon",
	"radio",
	"geneve",
	"ip host 10.0.0.1 or ip6 host 2001:db8::1",
	"ppp",
	"slip",
	"link[0] = 0xff",
	"link[0:2] = 0xff03",
};

#define N_EXPR (sizeof(expressions) / sizeof(expressions[0]))

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
	DLT_IPV6,   DLT_NULL,	   DLT_LOOP,	   DLT_PPP, DLT_IEEE802_11_RADIO
};

/* Compiles every expression for dlt, optimised and not, into *out (count in *n). */
static void compile_all(int dlt, struct program **out, size_t *n)
{
	pcap_t *pd = pcap_open_dead(dlt, 262144);
	struct program *v = xmalloc(2 * N_EXPR * sizeof(*v));
	size_t k = 0;
	char what[256];

	if (!pd) {
		fprintf(stderr, "vm-diff: pcap_open_dead failed\n");
		exit(1);
	}
	for (size_t i = 0; i < N_EXPR; i++) {
		for (int opt = 1; opt >= 0; opt--) {
			struct bpf_program fp;

			if (pcap_compile(pd, &fp, expressions[i], opt, PCAP_NETMASK_UNKNOWN)) {
				st.no_compile++;
				continue;
			}
			snprintf(what, sizeof(what), "%s%s '%s'", pcap_datalink_val_to_name(dlt),
				 opt ? "" : " -O", expressions[i]);
			if (program_new(&v[k], (const struct cbpf_insn *)fp.bf_insns, fp.bf_len,
					what))
				k++;
			pcap_freecode(&fp);
		}
	}
	pcap_close(pd);
	*out = v;
	*n = k;
}

/* ---------------------------------------------------------------- packets */

static const uint8_t addrs4[][4] = { { 10, 0, 0, 1 },  { 10, 0, 0, 2 },	       { 192, 168, 1, 1 },
				     { 224, 0, 0, 5 }, { 255, 255, 255, 255 }, { 172, 16, 3, 4 } };
static const uint16_t ports[] = { 22, 53, 67, 68, 80, 443, 2905, 8080, 8500, 1023, 1024 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An L4 header and some payload at p; returns its length. */
static uint32_t l4(uint8_t *p, uint8_t proto, uint32_t room)
{
	uint32_t n = 8 + rnd() % 48;

	if (n > room)
		n = room;
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
	if (n >= 4 && (proto == 6 || proto == 17 || proto == 132)) {
		put16(p, ports[rnd() % (sizeof(ports) / sizeof(ports[0]))]);
		put16(p + 2, ports[rnd() % (sizeof(ports) / sizeof(ports[0]))]);
	}
	if (proto == 6 && n >= 14) {
		p[12] = (uint8_t)((5 + rnd() % 4) << 4);
		p[13] = (uint8_t)(rnd() % 4 ? 1u << (rnd() % 6) : rnd());
	}
	if ((proto == 1 || proto == 58) && n >= 2)
		p[0] = (uint8_t)(rnd() % 2 ? (proto == 1 ? 8 : 128) : rnd() % 140);
	return n;
}

static uint32_t ip_packet(uint8_t *p, uint32_t room, bool v6)
{
	static const uint8_t protos[] = { 6, 17, 1, 2, 47, 132, 89, 58, 0, 44 };
	uint8_t proto = protos[rnd() % (sizeof(protos) / sizeof(protos[0]))];
	uint32_t h, n;

	if (v6) {
		h = 40;
		memset(p, 0, h);
		p[0] = 0x60;
		p[6] = proto;
		p[7] = (uint8_t)rnd();
		p[8] = rnd() % 2 ? 0x20 : 0xfe;
		p[9] = rnd() % 2 ? 0x01 : 0x80;
		p[10] = 0x0d;
		p[11] = 0xb8;
		p[23] = (uint8_t)(1 + rnd() % 3);
		p[24] = rnd() % 4 ? 0x20 : 0xff;
		p[25] = 0x01;
		p[26] = 0x0d;
		p[27] = 0xb8;
		p[39] = (uint8_t)(1 + rnd() % 3);
	} else {
		uint32_t ihl = rnd() % 8 ? 5 : 5 + rnd() % 11;

		h = ihl * 4;
		for (uint32_t i = 0; i < h; i++)
			p[i] = (uint8_t)rnd();
		p[0] = (uint8_t)(0x40 | ihl);
		p[6] = rnd() % 4 ? 0x40 : (uint8_t)rnd();
		p[7] = rnd() % 4 ? 0 : (uint8_t)rnd();
		p[8] = (uint8_t)rnd();
		p[9] = proto;
		memcpy(p + 12, addrs4[rnd() % 6], 4);
		memcpy(p + 16, addrs4[rnd() % 6], 4);
	}
	n = h + l4(p + h, proto, room - h);
	if (v6)
		put16(p + 4, (uint16_t)(n - 40));
	else
		put16(p + 2, (uint16_t)n);
	return n;
}

/* The network-layer packet with the link header of dlt in front. */
static uint32_t synth_frame(int dlt, uint8_t *f)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100, 0x8847,
					  0x8864, 0x88cc, 0x0200, 0x8035 };
	uint16_t type = types[rnd() % (sizeof(types) / sizeof(types[0]))];
	uint32_t off = 0, n;
	bool v6;

	switch (dlt) {
	case DLT_EN10MB:
		for (int i = 0; i < 12; i++)
			f[i] = (uint8_t)rnd();
		if (rnd() % 2)
			memcpy(f, "\xff\xff\xff\xff\xff\xff", 6);
		else if (rnd() % 2)
			memcpy(f, "\x02\x00\x00\x00\x00\x01", 6);
		if (rnd() % 2)
			memcpy(f + 6, "\x02\x00\x00\x00\x00\x02", 6);
		put16(f + 12, type);
		off = 14;
		if (type == 0x8100) {
			put16(f + 14, (uint16_t)(rnd() % 2 ? 100 : rnd()));
			type = rnd() % 2 ? 0x0800 : 0x86dd;
			put16(f + 16, type);
			off = 18;
		}
		break;
	case DLT_LINUX_SLL:
		memset(f, 0, 16);
		put16(f, (uint16_t)(rnd() % 5));
		put16(f + 2, 1);
		put16(f + 4, 6);
		put16(f + 14, type);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		memset(f, 0, 20);
		put16(f, type);
		f[7] = (uint8_t)(1 + rnd() % 3);
		put16(f + 8, 1);
		f[10] = (uint8_t)(rnd() % 5);
		f[11] = 6;
		off = 20;
		break;
	case DLT_NULL:
		f[0] = rnd() % 2 ? 2 : 10;
		f[1] = f[2] = f[3] = 0;
		type = f[0] == 2 ? 0x0800 : 0x86dd;
		off = 4;
		break;
	case DLT_LOOP:
		f[0] = f[1] = f[2] = 0;
		f[3] = rnd() % 2 ? 2 : 24;
		type = f[3] == 2 ? 0x0800 : 0x86dd;
		off = 4;
		break;
	case DLT_PPP:
		f[0] = 0xff;
		f[1] = 0x03;
		put16(f + 2, rnd() % 2 ? 0x0021 : 0x0057);
		type = f[3] == 0x21 ? 0x0800 : 0x86dd;
		off = 4;
		break;
	case DLT_IPV4:
		type = 0x0800;
		break;
	case DLT_IPV6:
		type = 0x86dd;
		break;
	case DLT_IEEE802_11_RADIO:
		n = 8 + rnd() % 60;
		for (uint32_t i = 0; i < n; i++)
			f[i] = (uint8_t)rnd();
		f[0] = 0;
		put16(f + 2, 8);
		f[2] = 8;
		f[3] = 0;
		return n;
	default: /* DLT_RAW */
		type = rnd() % 2 ? 0x0800 : 0x86dd;
	}
	v6 = type == 0x86dd;
	if (type == 0x0800 || type == 0x86dd)
		return off + ip_packet(f + off, 1400, v6);
	n = 8 + rnd() % 60;
	for (uint32_t i = 0; i < n; i++)
		f[off + i] = (uint8_t)rnd();
	return off + n;
}

static void synth_packets(struct packets *ps, int dlt, unsigned count)
{
	uint8_t f[1600];

	ps->dlt = dlt;
	for (unsigned i = 0; i < count; i++) {
		uint32_t n, cap;

		memset(f, 0, sizeof(f));
		n = cap = synth_frame(dlt, f);

		/* Some truncated captures, to meet the bounds checks. */
		if (rnd() % 4 == 0)
			cap = rnd() % (n + 1);
		add_packet(ps, f, cap, n);
	}
}

static int read_capture(const char *file, struct packets *ps)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	if (!p) {
		fprintf(stderr, "vm-diff: %s: %s\n", file, err);
		return -1;
	}
	ps->dlt = pcap_datalink(p);
	while ((r = pcap_next_ex(p, &h, &data)) == 1)
		add_packet(ps, data, h->caplen, h->len);
	if (r == PCAP_ERROR)
		fprintf(stderr, "vm-diff: %s: %s (kept the %zu packets before)\n", file,
			pcap_geterr(p), ps->n);
	pcap_close(p);
	return 0;
}

static void run_all(const struct program *progs, size_t np, const struct packets *ps)
{
	for (size_t j = 0; j < ps->n; j++) {
		struct cbpf_meta meta = { 0 };

		cbpf_meta_from_frame(&meta, ps->dlt, ps->v[j].data, ps->v[j].caplen,
				     ps->v[j].wirelen);
		for (size_t i = 0; i < np; i++)
			run_one(&progs[i], &ps->v[j], &meta);
	}
	st.packets += ps->n;
}

/* ---------------------------------------------------------------- random programs */

/*
 * A random program the kernel would accept: known opcodes, forward jumps in range, no division
 * or modulo by a constant 0, constant shifts below 32, M[k] read only where written on every
 * path (stores at the start), loads often near the packet's end.
 */
static size_t random_program(struct cbpf_insn *v, size_t max, uint32_t len)
{
	static const uint16_t alu[] = { CBPF_ADD, CBPF_SUB, CBPF_MUL, CBPF_DIV, CBPF_MOD,
					CBPF_AND, CBPF_OR,  CBPF_XOR, CBPF_LSH, CBPF_RSH };
	static const uint16_t jmp[] = { CBPF_JEQ, CBPF_JGT, CBPF_JGE, CBPF_JSET };
	static const uint16_t sizes[] = { CBPF_W, CBPF_H, CBPF_B };
	size_t n = 4 + rnd() % (max - 4), i = 0;
	uint16_t written = 0;

	while (i < 2 + rnd() % 3) {
		uint32_t m = rnd() % 16;

		v[i++] = (struct cbpf_insn){ (uint16_t)(rnd() % 2 ? CBPF_ST : CBPF_STX), 0, 0, m };
		written |= (uint16_t)(1u << m);
	}
	for (; i < n - 1; i++) {
		struct cbpf_insn *in = &v[i];
		uint32_t near = len + rnd() % 9 - 6, r = rnd() % 20;
		uint32_t k = rnd() % 3 ? near : rnd() % 3 ? rnd() % 64 : rnd();

		*in = (struct cbpf_insn){ 0 };
		in->k = k;
		if (r < 4) {
			in->code = CBPF_LD | sizes[rnd() % 3] | CBPF_ABS;
			if ((int32_t)in->k < 0)
				in->k &= 0x7fffffff;
		} else if (r < 6) {
			in->code = CBPF_LD | sizes[rnd() % 3] | CBPF_IND;
		} else if (r < 7) {
			in->code = CBPF_LDX | CBPF_B | CBPF_MSH;
			in->k &= 0x7fffffff;
		} else if (r < 11) {
			uint16_t op = alu[rnd() % 10];
			bool x = rnd() % 2;

			in->code = CBPF_ALU | op | (x ? CBPF_X : CBPF_K);
			if (!x && (op == CBPF_LSH || op == CBPF_RSH))
				in->k %= 32;
			if (!x && (op == CBPF_DIV || op == CBPF_MOD) && !in->k)
				in->k = 7;
			if (x && rnd() % 3 == 0)
				in->k = 0;
		} else if (r < 12) {
			in->code = CBPF_ALU | CBPF_NEG;
		} else if (r < 14) {
			in->code = (rnd() % 2 ? CBPF_LD : CBPF_LDX) | CBPF_IMM;
			in->k = rnd() % 2 ? rnd() % 40 : k;
		} else if (r < 15) {
			in->code = (rnd() % 2 ? CBPF_LD : CBPF_LDX) | CBPF_W | CBPF_LEN;
		} else if (r < 16) {
			uint32_t m;

			do
				m = rnd() % 16;
			while (!(written & (1u << m)));
			in->code = (rnd() % 2 ? CBPF_LD : CBPF_LDX) | CBPF_MEM;
			in->k = m;
		} else if (r < 17) {
			in->code = CBPF_MISC | (rnd() % 2 ? CBPF_TAX : CBPF_TXA);
		} else if (r < 18) {
			in->code = rnd() % 2 ? CBPF_ST : CBPF_STX;
			in->k = rnd() % 16;
		} else {
			size_t room = n - i - 2;

			if (rnd() % 5 == 0) {
				in->code = CBPF_JMP | CBPF_JA;
				in->k = rnd() % (room + 1);
			} else {
				in->code = CBPF_JMP | jmp[rnd() % 4];
				in->code |= rnd() % 2 ? CBPF_X : CBPF_K;
				in->k = rnd() % 2 ? rnd() % 300 : k;
				in->jt = (uint8_t)(rnd() % (room < 255 ? room + 1 : 256));
				in->jf = (uint8_t)(rnd() % (room < 255 ? room + 1 : 256));
			}
		}
		/* Some returns in the middle, of A or of a constant. */
		if (rnd() % 25 == 0)
			*in = (struct cbpf_insn){ CBPF_RET | CBPF_K, 0, 0, rnd() % 2 ? 0 : rnd() };
		if (in->code == (CBPF_RET | CBPF_K) && rnd() % 2)
			in->code = CBPF_RET | CBPF_A;
	}
	v[n - 1] = (struct cbpf_insn){ (uint16_t)(CBPF_RET | (rnd() % 4 ? CBPF_A : CBPF_K)), 0, 0,
				       rnd() };
	return n;
}

static void random_runs(unsigned nprogs)
{
	struct cbpf_insn v[64];
	struct packets ps = { .dlt = DLT_EN10MB };
	uint8_t buf[128];
	char what[64];

	for (unsigned i = 0; i < 64; i++) {
		uint32_t len = rnd() % 100;

		for (uint32_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd();
		add_packet(&ps, buf, len, len + (rnd() % 3 ? 0 : rnd() % 2000));
	}
	/* Programs of this tool's own, with loads near the packets' ends. */
	for (unsigned i = 0; i < nprogs; i++) {
		struct program p;
		uint32_t len = ps.v[rnd() % ps.n].caplen;
		size_t n = random_program(v, 1 + 4 + rnd() % 59, len);

		snprintf(what, sizeof(what), "random program %u", i);
		if (!program_new(&p, v, n, what))
			continue;
		for (size_t j = 0; j < ps.n; j++)
			run_one(&p, &ps.v[j], NULL);
		program_free(&p);
	}
	/* And as many of libcbpf's test generator, valid for the kernel, of every shape. */
	for (unsigned i = 0; i < nprogs; i++) {
		struct randprog_opts opts = { .seed = i, .len = 1 + i % 200 };
		struct cbpf_prog *rp = randprog_new(&opts, NULL);
		struct program p;

		if (!rp) {
			fprintf(stderr, "vm-diff: out of memory\n");
			exit(1);
		}
		snprintf(what, sizeof(what), "randprog seed %u (%s)", i,
			 randprog_shape_name(opts.shape));
		if (program_new(&p, cbpf_prog_insns(rp), cbpf_prog_len(rp), what)) {
			for (size_t j = 0; j < ps.n; j++)
				run_one(&p, &ps.v[j], NULL);
			program_free(&p);
		}
		cbpf_prog_free(rp);
	}
	st.packets += ps.n;
	free_packets(&ps);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	unsigned nrandom = 3000, synth = 200;
	int opt;

	while ((opt = getopt(argc, argv, "vr:s:")) != -1) {
		switch (opt) {
		case 'v':
			st.verbose = 1;
			break;
		case 'r':
			nrandom = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			fprintf(stderr, "usage: vm-diff [-v] [-r RANDOM_PROGRAMS] [-s SEED] "
					"[CAPTURE.pcap...]\n");
			return 2;
		}
	}

	/* Every link type: its compiled expressions over synthesized frames and the captures. */
	for (size_t d = 0; d < sizeof(dlts) / sizeof(dlts[0]); d++) {
		struct program *progs;
		size_t np;
		struct packets ps = { 0 };
		unsigned long before = st.packets;

		compile_all(dlts[d], &progs, &np);
		synth_packets(&ps, dlts[d], synth);
		run_all(progs, np, &ps);
		free_packets(&ps);
		for (int i = optind; i < argc; i++) {
			if (read_capture(argv[i], &ps)) {
				free_packets(&ps);
				return 1;
			}
			/* pcap_datalink gives DLT_RAW for LINKTYPE_RAW, and so on. */
			if (ps.dlt == dlts[d])
				run_all(progs, np, &ps);
			free_packets(&ps);
		}
		if (st.verbose)
			printf("%-20s %zu programs x %lu packets\n",
			       pcap_datalink_val_to_name(dlts[d]), np, st.packets - before);
		for (size_t i = 0; i < np; i++)
			program_free(&progs[i]);
		free(progs);
	}
	random_runs(nrandom);

	printf("skipped: %lu programs with Linux-only loads (ancillary, negative offsets), "
	       "%lu the interpreter refuses (backward jumps), %lu reading M[k] before writing it "
	       "(the kernel refuses them; libpcap reads its stack), %lu expression/link type "
	       "pairs libpcap does not compile\n",
	       st.skipped_linux, st.refused, st.unwritten, st.no_compile);
	printf("not compared: %lu runs where the kernel and libpcap differ by design "
	       "(shift by X >= 32, [x + k] past 2^31)\n",
	       st.divergent_runs);
	printf("%lu programs x %lu packets (%lu runs, %lu also as native code): %lu differences\n",
	       st.programs, st.packets, st.runs, st.jit_runs, st.differences);
	return st.differences ? 1 : 0;
}
