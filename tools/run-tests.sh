#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test suite against the build in $1 and prints one verdict line per suite.
# A suite exits 0 (pass), 77 (skipped: it says why) or anything else (fail).
# Suites run TEST_JOBS at a time (default: one per processor): each works in its own mktemp
# directory and names its namespaces and pins after its pid, so none can see another's.
# Verdicts print as suites end; the tally comes last.
# Usage: tools/run-tests.sh BUILD_DIR [SUITE...]   (suite names as in tests/suites/NAME.sh)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

# One suite: its verdict (and, when it failed, the end of its output) into $log/$s.out, then
# printed in one piece so that suites ending together do not mix their lines.
if [ "${1:-}" = --one ]; then
	B=$2 s=$3 log=$4
	export B
	start=$(date +%s)
	if [ "$s" = unit ]; then
		# Check's timeouts (4 s unless a case sets its own) catch hangs; with suites running
		# beside it and under ASan a heavy case may need more than that.
		CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-5} "$B/tests/unit-tests" >"$log/$s" 2>&1
	else
		sh "tests/suites/$s.sh" "$B" >"$log/$s" 2>&1
	fi
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) verdict=PASS ;;
	77) verdict=SKIP ;;
	*) verdict=FAIL ;;
	esac
	{
		# The suite's own last line is its summary (or, when skipped, the reason).
		printf '%-4s %-22s %4ss  %s\n' "$verdict" "$s" "$secs" "$(tail -n 1 "$log/$s")"
		[ $verdict = FAIL ] && sed 's/^/    | /' "$log/$s" | tail -n 60
	} >"$log/$s.out"
	echo $verdict >"$log/$s.verdict"
	cat "$log/$s.out"
	exit 0
fi

B=${1:?usage: run-tests.sh BUILD_DIR [SUITE...]}
shift
# Leaks inside peer libraries (libseccomp) are theirs; tests/lsan.supp names each one.
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

if [ $# -gt 0 ]; then
	suites="$*"
else
	suites="unit $(for f in tests/suites/*.sh; do [ -e "$f" ] && basename "$f" .sh; done)"
fi
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}

log=$(mktemp -d) || exit 1
trap 'rm -rf "$log"' EXIT
# shellcheck disable=SC2086 # suite names are words
printf '%s\n' $suites | xargs -P "$jobs" -I @ sh "$0" --one "$B" @ "$log"

pass=0 fail=0 skip=0 failed=
for s in $suites; do
	case $(cat "$log/$s.verdict" 2>/dev/null) in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) failed="$failed $s" ;;
	esac
done
echo "---- $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
