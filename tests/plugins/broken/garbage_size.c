/* SPDX-License-Identifier: Apache-2.0 */
/*
 * garbage_size.c — fixture garbage_size.so: a descriptor whose struct_size is garbage (0xFFFFFFF0), as an entry
 * point returning uninitialised or foreign memory might.
 *
 * What it breaks: no real descriptor is 4 GiB long; a host trusting the size would read far past the struct.
 * Refusal the host must give: "implausible descriptor size 4294967280 bytes".
 */
#include "minimal_store.h"

static const char *const schemes[] = {"fixture-garbage-size", NULL};

static const tote_plugin descriptor = {
    0xFFFFFFF0u, TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "garbage-size", "1.0.0", "struct_size 0xFFFFFFF0 (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &descriptor;
}
