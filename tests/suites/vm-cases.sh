#!/bin/sh
# SPDX-License-Identifier: MIT
# The semantics cases of tests/cases/vm through every engine: the interpreter whole and stepped,
# the JIT, the translations in libcbpf's eBPF interpreter, and the kernel (SO_ATTACH_FILTER, seccomp(2),
# BPF_PROG_TEST_RUN of the translations). The tool skips (77) when an engine cannot run here.
set -u
B=${1:?usage: vm-cases.sh BUILD_DIR}
tool="$B/tests/bin/vm-cases"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
"$tool" "$(dirname "$0")/../cases/vm"
