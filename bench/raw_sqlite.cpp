// SPDX-License-Identifier: Apache-2.0
// raw_sqlite.cpp — the bare SQLite reference (see raw_sqlite.hpp).
#include "raw_sqlite.hpp"

#include <sqlite3.h>

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

}  // namespace

RawSqlite::RawSqlite(const std::string& path, const std::string& synchronous) {
    check(db_, sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr),
          "open");
    // The plugin's schema and settings (plugins/sqlite/sqlite_open.cpp).
    exec("CREATE TABLE IF NOT EXISTS tote_kv(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, "
         "mtime_ns INTEGER NOT NULL, expires_ns INTEGER, value BLOB NOT NULL)");
    exec("PRAGMA journal_mode=WAL");
    exec(("PRAGMA synchronous=" + synchronous).c_str());
    sqlite3_busy_timeout(db_, 5000);
    upsert_ = prepare(db_,
                      "INSERT INTO tote_kv(key, value, version, mtime_ns) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(key) DO "
                      "UPDATE SET value = excluded.value, version = excluded.version, mtime_ns = excluded.mtime_ns");
    select_ = prepare(db_, "SELECT value, version, mtime_ns FROM tote_kv WHERE key = ?1");
    range_ = prepare(db_, "SELECT key FROM tote_kv WHERE key >= ?1 ORDER BY key");
}

RawSqlite::~RawSqlite() {
    sqlite3_finalize(upsert_);
    sqlite3_finalize(select_);
    sqlite3_finalize(range_);
    sqlite3_close_v2(db_);
}

void RawSqlite::exec(const char* sql) { check(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }
void RawSqlite::begin() { exec("BEGIN IMMEDIATE"); }
void RawSqlite::commit() { exec("COMMIT"); }

void RawSqlite::put(std::string_view key, std::string_view value) {
    version_ = version_ * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    sqlite3_bind_text(upsert_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(upsert_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(upsert_, 3, static_cast<int64_t>(version_ | 1));
    sqlite3_bind_int64(upsert_, 4, now);
    check(db_, sqlite3_step(upsert_), "insert");
    sqlite3_reset(upsert_);
}

bool RawSqlite::get(std::string_view key, std::string& out) {
    sqlite3_bind_text(select_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(select_);
    check(db_, rc, "select");
    const bool found = rc == SQLITE_ROW;
    if (found)
        out.assign(static_cast<const char*>(sqlite3_column_blob(select_, 0)),
                   static_cast<size_t>(sqlite3_column_bytes(select_, 0)));
    sqlite3_reset(select_);
    return found;
}

long RawSqlite::count_keys(const std::string& prefix) {
    long n = 0;
    sqlite3_bind_text(range_, 1, prefix.data(), static_cast<int>(prefix.size()), SQLITE_STATIC);
    for (int rc; (rc = sqlite3_step(range_)) == SQLITE_ROW;) {
        const char* key = reinterpret_cast<const char*>(sqlite3_column_text(range_, 0));
        if (std::string_view(key, static_cast<size_t>(sqlite3_column_bytes(range_, 0))).compare(0, prefix.size(), prefix) != 0)
            break;
        ++n;
    }
    sqlite3_reset(range_);
    return n;
}

}  // namespace tote::bench
