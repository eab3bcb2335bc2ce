#!/bin/sh
# SPDX-License-Identifier: MIT
# Generated seccomp filters against the rules' meaning and against libseccomp's filter for the
# same rules (built with its C API, exported with seccomp_export_bpf), run through the
# interpreter for every syscall number of every architecture, beyond the tables, x32 numbers
# and argument values at each comparison's edges: the committed policies, Docker's default
# profile (when ../shared/corpus has it) under several hosts and capability sets, and random
# policies from a fixed seed. Then cbpf's syscall tables against libseccomp's resolver.
set -u
B=${1:?usage: policy-equiv.sh BUILD_DIR}
tool=$B/tests/bin/policy-equiv
[ -x "$tool" ] || { echo "$tool is missing: run make test-tools first"; exit 1; }
top=$(pwd)
docker=
for d in "$top/../shared/corpus" "$top/../../shared/corpus"; do
	[ -f "$d/docker-default.json" ] && { docker=$d/docker-default.json; break; }
done
if [ -n "$docker" ]; then
	echo "Docker's default profile: $docker"
	set -- --docker "$docker"
else
	echo "Docker's default profile is absent (../shared/corpus): tests/cases/policy/docker-like.json stands in"
	set --
fi
"$B/tests/bin/policy-systab" | tail -n 1 || { "$B/tests/bin/policy-systab" | grep UNEXPL; exit 1; }
# warn-conflict-*: what runc makes of overlapping rules, against libseccomp's own resolution
good="$(ls tests/cases/policy/*.json tests/cases/policy/*.policy | grep -v -e '/bad-' -e '/warn-')
$(ls tests/cases/policy/warn-conflict-*.json)"
# shellcheck disable=SC2086 # file names have no spaces
exec "$tool" --random "${POLICY_RANDOM:-600}" --seed 1 "$@" $good
