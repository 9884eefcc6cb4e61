// SPDX-License-Identifier: Apache-2.0
// json_plugin.cpp — the JSON backend's self-description and entry point (scheme "json").
#ifdef _WIN32
#include "json_store_windows.hpp"
#else
#include "json_store.hpp"
#endif

namespace {

const char* const kSchemes[] = {"json", nullptr};

const tote_option_spec kOptions[] = {
    {"fsync", TOTE_TYPE_BOOL, 0, "true",
     "sync files and directories so a write survives power loss; false for scratch data (a crashed process still "
     "never tears a value)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

constexpr uint64_t kCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                   TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_THREAD_SAFE |
                                   TOTE_CAP_PERSISTENT;

}  // namespace

TOTE_PLUGIN_ENTRY(tote::json_plugin::JsonStore,
                  (tote::plugin::Descriptor{"json", TOTE_VERSION, "a directory of files, one file per key",
                                            kSchemes, kCapabilities, TOTE_LOCATION_PATH, kOptions}))
