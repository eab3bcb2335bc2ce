/* SPDX-License-Identifier: MIT */
/* Inside the capture stage: what a capture reader shares with libpcap's expression compiler. */
#ifndef CBPF_PCAP_INT_H
#define CBPF_PCAP_INT_H

#include <pcap/pcap.h>

#include "cbpf/pcap.h"

/*
 * pcap_compile on p (an open capture, or pcap_open_dead's handle), into a program; opts NULL
 * for the defaults. Same returns as cbpf_pcap_compile.
 */
int capture_compile_on(pcap_t *p, const char *expr, const struct cbpf_compile_opts *opts,
		       struct cbpf_prog **out, struct cbpf_diags *diags);

#endif
