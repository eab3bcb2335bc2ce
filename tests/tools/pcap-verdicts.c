// SPDX-License-Identifier: MIT
/*
 * libpcap's verdicts: for each frame of an Ethernet capture, "NUMBER 0|1" as
 * pcap_offline_filter() gives them for EXPR compiled on the capture.
 *
 * Usage: pcap-verdicts CAPTURE EXPR     Exits 2 when the capture is not EN10MB.
 */
#include <stdio.h>

#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program fp;
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	pcap_t *p;

	if (argc != 3) {
		fprintf(stderr, "usage: pcap-verdicts CAPTURE EXPR\n");
		return 1;
	}
	p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		pcap_close(p);
		return 2;
	}
	if (pcap_compile(p, &fp, argv[2], 1, PCAP_NETMASK_UNKNOWN)) {
		fprintf(stderr, "%s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	while (pcap_next_ex(p, &h, &data) == 1)
		printf("%lu %d\n", ++n, pcap_offline_filter(&fp, h, data) != 0);
	pcap_freecode(&fp);
	pcap_close(p);
	return 0;
}
