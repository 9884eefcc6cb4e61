// SPDX-License-Identifier: Apache-2.0
// json_store_windows.cpp — the json store on Windows (see json_store_windows.hpp for the design): every
// operation of json_store.cpp and json_list.cpp, and drop and info, with Win32 calls on UTF-16 paths.
#include "json_store_windows.hpp"
#include "store_rules.hpp"
#include "temp_names.hpp"
#include "windows_names.hpp"

#include <first_party.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace tote::json_plugin {

using plugin::Error;
using first_party::now_ns;

namespace {

constexpr const wchar_t* kAppendJournal = L".tote-append";
constexpr const wchar_t* kLockFile = L".tote-lock";
constexpr const wchar_t* kTempDir = L".tote-tmp";
// Windows keeps modification times in 100 ns ticks: "strictly later" is one tick later.
constexpr int64_t kTick = 100;
// How long a replace or remove waits for another program to close the file (doubling sleeps, about a second).
constexpr int kShareRetries = 14;

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// Opens path for its metadata only (a directory too), never following a reparse point.
Handle open_meta(const std::wstring& path) {
    return Handle(::CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, kShareAll, nullptr, OPEN_EXISTING,
                                FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr));
}

bool busy_error(DWORD err) { return err == ERROR_SHARING_VIOLATION || err == ERROR_ACCESS_DENIED; }

// One directory entry: the key segment it stands for ('/' appended for a directory, so string order is the
// order of the keys beneath), and its name on disk.
struct Entry {
    std::string sorts_as;
    std::wstring name;
    bool is_dir() const { return sorts_as.back() == '/'; }
};

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// The entries of directory path that stand for keys or prefixes, sorted. Missing → empty.
std::vector<Entry> read_dir(const std::wstring& path, const std::string& for_messages) {
    std::vector<Entry> entries;
    WIN32_FIND_DATAW data;
    HANDLE find = ::FindFirstFileExW((path + L"\\*").c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                     FIND_FIRST_EX_LARGE_FETCH);
    if (find == INVALID_HANDLE_VALUE) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_DIRECTORY) return entries;
        throw_error("cannot read directory", for_messages, err);
    }
    do {
        const std::wstring name = data.cFileName;
        if (name == L"." || name == L".." || (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) continue;
        const std::string utf8 = narrow(name);
        if (utf8.rfind(".tote", 0) == 0) continue;  // tote's own files
        std::optional<std::string> segment = decode_name(utf8);
        if (!segment || has_control(*segment)) continue;  // not a name any key is stored under
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) *segment += '/';
        entries.push_back(Entry{std::move(*segment), name});
    } while (::FindNextFileW(find, &data));
    const DWORD err = ::GetLastError();
    ::FindClose(find);
    if (err != ERROR_NO_MORE_FILES) throw_error("cannot read directory", for_messages, err);
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.sorts_as < b.sorts_as; });
    return entries;
}

// Removes directory path and everything in it, never following a reparse point (it is removed itself); returns
// how many keys went.
size_t remove_tree(const std::wstring& path, const std::string& for_messages) {
    size_t keys = 0;
    WIN32_FIND_DATAW data;
    HANDLE find = ::FindFirstFileExW((path + L"\\*").c_str(), FindExInfoBasic, &data, FindExSearchNameMatch, nullptr,
                                     FIND_FIRST_EX_LARGE_FETCH);
    if (find != INVALID_HANDLE_VALUE) {
        std::vector<std::pair<std::wstring, DWORD>> names;
        do {
            if (std::wstring_view(data.cFileName) != L"." && std::wstring_view(data.cFileName) != L"..")
                names.emplace_back(data.cFileName, data.dwFileAttributes);
        } while (::FindNextFileW(find, &data));
        ::FindClose(find);
        for (const auto& [name, attributes] : names) {
            const std::wstring child = path + L"\\" + name;
            const std::string child_text = for_messages + "/" + narrow(name);
            if ((attributes & FILE_ATTRIBUTE_DIRECTORY) && !(attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
                keys += remove_tree(child, child_text);
            } else if ((attributes & FILE_ATTRIBUTE_DIRECTORY) ? ::RemoveDirectoryW(child.c_str())
                                                                : ::DeleteFileW(child.c_str())) {
                if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT) && narrow(name).rfind(".tote", 0) != 0) ++keys;
            } else if (::GetLastError() != ERROR_FILE_NOT_FOUND) {
                throw_error("cannot remove", child_text, ::GetLastError());
            }
        }
    }
    if (!::RemoveDirectoryW(path.c_str()) && ::GetLastError() != ERROR_FILE_NOT_FOUND)
        throw_error("cannot remove directory", for_messages, ::GetLastError());
    return keys;
}

