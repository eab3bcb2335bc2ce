/* SPDX-License-Identifier: MIT */
/* Export attribute and the error convention shared by every libcbpf header. */
#ifndef LIBCBPF_COMMON_H
#define LIBCBPF_COMMON_H

#include <stddef.h>

/*
 * Every function that can fail returns 0 on success or a negative errno from this closed set:
 *   -EINVAL   the input is invalid; details are in the caller's struct cbpf_diags
 *   -ENOMEM   out of memory
 *   -EIO      reading or writing a FILE * failed (errno of the stream is preserved)
 *   -ENOENT   a named thing (file, link type, syscall, device) does not exist
 *   -ENOTSUP  the request is valid but this build or target cannot do it
 *   -EPERM    the kernel refused for lack of privilege
 *   -E2BIG    a size limit was exceeded (the diagnostics say which)
 * Results go through out-parameters, which are set only on success.
 */

/*
 * The most one input file may hold unless the caller says otherwise (an @include, through
 * struct cbpf_policy_opts): 64 MiB, far above any real program, policy or script, and far
 * below what would exhaust memory. The programs' --max-input-size raises it.
 */
#define CBPF_MAX_INPUT_SIZE ((size_t)64 << 20)

#if defined(__GNUC__) || defined(__clang__)
#define CBPF_API	       __attribute__((visibility("default")))
#define CBPF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CBPF_API
#define CBPF_PRINTF(fmt, args)
#endif

#endif
