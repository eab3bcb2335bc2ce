#!/bin/sh
# SPDX-License-Identifier: MIT
# The disassembler against `bpftool prog dump xlated` for the same loaded programs, modulo the
# kernel's own rewrites (see tests/tools/xlate-bpftool.c). Skips (77) without root or bpftool.
set -u
B=${1:?usage: xlate-bpftool.sh BUILD_DIR}
tool="$B/tests/bin/xlate-bpftool"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: loading programs for bpftool to dump needs root"; exit 77; }
"$tool" tests/suites/tcpdump-expressions.txt
