#!/bin/sh
# SPDX-License-Identifier: MIT
# Attached translations filter real traffic: two network namespaces joined by a veth pair; UDP
# datagrams to ports 7000 and 7001 cross from one to the other. With a filter for "udp dst port
# 7000" attached by cbpf-xlate to the receiving veth (tc ingress, then XDP), only port 7000's
# arrive; detached, both do again. Each attach says what it attached; one that would drop the
# traffic of the default route or an SSH session is refused without --force. Skips (77)
# without root or ip.
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
# What an attach says: the program, where, and what packets get.
n=$((n + 1))
said=$(ip netns exec $b "$X" -t tc -e 'udp dst port 7000' --attach-tc v1 2>&1)
case $said in
"attached program "[0-9]*" (cbpf_tc) to v1 tc ingress (clsact, handle 0xcbf, priority 3263,"\
" direct action): packets it matches get 0 (ok), the others 2 (shot); --detach removes it") ;;
*) echo "FAIL attach tc said: $said"; bad=$((bad + 1)) ;;
esac
expect "tc ingress filter" "7000 5/5 7001 0/5 "
step "detach tc" "$X" -t tc --attach-tc v1 --detach
expect "tc detached" "7000 5/5 7001 5/5 "
step "attach tc, actions swapped" "$X" -t tc -e 'udp dst port 7000' --match shot --nomatch ok \
	--attach-tc v1
expect "tc ingress filter, actions swapped" "7000 0/5 7001 5/5 "
step "detach tc" "$X" -t tc --attach-tc v1 --detach
n=$((n + 1))
said=$(ip netns exec $b "$X" -t xdp -e 'udp dst port 7000' --attach-xdp v1 2>&1)
case $said in
"attached program "[0-9]*" (cbpf_xdp) to v1 XDP ("*" mode): packets it matches get 2 (pass),"\
" the others 1 (drop); --detach removes it") ;;
*) echo "FAIL attach xdp said: $said"; bad=$((bad + 1)) ;;
esac
expect "xdp filter" "7000 5/5 7001 0/5 "
step "detach xdp" "$X" -t xdp --attach-xdp v1 --detach
expect "xdp detached" "7000 5/5 7001 5/5 "
# A filter that drops what it does not match is not attached where it cuts the machine off:
# the device of the default route, of $SSH_CONNECTION, of a connection to port 22.
refused() { # description why-pattern [environment...] -- cbpf-xlate arguments
	what=$1 pattern=$2
	shift 2
	n=$((n + 1))
	ip netns exec $b env "$@" >/tmp/cbpf-xlate-attach.$$ 2>&1
	rc=$?
	if [ $rc != 1 ] || ! grep -q "^cbpf-xlate: error: not attaching to v1: $pattern, and the" \
		/tmp/cbpf-xlate-attach.$$ || ! grep -q -- "--force attaches it" /tmp/cbpf-xlate-attach.$$
	then
		echo "FAIL $what: exit $rc"
		sed 's/^/    /' /tmp/cbpf-xlate-attach.$$
		bad=$((bad + 1))
	fi
	rm -f /tmp/cbpf-xlate-attach.$$
}
ip -n $b route add default via 10.99.0.1 dev v1 || exit 1
refused "tc on the default route" "it carries this machine's default route (via 10.99.0.1)" \
	"$X" -t tc -e 'udp dst port 7000' --attach-tc v1
refused "xdp on the default route" "it carries this machine's default route (via 10.99.0.1)" \
	"$X" -t xdp -e 'udp dst port 7000' --attach-xdp v1
expect "nothing attached after the refusals" "7000 5/5 7001 5/5 "
step "attach tc letting the others through" "$X" -t tc -e 'udp dst port 7000' --nomatch ok \
	--attach-tc v1
step "detach tc" "$X" -t tc --attach-tc v1 --detach
step "attach xdp with --force" "$X" -t xdp -e 'udp dst port 7000' --attach-xdp v1 --force
expect "xdp filter with --force" "7000 5/5 7001 0/5 "
step "detach xdp" "$X" -t xdp --attach-xdp v1 --detach
ip -n $b route del default
refused "tc on the SSH session's device" \
	"it carries this SSH session (SSH_CONNECTION: from 10.99.0.1 to 10.99.0.2)" \
	SSH_CONNECTION="10.99.0.1 40000 10.99.0.2 22" "$X" -t tc -e 'udp dst port 7000' --attach-tc v1
if command -v python3 >/dev/null 2>&1; then
	ip netns exec $b python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.99.0.2", 22)); s.listen(1); c = s.accept(); time.sleep(20)' &
	server=$!
	sleep 1
	ip netns exec $a python3 -c 'import socket, time
s = socket.create_connection(("10.99.0.2", 22)); time.sleep(20)' &
	client=$!
	# Until the connection is established (state 01, local port 22 = 0x16), 10 s at most.
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		ip netns exec $b cat /proc/net/tcp | grep -q '^ *[0-9]*: [0-9A-F]*:0016 [0-9A-F:]* 01 ' &&
			break
		sleep 0.5
	done
	refused "tc with a connection to port 22" \
		"it carries an SSH session (10.99.0.2 port 22 to 10.99.0.1 port [0-9]*)" \
		"$X" -t tc -e 'udp dst port 7000' --attach-tc v1
	kill $client $server 2>/dev/null
	wait $client $server 2>/dev/null
fi
echo "$((n - bad))/$n attach steps and traffic checks as expected (tc ingress and XDP on a veth)"
[ $bad -eq 0 ]
