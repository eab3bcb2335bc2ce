# SPDX-License-Identifier: MIT
# Random programs in bpf_asm's language, deterministic for a given seed, written as
# DIR/genNNNN.bpf: awk -f tests/suites/asm-gen.awk -v count=N -v dir=DIR -v seed=S
# [-v dialect=bpf_asm]. By default they keep to what netsniff-ng's bpfc reads the same way
# (bpfc.sh lists the differences); dialect=bpf_asm adds the ancillary names only bpf_asm knows.
function rnd(n) { return int(rand() * n) }
function pick(list,    a, n) { n = split(list, a, " "); return a[1 + rnd(n)] }
# Digits of a non-negative integer below 2^53 in base b (mawk printf stops at 2^31).
function digits(v, b,    s, d) {
	if (v == 0) return "0"
	s = ""
	while (v > 0) { d = v % b; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / b }
	return s
}
# Random case for keywords: both assemblers read them caselessly.
function kase(w,    s, i, c) {
	if (rnd(4)) return w
	s = ""
	for (i = 1; i <= length(w); i++) {
		c = substr(w, i, 1)
		s = s (rnd(2) ? toupper(c) : c)
	}
	return s
}
function value(    r) {
	r = rnd(6)
	if (r == 0) return rnd(16)
	if (r == 1) return rnd(256)
	if (r == 2) return rnd(65536)
	if (r == 3) return 4294967295 - rnd(8)
	return rnd(65536) * 65536 + rnd(65536)
}
# A 32-bit constant written in one of the forms both read the same way.
function num(    v, r, h) {
	v = value(); r = rnd(7)
	if (r == 0) { h = digits(v, 16); return (rnd(2) ? "0x" : "0X") (rnd(2) ? toupper(h) : h) }
	if (r == 1 && v > 0) return "0" digits(v, 8)
	if (r == 2) return (rnd(2) ? "0b" : "0B") digits(v, 2)
	if (r == 3 && v > 0 && v <= 2147483648) return "-" digits(v, 10)
	if (r == 4 && v > 0) return "+" digits(v, 10)
	return digits(v, 10)
}
function mem() { return kase("M") "[" pick("0 1 2 3 7 8 14 15 0x3 0xf 017 0b101") "]" }
# bpfc knows fewer ancillary names than bpf_asm (see bpfc.sh).
function anc(    names) {
	names = "proto type poff ifidx nla nlan mark queue hatype rxhash cpu vlan_tci"
	if (dialect == "bpf_asm")
		names = names " rand vlan_pr vlan_avail vlan_tpid"
	return (rnd(3) ? "#" : "") kase(pick(names))
}
function xreg() { return rnd(2) ? kase("x") : "%" kase("x") }
function ind() { return "[" xreg() " + " num() "]" }
function msh() { return "4*([" num() "]&" pick("0xf 15 017 0b1111 0XF") ")" }
function insn(    r) {
	r = rnd(12)
	if (r == 0) return kase("ld") " " fill(pick("#N [N] IND MEM #len len ANC"))
	if (r == 1) return kase(pick("ldh ldb")) " " fill(pick("[N] IND ANC"))
	if (r == 2) return kase(pick("ldi ldxi")) " " fill(pick("#N N"))
	if (r == 3) return kase("ldx") " " fill(pick("#N MEM #len len MSH"))
	if (r == 4) return kase("ldxb") " " fill("MSH")
	if (r == 5) return kase(pick("st stx")) " " fill("MEM")
	if (r <= 8) return kase(pick("add sub mul div mod and or xor lsh rsh")) " " fill(pick("#N X"))
	if (r == 9) return kase(pick("neg tax txa"))
	return kase("ret") " " fill(pick("#N A %A X"))
}
# Fills the placeholders of a template.
function fill(t,    out) {
	out = ""
	while (match(t, /#N|\[N\]|IND|MEM|ANC|MSH|X|N|%A|A/)) {
		out = out substr(t, 1, RSTART - 1)
		tok = substr(t, RSTART, RLENGTH)
		if (tok == "#N") out = out "#" num()
		else if (tok == "[N]") out = out "[" num() "]"
		else if (tok == "IND") out = out ind()
		else if (tok == "MEM") out = out mem()
		else if (tok == "ANC") out = out anc()
		else if (tok == "MSH") out = out msh()
		else if (tok == "X") out = out xreg()
		else if (tok == "N") out = out num()
		else if (tok == "%A") out = out "%" kase("a")
		else out = out kase("a")
		t = substr(t, RSTART + RLENGTH)
	}
	return out t
}
function label(i) { return "L" i "_" substr("abcdefgh", 1 + i % 7, 1 + i % 3) }
BEGIN {
	srand(seed)
	for (p = 0; p < count; p++) {
		file = sprintf("%s/gen%04d.bpf", dir, p)
		n = 1 + rnd(p % 10 == 0 ? 600 : 40)
		delete is_target; delete text
		for (i = 0; i < n; i++) {
			if (i < n - 1 && rnd(3) == 0) {
				# Forward targets within 255 of the jump.
				span = n - 1 - i; if (span > 256) span = 256
				t1 = i + 1 + rnd(span); t2 = i + 1 + rnd(span)
				is_target[t1] = 1; is_target[t2] = 1
				r = rnd(5)
				if (r == 0) text[i] = kase(pick("ja jmp")) " " label(t1)
				else if (r <= 2) text[i] = kase(pick("jeq jgt jge jset")) " " \
					fill(pick("#N X")) ", " label(t1) ", " label(t2)
				else if (r == 3) text[i] = kase(pick("jeq jgt jge jset")) " " \
					fill(pick("#N X")) ", " label(t1)
				else text[i] = kase(pick("jneq jne jlt jle")) " " fill(pick("#N X")) \
					", " label(t1)
			} else {
				text[i] = insn()
			}
		}
		for (i = 0; i < n; i++) {
			lab = is_target[i] ? label(i) ":" (rnd(4) ? "\t" : "\n\t") : "\t"
			sep = "\n"
			r = rnd(12)
			if (r == 0) sep = " ; comment " i "\n"
			else if (r == 1) sep = " /* c */\n"
			else if (r == 2) sep = "\n\n"
			else if (r == 3 && !is_target[i + 1]) sep = " "
			else if (r == 4) sep = "\n# " i " \"cpp\"\n"
			printf "%s%s%s", lab, text[i], sep > file
		}
		close(file)
	}
}