# SPDX-License-Identifier: MIT
# Turns libcbpf/data/constants.csv (rows sorted by name, header and comments removed) into C:
# per name its value where the architectures agree, the ones it is defined on, and a row of
# per-architecture values for the names whose value differs.
BEGIN {
	FS = ","
	ncols = 17 # SYSTAB_COLS
	print "/* Generated from libcbpf/data/constants.csv by libcbpf/data/consttab.awk: do not edit. */"
	print "#include \"seccomp/consttab.h\""
	print ""
	n = 0
	nv = 0
	off = 0
}
function cval(s) {
	if (s ~ /^-/)
		return "(uint64_t)0 - UINT64_C(" substr(s, 2) ")"
	return "UINT64_C(" s ")"
}
NF != ncols + 2 || $1 !~ /^[A-Z][A-Z0-9_]*$/ {
	printf "constants.csv: bad row: %s\n", $0 > "/dev/stderr"
	bad = 1
	exit 1
}
{
	if (n > 0 && $1 <= last) {
		printf "constants.csv: %s: duplicate or out of order\n", $1 > "/dev/stderr"
		bad = 1
		exit 1
	}
	last = $1
	present = 0
	first = ""
	same = 1
	for (i = 3; i <= ncols + 2; i++) {
		if ($i == "")
			continue
		if ($i !~ /^-?(0x[0-9a-f]+|[0-9]+)$/) {
			printf "constants.csv: %s: bad number %s\n", $1, $i > "/dev/stderr"
			bad = 1
			exit 1
		}
		present += 2 ^ (i - 3)
		if (first == "")
			first = $i
		else if ($i != first)
			same = 0
	}
	if (first == "") {
		printf "constants.csv: %s: no value\n", $1 > "/dev/stderr"
		bad = 1
		exit 1
	}
	flags = ($2 ~ /errno/ ? " | CONSTTAB_ERRNO" : "") ($2 ~ /^libc:/ ? " | CONSTTAB_LIBC" : "")
	var = 0
	if (!same) {
		row = "\t{"
		for (i = 3; i <= ncols + 2; i++)
			row = row " " ($i == "" ? "0" : cval($i)) (i < ncols + 2 ? "," : " },")
		vars[nv++] = row
		var = nv
	}
	entries[n] = sprintf("\t{ %s, %d, 0x%x%s, %d },", cval(first), off, present, flags, var)
	names[n++] = $1
	off += length($1) + 1
}
END {
	if (bad)
		exit 1
	print "const struct consttab_entry consttab_entries[] = {"
	for (i = 0; i < n; i++)
		print entries[i]
	print "};"
	print ""
	print "const size_t consttab_count = " n ";"
	print ""
	print "const char consttab_names[] ="
	for (i = 0; i < n; i++)
		print "\t\"" names[i] "\\0\"" (i < n - 1 ? "" : ";")
	print ""
	print "const uint64_t consttab_values[][SYSTAB_COLS] = {"
	print "\t{ 0 }, /* index 0: the value is the same wherever the name is defined */"
	for (i = 0; i < nv; i++)
		print vars[i]
	print "};"
}
