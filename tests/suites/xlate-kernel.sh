#!/bin/sh
# SPDX-License-Identifier: MIT
# Translations against the running kernel: for the tcpdump expressions (compiled for each
# capture's link type) and thousands of random valid classic programs, the verifier accepts the
# socket, tc and xdp translations, and on every frame of the project's captures their verdicts
# under BPF_PROG_TEST_RUN equal the classic interpreter's and libcbpf's eBPF interpreter's.
# Skips (77) when bpf(2) is not allowed.
set -u
B=${1:?usage: xlate-kernel.sh BUILD_DIR}
tool="$B/tests/bin/xlate-kernel"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skipped: BPF_PROG_LOAD and BPF_PROG_TEST_RUN need root"; exit 77; }
"$tool" -e tests/suites/tcpdump-expressions.txt -n "${XLATE_RANDOM:-3000}" pcaps/*.pcap
