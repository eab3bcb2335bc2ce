#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm --iptables against iptables -m bpf: two network namespaces joined by a veth pair,
# UDP datagrams to ports 7000 and 7001. A rule dropping what "udp dst port 7000" matches, as
# --iptables compiles it (-y RAW), drops port 7000's and nothing else; compiled for Ethernet
# (the trap: iptables hands the filter the packet from its IP header) it drops nothing, and
# --iptables warns about it. What iptables -S and -L print of the rule reads back. A program
# longer than iptables takes is refused by both. Skips (77) without root, ip or iptables.
set -u
B=${1:?usage: iptables-bpf.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
U="$B/tests/bin/xlate-udp"
[ -x "$U" ] || { echo "no $U: build it with make test-tools"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces and iptables need root"; exit 77; }
for t in ip iptables; do
	command -v $t >/dev/null 2>&1 || { echo "skipped: $t is not installed"; exit 77; }
done
a=cbpf-ipt-a-$$ b=cbpf-ipt-b-$$
tmp=$(mktemp -d)
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
ip netns add $a && ip netns add $b || { echo "skipped: cannot create network namespaces"; exit 77; }
ip -n $a link add v0 type veth peer name v1 netns $b || { echo "skipped: no veth"; exit 77; }
ip -n $a addr add 10.98.0.1/24 dev v0 && ip -n $b addr add 10.98.0.2/24 dev v1 &&
	ip -n $a link set v0 up && ip -n $b link set v1 up && ip -n $b link set lo up || exit 1
ipt() { ip netns exec $b iptables "$@"; }
ipt -A INPUT -m bpf --bytecode '1,6 0 0 0' -j DROP 2>"$tmp/err" ||
	{ echo "skipped: iptables -m bpf does not work here: $(head -n 1 "$tmp/err")"; exit 77; }
ipt -F INPUT

n=0 bad=0
check() { # description got wanted
	n=$((n + 1))
	[ "$2" = "$3" ] && return
	echo "FAIL $1: got '$2', wanted '$3'"
	bad=$((bad + 1))
}
traffic() { "$U" $a $b 10.98.0.2 5 7000 7001 | tr '\n' ' '; }

check "no rule" "$(traffic)" "7000 5/5 7001 5/5 "

"$asm" --iptables -e 'udp dst port 7000' >"$tmp/raw" 2>"$tmp/err" || exit 1
check "--iptables says nothing of its own program" "$(cat "$tmp/err")" ""
ipt -A INPUT -m bpf --bytecode "$(cat "$tmp/raw")" -j DROP || exit 1
check "--iptables: port 7000 dropped" "$(traffic)" "7000 0/5 7001 5/5 "
# The rule as iptables prints it reads back as the program written (-L ends it with a NUL).
"$asm" -ddd "$tmp/raw" >"$tmp/ref"
ipt -S INPUT | sed -n 's/.*--bytecode \("[^"]*"\).*/\1/p' >"$tmp/S"
ipt -L INPUT -n | sed -n 's/.*match bpf //p' >"$tmp/L"
for form in S L; do
	"$asm" -ddd "$tmp/$form" >"$tmp/back" 2>"$tmp/err"
	check "iptables -$form read back" "$(cmp -s "$tmp/ref" "$tmp/back" && echo same)" same
done
ipt -F INPUT

"$asm" --iptables -y EN10MB -e 'udp dst port 7000' >"$tmp/eth" 2>"$tmp/err" || exit 1
check "--iptables warns about Ethernet offsets" \
	"$(grep -c 'warning: .*iptables -m bpf gives the filter the packet from its IP header' \
		"$tmp/err")" 2
ipt -A INPUT -m bpf --bytecode "$(cat "$tmp/eth")" -j DROP || exit 1
check "compiled for Ethernet, the filter matches nothing" "$(traffic)" "7000 5/5 7001 5/5 "
ipt -F INPUT

long='tcp port 1'
for p in 2 3 4 5; do long="$long or tcp port $p"; done
for p in 6 7 8 9 10 11 12 13; do long="$long or udp port $p"; done
"$asm" --iptables -e "$long" >"$tmp/long" 2>"$tmp/err"
check "--iptables refuses more than 64 instructions" "$?:$(grep -c 'more than the 64' "$tmp/err")" 1:1
"$asm" --iptables --no-check -e "$long" >"$tmp/long" 2>/dev/null
ipt -A INPUT -m bpf --bytecode "$(cat "$tmp/long")" -j DROP 2>/dev/null
check "iptables refuses it too" $? 2

echo "$((n - bad))/$n iptables -m bpf checks as expected"
[ $bad -eq 0 ]
