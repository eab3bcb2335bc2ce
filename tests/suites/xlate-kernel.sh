#!/bin/sh
# SPDX-License-Identifier: MIT
# Translations against the running kernel: for the tcpdump expressions (compiled for each
# capture's link type) and thousands of random valid classic programs, the verifier accepts the
# socket, tc and xdp translations, and on every frame of the project's captures their verdicts
# under BPF_PROG_TEST_RUN equal the classic interpreter's and libcbpf's eBPF interpreter's.
# Then the same for a loader with CAP_BPF and CAP_NET_ADMIN but neither root nor CAP_PERFMON
# (whose verifier refuses pointer arithmetic it cannot sanitize), and cbpf-xlate --verify on
# frames too long for the kernel's test runs. Skips (77) when bpf(2) is not allowed.
set -u
B=${1:?usage: xlate-kernel.sh BUILD_DIR}
tool="$B/tests/bin/xlate-kernel"
X="$B/bin/cbpf-xlate"
[ -x "$tool" ] && [ -x "$X" ] || { echo "missing $tool or $X (make all test-tools)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: BPF_PROG_LOAD and BPF_PROG_TEST_RUN need root"; exit 77; }
"$tool" -e tests/suites/tcpdump-expressions.txt -n "${XLATE_RANDOM:-3000}" pcaps/*.pcap || exit 1

bad=0
# As nobody with CAP_BPF and CAP_NET_ADMIN only (setpriv from util-linux).
capable() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all,+bpf,+net_admin \
		--ambient-caps=+bpf,+net_admin --bounding-set=-all,+bpf,+net_admin "$@"
}
if ! command -v setpriv >/dev/null 2>&1 || ! capable true 2>/dev/null; then
	echo "skipped: the capable loader (setpriv cannot run a command as nobody with CAP_BPF)"
elif ! capable "$tool" -n 0 pcaps/eth-arp.pcap >/dev/null 2>&1; then
	echo "skipped: the capable loader (bpf(2) refused to nobody with CAP_BPF, CAP_NET_ADMIN)"
else
	echo "as nobody with CAP_BPF and CAP_NET_ADMIN, without CAP_PERFMON:"
	capable "$tool" -e tests/suites/tcpdump-expressions.txt -n "${XLATE_RANDOM_CAPABLE:-500}" \
		pcaps/*.pcap || bad=$((bad + 1))
fi

# --verify on frames longer than the kernel's test runs take (socket, tc) or keep linear (xdp):
# they run in libcbpf's eBPF interpreter and must agree.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
byte() { printf "\\$(printf %03o $(($1 & 255)))"; }
le32() { byte "$1"; byte $(($1 >> 8)); byte $(($1 >> 16)); byte $(($1 >> 24)); }
be16() { byte $(($1 >> 8)); byte "$1"; }
frame() { # total length: Ethernet, IPv4, UDP to port 7000, payload of 1s
	le32 0; le32 0; le32 "$1"; le32 "$1"
	printf '\002\000\000\000\000\001\002\000\000\000\000\002\010\000'
	printf '\105\000'; be16 $(($1 - 14)); printf '\000\001\000\000\100\021\000\000'
	printf '\012\000\000\001\012\000\000\002'
	be16 5000; be16 7000; be16 $(($1 - 34)); printf '\000\000'
	head -c $(($1 - 42)) /dev/zero | tr '\0' '\1'
}
{
	le32 2712847316; be16 512; be16 1024; le32 0; le32 0; le32 262144; le32 1
	frame 100; frame 3000; frame 3600; frame 5000; frame 9000
} >"$tmp/long.pcap"
n=0
for expr in "udp port 7000" "len > 4000" "ether[4500] = 1" "ip[2:2] > 8000" "udp[4000] = 1"; do
	for t in socket tc xdp; do
		n=$((n + 1))
		out=$("$X" -t $t -e "$expr" --verify "$tmp/long.pcap" 2>&1)
		case $out in
		*"5 packets: 5 agree, 0 differ, 0 not run; the translation ran in the kernel"*"for "[1-9]*" packet"*"in libcbpf's eBPF interpreter") ;;
		*)
			echo "FAIL --verify of '$expr' for $t on long frames:"
			echo "$out" | sed 's/^/    /'
			bad=$((bad + 1))
			;;
		esac
	done
done
echo "$((n - bad))/$n --verify runs on frames of 100 to 9000 bytes agree, the long ones in the interpreter"
[ $bad -eq 0 ]
