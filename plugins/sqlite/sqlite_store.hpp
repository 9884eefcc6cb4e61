// SPDX-License-Identifier: Apache-2.0
// sqlite_store.hpp — SqliteStore, one open tote store in one SQLite database file: the class that
// TOTE_PLUGIN_ENTRY turns into the C function table (see tote/plugin.hpp for the method contracts).
//
// All data lives in one table, tote_kv(id, key, value, version, mtime_ns, expires_ns). open() is in sqlite_open.cpp (which
// also holds the schema), the operations in sqlite_store.cpp; README.md says what is atomic and durable.
#ifndef TOTE_SQLITE_STORE_HPP
#define TOTE_SQLITE_STORE_HPP

#include "sqlite_db.hpp"

#include <tote/plugin.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// A row that has not expired at time ?9 (bound by each statement using it).
#define LIVE_AT_9 "(expires_ns IS NULL OR expires_ns > ?9)"

namespace tote::sqlite_plugin {

// Option names and defaults, shared by the option table in sqlite_plugin.cpp and the parsing in open().
inline constexpr const char* kOptionSynchronous = "synchronous";
inline constexpr const char* kDefaultSynchronous = "full";  // every commit is durable
inline constexpr const char* kOptionBusyTimeout = "busy_timeout_ms";
inline constexpr int64_t kDefaultBusyTimeoutMs = 5000;

class SqliteStore {
public:
    static constexpr bool batch_removes = true;  // write_batch() takes remove ops (ABI 1.1)
    static std::unique_ptr<SqliteStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    void read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                    plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    void remove(std::string_view key, bool recursive);
    plugin::AppendResult append(const plugin::AppendOp& op);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    // tote.query/1 (sqlite_query.cpp): the filter as SQL over SQLite's JSON functions.
    void query(const plugin::QueryParams& params, plugin::MatchSink& out);
    void rename(std::string_view from, std::string_view to, bool replace);
    void write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index);

    // tote.admin/1 (sqlite_open.cpp): drop removes a tote store's file with its -wal, -shm and -journal, and
    // nothing that is not a tote store; info describes the open store.
    static void drop(const plugin::OpenParams& params);
    std::string info();

    // Public only for std::unique_ptr's sake; open() is the way in. Prepares the statements on an open connection
    // whose schema open() has already checked: the writing ones only if writable (a read-only store of schema
    // version 1 is read through a view, which takes no writes).
    SqliteStore(std::unique_ptr<Connection> db, bool writable);

private:
    uint64_t write_one(const plugin::WriteOp& op);  // write() without a transaction of its own (batch, append)
    void put(std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns, int64_t expires_ns);
    bool has_key(std::string_view key);         // a live key
    bool has_keys_under(std::string_view key);  // any live key in [key + "/", key + "0")
    bool any_expiring();                        // any row with an expiry, expired or not
    void purge_expired();                       // deletes some expired rows
    int64_t delete_counting_live(Statement& statement);
    void check_value_size(std::string_view key, uint64_t size) const;
    uint64_t next_version();

    // Declared first, destroyed last: every statement below is finalized before the connection closes.
    std::unique_ptr<Connection> db_;
    Statement select_value_;           // value, version, mtime_ns, expires_ns of a live key
    Statement select_meta_;            // length(value), version, mtime_ns, expires_ns, id of a live key
    Statement select_any_in_;          // 1 if any live key lies in [?1, ?2)
    Statement select_keys_from_;       // keys >= ?1, in key order (listing a store where nothing expires)
    Statement select_live_keys_from_;  // live keys >= ?1, in key order (listing where something may expire)
    Statement select_any_expiring_;    // 1 if any row has an expiry
    // Writing (prepared only when writable; the host sends no write to a read-only store).
    struct Writes {
        explicit Writes(Connection& db);
        Statement upsert;         // insert or replace
        Statement insert_new;     // insert unless a live row is present (create-only)
        Statement update_if;      // replace only a live row at an expected version (compare-version)
        Statement delete_key;
        Statement delete_range;   // keys in [?1, ?2)
        Statement rename_key;
        Statement purge_expired;  // deletes up to 256 expired rows
    };
    std::unique_ptr<Writes> w_;
    std::mt19937_64 versions_;         // source of the opaque, non-zero version tags
    bool query_function_ = false;      // tote_escaped() is registered on the connection (sqlite_query.cpp)
    uint64_t writes_ = 0;              // plain writes through this handle (every 1,000th purges)
};

}  // namespace tote::sqlite_plugin

#endif  // TOTE_SQLITE_STORE_HPP
