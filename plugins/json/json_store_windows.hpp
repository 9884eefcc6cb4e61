// SPDX-License-Identifier: Apache-2.0
// json_store_windows.hpp — the json store on Windows: the same store as json_store.hpp (a directory, one file per
// key, the value's exact bytes), built on Win32's own semantics rather than on an emulation of POSIX's.
//
// - A key's segments are file names under the mapping of windows_names.hpp (reserved names and characters as
//   %XX), and every path is UTF-16, absolute and "\\?\"-prefixed (no MAX_PATH limit, no name rewriting).
// - A write goes to a temporary file in "<root>\.tote-tmp\", is flushed (FlushFileBuffers, with fsync = true),
//   and is published with MoveFileExW: MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH for a plain write,
//   without REPLACE_EXISTING for a create-only write (it fails if the key exists: race-free between processes).
//   If another program holds the key's file open without FILE_SHARE_DELETE, Windows refuses the replace: the
//   write retries for about a second, then fails with TOTE_BUSY, the old value intact. tote's own readers open
//   files with FILE_SHARE_DELETE and hold them only while they read.
// - The commit lock is a std::mutex plus LockFileEx on "<root>\.tote-lock"; appends are journalled in
//   "<root>\.tote-append" as on POSIX.
// - Names are case-insensitive on Windows: "A.json" and "a.json" would be one file. Every operation compares the
//   name each segment has on disk with the one the key asks for: a write whose file name differs from an existing
//   file's or directory's only in case fails with TOTE_CONFLICT, and a read finds no such key. Symbolic links and
//   junctions (reparse points) are never followed: a key whose path crosses one is refused (permission denied).
// - The version tag mixes the file index, the size and the modification time (100 ns), as inode, size and mtime
//   are mixed on POSIX.
#ifndef TOTE_JSON_STORE_WINDOWS_HPP
#define TOTE_JSON_STORE_WINDOWS_HPP

#include "windows_file.hpp"

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

    static void drop(const plugin::OpenParams& params);
    std::string info();

private:
    JsonStore(std::string root, std::wstring wroot, bool durable, bool read_only);

    // Where a key is: its full path, and what is there now.
    struct Place {
        std::wstring path;
        bool exists = false;
        bool directory = false;
    };
    // Walks the key's segments from the root, comparing each name on disk with the key's (case) and refusing
    // reparse points. With create, makes the missing directories; without, a missing one is NOT_FOUND. A segment
    // that is a file before the last is a key, so CONFLICT (create) or NOT_FOUND. for_write: a name that differs
    // only in case is CONFLICT, else NOT_FOUND.
    Place place_of(std::string_view key, bool create, bool for_write);
    std::wstring dir_path(std::string_view dir) const;  // "" for the root
    std::string path_of(std::string_view key) const;    // for messages

    class Lock;
    // A new temporary file holding data, flushed if durable; its path in temp_path. Open with FILE_SHARE_DELETE so
    // MoveFileExW can publish it while the handle stays open (the version is read from the handle after).
    Handle write_temp(std::string_view key, std::string_view data, std::wstring& temp_path);
    const std::wstring& temp_dir();
    void reclaim_temps();
    // Publishes from at to with MoveFileExW (flags); while another program holds to open, retries for about a
    // second, first trying a POSIX-semantics rename of from_handle (if given) where Windows has it.
    DWORD move(const std::wstring& from, const std::wstring& to, DWORD flags, HANDLE from_handle = nullptr);
    // SetFileInformationByHandle(FileRenameInfoEx, REPLACE_IF_EXISTS | POSIX_SEMANTICS): Windows 10 1607 and later,
    // on NTFS. False where it is refused or unsupported.
    bool rename_posix(HANDLE file, const std::wstring& to);
    void prune_parents(std::string_view key);
    bool has_visible_key(const std::wstring& dir);
    void recover_append();
    HANDLE append_journal();

    struct ListState;
    bool list_dir(ListState& state, const std::string& dir_key);

    std::string root_;    // as given (UTF-8), for messages
    std::wstring wroot_;  // "\\?\C:\..." without a trailing separator
    bool durable_;
    bool read_only_;
    std::mutex lock_mutex_;
    Handle lock_file_;  // "<root>\.tote-lock", under lock_mutex_
    Handle journal_;    // "<root>\.tote-append", under the commit lock
    std::mutex temp_dir_mutex_;
    std::wstring temp_dir_;  // "<root>\.tote-tmp" once made
    std::atomic<uint64_t> writes_{0};
};

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_STORE_WINDOWS_HPP
