#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-xlate --jited: the kernel's JIT image of what --load, --attach-tc and --attach-xdp load,
# checked against the kernel's own account of it (bpftool prog show's jited size, bpftool prog
# dump xlated's line info) and against itself: the runs of code tile the image, every classic
# instruction and every eBPF instruction appears once, in order. Skips (77) without root, a bpf
# filesystem, bpftool, or a kernel that JITs.
set -u
B=${1:?usage: xlate-jited.sh BUILD_DIR}
X="$(pwd)/$B/bin/cbpf-xlate"
A="$(pwd)/$B/bin/cbpf-asm"
[ -x "$X" ] && [ -x "$A" ] || { echo "missing $X or $A"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: loading programs needs root"; exit 77; }
for c in bpftool mount ip; do
	command -v $c >/dev/null 2>&1 || { echo "skipped: $c is not installed"; exit 77; }
done
[ -r /proc/sys/net/core/bpf_jit_enable ] ||
	{ echo "skipped: this kernel has no BPF JIT"; exit 77; }
[ "$(cat /proc/sys/net/core/bpf_jit_enable)" != 0 ] ||
	{ echo "skipped: net.core.bpf_jit_enable is 0 (the kernel interprets programs)"; exit 77; }
echo 'ret #0' | "$A" --to native - 2>&1 | grep -q "capstone" &&
	{ echo "skipped: cbpf was built without capstone"; exit 77; }
tmp=$(mktemp -d)
ns=cbpf-xlate-jited-$$
cleanup() {
	ip netns del "$ns" 2>/dev/null
	umount "$tmp/bpffs" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/bpffs" && mount -t bpf bpf "$tmp/bpffs" ||
	{ echo "skipped: cannot mount a bpf filesystem"; exit 77; }

n=0 bad=0
fail() {
	echo "FAIL $1"
	[ -s "$tmp/err" ] && sed 's/^/    /' "$tmp/err" | head -10
	bad=$((bad + 1))
}

# tiles LISTING: the code lines' offsets follow each other without gap or overlap, and end at
# the size the first line gives. Prints nothing when they do, else what is wrong.
tiles() {
	awk '
		function hex(s,   v, i) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		NR == 1 { size = $1; next }
		/^ *[0-9a-f]+:\t/ { off = hex(substr($1, 1, length($1) - 1)); want = 1; next }
		want && /^\t[0-9a-f][0-9a-f]( |$)/ {
			if (off != at) { printf "code at 0x%x, expected at 0x%x\n", off, at; bad = 1; exit }
			at += NF; want = 0; next
		}
		END { if (!bad && at != size) printf "%d bytes listed of %d\n", at, size }
	' "$1"
}

i=0
for expr in "" "ip" "tcp port 80" "udp and not port 53" "vlan 100 and ip" "ip6 and tcp" \
	"tcp[13] & 2 != 0" "ether broadcast or arp" "len > 1000" "icmp[icmptype] == icmp-echo"; do
	for t in socket tc xdp; do
		i=$((i + 1))
		n=$((n + 1))
		pin="$tmp/bpffs/p$i"
		if ! "$X" -t "$t" -e "$expr" --load "$pin" --jited >"$tmp/out" 2>"$tmp/err"; then
			# What the target refuses to translate is not this test's business.
			grep -q "cannot be translated\|not translat" "$tmp/err" && { n=$((n - 1)); continue; }
			fail "--jited of '$expr' for $t exited $?"
			continue
		fi
		size=$(sed -n '1s/^\([0-9]*\) bytes jited by the kernel.*/\1/p' "$tmp/out")
		kernel=$(bpftool prog show pinned "$pin" | sed -n 's/.*jited \([0-9]*\)B.*/\1/p')
		w=$(tiles "$tmp/out")
		why=
		if [ -z "$size" ] || [ "$size" != "$kernel" ]; then
			why="its size ${size:-(none)} is not bpftool's ${kernel:-(none)}"
		elif grep -q "the kernel gave no line info" "$tmp/out"; then
			why="no line info: the BTF was refused"
		elif [ -n "$w" ]; then
			why="the runs do not tile the image: $w"
		else
			# Every classic instruction the translation maps (its -f asm) once, in order.
			"$X" -t "$t" -e "$expr" -f asm 2>/dev/null |
				sed -n 's/^; \((...) .*\)/\1/p' | sed 's/[ \t]*$//' >"$tmp/classic"
			grep '^([0-9][0-9][0-9]) ' "$tmp/out" | sed 's/[ \t]*$//' >"$tmp/got-classic"
			# Every eBPF instruction once, in order (the second half of ld_imm64 has none).
			"$X" -t "$t" -e "$expr" -f asm --no-annotate 2>/dev/null |
				sed -n 's/^ *\([0-9]*\): .*/\1/p' >"$tmp/ebpf"
			sed -n 's/^  ; *\([0-9]*\): .*/\1/p' "$tmp/out" >"$tmp/got-ebpf"
			if ! cmp -s "$tmp/classic" "$tmp/got-classic"; then
				why="the classic instructions are not the program's: $(diff \
					"$tmp/classic" "$tmp/got-classic" | head -3 | tr '\n' ' ')"
			elif ! cmp -s "$tmp/ebpf" "$tmp/got-ebpf"; then
				why="the eBPF instructions are not the translation's"
			elif [ -s "$tmp/classic" ] &&
			! bpftool prog dump xlated pinned "$pin" | grep -q '^; (000) '; then
				why="bpftool prog dump xlated shows no classic line"
			fi
		fi
		[ -z "$why" ] || fail "--jited of '$expr' for $t: $why"
		rm -f "$pin"
	done
done

# Calls out of the image named as objdump names them, where /proc/kallsyms shows addresses.
if grep -q '^[0-9a-f]*[1-9a-f][0-9a-f]* [tT] bpf_skb_load_helper_16' /proc/kallsyms; then
	n=$((n + 1))
	"$X" -t socket -e "tcp port 80" --load "$tmp/bpffs/named" --jited >"$tmp/out" 2>"$tmp/err" &&
		grep -q 'call[a-z]* *0x[0-9a-f]* <bpf_skb_load_helper_16' "$tmp/out" ||
		fail "the calls LD_ABS became are named from /proc/kallsyms"
fi

# Attached rather than pinned: tc and XDP on a veth pair in a namespace of our own.
if ip netns add "$ns" 2>/dev/null && ip -n "$ns" link add v0 type veth peer name v1 &&
	ip -n "$ns" link set v0 up && ip -n "$ns" link set v1 up; then
	n=$((n + 2))
	ip netns exec "$ns" "$X" -t tc -e "tcp" --attach-tc v0 --jited >"$tmp/out" 2>"$tmp/err" &&
		grep -q '^(000) ldh  *\[12\]' "$tmp/out" || fail "--attach-tc --jited"
	ip netns exec "$ns" "$X" -t tc --attach-tc v0 --detach 2>/dev/null
	ip netns exec "$ns" "$X" -t xdp -e "udp" --attach-xdp v1 --jited >"$tmp/out" 2>"$tmp/err" &&
		grep -q '^(000) ldh  *\[12\]' "$tmp/out" || fail "--attach-xdp --jited"
	ip netns exec "$ns" "$X" -t xdp --attach-xdp v1 --detach 2>/dev/null
fi

# What --jited needs.
n=$((n + 2))
"$X" -t socket -e ip --jited >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "\-\-jited shows the kernel's JIT image of what --load" "$tmp/err" ||
	fail "--jited without --load is a usage error"
"$X" -t socket --load "$tmp/bpffs/x" --detach --jited >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "--jited with --detach is a usage error"

echo "$((n - bad))/$n JIT images as the kernel has them"
[ $bad -eq 0 ]
