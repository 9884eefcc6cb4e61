// SPDX-License-Identifier: Apache-2.0
// sqlite_plugin.cpp — the plugin's self-description (name, URL scheme, capabilities, options) and the exported
// entry point; tote/plugin.hpp generates the C function table from SqliteStore.
#include "sqlite_store.hpp"

#include <first_party.hpp>

#include <tote/plugin.hpp>

#ifndef TOTE_VERSION
#error "TOTE_VERSION must be defined by the build (the project version)"
#endif

namespace {

using namespace tote::sqlite_plugin;

constexpr const char* kSchemes[] = {"sqlite", nullptr};

// The option table shows the default as text; this keeps it equal to the number open() actually uses.
constexpr const char* kDefaultBusyTimeoutText = "5000";
static_assert(tote::first_party::text_equals(kDefaultBusyTimeoutText, kDefaultBusyTimeoutMs), "keep the two defaults in step");

const tote_option_spec kOptions[] = {
    {kOptionSynchronous, TOTE_TYPE_STRING, 0, kDefaultSynchronous,
     "SQLite's PRAGMA synchronous: off, normal, full (every commit survives power loss) or extra"},
    {kOptionBusyTimeout, TOTE_TYPE_INT, 0, kDefaultBusyTimeoutText,
     "milliseconds to wait for another process's lock before failing with busy (>= 0)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

// Not TOTE_CAP_THREAD_SAFE: each store is one SQLite connection opened without a mutex, and the host serialises
// the calls on it. Different stores (connections) may be used from different threads at once.
constexpr uint64_t kCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                   TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_ATOMIC_BATCH |
                                   TOTE_CAP_KEY_AND_PREFIX | TOTE_CAP_PERSISTENT | TOTE_CAP_EXPIRY;

}  // namespace

TOTE_PLUGIN_ENTRY(tote::sqlite_plugin::SqliteStore,
                  (tote::plugin::Descriptor{"sqlite", TOTE_VERSION, "Keys and values in one SQLite database file",
                                            kSchemes, kCapabilities, TOTE_LOCATION_PATH, kOptions}))
