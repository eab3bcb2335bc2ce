#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm -r CAPTURE -e EXPR against tcpdump -r CAPTURE -d EXPR: for the project's captures and
# those of ../shared/corpus/pcaps (when present), compiled for each file's link type, snapshot
# length and, for DLT_NULL and DLT_LOOP, byte order, -d, -dd and -ddd must be byte for byte what
# tcpdump prints. What the kernel refuses is refused with a note naming --no-check, and written
# byte for byte with it; what libpcap rejects is rejected with its message.
set -u
B=${1:?usage: tcpdump-read.sh BUILD_DIR}
asm=$B/bin/cbpf-asm
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
n=0 agree=0 rejected=0 nocheck=0 bad=0 files=0 seen=

fail() {
	bad=$((bad + 1))
	[ $bad -le 20 ] && echo "DIFFER $cap [$form] '$expr': $why"
}

# One comparison: capture $cap, expression $expr, tcpdump's option $form.
compare() {
	n=$((n + 1))
	tcpdump -r "$cap" "$form" -- "$expr" >"$tmp/t.out" 2>"$tmp/t.err"
	trc=$?
	"$asm" -r "$cap" -e "$expr" "$form" >"$tmp/c.out" 2>"$tmp/c.err"
	crc=$?
	if [ $trc = 0 ] && [ $crc = 1 ] && grep -q '^<expression>: insn [0-9]*: error: ' "$tmp/c.err"
	then
		# libpcap's program breaks a kernel rule: refused, saying --no-check writes it.
		grep -q '^<expression>: note: --no-check writes it all the same' "$tmp/c.err" || {
			why="the refusal does not name --no-check"
			fail
			return
		}
		"$asm" -r "$cap" -e "$expr" "$form" --no-check >"$tmp/c.out" 2>"$tmp/c.err"
		crc=$?
		if [ $crc != 0 ] || ! grep -q '^<expression>: insn [0-9]*: warning: ' "$tmp/c.err"
		then
			why="--no-check exits $crc: $(head -n 1 "$tmp/c.err")"
			fail
			return
		fi
		nocheck=$((nocheck + 1))
	fi
	if [ $trc = 0 ] && [ $crc = 0 ]; then
		if cmp -s "$tmp/t.out" "$tmp/c.out"; then
			agree=$((agree + 1))
		else
			why="output differs: $(diff "$tmp/t.out" "$tmp/c.out" | sed -n 2p)"
			fail
		fi
	elif [ $trc != 0 ] && [ $crc = 1 ]; then
		tmsg=$(sed -n 's/^tcpdump: //p' "$tmp/t.err" | head -n 1)
		cmsg=$(sed -n '1s/^<expression>: error: //p' "$tmp/c.err")
		if [ "$tmsg" = "$cmsg" ]; then
			agree=$((agree + 1)) rejected=$((rejected + 1))
		else
			why="tcpdump says '$tmsg', cbpf-asm says '$(head -n 1 "$tmp/c.err")'"
			fail
		fi
	else
		why="tcpdump exits $trc, cbpf-asm $crc: $(head -n 1 "$tmp/c.err")"
		fail
	fi
}

# Few expressions on every capture (its snapshot length); on the first of each link type and
# byte order, in every form, and every expression of tcpdump-parity.sh.
few='ip
ip6
tcp port 80
udp and not port 53
vlan and ip
ip6 protochain 44
pppoes
len > 100
ether host 1:2:3:4:5:6
wlan type data'
# CBPF_TEST_SAMPLE=N (make SANITIZE=1 check sets 3): every Nth expression only, the same
# code paths without most of the repetition (the plain make check runs them all)
sample=${CBPF_TEST_SAMPLE:-1} nth=0
sampled() {
	nth=$((nth + 1))
	[ $(((nth - 1) % sample)) -eq 0 ]
}
set --
for f in pcaps/*.pcap ../shared/corpus/pcaps/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
for cap in "$@"; do
	files=$((files + 1))
	[ -n "${VERBOSE:-}" ] && echo "$cap" >&2
	form=-d
	while IFS= read -r expr; do
		compare
	done <<EOF2
$few
EOF2
	# The link type (its snapshot length was just compared) and, for DLT_NULL, byte order.
	kind=$(tcpdump -r "$cap" -d ip 2>&1 >/dev/null | head -n 1 |
		sed 's/^reading from file [^,]*, link-type \([^ ]*\) .*/\1/')
	endian=$(od -An -tx1 -N1 "$cap" | tr -d ' ')
	case " $seen " in *" $kind/$endian "*) continue ;; esac
	seen="$seen $kind/$endian"
	for form in -dd -ddd; do
		while IFS= read -r expr; do
			compare
		done <<EOF2
$few
EOF2
	done
	form=-d
	nth=0
	while IFS= read -r expr; do
		case $expr in '#'*) continue ;; esac
		sampled || continue
		compare
	done <tests/suites/tcpdump-expressions.txt
done
[ $files -gt 0 ] || { echo "no captures found"; exit 1; }
kinds=$(echo $seen | wc -w)

echo "byte for byte: $((agree - rejected)) (with --no-check: $nocheck); rejected alike," \
	"with libpcap's message: $rejected"
echo "$agree/$n cases agree with tcpdump -r, over $files captures of $kinds link types" \
	"and byte orders$([ "$sample" -gt 1 ] && echo " (1 expression in $sample: CBPF_TEST_SAMPLE)")"
[ $bad -eq 0 ]
