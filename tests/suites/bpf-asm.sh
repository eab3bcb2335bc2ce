#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-asm against the kernel's bpf_asm itself, when one is at hand: every bpf_asm program in
# the repository and a few thousand generated ones (all mnemonics, addressing modes, number
# forms, ancillary names, comments, letter case) must encode to the same instructions, and a
# program bpf_asm refuses must be refused. Debian packages no bpf_asm: build it from a kernel
# tree (make -C tools/bpf bpf_asm, which needs flex and bison) and name it with BPF_ASM=PATH,
# or put it on PATH. Where the kernel's rules pass the program too, cbpf-asm's output (bpf_asm's
# comma form, and -c) must be bpf_asm's, byte for byte. Left out by design, as in bpfc.sh: what
# the kernel would refuse but bpf_asm encodes (M[16], constants over 32 bits, backward or far
# jumps).
set -u
B=${1:?usage: bpf-asm.sh BUILD_DIR}
dump="$B/tests/bin/asm-dump"
asm="$B/bin/cbpf-asm"
for x in "$dump" "$asm"; do
	[ -x "$x" ] || { echo "missing $x (make test-tools)"; exit 1; }
done
peer=${BPF_ASM:-$(command -v bpf_asm 2>/dev/null)}
if [ -z "$peer" ] || [ ! -x "$peer" ]; then
	echo "skipped: no bpf_asm to compare with (build it from a kernel tree's tools/bpf, then" \
		"BPF_ASM=PATH)"
	exit 77
fi
COUNT=${BPF_ASM_PROGRAMS:-2000}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -f tests/suites/asm-gen.awk -v count="$COUNT" -v dir="$tmp" -v seed="${BPF_ASM_SEED:-1}" \
	-v dialect=bpf_asm

# Each ancillary name with each load, with and without '#': bpf_asm refuses some.
i=0
for a in len proto type poff ifidx nla nlan mark queue hatype rxhash cpu vlan_tci vlan_pr \
	vlan_avail vlan_tpid rand; do
	for op in ld ldh ldb ldx LD Ldb; do
		for h in '#' ''; do
			printf '%s %s%s\nret a\n' "$op" "$h" "$a" >"$tmp/anc$i.bpf"
			i=$((i + 1))
		done
	done
done

n=0 bad=0 refused=0 forms=0
for f in $(git ls-files '*.bpf') "$tmp"/anc*.bpf "$tmp"/gen*.bpf; do
	n=$((n + 1))
	# bpf_asm says an error on stderr, with exit status 0 or 1, and may still print.
	if "$peer" "$f" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		tr ',' '\n' <"$tmp/out" | sed '1d;/^$/d' >"$tmp/want"
	else
		: >"$tmp/want"
		refused=$((refused + 1))
	fi
	"$dump" "$f" >"$tmp/got" 2>/dev/null || : >"$tmp/got"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		bad=$((bad + 1))
		if [ $bad -le 5 ]; then
			echo "FAIL: $f"
			head -n 2 "$tmp/err"
			diff "$tmp/want" "$tmp/got" | head -n 6
		fi
		continue
	fi
	# A program valid for the kernel: the printed forms, byte for byte.
	[ -s "$tmp/want" ] && "$asm" "$f" >"$tmp/got" 2>/dev/null || continue
	for flag in "" -c; do
		"$peer" $flag "$f" >"$tmp/want" 2>/dev/null
		"$asm" $flag "$f" >"$tmp/got" 2>/dev/null
		forms=$((forms + 1))
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			bad=$((bad + 1))
			echo "FAIL: $f: cbpf-asm $flag prints otherwise than bpf_asm $flag"
			diff "$tmp/want" "$tmp/got" | head -n 6
		fi
	done
done
echo "$n programs encoded and $forms printed forms of the valid ones checked against bpf_asm:" \
	"$bad differ ($refused refused by both; $COUNT generated; $peer)"
[ $bad -eq 0 ]
