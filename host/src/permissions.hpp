// SPDX-License-Identifier: Apache-2.0
// permissions.hpp — what discovery learns about a plugin file or directory from one stat(): whether it exists, its
// type, its identity (for the registry cache and for telling two paths of one file apart) and whether it is safe
// to load code from. The one system-specific seam of discovery (permissions.cpp, permissions_windows.cpp).
#ifndef TOTE_HOST_PERMISSIONS_HPP
#define TOTE_HOST_PERMISSIONS_HPP

#include <cstdint>
#include <filesystem>
#include <string>

namespace tote::detail {

struct FileFacts {
    bool exists = false;
    bool regular = false;
    bool directory = false;
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    // "" if the file is owned by root or the current user and is neither group- nor world-writable; else why not
    // ("is world-writable (mode 0777)", "cannot stat: …"). Loading a library runs its code, so, as ssh does with
    // keys, tote refuses files that someone else could have replaced. On Windows, judged from the file's owner
    // and access-control list instead (permissions_windows.cpp).
    std::string unsafe;
};

// One stat() of path, following symbolic links. Rationale: discovery runs on every command, over every file in
// every plugin directory; a stat each (not a stat per question plus a canonical() per file) keeps a warm start
// with a hundred plugins installed within a fraction of a millisecond of one with none.
FileFacts file_facts(const std::filesystem::path& path);

// file_facts(path).unsafe.
std::string unsafe_permissions(const std::filesystem::path& path);

}  // namespace tote::detail

#endif  // TOTE_HOST_PERMISSIONS_HPP
