#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: the scaling suite's figures (tests/suites/scaling.sh), the CPU time per input unit
# (instruction, line, jump, character...) and the peak memory of each reader and compiler at
# inputs 10, 100 and 1,000 times larger than real ones; a per-unit time that stays flat or falls
# from one size to the next means linear growth. The policy compiler has its own (bench/policy.c).
# Usage: bench/scaling.sh BUILD_DIR [CAPTURE]   (the capture is not used)
set -u
B=${1:?usage: scaling.sh BUILD_DIR}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
sh tests/suites/scaling.sh "$B" >"$out" 2>&1
status=$?
# The table and the verdict; the suite's notes on pending checks belong to make check.
grep -Ev '^(pending|note)' "$out"
exit $status
