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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/want"
: >"$tmp/got"
id=0 refused=0 exprs_seen=0
# Both sides go to one file each, in sections "== id what"; one awk compares them at the end.
while IFS= read -r expr; do
	[ -n "$expr" ] || continue
	exprs_seen=$((exprs_seen + 1))
	for lt in EN10MB LINUX_SLL LINUX_SLL2 RAW NULL IEEE802_11_RADIO PPP; do
		for opt in "" -O; do
			# shellcheck disable=SC2086 # $opt is one word or none
			if ! tcpdump $opt -y "$lt" -d "$expr" >"$tmp/d" 2>/dev/null; then
				refused=$((refused + 1))
				continue
			fi
			id=$((id + 1))
			echo "== $id tcpdump $opt -y $lt '$expr'" >>"$tmp/want"
			# shellcheck disable=SC2086
			tcpdump $opt -y "$lt" -ddd "$expr" >>"$tmp/want" 2>/dev/null
			echo "== $id" >>"$tmp/got"
			if ! "$dump" -l "$tmp/d" >>"$tmp/got" 2>"$tmp/err"; then
				IFS= read -r first <"$tmp/err"
				echo "ERROR $first" >>"$tmp/got"
			fi
		done
	done
done <"$exprs"
[ "$exprs_seen" -ge 100 ] || { echo "only $exprs_seen expressions in $exprs"; exit 1; }

awk -v exprs="$exprs_seen" -v refused="$refused" '
# Zeroes the fields a listing does not show ("code jt jf k").
function unshown(line,    f, code, cls, op, cond, x) {
	split(line, f, " ")
	code = f[1]; cls = code % 8; op = code - code % 16
	cond = cls == 5 && op != 0
	x = (cls == 4 || cls == 5) && int(code / 8) % 2 == 1
	if (!cond) { f[2] = 0; f[3] = 0 }
	if (code == 7 || code == 135 || code == 132 || code == 22 || code == 128 ||
	    code == 129 || x) f[4] = 0
	return f[1] " " f[2] " " f[3] " " f[4]
}
FNR == 1 { side++ }
/^== / { id = $2; if (side == 1) { what[id] = $0; skip = 1; n++ } next }
side == 1 && skip { skip = 0; next }	# -ddd starts with the instruction count
side == 1 {
	want[id] = want[id] unshown($0) "\n"
	if ($1 == 5 && $4 >= 2147483648) back[id] = 1
	next
}
/^ERROR / { err[id] = $0; next }
{ got[id] = got[id] unshown($0) "\n" }
END {
	for (i = 1; i <= n; i++) {
		if (back[i]) {
			nback++
			if (err[i] ~ /is not after instruction .*: the kernel accepts only forward jumps/)
				continue
			print "FAIL (backward ja not refused): " substr(what[i], 4 + length(i))
		} else if (!(i in err) && got[i] == want[i]) {
			continue
		} else {
			print "FAIL: " substr(what[i], 4 + length(i))
			if (i in err) print "  " err[i]
			else printf "  want:\n%s  got:\n%s", want[i], got[i]
		}
		bad++
	}
	printf "%d/%d tcpdump -d listings (%d expressions) agree with tcpdump -ddd: %d read " \
		"back exactly, %d backward ones refused; %d combinations refused by tcpdump\n",
		n - bad, n, exprs, n - nback, nback, refused
	exit bad != 0
}' "$tmp/want" "$tmp/got"
