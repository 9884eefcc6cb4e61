// SPDX-License-Identifier: Apache-2.0
// permissions.cpp — one stat() of a plugin file or directory: type, identity, owner and mode checks.
#include "permissions.hpp"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#endif

namespace tote::detail {

FileFacts file_facts(const std::filesystem::path& path) {
    FileFacts facts;
#ifdef _WIN32
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        facts.unsafe = "cannot stat: " + (ec ? ec.message() : std::string("no such file"));
        return facts;
    }
    facts.exists = true;
    facts.regular = std::filesystem::is_regular_file(status);
    facts.directory = std::filesystem::is_directory(status);
    if (facts.regular) {
        facts.size = std::filesystem::file_size(path, ec);
        facts.mtime_ns = static_cast<int64_t>(std::filesystem::last_write_time(path, ec).time_since_epoch().count());
    }
    // The file's identity, as device and inode are on POSIX: the volume's serial number and the file index (two
    // paths of one file — a link, a directory given twice — have the same). Opened for no access at all, shared
    // with everyone; directories need FILE_FLAG_BACKUP_SEMANTICS to be opened.
    HANDLE file = ::CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (file != INVALID_HANDLE_VALUE) {
        BY_HANDLE_FILE_INFORMATION info;
        if (::GetFileInformationByHandle(file, &info)) {
            facts.dev = info.dwVolumeSerialNumber;
            facts.ino = (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
        }
        ::CloseHandle(file);
    }
    if (facts.ino == 0) facts.unsafe = "cannot read its file identity (GetFileInformationByHandle)";
#else
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        facts.unsafe = std::string("cannot stat: ") + std::strerror(errno);
        return facts;
    }
    facts.exists = true;
    facts.regular = S_ISREG(st.st_mode);
    facts.directory = S_ISDIR(st.st_mode);
    facts.dev = static_cast<uint64_t>(st.st_dev);
    facts.ino = static_cast<uint64_t>(st.st_ino);
    facts.size = static_cast<uint64_t>(st.st_size);
    facts.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (st.st_mode & S_IWOTH)
        facts.unsafe = std::string("is world-writable (mode ") + mode + ")";
    // A sticky world-writable directory (/tmp) was refused above; a group-writable one is refused here.
    else if (st.st_mode & S_IWGRP)
        facts.unsafe = std::string("is group-writable (mode ") + mode + ")";
    else if (st.st_uid != 0 && st.st_uid != ::geteuid())
        facts.unsafe = "is owned by uid " + std::to_string(st.st_uid) + ", neither root nor you";
#endif
    return facts;
}

std::string unsafe_permissions(const std::filesystem::path& path) { return file_facts(path).unsafe; }

}  // namespace tote::detail
