// SPDX-License-Identifier: Apache-2.0
// raw_sqlite.hpp — the reference tote's sqlite plugin is measured against: the SQLite C API on the same schema,
// the same pragmas (WAL, the same synchronous level) and prepared statements reused for every call, with nothing
// of tote in between.
#ifndef TOTE_BENCH_RAW_SQLITE_HPP
#define TOTE_BENCH_RAW_SQLITE_HPP

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tote::bench {

class RawSqlite {
public:
    RawSqlite(const std::string& path, const std::string& synchronous);
    ~RawSqlite();
    RawSqlite(const RawSqlite&) = delete;
    RawSqlite& operator=(const RawSqlite&) = delete;

    void begin();
    void commit();
    // The plugin's plain write: insert or replace, with a fresh version and the time.
    void put(std::string_view key, std::string_view value);
    // The value of key into out; false if absent.
    bool get(std::string_view key, std::string& out);
    // Steps through every key under prefix in order; returns how many.
    long count_keys(const std::string& prefix);

private:
    void exec(const char* sql);
    sqlite3* db_ = nullptr;
    sqlite3_stmt* upsert_ = nullptr;
    sqlite3_stmt* select_ = nullptr;
    sqlite3_stmt* range_ = nullptr;
    uint64_t version_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_SQLITE_HPP
