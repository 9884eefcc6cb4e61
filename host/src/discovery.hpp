// SPDX-License-Identifier: Apache-2.0
// discovery.hpp — finding the plugin files, describing each (from the registry cache, or by probing it in a helper
// process), and the registry: which plugin serves which URL scheme. Plugins are loaded into this process only when
// a store of theirs is opened.
#ifndef TOTE_HOST_DISCOVERY_HPP
#define TOTE_HOST_DISCOVERY_HPP

#include "loader.hpp"

#include <tote/plugin_info.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tote::detail {

struct DiscoveryOptions {
    std::vector<std::filesystem::path> files;  // loaded first, in order (a missing one is refused)
    std::vector<std::filesystem::path> dirs;   // then these, in order, files by name
    bool allow_unsafe = false;                 // load group/world-writable files, with a warning
    uint32_t host_abi = TOTE_ABI_VERSION;
    // The probe helper (tote-plugin-probe). Unset: describe plugins by loading them into this process, as a
    // process that is itself expendable does (tote plugin check's worker).
    std::optional<std::filesystem::path> probe_program;
    std::chrono::milliseconds probe_deadline{5000};  // per file
    std::optional<std::filesystem::path> cache_file;  // the registry cache; unset: none
    bool rescan = false;                              // probe every file, whatever the cache says
    // Explicit winners of shared schemes (host.schemes): scheme -> a plugin's name or its file's absolute path.
    std::map<std::string, std::string> chosen;
};

// A plugin known from its description, loaded into this process on first use. Thread-safe.
class PluginSlot {
public:
    // loaded: already loaded (in-process discovery); on_stale: called when the loaded plugin turns out to differ
    // from its description (the file changed since it was probed), to drop the description from the cache.
    PluginSlot(PluginInfo info, uint32_t host_abi, std::shared_ptr<const LoadedPlugin> loaded,
               std::function<void()> on_stale);

    const PluginInfo info;  // as discovered

    // The loaded plugin. Throws Error naming the file if it cannot be loaded or is no longer what was described.
    std::shared_ptr<const LoadedPlugin> load() const;

private:
    const uint32_t host_abi_;
    const std::function<void()> on_stale_;
    mutable std::mutex mutex_;
    mutable std::shared_ptr<const LoadedPlugin> loaded_;
};

// A URL scheme that more than one plugin serves: winner serves it, loser does not.
struct Shadow {
    std::string scheme;
    std::filesystem::path winner, loser;
    bool chosen = false;  // the config named the winner (host.schemes): nobody needs warning
};

struct Discovery {
    std::vector<std::shared_ptr<PluginSlot>> plugins;                // described, in search order
    std::map<std::string, std::shared_ptr<PluginSlot>> by_scheme;  // the registry of backends
    std::map<std::string, std::shared_ptr<PluginSlot>> by_layer;   // and of layers, by name (tote/ext/layer.h)
    std::vector<Refusal> refused;
    std::vector<std::string> warnings;  // e.g. a plugin loaded despite unsafe permissions
    std::vector<Shadow> shadows;
};

// Scans options.files, then options.dirs in order, files in each sorted by name, only the platform's
// shared-library suffix. A directory that does not exist is skipped silently; everything else that cannot be used
// is refused with path and reason, and discovery carries on. Each remaining file is described: from the cache if
// it was probed as it is now, else by probing it (in the helper, or in this process). The first plugin in that
// order to serve a scheme keeps it, unless options.chosen names another; the others are recorded as shadowed.
// The same file reached twice (a symlink, a directory listed twice) counts once.
Discovery discover(const DiscoveryOptions& options);

// In-process discovery of files and dirs (tests).
Discovery discover(const std::vector<std::filesystem::path>& files, const std::vector<std::filesystem::path>& dirs,
                   bool allow_unsafe, uint32_t host_abi = TOTE_ABI_VERSION);

// ".so", ".dll" or ".dylib".
std::string library_suffix();

}  // namespace tote::detail

#endif  // TOTE_HOST_DISCOVERY_HPP
