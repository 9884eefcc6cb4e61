// SPDX-License-Identifier: Apache-2.0
// plugin_json.hpp — a PluginInfo as JSON and back: what the probe helper reports about a plugin file, and what the
// registry cache keeps of it.
#ifndef TOTE_HOST_PLUGIN_JSON_HPP
#define TOTE_HOST_PLUGIN_JSON_HPP

#include <tote/plugin_info.hpp>

#include <nlohmann/json.hpp>

namespace tote::detail {

nlohmann::json to_json(const PluginInfo& info);
// Throws nlohmann::json::exception if the object lacks a field or has one of the wrong type.
PluginInfo plugin_info_from_json(const nlohmann::json& json);

// True if two descriptions describe the same plugin (every field but the path).
bool same_plugin(const PluginInfo& a, const PluginInfo& b);

}  // namespace tote::detail

#endif  // TOTE_HOST_PLUGIN_JSON_HPP