// Removes a temporary file on destruction unless it was published. Declare before the Handle of the file, so the
// handle is closed first.
class TempPath {
public:
    ~TempPath() {
        if (!path.empty()) ::DeleteFileW(path.c_str());
    }
    std::wstring path;
};

}  // namespace

// The commit lock: the store's mutex for this process's threads, LockFileEx on .tote-lock for other processes.
class JsonStore::Lock {
public:
    explicit Lock(JsonStore& store) : store_(store), held_(store.lock_mutex_) {
        if (!store_.lock_file_) {
            Handle file(::CreateFileW((store_.wroot_ + L"\\" + kLockFile).c_str(), GENERIC_READ | GENERIC_WRITE,
                                      kShareAll, nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
            if (!file) throw_error("cannot create lock file", store_.root_ + "\\.tote-lock", ::GetLastError());
            store_.lock_file_ = std::move(file);
        }
        OVERLAPPED at{};
        if (!::LockFileEx(store_.lock_file_.get(), LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &at))
            throw_error("cannot lock", store_.root_ + "\\.tote-lock", ::GetLastError());
    }
    ~Lock() {
        OVERLAPPED at{};
        ::UnlockFileEx(store_.lock_file_.get(), 0, 1, 0, &at);
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

private:
    JsonStore& store_;
    std::unique_lock<std::mutex> held_;
};

JsonStore::JsonStore(std::string root, std::wstring wroot, bool durable, bool read_only)
    : root_(std::move(root)), wroot_(std::move(wroot)), durable_(durable), read_only_(read_only) {}

std::unique_ptr<JsonStore> JsonStore::open(const plugin::OpenParams& params) {
    const std::string& root = params.location;
    std::wstring w = widen(root);
    std::replace(w.begin(), w.end(), L'/', L'\\');
    const std::filesystem::path path(w);
    if (root.empty() || !path.is_absolute())
        throw Error(TOTE_INVALID_ARGUMENT, "the location must be an absolute directory path, not '" + root + "'");
    while (w.size() > 3 && w.back() == L'\\') w.pop_back();
    // "\\?\": no MAX_PATH limit, and no rewriting of names (the mapping of windows_names.hpp already avoids
    // every name Windows would rewrite or refuse).
    std::wstring wroot = w.rfind(L"\\\\?\\", 0) == 0 ? w
                         : w.rfind(L"\\\\", 0) == 0 ? L"\\\\?\\UNC\\" + w.substr(2)
                                                      : L"\\\\?\\" + w;
    if (wroot.back() == L'\\') wroot.pop_back();  // a drive's root: "\\?\C:"
    // "\\?\C:" names the volume, not its root directory; anything else is asked about as it is (with a '\'
    // appended, a file reads as "path not found", and a json:// URL naming a file tried to create a directory).
    const DWORD attributes = ::GetFileAttributesW((wroot.back() == L':' ? wroot + L"\\" : wroot).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        const DWORD err = ::GetLastError();
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND)
            throw_error("cannot open store directory", root, err);
        if (!params.create() || params.read_only()) throw Error(TOTE_NOT_FOUND, "no such directory: " + root);
        // The plain path: create_directories walks up through the parents, and "\\?\C:" is not one it can stat.
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(w), ec);
        if (ec) throw Error(TOTE_IO, "cannot create store directory " + root + ": " + ec.message());
    } else if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        throw Error(TOTE_INVALID_ARGUMENT,
                    "not a directory: " + root + " (the json backend stores one file per key in a directory)");
    }
    std::unique_ptr<JsonStore> store(
        new JsonStore(root, std::move(wroot), params.get_bool("fsync", true), params.read_only()));
    if (!store->read_only_) {
        store->reclaim_temps();
        WIN32_FILE_ATTRIBUTE_DATA journal;
        if (::GetFileAttributesExW((store->wroot_ + L"\\" + kAppendJournal).c_str(), GetFileExInfoStandard,
                                   &journal) &&
            (journal.nFileSizeLow != 0 || journal.nFileSizeHigh != 0)) {
            Lock lock(*store);
            store->recover_append();
        }
    }
    return store;
}

std::string JsonStore::path_of(std::string_view key) const {
    std::string out = root_;
    if (!key.empty()) out += "\\" + std::string(key);
    std::replace(out.begin(), out.end(), '/', '\\');
    return out;
}

