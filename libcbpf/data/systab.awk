# SPDX-License-Identifier: MIT
# Turns libcbpf/data/syscalls.csv (rows sorted by name, header and comments removed) into C.
BEGIN {
	FS = ","
	print "/* Generated from libcbpf/data/syscalls.csv by libcbpf/data/systab.awk: do not edit. */"
	print "#include \"seccomp/systab.h\""
	print ""
	print "const struct systab_entry systab_entries[] = {"
	n = 0
}
NF != 18 || $1 !~ /^[a-z_][a-z0-9_]*$/ {
	printf "syscalls.csv: bad row: %s\n", $0 > "/dev/stderr"
	bad = 1
	exit 1
}
{
	if (n > 0 && $1 <= last) {
		printf "syscalls.csv: %s: duplicate or out of order\n", $1 > "/dev/stderr"
		bad = 1
		exit 1
	}
	last = $1
	line = "\t{ \"" $1 "\", {"
	for (i = 2; i <= 18; i++) {
		if ($i == "")
			line = line " -1"
		else if ($i ~ /^[0-9]+$/)
			line = line " " $i
		else {
			printf "syscalls.csv: %s: bad number %s\n", $1, $i > "/dev/stderr"
			bad = 1
			exit 1
		}
		line = line (i < 18 ? "," : " } },")
	}
	print line
	n++
}
END {
	if (bad)
		exit 1
	print "};"
	print ""
	print "const size_t systab_count = " n ";"
}
