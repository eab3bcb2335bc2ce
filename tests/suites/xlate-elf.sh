#!/bin/sh
# SPDX-License-Identifier: MIT
# cbpf-xlate's ELF objects read by llvm-objdump: the section of each target, the program's
# symbol, and every instruction's bytes equal to the -f raw output of the same translation.
# (libbpf opening them is in the unit tests; loading them is xlate-load.sh.) Skips (77) without
# llvm-objdump.
set -u
B=${1:?usage: xlate-elf.sh BUILD_DIR}
X="$B/bin/cbpf-xlate"
[ -x "$X" ] || { echo "missing $X"; exit 1; }
command -v llvm-objdump >/dev/null 2>&1 || { echo "skipped: llvm-objdump is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
n=0 bad=0
while IFS= read -r expr; do
	case $expr in '#'* | '') continue ;; esac
	for t in socket tc xdp; do
		"$X" -t "$t" -e "$expr" -o "$tmp/o.o" 2>/dev/null || continue
		"$X" -t "$t" -e "$expr" -f raw -o "$tmp/o.raw" || { bad=$((bad + 1)); continue; }
		n=$((n + 1))
		# "       3:	07 01 00 00 0e 00 00 00	r1 += 14": the bytes, as the raw form has them.
		llvm-objdump -d "$tmp/o.o" >"$tmp/dis" 2>&1
		if ! grep -q "^Disassembly of section $t:" "$tmp/dis" ||
			! grep -q "<cbpf_$t>:" "$tmp/dis"; then
			echo "FAIL '$expr' for $t: no section $t or symbol cbpf_$t"
			bad=$((bad + 1))
			continue
		fi
		sed -n "s/^ *[0-9]*:$tab\\(\\([0-9a-f][0-9a-f] \\)\\{7\\}[0-9a-f][0-9a-f]\\)$tab.*/\\1/p" \
			"$tmp/dis" | tr -d ' \n' >"$tmp/a"
		od -An -v -tx1 "$tmp/o.raw" | tr -d ' \n' >"$tmp/b"
		if ! cmp -s "$tmp/a" "$tmp/b"; then
			echo "FAIL '$expr' for $t: llvm-objdump's bytes differ from -f raw"
			bad=$((bad + 1))
		fi
	done
done <tests/suites/tcpdump-expressions.txt
# A seccomp object too.
printf 'ld [0]\njeq #39, bad\nret #0x7fff0000\nbad: ret #0\n' >"$tmp/sc.bpf"
if "$X" -t seccomp "$tmp/sc.bpf" -o "$tmp/sc.o" && llvm-objdump -d "$tmp/sc.o" | grep -q '<cbpf_seccomp>:'; then
	n=$((n + 1))
else
	echo "FAIL seccomp object"
	bad=$((bad + 1))
fi
[ $n -gt 100 ] || { echo "only $n objects written"; exit 1; }
echo "$((n - bad))/$n ELF objects disassemble in llvm-objdump to the bytes of the translation"
[ $bad -eq 0 ]
