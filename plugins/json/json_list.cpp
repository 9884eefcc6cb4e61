// SPDX-License-Identifier: Apache-2.0
// json_list.cpp — streamed, sorted listings of the JSON store, and the removal of temporary files that crashed
// writers left behind.
//
// Keys must come out in byte order of the whole key. Sorting each directory by name is not enough ("a-c" sorts
// before "a/b" because '-' < '/'), so entries are sorted by name with a '/' appended to directories, which is
// exactly the order of the keys beneath them. Each directory is read whole, closed, and then walked, so a deep
// tree holds at most one open descriptor and memory for one directory listing per level, never the whole store.
#include "json_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace tote::json_plugin {

namespace {

// A directory entry as it sorts: the name, with '/' appended for a directory. Names never hold '/', so the slash
// also tells directories from files, and plain string order is exactly the order of the keys beneath them.
using DirEntry = std::string;

bool is_dir(const DirEntry& e) { return e.back() == '/'; }

// Names a file can have that no key can: reserved ".tote*" names, control characters, invalid UTF-8.
bool is_key_name(const std::string& name) {
    if (name[0] == '.' && (name.rfind(".tote", 0) == 0 || name == "." || name == "..")) return false;
    size_t i = 0;
    while (i < name.size() && static_cast<unsigned char>(name[i]) >= 0x20 && static_cast<unsigned char>(name[i]) < 0x7F)
        ++i;  // the common case: printable ASCII
    while (i < name.size()) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) return false;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > name.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

struct JsonStore::ListState {
    const plugin::ListParams& params;
    plugin::EntrySink& out;
};

// A ".tote-tmp.*" file beside the keys: one a write made where .tote-tmp/ is another file system, or one left by
// a json plugin before 0.2. Judged like those in .tote-tmp/ (reclaim).
void JsonStore::clean_temp(int dirfd, const std::string& name) {
    constexpr std::string_view prefix = ".tote-tmp.";
    if (read_only_ || name.compare(0, prefix.size(), prefix) != 0) return;
    const int saved = errno;  // the caller is between readdir() calls, and tells their end from an error by errno
    reclaim(dirfd, name, std::string_view(name).substr(prefix.size()));
    errno = saved;
}

namespace {

// Reads the directory dir (relative to root_fd, opened without following links) whole. Missing → empty; a path
// through a symbolic link → PERMISSION_DENIED. Temporary files may be cleaned on the way.
template <class Clean>
std::vector<DirEntry> read_dir(int root_fd, const std::string& dir, const std::string& root, Clean&& clean) {
    std::vector<DirEntry> entries;
    int fd = open_no_symlinks(root_fd, dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return entries;
        if (errno == ELOOP)
            throw plugin::Error(TOTE_PERMISSION_DENIED, "'" + dir + "' crosses a symbolic link in the store, and the " +
                                                            "json backend never follows links");
        throw_errno("cannot open directory", root + "/" + dir, errno);
    }
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
        int err = errno;
        ::close(fd);
        throw_errno("cannot read directory", root + "/" + dir, err);
    }
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (!is_key_name(name)) {
            clean(::dirfd(d), name);
            continue;
        }
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (::fstatat(::dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type != DT_DIR && type != DT_REG) continue;  // links, sockets, FIFOs, devices: not keys
        if (type == DT_DIR) name += '/';
        entries.push_back(std::move(name));
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) throw_errno("cannot read directory", root + "/" + dir, err);
    std::sort(entries.begin(), entries.end());
    return entries;
}

}  // namespace

bool JsonStore::has_visible_key(const std::string& dir) {
    for (const DirEntry& e : read_dir(root_fd_.get(), dir, root_, [](int, const std::string&) {})) {
        if (!is_dir(e)) return true;
        if (has_visible_key(dir + "/" + e.substr(0, e.size() - 1))) return true;
    }
    return false;
}

// Emits the entries of directory dir_key ("" or "a/b/"); returns false once the sink asked to stop.
bool JsonStore::list_dir(ListState& state, const std::string& dir_key) {
    const std::string dir = dir_key.empty() ? std::string() : dir_key.substr(0, dir_key.size() - 1);
    std::vector<DirEntry> entries =
        read_dir(root_fd_.get(), dir, root_, [this](int dirfd, const std::string& name) { clean_temp(dirfd, name); });

    // Skip what sorts at or before start_after with a binary search, keeping (in recursive mode) the directory
    // that start_after lies inside, since keys after it may remain there.
    const std::string_view after = state.params.start_after;
    auto first = entries.begin();
    if (!after.empty()) {
        if (starts_with(after, dir_key)) {
            const std::string_view rest = after.substr(dir_key.size());
            first = std::upper_bound(entries.begin(), entries.end(), rest,
                                     [](std::string_view r, const DirEntry& e) { return r < std::string_view(e); });
            if (state.params.recursive && first != entries.begin() && is_dir(*std::prev(first)) &&
                starts_with(rest, *std::prev(first)))
                --first;  // start_after lies inside this directory
        } else if (after > dir_key) {
            return true;  // everything here sorts before start_after
        }
    }
    std::string key = dir_key;  // reused for every entry: no allocation per key once it is long enough
    for (auto it = first; it != entries.end(); ++it) {
        key.resize(dir_key.size());
        key += *it;
        if (!is_dir(*it)) {
            if (!state.out.emit(key, TOTE_KIND_KEY)) return false;
        } else if (state.params.recursive) {
            if (!list_dir(state, key)) return false;
        } else if (has_visible_key(key.substr(0, key.size() - 1))) {
            if (!state.out.emit(key, TOTE_KIND_PREFIX)) return false;
        }
    }
    return true;
}

void JsonStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    // A prefix naming a key (a file) or nothing has nothing under it: read_dir() gives no entries.
    ListState state{params, out};
    list_dir(state, std::string(params.prefix));
}

}  // namespace tote::json_plugin
