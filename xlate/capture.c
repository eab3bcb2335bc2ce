// SPDX-License-Identifier: MIT
/* Captures for --verify, read with libpcap (the frames as captured, from the link-layer header). */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct capture {
	pcap_t *p;
};

int capture_open(const char *path, struct capture **out, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->p = pcap_open_offline(path, ebuf);
	if (!c->p) {
		snprintf(err, errlen, "%s", ebuf);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int capture_next(struct capture *c, const uint8_t **data, uint32_t *caplen, char *err,
		 size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(c->p, &h, &d);

	if (rc == 1) {
		*data = d;
		*caplen = h->caplen;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(err, errlen, "%s", pcap_geterr(c->p));
	return -1;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c);
}
