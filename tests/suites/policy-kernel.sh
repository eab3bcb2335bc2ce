#!/bin/sh
# SPDX-License-Identifier: MIT
# The running kernel accepts every generated filter: seccomp(2) with no_new_privs in a forked
# child, reported through MAP_SHARED memory. Skips (77) where filters cannot be installed.
set -u
B=${1:?usage: policy-kernel.sh BUILD_DIR}
tool=$B/tests/bin/policy-kernel
[ -x "$tool" ] || { echo "$tool is missing: run make test-tools first"; exit 1; }
top=$(pwd)
docker=
for d in "$top/../shared/corpus" "$top/../../shared/corpus"; do
	[ -f "$d/docker-default.json" ] && { docker=$d/docker-default.json; break; }
done
if [ -n "$docker" ]; then
	echo "Docker's default profile: $docker"
else
	echo "Docker's default profile is absent (../shared/corpus): the committed policies only"
fi
good=$(ls tests/cases/policy/*.json tests/cases/policy/*.policy | grep -v -e '/bad-' -e '/warn-')
# shellcheck disable=SC2086 # file names have no spaces
exec "$tool" --random 300 $good $docker
