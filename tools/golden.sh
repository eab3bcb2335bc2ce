#!/bin/sh
# SPDX-License-Identifier: MIT
# Rewrites tests/golden/ from the programs in build dir $1; review the result with git diff.
set -u
GOLDEN=1 exec sh tests/suites/e2e.sh "${1:?usage: golden.sh BUILD_DIR}"
