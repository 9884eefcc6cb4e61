// SPDX-License-Identifier: Apache-2.0
// config.cpp — loading the TOML configuration with toml++. Every unknown key, wrong type or bad value is an
// error naming file:line:column and the key; nothing is silently ignored.
#include "config.hpp"

#include "key.hpp"
#include "url.hpp"

#include <tote/error.hpp>

#include <toml++/toml.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace fs = std::filesystem;

namespace tote::detail {

std::string SourcePos::str() const {
    std::string out = file.string();
    if (line != 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    return out;
}

fs::path Config::base_dir() const {
    if (path) return path->parent_path();
    std::error_code ec;
    return fs::current_path(ec);
}

fs::path expand_home(const std::string& path) {
    if (path == "~" || path.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (home && *home) return fs::path(home) / path.substr(path.size() > 1 ? 2 : 1);
    }
    return fs::path(path);
}

bool is_valid_store_name(std::string_view name) {
    if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
    return true;
}

namespace {

class Checker {
public:
    explicit Checker(fs::path file) : file_(std::move(file)) {}

    SourcePos pos(const toml::source_region& region) const {
        return SourcePos{file_, region.begin.line, region.begin.column};
    }

    [[noreturn]] void fail(const toml::source_region& region, const std::string& message) const {
        throw Error(Status::invalid_argument, pos(region).str() + ": " + message);
    }

    // Rejects any key of table not in allowed, naming the table and what is allowed.
    void only_keys(const toml::table& table, std::string_view where, std::initializer_list<const char*> allowed) const {
        for (auto&& [key, value] : table) {
            bool ok = false;
            for (const char* name : allowed) ok = ok || key.str() == name;
            if (!ok) {
                std::string list;
                for (const char* name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
                fail(key.source(), "unknown key " + quote(key.str()) + " in " + std::string(where) +
                                       " (expected: " + list + ")");
            }
        }
    }

    const std::string& string(const toml::node& node, std::string_view what) const {
        if (!node.is_string()) fail(node.source(), std::string(what) + " must be a string, not " + type_of(node));
        return node.as_string()->get();
    }

    bool boolean(const toml::node& node, std::string_view what) const {
        if (!node.is_boolean()) fail(node.source(), std::string(what) + " must be true or false, not " + type_of(node));
        return node.as_boolean()->get();
    }

    static std::string type_of(const toml::node& node) {
        switch (node.type()) {
            case toml::node_type::table: return "a table";
            case toml::node_type::array: return "an array";
            case toml::node_type::string: return "a string";
            case toml::node_type::integer: return "an integer";
            case toml::node_type::floating_point: return "a float";
            case toml::node_type::boolean: return "a boolean";
            default: return "a date/time";
        }
    }

private:
    fs::path file_;
};

fs::path resolve_dir(const std::string& text, const fs::path& base) {
    fs::path p = expand_home(text);
    if (p.is_relative()) p = base / p;
    return p.lexically_normal();
}

void parse_host(const toml::table& host, const Checker& check, const fs::path& base, Config& config) {
    check.only_keys(host, "[host]", {"plugin_dirs", "default_store", "allow_unsafe_plugins", "schemes"});
    if (const toml::node* dirs = host.get("plugin_dirs")) {
        if (!dirs->is_array()) check.fail(dirs->source(), "host.plugin_dirs must be an array of strings");
        for (const toml::node& dir : *dirs->as_array()) {
            const std::string& text = check.string(dir, "each entry of host.plugin_dirs");
            if (text.empty()) check.fail(dir.source(), "host.plugin_dirs holds an empty path");
            config.plugin_dirs.push_back(resolve_dir(text, base));
        }
    }
    if (const toml::node* name = host.get("default_store")) {
        const std::string& text = check.string(*name, "host.default_store");
        if (!looks_like_url(text) && !is_valid_store_name(text))
            check.fail(name->source(), "host.default_store must be a store name or a URL, not " + quote(text));
        config.default_store = text;
        config.default_store_where = check.pos(name->source());
    }
    if (const toml::node* allow = host.get("allow_unsafe_plugins"))
        config.allow_unsafe_plugins = check.boolean(*allow, "host.allow_unsafe_plugins");
    if (const toml::node* schemes = host.get("schemes")) {
        if (!schemes->is_table())
            check.fail(schemes->source(), "host.schemes must be a table: { scheme = \"plugin name or file\" }");
        for (auto&& [scheme, choice] : *schemes->as_table()) {
            if (!is_valid_scheme(scheme.str()))
                check.fail(scheme.source(), "host.schemes: " + quote(scheme.str()) + " is not a URL scheme");
            const std::string& text = check.string(choice, "host.schemes." + std::string(scheme.str()));
            // A name is [a-z][a-z0-9_-]*; anything with a '/' or the library suffix is a file, relative to this file.
            const bool file = text.find('/') != std::string::npos || fs::path(text).has_extension();
            config.schemes[std::string(scheme.str())] = file ? resolve_dir(text, base).string() : text;
        }
    }
}

// owner names whose option it is, for messages: "store 'evals'", "layer 'zstd' of store 'evals'".
OptionSetting parse_option(const toml::key& key, const toml::node& value, const Checker& check,
                           const std::string& owner) {
    OptionSetting option;
    option.name = std::string(key.str());
    option.where = check.pos(key.source());
    if (auto b = value.as_boolean()) {
        option.type = TOTE_TYPE_BOOL;
        option.int_value = b->get() ? 1 : 0;
    } else if (auto i = value.as_integer()) {
        option.type = TOTE_TYPE_INT;
        option.int_value = i->get();
    } else if (auto f = value.as_floating_point()) {
        option.type = TOTE_TYPE_FLOAT;
        option.float_value = f->get();
    } else if (auto s = value.as_string()) {
        option.type = TOTE_TYPE_STRING;
        option.string_value = s->get();
    } else {
        check.fail(value.source(), "option " + quote(option.name) + " of " + owner +
                                       " must be a string, integer, float or boolean, not " + Checker::type_of(value));
    }
    return option;
}

void parse_store(const toml::key& name, const toml::node& node, const Checker& check, Config& config) {
    std::string store_name(name.str());
    if (!node.is_table()) check.fail(node.source(), "[stores." + store_name + "] must be a table");
    if (!is_valid_store_name(store_name))
        check.fail(name.source(), "bad store name " + quote(store_name) +
                                      " (letters, digits, '_', '.', '-', starting with a letter or digit)");
    if (store_name == "default")
        check.fail(name.source(), "the store name 'default' is reserved: set host.default_store instead");
    const toml::table& table = *node.as_table();
    std::string where = "[stores." + store_name + "]";
    check.only_keys(table, where, {"url", "options", "read_only", "layers"});
    StoreConfig store;
    store.name = store_name;
    const toml::node* url = table.get("url");
    if (!url) check.fail(node.source(), where + " has no url");
    store.url = check.string(*url, where + ".url");
    store.where = check.pos(url->source());
    try {
        parse_url(store.url);
    } catch (const Error& e) {
        check.fail(url->source(), where + ".url: " + e.what());
    }
    if (const toml::node* ro = table.get("read_only")) store.read_only = check.boolean(*ro, where + ".read_only");
    if (const toml::node* options = table.get("options")) {
        if (!options->is_table()) check.fail(options->source(), where + ".options must be a table");
        for (auto&& [key, value] : *options->as_table())
            store.options.push_back(parse_option(key, value, check, "store " + quote(store_name)));
    }
    if (const toml::node* layers = table.get("layers")) {
        if (!layers->is_array())
            check.fail(layers->source(), where + ".layers must be an array of tables: [{ name = \"zstd\", level = 3 }]");
        for (const toml::node& entry : *layers->as_array()) {
            if (!entry.is_table())
                check.fail(entry.source(), where + ".layers: each layer is a table { name = \"...\", option = value }");
            LayerConfig layer;
            layer.where = check.pos(entry.source());
            const toml::node* layer_name = entry.as_table()->get("name");
            if (!layer_name) check.fail(entry.source(), where + ".layers: a layer without a name");
            layer.name = check.string(*layer_name, where + ".layers.name");
            if (!is_valid_scheme(layer.name))
                check.fail(layer_name->source(), where + ".layers: bad layer name " + quote(layer.name));
            for (auto&& [key, value] : *entry.as_table())
                if (key.str() != "name")
                    layer.options.push_back(parse_option(
                        key, value, check, "layer " + quote(layer.name) + " of store " + quote(store_name)));
            store.layers.push_back(std::move(layer));
        }
    }
    config.stores.emplace(store_name, std::move(store));
}

}  // namespace

Config parse_config(std::string_view text, const fs::path& path) {
    Checker check(path);
    toml::table root;
    try {
        root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw Error(Status::invalid_argument,
                    check.pos(e.source()).str() + ": TOML syntax error: " + std::string(e.description()));
    }
    Config config;
    config.path = path;
    check.only_keys(root, "the top level", {"host", "stores"});
    if (const toml::node* host = root.get("host")) {
        if (!host->is_table()) check.fail(host->source(), "'host' must be a table ([host])");
        parse_host(*host->as_table(), check, config.base_dir(), config);
    }
    if (const toml::node* stores = root.get("stores")) {
        if (!stores->is_table()) check.fail(stores->source(), "'stores' must be a table ([stores.NAME])");
        for (auto&& [name, node] : *stores->as_table()) parse_store(name, node, check, config);
    }
    return config;
}

Config load_config(const fs::path& given) {
    std::error_code ec;
    fs::path path = fs::absolute(given, ec);
    if (ec) path = given;
    if (fs::is_directory(path, ec))
        throw Error(Status::invalid_argument, "cannot read config file " + path.string() + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        int err = errno;
        throw Error(Status::invalid_argument, "cannot read config file " + path.string() + ": " + std::strerror(err));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw Error(Status::invalid_argument, "cannot read config file " + path.string());
    return parse_config(text.str(), path);
}

}  // namespace tote::detail
