#!/bin/sh
# SPDX-License-Identifier: MIT
# libcbpf/data/constants.csv against minijail's own constants tables (crosvm's, in
# ../shared/corpus/seccomp/minijail-constants): every name, the same value on that architecture,
# or a difference the tool lists with its reason.
set -u
B=${1:?usage: constants-minijail.sh BUILD_DIR}
tool=$B/tests/bin/constants-minijail
[ -x "$tool" ] || { echo "$tool is missing: run make test-tools first"; exit 1; }
dir=
for d in ../shared/corpus ../../shared/corpus; do
	[ -d "$d/seccomp/minijail-constants" ] && { dir=$d/seccomp/minijail-constants; break; }
done
[ -n "$dir" ] || { echo "minijail's tables are absent (../shared/corpus/seccomp/minijail-constants)"; exit 77; }
"$tool" "$dir"/*.json || exit 1
echo "every name of minijail's $(ls "$dir"/*.json | wc -l) tables is in libcbpf/data/constants.csv with its value, or listed with its reason"
