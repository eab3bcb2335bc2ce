#!/bin/sh
# SPDX-License-Identifier: MIT
# The interpreter against libpcap's bpf_filter: 200 filter expressions compiled for ten link
# types (optimised and not) over synthesized frames and every capture in pcaps/ and, when it
# exists, ../shared/corpus/pcaps/; then random valid programs over random packets.
set -u
B=${1:?usage: vm-diff.sh BUILD_DIR}
tool="$B/tests/bin/vm-diff"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
top=$(cd "$(dirname "$0")/../.." && pwd)
# The shared corpus sits beside the checkout (../shared) or, from a worktree, higher up.
corpus=
for d in "$top/../shared/corpus/pcaps" "$top/../../shared/corpus/pcaps" \
	/work/shared/corpus/pcaps; do
	if [ -d "$d" ]; then corpus=$d; break; fi
done
set --
for f in "$top"/pcaps/*.pcap; do
	[ -e "$f" ] && set -- "$@" "$f"
done
echo "pcaps/: $# captures"
if [ -n "$corpus" ]; then
	n=$#
	for f in "$corpus"/*.pcap; do
		[ -e "$f" ] && set -- "$@" "$f"
	done
	echo "shared corpus: $(($# - n)) captures"
else
	echo "shared corpus: absent (../shared/corpus/pcaps), not used"
fi
"$tool" -r 5000 "$@"
