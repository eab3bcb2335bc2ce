/* SPDX-License-Identifier: MIT */
/* What the text readers (asm_lex.c, fmt_read.c) share about numbers. Private to libcbpf. */
#ifndef CBPF_DIGIT_H
#define CBPF_DIGIT_H

/* The value of digit c in bases up to 16 (either case); 99, above every base, for a non-digit. */
static inline int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

#endif
