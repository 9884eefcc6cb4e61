// SPDX-License-Identifier: Apache-2.0
// permissions.cpp — one stat() of a plugin file or directory: type, identity, owner and mode checks (POSIX;
// Windows: permissions_windows.cpp).
#include "permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tote::detail {

FileFacts file_facts(const std::filesystem::path& path) {
    FileFacts facts;
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
    return facts;
}

std::string unsafe_permissions(const std::filesystem::path& path) { return file_facts(path).unsafe; }

}  // namespace tote::detail
