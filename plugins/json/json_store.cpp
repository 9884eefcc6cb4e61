// SPDX-License-Identifier: Apache-2.0
// json_store.cpp — open, read, stat, write, append, remove and rename of the JSON (directory of files) store.
// Listing lives in json_list.cpp. Every operation works on the key's parent directory, opened beneath the root
// without following links (parent_of), and then only on the key's last segment with the *at() calls, so no path
// is ever resolved twice and nothing a key names can lie outside the store.
#include "json_store.hpp"
#include "store_rules.hpp"
#include "temp_names.hpp"

#include <first_party.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

namespace tote::json_plugin {

using plugin::Error;
using first_party::now_ns;

namespace {

// The append journal at the root: "<old size> <new size> <key>\n" while an append is under way, empty otherwise.
constexpr const char* kAppendJournal = ".tote-append";

// The directory of temporary files at the root, and the prefix of one kept beside its key (see json_store.hpp).
constexpr const char* kTempDir = ".tote-tmp";
constexpr std::string_view kTempPrefix = ".tote-tmp.";



}  // namespace

// A temporary file, removed on destruction unless it was published. Declare after the Parent that owns its
// directory's descriptor (or the store, for .tote-tmp/).
class JsonStore::TempFile {
public:
    TempFile() = default;
    ~TempFile() {
        if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    void created(int dir_fd, std::string name) {
        dir_fd_ = dir_fd;
        name_ = std::move(name);
    }
    int dir() const { return dir_fd_; }
    const char* name() const { return name_.c_str(); }
    void published() { name_.clear(); }
    void discard() {
        if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
        name_.clear();
    }

private:
    int dir_fd_ = -1;
    std::string name_;
};

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
        throw Error(TOTE_INVALID_ARGUMENT,
                    "not a directory: " + root + " (the json backend stores one file per key in a directory)");
    }
    Fd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw_errno("cannot open store directory", root, errno);
    std::unique_ptr<JsonStore> store(
        new JsonStore(root, std::move(fd), params.get_bool("fsync", true), params.read_only()));
    if (!store->read_only_) store->reclaim_temps();
    struct stat journal;
    if (!store->read_only_ && ::fstatat(store->root_fd_.get(), kAppendJournal, &journal, AT_SYMLINK_NOFOLLOW) == 0 &&
        journal.st_size > 0) {
        StoreLock::Guard guard(store->lock_);
        store->recover_append();
    }
    return store;
}

std::string JsonStore::path_of(std::string_view key) const {
    return key.empty() ? root_ : root_ + "/" + std::string(key);
}

void JsonStore::fail(std::string_view what, std::string_view key, int err) const {
    if (err == ELOOP)
        throw Error(TOTE_PERMISSION_DENIED, in_quotes(key) + " crosses a symbolic link in the store, and the json " +
                                                "backend never follows links (one could lead outside " + root_ + ")");
    throw_errno(what, path_of(key), err);
}

