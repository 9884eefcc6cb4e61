// SPDX-License-Identifier: Apache-2.0
// options.hpp — checking a store's options against the keys and types its plugin publishes.
#ifndef TOTE_HOST_OPTIONS_HPP
#define TOTE_HOST_OPTIONS_HPP

#include "config.hpp"

#include <tote/plugin_info.hpp>
#include <tote/tote_plugin.h>

#include <map>
#include <string>
#include <vector>

namespace tote::detail {

// One tote_option_value per setting, typed as the plugin declares. Throws Error(invalid_argument) naming the
// file:line, the owner (if not empty: "store 'evals'", "layer 'zstd' of store 'evals'") and the option for an
// unknown name or a wrong type. The values point into settings.
std::vector<tote_option_value> check_options(const std::vector<OptionSetting>& settings, const PluginInfo& plugin,
                                             const std::string& owner);

// Text options (OpenOptions::options) as settings typed as the plugin declares them, replacing any setting of the
// same name in settings. Throws Error(invalid_argument) for an unknown name or a value that does not parse.
void merge_text_options(const std::map<std::string, std::string>& text, const PluginInfo& plugin,
                        std::vector<OptionSetting>& settings);

// The text form of a setting ("true", "42", "0.5", the string itself), as merge_text_options() reads it back.
std::string option_text(const OptionSetting& setting);

}  // namespace tote::detail

#endif  // TOTE_HOST_OPTIONS_HPP
