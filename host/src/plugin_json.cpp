// SPDX-License-Identifier: Apache-2.0
// plugin_json.cpp — PluginInfo to JSON and back (see plugin_json.hpp).
#include "plugin_json.hpp"

namespace tote::detail {

nlohmann::json to_json(const PluginInfo& info) {
    nlohmann::json options = nlohmann::json::array();
    for (const OptionInfo& o : info.options)
        options.push_back({{"name", o.name}, {"type", o.type}, {"default", o.default_value}, {"description", o.description}});
    return {{"name", info.name},
            {"version", info.version},
            {"description", info.description},
            {"path", info.path.string()},
            {"abi", info.abi_version},
            {"schemes", info.schemes},
            {"capabilities", info.capabilities},
            {"location_kind", info.location_kind},
            {"options", options},
            {"extensions", info.extensions}};
}

PluginInfo plugin_info_from_json(const nlohmann::json& json) {
    PluginInfo info;
    info.name = json.at("name").get<std::string>();
    info.version = json.at("version").get<std::string>();
    info.description = json.at("description").get<std::string>();
    info.path = json.at("path").get<std::string>();
    info.abi_version = json.at("abi").get<uint32_t>();
    info.schemes = json.at("schemes").get<std::vector<std::string>>();
    info.capabilities = json.at("capabilities").get<uint64_t>();
    info.location_kind = json.at("location_kind").get<uint32_t>();
    for (const nlohmann::json& o : json.at("options"))
        info.options.push_back(OptionInfo{o.at("name").get<std::string>(), o.at("type").get<uint32_t>(),
                                          o.at("default").get<std::string>(), o.at("description").get<std::string>()});
    info.extensions = json.at("extensions").get<std::vector<std::string>>();
    if (info.schemes.empty()) throw nlohmann::json::other_error::create(501, "a plugin without schemes", &json);
    return info;
}

bool same_plugin(const PluginInfo& a, const PluginInfo& b) {
    nlohmann::json x = to_json(a), y = to_json(b);
    x.erase("path");
    y.erase("path");
    return x == y;
}

}  // namespace tote::detail
