// SPDX-License-Identifier: Apache-2.0
// registry_cache.hpp — what the host remembers about plugin files between runs, so that a command probes only
// files it has not seen (or that changed) and loads in-process only the plugins it uses.
//
// One JSON file per user ($XDG_CACHE_HOME/tote/registry.json): for each plugin file, its identity (path, device,
// inode, size, modification time) and what probing it found (the plugin's description, or why it was refused),
// valid for one host version and plugin ABI. It is a cache: a missing, unreadable, corrupt or foreign file is
// ignored (everything is probed again), a cache directory that cannot be written only means the next run probes
// again, and two processes writing at once each replace the file whole (write to a temporary file, rename).
#ifndef TOTE_HOST_REGISTRY_CACHE_HPP
#define TOTE_HOST_REGISTRY_CACHE_HPP

#include "probe.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace tote::detail {

// What identifies the content of a file without reading it.
struct FileId {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileId& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
    }
};

class RegistryCache {
public:
    // Reads file (if set and readable) for this host version and ABI.
    RegistryCache(std::optional<std::filesystem::path> file, uint32_t host_abi);

    // What probing the file at path found, if it was probed as it is now (same identity).
    const ProbeOutcome* find(const std::filesystem::path& path, const FileId& id) const;
    void put(const std::filesystem::path& path, const FileId& id, const ProbeOutcome& outcome);
    void forget(const std::filesystem::path& path);
    // Writes the file if anything changed (atomically; errors are ignored: it is only a cache).
    void save();

    const std::optional<std::filesystem::path>& file() const { return file_; }

private:
    struct Entry {
        FileId id;
        ProbeOutcome outcome;
    };
    std::optional<std::filesystem::path> file_;
    uint32_t host_abi_;
    std::map<std::string, Entry> entries_;  // by path
    bool changed_ = false;
};

}  // namespace tote::detail

#endif  // TOTE_HOST_REGISTRY_CACHE_HPP
