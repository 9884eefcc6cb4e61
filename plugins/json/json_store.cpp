// json_store.cpp — open, read, stat, write, append, remove and rename of the JSON (directory of files) store.
// Listing lives in json_list.cpp. All paths below are relative to the store root and used with the *at() calls on
// root_fd_, so the store keeps working on the directory it opened even if the root path is renamed meanwhile.
#include "json_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

namespace tote::json_plugin {

using plugin::Error;

namespace {

// "a/b/c" → "a/b"; "c" → "".
std::string_view dir_of(std::string_view key) {
    size_t slash = key.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

std::string join(std::string_view dir, std::string_view name) {
    return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
}

std::string in_quotes(std::string_view key) { return "'" + std::string(key) + "'"; }

// 16 random hex digits for temporary file names; a per-thread generator seeded from the OS.
std::string random_suffix() {
    thread_local std::mt19937_64 rng{std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32)};
    static const char digits[] = "0123456789abcdef";
    uint64_t x = rng();
    std::string out(16, '0');
    for (char& c : out) {
        c = digits[x & 15];
        x >>= 4;
    }
    return out;
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Removes the relative path of a temporary file unless it was published (then the name is gone anyway).
class TempFile {
public:
    TempFile(int root_fd) : root_fd_(root_fd) {}
    ~TempFile() {
        if (!name_.empty()) ::unlinkat(root_fd_, name_.c_str(), 0);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    std::string& name() { return name_; }
    void published() { name_.clear(); }

private:
    int root_fd_;
    std::string name_;
};

// How many times a write starts over when a concurrent recursive remove took its directory away.
constexpr int kAttempts = 8;

}  // namespace

JsonStore::JsonStore(std::string root, Fd root_fd, bool durable, bool read_only)
    : root_(std::move(root)), root_fd_(std::move(root_fd)), durable_(durable), read_only_(read_only),
      lock_(root_fd_.get(), root_) {}

std::unique_ptr<JsonStore> JsonStore::open(const plugin::OpenParams& params) {
    const std::string& root = params.location;
    if (root.empty() || root[0] != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "the location must be an absolute directory path, not '" + root + "'");
    struct stat st;
    if (::stat(root.c_str(), &st) != 0) {
        int err = errno;
        if (err != ENOENT) throw_errno("cannot open store directory", root, err);
        if (!params.create() || params.read_only()) throw Error(TOTE_NOT_FOUND, "no such directory: " + root);
        std::error_code ec;
        std::filesystem::create_directories(root, ec);
        if (ec) throw_errno("cannot create store directory", root, ec.value());
        if (params.get_bool("fsync", true)) sync_dir(AT_FDCWD, std::filesystem::path(root).parent_path().string());
    } else if (!S_ISDIR(st.st_mode)) {
        throw Error(TOTE_INVALID_ARGUMENT, "not a directory: " + root + " (the json backend stores one file per key in a directory)");
    }
    Fd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("cannot open store directory", root, errno);
    return std::unique_ptr<JsonStore>(
        new JsonStore(root, std::move(fd), params.get_bool("fsync", true), params.read_only()));
}

std::string JsonStore::path_of(std::string_view key) const { return root_ + "/" + std::string(key); }

void JsonStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    const std::string name(key);
    Fd fd(::openat(root_fd_.get(), name.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        throw_errno("cannot open", path_of(key), err);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat", path_of(key), errno);
    if (S_ISDIR(st.st_mode)) throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is a prefix of other keys, not a key");
    if (!S_ISREG(st.st_mode)) throw Error(TOTE_INVALID_ARGUMENT, path_of(key) + " is not a regular file");

    // Read exactly the size seen by fstat: the bytes and the version then describe one state of the file even if
    // an append lands meanwhile (a rename-based write never changes this inode's content).
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    thread_local std::vector<char> buffer;
    buffer.resize(static_cast<size_t>(std::clamp<uint64_t>(size, 64 * 1024, 1024 * 1024)));
    uint64_t done = 0;
    while (done < size) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - done));
        ssize_t n = ::read(fd.get(), buffer.data(), want);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("cannot read", path_of(key), errno);
        }
        if (n == 0) throw Error(TOTE_IO, path_of(key) + " was truncated while being read");
        done += static_cast<uint64_t>(n);
        if (!sink.write(buffer.data(), static_cast<size_t>(n))) return;
    }
    if (stat) *stat = plugin::Stat{TOTE_KIND_KEY, size, mtime_ns_of(st), version_of(st)};
}

