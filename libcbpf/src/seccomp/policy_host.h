/* SPDX-License-Identifier: MIT */
/* The machine a Docker profile is decided for: its capabilities, architecture names. Private. */
#ifndef CBPF_POLICY_HOST_H
#define CBPF_POLICY_HOST_H

#include <stdbool.h>

#include "cbpf/policy.h"

/* include/uapi/linux/capability.h: the name of capability cap ("CAP_CHOWN"), or NULL. */
const char *policy_cap_name(int cap);
/* Whether name is a capability as Docker spells it ("CAP_SYS_ADMIN", nothing else). */
bool policy_cap_known(const char *name);
/*
 * Whether a container with capabilities caps (NULL: Docker's default set; see struct
 * cbpf_policy_opts) has the profile's capability cap.
 */
bool policy_has_cap(const char *const *caps, const char *cap);
/* Whether name is one of Docker's architecture names (any Go GOARCH it maps). */
bool policy_docker_arch_known(const char *name);

#endif
