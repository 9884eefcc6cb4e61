// SPDX-License-Identifier: Apache-2.0
// host.cpp — tote::Host: which config, which plugin directories, and how a name or URL becomes an open Store.
#include "call.hpp"
#include "config.hpp"
#include "discovery.hpp"
#include "key.hpp"
#include "layer.hpp"
#include "options.hpp"
#include "probe.hpp"
#include "store_impl.hpp"
#include "url.hpp"

#include <tote/host.hpp>

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>

namespace fs = std::filesystem;

namespace tote {

using detail::Config;
using detail::quote;

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

#ifdef _WIN32
// The per-user directory in %variable% (APPDATA, LOCALAPPDATA), or none.
fs::path windows_dir(const char* variable) {
    std::string dir = env(variable);
    return !dir.empty() && fs::path(dir).is_absolute() ? fs::path(dir) : fs::path();
}
// Where the user's config lives: %APPDATA% (roaming: settings follow the user from machine to machine).
fs::path config_home() { return windows_dir("APPDATA"); }
// Where the embedded default store lives: %LOCALAPPDATA% (data stay on this machine).
fs::path data_home() { return windows_dir("LOCALAPPDATA"); }
// Where the plugin registry cache lives: %LOCALAPPDATA% too (a cache belongs to this machine).
fs::path cache_home() { return windows_dir("LOCALAPPDATA"); }
const char* const kDataHomeVariables = "LOCALAPPDATA is";
#else
// $XDG_<KIND>_HOME, or ~/<fallback>.
fs::path xdg_dir(const char* variable, const char* fallback) {
    std::string dir = env(variable);
    if (!dir.empty() && fs::path(dir).is_absolute()) return dir;
    std::string home = env("HOME");
    return home.empty() ? fs::path() : fs::path(home) / fallback;
}
fs::path config_home() { return xdg_dir("XDG_CONFIG_HOME", ".config"); }
fs::path data_home() { return xdg_dir("XDG_DATA_HOME", ".local/share"); }
fs::path cache_home() { return xdg_dir("XDG_CACHE_HOME", ".cache"); }
const char* const kDataHomeVariables = "neither HOME nor XDG_DATA_HOME is";
#endif

// The config in effect: explicit path, then TOTE_CONFIG, then the user's (XDG's, or %APPDATA%'s) if it exists, else
// none.
Config find_config(const HostOptions& options) {
    if (options.config_file) return detail::load_config(*options.config_file);
    if (options.use_environment) {
        std::string explicit_path = env("TOTE_CONFIG");
        if (!explicit_path.empty()) return detail::load_config(explicit_path);
        fs::path home = config_home();
        std::error_code ec;
        if (!home.empty() && fs::exists(home / "tote" / "config.toml", ec))
            return detail::load_config(home / "tote" / "config.toml");
    }
    return Config{};
}

// <directory of libtote>/tote: where the first-party plugins (plugins/) and the probe helper live, in the build
// tree and when installed.
fs::path private_dir() {
    std::error_code ec;
    fs::path library = boost::dll::this_line_location(ec);
    if (ec) return {};
#ifdef _WIN32
    // A DLL lives in bin/, beside the programs that load it; the plugins are in lib/tote/plugins all the same.
    return library.parent_path().parent_path() / "lib" / "tote";
#else
    return library.parent_path() / "tote";
#endif
}

fs::path builtin_plugin_dir() {
    const fs::path dir = private_dir();
    return dir.empty() ? dir : dir / "plugins";
}

// The per-user plugin directory: ~/.local/lib/tote/plugins. Rationale: ~/.local mirrors /usr/local for one user
// (it is where `cmake --install --prefix ~/.local` and pip --user put things), and a plugin is an architecture-
// dependent library, which the XDG data directory ($XDG_DATA_HOME, ~/.local/share) is not meant for. On Windows:
// %LOCALAPPDATA%\tote\plugins.
fs::path user_plugin_dir() {
#ifdef _WIN32
    const std::string base = env("LOCALAPPDATA");
    return base.empty() ? fs::path() : fs::path(base) / "tote" / "plugins";
#else
    const std::string home = env("HOME");
    return home.empty() ? fs::path() : fs::path(home) / ".local" / "lib" / "tote" / "plugins";
#endif
}

// The system-wide directory for plugins installed by hand (not by a package): /usr/local/lib/tote/plugins. On
// Windows: %ProgramData%\tote\plugins.
fs::path system_plugin_dir() {
#ifdef _WIN32
    const std::string base = env("ProgramData");
    return base.empty() ? fs::path() : fs::path(base) / "tote" / "plugins";
#else
    return "/usr/local/lib/tote/plugins";
#endif
}

// The registry cache: explicit, else $XDG_CACHE_HOME/tote/registry.json (%LOCALAPPDATA%\tote\registry.json) when
// the environment is used.
std::optional<fs::path> registry_cache_file(const HostOptions& options) {
    if (options.registry_cache) return options.registry_cache;
    if (!options.use_environment) return std::nullopt;
    const fs::path cache = cache_home();
    if (cache.empty()) return std::nullopt;
    return cache / "tote" / "registry.json";
}

fs::path absolute_normal(const fs::path& p) {
    std::error_code ec;
    fs::path out = fs::absolute(p, ec);
    return (ec ? p : out).lexically_normal();
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// One layer of a resolved store: its plugin, and its options from the config (a layer named in a URL has none).
struct LayerTarget {
    std::string name;
    std::shared_ptr<const detail::PluginSlot> slot;
    std::vector<detail::OptionSetting> options;
    std::string owner;  // for messages: "layer 'zstd' of store 'evals'", "layer 'zstd'"
    std::string where;  // "file:line" of its entry in the config, or empty
    bool from_open = false;  // given to Host::open (OpenOptions::layers): no line of the config is its
};

// One resolved store: the URL, its parsed form, the plugin, and the config entry it came from (if any).
struct Target {
    std::vector<LayerTarget> layers;  // outermost first
    std::string url;  // resolved, for messages and Store::url()
    std::string scheme;
    std::string location;
    std::shared_ptr<const detail::PluginSlot> slot;  // the plugin, as described (loaded by open())
    const detail::StoreConfig* config = nullptr;
    bool implicit_create = false;  // the built-in default store is created on first use
};

// "zstd::cache::sqlite:///x": the layers, outermost first, then the store's URL.
std::string layered_url(const Target& target) {
    std::string url;
    for (const LayerTarget& layer : target.layers) url += layer.name + "::";
    return url + target.url;
}

}  // namespace

struct Host::Impl {
    Config config;
    detail::Discovery discovery;
    std::vector<PluginInfo> infos;
    std::vector<SchemeShadow> shadows;
    std::vector<fs::path> dirs;
    std::vector<PluginDirectory> directories;  // dirs, with why each is searched