std::wstring JsonStore::dir_path(std::string_view dir) const {
    std::wstring path = wroot_;
    for (size_t start = 0; start < dir.size();) {
        size_t end = std::min(dir.find('/', start), dir.size());
        path += L"\\" + widen(encode_segment(dir.substr(start, end - start)));
        start = end + 1;
    }
    return path;
}

JsonStore::Place JsonStore::place_of(std::string_view key, bool create, bool for_write) {
    Place place;
    place.path = wroot_;
    for (size_t start = 0; start <= key.size();) {
        const size_t end = std::min(key.find('/', start), key.size());
        const bool last = end == key.size();
        const std::string_view so_far = key.substr(0, end);
        const std::wstring name = widen(encode_segment(key.substr(start, end - start)));
        place.path += L"\\" + name;
        start = end + 1;
        WIN32_FIND_DATAW data;
        HANDLE find = ::FindFirstFileW(place.path.c_str(), &data);
        if (find == INVALID_HANDLE_VALUE) {
            const DWORD err = ::GetLastError();
            if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND) throw_error("cannot look up", path_of(so_far), err);
            if (last) return place;
            if (!create) throw Error(TOTE_NOT_FOUND, "no such key");
            if (!::CreateDirectoryW(place.path.c_str(), nullptr) && ::GetLastError() != ERROR_ALREADY_EXISTS)
                throw_error("cannot create directory", path_of(so_far), ::GetLastError());
            continue;
        }
        ::FindClose(find);
        if (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
            throw Error(TOTE_PERMISSION_DENIED, in_quotes(key) + " crosses a symbolic link or junction in the store (" +
                                                    path_of(so_far) + "), and the json backend never follows links");
        if (name != data.cFileName) {
            // Windows found a name that differs only in case: a different key, which cannot have a file of its own.
            if (!for_write) throw Error(TOTE_NOT_FOUND, "no such key");
            const std::string on_disk = narrow(data.cFileName);
            const std::optional<std::string> existing = decode_name(on_disk);
            throw Error(TOTE_CONFLICT, in_quotes(key) + " differs only in case from " +
                                           in_quotes(std::string(dir_of(so_far)) + (dir_of(so_far).empty() ? "" : "/") +
                                                     existing.value_or(on_disk)) +
                                           " (file " + narrow(data.cFileName) + "), and Windows file names do not tell "
                                           "case apart");
        }
        const bool directory = (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
        if (last) {
            place.exists = true;
            place.directory = directory;
            return place;
        }
        if (!directory) {
            if (!for_write) throw Error(TOTE_NOT_FOUND, "no such key");
            throw Error(TOTE_CONFLICT, in_quotes(so_far) + " is a key, so it cannot also be a prefix of " + in_quotes(key) +
                                           " (the json backend stores keys as files and prefixes as directories)");
        }
    }
    return place;
}

void JsonStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    read_range(key, 0, UINT64_MAX, sink, stat);
}

void JsonStore::read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                           plugin::Stat* stat) {
    const Place place = place_of(key, false, false);
    if (!place.exists) throw Error(TOTE_NOT_FOUND, "no such key");
    if (place.directory) throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is a prefix of other keys, not a key");
    // FILE_SHARE_DELETE: a writer may replace or remove the key while this reads the file it had.
    Handle file(::CreateFileW(place.path.c_str(), GENERIC_READ, kShareAll, nullptr, OPEN_EXISTING,
                              FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, nullptr));
    if (!file) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) throw Error(TOTE_NOT_FOUND, "no such key");
        throw_error("cannot open", path_of(key), err);
    }
    FileInfo info;
    if (DWORD err = info_of(file.get(), info)) throw_error("cannot stat", path_of(key), err);
    if (info.directory) throw Error(TOTE_NOT_FOUND, in_quotes(key) + " is a prefix of other keys, not a key");
    // Within the size seen at open, as on POSIX: the bytes and the version describe one state of the file.
    const uint64_t start = std::min(offset, info.size);
    const uint64_t end = start + std::min(length, info.size - start);
    thread_local std::vector<char> buffer;
    buffer.resize(static_cast<size_t>(std::clamp<uint64_t>(end - start, 64 * 1024, 1024 * 1024)));
    for (uint64_t done = start; done < end;) {
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>(done);
        at.OffsetHigh = static_cast<DWORD>(done >> 32);
        DWORD n = 0;
        const DWORD want = static_cast<DWORD>(std::min<uint64_t>(buffer.size(), end - done));
        if (!::ReadFile(file.get(), buffer.data(), want, &n, &at) && ::GetLastError() != ERROR_HANDLE_EOF)
            throw_error("cannot read", path_of(key), ::GetLastError());
        if (n == 0) throw Error(TOTE_IO, path_of(key) + " was truncated while being read");
        done += n;
        if (!sink.write(buffer.data(), n)) return;
    }
    if (stat) *stat = plugin::Stat{TOTE_KIND_KEY, info.size, info.mtime_ns, info.version};
}

