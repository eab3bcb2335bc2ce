#!/bin/sh
# SPDX-License-Identifier: MIT
# The comma form as tc prints it, read back: programs from cbpf-asm are added as cls_bpf
# filters on a veth in a network namespace; what 'tc filter show' prints after 'bytecode' (in
# quotes, with no trailing comma, a newline at the end) and that line whole must read back to
# the same program. Skips (77) without root, ip, tc or cls_bpf.
set -u
B=${1:?usage: tc-readback.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces need root"; exit 77; }
for t in ip tc; do
	command -v $t >/dev/null 2>&1 || { echo "skipped: $t is not installed"; exit 77; }
done
ns=cbpf-tcread-$$
tmp=$(mktemp -d)
trap 'ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
ip netns add $ns || { echo "skipped: cannot create network namespaces"; exit 77; }
ip -n $ns link add v0 type veth peer name v1 || { echo "skipped: no veth"; exit 77; }
ip -n $ns link set v0 up && ip netns exec $ns tc qdisc add dev v0 clsact ||
	{ echo "skipped: no clsact qdisc"; exit 77; }

n=0 bad=0
while IFS= read -r expr; do
	"$asm" -e "$expr" >"$tmp/comma" && "$asm" -e "$expr" -ddd >"$tmp/ref" || exit 1
	ip netns exec $ns tc filter add dev v0 ingress pref 1 bpf bytecode "$(cat "$tmp/comma")" ||
		{ echo "skipped: tc cannot add a cls_bpf filter"; exit 77; }
	ip netns exec $ns tc filter show dev v0 ingress | grep bytecode >"$tmp/line"
	ip netns exec $ns tc filter del dev v0 ingress pref 1
	# What follows 'bytecode', as a person copies it, and the line as tc prints it.
	sed "s/.*bytecode //" "$tmp/line" >"$tmp/quoted"
	sed "s/.*bytecode '\([^']*\)'.*/\1/" "$tmp/line" >"$tmp/bare"
	for form in quoted bare; do
		n=$((n + 1))
		if ! "$asm" -ddd "$tmp/$form" >"$tmp/back" 2>"$tmp/err" || ! cmp -s "$tmp/ref" "$tmp/back"
		then
			bad=$((bad + 1))
			echo "FAIL $form '$expr': $(head -n 1 "$tmp/err")"
			sed 's/^/    /' "$tmp/$form"
		fi
	done
done <<'EXPRESSIONS'
ip
tcp port 80
ip6 and udp
vlan and ip
len > 100
EXPRESSIONS
echo "$((n - bad))/$n programs printed by tc filter show read back as they were"
[ $bad -eq 0 ]
