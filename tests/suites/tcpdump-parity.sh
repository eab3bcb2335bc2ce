#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm -e against tcpdump: for every expression, link type and option below, -d, -dd and -ddd
# must be byte for byte what tcpdump prints; expressions tcpdump rejects must be rejected with
# exit 1 and libpcap's message; programs tcpdump prints that the kernel refuses (SO_ATTACH_FILTER
# is asked) must be refused, with a note for protochain.
set -u
B=${1:?usage: tcpdump-parity.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }
tcpdump -y EN10MB -d ip >/dev/null 2>&1 ||
	{ echo "skipped: tcpdump -d does not work without an interface here"; exit 77; }

exprs=tests/suites/tcpdump-expressions.txt
attach=$B/tests/bin/sock-attach
[ -x "$attach" ] || { echo "no $attach: build it with make test-tools"; exit 1; }
printf '1\n6 0 0 0\n' | "$attach" ||
	{ echo "skipped: the kernel refuses even 'ret #0' with SO_ATTACH_FILTER here"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 agree=0 rejected=0 bad=0 refused=0

fail() {
	bad=$((bad + 1))
	[ $bad -le 20 ] && echo "DIFFER [$*] '$expr': $why"
}

# One comparison: the tcpdump options are "$@"; the expression is $expr.
compare() {
	n=$((n + 1))
	tcpdump "$@" -- "$expr" >"$tmp/t.out" 2>"$tmp/t.err"
	trc=$?
	"$asm" -e "$expr" "$@" >"$tmp/c.out" 2>"$tmp/c.err"
	crc=$?
	# Some programs libpcap emits break a kernel rule (protochain loops backwards; some read
	# M[0] before writing it): cbpf-asm validates, so it refuses them, and the kernel must too.
	if [ $trc = 0 ] && [ $crc = 1 ] && grep -q '^<expression>: insn [0-9]*: error: ' "$tmp/c.err"
	then
		case $expr in *protochain*)
			grep -q "note: libpcap's protochain emits a loop; to run it in the kernel: cbpf-xlate" "$tmp/c.err" || {
				why="no note that cbpf-xlate runs protochain's loop"
				fail "$@"
				return
			} ;;
		esac
		tcpdump "$@" -ddd -- "$expr" 2>/dev/null | "$attach"
		case $? in
		1) refused=$((refused + 1)) agree=$((agree + 1)) ;;
		0)
			why="cbpf-asm refuses what the kernel takes: $(head -n 1 "$tmp/c.err")"
			fail "$@" ;;
		*)
			why="cannot ask the kernel about it"
			fail "$@" ;;
		esac
		return
	fi
	if [ $trc = 0 ] && [ $crc = 0 ]; then
		if cmp -s "$tmp/t.out" "$tmp/c.out"; then
			agree=$((agree + 1))
		else
			why="output differs: $(diff "$tmp/t.out" "$tmp/c.out" | sed -n 2p)"
			fail "$@"
		fi
	elif [ $trc != 0 ] && [ $crc = 1 ]; then
		tmsg=$(sed -n '1s/^tcpdump: //p' "$tmp/t.err")
		cmsg=$(sed -n '1s/^<expression>: error: //p' "$tmp/c.err")
		if [ "$tmsg" = "$cmsg" ]; then
			agree=$((agree + 1)) rejected=$((rejected + 1))
		else
			why="tcpdump says '$tmsg', cbpf-asm says '$(head -n 1 "$tmp/c.err")'"
			fail "$@"
		fi
	else
		why="tcpdump exits $trc, cbpf-asm $crc: $(head -n 1 "$tmp/c.err")"
		fail "$@"
	fi
}

# Link types every expression is compiled for, with -d; the first two get every form and -O.
linktypes="EN10MB LINUX_SLL LINUX_SLL2 RAW NULL LOOP PPP IEEE802_11_RADIO IPV4 IPV6"

# CBPF_TEST_SAMPLE=N (make SANITIZE=1 check sets 3): every Nth expression only, the same
# code paths without most of the repetition (the plain make check runs them all)
sample=${CBPF_TEST_SAMPLE:-1} nth=0
sampled() {
	nth=$((nth + 1))
	[ $(((nth - 1) % sample)) -eq 0 ]
}
while IFS= read -r expr; do
	case $expr in '#'*) continue ;; esac
	sampled || continue
	for lt in $linktypes; do
		compare -y "$lt" -d
	done
	for lt in EN10MB LINUX_SLL; do
		compare -y "$lt" -dd
		compare -y "$lt" -ddd
		compare -y "$lt" -O -d
		compare -y "$lt" -O -ddd
	done
done <"$exprs"

# Snapshot lengths change the accept value; tcpdump takes 0 as the maximum.
while IFS= read -r expr; do
	for s in 0 1 68 65535 262144; do
		compare -y EN10MB -s "$s" -d
		compare -y LINUX_SLL -s "$s" -ddd
	done
done <<'EXPRESSIONS'
ip
tcp port 80
ip6 and udp
vlan and ip
len > 100
EXPRESSIONS

echo "byte for byte: $((agree - rejected - refused)); rejected alike, with libpcap's message:" \
	"$rejected; libpcap's program refused alike by cbpf and the kernel: $refused"
echo "$agree/$n cases agree with tcpdump$([ "$sample" -gt 1 ] && echo " (1 expression in $sample: CBPF_TEST_SAMPLE)")"
[ $bad -eq 0 ]
