// SPDX-License-Identifier: Apache-2.0
// tote/host.hpp — tote::Host: configuration, plugin discovery, and opening stores by URL or by name.
//
// A Host reads the TOML configuration (if any), finds every backend plugin in the plugin directories (refusing,
// with a reason, the files it cannot use), and opens stores:
//
//     tote::Host host;                                    // config from TOTE_CONFIG or ~/.config/tote/config.toml
//     tote::Store evals = host.open("json://evals");      // a URL: scheme picks the plugin
//     tote::Store named = host.open("evals");             // a store name from the config's [stores.evals]
//
// Plugin directories are searched in this order, files within each in name order, and the first plugin to
// claim a URL scheme keeps it (unless the config's host.schemes names another): HostOptions::plugin_dirs, then
// TOTE_PLUGIN_PATH (':'-separated), then the config's host.plugin_dirs, then the first-party plugins installed
// beside the host library (<libdir>/tote/plugins).
//
// No plugin's code runs in this process until a store of that plugin is opened: each plugin file is described by
// a helper process (tote-plugin-probe, beside the first-party plugins' directory) the first time it is seen, and
// the description is kept in the registry cache ($XDG_CACHE_HOME/tote/registry.json, by file identity), so a file
// that crashes or hangs when loaded is refused with the reason, and every other store still opens.
//
// Construction throws tote::Error(Status::invalid_argument) for a configuration error, with the file, line and
// key in the message. Discovery problems never throw: they are listed by refused(). A Host is immutable once
// built; it may be shared by threads. Stores it opens may outlive it.
#ifndef TOTE_HOST_HPP
#define TOTE_HOST_HPP

#include <tote/error.hpp>
#include <tote/export.hpp>
#include <tote/plugin_info.hpp>
#include <tote/store.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tote {

struct HostOptions {
    // A config file that must exist. Unset: TOTE_CONFIG if set (and use_environment), else
    // $XDG_CONFIG_HOME/tote/config.toml or ~/.config/tote/config.toml if present, else no config.
    std::optional<std::filesystem::path> config_file;
    // Plugin files loaded before any directory is searched (so their schemes win), in order.
    std::vector<std::filesystem::path> plugin_files;
    // Searched before everything else but plugin_files, in order.
    std::vector<std::filesystem::path> plugin_dirs;
    // Read TOTE_CONFIG, TOTE_PLUGIN_PATH and the XDG locations. Tests turn this off for a sealed host.
    bool use_environment = true;
    // Search <libdir>/tote/plugins, where the first-party plugins live.
    bool builtin_plugins = true;
    // Describe plugin files in a helper process and the registry cache, loading in-process only the plugins of the
    // stores opened. false: load every plugin file into this process at once, as a process that is expendable
    // itself does (tote plugin check's worker).
    bool isolate_plugins = true;
    // The registry cache file. Unset: $XDG_CACHE_HOME/tote/registry.json (~/.cache/…) when use_environment, else
    // none (every file is probed each time).
    std::optional<std::filesystem::path> registry_cache;
    // Probe every plugin file again, whatever the cache says (tote plugins --rescan).
    bool rescan = false;
    // How long a plugin file may take to be loaded and described before it is refused as hung.
    std::chrono::milliseconds probe_deadline{5000};
    // The plugin ABI version the host announces to plugins and speaks with them. Only for compatibility tests:
    // TOTE_ABI_VERSION (the default), or an older 1.x to behave exactly as a host of that version would (struct
    // sizes, extensions asked for, status codes and capabilities accepted).
    uint32_t plugin_abi = TOTE_ABI_VERSION;
};

struct OpenOptions {
    bool create = false;     // create the store if it does not exist (else Status::not_found)
    bool read_only = false;  // refuse every write; also implied by read_only = true in the config
    // Plugin options as text ("fsync" → "false"), converted to the type the plugin declares ("true"/"false",
    // integers, decimals, any string) and checked like config options; they override a named store's options.
    std::map<std::string, std::string> options;
    // Layers (tote/ext/layer.h) stacked over the store, outermost first, over any layers its URL or config entry
    // names: each a layer name and its options as text (checked like options above).
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> layers;
};

// A directory searched for plugins, and why. In search order: HostOptions::plugin_dirs (`tote --plugin-dir`),
// $TOTE_PLUGIN_PATH, the config's host.plugin_dirs, then — when HostOptions::use_environment — the per-user
// directory ~/.local/lib/tote/plugins and the system directory /usr/local/lib/tote/plugins, and last the built-in
// one beside libtote (<libdir>/tote/plugins, where the first-party plugins are). A directory that does not exist is
// skipped (but still listed); one that appears twice is searched once, at its first place.
struct PluginDirectory {
    std::filesystem::path path;
    std::string source;  // "--plugin-dir", "TOTE_PLUGIN_PATH", "host.plugin_dirs in FILE", "per-user", "system", "built-in"
};

// A store defined in the config file.
struct StoreDefinition {
    std::string name;
    std::string url;  // as written in the file
    bool read_only = false;
    std::map<std::string, std::string> options;  // as text, in the form OpenOptions::options takes
};

// url with any password shown as "***" ("redis://:***@host:6379/0", "postgresql://u@h/db?password=***"), for
// printing. Every URL in tote's own messages, and Store::url(), already is.
TOTE_API std::string redact_url(std::string_view url);

class TOTE_API Host {
public:
    explicit Host(const HostOptions& options = {});
    ~Host();
    Host(Host&&) noexcept;
    Host& operator=(Host&&) noexcept;

    const std::vector<PluginInfo>& plugins() const;
    const std::vector<Refusal>& refused() const;
    // Plugins loaded despite a problem the config allows (host.allow_unsafe_plugins), one line each.
    const std::vector<std::string>& warnings() const;
    // URL schemes that more than one plugin serves, and which one is used.
    const std::vector<SchemeShadow>& shadowed() const;
    // If the store's scheme is served by a plugin that shadows another, and the config does not name the winner
    // (host.schemes), the warning to show whoever opens it; else nothing.
    std::optional<std::string> shadow_warning(std::string_view store) const;
    // Every directory searched, in order, whether or not it existed.
    const std::vector<std::filesystem::path>& plugin_dirs() const;
    // The same, each with why it is searched (see PluginDirectory).
    const std::vector<PluginDirectory>& plugin_directories() const;
    // The config file in use, if any.
    const std::optional<std::filesystem::path>& config_path() const;
    std::vector<StoreDefinition> stores() const;
    // Every URL scheme served, sorted.
    std::vector<std::string> schemes() const;

    // Opens a store by URL ("scheme://location") or by a store name from the config. "default" names
    // host.default_store from the config, or else the built-in default store, an SQLite database in
    // $XDG_DATA_HOME/tote (~/.local/share/tote). Unknown scheme or name, malformed URL, bad options:
    // Status::invalid_argument. Missing store without options.create: Status::not_found.
    Store open(std::string_view store, const OpenOptions& options = {}) const;

    // The URL that open(store) would use, resolved (absolute path for file-based backends).
    std::string resolve(std::string_view store) const;

    // Destroys the store (every key, and the file, directory, table or prefix that holds them), as open(store)
    // would find it. Status::not_found if there is none; Status::unsupported if its plugin offers no
    // "tote.admin/1" drop. Handles still open on the store may fail afterwards.
    void drop(std::string_view store, const OpenOptions& options = {}) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote

#endif  // TOTE_HOST_HPP