plugin::Stat JsonStore::stat(std::string_view key) {
    const Place place = place_of(key, false, false);
    if (!place.exists) throw Error(TOTE_NOT_FOUND, "no such key");
    if (place.directory) {
        if (has_visible_key(place.path)) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0};
        throw Error(TOTE_NOT_FOUND, "no such key");
    }
    Handle file = open_meta(place.path);
    FileInfo info;
    if (!file) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) throw Error(TOTE_NOT_FOUND, "no such key");
        throw_error("cannot stat", path_of(key), err);
    }
    if (DWORD err = info_of(file.get(), info)) throw_error("cannot stat", path_of(key), err);
    return plugin::Stat{TOTE_KIND_KEY, info.size, info.mtime_ns, info.version};
}

const std::wstring& JsonStore::temp_dir() {
    std::lock_guard<std::mutex> hold(temp_dir_mutex_);
    if (temp_dir_.empty()) {
        const std::wstring path = wroot_ + L"\\" + kTempDir;
        if (!::CreateDirectoryW(path.c_str(), nullptr) && ::GetLastError() != ERROR_ALREADY_EXISTS)
            throw_error("cannot create the directory of temporary files", path_of(".tote-tmp"), ::GetLastError());
        temp_dir_ = path;
    }
    return temp_dir_;
}

void JsonStore::reclaim_temps() {
    const std::wstring dir = wroot_ + L"\\" + kTempDir;
    WIN32_FIND_DATAW data;
    HANDLE find = ::FindFirstFileW((dir + L"\\*").c_str(), &data);
    if (find == INVALID_HANDLE_VALUE) return;  // no write has made it yet
    const int64_t now = now_ns();
    do {
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        const Writer writer = writer_of(narrow(data.cFileName));
        if (writer == Writer::alive) continue;
        if (writer == Writer::unknown) {
            const int64_t ticks = static_cast<int64_t>(
                (static_cast<uint64_t>(data.ftLastWriteTime.dwHighDateTime) << 32) | data.ftLastWriteTime.dwLowDateTime);
            const int64_t mtime = (ticks - 116444736000000000LL) * 100;
            if (now - mtime < std::chrono::nanoseconds(kUnknownTempMaxAge).count()) continue;
        }
        ::DeleteFileW((dir + L"\\" + data.cFileName).c_str());  // fails while its writer still has it open
    } while (::FindNextFileW(find, &data));
    ::FindClose(find);
}

Handle JsonStore::write_temp(std::string_view key, std::string_view data, std::wstring& temp_path) {
    const std::wstring& dir = temp_dir();
    if ((writes_.fetch_add(1, std::memory_order_relaxed) + 1) % kReclaimEvery == 0) reclaim_temps();
    for (int attempt = 0;; ++attempt) {
        const std::wstring path = dir + L"\\" + widen(new_temp_name());
        Handle file(::CreateFileW(path.c_str(), GENERIC_WRITE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | DELETE,
                                  FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                                  nullptr));
        if (!file) {
            const DWORD err = ::GetLastError();
            if (err == ERROR_FILE_EXISTS && attempt < kAttempts) continue;
            throw_error("cannot create a temporary file for", path_of(key), err);
        }
        DWORD err = write_at(file.get(), 0, data.data(), data.size());
        if (err == ERROR_SUCCESS && durable_ && !::FlushFileBuffers(file.get())) err = ::GetLastError();
        if (err != ERROR_SUCCESS) {
            file = Handle();
            ::DeleteFileW(path.c_str());
            throw_error("cannot write", path_of(key), err);
        }
        temp_path = path;
        return file;
    }
}