plugin::Stat JsonStore::stat(std::string_view key) {
    const std::string name(key);
    struct stat st;
    if (::fstatat(root_fd_.get(), name.c_str(), &st, 0) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        throw_errno("cannot stat", path_of(key), err);
    }
    if (S_ISREG(st.st_mode))
        return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(st.st_size), mtime_ns_of(st), version_of(st)};
    if (S_ISDIR(st.st_mode) && has_visible_key(name)) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0};
    throw Error(TOTE_NOT_FOUND, "no such key");
}

void JsonStore::make_parents(std::string_view key) {
    std::string_view dir = dir_of(key);
    for (size_t end = 0; end != std::string_view::npos;) {
        end = dir.find('/', end + 1);
        const std::string sub(dir.substr(0, end));
        if (sub.empty()) break;
        if (::mkdirat(root_fd_.get(), sub.c_str(), 0777) == 0) {
            if (durable_) sync_dir(root_fd_.get(), std::string(dir_of(sub)));
            continue;
        }
        int err = errno;
        struct stat st;
        if (err == EEXIST && ::fstatat(root_fd_.get(), sub.c_str(), &st, 0) == 0 && S_ISDIR(st.st_mode)) continue;
        if (err == EEXIST || err == ENOTDIR)
            throw Error(TOTE_CONFLICT, in_quotes(sub) + " is a key, so it cannot also be a prefix of " + in_quotes(key) +
                                           " (the json backend stores keys as files and prefixes as directories)");
        throw_errno("cannot create directory", path_of(sub), err);
    }
}

