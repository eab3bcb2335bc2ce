#!/bin/sh
# SPDX-License-Identifier: MIT
# tcpdump -d listings read by cbpf_listing_parse must give exactly what tcpdump -ddd prints, for
# every expression in tests/cases/asm/listing-exprs.txt over several link types, with and
# without the optimizer (-O). Combinations tcpdump itself refuses are counted, not compared.
# A listing cannot carry what bpf_image() does not print: k of tax, txa, neg, ret a, the x forms
# and #pktlen, and jt/jf of anything but a conditional jump (libpcap's optimizer does leave
# stale k in tax, e.g. "7 0 0 3"). Those fields are compared as 0 on both sides.
# "protochain" compiles to a backward ja, which the kernel refuses (bpf_check_classic: jump out
# of range); the reader must refuse it too, at the ja, and that is what is checked for them.
set -u
B=${1:?usage: listing.sh BUILD_DIR}
dump="$B/tests/bin/asm-dump"
exprs=tests/cases/asm/listing-exprs.txt
command -v tcpdump >/dev/null 2>&1 || { echo "skipped: tcpdump is not installed"; exit 77; }
[ -x "$dump" ] || { echo "missing $dump (make test-tools)"; exit 1; }

# Zeroes the fields a listing does not show ("code jt jf k" lines).
unshown() {
	awk '{
		code = $1; cls = code % 8; op = code - code % 16;
		cond = cls == 5 && op != 0;
		x = (cls == 4 || cls == 5) && int(code / 8) % 2 == 1;
		if (!cond) { $2 = 0; $3 = 0 }
		if (code == 7 || code == 135 || code == 132 || code == 22 || code == 128 ||
		    code == 129 || x) $4 = 0;
		print
	}'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0 refused=0 backward=0 exprs_seen=0
while IFS= read -r expr; do
	[ -n "$expr" ] || continue
	exprs_seen=$((exprs_seen + 1))
	for lt in EN10MB LINUX_SLL LINUX_SLL2 RAW NULL IEEE802_11_RADIO PPP; do
		for opt in "" -O; do
			# shellcheck disable=SC2086 # $opt is one word or none
			if ! tcpdump $opt -y "$lt" -d "$expr" >"$tmp/d" 2>/dev/null ||
				! tcpdump $opt -y "$lt" -ddd "$expr" >"$tmp/ddd" 2>/dev/null; then
				refused=$((refused + 1))
				continue
			fi
			n=$((n + 1))
			# -ddd starts with the instruction count.
			tail -n +2 "$tmp/ddd" | unshown >"$tmp/want"
			if awk '$1 == 5 && $4 >= 2147483648 { b = 1 } END { exit !b }' "$tmp/want"; then
				backward=$((backward + 1))
				if "$dump" -l "$tmp/d" >/dev/null 2>"$tmp/err" ||
					! grep -q "is not after instruction .*: the kernel accepts only forward jumps" \
						"$tmp/err"; then
					bad=$((bad + 1))
					echo "FAIL: backward ja not refused: tcpdump $opt -y $lt '$expr'"
				fi
				continue
			fi
			if ! "$dump" -l "$tmp/d" >"$tmp/out" 2>"$tmp/err" ||
				! unshown <"$tmp/out" >"$tmp/got" ||
				! cmp -s "$tmp/want" "$tmp/got"; then
				bad=$((bad + 1))
				echo "FAIL: tcpdump $opt -y $lt '$expr'"
				diff "$tmp/want" "$tmp/got" | head -n 5
				head -n 5 "$tmp/err"
			fi
		done
	done
done <"$exprs"
[ "$exprs_seen" -ge 100 ] || { echo "only $exprs_seen expressions in $exprs"; exit 1; }
echo "$((n - bad))/$n tcpdump -d listings ($exprs_seen expressions) agree with tcpdump -ddd:" \
	"$((n - backward)) read back exactly, $backward backward ones refused;" \
	"$refused combinations refused by tcpdump"
[ $bad -eq 0 ]
