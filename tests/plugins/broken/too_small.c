/* SPDX-License-Identifier: Apache-2.0 */
/*
 * too_small.c — fixture too_small.so: a descriptor for ABI 1.0 whose struct_size is only 24 bytes.
 *
 * What it breaks: struct_size is below TOTE_PLUGIN_SIZE_1_0, so the host may not read the fields past byte 24
 * (the function table among them), even though this struct happens to hold them.
 * Refusal the host must give: "descriptor too small: struct_size 24 bytes, ABI 1.0 needs <TOTE_PLUGIN_SIZE_1_0>"
 * (144 on LP64).
 */
#include "minimal_store.h"

static const char *const schemes[] = {"fixture-too-small", NULL};

static const tote_plugin descriptor = {
    24, TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "too-small", "1.0.0", "struct_size 24 (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &descriptor;
}
