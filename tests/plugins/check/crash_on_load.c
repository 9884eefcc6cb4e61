/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash_on_load.c — a plugin whose entry point crashes (SIGSEGV), for testing that `tote plugin check` reports
 * a plugin that dies while loading instead of dying with it. Never put it in a directory tote scans: discovery
 * runs entry points in-process.
 */
#include <tote/tote_plugin.h>

#include "misbehave_os.h"

#include <stddef.h>

TOTE_PLUGIN_EXPORT const tote_plugin *tote_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    crash_now();
    return NULL;
}
