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

// Refuses unsafe permissions unless allowed; when allowed, keeps the file and records a warning. A symbolic link
// is judged by what it points to: the target file and the directory holding it (whoever can write that directory
// can swap the target), not only the link.
bool permitted(const fs::path& path, bool allow_unsafe, Discovery& out) {
    std::string why = unsafe_permissions(path);
    std::error_code ec;
    if (why.empty() && fs::is_symlink(path, ec)) {
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
    out.refused.push_back(Refusal{path, "unsafe permissions: " + why +
                                            " (anyone who can write it can run code in tote; fix with chmod go-w)"});
    return false;
}

// The plugin files to describe, in search order, each once, each with safe permissions.
std::vector<fs::path> find_files(const DiscoveryOptions& options, Discovery& out) {
    std::vector<fs::path> result;
    std::set<fs::path> seen;
    auto take = [&](const fs::path& file) {
        std::error_code ec;
        fs::path canonical = fs::canonical(file, ec);
        if (ec) canonical = file;
        if (!seen.insert(canonical).second) return;
        if (permitted(file, options.allow_unsafe, out)) result.push_back(file);
    };
    for (const fs::path& file : options.files) {
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) {
            out.refused.push_back(Refusal{file, fs::exists(file, ec) ? "not a regular file" : "no such file"});
            continue;
        }
        take(file);
    }
    const std::string suffix = library_suffix();
    for (const fs::path& dir : options.dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            if (fs::exists(dir, ec)) out.refused.push_back(Refusal{dir, "plugin directory is not a directory"});
            continue;
        }
        if (!permitted(dir, options.allow_unsafe, out)) continue;
        std::vector<fs::path> found;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path& path = it->path();
            if (path.extension() != suffix) continue;
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) {  // follows symlinks: a dangling link or a directory is refused
                out.refused.push_back(Refusal{path, "not a regular file"});
                continue;
            }
            found.push_back(path);
        }
        if (ec) out.refused.push_back(Refusal{dir, "cannot read plugin directory: " + ec.message()});
        std::sort(found.begin(), found.end());
        for (const fs::path& file : found) take(file);
    }
    return result;
}

// ---- Describing them ----------------------------------------------------------------------------------------------

struct Described {
    fs::path file;
    ProbeOutcome outcome;
    std::shared_ptr<const LoadedPlugin> loaded;  // in-process discovery only
};

std::vector<Described> describe_in_process(const std::vector<fs::path>& files, uint32_t host_abi) {
    std::vector<Described> out;
    for (const fs::path& file : files) {
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

std::vector<Described> describe_by_probing(const std::vector<fs::path>& files, const DiscoveryOptions& options,
                                           RegistryCache& cache) {
    std::vector<Described> out(files.size());
    std::vector<fs::path> to_probe;
    std::vector<size_t> where;
    std::vector<std::optional<FileId>> ids(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
        out[i].file = files[i];
        ids[i] = file_id(files[i]);
        const ProbeOutcome* cached = ids[i] && !options.rescan ? cache.find(files[i], *ids[i]) : nullptr;
        if (cached) {
            out[i].outcome = *cached;
            if (out[i].outcome.info) out[i].outcome.info->path = files[i];
        } else {
            to_probe.push_back(files[i]);
            where.push_back(i);
        }
    }
    if (to_probe.empty()) return out;
    std::vector<ProbeOutcome> probed = probe_files(*options.probe_program, to_probe, options.host_abi, options.probe_deadline);
    for (size_t k = 0; k < probed.size(); ++k) {
        const size_t i = where[k];
        out[i].outcome = probed[k];
        if (ids[i]) cache.put(files[i], *ids[i], probed[k]);
    }
    cache.save();
    return out;
}

// ---- The registry -------------------------------------------------------------------------------------------------

bool names(const std::string& choice, const PluginInfo& info) {
    return choice == info.name || fs::path(choice) == info.path;
}

void build_registry(const DiscoveryOptions& options, Discovery& out) {
    std::map<std::string, std::vector<std::shared_ptr<PluginSlot>>> claims;  // scheme -> claimants, in order
    for (const auto& slot : out.plugins)
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
        out.by_scheme.emplace(scheme, winner);
        for (const auto& c : claimants)
            if (c != winner) out.shadows.push_back(Shadow{scheme, winner->info.path, c->info.path, chosen});
    }
}

}  // namespace

Discovery discover(const DiscoveryOptions& options) {
    Discovery out;
    const std::vector<fs::path> files = find_files(options, out);
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
    build_registry(options, out);
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
