// discovery.cpp — deterministic, defensive plugin discovery (design brief §3).
#include "discovery.hpp"

#include "permissions.hpp"

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

namespace {

// Refuses unsafe permissions unless allowed; when allowed, loads anyway and records a warning.
bool permitted(const fs::path& path, bool allow_unsafe, Discovery& out) {
    std::string why = unsafe_permissions(path);
    if (why.empty()) return true;
    if (allow_unsafe) {
        out.warnings.push_back(path.string() + " " + why + "; loaded anyway because host.allow_unsafe_plugins is set");
        return true;
    }
    out.refused.push_back(Refusal{path, "unsafe permissions: " + why +
                                            " (anyone who can write it can run code in tote; fix with chmod go-w)"});
    return false;
}

void register_plugin(std::shared_ptr<const LoadedPlugin> plugin, Discovery& out) {
    for (const std::string& scheme : plugin->info.schemes) {
        auto taken = out.by_scheme.find(scheme);
        if (taken != out.by_scheme.end()) {
            out.refused.push_back(Refusal{plugin->info.path, "duplicate scheme '" + scheme + "': already served by " +
                                                                  taken->second->info.path.string()});
            return;
        }
    }
    for (const std::string& scheme : plugin->info.schemes) out.by_scheme.emplace(scheme, plugin);
    out.plugins.push_back(std::move(plugin));
}

}  // namespace

Discovery discover(const std::vector<fs::path>& dirs, bool allow_unsafe) {
    Discovery out;
    std::set<fs::path> seen;
    const std::string suffix = library_suffix();
    for (const fs::path& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            if (fs::exists(dir, ec)) out.refused.push_back(Refusal{dir, "plugin directory is not a directory"});
            continue;
        }
        if (!permitted(dir, allow_unsafe, out)) continue;
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path& path = it->path();
            if (path.extension() != suffix) continue;
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) {  // follows symlinks: a dangling link or a directory is refused
                out.refused.push_back(Refusal{path, "not a regular file"});
                continue;
            }
            files.push_back(path);
        }
        if (ec) out.refused.push_back(Refusal{dir, "cannot read plugin directory: " + ec.message()});
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
            fs::path canonical = fs::canonical(file, ec);
            if (ec) canonical = file;
            if (!seen.insert(canonical).second) continue;
            if (!permitted(file, allow_unsafe, out)) continue;
            LoadResult loaded = load_plugin(file);
            if (!loaded.plugin) {
                out.refused.push_back(Refusal{file, loaded.refusal});
                continue;
            }
            register_plugin(std::move(loaded.plugin), out);
        }
    }
    return out;
}

}  // namespace tote::detail
