// SPDX-License-Identifier: Apache-2.0
// posix_file.hpp — the JSON plugin's one seam to the operating system: file descriptors, errno → tote status,
// whole writes, durable syncs, and the version tag derived from a file's metadata. POSIX only.
#ifndef TOTE_JSON_POSIX_FILE_HPP
#define TOTE_JSON_POSIX_FILE_HPP

#include <tote/tote_plugin.h>

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace tote::json_plugin {

// Owns one file descriptor; closes it on destruction.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_ = -1;
};

// Opens rel (a relative path, "" for dirfd itself) beneath dirfd without following any symbolic link on the way,
// the last component included: openat2() with RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH where the kernel has it,
// else a walk of O_NOFOLLOW opens, one component at a time. A link anywhere fails with ELOOP. Returns -1 with
// errno set on failure.
int open_no_symlinks(int dirfd, const std::string& rel, int flags, unsigned mode = 0);

// The tote status for an errno value, in the context of an operation on a key or path.
tote_status status_for_errno(int err);

// Throws tote::plugin::Error(status_for_errno(err), "<what> <path>: <strerror>").
[[noreturn]] void throw_errno(std::string_view what, std::string_view path, int err);

// Writes all of data (retrying short writes and EINTR). Returns 0 or an errno value.
int write_all(int fd, const void* data, size_t len);

// fdatasync where it exists (file data and the size needed to read it back), else fsync. 0 or an errno value.
int sync_data(int fd);

// fsync of the directory at path relative to dirfd ("" for dirfd itself): makes a rename, link or unlink in it
// durable. 0 or an errno value.
int sync_dir(int dirfd, const std::string& path);

// The version tag of a file's current state: a 64-bit mix of device, inode, size and nanosecond mtime, never 0.
// A write replaces the file with a new inode (which cannot equal the one it replaces, since both exist at the
// rename) and sets a strictly later mtime, so the tag changes with every write; see json_store.cpp.
uint64_t version_of(const struct stat& st);

int64_t mtime_ns_of(const struct stat& st);

// Removes the directory name in dir_fd and everything in it, never following a symbolic link (links are removed);
// returns how many keys (regular files with names a key can have) went. path is for messages. json_store.cpp.
size_t remove_tree(int dir_fd, const std::string& name, const std::string& path);

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_POSIX_FILE_HPP
