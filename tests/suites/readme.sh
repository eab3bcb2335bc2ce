#!/bin/sh
# SPDX-License-Identifier: MIT
# Keeps README.md true: every `$ command` in its code blocks is run from the top of the tree and
# must print exactly the lines that follow it (stdout and stderr together), up to the next `$`
# line or the end of the block. Commands run with the build directory given as $1 in place of
# build/, and with NO_COLOR set.
set -u
B=${1:?usage: readme.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^```/ { if (inblock) { if (cmd != "") close(out); inblock = 0; cmd = "" } else inblock = 1; next }
	!inblock { next }
	/^\$ / {
		if (cmd != "") close(out)
		n++; cmd = substr($0, 3); out = sprintf("%s/%03d.expected", dir, n)
		printf "%s\n", cmd > sprintf("%s/%03d.cmd", dir, n); close(sprintf("%s/%03d.cmd", dir, n))
		printf "" > out
		next
	}
	cmd != "" { print >> out }
' README.md
n=0 bad=0
for c in "$tmp"/*.cmd; do
	[ -e "$c" ] || continue
	n=$((n + 1))
	cmd=$(sed "s|build/|$B/|g" "$c")
	NO_COLOR=1 sh -c "$cmd" >"${c%.cmd}.actual" 2>&1
	if ! diff -u "${c%.cmd}.expected" "${c%.cmd}.actual" >"${c%.cmd}.diff"; then
		echo "README command differs: $(cat "$c")"
		cat "${c%.cmd}.diff"
		bad=$((bad + 1))
	fi
done
[ $n -gt 0 ] || { echo "no commands found in README.md"; exit 1; }
echo "$((n - bad))/$n README commands print what the README shows"
[ $bad -eq 0 ]
