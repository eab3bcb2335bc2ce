#!/bin/sh
# SPDX-License-Identifier: MIT
# The JIT against the interpreter: random programs (libcbpf's randprog, valid and with each rule
# broken that the interpreter still runs, and programs of every opcode with constants at the
# edges) over random packets, metadata and seccomp_data. Skips (77) where there is no JIT.
set -u
B=${1:?usage: jit-diff.sh BUILD_DIR}
tool="$B/tests/bin/jit-diff"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
"$tool" -n 6000 -s 1 && "$tool" -n 6000 -s 2
