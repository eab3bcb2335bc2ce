#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end tests of the programs: tests/e2e/<prog>/<case>.args against
# tests/golden/<prog>/<case>.{out,err,rc}. A case may give stdin in <case>.in.
# With GOLDEN=1 the golden files are rewritten instead (make golden), to be reviewed in the diff.
# A case whose output depends on the machine has a <case>.needs: a shell command (run with $B
# set) that must succeed for the case to run; otherwise it is counted as skipped.
set -u
B=${1:?usage: e2e.sh BUILD_DIR}
export B
n=0 bad=0 skipped=0
for args in tests/e2e/*/*.args; do
	[ -e "$args" ] || continue
	prog=$(basename "$(dirname "$args")")
	case=$(basename "$args" .args)
	bin="$B/bin/$prog"
	gold="tests/golden/$prog/$case"
	in="${args%.args}.in"
	[ -e "$in" ] || in=/dev/null
	if [ -e "${args%.args}.needs" ] && ! sh "${args%.args}.needs" >/dev/null 2>&1; then
		echo "SKIP $prog/$case: $(head -n 1 "${args%.args}.needs" | sed 's/^# //')"
		skipped=$((skipped + 1))
		continue
	fi
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
more=
[ $skipped -eq 0 ] || more=" ($skipped skipped: not for this machine or build)"
echo "$((n - bad))/$n end-to-end cases match their golden output$more"
[ $bad -eq 0 ]
