// SPDX-License-Identifier: Apache-2.0
// status.cpp — names of status codes and capabilities, and the library version.
#include <tote/tote.hpp>
#include <tote/ext/layer.h>

namespace tote {

const char* status_name(Status status) noexcept {
    switch (status) {
#define TOTE_STATUS_CASE_(NAME, name, value, minor, text) \
    case Status::name: return text;
        TOTE_STATUS_LIST(TOTE_STATUS_CASE_)
#undef TOTE_STATUS_CASE_
    }
    return "unknown status";
}

const char* status_id(Status status) noexcept {
    switch (status) {
#define TOTE_STATUS_CASE_(NAME, name, value, minor, text) \
    case Status::name: return #name;
        TOTE_STATUS_LIST(TOTE_STATUS_CASE_)
#undef TOTE_STATUS_CASE_
    }
    return "unknown";
}

int status_minor(int32_t code) noexcept {
    switch (code) {
#define TOTE_STATUS_CASE_(NAME, name, value, minor, text) \
    case value: return minor;
        TOTE_STATUS_LIST(TOTE_STATUS_CASE_)
#undef TOTE_STATUS_CASE_
    }
    return -1;
}

Status status_from_code(int32_t code) noexcept {
    return status_minor(code) < 0 ? Status::internal : static_cast<Status>(code);
}

std::vector<std::string> capability_names(uint64_t capabilities) {
    std::vector<std::string> out;
#define TOTE_CAP_NAME_(NAME, bit, minor, text) \
    if (capabilities & TOTE_CAP_##NAME) out.emplace_back(text);
    TOTE_CAPABILITY_LIST(TOTE_CAP_NAME_)
#undef TOTE_CAP_NAME_
    for (size_t bit = 0; bit < 64; ++bit)
        if ((capabilities & (uint64_t{1} << bit)) && !(known_capabilities(TOTE_ABI_MINOR) & (uint64_t{1} << bit)))
            out.push_back("bit" + std::to_string(bit));
    return out;
}

uint64_t known_capabilities(uint32_t abi_minor) noexcept {
    struct Cap {
        uint64_t flag;
        uint32_t minor;
    };
    static const Cap caps[] = {
#define TOTE_CAP_ROW_(NAME, bit, minor, text) {TOTE_CAP_##NAME, minor},
        TOTE_CAPABILITY_LIST(TOTE_CAP_ROW_)
#undef TOTE_CAP_ROW_
    };
    uint64_t known = 0;
    for (const Cap& cap : caps)
        if (cap.minor <= abi_minor) known |= cap.flag;
    return known;
}

bool is_layer(const PluginInfo& plugin) {
    for (const std::string& id : plugin.extensions)
        if (id == TOTE_EXT_LAYER) return true;
    return false;
}

uint64_t layered_capabilities(uint64_t layer, uint64_t below) noexcept {
    constexpr uint64_t modes = TOTE_CAP_KEY_AND_PREFIX | TOTE_CAP_PERSISTENT;
    return (layer & below & ~modes) | (below & modes);
}

const char* option_type_name(uint32_t type) {
    switch (type) {
        case TOTE_TYPE_BOOL: return "bool";
        case TOTE_TYPE_INT: return "int";
        case TOTE_TYPE_FLOAT: return "float";
        case TOTE_TYPE_STRING: return "string";
    }
    return "unknown";
}

const char* version() noexcept { return TOTE_VERSION; }

}  // namespace tote
