// SPDX-License-Identifier: Apache-2.0
// windows_file.cpp — handles, conversions, error mapping and file metadata for the Windows json store.
#include "windows_file.hpp"
#include "store_rules.hpp"

#include <tote/plugin.hpp>

namespace tote::json_plugin {

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        if (*this) ::CloseHandle(h_);
        h_ = other.h_;
        other.h_ = INVALID_HANDLE_VALUE;
    }
    return *this;
}

Handle::~Handle() {
    if (*this) ::CloseHandle(h_);
}

std::wstring widen(std::string_view utf8) {
    if (utf8.empty()) return {};
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()),
                                        nullptr, 0);
    if (n <= 0) throw plugin::Error(TOTE_INVALID_ARGUMENT, "not valid UTF-8: '" + std::string(utf8) + "'");
    std::wstring out(static_cast<size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string narrow(std::wstring_view utf16) {
    if (utf16.empty()) return {};
    // Names that are not valid UTF-16 (lone surrogates) come out with U+FFFD, which is not what any key encodes to.
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0,
                                        nullptr, nullptr);
    std::string out(static_cast<size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(), n, nullptr,
                              nullptr);
    return out;
}

tote_status status_for_error(DWORD err) {
    switch (err) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND: return TOTE_NOT_FOUND;
        case ERROR_FILE_EXISTS:
        case ERROR_ALREADY_EXISTS: return TOTE_ALREADY_EXISTS;
        case ERROR_DIR_NOT_EMPTY:
        case ERROR_DIRECTORY: return TOTE_CONFLICT;
        case ERROR_ACCESS_DENIED:
        case ERROR_WRITE_PROTECT: return TOTE_PERMISSION_DENIED;
        case ERROR_DISK_FULL:
        case ERROR_HANDLE_DISK_FULL: return TOTE_NO_SPACE;
        case ERROR_FILENAME_EXCED_RANGE:
        case ERROR_INVALID_NAME:
        case ERROR_BAD_PATHNAME:
        case ERROR_INVALID_PARAMETER: return TOTE_INVALID_ARGUMENT;
        case ERROR_SHARING_VIOLATION:
        case ERROR_LOCK_VIOLATION: return TOTE_BUSY;
        case ERROR_NOT_ENOUGH_MEMORY:
        case ERROR_OUTOFMEMORY: return TOTE_INTERNAL;
        default: return TOTE_IO;
    }
}

namespace {

// Windows' text for err, if it has one (Wine often has none), without the trailing line break.
std::string message_of(DWORD err) {
    wchar_t* text = nullptr;
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                         FORMAT_MESSAGE_IGNORE_INSERTS,
                                     nullptr, err, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out = n > 0 ? narrow(std::wstring_view(text, n)) : std::string();
    if (text != nullptr) ::LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
        out.pop_back();
    if (out.empty()) {
        switch (err) {
            case ERROR_SHARING_VIOLATION: return "another program has the file open";
            case ERROR_ACCESS_DENIED: return "access denied";
            case ERROR_DISK_FULL:
            case ERROR_HANDLE_DISK_FULL: return "the disk is full";
            default: return "error";
        }
    }
    return out;
}

}  // namespace

void throw_error(std::string_view what, std::string_view path, DWORD err) {
    throw plugin::Error(status_for_error(err), std::string(what) + " " + std::string(path) + ": " + message_of(err) +
                                                   " (Windows error " + std::to_string(err) + ")");
}

DWORD write_at(HANDLE file, uint64_t offset, const char* data, size_t len) {
    while (len > 0) {
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>(offset);
        at.OffsetHigh = static_cast<DWORD>(offset >> 32);
        const DWORD want = static_cast<DWORD>(len < (1u << 30) ? len : (1u << 30));
        DWORD done = 0;
        if (!::WriteFile(file, data, want, &done, &at)) return ::GetLastError();
        if (done == 0) return ERROR_WRITE_FAULT;
        data += done;
        len -= done;
        offset += done;
    }
    return ERROR_SUCCESS;
}

DWORD set_length(HANDLE file, uint64_t length) {
    FILE_END_OF_FILE_INFO end{};
    end.EndOfFile.QuadPart = static_cast<LONGLONG>(length);
    return ::SetFileInformationByHandle(file, FileEndOfFileInfo, &end, sizeof end) ? ERROR_SUCCESS
                                                                                     : ::GetLastError();
}

namespace {

// Windows counts 100 ns intervals since 1601-01-01; tote counts ns since 1970-01-01.
constexpr int64_t kEpochDifference = 116444736000000000LL;

int64_t ns_of(const FILETIME& t) {
    const int64_t ticks = static_cast<int64_t>((static_cast<uint64_t>(t.dwHighDateTime) << 32) | t.dwLowDateTime);
    return (ticks - kEpochDifference) * 100;
}

}  // namespace

DWORD info_of(HANDLE file, FileInfo& info) {
    BY_HANDLE_FILE_INFORMATION by{};
    if (!::GetFileInformationByHandle(file, &by)) return ::GetLastError();
    info.directory = (by.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    info.reparse_point = (by.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
    info.size = (static_cast<uint64_t>(by.nFileSizeHigh) << 32) | by.nFileSizeLow;
    info.mtime_ns = ns_of(by.ftLastWriteTime);
    // As the inode is on POSIX: a replaced file is a new file with an index of its own. The volume is left out:
    // every key of a store is on its root's volume (a mounted folder is a reparse point, which the store refuses),
    // and Wine reports a volume serial of 0 through a handle whose file was renamed since it was opened.
    uint64_t h = mix(((static_cast<uint64_t>(by.nFileIndexHigh) << 32) | by.nFileIndexLow) + 0x9e3779b97f4a7c15ULL);
    h = mix(h ^ info.size);
    h = mix(h ^ static_cast<uint64_t>(info.mtime_ns));
    info.version = h == 0 ? 1 : h;
    return ERROR_SUCCESS;
}

DWORD set_mtime(HANDLE file, int64_t mtime_ns) {
    const uint64_t ticks = static_cast<uint64_t>(mtime_ns / 100 + kEpochDifference);
    FILETIME t;
    t.dwLowDateTime = static_cast<DWORD>(ticks);
    t.dwHighDateTime = static_cast<DWORD>(ticks >> 32);
    return ::SetFileTime(file, nullptr, nullptr, &t) ? ERROR_SUCCESS : ::GetLastError();
}

}  // namespace tote::json_plugin
