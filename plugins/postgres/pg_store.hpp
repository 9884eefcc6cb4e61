// SPDX-License-Identifier: Apache-2.0
// pg_store.hpp — PgStore, one open tote store: one table in a PostgreSQL database, reached through a pool of
// connections. TOTE_PLUGIN_ENTRY turns this class into the C function table (tote/plugin.hpp gives the method
// contracts). open() is in pg_open.cpp, the operations in pg_store.cpp; README.md says what is atomic and durable.
//
// The table (one per store; the name is option `table`, in option `schema`):
//
//   CREATE TABLE <schema>.<table> (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL,
//                                  version BIGINT NOT NULL, mtime_ns BIGINT NOT NULL, expires_ns BIGINT)
//   CREATE INDEX ON <schema>.<table> (expires_ns) WHERE expires_ns IS NOT NULL
//
// expires_ns (ABI 1.1, TOTE_CAP_EXPIRY) is NULL for a value that never expires. Tables made by tote 0.1 lack it: a
// writable open adds it when the role may (ALTER TABLE); otherwise the store works as before, and a write with an
// expiry is refused as unsupported, saying what its owner should run.
#ifndef TOTE_PG_STORE_HPP
#define TOTE_PG_STORE_HPP

#include "pg_pool.hpp"

#include <tote/plugin.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tote::postgres_plugin {

// Option names and defaults, shared by the option table in pg_plugin.cpp and the parsing in open().
inline constexpr const char* kOptionTable = "table";
inline constexpr const char* kDefaultTable = "tote_kv";
inline constexpr const char* kOptionSchema = "schema";
inline constexpr const char* kDefaultSchema = "public";
inline constexpr const char* kOptionPoolSize = "pool_size";
inline constexpr int64_t kDefaultPoolSize = 4;
inline constexpr int64_t kMaxPoolSize = 64;
inline constexpr const char* kOptionConnectTimeout = "connect_timeout_ms";
inline constexpr int64_t kDefaultConnectTimeoutMs = 5000;
inline constexpr const char* kOptionTimeout = "timeout_ms";
inline constexpr int64_t kDefaultTimeoutMs = 30000;
inline constexpr const char* kOptionRetries = "retries";
inline constexpr int64_t kDefaultRetries = 3;
inline constexpr int64_t kMaxRetries = 10;  // 100 ms doubling: ten retries already wait 102 s in all

// The SQL of one store, with its table's quoted name built in: each connection prepares these on first use.
// "Live" rows are those not expired at the time passed as the statement's last "now" parameter; without an
// expires_ns column (expiry false) every row is live and expires_ns reads as NULL.
struct Sql;
struct Statements {
    Statements(const std::string& table, bool expiry);  // table: "schema"."table", quoted
    Statements(const std::string& table, const Sql& sql);
    bool expiry;               // the table has expires_ns
    Statement read;            // value, version, mtime_ns, expires_ns of a live key ($2 now)
    Statement read_range;      // a substring of the value ($2 from, 1-based; $3 count), length, version, mtime_ns,
                               // expires_ns of a live key ($4 now)
    Statement meta;            // length(value), version, mtime_ns, expires_ns of a live key ($2 now)
    Statement any_in;          // 1 if any live key lies in [$1, $2) ($3 now)
    Statement any_expiring;    // 1 if any row has an expiry
    Statement page_from;       // keys >= $1, in key order, at most $2 of them
    Statement page_range;      // keys in [$1, $2), in key order, at most $3 of them
    Statement live_page_from;  // the same, live keys only ($3 now)
    Statement live_page_range; // ($4 now)
    Statement upsert;          // insert or replace ($5 expires_ns or NULL)
    Statement insert_new;      // insert unless a live row is present (create-only; $6 now)
    Statement update_if;       // replace a live row at an expected version ($6 version, $7 now)
    Statement append;          // insert, or concatenate onto the live value; returns the new length ($5 now)
    Statement append_at_zero;  // the same, only onto an absent, expired or empty value
    Statement append_at_size;  // concatenate onto a live value of exactly $6 bytes
    Statement remove_key;      // the key $1 ($2 now): returns whether the removed row was live
    Statement remove_tree;     // the key $1 and every key in [$2, $3) ($4 now), likewise
    Statement lock_key;        // version of key $1, locking the row (FOR UPDATE)
    Statement copy_replace;    // copy the row of $1 to key $2, replacing it
    Statement copy_new;        // copy the row of $1 to key $2 unless a live $2 exists ($3 now)
    Statement purge;           // delete up to 256 expired rows ($1 now)
};

class PgStore {
public:
    static constexpr bool batch_removes = true;  // write_batch() takes remove ops (ABI 1.1)
    static std::unique_ptr<PgStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    void read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                    plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    void remove(std::string_view key, bool recursive);
    plugin::AppendResult append(const plugin::AppendOp& op);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    // tote.query/1 (pg_query.cpp): the filter as SQL over jsonb, in the server.
    void query(const plugin::QueryParams& params, plugin::MatchSink& out);
    void rename(std::string_view from, std::string_view to, bool replace);
    void write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index);

    // tote.admin/1 (pg_open.cpp): drop is DROP TABLE of a table that is a tote store; info describes the server
    // and the table.
    static void drop(const plugin::OpenParams& params);
    std::string info();

    // Public only for std::unique_ptr's sake; open() is the way in, with the table checked (or created) and one
    // connection already in the pool.
    PgStore(std::unique_ptr<Pool> pool, const std::string& table, const std::string& name, bool expiry);

private:
    // The statement and parameters of one write op; the version is drawn by the caller.
    const Statement& write_statement(const plugin::WriteOp& op) const;
    void bind_write(Params& params, const plugin::WriteOp& op, uint64_t version, int64_t mtime_ns) const;
    // Keys in key order from lower (inclusive), below upper if it is not empty, at most limit of them; only live
    // ones if filter.
    std::vector<std::string> page(const std::string& lower, const std::string& upper, int64_t limit, bool filter);
    uint64_t next_version();
    Params& now(Params& params) const;  // appends the current time, where the statements take one
    void check_expiry(const plugin::WriteOp& op) const;
    void purge_now_and_then();  // every 1,000th write purges some expired rows

    std::unique_ptr<Pool> pool_;
    const Statements sql_;
    const std::string table_;  // "schema"."table", quoted, for the SQL built per query
    const std::string name_;   // schema.table, for messages
    std::mutex versions_mutex_;
    std::mt19937_64 versions_;  // source of the opaque, non-zero version tags
    std::atomic<uint64_t> writes_{0};
};

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_STORE_HPP
