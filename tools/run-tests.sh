#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test suite against the build in $1 and prints one verdict line per suite.
# A suite exits 0 (pass), 77 (skipped: it says why) or anything else (fail).
# Usage: tools/run-tests.sh BUILD_DIR [SUITE...]   (suite names as in tests/suites/NAME.sh)
set -u
B=${1:?usage: run-tests.sh BUILD_DIR [SUITE...]}
shift
export B
# Leaks inside peer libraries (libseccomp) are theirs; tests/lsan.supp names each one.
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")/.." && pwd)/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

if [ $# -gt 0 ]; then
	suites="$*"
else
	suites="unit $(for f in tests/suites/*.sh; do [ -e "$f" ] && basename "$f" .sh; done)"
fi

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
pass=0 fail=0 skip=0 failed=
for s in $suites; do
	start=$(date +%s)
	if [ "$s" = unit ]; then
		"$B/tests/unit-tests" >"$log/$s" 2>&1
	else
		sh "tests/suites/$s.sh" "$B" >"$log/$s" 2>&1
	fi
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0) pass=$((pass + 1)); verdict=PASS ;;
	77) skip=$((skip + 1)); verdict=SKIP ;;
	*) fail=$((fail + 1)); verdict=FAIL; failed="$failed $s" ;;
	esac
	# The suite's own last line is its summary (or, when skipped, the reason).
	printf '%-4s %-22s %4ss  %s\n' "$verdict" "$s" "$secs" "$(tail -n 1 "$log/$s")"
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		sed 's/^/    | /' "$log/$s" | tail -n 60
	fi
done
echo "---- $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
