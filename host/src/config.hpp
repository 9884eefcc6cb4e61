// SPDX-License-Identifier: Apache-2.0
// config.hpp — the TOML configuration file (design brief §5), parsed and checked, with source positions kept
// so that errors found later (an unknown plugin option, an unknown scheme) can still name file and line.
#ifndef TOTE_HOST_CONFIG_HPP
#define TOTE_HOST_CONFIG_HPP

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tote::detail {

// "file:line:column" of something in the config file.
struct SourcePos {
    std::filesystem::path file;
    uint32_t line = 0;
    uint32_t column = 0;
    std::string str() const;
};

// One option value from a store's options table, typed as TOML typed it.
struct OptionSetting {
    std::string name;
    uint32_t type = 0;  // TOTE_TYPE_*
    int64_t int_value = 0;
    double float_value = 0;
    std::string string_value;
    SourcePos where;
};

// One entry of a store's layers list: { name = "zstd", level = 3 }.
struct LayerConfig {
    std::string name;
    std::vector<OptionSetting> options;  // every other key of the entry
    SourcePos where;                     // of the entry
};

struct StoreConfig {
    std::string name;
    std::string url;
    bool read_only = false;
    std::vector<OptionSetting> options;
    std::vector<LayerConfig> layers;  // outermost first; stacked over the URL's own layers, if it has any
    SourcePos where;  // of the url
};

struct Config {
    std::optional<std::filesystem::path> path;      // absolute; unset when there is no config file
    std::vector<std::filesystem::path> plugin_dirs;  // absolute, '~' expanded, relative to the file's directory
    std::optional<std::string> default_store;
    SourcePos default_store_where;
    bool allow_unsafe_plugins = false;  // load plugins despite unsafe permissions (with a warning)
    // host.schemes: scheme -> the plugin that serves it when several could (a name, or an absolute file path)
    std::map<std::string, std::string> schemes;
    std::map<std::string, StoreConfig> stores;

    std::filesystem::path base_dir() const;  // the file's directory, or the current directory
};

// Reads and checks a config file. Throws Error(invalid_argument) naming the file, line, column and key.
Config load_config(const std::filesystem::path& path);
// The same, from text (path is used for messages and relative paths).
Config parse_config(std::string_view text, const std::filesystem::path& path);

// "~" or "~/x" expanded with $HOME; anything else unchanged.
std::filesystem::path expand_home(const std::string& path);

// Store names: [A-Za-z0-9][A-Za-z0-9_.-]*
bool is_valid_store_name(std::string_view name);

}  // namespace tote::detail

#endif  // TOTE_HOST_CONFIG_HPP
