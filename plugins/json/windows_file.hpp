// SPDX-License-Identifier: Apache-2.0
// windows_file.hpp — the Windows json store's seam to Win32 (json_store_windows.cpp): handles, UTF-8 <-> UTF-16,
// Windows error codes as tote statuses, whole reads and writes at an offset, and a file's version tag. The POSIX
// build's counterpart is posix_file.hpp.
#ifndef TOTE_JSON_WINDOWS_FILE_HPP
#define TOTE_JSON_WINDOWS_FILE_HPP

#include <tote/tote_plugin.h>

#include <windows.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace tote::json_plugin {

// Owns one file handle; closes it on destruction.
class Handle {
public:
    Handle() = default;
    explicit Handle(HANDLE h) : h_(h) {}
    Handle(Handle&& other) noexcept : h_(other.h_) { other.h_ = INVALID_HANDLE_VALUE; }
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle();

    HANDLE get() const { return h_; }
    explicit operator bool() const { return h_ != INVALID_HANDLE_VALUE && h_ != nullptr; }

private:
    HANDLE h_ = INVALID_HANDLE_VALUE;
};

std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);

// The tote status for a Windows error code.
tote_status status_for_error(DWORD err);

// Throws tote::plugin::Error(status_for_error(err), "<what> <path>: <message> (Windows error N)").
[[noreturn]] void throw_error(std::string_view what, std::string_view path, DWORD err);

// Writes all of data at offset (WriteFile with an OVERLAPPED offset). ERROR_SUCCESS or the error.
DWORD write_at(HANDLE file, uint64_t offset, const char* data, size_t len);

// Sets the file's length (truncating or extending). ERROR_SUCCESS or the error.
DWORD set_length(HANDLE file, uint64_t length);

// What the store needs to know of an open file.
struct FileInfo {
    bool directory = false;
    bool reparse_point = false;  // a symbolic link or junction: never followed, never a key
    uint64_t size = 0;
    int64_t mtime_ns = 0;        // since the Unix epoch
    uint64_t version = 0;        // file index, size and mtime, mixed; never 0
};
// ERROR_SUCCESS or the error.
DWORD info_of(HANDLE file, FileInfo& info);

// Sets the file's modification time (ns since the Unix epoch; Windows keeps 100 ns). ERROR_SUCCESS or the error.
DWORD set_mtime(HANDLE file, int64_t mtime_ns);

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_WINDOWS_FILE_HPP
