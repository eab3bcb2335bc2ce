#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: every benchmark, each measuring cbpf against its peer in the same run and printing
# ratios. The capture of two million packets (about 1 GB) comes from our own generator, written
# on demand into the build directory (pcaps/ holds only the small committed captures).
# Usage: tools/bench.sh BUILD_DIR   (CBPF_LARGE=FILE to use another large capture)
set -u
B=${1:?usage: bench.sh BUILD_DIR}
large=${CBPF_LARGE:-$B/large-2m.pcap}
if [ ! -s "$large" ]; then
	echo "bench: writing $large (2,000,000 packets) with cbpf-pcapgen --large"
	"$B/bin/cbpf-pcapgen" --large "$large" --count 2000000 || exit 1
fi
status=0
for bin in "$B"/bench/bin/*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	echo "==== $name"
	case $name in
	asm) "$bin" || status=1 ;;
	*) "$bin" "$large" || status=1 ;;
	esac
done
for script in bench/*.sh; do
	[ -e "$script" ] || continue
	echo "==== $(basename "$script" .sh)"
	sh "$script" "$B" "$large" || status=1
done
exit $status
