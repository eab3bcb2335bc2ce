#!/bin/sh
# SPDX-License-Identifier: MIT
# Attached translations filter real traffic: two network namespaces joined by a veth pair; UDP
# datagrams to ports 7000 and 7001 cross from one to the other. With a filter for "udp dst port
# 7000" attached by cbpf-xlate to the receiving veth (tc ingress, then XDP), only port 7000's
# arrive; detached, both do again. Skips (77) without root or ip.
set -u
B=${1:?usage: xlate-attach.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
U="$B/tests/bin/xlate-udp"
[ -x "$X" ] && [ -x "$U" ] || { echo "missing $X or $U"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces and attaching need root"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "skipped: ip is not installed"; exit 77; }
a=cbpf-xlate-a-$$ b=cbpf-xlate-b-$$
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null' EXIT
ip netns add $a && ip netns add $b || { echo "skipped: cannot create network namespaces"; exit 77; }
ip -n $a link add v0 type veth peer name v1 netns $b || { echo "skipped: no veth"; exit 77; }
ip -n $a addr add 10.99.0.1/24 dev v0 && ip -n $b addr add 10.99.0.2/24 dev v1 &&
	ip -n $a link set v0 up && ip -n $b link set v1 up || exit 1
# No ARP needed: the filters under test drop it.
mac_a=$(ip -n $a -o link show v0 | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
mac_b=$(ip -n $b -o link show v1 | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
ip -n $a neigh add 10.99.0.2 lladdr "$mac_b" dev v0 nud permanent &&
	ip -n $b neigh add 10.99.0.1 lladdr "$mac_a" dev v1 nud permanent || exit 1

n=0 bad=0
expect() { # description expected-output
	n=$((n + 1))
	got=$("$U" $a $b 10.99.0.2 5 7000 7001 | tr '\n' ' ')
	if [ "$got" != "$2" ]; then
		echo "FAIL $1: got '$got', wanted '$2'"
		bad=$((bad + 1))
	fi
}
step() { # description command...
	what=$1
	shift
	n=$((n + 1))
	if ! ip netns exec $b "$@" >/tmp/cbpf-xlate-attach.$$ 2>&1; then
		echo "FAIL $what"
		sed 's/^/    /' /tmp/cbpf-xlate-attach.$$
		bad=$((bad + 1))
	fi
	rm -f /tmp/cbpf-xlate-attach.$$
}

expect "nothing attached" "7000 5/5 7001 5/5 "
step "attach tc" "$X" -t tc -e 'udp dst port 7000' --attach-tc v1
expect "tc ingress filter" "7000 5/5 7001 0/5 "
step "detach tc" "$X" -t tc --attach-tc v1 --detach
expect "tc detached" "7000 5/5 7001 5/5 "
step "attach tc, actions swapped" "$X" -t tc -e 'udp dst port 7000' --match shot --nomatch ok \
	--attach-tc v1
expect "tc ingress filter, actions swapped" "7000 0/5 7001 5/5 "
step "detach tc" "$X" -t tc --attach-tc v1 --detach
step "attach xdp" "$X" -t xdp -e 'udp dst port 7000' --attach-xdp v1
expect "xdp filter" "7000 5/5 7001 0/5 "
step "detach xdp" "$X" -t xdp --attach-xdp v1 --detach
expect "xdp detached" "7000 5/5 7001 5/5 "
echo "$((n - bad))/$n attach steps and traffic checks as expected (tc ingress and XDP on a veth)"
[ $bad -eq 0 ]
