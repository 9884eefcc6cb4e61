// SPDX-License-Identifier: Apache-2.0
// json_admin.cpp — "tote.admin/1" for the JSON store: dropping a store directory, and describing one.
//
// A store is a directory, and `tote drop json:///home/me` must not become `rm -rf ~`: a directory is dropped only
// if it holds nothing but tote's own ".tote-*" files, or holds ".tote-lock", the file every tote writer creates on
// its first change. Anything else is CORRUPT and left untouched, with a message that says how to remove it by hand
// if that was meant.
#include "json_store.hpp"

#include <first_party.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace tote::json_plugin {

using plugin::Error;

void JsonStore::drop(const plugin::OpenParams& params) {
    const std::string& root = params.location;
    if (root.empty() || root[0] != '/' || root == "/")
        throw Error(TOTE_INVALID_ARGUMENT, "the location must be an absolute directory path, not '" + root + "'");
    struct stat st;
    if (::lstat(root.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such directory: " + root);
        throw_errno("cannot stat", root, errno);
    }
    if (!S_ISDIR(st.st_mode))
        throw Error(TOTE_CORRUPT, root + " is not a directory, so it is not a json store; nothing was removed");
    // Only tote's own bookkeeping (".tote-*": a write may have made .tote-tmp/ and died before .tote-lock) counts
    // as empty.
    std::error_code ec;
    bool empty = true;
    for (std::filesystem::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().rfind(".tote", 0) != 0) empty = false;
    if (ec) throw_errno("cannot read directory", root, ec.value());
    struct stat lock;
    if (!empty && ::fstatat(AT_FDCWD, (root + "/.tote-lock").c_str(), &lock, AT_SYMLINK_NOFOLLOW) != 0)
        throw Error(TOTE_CORRUPT, root + " holds files but no .tote-lock, so tote never wrote to it: it does not "
                                         "look like a json store, and nothing was removed (rm -r it yourself if "
                                         "that is what you want)");
    const std::filesystem::path path(root);
    const std::string parent = path.parent_path().string();
    Fd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent_fd) throw_errno("cannot open directory", parent, errno);
    remove_tree(parent_fd.get(), path.filename().string(), root);
    if (params.get_bool("fsync", true)) ::fsync(parent_fd.get());
}

std::string JsonStore::info() {
    return "{\"engine\": \"json (a directory, one file per key)\", \"path\": " + first_party::json_string(root_) +
           ", \"fsync\": " + (durable_ ? "true" : "false") + ", \"read_only\": " + (read_only_ ? "true" : "false") +
           "}";
}

}  // namespace tote::json_plugin
