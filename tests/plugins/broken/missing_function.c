/* SPDX-License-Identifier: Apache-2.0 */
/*
 * missing_function.c — fixture missing_function.so: declares TOTE_CAP_APPEND but leaves append NULL.
 *
 * What it breaks: the host never calls a function whose capability is undeclared, and refuses a plugin that
 * declares a capability without its function.
 * Refusal the host must give: "declares TOTE_CAP_APPEND but append is NULL".
 */
#include "minimal_store.h"

static const char *const schemes[] = {"fixture-missing-function", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, TOTE_CAP_APPEND, TOTE_LOCATION_URL, 0,
    "missing-function", "1.0.0", "TOTE_CAP_APPEND without append (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS, /* append is the NULL in fifth place */
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &descriptor;
}
