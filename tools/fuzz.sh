#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every fuzz target built in $1/fuzz/bin for $2 seconds each, starting from its committed
# seeds (fuzz/seeds/NAME/) and the corpus earlier runs grew ($1/corpus/NAME/).
# Usage: tools/fuzz.sh BUILD_DIR SECONDS
set -u
B=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
secs=${2:-10}
status=0 n=0
for bin in "$B"/fuzz/bin/*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus="$B/corpus/$name"
	mkdir -p "$corpus" "$B/artifacts/$name"
	seeds=
	[ -d "fuzz/seeds/$name" ] && seeds="fuzz/seeds/$name"
	printf '  FUZZ    %s (%ss)\n' "$name" "$secs"
	n=$((n + 1))
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
		-artifact_prefix="$B/artifacts/$name/" "$corpus" $seeds >"$B/$name.log" 2>&1; then
		echo "FAIL $name: see $B/$name.log and $B/artifacts/$name/"
		tail -n 30 "$B/$name.log"
		status=1
	else
		printf '          %s\n' "$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$B/$name.log" |
			tail -n 1)"
	fi
done
[ $n -gt 0 ] || { echo "no fuzz targets built"; exit 1; }
exit $status
