// SPDX-License-Identifier: Apache-2.0
// registry_cache.cpp — the plugin registry cache file (see registry_cache.hpp).
#include "registry_cache.hpp"

#include "plugin_json.hpp"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace tote::detail {

namespace {

constexpr int kFormat = 1;

std::string host_version() { return TOTE_VERSION; }

}  // namespace

RegistryCache::RegistryCache(std::optional<fs::path> file, uint32_t host_abi)
    : file_(std::move(file)), host_abi_(host_abi) {
    if (!file_) return;
    std::ifstream in(*file_, std::ios::binary);
    if (!in) return;
    std::ostringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    try {
        if (!doc.is_object() || doc.value("format", 0) != kFormat || doc.value("host", "") != host_version() ||
            doc.value("abi", 0u) != host_abi_)
            return;  // another version's, or not ours at all: start afresh
        for (const nlohmann::json& e : doc.at("entries")) {
            Entry entry;
            entry.id.dev = e.at("dev").get<uint64_t>();
            entry.id.ino = e.at("ino").get<uint64_t>();
            entry.id.size = e.at("size").get<uint64_t>();
            entry.id.mtime_ns = e.at("mtime_ns").get<int64_t>();
            if (e.contains("info"))
                entry.outcome.info = plugin_info_from_json(e.at("info"));
            else
                entry.outcome.refusal = e.at("refused").get<std::string>();
            entries_[e.at("path").get<std::string>()] = std::move(entry);
        }
    } catch (const nlohmann::json::exception&) {
        entries_.clear();  // a damaged cache is no cache
    }
}

const ProbeOutcome* RegistryCache::find(const fs::path& path, const FileId& id) const {
    const auto found = entries_.find(path.string());
    if (found == entries_.end() || !(found->second.id == id)) return nullptr;
    return &found->second.outcome;
}

void RegistryCache::put(const fs::path& path, const FileId& id, const ProbeOutcome& outcome) {
    entries_[path.string()] = Entry{id, outcome};
    changed_ = true;
}

void RegistryCache::forget(const fs::path& path) { changed_ = entries_.erase(path.string()) > 0 || changed_; }

void RegistryCache::save() {
    if (!file_ || !changed_) return;
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& [path, entry] : entries_) {
        nlohmann::json e = {{"path", path},
                            {"dev", entry.id.dev},
                            {"ino", entry.id.ino},
                            {"size", entry.id.size},
                            {"mtime_ns", entry.id.mtime_ns}};
        if (entry.outcome.info)
            e["info"] = to_json(*entry.outcome.info);
        else
            e["refused"] = entry.outcome.refusal;
        entries.push_back(std::move(e));
    }
    const nlohmann::json doc = {{"format", kFormat}, {"host", host_version()}, {"abi", host_abi_}, {"entries", entries}};
    std::error_code ec;
    fs::create_directories(file_->parent_path(), ec);
    const fs::path temp = file_->string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) return;  // read-only or missing cache directory: fine, the next run probes again
        out << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        if (!out) {
            fs::remove(temp, ec);
            return;
        }
    }
    fs::rename(temp, *file_, ec);
    if (ec) fs::remove(temp, ec);
    changed_ = false;
}

}  // namespace tote::detail
