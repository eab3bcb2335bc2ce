#!/bin/sh
# SPDX-License-Identifier: MIT
# Parity with netsniff-ng's bpfc: the hand-written programs in tests/cases/asm/bpfc/ and a few
# hundred generated ones must assemble to identical instruction arrays ("code jt jf k" lines:
# bpfc -f tcpdump -b, and asm-dump). bpfc speaks an older form of bpf_asm's language, so the
# programs keep to what both read the same way. Where bpfc and bpf_asm differ, bpf_asm (and so
# cbpf) wins, and these are left out of the generated programs:
#  - ancillary names: bpfc lacks #rand, #vlan_pr, #vlan_avail and #vlan_tpid, and has #vlanp and
#    #vlant, which bpf_asm (tools/bpf/bpf_exp.l) does not know;
#  - constants outside 32 bits, and octal constants with 8 or 9 in them: bpfc wraps or stops
#    reading digits silently, cbpf reports them ("does not fit in 32 bits", "invalid digit");
#  - M[k] with k > 15: bpfc encodes it, cbpf reports the index;
#  - jumps backward or farther than 255: bpfc truncates offsets, cbpf refuses backward jumps and
#    rewrites far ones through ja;
#  - what cbpf reads beyond bpf_asm: [x+4] without spaces, signs on hex/octal/binary (-0x10),
#    two targets on jne/jlt/jle, several labels on one instruction, one-letter labels.
set -u
B=${1:?usage: bpfc.sh BUILD_DIR}
dump="$B/tests/bin/asm-dump"
cases=tests/cases/asm/bpfc
COUNT=${BPFC_PROGRAMS:-400}
command -v bpfc >/dev/null 2>&1 || { echo "skipped: bpfc (netsniff-ng) is not installed"; exit 77; }
[ -x "$dump" ] || { echo "missing $dump (make test-tools)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Random programs of the shared language.
awk -f tests/suites/asm-gen.awk -v count="$COUNT" -v dir="$tmp" -v seed="${BPFC_SEED:-1}"

# BPFC_KEEP=DIR keeps the generated programs for a look.
[ -z "${BPFC_KEEP:-}" ] || cp "$tmp"/gen*.bpf "$BPFC_KEEP"/

n=0 bad=0
for f in "$cases"/*.bpf "$tmp"/gen*.bpf; do
	n=$((n + 1))
	if ! bpfc -f tcpdump -b -i "$f" >"$tmp/want" 2>"$tmp/err"; then
		bad=$((bad + 1))
		echo "FAIL: bpfc refused $f: $(head -n 1 "$tmp/err")"
		continue
	fi
	if ! "$dump" "$f" >"$tmp/got" 2>"$tmp/err" || ! cmp -s "$tmp/want" "$tmp/got"; then
		bad=$((bad + 1))
		echo "FAIL: $f"
		head -n 5 "$tmp/err"
		diff "$tmp/want" "$tmp/got" | head -n 6
		case $f in "$tmp"/*) cp "$f" "${TMPDIR:-/tmp}/bpfc-fail-$(basename "$f")" ;; esac
	fi
done
echo "$((n - bad))/$n programs assemble as bpfc assembles them" \
	"($(ls "$cases"/*.bpf | wc -l) hand-written, $COUNT generated)"
[ $bad -eq 0 ]
