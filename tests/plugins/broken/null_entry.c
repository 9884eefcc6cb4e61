/* SPDX-License-Identifier: Apache-2.0 */
/*
 * null_entry.c — fixture null_entry.so: tote_plugin_entry() exists but returns NULL (the plugin declines the host).
 *
 * What it breaks: no descriptor is returned.
 * Refusal the host must give: "entry point returned NULL (the plugin declined host ABI 1.0)".
 */
#include <tote/tote_plugin.h>

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return NULL;
}
