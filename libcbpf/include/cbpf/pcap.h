/* SPDX-License-Identifier: MIT */
/* libpcap through libcbpf: filter expressions (pcap_compile) and link type names. */
#ifndef LIBCBPF_PCAP_H
#define LIBCBPF_PCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "prog.h"

#define CBPF_DEFAULT_SNAPLEN 262144 /* tcpdump's MAXIMUM_SNAPLEN */
#define CBPF_DLT_EN10MB	     1

struct cbpf_compile_opts {
	int linktype;	  /* DLT_* value; 0 is DLT_NULL, so set it (CBPF_DLT_EN10MB is tcpdump's) */
	int snaplen;	  /* 0 means CBPF_DEFAULT_SNAPLEN */
	bool no_optimize; /* tcpdump -O */
	uint32_t netmask; /* for "ip broadcast"; 0 like tcpdump without an interface */
};

/*
 * Compiles a libpcap filter expression exactly as tcpdump -d does (pcap_open_dead with the link
 * type and snapshot length, pcap_compile). opts may be NULL (EN10MB, 262144, optimized). The
 * program is of kind CBPF_KIND_SOCKET and is not validated: libpcap emits programs the kernel
 * refuses (protochain jumps backwards: a loop, which CBPF_CHECK_PCAP accepts). Returns 0, -EINVAL
 * (libpcap's message, as tcpdump prints it, in one position-less diagnostic; or a negative
 * snaplen), -ENOMEM.
 */
CBPF_API int cbpf_pcap_compile(const char *expr, const struct cbpf_compile_opts *opts,
			       struct cbpf_prog **out, struct cbpf_diags *diags);

/*
 * Says why the kernel's rules refuse prog, compiled by libpcap from expr, when the reason is
 * libpcap's own: protochain loops back to its start, a backward jump (cbpf_check refuses it
 * but in CBPF_CHECK_PCAP mode), and how to run it in the kernel: cbpf-xlate's command line.
 * Adds a note to diags then, nothing otherwise. Returns 0 or -ENOMEM.
 */
CBPF_API int cbpf_pcap_explain(const char *expr, const struct cbpf_prog *prog,
			       struct cbpf_diags *diags);

/*
 * A link type from tcpdump's name ("EN10MB", "LINUX_SLL", case-insensitive, as libpcap's
 * pcap_datalink_name_to_val) or a DLT number libpcap has a name for. Returns 0 or -ENOENT.
 */
CBPF_API int cbpf_linktype_parse(const char *name, int *dlt);
/* tcpdump's name for a link type, or NULL when libpcap does not know it. */
CBPF_API const char *cbpf_linktype_name(int dlt);

#endif
