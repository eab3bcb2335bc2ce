// SPDX-License-Identifier: MIT
/* libFuzzer target: the tcpdump -d listing reader, its diagnostics and their printout. */
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_source(data, size, "fuzz.txt", cbpf_listing_parse);
}
