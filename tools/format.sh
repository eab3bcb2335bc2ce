#!/bin/sh
# SPDX-License-Identifier: MIT
# Formats the C sources with .clang-format (format), or lists the files that differ from it and
# fails (check). Generated tables are built from libcbpf/data, not committed, so every .c and .h
# that git tracks is ours to format.
# Usage: tools/format.sh format|check
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
want=14
mode=${1:-check}
cf=${CLANG_FORMAT:-clang-format}

if ! command -v "$cf" >/dev/null 2>&1; then
	echo "format: no clang-format (apt-get install clang-format)" >&2
	exit 77
fi
major=$("$cf" --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
if [ "$major" != "$want" ]; then
	# Each major version of clang-format breaks some lines differently.
	echo "format: clang-format $major is not $want, whose output the tree follows: not checked" >&2
	[ "$mode" = check ] && exit 77
fi
files=$(git ls-files '*.c' '*.h')
case $mode in
format)
	# shellcheck disable=SC2086
	exec "$cf" -i $files
	;;
check)
	bad=0
	for f in $files; do
		if ! "$cf" "$f" | cmp -s "$f" -; then
			echo "format: $f differs from .clang-format (make format)" >&2
			bad=$((bad + 1))
		fi
	done
	[ $bad -eq 0 ] && echo "format: $(echo "$files" | wc -l) files as .clang-format writes them"
	[ $bad -eq 0 ]
	;;
*)
	echo "usage: tools/format.sh format|check" >&2
	exit 2
	;;
esac