JsonStore::Parent JsonStore::parent_of(std::string_view key, bool create) {
    Parent parent;
    parent.leaf = std::string(leaf_of(key));
    const std::string dir(dir_of(key));
    if (dir.empty()) {
        parent.fd = root_fd_.get();
        return parent;
    }
    int fd = open_no_symlinks(root_fd_.get(), dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        parent.owned = Fd(fd);
        parent.fd = fd;
        return parent;
    }
    const int err = errno;
    if (err == ELOOP) fail("cannot open", key, err);
    if (err != ENOENT && err != ENOTDIR) fail("cannot open directory", dir, err);
    if (!create) throw Error(TOTE_NOT_FOUND, "no such key");
    // Walk down, making what is missing; a segment that is a file is a key that cannot also be a prefix.
    Fd current(::dup(root_fd_.get()));
    for (size_t start = 0; start <= dir.size();) {
        size_t end = std::min(dir.find('/', start), dir.size());
        const std::string segment = dir.substr(start, end - start), so_far = dir.substr(0, end);
        if (::mkdirat(current.get(), segment.c_str(), 0777) == 0) {
            if (durable_) sync(current.get(), dir_of(so_far));
        } else if (errno != EEXIST) {
            fail("cannot create directory", so_far, errno);
        }
        Fd next(::openat(current.get(), segment.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            int open_err = errno;
            struct stat st;
            if (::fstatat(current.get(), segment.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISLNK(st.st_mode)) fail("cannot open", key, ELOOP);
                if (!S_ISDIR(st.st_mode))
                    throw Error(TOTE_CONFLICT, in_quotes(so_far) + " is a key, so it cannot also be a prefix of " +
                                                   in_quotes(key) +
                                                   " (the json backend stores keys as files and prefixes as directories)");
            }
            fail("cannot open directory", so_far, open_err);
        }
        current = std::move(next);
        start = end + 1;
    }
    parent.fd = current.get();
    parent.owned = std::move(current);
    return parent;
}

void JsonStore::sync(int dir_fd, std::string_view key) {
    if (!durable_) return;
    if (::fsync(dir_fd) != 0 && errno != EINVAL) fail("cannot sync the directory of", key, errno);
}

void JsonStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    read_range(key, 0, UINT64_MAX, sink, stat);
}

void JsonStore::read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                           plugin::Stat* stat) {
    // O_NONBLOCK: opening a FIFO someone planted in the store must not wait for a writer.
    Fd fd(open_no_symlinks(root_fd_.get(), std::string(key), O_RDONLY | O_NONBLOCK));
    if (!fd) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        fail("cannot open", key, err);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) fail("cannot stat", key, errno);
    if (S_ISDIR(st.st_mode)) throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is a prefix of other keys, not a key");
    if (!S_ISREG(st.st_mode))
        throw Error(TOTE_INVALID_ARGUMENT, path_of(key) + " is not a regular file (a FIFO, socket or device is not a key)");

    // Read within the size seen by fstat: the bytes and the version then describe one state of the file even if
    // an append lands meanwhile (a rename-based write never changes this inode's content). pread from the
    // range's start: the bytes before it are never read.
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const uint64_t start = std::min(offset, size);
    const uint64_t end = start + std::min(length, size - start);
    thread_local std::vector<char> buffer;
    buffer.resize(static_cast<size_t>(std::clamp<uint64_t>(end - start, 64 * 1024, 1024 * 1024)));
    uint64_t done = start;
    while (done < end) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end - done));
        ssize_t n = ::pread(fd.get(), buffer.data(), want, static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", key, errno);
        }
        if (n == 0) throw Error(TOTE_IO, path_of(key) + " was truncated while being read");
        done += static_cast<uint64_t>(n);
        if (!sink.write(buffer.data(), static_cast<size_t>(n))) return;
    }
    if (stat) *stat = plugin::Stat{TOTE_KIND_KEY, size, mtime_ns_of(st), version_of(st)};
}

plugin::Stat JsonStore::stat(std::string_view key) {
    Parent parent = parent_of(key, false);
    struct stat st;
    if (::fstatat(parent.fd, parent.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        fail("cannot stat", key, err);
    }
    if (S_ISREG(st.st_mode))
        return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(st.st_size), mtime_ns_of(st), version_of(st)};
    if (S_ISDIR(st.st_mode) && has_visible_key(std::string(key))) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0};
    throw Error(TOTE_NOT_FOUND, "no such key");  // links, FIFOs, sockets and empty directories are not keys
}

