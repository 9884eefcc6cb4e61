// permissions.cpp — owner and mode checks for plugin files and directories (POSIX only).
#include "permissions.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#endif

namespace tote::detail {

std::string unsafe_permissions(const std::filesystem::path& path) {
#ifdef _WIN32
    (void)path;
    return "";
#else
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (st.st_mode & S_IWOTH) return std::string("is world-writable (mode ") + mode + ")";
    // A sticky world-writable directory (/tmp) was refused above; a group-writable one is refused here.
    if (st.st_mode & S_IWGRP) return std::string("is group-writable (mode ") + mode + ")";
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        return "is owned by uid " + std::to_string(st.st_uid) + ", neither root nor you";
    return "";
#endif
}

}  // namespace tote::detail
