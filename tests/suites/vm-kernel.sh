#!/bin/sh
# SPDX-License-Identifier: MIT
# The interpreter against the running kernel: programs attached with SO_ATTACH_FILTER to netlink
# and packet sockets, and installed as seccomp filters, must give what libcbpf's interpreter
# gives. The tool skips (77) when no transport to the kernel can be used.
set -u
B=${1:?usage: vm-kernel.sh BUILD_DIR}
tool="$B/tests/bin/vm-kernel"
[ -x "$tool" ] || { echo "missing $tool (make test-tools)"; exit 1; }
"$tool" -n 3000
