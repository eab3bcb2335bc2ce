#!/bin/sh
# SPDX-License-Identifier: MIT
# Seccomp policies in tests/cases/policy: good ones compile without a word; each bad one fails
# with exactly the located diagnostics in its .err file (warn-* ones compile, with warnings).
# A case's extra options for policy-compile are in its .args file.
set -u
B=${1:?usage: policy-cases.sh BUILD_DIR}
tool=$B/tests/bin/policy-compile
[ -x "$tool" ] || { echo "$tool is missing: run make test-tools first"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
for f in tests/cases/policy/*.json tests/cases/policy/*.policy; do
	base=${f%.*}
	args=
	[ -f "$base.args" ] && args=$(cat "$base.args")
	# shellcheck disable=SC2086 # options are words
	"$tool" --quiet --kernel 6.1 $args "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	case ${f##*/} in
	bad-*) want=1 ;;
	*) want=0 ;;
	esac
	if [ $rc -ne $want ]; then
		bad=$((bad + 1))
		echo "FAIL $f: exit $rc, expected $want"
		sed 's/^/    /' "$tmp/err"
		continue
	fi
	if [ -f "$base.err" ]; then
		if ! diff -u "$base.err" "$tmp/err" >"$tmp/diff"; then
			bad=$((bad + 1))
			echo "FAIL $f: diagnostics differ"
			cat "$tmp/diff"
		fi
	elif [ -s "$tmp/err" ]; then
		bad=$((bad + 1))
		echo "FAIL $f: unexpected diagnostics"
		sed 's/^/    /' "$tmp/err"
	fi
done
[ $bad -eq 0 ] || { echo "$bad of $n policy cases failed"; exit 1; }
echo "$n policy cases: good ones compile, bad ones fail with their exact diagnostics"
