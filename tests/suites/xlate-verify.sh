#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-xlate --verify's verdict, without the kernel (--interpreter): a run that checked no packet
# (a capture without packets, or with frames too short to run) fails; one that left some packets
# unchecked says how many on stderr; differences and damaged captures fail.
set -u
B=${1:?usage: xlate-verify.sh BUILD_DIR}
X=$B/bin/cbpf-xlate
[ -x "$X" ] || { echo "$X is missing: run make first"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 bad=0
ok() { n=$((n + 1)); }
fail() { n=$((n + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

# A 32-bit number, little-endian.
le32() {
	printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))"
	printf "\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"
}

# A little-endian pcap for EN10MB with records of the sizes given (bytes of 0x45).
pcap() {
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000'
	printf '\000\000\004\000\001\000\000\000'
	for size; do
		le32 0 && le32 0 && le32 "$size" && le32 "$size"
		head -c "$size" /dev/zero | tr '\000' '\105'
	done
}

# verify NAME EXIT SIZES...: runs --verify on such a capture, true when it exits EXIT; its exit
# status in $rc, stdout and stderr in $tmp/out and $tmp/err.
verify() {
	name=$1 want=$2
	shift 2
	pcap "$@" >"$tmp/$name.pcap"
	"$X" -t socket -e 'ip' --interpreter --verify "$tmp/$name.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq "$want" ]
}

# No packets: nothing checked, a failure that says why.
verify none 1 && grep -q '0 packets: 0 agree, 0 differ, 0 not run' "$tmp/out" &&
	grep -q 'error: .*none.pcap: nothing was checked: the capture holds no packets' \
		"$tmp/err" && ok || fail "none: exit $rc: $(cat "$tmp/out" "$tmp/err")"

# Only frames shorter than an Ethernet header: none could be run.
verify short 1 10 13 0 && grep -q '3 packets: 0 agree, 0 differ, 3 not run' "$tmp/out" &&
	grep -q 'error: .*nothing was checked: all its packets are shorter than an Ethernet' \
		"$tmp/err" && ok || fail "short: exit $rc: $(cat "$tmp/out" "$tmp/err")"
verify one-short 1 5 && grep -q 'its one packet is shorter' "$tmp/err" && ok ||
	fail "one-short: exit $rc: $(cat "$tmp/err")"

# Some run, some not: success, with a warning that counts them.
verify some 0 10 60 13 64 && grep -q '4 packets: 2 agree, 0 differ, 2 not run' "$tmp/out" &&
	grep -q 'warning: .*some.pcap: 2 of 4 packets were not checked' "$tmp/err" && ok ||
	fail "some: exit $rc: $(cat "$tmp/out" "$tmp/err")"

# All run: success, and nothing on stderr.
verify all 0 14 60 1500 && grep -q '3 packets: 3 agree, 0 differ, 0 not run' "$tmp/out" &&
	[ ! -s "$tmp/err" ] && ok || fail "all: exit $rc: $(cat "$tmp/out" "$tmp/err")"

# A capture that ends in the middle of a record fails, even after packets that agree.
pcap 60 60 | head -c 120 >"$tmp/cut.pcap"
"$X" -t socket -e ip --interpreter --verify "$tmp/cut.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'truncated' "$tmp/err" && ok || fail "cut: $(cat "$tmp/err")"

# A capture of another link type than the expression's: a warning naming both and -r; none
# when -r compiled it for that capture, or -y named its type.
"$X" -t socket -e udp --interpreter --verify pcaps/sll.pcap >/dev/null 2>"$tmp/err" &&
	grep -q "warning: pcaps/sll.pcap: the capture's link type is LINUX_SLL, the expression was"\
" compiled for EN10MB (-y's default): .*(-r pcaps/sll.pcap compiles it for the capture)" \
		"$tmp/err" && ok || fail "link type differs: $(cat "$tmp/err")"
for opt in "-r pcaps/sll.pcap" "-y LINUX_SLL"; do
	# shellcheck disable=SC2086 # the option and its value are two words
	"$X" -t socket -e udp $opt --interpreter --verify pcaps/sll.pcap >/dev/null 2>"$tmp/err" &&
		[ ! -s "$tmp/err" ] && ok || fail "link type $opt: $(cat "$tmp/err")"
done

echo "$((n - bad))/$n --verify verdicts are right"
[ $bad -eq 0 ]
