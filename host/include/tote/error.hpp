// tote/error.hpp — the status codes and the one exception type of the tote C++ API.
//
// Every failing operation throws tote::Error. Its status() is one of the closed set of codes the plugin ABI
// defines (tote_plugin.h), so callers branch on the code, never on message text. The message names the
// operation, the key or file, and the store.
#ifndef TOTE_ERROR_HPP
#define TOTE_ERROR_HPP

#include <tote/export.hpp>
#include <tote/tote_plugin.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tote {

enum class Status : int32_t {
    ok = TOTE_OK,
    not_found = TOTE_NOT_FOUND,
    already_exists = TOTE_ALREADY_EXISTS,
    precondition_failed = TOTE_PRECONDITION_FAILED,
    conflict = TOTE_CONFLICT,
    invalid_argument = TOTE_INVALID_ARGUMENT,
    permission_denied = TOTE_PERMISSION_DENIED,
    busy = TOTE_BUSY,
    no_space = TOTE_NO_SPACE,
    io = TOTE_IO,
    corrupt = TOTE_CORRUPT,
    unsupported = TOTE_UNSUPPORTED,
    unavailable = TOTE_UNAVAILABLE,
    timeout = TOTE_TIMEOUT,
    internal = TOTE_INTERNAL,
};

// "not found", "already exists", ...; "unknown status" for a code outside the set.
TOTE_API const char* status_name(Status status) noexcept;

// Maps a raw code from a plugin to Status; codes this host does not know become Status::internal.
TOTE_API Status status_from_code(int32_t code) noexcept;

class TOTE_API Error : public std::runtime_error {
public:
    Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    Status status() const noexcept { return status_; }

private:
    Status status_;
};

}  // namespace tote

#endif  // TOTE_ERROR_HPP
