// SPDX-License-Identifier: Apache-2.0
// json_store.hpp — a tote store kept as a directory of files: key "evals/gsm8k.json" is the file
// <root>/evals/gsm8k.json holding the value's exact bytes, so a person can open it.
//
// Writes go to a temporary file in "<root>/.tote-tmp/" (hidden from listings), are synced, and are published by
// rename (plain writes), link (create-only writes, race-free between processes) or rename after a version check
// (compare-version writes), under the store's commit lock (store_lock.hpp); the key's directory is then synced.
// A crash therefore leaves each key at its old or its new value. Appends record the value's old length in
// "<root>/.tote-append" first, so the partial append of a crashed writer is cut off by the next writer (or the next
// writable open). A temporary file's name says which process writes it (temp_names.hpp): a writable open, and
// every 256th write, remove the ones whose writer is dead, so a crash leaks no disk space. Where a key's directory
// is another file system than the root (a mount point inside the store) the temporary file goes beside the key as
// ".tote-tmp.<name>", and listings reclaim those.
//
// Every path is resolved beneath the root without following symbolic links (open_no_symlinks): a link planted in
// the store is not a key, and a key whose path crosses one is refused, so no key reaches outside the store.
//
// A directory of files cannot hold a key "a" beside keys under "a/": such writes fail with TOTE_CONFLICT (the
// plugin does not declare TOTE_CAP_KEY_AND_PREFIX). Empty directories are removed as their last key goes, so a
// prefix exists exactly while it holds a key.
#ifndef TOTE_JSON_STORE_HPP
#define TOTE_JSON_STORE_HPP

#include "posix_file.hpp"
#include "store_lock.hpp"

#include <tote/plugin.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace tote::json_plugin {

class JsonStore {
public:
    static std::unique_ptr<JsonStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    void read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                    plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    plugin::AppendResult append(const plugin::AppendOp& op);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    void remove(std::string_view key, bool recursive);
    void rename(std::string_view from, std::string_view to, bool replace);

    // tote.admin/1: a store directory goes whole; info names the directory (json_admin.cpp).
    static void drop(const plugin::OpenParams& params);
    std::string info();

private:
    JsonStore(std::string root, Fd root_fd, bool durable, bool read_only);

    // The directory holding a key, opened beneath the root without following links. fd() is the root itself for
    // a key at the top level.
    struct Parent {
        Fd owned;
        int fd = -1;
        std::string leaf;  // the key's last segment
    };
    // Throws NOT_FOUND if the directory does not exist (and create is false), CONFLICT if an ancestor is a key,
    // PERMISSION_DENIED if the path crosses a symbolic link. With create, makes the missing directories.
    Parent parent_of(std::string_view key, bool create);
    Fd open_dir(const std::string& dir);  // "" for the root; throws like parent_of

    std::string path_of(std::string_view key) const;  // absolute, for messages
    [[noreturn]] void fail(std::string_view what, std::string_view key, int err) const;
    class TempFile;
    // A new temporary file holding data, synced if durable, flock-ed, in .tote-tmp/ or (beside) in the key's own
    // directory; temp learns its directory and name. Returns its fd.
    Fd write_temp(const Parent& parent, std::string_view key, std::string_view data, TempFile& temp, bool beside);
    // "<root>/.tote-tmp", made on first use and kept open.
    int temp_dir();
    // Removes the temporary files of dead writers from .tote-tmp/ (on a writable open, and every kReclaimEvery
    // writes) — and, for clean_temp, one ".tote-tmp.*" file a listing met beside the keys.
    void reclaim_temps();
    void reclaim(int dir_fd, const std::string& file, std::string_view name);
    // Gives the file behind fd a modification time later than the current value of key (see version_of).
    void stamp_after_current(int fd, const Parent& parent);
    // Sets the modification time of fd to now, or floor if that is later (what names the file in messages).
    void stamp_after(int fd, int64_t floor, std::string_view what);
    // Removes the now-empty directories above key, deepest first, stopping at the first that is not empty.
    void prune_parents(std::string_view key);
    void sync(int dir_fd, std::string_view key);
    bool has_visible_key(const std::string& dir);
    // Cuts off an append that a crashed process left half done (see .tote-append). Call under the commit lock.
    void recover_append();
    // The append journal, opened on first use and kept open. Call under the commit lock.
    int append_journal();

    struct ListState;
    bool list_dir(ListState& state, const std::string& dir_key);
    void clean_temp(int dirfd, const std::string& name);

    std::string root_;
    Fd root_fd_;
    bool durable_;
    bool read_only_;
    StoreLock lock_;
    Fd journal_;  // "<root>/.tote-append", guarded by lock_
    std::mutex temp_dir_mutex_;
    Fd temp_dir_;                     // "<root>/.tote-tmp", guarded by temp_dir_mutex_ until set
    std::atomic<uint64_t> writes_{0};  // counts writes, for the periodic reclaim
};

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_STORE_HPP
