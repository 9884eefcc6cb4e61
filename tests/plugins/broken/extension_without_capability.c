/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extension_without_capability.c — fixture extension_without_capability.so: serves "tote.append/1" but does not
 * declare TOTE_CAP_APPEND.
 *
 * What it breaks: an extension that extends a capability requires it; a plugin whose extensions contradict its
 * capabilities is refused, rather than half used.
 * Refusal the host must give: "offers "tote.append/1" but does not declare TOTE_CAP_APPEND".
 */
#include "minimal_store.h"

#include <tote/ext/append.h>

#include <string.h>

static tote_status no_append(tote_store *store, const tote_call *call, const tote_append_op *op,
                             tote_append_result *result) {
    (void)store;
    (void)op;
    (void)result;
    minimal_error(call, "never called", 12);
    return TOTE_INTERNAL;
}

static const tote_append_ext append_table = {sizeof(tote_append_ext), 0, no_append};

static const void *get_extension(const char *id) {
    return id != NULL && strcmp(id, TOTE_EXT_APPEND) == 0 ? &append_table : NULL;
}

static const char *const schemes[] = {"fixture-ext-no-cap", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "extension-without-capability", "1.0.0", "tote.append/1 without TOTE_CAP_APPEND (test fixture)", schemes, NULL,
    minimal_open, minimal_close, minimal_read, NULL, NULL, minimal_stat, NULL, NULL, NULL, get_extension,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &descriptor;
}