    void add_dir(const fs::path& dir, std::string source) {
        for (const fs::path& known : dirs)
            if (known == dir) return;  // searched once, at its first place
        dirs.push_back(dir);
        directories.push_back(PluginDirectory{dir, std::move(source)});
    }
    Target resolve(std::string_view store) const;
    LayerTarget find_layer(const std::string& name, std::vector<detail::OptionSetting> options, std::string owner) const;
    Target resolve_url(const std::string& text, const fs::path& base) const;
};

LayerTarget Host::Impl::find_layer(const std::string& name, std::vector<detail::OptionSetting> options,
                                   std::string owner) const {
    auto found = discovery.by_layer.find(name);
    if (found == discovery.by_layer.end()) {
        std::vector<std::string> known;
        for (const auto& [layer, plugin] : discovery.by_layer) known.push_back(layer);
        std::string message = "unknown layer: " + name + " (known layers: " + (known.empty() ? "none" : join(known)) + ")";
        if (discovery.by_scheme.count(name)) message += "; '" + name + "' is a storage backend, not a layer";
        throw Error(Status::invalid_argument, message);
    }
    return LayerTarget{name, found->second, std::move(options), std::move(owner), "", false};
}

Target Host::Impl::resolve_url(const std::string& text, const fs::path& base) const {
    detail::Url url = detail::parse_url(text);
    auto found = discovery.by_scheme.find(url.scheme);
    if (found == discovery.by_scheme.end()) {
        std::vector<std::string> known;
        for (const auto& [scheme, plugin] : discovery.by_scheme) known.push_back(scheme);
        std::string message = "unknown storage backend: " + url.scheme + " (known: " +
                              (known.empty() ? "none" : join(known)) + ")";
        if (discovery.by_layer.count(url.scheme))
            message += "; '" + url.scheme + "' is a layer: stack it over a store, as in " + url.scheme + "::sqlite://" +
                       url.location;
        if (!discovery.refused.empty())
            message += "; " + std::to_string(discovery.refused.size()) +
                       " plugin file(s) or directories were refused: 'tote plugins' (with the same --plugin-dir) says why";
        throw Error(Status::invalid_argument, message);
    }
    Target target;
    for (const std::string& name : url.layers) target.layers.push_back(find_layer(name, {}, "layer " + quote(name)));
    target.slot = found->second;
    target.scheme = url.scheme;
    target.location = url.location;
    if (target.slot->info.location_kind == TOTE_LOCATION_PATH) {
        fs::path path = detail::expand_home(url.location);
        if (path.is_relative()) path = base / path;
        target.location = path.lexically_normal().string();
        if (target.location.size() > 1 && target.location.back() == '/') target.location.pop_back();
    }
    target.url = url.scheme + "://" + target.location;
    return target;
}

Target Host::Impl::resolve(std::string_view store) const {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (detail::looks_like_url(store)) return resolve_url(std::string(store), cwd);
    if (store == "default") {
        if (config.default_store) {
            if (*config.default_store == "default")
                throw Error(Status::invalid_argument, config.default_store_where.str() + ": host.default_store cannot be 'default'");
            return resolve(*config.default_store);
        }
        fs::path data = data_home();
        if (data.empty())
            throw Error(Status::invalid_argument, std::string("no default store: ") + kDataHomeVariables + " set");
        Target target = resolve_url("sqlite://" + (data / "tote" / "default.db").string(), cwd);
        target.implicit_create = true;
        return target;
    }
    auto found = config.stores.find(std::string(store));
    if (found == config.stores.end()) {
        std::string message = "unknown store " + quote(store) + ": not a URL (scheme://location)";
        if (config.path) {
            std::vector<std::string> names;
            for (const auto& [name, definition] : config.stores) names.push_back(name);
            message += " and not defined in " + config.path->string() +
                       (names.empty() ? " (it defines no stores)" : " (stores: " + join(names) + ")");
        } else {
            message += ", and there is no config file to define it (see --config or TOTE_CONFIG)";
        }
        throw Error(Status::invalid_argument, message);
    }
    Target target;
    try {
        target = resolve_url(found->second.url, config.base_dir());
    } catch (const Error& e) {
        throw Error(e.status(), found->second.where.str() + ": store " + quote(store) + ": " + e.what());
    }
    target.config = &found->second;
    // The config's layers go over those of its URL, outermost first.
    std::vector<LayerTarget> layers;
    for (const detail::LayerConfig& layer : found->second.layers) {
        try {
            layers.push_back(find_layer(layer.name, layer.options, "layer " + quote(layer.name) + " of store " + quote(store)));
            layers.back().where = layer.where.str();
        } catch (const Error& e) {
            throw Error(e.status(), layer.where.str() + ": store " + quote(store) + ": " + e.what());
        }
    }
    target.layers.insert(target.layers.begin(), layers.begin(), layers.end());
    return target;
}

Host::Host(const HostOptions& options) : impl_(std::make_unique<Impl>()) {
    impl_->config = find_config(options);
    for (const fs::path& dir : options.plugin_dirs) impl_->add_dir(absolute_normal(dir), "--plugin-dir");
    if (options.use_environment) {
        std::string path = env("TOTE_PLUGIN_PATH");
#ifdef _WIN32
        const char separator = ';';  // as in PATH: ':' is part of a drive letter there
#else
        const char separator = ':';
#endif
        for (size_t start = 0; start <= path.size();) {
            size_t end = std::min(path.find(separator, start), path.size());
            if (end > start)
                impl_->add_dir(absolute_normal(detail::expand_home(path.substr(start, end - start))), "TOTE_PLUGIN_PATH");
            start = end + 1;
        }
    }
    for (const fs::path& dir : impl_->config.plugin_dirs)
        impl_->add_dir(dir, "host.plugin_dirs in " + impl_->config.path->string());
    if (options.use_environment) {
        // Where `cmake --install --prefix ~/.local` and `--prefix /usr/local` put a plugin built from the template.
        if (const fs::path user = user_plugin_dir(); !user.empty()) impl_->add_dir(user, "per-user");
        if (const fs::path system = system_plugin_dir(); !system.empty()) impl_->add_dir(system, "system");
    }
    if (options.builtin_plugins) {
        fs::path builtin = builtin_plugin_dir();
        if (!builtin.empty()) impl_->add_dir(absolute_normal(builtin), "built-in");
    }
    if (impl_->config.default_store && !detail::looks_like_url(*impl_->config.default_store) &&
        !impl_->config.stores.count(*impl_->config.default_store))
        throw Error(Status::invalid_argument, impl_->config.default_store_where.str() +
                                                  ": host.default_store names no store: " +
                                                  quote(*impl_->config.default_store));
    if (TOTE_ABI_VERSION_MAJOR(options.plugin_abi) != TOTE_ABI_MAJOR || options.plugin_abi > TOTE_ABI_VERSION)
        throw Error(Status::invalid_argument, "HostOptions::plugin_abi must be a 1.x version up to this host's");
    detail::DiscoveryOptions discovery;
    for (const fs::path& file : options.plugin_files) discovery.files.push_back(absolute_normal(file));
    discovery.dirs = impl_->dirs;
    discovery.allow_unsafe = impl_->config.allow_unsafe_plugins;
    discovery.host_abi = options.plugin_abi;
    discovery.chosen = impl_->config.schemes;
    discovery.rescan = options.rescan;
    discovery.probe_deadline = options.probe_deadline;
    if (options.use_environment && !env("TOTE_PROBE_TIMEOUT_MS").empty()) {
        const std::string text = env("TOTE_PROBE_TIMEOUT_MS");
        char* end = nullptr;
        const long long ms = std::strtoll(text.c_str(), &end, 10);
        if (*end != '\0' || ms < 1 || ms > 3600000)
            throw Error(Status::invalid_argument, "TOTE_PROBE_TIMEOUT_MS must be milliseconds from 1 to 3600000, not '" +
                                                      text + "'");
        discovery.probe_deadline = std::chrono::milliseconds(ms);
    }
    std::string fallback;
    if (options.isolate_plugins) {
#ifdef _WIN32
        const fs::path helper = private_dir() / "tote-plugin-probe.exe";
#else
        const fs::path helper = private_dir() / "tote-plugin-probe";
#endif
        std::error_code ec;
        if (detail::probing_supported() && fs::is_regular_file(helper, ec)) {
            discovery.probe_program = helper;
            discovery.cache_file = registry_cache_file(options);
        } else {
            fallback = "the plugin probe helper " + helper.string() + " is missing, so plugins were loaded into this "
                       "process to be described (a plugin that crashes when loaded takes the process down)";
        }
    }
    impl_->discovery = detail::discover(discovery);
    if (!fallback.empty()) impl_->discovery.warnings.push_back(fallback);
    for (const auto& plugin : impl_->discovery.plugins) impl_->infos.push_back(plugin->info);
    for (const detail::Shadow& shadow : impl_->discovery.shadows)
        impl_->shadows.push_back(SchemeShadow{shadow.scheme, shadow.winner, shadow.loser, shadow.chosen});
}

Host::~Host() = default;
Host::Host(Host&&) noexcept = default;
Host& Host::operator=(Host&&) noexcept = default;

const std::vector<PluginInfo>& Host::plugins() const { return impl_->infos; }
const std::vector<Refusal>& Host::refused() const { return impl_->discovery.refused; }
const std::vector<std::string>& Host::warnings() const { return impl_->discovery.warnings; }
const std::vector<SchemeShadow>& Host::shadowed() const { return impl_->shadows; }

std::optional<std::string> Host::shadow_warning(std::string_view store) const {
    const Target target = impl_->resolve(store);
    std::string ignored;
    for (const SchemeShadow& shadow : impl_->shadows)
        if (shadow.scheme == target.scheme && !shadow.chosen)
            ignored += (ignored.empty() ? "" : ", ") + shadow.ignored.string();
    if (ignored.empty()) return std::nullopt;
    return "scheme '" + target.scheme + "' is served by " + target.slot->info.path.string() +
           ", which comes first in the plugin search order, and not by " + ignored +
           " (name the one to use in the config, host.schemes." + target.scheme + " = \"<name or file>\", to "
           "silence this)";
}
const std::vector<fs::path>& Host::plugin_dirs() const { return impl_->dirs; }
const std::vector<PluginDirectory>& Host::plugin_directories() const { return impl_->directories; }
const std::optional<fs::path>& Host::config_path() const { return impl_->config.path; }

std::vector<StoreDefinition> Host::stores() const {
    std::vector<StoreDefinition> out;
    for (const auto& [name, store] : impl_->config.stores) {
        StoreDefinition definition{name, store.url, store.read_only, {}};
        for (const detail::OptionSetting& o : store.options) definition.options[o.name] = detail::option_text(o);
        out.push_back(std::move(definition));
    }
    return out;
}

std::vector<std::string> Host::schemes() const {
    std::vector<std::string> out;
    for (const auto& [scheme, plugin] : impl_->discovery.by_scheme) out.push_back(scheme);
    return out;  // std::map keeps them sorted
}

std::string Host::resolve(std::string_view store) const { return layered_url(impl_->resolve(store)); }

namespace {

// The options a store is opened (or dropped) with: its config entry's, overridden by options.options, checked
// against the plugin's list. The values point into settings.
struct CheckedOptions {
    std::vector<detail::OptionSetting> settings;
    std::vector<tote_option_value> values;
};

CheckedOptions check_store_options(const Target& target, const OpenOptions& options) {
    CheckedOptions out;
    if (target.config) out.settings = target.config->options;
    detail::merge_text_options(options.options, target.slot->info, out.settings);
    out.values = detail::check_options(out.settings, target.slot->info,
                                       "store " + quote(target.config ? target.config->name : detail::redact_url(target.url)));
    return out;
}

tote_open_params open_params(const Target& target, const CheckedOptions& options, uint32_t flags) {
    tote_open_params params{};
    params.struct_size = sizeof params;
    params.flags = flags;
    params.url = target.url.c_str();
    params.location = target.location.c_str();
    params.options = options.values.data();
    params.option_count = options.values.size();
    return params;
}

std::string what_store(const Target& target, const std::string& op) {
    std::string what = op + " " + detail::redact_url(layered_url(target));
    if (target.config) what = target.config->where.str() + ": store " + quote(target.config->name) + ": " + what;
    return what;
}

// The start of a message about a layer of target's stack, opened over the store at inner_url: at the layer's own
// line of the config if it has one, at the store's line for a layer of its URL, at none for one given to open().
std::string what_layer(const Target& target, const LayerTarget& layer, const std::string& inner_url) {
    std::string what = "open layer " + quote(layer.name) + " over " + detail::redact_url(inner_url);
    if (target.config) {
        what = "store " + quote(target.config->name) + ": " + what;
        if (!layer.from_open) what = (layer.where.empty() ? target.config->where.str() : layer.where) + ": " + what;
    }
    return what;
}

}  // namespace

Store Host::open(std::string_view store, const OpenOptions& options) const {
    Target target = impl_->resolve(store);
    // OpenOptions::layers go over all others, their text options typed as each layer declares them.
    std::vector<LayerTarget> extra;
    for (const auto& [name, text] : options.layers) {
        LayerTarget layer = impl_->find_layer(name, {}, "layer " + quote(name));
        layer.from_open = true;
        detail::merge_text_options(text, layer.slot->info, layer.options);
        extra.push_back(std::move(layer));
    }
    target.layers.insert(target.layers.begin(), extra.begin(), extra.end());
    // Every layer's options are checked before anything opens: a typo never creates or touches a store.
    for (const LayerTarget& layer : target.layers) detail::check_options(layer.options, layer.slot->info, layer.owner);
    const std::shared_ptr<const detail::LoadedPlugin> loaded = target.slot->load();
    const detail::LoadedPlugin& plugin = *loaded;
    const bool read_only = options.read_only || (target.config && target.config->read_only) ||
                           !(plugin.descriptor->capabilities & TOTE_CAP_WRITE);
    const CheckedOptions checked = check_store_options(target, options);
    const std::vector<detail::OptionSetting>& settings = checked.settings;

    // The built-in default store always exists: a read of it before the first write creates it empty (the plugin
    // opens it writable; the Store still refuses writes when the caller asked for read-only).
    const bool create = target.implicit_create || (options.create && !read_only);
    const uint32_t flags = create ? TOTE_OPEN_CREATE : (read_only ? TOTE_OPEN_READ_ONLY : 0u);
    const tote_open_params params = open_params(target, checked, flags);

    auto impl = std::make_shared<Store::Impl>();
    impl->plugin = loaded;
    impl->url = detail::redact_url(target.url);  // what the Store shows; the plugin got the real one above
    for (const detail::OptionSetting& o : settings) impl->options[o.name] = detail::option_text(o);
    impl->read_only = read_only;
    impl->caps = plugin.info.capabilities;
    impl->extensions = plugin.ext;
    impl->extension_ids = plugin.info.extensions;
    const tote_batch_ext* batch = plugin.ext.batch;
    // The batch flags are 1.1's: read only where the plugin's struct holds them, and used only by a 1.1 host.
    impl->batch_removes = batch != nullptr && TOTE_ABI_VERSION_MINOR(plugin.host_abi) >= 1 &&
                          batch->struct_size >= offsetof(tote_batch_ext, flags) + sizeof batch->flags &&
                          (batch->flags & TOTE_BATCH_REMOVES) != 0;
    impl->serialised = !(impl->caps & TOTE_CAP_THREAD_SAFE);
    // The layers' own checks of their values, before the store below opens (or is created): innermost first.
    {
        std::string url = target.url;
        for (auto layer = target.layers.rbegin(); layer != target.layers.rend(); ++layer) {
            const std::string inner_url = url;
            url = layer->name + "::" + url;
            detail::check_layer_options(*layer->slot->load(), layer->options, layer->owner, url, inner_url, flags,
                                        what_layer(target, *layer, inner_url));
        }
    }
    detail::Call call(plugin.host_abi);
    tote_store* handle = nullptr;
    tote_status status = plugin.descriptor->open(&params, call.get(), &handle);
    const std::string what = what_store(target, "open");
    call.check(status, [&] { return what; });
    if (handle == nullptr) call.fail(TOTE_INTERNAL, what + ": the plugin returned no store");
    impl->handle = handle;
    // Then each layer over the store below it, innermost first.
    std::string url = target.url;
    for (auto layer = target.layers.rbegin(); layer != target.layers.rend(); ++layer) {
        const std::string inner_url = url;
        url = layer->name + "::" + url;
        impl = detail::open_layer(std::move(impl), layer->slot->load(), layer->options, layer->owner, url, inner_url,
                                  flags, what_layer(target, *layer, inner_url));
    }
    return Store(std::move(impl));
}

void Host::drop(std::string_view store, const OpenOptions& options) const {
    Target target = impl_->resolve(store);
    const std::shared_ptr<const detail::LoadedPlugin> loaded = target.slot->load();
    const detail::LoadedPlugin& plugin = *loaded;
    const std::string what = what_store(target, "drop");
    if (options.read_only || (target.config && target.config->read_only))
        throw Error(Status::permission_denied, "permission denied: " + what + ": the store is configured read-only");
    const tote_admin_ext* admin = plugin.ext.admin;
    if (admin == nullptr || admin->drop == nullptr)
        throw Error(Status::unsupported, "unsupported: " + what + ": the " + plugin.info.name +
                                             " plugin cannot drop a store (it offers no " TOTE_EXT_ADMIN
                                             " drop); 'tote rm -r' empties it instead");
    const CheckedOptions checked = check_store_options(target, options);
    const tote_open_params params = open_params(target, checked, 0);
    detail::Call call(plugin.host_abi);
    call.check(admin->drop(&params, call.get()), [&] { return what; });
}

}  // namespace tote
