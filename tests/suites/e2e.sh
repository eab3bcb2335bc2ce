#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end tests of the programs: tests/e2e/<prog>/<case>.args against
# tests/golden/<prog>/<case>.{out,err,rc}. A case may give stdin in <case>.in.
# With GOLDEN=1 the golden files are rewritten instead (make golden), to be reviewed in the diff.
set -u
B=${1:?usage: e2e.sh BUILD_DIR}
n=0 bad=0
for args in tests/e2e/*/*.args; do
	[ -e "$args" ] || continue
	prog=$(basename "$(dirname "$args")")
	case=$(basename "$args" .args)
	bin="$B/bin/$prog"
	gold="tests/golden/$prog/$case"
	in="${args%.args}.in"
	[ -e "$in" ] || in=/dev/null
	out=$(mktemp) err=$(mktemp)
	# Arguments are shell words, so cases can quote expressions; colour is never wanted here.
	eval "set -- $(cat "$args")"
	NO_COLOR=1 "$bin" "$@" <"$in" >"$out" 2>"$err"
	rc=$?
	n=$((n + 1))
	if [ "${GOLDEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$gold")"
		cp "$out" "$gold.out" && cp "$err" "$gold.err" && echo $rc >"$gold.rc"
	elif ! { diff -u "$gold.out" "$out" && diff -u "$gold.err" "$err" &&
		[ "$(cat "$gold.rc")" = "$rc" ]; }; then
		echo "FAIL $prog/$case (exit $rc, expected $(cat "$gold.rc" 2>/dev/null))"
		bad=$((bad + 1))
	fi
	rm -f "$out" "$err"
done
[ $n -gt 0 ] || { echo "no end-to-end cases found"; exit 1; }
echo "$((n - bad))/$n end-to-end cases match their golden output"
[ $bad -eq 0 ]
