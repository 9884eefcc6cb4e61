/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wrong_abi.c — fixture wrong_abi.so: a complete, otherwise valid descriptor that says it was built for ABI 2.0.
 *
 * What it breaks: abi_version is (2 << 16) | 0, a different major version than the host's 1.
 * Refusal the host must give: "ABI mismatch: plugin built for tote ABI 2.0, this host speaks ABI 1.0".
 */
#include "minimal_store.h"

static const char *const schemes[] = {"fixture-wrong-abi", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), ((uint32_t)2 << 16) | 0u, 0, TOTE_LOCATION_URL, 0,
    "wrong-abi", "1.0.0", "declares ABI 2.0 (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version; /* a real plugin would decline a host it cannot serve; this one lies on purpose */
    return &descriptor;
}
