#!/bin/sh
# SPDX-License-Identifier: MIT
# Attached translations filter real traffic: two network namespaces joined by a veth pair; UDP
# datagrams to ports 7000 and 7001 cross from one to the other. With a filter for "udp dst port
# 7000" attached by cbpf-xlate to the receiving veth (tc ingress, then XDP), only port 7000's
# arrive; detached, both do again. Each attach says what it attached; one that would drop the
# traffic of the default route or an SSH session is refused without --force. Run through
# `ip netns exec`, whose fresh /sys has no bpf filesystem for a link's pin, cbpf-xlate attaches
# as cls_bpf and through netlink; through nsenter, with this machine's /sys/fs/bpf, through a
# tcx link (kernels 6.6 and later) and an XDP link, pinned in /sys/fs/bpf/cbpf-xlate and shown
# by bpftool. Skips (77) without root or ip.
set -u
B=${1:?usage: xlate-attach.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
U="$B/tests/bin/xlate-udp"
[ -x "$X" ] && [ -x "$U" ] || { echo "missing $X or $U"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces and attaching need root"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "skipped: ip is not installed"; exit 77; }
a=cbpf-xlate-a-$$ b=cbpf-xlate-b-$$
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null; rm -f $links' EXIT
links=
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
"attached program "[0-9]*" (cbpf_udp_dst_port_7000) to v1 tc ingress (clsact, handle 0xcbf, priority 3263,"\
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
"attached program "[0-9]*" (cbpf_udp_dst_port_7000) to v1 XDP ("*" mode, netlink): packets it"\
" matches get 2 (pass), the others 1 (drop); --detach removes it") ;;
*) echo "FAIL attach xdp said: $said"; bad=$((bad + 1)) ;;
esac
expect "xdp filter" "7000 5/5 7001 0/5 "
n=$((n + 1))
ip -n $b link show v1 | grep -q 'prog/xdp id [0-9]* name cbpf_udp_dst_po ' ||
	{ echo "FAIL ip link does not show the kernel's 15 bytes of the name"; bad=$((bad + 1)); }
step "detach xdp" "$X" -t xdp --attach-xdp v1 --detach
expect "xdp detached" "7000 5/5 7001 5/5 "

# Through links: nsenter keeps this machine's /sys/fs/bpf, where the links are pinned.
ino=$(stat -L -c %i /run/netns/$b 2>/dev/null)
dir=/sys/fs/bpf/cbpf-xlate
in_b() { nsenter --net=/run/netns/$b "$@"; }
kernel=$(uname -r | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
if ! command -v nsenter >/dev/null 2>&1 || ! command -v bpftool >/dev/null 2>&1 || [ -z "$ino" ] ||
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	echo "links not tested: no nsenter, no bpftool, or no bpf filesystem at /sys/fs/bpf"
else
	links="$dir/net$ino-v1-tc-ingress $dir/net$ino-v1-xdp"
	bstep() { # description command...: step without ip netns exec's /sys
		what=$1
		shift
		n=$((n + 1))
		if ! "$@" >/tmp/cbpf-xlate-attach.$$ 2>&1; then
			echo "FAIL $what"
			sed 's/^/    /' /tmp/cbpf-xlate-attach.$$
			bad=$((bad + 1))
		fi
		rm -f /tmp/cbpf-xlate-attach.$$
	}
	linked() { # description pin link-type-as-bpftool-names-it program-name attach-output
		n=$((n + 1))
		id=$(echo "$5" | sed -n 's/^attached program \([0-9]*\) .*/\1/p')
		shown=$(bpftool link show pinned "$2" 2>&1)
		case $shown in
		*": $3  prog ${id:-none}"*) ;;
		*) echo "FAIL $1: bpftool link show pinned $2: $shown"; bad=$((bad + 1)) ;;
		esac
		n=$((n + 1))
		bpftool prog show id "${id:-0}" 2>&1 | grep -q "name $4 " ||
			{ echo "FAIL $1: bpftool prog show id $id does not name $4"; bad=$((bad + 1)); }
	}
	set -- $kernel
	if [ "$1" -gt 6 ] || { [ "$1" -eq 6 ] && [ "$2" -ge 6 ]; }; then
		n=$((n + 1))
		said=$(in_b "$X" -t tc -e 'udp dst port 7000' --name web --attach-tc v1 2>&1)
		case $said in
		"attached program "[0-9]*" (cbpf_web) to v1 tc ingress (tcx link pinned at"\
" $dir/net$ino-v1-tc-ingress): packets it matches get 0 (ok), the others 2 (shot);"\
" --detach removes it") ;;
		*) echo "FAIL attach tcx said: $said"; bad=$((bad + 1)) ;;
		esac
		# BPF_LINK_TYPE_TCX is 11: bpftool 7.1 knows no name for it.
		linked "tcx link" "$dir/net$ino-v1-tc-ingress" "type 11" cbpf_web "$said"
		expect "tcx filter" "7000 5/5 7001 0/5 "
		n=$((n + 1))
		in_b "$X" -t tc -e udp --attach-tc v1 >/dev/null 2>&1 &&
			{ echo "FAIL a second tcx attach was not refused"; bad=$((bad + 1)); }
		bstep "detach tcx" in_b "$X" -t tc --attach-tc v1 --detach
		n=$((n + 1))
		[ -e "$dir/net$ino-v1-tc-ingress" ] && { echo "FAIL the tcx pin stays"; bad=$((bad + 1)); }
		expect "tcx detached" "7000 5/5 7001 5/5 "
		# Results tcx takes otherwise (stolen is its "next") go to cls_bpf.
		n=$((n + 1))
		said=$(in_b "$X" -t tc -e 'udp dst port 7001' --match stolen --attach-tc v1 2>&1)
		case $said in
		*"to v1 tc ingress (clsact, handle 0xcbf"*) ;;
		*) echo "FAIL --match stolen attached: $said"; bad=$((bad + 1)) ;;
		esac
		bstep "detach cls_bpf" in_b "$X" -t tc --attach-tc v1 --detach
	else
		echo "tcx not tested: kernel $(uname -r) is older than 6.6"
	fi
	n=$((n + 1))
	said=$(in_b "$X" -t xdp -e 'udp dst port 7000' --attach-xdp v1 2>&1)
	case $said in
	"attached program "[0-9]*" (cbpf_udp_dst_port_7000) to v1 XDP ("*" mode, link pinned at"\
" $dir/net$ino-v1-xdp): packets it matches get 2 (pass), the others 1 (drop); --detach"\
" removes it") ;;
	*) echo "FAIL attach xdp link said: $said"; bad=$((bad + 1)) ;;
	esac
	linked "XDP link" "$dir/net$ino-v1-xdp" xdp cbpf_udp_dst_port_7000 "$said"
	expect "xdp link filter" "7000 5/5 7001 0/5 "
	n=$((n + 1))
	in_b "$X" -t xdp -e udp --attach-xdp v1 >/dev/null 2>&1 &&
		{ echo "FAIL a second XDP attach was not refused"; bad=$((bad + 1)); }
	bstep "detach xdp link" in_b "$X" -t xdp --attach-xdp v1 --detach
	n=$((n + 1))
	[ -e "$dir/net$ino-v1-xdp" ] && { echo "FAIL the XDP link's pin stays"; bad=$((bad + 1)); }
	expect "xdp link detached" "7000 5/5 7001 5/5 "
fi
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
