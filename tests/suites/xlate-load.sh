#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-xlate's objects loaded the three ways users load them: libbpf (bpf_object__load),
# `bpftool prog load` into a bpf filesystem, and tc (`tc filter add ... bpf da obj FILE sec tc`,
# `ip link set ... xdp obj FILE sec xdp`) on a veth pair in a network namespace this test
# creates. Then --load and --attach and their refusals: a pin that exists, a device that does
# not, a second attach; nothing may stay half attached. Skips (77) without root, ip or tc.
set -u
B=${1:?usage: xlate-load.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
L="$B/tests/bin/xlate-libbpf"
[ -x "$X" ] && [ -x "$L" ] && [ -x "$B/tests/bin/xlate-verifier-log" ] ||
	{ echo "missing $X, $L or $B/tests/bin/xlate-verifier-log"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: loading and attaching programs needs root"; exit 77; }
for c in ip tc bpftool mount; do
	command -v $c >/dev/null 2>&1 || { echo "skipped: $c is not installed"; exit 77; }
done
tmp=$(mktemp -d)
ns=cbpf-xlate-load-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null
	umount "$tmp/bpffs" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || { echo "skipped: cannot create a network namespace"; exit 77; }
ip -n "$ns" link add v0 type veth peer name v1 && ip -n "$ns" link set v0 up &&
	ip -n "$ns" link set v1 up || { echo "skipped: cannot create a veth pair"; exit 77; }
mkdir "$tmp/bpffs" && mount -t bpf bpf "$tmp/bpffs" ||
	{ echo "skipped: cannot mount a bpf filesystem"; exit 77; }
in_ns() { ip netns exec "$ns" "$@"; }

n=0 bad=0
check() { # description command...
	what=$1
	shift
	n=$((n + 1))
	if ! "$@" >"$tmp/out" 2>&1; then
		echo "FAIL $what"
		sed 's/^/    /' "$tmp/out" | head -20
		bad=$((bad + 1))
	fi
}
refuse() { # description expected-message command...
	what=$1 msg=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$msg" "$tmp/out"; then
		echo "FAIL $what (exit $rc, wanted 1 and '$msg')"
		sed 's/^/    /' "$tmp/out" | head -20
		bad=$((bad + 1))
	fi
}

in_ns tc qdisc add dev v0 clsact
i=0
for expr in "" "ip" "tcp port 80" "udp and not port 53" "vlan 100 and ip" "ip6 and tcp" "tcp[13] & 2 != 0" \
	"ether broadcast or arp" "len > 1000" "ip[2:2] > 576" "icmp[icmptype] == icmp-echo"; do
	i=$((i + 1))
	for t in socket tc xdp; do
		"$X" -t "$t" -e "$expr" -o "$tmp/$t$i.o" 2>/dev/null || continue
		check "bpftool prog load of '$expr' for $t" \
			bpftool prog load "$tmp/$t$i.o" "$tmp/bpffs/$t$i"
		check "bpftool sees '$expr' for $t pinned" \
			sh -c "bpftool prog show pinned '$tmp/bpffs/$t$i' | grep -q 'name cbpf_$t'"
	done
	check "tc filter add ... bpf da obj for '$expr'" \
		in_ns tc filter add dev v0 ingress bpf da obj "$tmp/tc$i.o" sec tc
	[ -e "$tmp/xdp$i.o" ] &&
		check "ip link set ... xdp obj for '$expr'" \
			in_ns ip link set dev v1 xdp obj "$tmp/xdp$i.o" sec xdp
	in_ns ip link set dev v1 xdp off
done
in_ns tc qdisc del dev v0 clsact
check "libbpf loads every object" "$L" "$tmp"/*.o
check "tc takes a --classid object without da" \
	sh -c "'$X' -t tc --classid -e 'tcp' -o '$tmp/cls.o' &&
		ip netns exec '$ns' tc qdisc add dev v0 clsact &&
		ip netns exec '$ns' tc filter add dev v0 ingress bpf obj '$tmp/cls.o' sec tc &&
		ip netns exec '$ns' tc qdisc del dev v0 clsact"

# cbpf-xlate's own loading, pinning, attaching and detaching.
check "--load pins" "$X" -t socket -e ip --load "$tmp/bpffs/mine"
refuse "--load onto an existing pin" "exists already" "$X" -t socket -e ip --load "$tmp/bpffs/mine"
check "--detach unpins" "$X" -t socket --load "$tmp/bpffs/mine" --detach
check "the pin is gone" test ! -e "$tmp/bpffs/mine"
refuse "--load outside a bpf filesystem" "not in a bpf filesystem" \
	"$X" -t socket -e ip --load "$tmp/pin"
check "--attach-tc" in_ns "$X" -t tc -e ip --attach-tc v0
check "tc shows the filter" sh -c "ip netns exec '$ns' tc filter show dev v0 ingress | grep -q cbpf_ip"
refuse "a second --attach-tc" "attached to ingress already" in_ns "$X" -t tc -e ip --attach-tc v0
check "--attach-tc egress" in_ns "$X" -t tc -e ip --attach-tc v0:egress
check "--detach egress" in_ns "$X" -t tc --attach-tc v0:egress --detach
check "--detach ingress" in_ns "$X" -t tc --attach-tc v0 --detach
refuse "--detach with nothing attached" "no cbpf filter" in_ns "$X" -t tc --attach-tc v0 --detach
in_ns tc qdisc del dev v0 clsact 2>/dev/null
refuse "--attach-tc to a missing device" "no network device 'nodev'" \
	in_ns "$X" -t tc -e ip --attach-tc nodev
# Roll back: a pin that fails leaves nothing attached; an attach that fails, no pin.
refuse "--attach-tc with a pin that fails" "not in a bpf filesystem" \
	in_ns "$X" -t tc -e ip --attach-tc v0 --load "$tmp/pin"
check "the failed pin left no filter and no clsact" \
	sh -c "! ip netns exec '$ns' tc qdisc show dev v0 | grep -q clsact"
in_ns "$X" -t tc -e ip --attach-tc v0
refuse "an attach that fails after the pin" "no network device" \
	"$X" -t tc -e ip --attach-tc nodev --load "$tmp/bpffs/half"
check "the failed attach left no pin" test ! -e "$tmp/bpffs/half"
in_ns "$X" -t tc --attach-tc v0 --detach
in_ns tc qdisc del dev v0 clsact
check "--attach-xdp" in_ns "$X" -t xdp -e ip --attach-xdp v1
check "ip shows the program" sh -c "ip -n '$ns' link show v1 | grep -q 'prog/xdp'"
refuse "a second --attach-xdp" "attached already" in_ns "$X" -t xdp -e ip --attach-xdp v1
check "--detach xdp" in_ns "$X" -t xdp --attach-xdp v1 --detach
refuse "--detach xdp with nothing attached" "no XDP program" in_ns "$X" -t xdp --attach-xdp v1 --detach
refuse "--attach-xdp with a pin that fails" "not in a bpf filesystem" \
	in_ns "$X" -t xdp -e ip --attach-xdp v1 --load "$tmp/pin"
check "the failed attach left no XDP program" sh -c "! ip -n '$ns' link show v1 | grep -q prog/xdp"
# --detach removes only what cbpf-xlate made: not another XDP program, not a map, not another
# program pinned (the same object with its symbol renamed makes a program named mine_xdp).
"$X" -t xdp -e ip -o "$tmp/ours.o" && LC_ALL=C sed 's/cbpf_xdp/mine_xdp/g' "$tmp/ours.o" >"$tmp/mine.o"
check "another XDP program attached with ip" in_ns ip link set dev v1 xdp obj "$tmp/mine.o" sec xdp
refuse "--detach xdp of another program" "is program [0-9]*, 'mine_xdp', not cbpf-xlate's xdp" \
	in_ns "$X" -t xdp --attach-xdp v1 --detach
check "the other XDP program stays" sh -c "ip -n '$ns' link show v1 | grep -q 'prog/xdp'"
in_ns ip link set dev v1 xdp off
check "cbpf-xlate's object attached with ip" in_ns ip link set dev v1 xdp obj "$tmp/ours.o" sec xdp
check "--detach xdp of it" in_ns "$X" -t xdp --attach-xdp v1 --detach
check "a map pinned with bpftool" \
	bpftool map create "$tmp/bpffs/map" type array key 4 value 4 entries 1 name cbpf_map
refuse "--detach of a pinned map" "is not a program (map): not removed" \
	"$X" -t socket --load "$tmp/bpffs/map" --detach
check "the map stays pinned" test -e "$tmp/bpffs/map"
check "another program pinned with bpftool" bpftool prog load "$tmp/mine.o" "$tmp/bpffs/other"
refuse "--detach of another pinned program" "'mine_xdp', not cbpf-xlate's xdp translation" \
	"$X" -t xdp --load "$tmp/bpffs/other" --detach
check "the other program stays pinned" test -e "$tmp/bpffs/other"
"$X" -t tc -e ip -o "$tmp/ours-tc.o" && LC_ALL=C sed 's/cbpf_tc/mine_tc/g' "$tmp/ours-tc.o" >"$tmp/mine-tc.o"
in_ns tc qdisc add dev v0 clsact
check "another tc filter at cbpf's handle and priority" in_ns tc filter add dev v0 ingress \
	handle 0xcbf prio 0xcbf bpf da obj "$tmp/mine-tc.o" sec tc
refuse "--detach tc of another program" "is program [0-9]*, 'mine_tc', not cbpf-xlate's tc" \
	in_ns "$X" -t tc --attach-tc v0 --detach
check "the other tc filter stays" sh -c "ip netns exec '$ns' tc filter show dev v0 ingress | grep -q mine_tc"
in_ns tc qdisc del dev v0 clsact
check "--load of a socket translation" "$X" -t socket -e ip --load "$tmp/bpffs/sock"
refuse "--detach of it as tc" "'cbpf_ip', not cbpf-xlate's tc translation" \
	"$X" -t tc --load "$tmp/bpffs/sock" --detach
check "--detach of it as socket" "$X" -t socket --load "$tmp/bpffs/sock" --detach
refuse "a program the verifier... a translation refused for its target" "cannot be translated" \
	"$X" -t xdp -e 'inbound' --attach-xdp v1
# Names and line info: bpftool shows the name (the BTF function's whole, the kernel keeps 15
# bytes) and, in the xlated dump, the classic instruction each eBPF instruction came from.
shown() { # description pin pattern: bpftool prog show pinned PIN matches
	n=$((n + 1))
	if ! bpftool prog show pinned "$2" >"$tmp/out" 2>&1 || ! grep -q "$3" "$tmp/out"; then
		echo "FAIL $1: wanted '$3'"
		sed 's/^/    /' "$tmp/out" | head -5
		bad=$((bad + 1))
	fi
}
check "--load names it after the expression" "$X" -t tc -e 'udp dst port 7000' --load "$tmp/bpffs/e"
shown "the name from the expression" "$tmp/bpffs/e" "sched_cls  name cbpf_udp_dst_port_7000 "
id=$(bpftool prog show pinned "$tmp/bpffs/e" | sed -n '1s/:.*//p')
check "bpftool prog dump xlated shows the classic instructions as line info" \
	sh -c "bpftool prog dump xlated id '$id' >'$tmp/xlated' &&
		grep -q '^int cbpf_udp_dst_port_7000(void \* ctx):' '$tmp/xlated' &&
		grep -q '^; (000) ldh      \[12\]$' '$tmp/xlated' &&
		grep -q '^; (001) jeq      #0x86dd          jt 2.jf 6$' '$tmp/xlated' &&
		grep -q '^; (012) ldh      \[x + 16\]$' '$tmp/xlated'"
check "--detach unpins a program named after its expression" \
	"$X" -t tc --load "$tmp/bpffs/e" --detach
printf 'ldh [12]\njeq #0x800, yes, no\nyes: ret #-1\nno: ret #0\n' >"$tmp/web-v4.filter.bpf"
check "--load names it after its file" "$X" -t socket "$tmp/web-v4.filter.bpf" --load "$tmp/bpffs/f"
shown "the name from the file" "$tmp/bpffs/f" "socket_filter  name cbpf_web_v4 "
check "--detach of it" "$X" -t socket --load "$tmp/bpffs/f" --detach
check "--name" "$X" -t xdp -e ip --name 'my filter.v2' --load "$tmp/bpffs/n"
shown "the name --name gives" "$tmp/bpffs/n" "xdp  name cbpf_my_filter.v2 "
check "--detach of a program --name named" "$X" -t xdp --load "$tmp/bpffs/n" --detach
check "--name cbpf_x keeps one prefix" "$X" -t socket -e ip --name cbpf_x --load "$tmp/bpffs/x"
shown "--name cbpf_x" "$tmp/bpffs/x" "name cbpf_x "
rm -f "$tmp/bpffs/x"
check "standard input gives the target's name" \
	sh -c "echo 'ret #0' | '$X' -t tc - --load '$tmp/bpffs/s'"
shown "the name of standard input's program" "$tmp/bpffs/s" "name cbpf_tc "
rm -f "$tmp/bpffs/s"
check "the verifier's log names classic instructions" "$B/tests/bin/xlate-verifier-log"
n=$((n + 1))
"$X" -t socket -e ip --name '***' --load "$tmp/bpffs/bad" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "no letter, digit" "$tmp/out" && [ ! -e "$tmp/bpffs/bad" ] ||
	{ echo "FAIL --name with nothing the kernel takes"; bad=$((bad + 1)); }
echo "$((n - bad))/$n loads, attaches and refusals as expected (libbpf, bpftool, tc, ip, cbpf-xlate)"
[ $bad -eq 0 ]
