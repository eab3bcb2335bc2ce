#!/bin/sh
# SPDX-License-Identifier: MIT
# OCI profiles whose rules for one syscall overlap with different actions: cbpf's filter against
# libseccomp's (its generated BPF) for the same rules added in file order (as runc adds them),
# for every architecture and argument values around every constant; listed shapes, then random
# ones from a fixed seed, then as many of several syscalls whose rules begin alike
# (tests/tools/policy-overlap.c).
set -u
B=${1:?usage: policy-overlap.sh BUILD_DIR}
tool=$B/tests/bin/policy-overlap
[ -x "$tool" ] || { echo "$tool is missing: run make test-tools first"; exit 1; }
exec "$tool" -n "${POLICY_OVERLAP_RANDOM:-400}" -s 1
