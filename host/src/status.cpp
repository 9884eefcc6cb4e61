// status.cpp — names of status codes and capabilities, and the library version.
#include <tote/tote.hpp>

namespace tote {

const char* status_name(Status status) noexcept {
    switch (status) {
        case Status::ok: return "ok";
        case Status::not_found: return "not found";
        case Status::already_exists: return "already exists";
        case Status::precondition_failed: return "precondition failed";
        case Status::conflict: return "conflict";
        case Status::invalid_argument: return "invalid argument";
        case Status::permission_denied: return "permission denied";
        case Status::busy: return "busy";
        case Status::no_space: return "no space";
        case Status::io: return "I/O error";
        case Status::corrupt: return "corrupt";
        case Status::unsupported: return "unsupported";
        case Status::unavailable: return "unavailable";
        case Status::timeout: return "timeout";
        case Status::internal: return "internal error";
    }
    return "unknown status";
}

Status status_from_code(int32_t code) noexcept {
    if (code >= TOTE_OK && code <= TOTE_INTERNAL) return static_cast<Status>(code);
    return Status::internal;
}

std::vector<std::string> capability_names(uint64_t capabilities) {
    static const char* const names[] = {"write",        "append",          "list",         "rename",
                                        "create-only",  "compare-version", "atomic-batch", "thread-safe",
                                        "key-and-prefix", "persistent"};
    std::vector<std::string> out;
    for (size_t bit = 0; bit < sizeof names / sizeof names[0]; ++bit)
        if (capabilities & (uint64_t{1} << bit)) out.emplace_back(names[bit]);
    for (size_t bit = sizeof names / sizeof names[0]; bit < 64; ++bit)
        if (capabilities & (uint64_t{1} << bit)) out.push_back("bit" + std::to_string(bit));
    return out;
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
