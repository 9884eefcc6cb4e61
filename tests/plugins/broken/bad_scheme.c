/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bad_scheme.c — fixture bad_scheme.so: a URL scheme with an uppercase letter and a space.
 *
 * What it breaks: schemes must match [a-z][a-z0-9+.-]* ("Bad Scheme" could never be typed as scheme://...).
 * Refusal the host must give: "bad URL scheme at index 0 (expected [a-z][a-z0-9+.-]*)".
 */
#include "minimal_store.h"

static const char *const schemes[] = {"Bad Scheme", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "bad-scheme", "1.0.0", "a scheme with an uppercase letter and a space (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &descriptor;
}
