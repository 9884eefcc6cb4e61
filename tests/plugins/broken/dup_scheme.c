/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dup_scheme.c — fixture tote-dup-scheme.so: a valid, working (if always empty) plugin that claims the URL
 * scheme "cmem", already served by tote-cmem.so in the same directory.
 *
 * What it tests: the first plugin to claim a scheme keeps it; the file name sorts after tote-cmem.so, so this
 * one comes second and is *shadowed* (not refused: a config's [host.schemes] may pick it instead), and every
 * command using the scheme warns, naming both files (tests/unit/discovery_test.cpp, tests/cli/cli_hostile_test.cpp).
 */
#include "minimal_store.h"

static const char *const schemes[] = {"cmem", NULL};

static const tote_plugin descriptor = {
    sizeof(tote_plugin), TOTE_ABI_VERSION, 0, TOTE_LOCATION_URL, 0,
    "dup-scheme", "1.0.0", "claims the cmem scheme a second time (test fixture)", schemes, NULL,
    MINIMAL_STORE_FUNCTIONS,
};

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    if (TOTE_ABI_VERSION_MAJOR(host_abi_version) != TOTE_ABI_MAJOR) return NULL;
    return &descriptor;
}
