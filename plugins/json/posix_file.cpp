// SPDX-License-Identifier: Apache-2.0
// posix_file.cpp — file descriptors, errno mapping and syncs for the JSON plugin.
#include "posix_file.hpp"
#include "store_rules.hpp"

#include <tote/plugin.hpp>

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/openat2.h>
#endif

#include <cerrno>
#include <cstring>

namespace tote::json_plugin {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

namespace {

#if defined(__linux__) && defined(SYS_openat2)
// openat2() through syscall(): glibc 2.36 has no wrapper. -1 with ENOSYS where the kernel lacks it (before 5.6)
// or a seccomp filter hides it.
int openat2_no_symlinks(int dirfd, const char* path, int flags, unsigned mode) {
    struct open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = static_cast<uint64_t>(flags);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}
#endif

// The portable way: open each directory component with O_NOFOLLOW, then the last component.
int open_walking(int dirfd, const std::string& rel, int flags, unsigned mode) {
    int current = dirfd;
    size_t start = 0;
    for (size_t slash; (slash = rel.find('/', start)) != std::string::npos; start = slash + 1) {
        const std::string segment = rel.substr(start, slash - start);
        int next = ::openat(current, segment.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int err = errno;
        if (next < 0) {
            // O_DIRECTORY | O_NOFOLLOW on a link says ENOTDIR on some systems: report what it is.
            struct stat st;
            if (err == ENOTDIR && ::fstatat(current, segment.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                err = ELOOP;
        }
        if (current != dirfd) ::close(current);
        if (next < 0) {
            errno = err;
            return -1;
        }
        current = next;
    }
    int fd = ::openat(current, rel.c_str() + start, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    int err = errno;
    if (current != dirfd) ::close(current);
    errno = err;
    return fd;
}

}  // namespace

int open_no_symlinks(int dirfd, const std::string& rel, int flags, unsigned mode) {
    const std::string path = rel.empty() ? "." : rel;
#if defined(__linux__) && defined(SYS_openat2)
    int fd = openat2_no_symlinks(dirfd, path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG)) return fd;
#endif
    return open_walking(dirfd, path, flags, mode);
}

tote_status status_for_errno(int err) {
    switch (err) {
        case ENOENT: return TOTE_NOT_FOUND;
        case EEXIST: return TOTE_ALREADY_EXISTS;
        case ENOTDIR:
        case EISDIR:
        case ENOTEMPTY: return TOTE_CONFLICT;
        case EACCES:
        case EPERM:
        case EROFS: return TOTE_PERMISSION_DENIED;
        case ENOSPC:
        case EFBIG:
#ifdef EDQUOT
        case EDQUOT:
#endif
            return TOTE_NO_SPACE;
        case ENAMETOOLONG:
        case ELOOP:
        case EINVAL: return TOTE_INVALID_ARGUMENT;
        case EBUSY:
        case EAGAIN: return TOTE_BUSY;
        case ENOMEM: return TOTE_INTERNAL;
        default: return TOTE_IO;
    }
}

void throw_errno(std::string_view what, std::string_view path, int err) {
    throw plugin::Error(status_for_errno(err),
                        std::string(what) + " " + std::string(path) + ": " + std::strerror(err));
}

int write_all(int fd, const void* data, size_t len) {
    const char* p = static_cast<const char*>(data);
    while (len > 0) {
        ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        p += n;
        len -= static_cast<size_t>(n);
    }
    return 0;
}

int sync_data(int fd) {
#if defined(__linux__)
    int rc = ::fdatasync(fd);
#else
    int rc = ::fsync(fd);
#endif
    return rc == 0 ? 0 : errno;
}

int sync_dir(int dirfd, const std::string& path) {
    Fd dir(path.empty() ? ::dup(dirfd) : ::openat(dirfd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return errno;
    // Some filesystems refuse fsync on a directory (EINVAL); there is nothing more to make durable then.
    if (::fsync(dir.get()) != 0 && errno != EINVAL) return errno;
    return 0;
}

int64_t mtime_ns_of(const struct stat& st) {
#if defined(__APPLE__)
    return static_cast<int64_t>(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
#else
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
#endif
}

uint64_t version_of(const struct stat& st) {
    uint64_t h = mix(static_cast<uint64_t>(st.st_dev) + 0x9e3779b97f4a7c15ULL);
    h = mix(h ^ static_cast<uint64_t>(st.st_ino));
    h = mix(h ^ static_cast<uint64_t>(st.st_size));
    h = mix(h ^ static_cast<uint64_t>(mtime_ns_of(st)));
    return h == 0 ? 1 : h;
}

}  // namespace tote::json_plugin
