#!/bin/sh
# SPDX-License-Identifier: MIT
# Translations against the classic interpreter, without the kernel: random socket and seccomp
# programs (valid, and with one validator rule broken that the interpreter still runs), every
# target, on the captures' frames with varied metadata and on random seccomp_data records.
set -u
B=${1:?usage: xlate-vm.sh BUILD_DIR}
tool="$B/tests/bin/xlate-vm"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
"$tool" -n "${XLATE_RANDOM:-5000}" pcaps/*.pcap