DWORD JsonStore::move(const std::wstring& from, const std::wstring& to, DWORD flags, HANDLE from_handle) {
    for (int attempt = 0;; ++attempt) {
        if (::MoveFileExW(from.c_str(), to.c_str(), flags)) return ERROR_SUCCESS;
        const DWORD err = ::GetLastError();
        if (!busy_error(err)) return err;
        // The key's file is open elsewhere: Windows (classic semantics) cannot replace it, even when the holder
        // shares delete access, as tote's readers do. Windows 10's POSIX-semantics rename can: the holder keeps
        // the file it had, as on POSIX.
        if (from_handle != nullptr && (flags & MOVEFILE_REPLACE_EXISTING) && rename_posix(from_handle, to)) return ERROR_SUCCESS;
        if (attempt >= kShareRetries) return err;
        ::Sleep(1u << std::min(attempt, 6));  // wait for the holder to close it
    }
}

bool JsonStore::rename_posix(HANDLE file, const std::wstring& to) {
    std::vector<char> buffer(sizeof(FILE_RENAME_INFO) + to.size() * sizeof(wchar_t));
    auto* info = reinterpret_cast<FILE_RENAME_INFO*>(buffer.data());
    info->Flags = FILE_RENAME_FLAG_REPLACE_IF_EXISTS | FILE_RENAME_FLAG_POSIX_SEMANTICS;
    info->RootDirectory = nullptr;
    info->FileNameLength = static_cast<DWORD>(to.size() * sizeof(wchar_t));
    std::copy(to.begin(), to.end(), info->FileName);
    // FileRenameInfoEx is class 22; MinGW declares it only when building for Windows 10 alone, and this plugin
    // also runs on older Windows, where the call is refused and the caller falls back.
    constexpr auto kFileRenameInfoEx = static_cast<FILE_INFO_BY_HANDLE_CLASS>(22);
    if (!::SetFileInformationByHandle(file, kFileRenameInfoEx, info, static_cast<DWORD>(buffer.size()))) return false;
    if (durable_) ::FlushFileBuffers(file);  // the rename's metadata, as MOVEFILE_WRITE_THROUGH would
    return true;
}

uint64_t JsonStore::write(const plugin::WriteOp& op) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(op.key);
    for (int attempt = 0;; ++attempt) {
        const Place place = place_of(key, true, true);
        TempPath temp;
        Handle file = write_temp(key, op.value, temp.path);
        DWORD err = ERROR_SUCCESS;
        {
            Lock lock(*this);
            Handle current = open_meta(place.path);
            FileInfo info;
            const bool exists = current && info_of(current.get(), info) == ERROR_SUCCESS;
            current = Handle();
            if (op.if_version()) {
                if (!exists || info.directory) throw Error(TOTE_PRECONDITION_FAILED, "the key does not exist");
                if (info.version != op.expected_version)
                    throw Error(TOTE_PRECONDITION_FAILED, "the key has another version");
            }
            if (exists && info.directory) {
                // An empty directory left in the way (no key under it) is not a prefix: take it away.
                if (has_visible_key(place.path) || !::RemoveDirectoryW(place.path.c_str()))
                    throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key " +
                                                   "(the json backend stores keys as files and prefixes as directories)");
            }
            // Later than the value it replaces (from the metadata read above: one open of the key per write).
            const int64_t floor = exists && !info.directory ? info.mtime_ns + kTick : 0;
            if (DWORD stamp_err = set_mtime(file.get(), std::max(now_ns(), floor)))
                throw_error("cannot set the modification time of", path_of(key), stamp_err);
            err = move(temp.path, place.path,
                       op.create_only() ? MOVEFILE_WRITE_THROUGH : MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
                       file.get());
            if (err == ERROR_SUCCESS) temp.path.clear();
        }
        if (err == ERROR_PATH_NOT_FOUND && attempt < kAttempts) continue;  // a recursive remove took the directory
        if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
        if (busy_error(err))
            throw Error(TOTE_BUSY, "cannot replace " + path_of(key) + ": another program has it open without " +
                                       "allowing it to be replaced or deleted (Windows error " + std::to_string(err) +
                                       "); the old value is unchanged");
        if (err != ERROR_SUCCESS) throw_error("cannot publish", path_of(key), err);
        FileInfo written;
        if (DWORD stat_err = info_of(file.get(), written)) throw_error("cannot stat", path_of(key), stat_err);
        return written.version;
    }
}

