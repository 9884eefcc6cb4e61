// SPDX-License-Identifier: Apache-2.0
// raw_stream.cpp — the raw references of the stream workload (see raw_stream.hpp).
#include "raw_stream.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace tote::bench {

namespace {

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), sql);
    return stmt;
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

RawSqliteStream::RawSqliteStream(const std::string& path, const std::string& synchronous) {
    check(db_, sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr),
          "open");
    // The plugin's schema and settings (plugins/sqlite/sqlite_open.cpp).
    check(db_, sqlite3_exec(db_, "CREATE TABLE IF NOT EXISTS tote_kv(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
                                 "version INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, expires_ns INTEGER, "
                                 "value BLOB NOT NULL); PRAGMA journal_mode=WAL",
                          nullptr, nullptr, nullptr),
          "schema");
    check(db_, sqlite3_exec(db_, ("PRAGMA synchronous=" + synchronous).c_str(), nullptr, nullptr, nullptr), "pragma");
    select_ = prepare(db_, "SELECT value FROM tote_kv WHERE key = ?1");
    meta_ = prepare(db_, "SELECT id, length(value) FROM tote_kv WHERE key = ?1");
    upsert_ = prepare(db_, "INSERT INTO tote_kv(key, value, version, mtime_ns) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(key) "
                           "DO UPDATE SET value = excluded.value, version = excluded.version, "
                           "mtime_ns = excluded.mtime_ns");
}

RawSqliteStream::~RawSqliteStream() {
    sqlite3_finalize(select_);
    sqlite3_finalize(meta_);
    sqlite3_finalize(upsert_);
    sqlite3_close_v2(db_);
}

bool RawSqliteStream::append_if_size(std::string_view key, std::string_view data, uint64_t expected_size) {
    check(db_, sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    std::string value;
    sqlite3_bind_text(select_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    if (sqlite3_step(select_) == SQLITE_ROW)
        value.assign(static_cast<const char*>(sqlite3_column_blob(select_, 0)),
                     static_cast<size_t>(sqlite3_column_bytes(select_, 0)));
    sqlite3_reset(select_);
    if (value.size() != expected_size) {
        check(db_, sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr), "rollback");
        return false;
    }
    value.append(data);
    version_ = version_ * 6364136223846793005ULL + 1442695040888963407ULL;
    sqlite3_bind_text(upsert_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(upsert_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(upsert_, 3, static_cast<int64_t>(version_ | 1));
    sqlite3_bind_int64(upsert_, 4, now_ns());
    check(db_, sqlite3_step(upsert_), "upsert");
    sqlite3_reset(upsert_);
    check(db_, sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), "commit");
    return true;
}

void RawSqliteStream::read_range(std::string_view key, uint64_t offset, uint64_t length, std::string& out) {
    sqlite3_bind_text(meta_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    if (sqlite3_step(meta_) != SQLITE_ROW) throw std::runtime_error("no such key");
    const uint64_t size = static_cast<uint64_t>(sqlite3_column_int64(meta_, 1));
    const uint64_t start = std::min(offset, size), end = start + std::min(length, size - start);
    out.resize(static_cast<size_t>(end - start));
    sqlite3_blob* blob = nullptr;
    check(db_, sqlite3_blob_open(db_, "main", "tote_kv", "value", sqlite3_column_int64(meta_, 0), 0, &blob), "blob");
    check(db_, sqlite3_blob_read(blob, out.data(), static_cast<int>(out.size()), static_cast<int>(start)), "read");
    sqlite3_blob_close(blob);
    sqlite3_reset(meta_);
}

namespace raw_files {

bool append_if_size(int dir_fd, const std::string& name, std::string_view data, uint64_t expected_size) {
    static int lock = -1;  // kept open, as the plugin keeps its commit lock file open
    if (lock < 0) lock = ::openat(dir_fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("lock");
    bool done = false;
    const int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    struct stat st;
    if (fd >= 0 && ::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) == expected_size) {
        const int journal = ::openat(dir_fd, ".journal", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        const std::string entry = std::to_string(st.st_size) + " " + std::to_string(st.st_size + data.size()) + " " + name + "\n";
        if (journal < 0 || ::pwrite(journal, entry.data(), entry.size(), 0) != static_cast<ssize_t>(entry.size()))
            throw std::runtime_error("journal");
        if (::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) throw std::runtime_error("write");
        if (::ftruncate(journal, 0) != 0) throw std::runtime_error("journal");
        ::close(journal);
        done = true;
    }
    if (fd >= 0) ::close(fd);
    ::flock(lock, LOCK_UN);
    return done;
}

void read_range(int dir_fd, const std::string& name, uint64_t offset, uint64_t length, std::string& out) {
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + name);
    struct stat st;
    if (::fstat(fd, &st) != 0) throw std::runtime_error("fstat");
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const uint64_t start = std::min(offset, size), end = start + std::min(length, size - start);
    out.resize(static_cast<size_t>(end - start));
    if (::pread(fd, out.data(), out.size(), static_cast<off_t>(start)) != static_cast<ssize_t>(out.size()))
        throw std::runtime_error("pread");
    ::close(fd);
}

}  // namespace raw_files

}  // namespace tote::bench
