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

// Refuses unsafe permissions unless allowed; when allowed, loads anyway and records a warning. A symbolic link is
// judged by what it points to: the target file and the directory holding it (whoever can write that directory
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

namespace {

// Loads one file unless it was seen already (a symlink, a directory listed twice) or is unsafe.
void load_file(const fs::path& file, bool allow_unsafe, uint32_t host_abi, std::set<fs::path>& seen, Discovery& out) {
    std::error_code ec;
    fs::path canonical = fs::canonical(file, ec);
    if (ec) canonical = file;
    if (!seen.insert(canonical).second) return;
    if (!permitted(file, allow_unsafe, out)) return;
    LoadResult loaded = load_plugin(file, host_abi);
    if (!loaded.plugin) {
        out.refused.push_back(Refusal{file, loaded.refusal});
        return;
    }
    register_plugin(std::move(loaded.plugin), out);
}

}  // namespace

Discovery discover(const std::vector<fs::path>& files, const std::vector<fs::path>& dirs, bool allow_unsafe,
                   uint32_t host_abi) {
    Discovery out;
    std::set<fs::path> seen;
    const std::string suffix = library_suffix();
    for (const fs::path& file : files) {
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) {
            out.refused.push_back(Refusal{file, fs::exists(file, ec) ? "not a regular file" : "no such file"});
            continue;
        }
        load_file(file, allow_unsafe, host_abi, seen, out);
    }
    for (const fs::path& dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            if (fs::exists(dir, ec)) out.refused.push_back(Refusal{dir, "plugin directory is not a directory"});
            continue;
        }
        if (!permitted(dir, allow_unsafe, out)) continue;
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
        for (const fs::path& file : found) load_file(file, allow_unsafe, host_abi, seen, out);
    }
    return out;
}

}  // namespace tote::detail
