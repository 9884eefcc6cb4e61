/* SPDX-License-Identifier: Apache-2.0 */
/*
 * small_extension.c — fixture small_extension.so: serves "tote.read_range/1" with a table whose struct_size is
 * smaller than the extension's first version (the function pointer would lie outside it).
 *
 * What it breaks: a host reads an extension's fields only where struct_size covers them, and refuses a table too
 * small to hold what the extension's first version has.
 * Refusal the host must give: "get_extension("tote.read_range/1") gives a table of 8 bytes, smaller than ...".
 */
#include "minimal_store.h"

#include <tote/ext/read_range.h>

#include <string.h>

static const tote_read_range_ext small_table = {8, 0, NULL};

static const void *small_get_extension(const char *id) {
    return id != NULL && strcmp(id, TOTE_EXT_READ_RANGE) == 0 ? &small_table : NULL;
}

static const char *const schemes[] = {"fixture-small-extension", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "small-extension", "1.0.0", "an extension table too small (test fixture)", schemes, NULL,
    minimal_open, minimal_close, minimal_read, NULL, NULL, minimal_stat, NULL, NULL, NULL, small_get_extension,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &descriptor;
}
