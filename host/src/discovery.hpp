// discovery.hpp — finding, loading and registering every plugin in the plugin directories.
#ifndef TOTE_HOST_DISCOVERY_HPP
#define TOTE_HOST_DISCOVERY_HPP

#include "loader.hpp"

#include <tote/plugin_info.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tote::detail {

struct Discovery {
    std::vector<std::shared_ptr<const LoadedPlugin>> plugins;                // in load order
    std::map<std::string, std::shared_ptr<const LoadedPlugin>> by_scheme;  // the registry
    std::vector<Refusal> refused;
    std::vector<std::string> warnings;  // e.g. a plugin loaded despite unsafe permissions
};

// Scans dirs in order, files in each sorted by name, only the platform's shared-library suffix. A directory that
// does not exist is skipped silently; everything else that cannot be used is refused with path and reason, and
// discovery carries on. The first plugin to claim a scheme keeps it; a later one claiming any taken scheme is
// refused whole. The same file reached twice (a symlink, a directory listed twice) loads once.
// files are loaded first, in order (a missing one is refused), then the directories are scanned.
Discovery discover(const std::vector<std::filesystem::path>& files, const std::vector<std::filesystem::path>& dirs,
                   bool allow_unsafe, uint32_t host_abi = TOTE_ABI_VERSION);

// ".so", ".dll" or ".dylib".
std::string library_suffix();

}  // namespace tote::detail

#endif  // TOTE_HOST_DISCOVERY_HPP
