// SPDX-License-Identifier: Apache-2.0
// options.cpp — unknown or mistyped plugin options are refused before open(), like OpenSSL's settable params.
#include "options.hpp"

#include "key.hpp"

#include <tote/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace tote::detail {

namespace {

[[noreturn]] void fail(const OptionSetting& setting, const std::string& message) {
    std::string where = setting.where.line ? setting.where.str() + ": " : std::string();
    throw Error(Status::invalid_argument, where + message);
}

// "store 'evals': " before a message, or nothing when no store is named.
std::string who(const std::string& owner) { return owner.empty() ? std::string() : owner + ": "; }

}  // namespace

std::vector<tote_option_value> check_options(const std::vector<OptionSetting>& settings, const PluginInfo& plugin,
                                             const std::string& owner) {
    std::vector<tote_option_value> values;
    for (const OptionSetting& setting : settings) {
        const OptionInfo* spec = nullptr;
        for (const OptionInfo& o : plugin.options)
            if (o.name == setting.name) spec = &o;
        if (spec == nullptr) {
            std::string accepted;
            for (const OptionInfo& o : plugin.options) accepted += (accepted.empty() ? "" : ", ") + o.name;
            fail(setting, who(owner) + "unknown option " + quote(setting.name) + " for the " +
                              plugin.name + (is_layer(plugin) ? " layer" : " plugin") + " (accepted: " + (accepted.empty() ? "none" : accepted) + ")");
        }
        tote_option_value v{};
        v.name = spec->name.c_str();
        v.type = spec->type;
        bool ok = setting.type == spec->type;
        if (spec->type == TOTE_TYPE_FLOAT && setting.type == TOTE_TYPE_INT) {
            ok = true;
            v.float_value = static_cast<double>(setting.int_value);
        } else {
            v.int_value = setting.int_value;
            v.float_value = setting.float_value;
        }
        v.string_value = setting.string_value.c_str();
        v.string_len = setting.string_value.size();
        if (!ok)
            fail(setting, who(owner) + "option " + quote(setting.name) + " must be of type " +
                              option_type_name(spec->type) + ", not " + option_type_name(setting.type));
        values.push_back(v);
    }
    return values;
}

namespace {

[[noreturn]] void bad_text(const std::string& name, const std::string& value, const char* expected) {
    throw Error(Status::invalid_argument, "option " + quote(name) + ": " + quote(value) + " is not " + expected);
}

}  // namespace

void merge_text_options(const std::map<std::string, std::string>& text, const PluginInfo& plugin,
                        std::vector<OptionSetting>& settings) {
    for (const auto& [name, value] : text) {
        const OptionInfo* spec = nullptr;
        for (const OptionInfo& o : plugin.options)
            if (o.name == name) spec = &o;
        OptionSetting setting;
        setting.name = name;
        setting.string_value = value;
        setting.type = spec ? spec->type : TOTE_TYPE_STRING;  // unknown names are reported by check_options()
        if (spec && spec->type == TOTE_TYPE_BOOL) {
            if (value != "true" && value != "false") bad_text(name, value, "true or false");
            setting.int_value = value == "true";
        } else if (spec && (spec->type == TOTE_TYPE_INT || spec->type == TOTE_TYPE_FLOAT)) {
            char* end = nullptr;
            errno = 0;
            if (spec->type == TOTE_TYPE_INT)
                setting.int_value = std::strtoll(value.c_str(), &end, 10);
            else
                setting.float_value = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || errno == ERANGE)
                bad_text(name, value, spec->type == TOTE_TYPE_INT ? "an integer" : "a number");
        }
        auto same = [&setting](const OptionSetting& s) { return s.name == setting.name; };
        settings.erase(std::remove_if(settings.begin(), settings.end(), same), settings.end());
        settings.push_back(std::move(setting));
    }
}

std::string option_text(const OptionSetting& setting) {
    switch (setting.type) {
        case TOTE_TYPE_BOOL: return setting.int_value ? "true" : "false";
        case TOTE_TYPE_INT: return std::to_string(setting.int_value);
        case TOTE_TYPE_FLOAT: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", setting.float_value);
            return buffer;
        }
        default: return setting.string_value;
    }
}

}  // namespace tote::detail

namespace tote {

void check_plugin_options(const PluginInfo& plugin, const std::map<std::string, std::string>& options) {
    std::vector<detail::OptionSetting> settings;
    detail::merge_text_options(options, plugin, settings);
    detail::check_options(settings, plugin, "");
}

}  // namespace tote
