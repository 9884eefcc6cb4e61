// SPDX-License-Identifier: Apache-2.0
// discovery.cpp — deterministic, defensive plugin discovery (design brief §3), with plugin code kept out of the
// application until it is needed: files are described from the registry cache, or probed in a helper process,
// and loaded in-process only when a store of theirs is opened.
#include "discovery.hpp"

#include "permissions.hpp"
#include "plugin_json.hpp"
#include "probe.hpp"
#include "registry_cache.hpp"

#include <tote/error.hpp>

#include <algorithm>
#include <set>

namespace fs = std::filesystem;

namespace tote::detail {

std::string library_suffix() {
#if defined(_WIN32) || defined(__CYGWIN__)
    return ".dll";
#elif defined(__APPLE__)
    return ".dylib";
#else
    return ".so";
#endif
}

// ---- PluginSlot ---------------------------------------------------------------------------------------------------

PluginSlot::PluginSlot(PluginInfo described, uint32_t host_abi, std::shared_ptr<const LoadedPlugin> loaded,
                       std::function<void()> on_stale)
    : info(std::move(described)), host_abi_(host_abi), on_stale_(std::move(on_stale)), loaded_(std::move(loaded)) {}

std::shared_ptr<const LoadedPlugin> PluginSlot::load() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (loaded_) return loaded_;
    LoadResult result = load_plugin(info.path, host_abi_);
    if (!result.plugin) {
        if (on_stale_) on_stale_();
        throw Error(Status::internal, "internal error: cannot load the plugin " + info.path.string() +
                                          ", which was usable when it was scanned: " + result.refusal +
                                          " (it will be scanned again by the next command)");
    }
    if (!same_plugin(result.plugin->info, info)) {
        // The file changed since it was probed: what it is now is not what the registry says. Refresh the cache
        // and refuse this time, rather than serve a scheme with a plugin nobody checked for it.
        if (on_stale_) on_stale_();
        throw Error(Status::internal, "internal error: the plugin file " + info.path.string() +
                                          " changed since it was scanned; run the command again");
    }
    loaded_ = std::move(result.plugin);
    return loaded_;
}

// ---- Finding the files --------------------------------------------------------------------------------------------

namespace {

// A plugin file to describe, with what one stat() of it said.
struct Found {
    fs::path file;
    FileId id;
};

// Refuses unsafe permissions unless allowed; when allowed, keeps the file and records a warning. A symbolic link
// is judged by what it points to: the target file and the directory holding it (whoever can write that directory
// can swap the target), not only the link.
bool permitted(const fs::path& path, const FileFacts& facts, bool is_link, bool allow_unsafe, Discovery& out) {
    std::string why = facts.unsafe;
    if (why.empty() && is_link) {
        std::error_code ec;
        fs::path target = fs::canonical(path, ec);
        if (!ec) {
            why = unsafe_permissions(target.parent_path());
            if (!why.empty()) why = "links to " + target.string() + " in a directory that " + why;
        }
    }
    if (why.empty()) return true;
    if (allow_unsafe) {
        out.warnings.push_back(path.string() + " " + why + "; loaded anyway because host.allow_unsafe_plugins is set");
        return true;
    }
#ifdef _WIN32
    const char* const fix = "remove the entry with icacls, or in the file's Security properties";
#else
    const char* const fix = "fix with chmod go-w";
#endif
    out.refused.push_back(Refusal{path, "unsafe permissions: " + why + " (anyone who can write it can run code in tote; " +
                                            fix + ")"});
    return false;
}

// The plugin files to describe, in search order, each once (two paths of one file — a link, a directory listed
// twice — count once, told apart by device and inode), each with safe permissions. One stat() per file.
std::vector<Found> find_files(const DiscoveryOptions& options, Discovery& out) {
    std::vector<Found> result;
    std::set<std::pair<uint64_t, uint64_t>> seen;  // device, inode
    auto take = [&](const fs::path& file, const FileFacts& facts, bool is_link) {
        if (!seen.insert({facts.dev, facts.ino}).second) return;
        if (permitted(file, facts, is_link, options.allow_unsafe, out))
            result.push_back(Found{file, FileId{facts.dev, facts.ino, facts.size, facts.mtime_ns}});
    };
    for (const fs::path& file : options.files) {
        const FileFacts facts = file_facts(file);
        if (!facts.regular) {
            out.refused.push_back(Refusal{file, facts.exists ? "not a regular file" : "no such file"});
            continue;
        }
        std::error_code ec;
        take(file, facts, fs::is_symlink(file, ec));
    }
    const std::string suffix = library_suffix();
    for (const fs::path& dir : options.dirs) {
        const FileFacts dir_facts = file_facts(dir);
        if (!dir_facts.directory) {
            if (dir_facts.exists) out.refused.push_back(Refusal{dir, "plugin directory is not a directory"});
            continue;
        }
        std::error_code ec;
        if (!permitted(dir, dir_facts, fs::is_symlink(dir, ec), options.allow_unsafe, out)) continue;
        std::vector<std::pair<fs::path, bool>> found;  // path, is a symbolic link
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path& path = it->path();
            if (path.extension() != suffix) continue;
            std::error_code type_ec;
            found.emplace_back(path, it->is_symlink(type_ec));  // the entry's type from readdir: no syscall
        }
        if (ec) out.refused.push_back(Refusal{dir, "cannot read plugin directory: " + ec.message()});
        std::sort(found.begin(), found.end());
        for (const auto& [file, is_link] : found) {
            const FileFacts facts = file_facts(file);  // follows links: a dangling link or a directory is refused
            if (!facts.regular) {
                out.refused.push_back(Refusal{file, "not a regular file"});
                continue;
            }
            take(file, facts, is_link);
        }
    }
    return result;
}

