#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel as oracle: cbpf_check's verdicts against SO_ATTACH_FILTER and seccomp(2) on edge
# cases and 5000 random programs (fixed seed). Exits 77 when the kernel refuses the controls.
set -u
B=${1:?usage: kernel-check.sh BUILD_DIR}
exec "$B/tests/bin/kernel-check" --seed 1 --count 5000
