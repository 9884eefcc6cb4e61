// SPDX-License-Identifier: Apache-2.0
// tote/plugin_info.hpp — what the host knows about a loaded plugin, and why it refused the ones it did not load.
#ifndef TOTE_PLUGIN_INFO_HPP
#define TOTE_PLUGIN_INFO_HPP

#include <tote/export.hpp>
#include <tote/tote_plugin.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tote {

struct OptionInfo {
    std::string name;
    uint32_t type = 0;  // TOTE_TYPE_*
    std::string default_value;
    std::string description;
};

struct PluginInfo {
    std::string name;
    std::string version;
    std::string description;
    std::filesystem::path path;  // the library file
    uint32_t abi_version = 0;    // as the plugin was compiled
    std::vector<std::string> schemes;
    uint64_t capabilities = 0;   // TOTE_CAP_*
    uint32_t location_kind = 0;  // TOTE_LOCATION_*
    std::vector<OptionInfo> options;
    std::vector<std::string> extensions;  // the extension ids this host knows that the plugin serves, sorted
};

// A file (or directory) found during discovery and not loaded, with the reason.
struct Refusal {
    std::filesystem::path path;
    std::string reason;
};

// A URL scheme served by more than one plugin file: used serves it, ignored does not.
struct SchemeShadow {
    std::string scheme;
    std::filesystem::path used, ignored;
    bool chosen = false;  // the config names the plugin used (host.schemes)
};

// "write", "append", ... for each TOTE_CAP_* bit set, in bit order ("bit12" for a bit this host does not know).
TOTE_API std::vector<std::string> capability_names(uint64_t capabilities);
// The TOTE_CAP_* bits that ABI 1.<abi_minor> defines.
TOTE_API uint64_t known_capabilities(uint32_t abi_minor) noexcept;
// True for a layer (a plugin serving "tote.layer/1", tote/ext/layer.h): its schemes are layer names, stacked
// over a store ("zstd::sqlite://evals.db"), never URL schemes of their own.
TOTE_API bool is_layer(const PluginInfo& plugin);
// What a layer with capabilities `layer` over a store with `below` offers: the modes TOTE_CAP_KEY_AND_PREFIX and
// TOTE_CAP_PERSISTENT of the store below, and every other bit only where both have it (tote/ext/layer.h).
TOTE_API uint64_t layered_capabilities(uint64_t layer, uint64_t below) noexcept;
// "bool", "int", "float", "string".
TOTE_API const char* option_type_name(uint32_t type);

// Checks options given as text (OpenOptions::options) against what plugin accepts, as opening a store would:
// throws Error(Status::invalid_argument) naming the first unknown option or unparsable value.
TOTE_API void check_plugin_options(const PluginInfo& plugin, const std::map<std::string, std::string>& options);

}  // namespace tote

#endif  // TOTE_PLUGIN_INFO_HPP