HANDLE JsonStore::append_journal() {
    if (!journal_) {
        journal_ = Handle(::CreateFileW((wroot_ + L"\\" + kAppendJournal).c_str(), GENERIC_READ | GENERIC_WRITE,
                                        kShareAll, nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
        if (!journal_) throw_error("cannot open the append journal", path_of(".tote-append"), ::GetLastError());
    }
    return journal_.get();
}

void JsonStore::recover_append() {
    const HANDLE journal = append_journal();
    char text[2 * TOTE_KEY_MAX];
    OVERLAPPED at{};
    DWORD n = 0;
    if (!::ReadFile(journal, text, sizeof text - 1, &n, &at) || n == 0) return;
    text[n] = '\0';
    if (const std::optional<AppendRecord> record = parse_append_record(text)) {
        const auto& [old_size, new_size, key] = *record;
        // Cut back only a value that stopped part-way into that append (see json_store.cpp).
        try {
            const Place place = place_of(key, false, false);
            Handle file(::CreateFileW(place.path.c_str(), GENERIC_WRITE | FILE_READ_ATTRIBUTES, kShareAll, nullptr,
                                      OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
            FileInfo info;
            if (file && info_of(file.get(), info) == ERROR_SUCCESS && !info.directory && info.size > old_size &&
                info.size < new_size && set_length(file.get(), old_size) == ERROR_SUCCESS && durable_)
                ::FlushFileBuffers(file.get());
        } catch (const Error&) {
            // The key is gone: nothing to cut back.
        }
    }
    if (set_length(journal, 0) == ERROR_SUCCESS && durable_) ::FlushFileBuffers(journal);
}

plugin::AppendResult JsonStore::append(const plugin::AppendOp& op) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(op.key);
    const std::string_view data = op.data;
    Lock lock(*this);
    recover_append();
    for (int attempt = 0;; ++attempt) {
        const Place place = place_of(key, true, true);
        if (place.exists && place.directory)
            throw Error(TOTE_CONFLICT, in_quotes(key) + " is a prefix of other keys, so it cannot also be a key");
        if (place.exists) {
            // Written at the size seen, under the commit lock that every tote writer takes.
            Handle file(::CreateFileW(place.path.c_str(), GENERIC_READ | GENERIC_WRITE, kShareAll, nullptr,
                                      OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
            if (!file) {
                const DWORD err = ::GetLastError();
                if (err == ERROR_FILE_NOT_FOUND && attempt < kAttempts) continue;
                throw_error("cannot open", path_of(key), err);
            }
            FileInfo before;
            if (DWORD err = info_of(file.get(), before)) throw_error("cannot stat", path_of(key), err);
            if (op.if_size() && before.size != op.expected_size)
                throw Error(TOTE_PRECONDITION_FAILED, "the value is " + std::to_string(before.size) +
                                                          " bytes long, not " + std::to_string(op.expected_size));
            const HANDLE journal = append_journal();
            const std::string entry = append_record(before.size, data.size(), key);
            DWORD err = write_at(journal, 0, entry.data(), entry.size());
            if (err == ERROR_SUCCESS) err = set_length(journal, entry.size());
            if (err == ERROR_SUCCESS && durable_ && !::FlushFileBuffers(journal)) err = ::GetLastError();
            if (err != ERROR_SUCCESS) throw_error("cannot write the append journal", path_of(".tote-append"), err);
            err = write_at(file.get(), before.size, data.data(), data.size());
            if (err == ERROR_SUCCESS && durable_ && !::FlushFileBuffers(file.get())) err = ::GetLastError();
            if (err != ERROR_SUCCESS) {
                if (set_length(file.get(), before.size) == ERROR_SUCCESS && durable_) ::FlushFileBuffers(file.get());
                set_length(journal, 0);
                throw_error("cannot append to", path_of(key), err);
            }
            if (DWORD stamp_err = set_mtime(file.get(), std::max(now_ns(), before.mtime_ns + kTick)))
                throw_error("cannot set the modification time of", path_of(key), stamp_err);
            set_length(journal, 0);  // no flush needed: recovery leaves a complete append alone
            FileInfo after;
            if (DWORD stat_err = info_of(file.get(), after)) throw_error("cannot stat", path_of(key), stat_err);
            return plugin::AppendResult{before.size, after.version};
        }
        if (op.if_size() && op.expected_size != 0)
            throw Error(TOTE_PRECONDITION_FAILED,
                        "the key does not exist (expected " + std::to_string(op.expected_size) + " bytes)");
        // A new key: published whole, as a create-only write is.
        TempPath temp;
        Handle file = write_temp(key, data, temp.path);
        if (DWORD err = set_mtime(file.get(), now_ns())) throw_error("cannot set the modification time of", path_of(key), err);
        const DWORD err = move(temp.path, place.path, MOVEFILE_WRITE_THROUGH);
        if (err == ERROR_SUCCESS) {
            temp.path.clear();
            FileInfo made;
            if (DWORD stat_err = info_of(file.get(), made)) throw_error("cannot stat", path_of(key), stat_err);
            return plugin::AppendResult{0, made.version};
        }
        if (err != ERROR_ALREADY_EXISTS && err != ERROR_FILE_EXISTS && err != ERROR_PATH_NOT_FOUND)
            throw_error("cannot publish", path_of(key), err);
        if (attempt >= kAttempts) throw_error("cannot publish", path_of(key), err);
        // Someone outside tote created it meanwhile: append to theirs.
    }
}

void JsonStore::prune_parents(std::string_view key) {
    for (std::string_view dir = dir_of(key); !dir.empty(); dir = dir_of(dir))
        if (!::RemoveDirectoryW(dir_path(dir).c_str())) break;  // not empty (or gone): stop
}

void JsonStore::remove(std::string_view key_view, bool recursive) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string key(key_view);
    Lock lock(*this);
    const Place place = place_of(key, false, false);
    if (!place.exists) throw Error(TOTE_NOT_FOUND, "no such key");
    if (place.directory) {
        if (!recursive)
            throw Error(TOTE_NOT_FOUND,
                        in_quotes(key) + " is not a key but a prefix; remove it recursively to remove the keys under it");
        const size_t removed = remove_tree(place.path, path_of(key));
        prune_parents(key);
        if (removed == 0) throw Error(TOTE_NOT_FOUND, "no key under " + in_quotes(key));
        return;
    }
    for (int attempt = 0;; ++attempt) {
        if (::DeleteFileW(place.path.c_str())) break;
        const DWORD err = ::GetLastError();
        if (err == ERROR_SHARING_VIOLATION && attempt < kShareRetries) {
            ::Sleep(1u << std::min(attempt, 6));
            continue;
        }
        if (err == ERROR_SHARING_VIOLATION)
            throw Error(TOTE_BUSY, "cannot remove " + path_of(key) + ": another program has it open without allowing "
                                                                      "it to be deleted; the key is unchanged");
        throw_error("cannot remove", path_of(key), err);
    }
    prune_parents(key);
}

void JsonStore::rename(std::string_view from_view, std::string_view to_view, bool replace) {
    if (read_only_) throw Error(TOTE_PERMISSION_DENIED, "the store is open read-only");
    const std::string from(from_view), to(to_view);
    Lock lock(*this);
    const Place source = place_of(from, false, false);
    if (!source.exists) throw Error(TOTE_NOT_FOUND, "no such key: " + in_quotes(from));
    if (source.directory) throw Error(TOTE_NOT_FOUND, in_quotes(from) + " is not a key (only keys can be renamed)");
    if (from == to) return;
    const Place target = place_of(to, true, true);
    if (target.exists) {
        if (target.directory) {
            if (has_visible_key(target.path) || !::RemoveDirectoryW(target.path.c_str()))
                throw Error(TOTE_CONFLICT, in_quotes(to) + " is a prefix of other keys, so it cannot also be a key");
        } else if (!replace) {
            throw Error(TOTE_ALREADY_EXISTS, "the destination " + in_quotes(to) + " already exists");
        }
    }
    const DWORD err = move(source.path, target.path,
                           (replace ? MOVEFILE_REPLACE_EXISTING : 0) | MOVEFILE_WRITE_THROUGH);
    if (err != ERROR_SUCCESS) {
        prune_parents(to);  // undo directories made for a rename that did not happen
        if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS)
            throw Error(TOTE_ALREADY_EXISTS, "the destination " + in_quotes(to) + " already exists");
        if (busy_error(err))
            throw Error(TOTE_BUSY, "cannot rename " + path_of(from) + " to " + path_of(to) + ": another program has " +
                                       "one of them open (Windows error " + std::to_string(err) + ")");
        throw_error("cannot rename " + path_of(from) + " to", path_of(to), err);
    }
    prune_parents(from);
}

bool JsonStore::has_visible_key(const std::wstring& dir) {
    for (const Entry& e : read_dir(dir, narrow(dir))) {
        if (!e.is_dir()) return true;
        if (has_visible_key(dir + L"\\" + e.name)) return true;
    }
    return false;
}

struct JsonStore::ListState {
    const plugin::ListParams& params;
    plugin::EntrySink& out;
};

// As json_list.cpp's list_dir: entries sorted with '/' after directories, start_after found by binary search.
bool JsonStore::list_dir(ListState& state, const std::string& dir_key) {
    std::wstring dir = wroot_;
    if (!dir_key.empty()) {
        try {
            const Place place = place_of(std::string_view(dir_key).substr(0, dir_key.size() - 1), false, false);
            if (!place.exists || !place.directory) return true;  // a prefix naming a key or nothing has nothing under it
            dir = place.path;
        } catch (const Error& e) {
            if (e.status() == TOTE_NOT_FOUND) return true;
            throw;
        }
    }
    const std::vector<Entry> entries = read_dir(dir, path_of(dir_key));
    const std::string_view after = state.params.start_after;
    auto first = entries.begin();
    if (!after.empty()) {
        if (after.substr(0, dir_key.size()) == dir_key) {
            const std::string_view rest = after.substr(dir_key.size());
            first = std::upper_bound(entries.begin(), entries.end(), rest,
                                     [](std::string_view r, const Entry& e) { return r < std::string_view(e.sorts_as); });
            if (state.params.recursive && first != entries.begin() && std::prev(first)->is_dir() &&
                rest.substr(0, std::prev(first)->sorts_as.size()) == std::prev(first)->sorts_as)
                --first;  // start_after lies inside this directory
        } else if (after > dir_key) {
            return true;
        }
    }
    std::string key = dir_key;
    for (auto it = first; it != entries.end(); ++it) {
        key.resize(dir_key.size());
        key += it->sorts_as;
        if (!it->is_dir()) {
            if (!state.out.emit(key, TOTE_KIND_KEY)) return false;
        } else if (state.params.recursive) {
            if (!list_dir(state, key)) return false;
        } else if (has_visible_key(dir + L"\\" + it->name)) {
            if (!state.out.emit(key, TOTE_KIND_PREFIX)) return false;
        }
    }
    return true;
}

void JsonStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    ListState state{params, out};
    list_dir(state, std::string(params.prefix));
}

void JsonStore::drop(const plugin::OpenParams& params) {
    const std::string& root = params.location;
    std::wstring w = widen(root);
    std::replace(w.begin(), w.end(), L'/', L'\\');
    const std::filesystem::path path(w);
    if (root.empty() || !path.is_absolute() || path == path.root_path())
        throw Error(TOTE_INVALID_ARGUMENT, "the location must be an absolute directory path, not '" + root + "'");
    const DWORD attributes = ::GetFileAttributesW(w.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) throw Error(TOTE_NOT_FOUND, "no such directory: " + root);
        throw_error("cannot stat", root, err);
    }
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY) || (attributes & FILE_ATTRIBUTE_REPARSE_POINT))
        throw Error(TOTE_CORRUPT, root + " is not a directory, so it is not a json store; nothing was removed");
    // As on POSIX (json_admin.cpp): only a directory tote wrote to, or one with nothing but tote's own files.
    std::error_code ec;
    bool empty = true;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().wstring().rfind(L".tote", 0) != 0) empty = false;
    if (ec) throw Error(TOTE_IO, "cannot read directory " + root + ": " + ec.message());
    if (!empty && ::GetFileAttributesW((w + L"\\.tote-lock").c_str()) == INVALID_FILE_ATTRIBUTES)
        throw Error(TOTE_CORRUPT, root + " holds files but no .tote-lock, so tote never wrote to it: it does not "
                                         "look like a json store, and nothing was removed (remove it yourself if "
                                         "that is what you want)");
    // Windows cannot remove a file that is open: a store open in this or another process (which holds .tote-lock
    // open from its first change on) is refused as busy with nothing removed, as sqlite's drop is.
    const std::wstring lock_path = w + L"\\.tote-lock";
    Handle lock(::CreateFileW(lock_path.c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!lock && ::GetLastError() == ERROR_SHARING_VIOLATION)
        throw Error(TOTE_BUSY, root + " is open (in this or another process): close it first; nothing was removed");
    lock = Handle();
    std::wstring long_path = w.rfind(L"\\\\", 0) == 0 ? w : L"\\\\?\\" + w;
    while (long_path.back() == L'\\') long_path.pop_back();
    remove_tree(long_path, root);
}

std::string JsonStore::info() {
    return "{\"engine\": \"json (a directory, one file per key)\", \"path\": " + first_party::json_string(root_) +
           ", \"fsync\": " + (durable_ ? "true" : "false") + ", \"read_only\": " + (read_only_ ? "true" : "false") +
           "}";
}

}  // namespace tote::json_plugin
