// SPDX-License-Identifier: MIT
/* The one edit distance behind every "did you mean": assembler mnemonics, constants, commands. */
#include <stdio.h>
#include <string.h>

#include "util/suggest.h"

void suggest_list(char *buf, size_t size, const char *const *near, size_t k)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < k && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s'%s'",
				      !i	   ? ""
				      : i == k - 1 ? " or "
						   : ", ",
				      near[i]);
}

static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Rows of the matrix only, no allocation; a row whose best exceeds limit ends the search. */
unsigned suggest_distance(const char *a, size_t la, const char *b, size_t lb, unsigned limit)
{
	unsigned prev2[SUGGEST_MAX_LEN + 1], prev[SUGGEST_MAX_LEN + 1], cur[SUGGEST_MAX_LEN + 1];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned best;

		cur[0] = (unsigned)i;
		best = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			int ca = lower(a[i - 1]), cb = lower(b[j - 1]);
			unsigned d = prev[j - 1] + (ca != cb);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == lower(b[j - 2]) && lower(a[i - 2]) == cb &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > limit)
			return limit + 1;
		memcpy(prev2, prev, sizeof(prev));
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

void suggest_begin(struct suggest_near *s, const char *name, const char **out, size_t n)
{
	s->name = name;
	s->len = strlen(name);
	s->out = out;
	s->n = n > 8 ? 8 : n;
	s->got = 0;
	/* A third of the name may be wrong, at least one letter: MADV_MERGABLE, O_CLOEXE. */
	s->limit = s->len < 3 ? 1 : (unsigned)(s->len / 3);
}

void suggest_offer(struct suggest_near *s, const char *candidate)
{
	size_t n = s->n, at;
	unsigned d;

	if (!n)
		return;
	d = suggest_distance(s->name, s->len, candidate, strlen(candidate),
			     s->got == n ? s->dist[n - 1] : s->limit);
	if (d > s->limit || (s->got == n && d >= s->dist[n - 1]))
		return;
	at = s->got < n ? s->got++ : n - 1;
	while (at > 0 && s->dist[at - 1] > d) {
		s->dist[at] = s->dist[at - 1];
		s->out[at] = s->out[at - 1];
		at--;
	}
	s->dist[at] = d;
	s->out[at] = candidate;
}

size_t suggest_end(struct suggest_near *s)
{
	while (s->got > 1 && s->dist[s->got - 1] > s->dist[0] + 1)
		s->got--;
	return s->got;
}
