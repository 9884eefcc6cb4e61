// options.hpp — checking a store's options against the keys and types its plugin publishes.
#ifndef TOTE_HOST_OPTIONS_HPP
#define TOTE_HOST_OPTIONS_HPP

#include "config.hpp"

#include <tote/plugin_info.hpp>
#include <tote/tote_plugin.h>

#include <string>
#include <vector>

namespace tote::detail {

// One tote_option_value per setting, typed as the plugin declares. Throws Error(invalid_argument) naming the
// file:line, the store and the option for an unknown name or a wrong type. The values point into settings.
std::vector<tote_option_value> check_options(const std::vector<OptionSetting>& settings, const PluginInfo& plugin,
                                             const std::string& store);

}  // namespace tote::detail

#endif  // TOTE_HOST_OPTIONS_HPP
