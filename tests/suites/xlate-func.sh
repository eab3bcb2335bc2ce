#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-xlate -t func: the object links with `bpftool gen object` into a tc program of this
# test's own (clang -target bpf), whose verdicts under BPF_PROG_TEST_RUN must equal libpcap's
# (pcap_offline_filter) on every frame of the project's Ethernet captures, read directly and with
# --probe; --name renames the
# function; -t func --probe links into a kprobe program on an skb function that the verifier
# accepts, and attached (a perf event kprobe, through libbpf) it fires on the frames a veth
# receives with libpcap's verdicts on them; and attached with tc to a veth, what it drops does
# not cross. Skips (77) without root, clang, bpftool, libbpf's headers or the kernel's BTF.
set -u
B=${1:?usage: xlate-func.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
R="$(pwd)/$B/tests/bin/func-run"
P="$(pwd)/$B/tests/bin/pcap-verdicts"
[ -x "$X" ] && [ -x "$R" ] && [ -x "$P" ] || { echo "missing $X, $R or $P"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: loading programs needs root"; exit 77; }
for c in clang bpftool; do
	command -v $c >/dev/null 2>&1 || { echo "skipped: $c is not installed"; exit 77; }
done
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "skipped: libbpf-dev is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CLANG="clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu"

n=0 bad=0
fail() {
	echo "FAIL $1"
	[ -s "$tmp/err" ] && sed 's/^/    /' "$tmp/err" | head -20
	bad=$((bad + 1))
}

# The caller: nonzero (1) for a match. The extern's prototype is the one cbpf-xlate documents.
cat >"$tmp/tc.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
extern int cbpf_filter(void *data, void *data_end);
SEC("tc") int classify(struct __sk_buff *skb)
{
	return cbpf_filter((void *)(long)skb->data, (void *)(long)skb->data_end) != 0;
}
char _license[] SEC("license") = "GPL";
C
$CLANG -c "$tmp/tc.c" -o "$tmp/tc.o" 2>"$tmp/err" || { fail "clang compiles the caller"; exit 1; }

# Expressions that read bytes at fixed offsets, at offsets from X (tcp ports after the IPv4
# header's length), past short frames, and the frame's length.
cat >"$tmp/exprs" <<'E'
ip
arp
ip6
icmp
tcp port 80
udp port 53
tcp[tcpflags] & tcp-syn != 0
ip[2:2] > 100
ip and not tcp
host 10.0.0.1 or net 192.168.0.0/16
ip6 and tcp
mpls
portrange 1-1000
ip[6:2] & 0x1fff != 0
greater 200
ether broadcast
tcp[20:2] = 0x4745
ether[0] & 1 = 0 and len >= 60
E
# Direct access, and --probe (tc programs loaded as root may call bpf_probe_read_kernel too).
for mode in '' --probe; do
while IFS= read -r expr; do
	n=$((n + 1))
	if ! "$X" -t func $mode -e "$expr" -o "$tmp/f.o" 2>"$tmp/err" ||
		! bpftool gen object "$tmp/linked.o" "$tmp/tc.o" "$tmp/f.o" 2>"$tmp/err"; then
		fail "-t func $mode -e '$expr': translate and link"
		continue
	fi
	frames=0 differ=0
	for cap in pcaps/*.pcap; do
		# The function's length is the bytes it is given: a truncated capture's wire
		# length (libpcap's) is not among them.
		case $expr:$cap in *len*:*snap* | *greater*:*snap* | *less*:*snap*) continue ;; esac
		"$P" "$cap" "$expr" >"$tmp/want" 2>"$tmp/err"
		case $? in 0) ;; 2) continue ;; *) fail "pcap-verdicts $cap '$expr'" && continue ;; esac
		if ! "$R" "$tmp/linked.o" "$cap" >"$tmp/got" 2>"$tmp/err"; then
			[ $? -eq 77 ] && { echo "skipped: the kernel refuses bpf(2)"; exit 77; }
			fail "-t func $mode -e '$expr': load and run on $cap"
			continue 2
		fi
		# Frames shorter than an Ethernet header are not run ("-").
		awk 'NR == FNR { if ($2 != "-") ran[$1] = 1; next } $1 in ran' \
			"$tmp/got" "$tmp/want" >"$tmp/want.ran"
		grep -v ' -$' "$tmp/got" >"$tmp/got.ran"
		frames=$((frames + $(wc -l <"$tmp/got.ran")))
		if ! cmp -s "$tmp/want.ran" "$tmp/got.ran"; then
			differ=1
			diff "$tmp/want.ran" "$tmp/got.ran" | head -5 >"$tmp/err"
			fail "-t func $mode -e '$expr' on $cap: verdicts differ from libpcap's"
		fi
	done
	[ $differ -eq 0 ] && [ $frames -eq 0 ] && fail "-t func $mode -e '$expr': no frame was run"
done <"$tmp/exprs"
done

# Attached: the caller drops what the function does not match, on the ingress of a veth whose
# peer is in another network namespace: of UDP datagrams to ports 7000 and 7001, only those the
# expression matches arrive.
n=$((n + 1))
U="$(pwd)/$B/tests/bin/xlate-udp"
ns1=cbpf-func-a-$$ ns2=cbpf-func-b-$$
sed 's/!= 0;/? 0 : 2; \/* TC_ACT_OK, TC_ACT_SHOT *\//' "$tmp/tc.c" >"$tmp/drop.c"
if ! command -v ip >/dev/null 2>&1 || ! command -v tc >/dev/null 2>&1 || [ ! -x "$U" ] ||
	! ip netns add "$ns1" 2>/dev/null; then
	echo "skipped: attached on a veth: needs ip, tc, $U and network namespaces"
else
	trap 'ip netns del "$ns1"; ip netns del "$ns2"; rm -rf "$tmp"' EXIT
	ip netns add "$ns2"
	ip -n "$ns1" link add v0 type veth peer name v1 netns "$ns2" &&
		ip -n "$ns1" addr add 10.77.0.1/24 dev v0 && ip -n "$ns1" link set v0 up &&
		ip -n "$ns2" addr add 10.77.0.2/24 dev v1 && ip -n "$ns2" link set v1 up &&
		ip netns exec "$ns2" tc qdisc add dev v1 clsact &&
		$CLANG -c "$tmp/drop.c" -o "$tmp/drop.o" 2>"$tmp/err" || fail "veth setup"
	for case in 'arp or udp dst port 7000|7000 3/3 7001 0/3 ' \
		'arp or udp[2:2] = 7001|7000 0/3 7001 3/3 '; do
		expr=${case%%|*} want=${case#*|}
		ip netns exec "$ns2" tc filter del dev v1 ingress 2>/dev/null
		if "$X" -t func -e "$expr" -o "$tmp/f.o" 2>"$tmp/err" &&
			bpftool gen object "$tmp/attached.o" "$tmp/drop.o" "$tmp/f.o" 2>"$tmp/err" &&
			ip netns exec "$ns2" tc filter add dev v1 ingress bpf da obj "$tmp/attached.o" \
				sec tc >"$tmp/err" 2>&1; then
			got=$("$U" "$ns1" "$ns2" 10.77.0.2 3 7000 7001 2>"$tmp/err" | tr '\n' ' ')
			[ "$got" = "$want" ] || echo "got '$got', expected '$want'" >>"$tmp/err"
			[ "$got" = "$want" ] || fail "attached on a veth: '$expr'"
		else
			fail "attached on a veth: '$expr': translate, link and attach"
		fi
	done
fi

# --name: the function's symbol and BTF name, what the caller declares.
n=$((n + 1))
sed 's/cbpf_filter/my_filter/' "$tmp/tc.c" >"$tmp/named.c"
if $CLANG -c "$tmp/named.c" -o "$tmp/named.o" 2>"$tmp/err" &&
	"$X" -t func --name my_filter -e 'udp' -o "$tmp/g.o" 2>"$tmp/err" &&
	bpftool btf dump file "$tmp/g.o" >"$tmp/btf" 2>"$tmp/err" &&
	grep -q "FUNC 'my_filter' type_id=3 linkage=global" "$tmp/btf" &&
	bpftool gen object "$tmp/nl.o" "$tmp/named.o" "$tmp/g.o" 2>"$tmp/err" &&
	"$R" "$tmp/nl.o" pcaps/eth-dns.pcap >"$tmp/got" 2>"$tmp/err" &&
	"$P" pcaps/eth-dns.pcap udp >"$tmp/want" && cmp -s "$tmp/want" "$tmp/got"; then :; else
	fail "--name my_filter: linked under that name, libpcap's verdicts"
fi
n=$((n + 1))
if "$X" -t func --name 'no good' -e udp -o "$tmp/h.o" 2>"$tmp/err" ||
	! grep -q "\--name 'no good': use a C identifier" "$tmp/err" || [ -e "$tmp/h.o" ]; then
	fail "--name 'no good' is refused, nothing written"
fi
n=$((n + 1))
: >"$tmp/err"
if "$X" -t tc --probe -e udp -o "$tmp/h.o" 2>"$tmp/err" ||
	! grep -q "probe is for -t func" "$tmp/err" || [ -e "$tmp/h.o" ]; then
	fail "--probe outside -t func is refused"
fi
n=$((n + 1))
printf 'ld #proto\nret a\n' >"$tmp/anc.bpf"
if "$X" -t func -o "$tmp/h.o" "$tmp/anc.bpf" 2>"$tmp/err" ||
	! grep -q "cannot be translated for func: a function gets the packet's bytes only" \
		"$tmp/err" || [ -e "$tmp/h.o" ]; then
	fail "-t func refuses ld #proto, saying why"
fi

# --probe in a kprobe program on an skb function: the verifier accepts it. (fentry would do as
# well where the kernel allows tracing programs of that type; some sandboxes refuse them.)
n=$((n + 1))
case $(uname -m) in
x86_64) arch=x86 ;; aarch64) arch=arm64 ;; s390x) arch=s390 ;; *) arch= ;;
esac
if [ ! -r /sys/kernel/btf/vmlinux ] || [ -z "$arch" ]; then
	echo "skipped: --probe in kprobe: no kernel BTF (/sys/kernel/btf/vmlinux) or unknown arch"
else
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$tmp/vmlinux.h" 2>"$tmp/err"
	cat >"$tmp/kprobe.c" <<'C'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
extern int cbpf_filter(void *data, void *data_end);
int matched;
SEC("kprobe/__netif_receive_skb")
int BPF_KPROBE(seen, struct sk_buff *skb)
{
	unsigned char *head = 0, *data = 0;
	__u16 mac = 0;
	__u32 len = 0, data_len = 0;

	bpf_probe_read_kernel(&head, sizeof(head), &skb->head);
	bpf_probe_read_kernel(&mac, sizeof(mac), &skb->mac_header);
	bpf_probe_read_kernel(&data, sizeof(data), &skb->data);
	bpf_probe_read_kernel(&len, sizeof(len), &skb->len);
	bpf_probe_read_kernel(&data_len, sizeof(data_len), &skb->data_len);
	if (cbpf_filter(head + mac, data + (len - data_len)))
		matched++;
	return 0;
}
char _license[] SEC("license") = "GPL";
C
	mkdir -p "$tmp/bpffs"
	if ! mount -t bpf bpf "$tmp/bpffs" 2>/dev/null; then
		echo "skipped: --probe in kprobe: cannot mount a bpf filesystem"
	elif ! $CLANG -D__TARGET_ARCH_$arch -I"$tmp" -c "$tmp/kprobe.c" -o "$tmp/kprobe.o" \
		2>"$tmp/err" ||
		! "$X" -t func --probe -e 'tcp port 80 or udp[8:2] = 0x1234 or len > 100' \
			-o "$tmp/p.o" 2>"$tmp/err" ||
		! bpftool gen object "$tmp/kl.o" "$tmp/kprobe.o" "$tmp/p.o" 2>"$tmp/err" ||
		! bpftool prog load "$tmp/kl.o" "$tmp/bpffs/seen" >"$tmp/err" 2>&1; then
		fail "-t func --probe linked into a kprobe program: the verifier accepts it"
	fi
	rm -f "$tmp/bpffs/seen"
	umount "$tmp/bpffs" 2>/dev/null

	# Attached and seen firing: the kprobe (a perf event, through libbpf) calls the function on
	# each frame the veth above receives, and the verdicts equal libpcap's on those frames.
	# Kernels without kprobes (no kprobe PMU, no kprobe_events) get the raw tracepoint
	# netif_receive_skb on the same path instead, saying why.
	n=$((n + 1))
	K="$(pwd)/$B/tests/bin/func-kprobe"
	cat >"$tmp/kring.c" <<'C'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
extern int cbpf_filter(void *data, void *data_end);
struct frame {
	__u32 len, caplen;
	__s32 verdict;
	__u8 data[256];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cfg SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} frames SEC(".maps");
static __always_inline int see(struct sk_buff *skb)
{
	__u32 zero = 0, *want = bpf_map_lookup_elem(&cfg, &zero), len = 0, data_len = 0, n;
	struct net_device *dev = 0;
	unsigned char *head = 0, *data = 0, *start, *end;
	int ifindex = 0;
	__u16 mac = 0;
	struct frame *f;

	bpf_probe_read_kernel(&dev, sizeof(dev), &skb->dev);
	bpf_probe_read_kernel(&ifindex, sizeof(ifindex), &dev->ifindex);
	if (!want || (__u32)ifindex != *want)
		return 0;
	bpf_probe_read_kernel(&head, sizeof(head), &skb->head);
	bpf_probe_read_kernel(&mac, sizeof(mac), &skb->mac_header);
	bpf_probe_read_kernel(&data, sizeof(data), &skb->data);
	bpf_probe_read_kernel(&len, sizeof(len), &skb->len);
	bpf_probe_read_kernel(&data_len, sizeof(data_len), &skb->data_len);
	start = head + mac;
	end = data + (len - data_len);
	f = bpf_ringbuf_reserve(&frames, sizeof(*f), 0);
	if (!f)
		return 0;
	f->verdict = cbpf_filter(start, end);
	n = end - start;
	f->len = n;
	if (n > sizeof(f->data) - 1)
		n = sizeof(f->data) - 1;
	f->caplen = n;
	/* The mask shows the verifier the bound that clang's 32-bit compare leaves it. */
	bpf_probe_read_kernel(f->data, n & 0xff, start);
	bpf_ringbuf_submit(f, 0);
	return 0;
}
SEC("kprobe/__netif_receive_skb")
int BPF_KPROBE(seen, struct sk_buff *skb)
{
	return see(skb);
}
/* Where the kernel has no kprobes: the tracepoint on the same path, a tracing program too. */
SEC("raw_tracepoint/netif_receive_skb")
int seen_tp(struct bpf_raw_tracepoint_args *ctx)
{
	return see((struct sk_buff *)ctx->args[0]);
}
char _license[] SEC("license") = "GPL";
C
	expr='udp dst port 7000 or arp'
	if [ ! -x "$K" ] || [ ! -x "$U" ] || ! ip netns list 2>/dev/null | grep -q "^$ns2"; then
		echo "skipped: --probe attached: needs $K, $U and the veth above"
	elif ! $CLANG -D__TARGET_ARCH_$arch -I"$tmp" -c "$tmp/kring.c" -o "$tmp/kring.o" \
		2>"$tmp/err" ||
		! "$X" -t func --probe -e "$expr" -o "$tmp/p.o" 2>"$tmp/err" ||
		! bpftool gen object "$tmp/kr.o" "$tmp/kring.o" "$tmp/p.o" 2>"$tmp/err"; then
		fail "-t func --probe: build and link the kprobe program"
	else
		ip netns exec "$ns2" tc filter del dev v1 ingress 2>/dev/null
		ifindex=$(ip -n "$ns2" -o link show v1 | cut -d: -f1)
		"$K" "$tmp/kr.o" "$ifindex" "$tmp/seen.pcap" "$U" "$ns1" "$ns2" 10.77.0.2 3 7000 \
			7001 >"$tmp/got" 2>"$tmp/err"
		case $? in
		0)
			"$P" "$tmp/seen.pcap" "$expr" >"$tmp/want" 2>>"$tmp/err"
			matched=$(grep -c ' 1$' "$tmp/got")
			if ! cmp -s "$tmp/want" "$tmp/got"; then
				diff "$tmp/want" "$tmp/got" | head -5 >>"$tmp/err"
				fail "-t func --probe attached: verdicts differ from libpcap's"
			elif [ "$matched" -lt 3 ] || [ "$matched" -ge "$(wc -l <"$tmp/got")" ]; then
				fail "-t func --probe attached: $matched of $(wc -l <"$tmp/got")" \
					"frames matched (3 datagrams to 7000 and 3 to 7001 were sent)"
			else
				# Which program fired, and why those before it did not attach.
				grep '^the kernel refuses' "$tmp/err" | sed 's/^/note: /'
				echo "--probe $(grep '^attached' "$tmp/err"):" \
					"$(wc -l <"$tmp/got") frames, $matched matched, as libpcap says"
			fi ;;
		77) echo "skipped: --probe attached: $(tail -n 1 "$tmp/err")" ;;
		*) fail "-t func --probe attached: func-kprobe" ;;
		esac
	fi
fi

echo "xlate-func: $((n - bad)) of $n checks passed"
[ $bad -eq 0 ]