Fd JsonStore::write_temp(std::string_view key, std::string_view data, std::string& temp_name) {
    const std::string_view dir = dir_of(key);
    for (int attempt = 0;; ++attempt) {
        temp_name = join(dir, ".tote-tmp." + random_suffix());
        Fd fd(::openat(root_fd_.get(), temp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
        if (!fd) {
            int err = errno;
            temp_name.clear();
            if ((err == ENOENT || err == ENOTDIR) && attempt < kAttempts) {
                make_parents(key);  // throws CONFLICT if an ancestor is a key
                continue;
            }
            if (err == EEXIST && attempt < kAttempts) continue;
            throw_errno("cannot create a temporary file in", path_of(dir), err);
        }
        // Marks the file as in use: a listing removes leftover temporary files only if it can take this lock.
        ::flock(fd.get(), LOCK_EX | LOCK_NB);
        int err = write_all(fd.get(), data.data(), data.size());
        if (err == 0 && durable_) err = sync_data(fd.get());
        if (err != 0) {
            ::unlinkat(root_fd_.get(), temp_name.c_str(), 0);
            temp_name.clear();
            throw_errno("cannot write", path_of(key), err);
        }
        return fd;
    }
}

void JsonStore::stamp_after_current(int fd, std::string_view key) {
    struct stat current;
    int64_t floor = 0;
    if (::fstatat(root_fd_.get(), std::string(key).c_str(), &current, 0) == 0) floor = mtime_ns_of(current) + 1;
    const int64_t stamp = std::max(now_ns(), floor);
    struct timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(stamp / 1000000000);
    times[1].tv_nsec = static_cast<long>(stamp % 1000000000);
    if (::futimens(fd, times) != 0) throw_errno("cannot set the modification time of", path_of(key), errno);
}

void JsonStore::sync_parent(std::string_view key) {
    if (!durable_) return;
    int err = sync_dir(root_fd_.get(), std::string(dir_of(key)));
    if (err != 0 && err != ENOENT) throw_errno("cannot sync directory of", path_of(key), err);
}

uint64_t JsonStore::write(const plugin::WriteOp& op) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(op.key);
    for (int attempt = 0;; ++attempt) {
        TempFile temp(root_fd_.get());
        Fd fd = write_temp(key, op.value, temp.name());
        int err = 0;
        {
            StoreLock::Guard guard(lock_);
            if (op.if_version()) {
                struct stat current;
                if (::fstatat(root_fd_.get(), key.c_str(), &current, 0) != 0 || !S_ISREG(current.st_mode))
                    throw Error(TOTE_PRECONDITION_FAILED, "the key does not exist");
                if (version_of(current) != op.expected_version)
                    throw Error(TOTE_PRECONDITION_FAILED, "the key has another version");
            }
            stamp_after_current(fd.get(), key);
            if (op.create_only()) {
                if (::linkat(root_fd_.get(), temp.name().c_str(), root_fd_.get(), key.c_str(), 0) != 0) {
                    err = errno;
                } else {
                    ::unlinkat(root_fd_.get(), temp.name().c_str(), 0);
                    temp.published();
                }
            } else {
                err = ::renameat(root_fd_.get(), temp.name().c_str(), root_fd_.get(), key.c_str()) == 0 ? 0 : errno;
                if (err == EISDIR && !has_visible_key(key) && ::unlinkat(root_fd_.get(), key.c_str(), AT_REMOVEDIR) == 0)
                    err = ::renameat(root_fd_.get(), temp.name().c_str(), root_fd_.get(), key.c_str()) == 0 ? 0 : errno;
                if (err == 0) temp.published();
            }
        }
        if (err == ENOENT && attempt < kAttempts) continue;  // a recursive remove took the directory: start over
        if (err != 0) {
            struct stat existing;
            bool is_dir = ::fstatat(root_fd_.get(), key.c_str(), &existing, 0) == 0 && S_ISDIR(existing.st_mode);
            if (is_dir || err == EISDIR)
                throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key " +
                                               "(the json backend stores keys as files and prefixes as directories)");
            if (err == EEXIST) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
            throw_errno("cannot publish", path_of(key), err);
        }
        struct stat written;
        if (::fstat(fd.get(), &written) != 0) throw_errno("cannot stat", path_of(key), errno);
        sync_parent(key);
        return version_of(written);
    }
}

