// SPDX-License-Identifier: Apache-2.0
// cmd_plugins.cpp — `tote plugins`: what was loaded, from where, with which capabilities, and what was refused.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace tote::cli {

namespace {

std::string abi_text(uint32_t v) {
    return std::to_string(TOTE_ABI_VERSION_MAJOR(v)) + "." + std::to_string(TOTE_ABI_VERSION_MINOR(v));
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "none" : out;
}

int print_json(const Host& host) {
    nlohmann::json out;
    out["config"] = host.config_path() ? nlohmann::json(host.config_path()->string()) : nlohmann::json(nullptr);
    out["plugin_dirs"] = nlohmann::json::array();
    for (const auto& dir : host.plugin_dirs()) out["plugin_dirs"].push_back(dir.string());
    out["plugin_directories"] = nlohmann::json::array();
    for (const PluginDirectory& d : host.plugin_directories()) {
        std::error_code ec;
        out["plugin_directories"].push_back(
            {{"path", d.path.string()}, {"source", d.source}, {"exists", std::filesystem::is_directory(d.path, ec)}});
    }
    // Backends under "plugins", layers (tote/ext/layer.h) under "layers", with their names where backends have
    // schemes.
    out["plugins"] = nlohmann::json::array();
    out["layers"] = nlohmann::json::array();
    for (const PluginInfo& p : host.plugins()) {
        nlohmann::json options = nlohmann::json::array();
        for (const OptionInfo& o : p.options)
            options.push_back({{"name", o.name}, {"type", option_type_name(o.type)},
                               {"default", o.default_value}, {"description", o.description}});
        nlohmann::json entry = {{"name", p.name},
                                {"version", p.version},
                                {"abi", abi_text(p.abi_version)},
                                {"description", p.description},
                                {is_layer(p) ? "names" : "schemes", p.schemes},
                                {"capabilities", capability_names(p.capabilities)},
                                {"extensions", p.extensions},
                                {"options", options},
                                {"path", p.path.string()}};
        if (!is_layer(p)) entry["location"] = p.location_kind == TOTE_LOCATION_PATH ? "path" : "url";
        out[is_layer(p) ? "layers" : "plugins"].push_back(std::move(entry));
    }
    out["refused"] = nlohmann::json::array();
    for (const Refusal& r : host.refused()) out["refused"].push_back({{"path", r.path.string()}, {"reason", r.reason}});
    out["shadowed"] = nlohmann::json::array();
    for (const SchemeShadow& s : host.shadowed())
        out["shadowed"].push_back({{"scheme", s.scheme}, {"used", s.used.string()}, {"ignored", s.ignored.string()},
                                   {"chosen_in_config", s.chosen}});
    out["warnings"] = host.warnings();
    write_stdout(out.dump(2) + "\n");
    return exit_ok;
}

// One plugin's description: schemes for a backend, names for a layer.
std::string describe(const PluginInfo& p) {
    std::string out = p.name + " " + p.version + " (ABI " + abi_text(p.abi_version) + ")";
    if (!p.description.empty()) out += " - " + p.description;
    out += "\n  path:         " + p.path.string();
    out += (is_layer(p) ? "\n  names:        " : "\n  schemes:      ") + joined(p.schemes);
    out += "\n  capabilities: " + joined(capability_names(p.capabilities));
    out += "\n  extensions:   " + joined(p.extensions);
    for (size_t i = 0; i < p.options.size(); ++i) {
        const OptionInfo& o = p.options[i];
        out += std::string(i == 0 ? "\n  options:      " : "\n                ") + o.name + " (" +
               option_type_name(o.type) + (o.default_value.empty() ? "" : ", default " + o.default_value) + ")";
        if (!o.description.empty()) out += ": " + o.description;
    }
    return out + "\n\n";
}

int print_text(const Host& host) {
    std::string out;
    size_t layers = 0;
    for (const PluginInfo& p : host.plugins())
        if (!is_layer(p)) out += describe(p);
    for (const PluginInfo& p : host.plugins())
        if (is_layer(p)) out += (layers++ == 0 ? "layers (stacked over a store: NAME::scheme://...):\n\n" : "") + describe(p);
    for (const Refusal& r : host.refused()) out += "refused " + r.path.string() + ": " + r.reason + "\n";
    for (const SchemeShadow& s : host.shadowed())
        out += "shadowed: scheme '" + s.scheme + "' of " + s.ignored.string() + " is served by " + s.used.string() +
               (s.chosen ? " (chosen in the config: host.schemes)\n"
                         : " (first in the search order; choose one with host.schemes in the config)\n");
    out += "plugin directories, in search order:\n";
    for (const std::string& line : plugin_directory_lines(host)) out += line + "\n";
    out += std::to_string(host.plugins().size() - layers) + " plugin(s) found, " +
           (layers ? std::to_string(layers) + " layer(s), " : std::string()) + std::to_string(host.refused().size()) +
           " refused\n";
    write_stdout(out);
    return exit_ok;
}

}  // namespace

void add_plugins_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("plugins", "list the backend plugins and layers found, the files refused and "
                                              "why, and schemes that more than one plugin serves");
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "machine-readable output");
    cmd->add_flag("--rescan", ctx.rescan,
                  "probe every plugin file again instead of trusting the registry cache ($XDG_CACHE_HOME/tote)");
    cmd->callback([&ctx, json] {
        ctx.action = [&ctx, json] { return *json ? print_json(ctx.host()) : print_text(ctx.host()); };
    });
}

}  // namespace tote::cli
