/* SPDX-License-Identifier: Apache-2.0 */
/*
 * undefined_symbol.c — fixture undefined_symbol.so: calls a function that no library defines.
 *
 * What it breaks: the library links (it is linked WITHOUT --no-undefined, unlike tote_add_plugin() plugins) but
 * cannot be loaded: the host loads with RTLD_NOW, so dlopen() fails at once instead of at the first call.
 * Refusal the host must give: "cannot load: <path>: undefined symbol: tote_fixture_function_no_library_defines".
 */
#include "minimal_store.h"

/* Defined nowhere, on purpose. */
extern const char *tote_fixture_function_no_library_defines(void);

static const char *const schemes[] = {"fixture-undefined-symbol", NULL};

static tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "undefined-symbol", "1.0.0", NULL, schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    descriptor.description = tote_fixture_function_no_library_defines();
    return &descriptor;
}
