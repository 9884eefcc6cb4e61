// SPDX-License-Identifier: Apache-2.0
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

// One value per TOTE_* status code, generated from TOTE_STATUS_LIST (tote_plugin.h), named by its short name.
enum class Status : int32_t {
#define TOTE_STATUS_ENUM_(NAME, name, value, minor, text) name = value,
    TOTE_STATUS_LIST(TOTE_STATUS_ENUM_)
#undef TOTE_STATUS_ENUM_
};

// "not found", "already exists", ...; "unknown status" for a code outside the set.
TOTE_API const char* status_name(Status status) noexcept;

// "not_found", "already_exists", ... (the enumerator's name, for bindings and JSON); "unknown" outside the set.
TOTE_API const char* status_id(Status status) noexcept;

// Maps a raw code from a plugin to Status; codes this host does not know become Status::internal.
TOTE_API Status status_from_code(int32_t code) noexcept;

// The ABI minor version that added the code (0 for the codes of ABI 1.0); -1 for a code this host does not know.
TOTE_API int status_minor(int32_t code) noexcept;

class TOTE_API Error : public std::runtime_error {
public:
    Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    Status status() const noexcept { return status_; }

private:
    Status status_;
};

}  // namespace tote

#endif  // TOTE_ERROR_HPP
