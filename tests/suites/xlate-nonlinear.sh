#!/bin/sh
# SPDX-License-Identifier: MIT
# tc translations read packet bytes directly where the sk_buff's linear part holds them and
# through bpf_skb_load_bytes() where it does not: a paged sk_buff must get the classic verdict.
# BPF_PROG_TEST_RUN builds linear sk_buffs only (Linux 6.18 refuses a __sk_buff data_end that
# would make one), so real traffic does it: UDP datagrams sent with UDP_SEGMENT (GSO), whose
# payload the kernel puts in page fragments, leave a network namespace through a veth whose tc
# egress hook has a filter reading 4 payload bytes 202 bytes into the frame. A control program
# (clang -target bpf) first shows that tc sees those bytes outside the linear part: dropping
# such packets drops the datagrams. Then the translation must let through exactly those it
# matches, with the actions either way round; with -l 100, datagrams too short for the bytes,
# the filter's out-of-bounds load ends it with no match. Skips (77) without root, ip or tc.
set -u
B=${1:?usage: xlate-nonlinear.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
U="$(pwd)/$B/tests/bin/xlate-udp"
[ -x "$X" ] && [ -x "$U" ] || { echo "missing $X or $U"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces and attaching need root"; exit 77; }
for c in ip tc; do
	command -v $c >/dev/null 2>&1 || { echo "skipped: $c is not installed"; exit 77; }
done
a=cbpf-nonlin-a-$$ b=cbpf-nonlin-b-$$
tmp=$(mktemp -d)
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null; rm -rf "$tmp"' EXIT
ip netns add $a && ip netns add $b || { echo "skipped: cannot create network namespaces"; exit 77; }
ip -n $a link add v0 type veth peer name v1 netns $b || { echo "skipped: no veth"; exit 77; }
ip -n $a addr add 10.98.0.1/24 dev v0 && ip -n $b addr add 10.98.0.2/24 dev v1 &&
	ip -n $a link set v0 up && ip -n $b link set v1 up || exit 1
mac_b=$(ip -n $b -o link show v1 | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
ip -n $a neigh add 10.98.0.2 lladdr "$mac_b" dev v0 nud permanent || exit 1

n=0 bad=0
fail() {
	echo "FAIL $1"
	[ -s "$tmp/err" ] && sed 's/^/    /' "$tmp/err" | head -20
	bad=$((bad + 1))
}
expect() { # description expected-output [xlate-udp options]
	what=$1 want=$2
	shift 2
	n=$((n + 1))
	got=$("$U" "$@" $a $b 10.98.0.2 5 7000 7001 2>"$tmp/err" | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "got '$got', wanted '$want'" >>"$tmp/err"; fail "$what"; }
}
# Payload byte 160 (frame byte 14 + 20 + 8 + 160 = 202) starts a "cbpf" (0x63627066).
expr='udp dst port 7000 and ether[202:4] = 0x63627066'
attach() { # description cbpf-xlate options...
	what=$1
	shift
	n=$((n + 1))
	ip netns exec $a "$X" -t tc -e "$expr" --attach-tc v0:egress "$@" >"$tmp/err" 2>&1 ||
		fail "$what"
}
detach() {
	n=$((n + 1))
	ip netns exec $a "$X" -t tc --attach-tc v0:egress --detach >"$tmp/err" 2>&1 ||
		fail "detach"
}

expect "nothing attached, paged datagrams" "7000 5/5 7001 5/5 " -l 400 -g 400

# The control: TC_ACT_SHOT for a packet of 206 bytes or more whose linear part ends before.
if command -v clang >/dev/null 2>&1 && [ -f /usr/include/bpf/bpf_helpers.h ]; then
	cat >"$tmp/paged.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tc") int paged(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	return skb->len >= 206 && data + 206 > end ? 2 : 0;
}
char _license[] SEC("license") = "GPL";
C
	n=$((n + 1))
	if clang -O2 -target bpf -I/usr/include/"$(uname -m)"-linux-gnu -c "$tmp/paged.c" \
		-o "$tmp/paged.o" 2>"$tmp/err" &&
		ip netns exec $a tc qdisc add dev v0 clsact 2>"$tmp/err" &&
		ip netns exec $a tc filter add dev v0 egress bpf da obj "$tmp/paged.o" sec tc \
			2>"$tmp/err"; then
		expect "control: UDP_SEGMENT datagrams are paged at tc egress" \
			"7000 0/5 7001 0/5 " -l 400 -g 400
		expect "control: plain datagrams are linear" "7000 5/5 7001 5/5 " -l 400
		ip netns exec $a tc filter del dev v0 egress
	else
		fail "control program: compile and attach"
	fi
else
	echo "note: no clang or libbpf-dev: the control that the datagrams are paged is left out"
fi

attach "attach tc egress"
expect "paged: the filter reads bytes past the linear part" "7000 5/5 7001 0/5 " -l 400 -g 400
expect "linear: the same datagrams without GSO" "7000 5/5 7001 0/5 " -l 400
expect "too short for the bytes: out of bounds is no match" "7000 0/5 7001 0/5 " -l 100 -g 100
detach
attach "attach tc egress, actions swapped" --match shot --nomatch ok
expect "paged, actions swapped" "7000 0/5 7001 5/5 " -l 400 -g 400
expect "too short, actions swapped" "7000 5/5 7001 5/5 " -l 100 -g 100
detach
echo "---- $((n - bad)) passed, $bad failed of $n"
[ $bad -eq 0 ]