// ---- Describing them ----------------------------------------------------------------------------------------------

struct Described {
    fs::path file;
    ProbeOutcome outcome;
    std::shared_ptr<const LoadedPlugin> loaded;  // in-process discovery only
};

std::vector<Described> describe_in_process(const std::vector<Found>& files, uint32_t host_abi) {
    std::vector<Described> out;
    for (const auto& [file, id] : files) {
        LoadResult loaded = load_plugin(file, host_abi);
        Described d{file, {}, loaded.plugin};
        if (loaded.plugin)
            d.outcome.info = loaded.plugin->info;
        else
            d.outcome.refusal = loaded.refusal;
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<Described> describe_by_probing(const std::vector<Found>& files, const DiscoveryOptions& options,
                                           RegistryCache& cache) {
    std::vector<Described> out(files.size());
    std::vector<fs::path> to_probe;
    std::vector<size_t> where;
    for (size_t i = 0; i < files.size(); ++i) {
        out[i].file = files[i].file;
        const ProbeOutcome* cached = options.rescan ? nullptr : cache.find(files[i].file, files[i].id);
        if (cached) {
            out[i].outcome = *cached;
            if (out[i].outcome.info) out[i].outcome.info->path = files[i].file;
        } else {
            to_probe.push_back(files[i].file);
            where.push_back(i);
        }
    }
    if (to_probe.empty()) return out;
    std::vector<ProbeOutcome> probed = probe_files(*options.probe_program, to_probe, options.host_abi, options.probe_deadline);
    for (size_t k = 0; k < probed.size(); ++k) {
        const size_t i = where[k];
        out[i].outcome = probed[k];
        cache.put(files[i].file, files[i].id, probed[k]);
    }
    cache.save();
    return out;
}

// ---- The registry -------------------------------------------------------------------------------------------------

bool names(const std::string& choice, const PluginInfo& info) {
    return choice == info.name || fs::path(choice) == info.path;
}

// Backends claim URL schemes, layers claim layer names: two registries, filled by the same rule.
void build_registry(const DiscoveryOptions& options, Discovery& out, bool layers) {
    std::map<std::string, std::vector<std::shared_ptr<PluginSlot>>> claims;  // scheme -> claimants, in order
    for (const auto& slot : out.plugins)
        if (is_layer(slot->info) == layers)
            for (const std::string& scheme : slot->info.schemes) claims[scheme].push_back(slot);
    for (const auto& [scheme, claimants] : claims) {
        std::shared_ptr<PluginSlot> winner = claimants.front();
        bool chosen = false;
        const auto choice = options.chosen.find(scheme);
        if (choice != options.chosen.end())
            for (const auto& c : claimants)
                if (names(choice->second, c->info)) {
                    winner = c;
                    chosen = true;
                    break;
                }
        (layers ? out.by_layer : out.by_scheme).emplace(scheme, winner);
        for (const auto& c : claimants)
            if (c != winner) out.shadows.push_back(Shadow{scheme, winner->info.path, c->info.path, chosen});
    }
}

}  // namespace

Discovery discover(const DiscoveryOptions& options) {
    Discovery out;
    const std::vector<Found> files = find_files(options, out);
    std::shared_ptr<RegistryCache> cache;
    std::vector<Described> described;
    if (options.probe_program) {
        cache = std::make_shared<RegistryCache>(options.cache_file, options.host_abi);
        described = describe_by_probing(files, options, *cache);
    } else {
        described = describe_in_process(files, options.host_abi);
    }
    // A cache shared by the slots, so that one that finds its file changed can drop it. Guarded: slots load from
    // any thread.
    auto cache_mutex = std::make_shared<std::mutex>();
    for (Described& d : described) {
        if (!d.outcome.info) {
            out.refused.push_back(Refusal{d.file, d.outcome.refusal});
            continue;
        }
        std::function<void()> on_stale;
        if (cache) {
            const fs::path file = d.file;
            on_stale = [cache, cache_mutex, file] {
                std::lock_guard<std::mutex> lock(*cache_mutex);
                cache->forget(file);
                cache->save();
            };
        }
        out.plugins.push_back(
            std::make_shared<PluginSlot>(*d.outcome.info, options.host_abi, std::move(d.loaded), std::move(on_stale)));
    }
    build_registry(options, out, false);
    build_registry(options, out, true);
    return out;
}

Discovery discover(const std::vector<fs::path>& files, const std::vector<fs::path>& dirs, bool allow_unsafe,
                   uint32_t host_abi) {
    DiscoveryOptions options;
    options.files = files;
    options.dirs = dirs;
    options.allow_unsafe = allow_unsafe;
    options.host_abi = host_abi;
    return discover(options);
}

}  // namespace tote::detail
