/* SPDX-License-Identifier: Apache-2.0 */
/*
 * no_entry.c — fixture no_entry.so: a valid shared library that exports a function, but not tote_plugin_entry.
 *
 * What it breaks: the one symbol a plugin must export is missing.
 * Refusal the host must give: "no entry symbol 'tote_plugin_entry' (not a tote plugin?)".
 *
 * Built with plain add_library(MODULE), not tote_add_plugin(), whose version script would hide the function.
 */
#include <tote/tote_plugin.h>

TOTE_PLUGIN_EXPORT int tote_fixture_not_an_entry_point(int x);

TOTE_PLUGIN_EXPORT int tote_fixture_not_an_entry_point(int x) { return x + 1; }
