#!/bin/sh
# SPDX-License-Identifier: MIT
# Rewrites tests/golden/ and cbpf-dbg's transcripts (tests/e2e/cbpf-dbg/*.session) from the
# programs in build dir $1; review the result with git diff.
set -u
B=${1:?usage: golden.sh BUILD_DIR}
GOLDEN=1 sh tests/suites/e2e.sh "$B" || exit
GOLDEN=1 exec sh tests/suites/dbg-transcripts.sh "$B"
