/* SPDX-License-Identifier: MIT */
/* libcbpf: the classic BPF toolchain as a library. Include this one header. */
#ifndef LIBCBPF_H
#define LIBCBPF_H

#include "cbpf/common.h"
#include "cbpf/insn.h"
#include "cbpf/prog.h"
#include "cbpf/diag.h"
#include "cbpf/asm.h"
#include "cbpf/fmt.h"
#include "cbpf/check.h"
#include "cbpf/pcap.h"
#include "cbpf/meta.h"
#include "cbpf/vm.h"
#include "cbpf/jit.h"
#include "cbpf/capture.h"
#include "cbpf/seccomp.h"
#include "cbpf/policy.h"
#include "cbpf/source.h"
#include "cbpf/record.h"
#include "cbpf/dbg.h"
#include "cbpf/ebpf.h"
#include "cbpf/xlate.h"
#include "cbpf/kernel.h"
#include "cbpf/proof.h"
#include "cbpf/replay.h"
#include "cbpf/explain.h"

#endif