void JsonStore::append(std::string_view key_view, std::string_view data) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(key_view);
    StoreLock::Guard guard(lock_);
    for (int attempt = 0;; ++attempt) {
        Fd fd(::openat(root_fd_.get(), key.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
        if (fd) {
            struct stat st;
            if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat", path_of(key), errno);
            if (!S_ISREG(st.st_mode)) throw Error(TOTE_INVALID_ARGUMENT, path_of(key) + " is not a regular file");
            int err = write_all(fd.get(), data.data(), data.size());
            if (err == 0 && durable_) err = sync_data(fd.get());
            if (err != 0) {
                // Take back a partial append so the value stays whole (the disk filled up, say).
                if (::ftruncate(fd.get(), st.st_size) == 0 && durable_) sync_data(fd.get());
                throw_errno("cannot append to", path_of(key), err);
            }
            stamp_after_current(fd.get(), key);
            return;
        }
        int err = errno;
        if (err == EISDIR)
            throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key");
        if ((err != ENOENT && err != ENOTDIR) || attempt >= kAttempts) throw_errno("cannot open", path_of(key), err);
        // A new key: publish the data whole with link(), so no reader ever sees a half-created key.
        TempFile temp(root_fd_.get());
        Fd created = write_temp(key, data, temp.name());
        stamp_after_current(created.get(), key);
        if (::linkat(root_fd_.get(), temp.name().c_str(), root_fd_.get(), key.c_str(), 0) == 0) {
            sync_parent(key);
            return;  // TempFile removes the temporary name
        }
        if (errno != EEXIST && errno != ENOENT) throw_errno("cannot publish", path_of(key), errno);
        // Someone outside tote created it meanwhile: append to theirs.
    }
}

void JsonStore::prune_parents(std::string_view key) {
    for (std::string_view dir = dir_of(key); !dir.empty(); dir = dir_of(dir))
        if (::unlinkat(root_fd_.get(), std::string(dir).c_str(), AT_REMOVEDIR) != 0) break;
}

namespace {

// Removes the directory dir (relative to root_fd) and everything in it; returns how many keys (regular files
// with visible names) went. Symbolic links are removed, never followed.
size_t remove_tree(int root_fd, const std::string& dir, const std::string& root) {
    size_t keys = 0;
    std::vector<std::pair<std::string, bool>> entries;  // name, is directory
    {
        int fd = ::openat(root_fd, dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) throw_errno("cannot open directory", root + "/" + dir, errno);
        DIR* d = ::fdopendir(fd);
        if (d == nullptr) {
            int err = errno;
            ::close(fd);
            throw_errno("cannot read directory", root + "/" + dir, err);
        }
        while (struct dirent* e = ::readdir(d)) {
            std::string name = e->d_name;
            if (name == "." || name == "..") continue;
            bool is_dir = e->d_type == DT_DIR;
            if (e->d_type == DT_UNKNOWN) {
                struct stat st;
                is_dir = ::fstatat(::dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
            }
            entries.emplace_back(std::move(name), is_dir);
        }
        ::closedir(d);
    }
    for (const auto& [name, is_dir] : entries) {
        std::string path = dir + "/" + name;
        if (is_dir) {
            keys += remove_tree(root_fd, path, root);
        } else if (::unlinkat(root_fd, path.c_str(), 0) == 0) {
            if (name.rfind(".tote", 0) != 0) ++keys;
        } else if (errno != ENOENT) {
            throw_errno("cannot remove", root + "/" + path, errno);
        }
    }
    if (::unlinkat(root_fd, dir.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        throw_errno("cannot remove directory", root + "/" + dir, errno);
    return keys;
}

}  // namespace

void JsonStore::remove(std::string_view key_view, bool recursive) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(key_view);
    StoreLock::Guard guard(lock_);
    struct stat st;
    if (::fstatat(root_fd_.get(), key.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        throw_errno("cannot stat", path_of(key), err);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive)
            throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is not a key but a prefix; remove it recursively to remove the keys under it");
        size_t removed = remove_tree(root_fd_.get(), key, root_);
        prune_parents(key);
        sync_parent(key);
        if (removed == 0) throw Error(TOTE_NOT_FOUND, "no key under " + in_quotes(key));
        return;
    }
    if (::unlinkat(root_fd_.get(), key.c_str(), 0) != 0) throw_errno("cannot remove", path_of(key), errno);
    prune_parents(key);
    sync_parent(key);
}

void JsonStore::rename(std::string_view from_view, std::string_view to_view, bool replace) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string from(from_view), to(to_view);
    StoreLock::Guard guard(lock_);
    struct stat st;
    if (::fstatat(root_fd_.get(), from.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key: " + in_quotes(from));
        throw_errno("cannot stat", path_of(from), err);
    }
    if (S_ISDIR(st.st_mode)) throw Error(TOTE_NOT_FOUND, in_quotes(from) + " is a prefix, not a key (only keys can be renamed)");
    if (from == to) return;
    make_parents(to);
    struct stat target;
    if (::fstatat(root_fd_.get(), to.c_str(), &target, 0) == 0) {
        if (S_ISDIR(target.st_mode)) {
            if (has_visible_key(to) || ::unlinkat(root_fd_.get(), to.c_str(), AT_REMOVEDIR) != 0)
                throw Error(TOTE_CONFLICT, in_quotes(to) + " is a prefix of other keys, so it cannot also be a key");
        } else if (!replace) {
            throw Error(TOTE_ALREADY_EXISTS, "the destination " + in_quotes(to) + " already exists");
        }
    }
    if (::renameat(root_fd_.get(), from.c_str(), root_fd_.get(), to.c_str()) != 0) {
        int err = errno;
        prune_parents(to);  // undo directories made for a rename that did not happen
        throw_errno("cannot rename " + path_of(from) + " to", path_of(to), err);
    }
    prune_parents(from);
    sync_parent(to);
    if (dir_of(from) != dir_of(to)) sync_parent(from);
}

}  // namespace tote::json_plugin
