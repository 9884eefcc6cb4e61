// options.cpp — unknown or mistyped plugin options are refused before open(), like OpenSSL's settable params.
#include "options.hpp"

#include "key.hpp"

#include <tote/error.hpp>

namespace tote::detail {

namespace {

[[noreturn]] void fail(const OptionSetting& setting, const std::string& message) {
    std::string where = setting.where.line ? setting.where.str() + ": " : std::string();
    throw Error(Status::invalid_argument, where + message);
}

}  // namespace

std::vector<tote_option_value> check_options(const std::vector<OptionSetting>& settings, const PluginInfo& plugin,
                                             const std::string& store) {
    std::vector<tote_option_value> values;
    for (const OptionSetting& setting : settings) {
        const OptionInfo* spec = nullptr;
        for (const OptionInfo& o : plugin.options)
            if (o.name == setting.name) spec = &o;
        if (spec == nullptr) {
            std::string accepted;
            for (const OptionInfo& o : plugin.options) accepted += (accepted.empty() ? "" : ", ") + o.name;
            fail(setting, "store " + quote(store) + ": unknown option " + quote(setting.name) + " for the " +
                              plugin.name + " plugin (accepted: " + (accepted.empty() ? "none" : accepted) + ")");
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
            fail(setting, "store " + quote(store) + ": option " + quote(setting.name) + " must be of type " +
                              option_type_name(spec->type) + ", not " + option_type_name(setting.type));
        values.push_back(v);
    }
    return values;
}

}  // namespace tote::detail