int JsonStore::temp_dir() {
    std::lock_guard<std::mutex> hold(temp_dir_mutex_);
    if (!temp_dir_) {
        bool made = ::mkdirat(root_fd_.get(), kTempDir, 0777) == 0;
        if (!made && errno != EEXIST) fail("cannot create the directory of temporary files", kTempDir, errno);
        Fd fd(::openat(root_fd_.get(), kTempDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) fail("cannot open the directory of temporary files", kTempDir, errno);
        if (made) sync(root_fd_.get(), kTempDir);
        temp_dir_ = std::move(fd);
    }
    return temp_dir_.get();
}

void JsonStore::reclaim(int dir_fd, const std::string& file, std::string_view name) {
    const Writer writer = writer_of(name);
    if (writer == Writer::alive) return;
    if (writer == Writer::unknown) {
        struct stat st;
        if (::fstatat(dir_fd, file.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return;
        const auto age = std::chrono::system_clock::now() -
                         std::chrono::system_clock::time_point(std::chrono::nanoseconds(mtime_ns_of(st)));
        if (age < kUnknownTempMaxAge) return;
        // A live writer holds an flock on its temporary file; only an unheld one is a leftover.
        Fd fd(::openat(dir_fd, file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
        if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return;
    }
    ::unlinkat(dir_fd, file.c_str(), 0);  // no sync: losing the unlink in a crash only leaves it for next time
}

void JsonStore::reclaim_temps() {
    int fd;
    {
        std::lock_guard<std::mutex> hold(temp_dir_mutex_);
        if (!temp_dir_) temp_dir_ = Fd(::openat(root_fd_.get(), kTempDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!temp_dir_) return;  // no write has made it yet (or it cannot be opened: writes will say why)
        fd = ::dup(temp_dir_.get());
    }
    if (fd < 0) return;
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
        ::close(fd);
        return;
    }
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    for (const std::string& name : names) reclaim(::dirfd(d), name, name);
    ::closedir(d);
}

Fd JsonStore::write_temp(const Parent& parent, std::string_view key, std::string_view data, TempFile& temp,
                         bool beside) {
    const int dir_fd = beside ? parent.fd : temp_dir();
    if ((writes_.fetch_add(1, std::memory_order_relaxed) + 1) % kReclaimEvery == 0) reclaim_temps();
    for (int attempt = 0;; ++attempt) {
        const std::string name = beside ? std::string(kTempPrefix) + new_temp_name() : new_temp_name();
        Fd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
        if (!fd) {
            int err = errno;
            if (err == EEXIST && attempt < kAttempts) continue;
            fail(beside ? "cannot create a temporary file beside" : "cannot create a temporary file for", key, err);
        }
        temp.created(dir_fd, name);
        // Marks the file as in use for judges that cannot tell its writer by name (temp_names.hpp).
        ::flock(fd.get(), LOCK_EX | LOCK_NB);
        int err = write_all(fd.get(), data.data(), data.size());
        if (err == 0 && durable_) err = sync_data(fd.get());
        if (err != 0) {
            temp.discard();
            fail("cannot write", key, err);
        }
        return fd;
    }
}

void JsonStore::stamp_after_current(int fd, const Parent& parent) {
    struct stat current;
    int64_t floor = 0;
    if (::fstatat(parent.fd, parent.leaf.c_str(), &current, AT_SYMLINK_NOFOLLOW) == 0)
        floor = mtime_ns_of(current) + 1;
    stamp_after(fd, floor, parent.leaf);
}

void JsonStore::stamp_after(int fd, int64_t floor, std::string_view what) {
    const int64_t stamp = std::max(now_ns(), floor);
    struct timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(stamp / 1000000000);
    times[1].tv_nsec = static_cast<long>(stamp % 1000000000);
    if (::futimens(fd, times) != 0) fail("cannot set the modification time of", what, errno);
}

uint64_t JsonStore::write(const plugin::WriteOp& op) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(op.key);
    bool beside = false;  // the temporary file goes beside the key only where .tote-tmp/ is another file system
    for (int attempt = 0;; ++attempt) {
        Parent parent = parent_of(key, true);
        TempFile temp;
        Fd fd = write_temp(parent, key, op.value, temp, beside);
        const char* leaf = parent.leaf.c_str();
        int err = 0;
        {
            StoreLock::Guard guard(lock_);
            if (op.if_version()) {
                struct stat current;
                if (::fstatat(parent.fd, leaf, &current, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(current.st_mode))
                    throw Error(TOTE_PRECONDITION_FAILED, "the key does not exist");
                if (version_of(current) != op.expected_version)
                    throw Error(TOTE_PRECONDITION_FAILED, "the key has another version");
            }
            stamp_after_current(fd.get(), parent);
            if (op.create_only()) {
                if (::linkat(temp.dir(), temp.name(), parent.fd, leaf, 0) != 0) {
                    err = errno;
                } else {
                    temp.discard();  // the key's name holds the file now
                }
            } else {
                err = ::renameat(temp.dir(), temp.name(), parent.fd, leaf) == 0 ? 0 : errno;
                // An empty directory left in the way (no key under it) is not a prefix: take it away and retry.
                if (err == EISDIR && !has_visible_key(key) && ::unlinkat(parent.fd, leaf, AT_REMOVEDIR) == 0)
                    err = ::renameat(temp.dir(), temp.name(), parent.fd, leaf) == 0 ? 0 : errno;
                if (err == 0) temp.published();
            }
        }
        if (err == EXDEV && !beside && attempt < kAttempts) {
            beside = true;
            continue;
        }
        if (err == ENOENT && attempt < kAttempts) continue;  // a recursive remove took the directory: start over
        if (err != 0) {
            struct stat existing;
            bool is_dir = ::fstatat(parent.fd, leaf, &existing, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(existing.st_mode);
            if (is_dir || err == EISDIR)
                throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key " +
                                               "(the json backend stores keys as files and prefixes as directories)");
            if (err == EEXIST) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
            fail("cannot publish", key, err);
        }
        struct stat written;
        if (::fstat(fd.get(), &written) != 0) fail("cannot stat", key, errno);
        sync(parent.fd, key);
        return version_of(written);
    }
}

int JsonStore::append_journal() {
    if (!journal_) {
        journal_ = Fd(::openat(root_fd_.get(), kAppendJournal, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (!journal_) fail("cannot open the append journal", kAppendJournal, errno);
    }
    return journal_.get();
}

namespace {

// Empties the append journal once its append is complete or taken back. Should that fail (EIO), the record left
// describes a value that is whole again, which recovery leaves alone, and the next append overwrites it: not worth
// failing an append that has happened.
void clear_journal(int journal) {
    if (::ftruncate(journal, 0) != 0) {
    }
}

}  // namespace

void JsonStore::recover_append() {
    // The journal stays open for the store's life (held under the commit lock only): an append then costs an
    // fstat of it here, not an open, a read and a close.
    const int journal = append_journal();
    struct stat journal_st;
    if (::fstat(journal, &journal_st) != 0 || journal_st.st_size == 0) return;
    char text[2 * TOTE_KEY_MAX];
    ssize_t n = ::pread(journal, text, sizeof text - 1, 0);
    if (n <= 0) return;
    text[n] = '\0';
    if (const std::optional<AppendRecord> record = parse_append_record(text)) {
        const auto& [old_size, new_size, key] = *record;
        // Cut the value back only if it stopped part-way into that append: a complete append, or a later state
        // reached after the journal was cleared but before the clearing reached the disk, is left alone.
        try {
            Parent parent = parent_of(key, false);
            Fd fd(::openat(parent.fd, parent.leaf.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
            struct stat st;
            if (fd && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) &&
                static_cast<unsigned long long>(st.st_size) > old_size &&
                static_cast<unsigned long long>(st.st_size) < new_size &&
                ::ftruncate(fd.get(), static_cast<off_t>(old_size)) == 0 && durable_)
                sync_data(fd.get());
        } catch (const Error&) {
            // The key is gone (removed since): nothing to cut back.
        }
    }
    if (::ftruncate(journal, 0) == 0 && durable_) sync_data(journal);
}

// The size check and the append both happen under the commit lock, which every writer of the store (in any
// process) takes to publish: so a conditional append is race-free between processes.
plugin::AppendResult JsonStore::append(const plugin::AppendOp& op) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(op.key);
    const std::string_view data = op.data;
    StoreLock::Guard guard(lock_);
    recover_append();
    bool beside = false;  // as in write()
    for (int attempt = 0;; ++attempt) {
        Parent parent = parent_of(key, true);
        Fd fd(::openat(parent.fd, parent.leaf.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (fd) {
            struct stat st;
            if (::fstat(fd.get(), &st) != 0) fail("cannot stat", key, errno);
            if (!S_ISREG(st.st_mode)) throw Error(TOTE_INVALID_ARGUMENT, path_of(key) + " is not a regular file");
            if (op.if_size() && static_cast<uint64_t>(st.st_size) != op.expected_size)
                throw Error(TOTE_PRECONDITION_FAILED, "the value is " + std::to_string(st.st_size) +
                                                          " bytes long, not " + std::to_string(op.expected_size));
            // Journal first, so a crash part-way leaves a record of what to cut off (recover_append).
            const int journal = append_journal();
            const std::string entry = append_record(static_cast<uint64_t>(st.st_size), data.size(), key);
            int err = ::pwrite(journal, entry.data(), entry.size(), 0) == static_cast<ssize_t>(entry.size())
                          ? 0 : (errno ? errno : EIO);
            if (err == 0 && ::ftruncate(journal, static_cast<off_t>(entry.size())) != 0) err = errno;
            if (err == 0 && durable_) err = sync_data(journal);
            if (err != 0) fail("cannot write the append journal", kAppendJournal, err);
            err = write_all(fd.get(), data.data(), data.size());
            if (err == 0 && durable_) err = sync_data(fd.get());
            if (err != 0) {
                // Take back a partial append so the value stays whole (the disk filled up, say).
                if (::ftruncate(fd.get(), st.st_size) == 0 && durable_) sync_data(fd.get());
                clear_journal(journal);
                fail("cannot append to", key, err);
            }
            stamp_after(fd.get(), mtime_ns_of(st) + 1, key);  // later than the value it extends
            // Clearing the journal needs no sync: recovery leaves a complete append alone.
            clear_journal(journal);
            struct stat after;
            if (::fstat(fd.get(), &after) != 0) fail("cannot stat", key, errno);
            return plugin::AppendResult{static_cast<uint64_t>(st.st_size), version_of(after)};
        }
        int err = errno;
        if (err == EISDIR)
            throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key");
        if (err == ENXIO)  // a FIFO without a reader (O_NONBLOCK): not a key
            throw Error(TOTE_INVALID_ARGUMENT, path_of(key) + " is not a regular file (a FIFO, socket or device is not a key)");
        if (err != ENOENT || attempt >= kAttempts) fail("cannot open", key, err);
        if (op.if_size() && op.expected_size != 0)
            throw Error(TOTE_PRECONDITION_FAILED,
                        "the key does not exist (expected " + std::to_string(op.expected_size) + " bytes)");
        // A new key: publish the data whole with link(), so no reader ever sees a half-created key.
        TempFile temp;
        Fd created = write_temp(parent, key, data, temp, beside);
        stamp_after_current(created.get(), parent);
        if (::linkat(temp.dir(), temp.name(), parent.fd, parent.leaf.c_str(), 0) == 0) {
            sync(parent.fd, key);
            struct stat made;
            if (::fstat(created.get(), &made) != 0) fail("cannot stat", key, errno);
            return plugin::AppendResult{0, version_of(made)};  // TempFile removes the temporary name
        }
        if (errno == EXDEV && !beside) {
            beside = true;
            continue;
        }
        if (errno != EEXIST && errno != ENOENT) fail("cannot publish", key, errno);
        // Someone outside tote created it meanwhile: append to theirs.
    }
}

void JsonStore::prune_parents(std::string_view key) {
    int removed_in = -1;
    Fd last;
    for (std::string_view dir = dir_of(key); !dir.empty(); dir = dir_of(dir)) {
        Parent parent;
        try {
            parent = parent_of(dir, false);
        } catch (const Error&) {
            break;
        }
        if (::unlinkat(parent.fd, parent.leaf.c_str(), AT_REMOVEDIR) != 0) break;
        removed_in = parent.fd;
        last = std::move(parent.owned);  // keep the directory open for the sync below
    }
    if (removed_in >= 0) sync(removed_in, key);
}

// Removes the directory name in dir_fd and everything in it; returns how many keys (regular files with visible
// names) went. Symbolic links are removed, never followed.
size_t remove_tree(int dir_fd, const std::string& name, const std::string& path) {
    size_t keys = 0;
    int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw_errno("cannot open directory", path, errno);
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
        int err = errno;
        ::close(fd);
        throw_errno("cannot read directory", path, err);
    }
    std::vector<std::pair<std::string, bool>> entries;  // name, is directory
    while (struct dirent* e = ::readdir(d)) {
        std::string entry = e->d_name;
        if (entry == "." || entry == "..") continue;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            is_dir = ::fstatat(fd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        entries.emplace_back(std::move(entry), is_dir);
    }
    try {
        for (const auto& [entry, is_dir] : entries) {
            if (is_dir) {
                keys += remove_tree(fd, entry, path + "/" + entry);
            } else if (::unlinkat(fd, entry.c_str(), 0) == 0) {
                if (entry.rfind(".tote", 0) != 0) ++keys;
            } else if (errno != ENOENT) {
                throw_errno("cannot remove", path + "/" + entry, errno);
            }
        }
    } catch (...) {
        ::closedir(d);
        throw;
    }
    ::closedir(d);
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        throw_errno("cannot remove directory", path, errno);
    return keys;
}

void JsonStore::remove(std::string_view key_view, bool recursive) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(key_view);
    StoreLock::Guard guard(lock_);
    Parent parent = parent_of(key, false);
    struct stat st;
    if (::fstatat(parent.fd, parent.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key");
        fail("cannot stat", key, err);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive)
            throw Error(TOTE_NOT_FOUND,
                        in_quotes(key) + " is not a key but a prefix; remove it recursively to remove the keys under it");
        size_t removed = remove_tree(parent.fd, parent.leaf, path_of(key));
        sync(parent.fd, key);
        prune_parents(key);
        if (removed == 0) throw Error(TOTE_NOT_FOUND, "no key under " + in_quotes(key));
        return;
    }
    if (!S_ISREG(st.st_mode)) throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is not a key (a link or special file)");
    if (::unlinkat(parent.fd, parent.leaf.c_str(), 0) != 0) fail("cannot remove", key, errno);
    sync(parent.fd, key);
    prune_parents(key);
}

void JsonStore::rename(std::string_view from_view, std::string_view to_view, bool replace) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string from(from_view), to(to_view);
    StoreLock::Guard guard(lock_);
    Parent source = parent_of(from, false);
    struct stat st;
    if (::fstatat(source.fd, source.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) throw Error(TOTE_NOT_FOUND, "no such key: " + in_quotes(from));
        fail("cannot stat", from, err);
    }
    if (!S_ISREG(st.st_mode)) throw Error(TOTE_NOT_FOUND, in_quotes(from) + " is not a key (only keys can be renamed)");
    if (from == to) return;
    Parent target = parent_of(to, true);
    struct stat existing;
    if (::fstatat(target.fd, target.leaf.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(existing.st_mode)) {
            if (has_visible_key(to) || ::unlinkat(target.fd, target.leaf.c_str(), AT_REMOVEDIR) != 0)
                throw Error(TOTE_CONFLICT, in_quotes(to) + " is a prefix of other keys, so it cannot also be a key");
        } else if (!replace) {
            throw Error(TOTE_ALREADY_EXISTS, "the destination " + in_quotes(to) + " already exists");
        }
    }
    if (::renameat(source.fd, source.leaf.c_str(), target.fd, target.leaf.c_str()) != 0) {
        int err = errno;
        prune_parents(to);  // undo directories made for a rename that did not happen
        fail("cannot rename " + path_of(from) + " to", to, err);
    }
    sync(target.fd, to);
    if (dir_of(from) != dir_of(to)) sync(source.fd, from);
    prune_parents(from);
}

}  // namespace tote::json_plugin
