// pg_store.hpp — PgStore, one open tote store: one table in a PostgreSQL database, reached through a pool of
// connections. TOTE_PLUGIN_ENTRY turns this class into the C function table (tote/plugin.hpp gives the method
// contracts). open() is in pg_open.cpp, the operations in pg_store.cpp; README.md says what is atomic and durable.
//
// The table (one per store; the name is option `table`, in option `schema`):
//
//   CREATE TABLE <schema>.<table> (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL,
//                                  version BIGINT NOT NULL, mtime_ns BIGINT NOT NULL)
#ifndef TOTE_PG_STORE_HPP
#define TOTE_PG_STORE_HPP

#include "pg_pool.hpp"

#include <tote/plugin.hpp>

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
struct Statements {
    explicit Statements(const std::string& table);  // table: "schema"."table", quoted
    Statement read;           // value, version, mtime_ns of a key
    Statement meta;           // length(value), version, mtime_ns of a key
    Statement any_in;         // 1 if any key lies in [$1, $2)
    Statement page_from;      // keys >= $1, in key order, at most $2 of them
    Statement page_range;     // keys in [$1, $2), in key order, at most $3 of them
    Statement upsert;         // insert or replace
    Statement insert_new;     // insert unless present (create-only)
    Statement update_if;      // replace only at an expected version (compare-version)
    Statement append;         // insert, or concatenate onto the present value
    Statement remove_key;     // the key $1
    Statement remove_tree;    // the key $1 and every key in [$2, $3)
    Statement lock_key;       // version of key $1, locking the row (FOR UPDATE)
    Statement copy_replace;   // copy the row of $1 to key $2, replacing it
    Statement copy_new;       // copy the row of $1 to key $2 unless $2 exists
};

class PgStore {
public:
    static std::unique_ptr<PgStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    void remove(std::string_view key, bool recursive);
    void append(std::string_view key, std::string_view data);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    void rename(std::string_view from, std::string_view to, bool replace);
    void write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index);

    // Public only for std::unique_ptr's sake; open() is the way in, with the table checked (or created) and one
    // connection already in the pool.
    PgStore(std::unique_ptr<Pool> pool, const std::string& table);

private:
    // The statement and parameters of one write op; the version is drawn by the caller.
    const Statement& write_statement(const plugin::WriteOp& op) const;
    void bind_write(Params& params, const plugin::WriteOp& op, uint64_t version, int64_t mtime_ns) const;
    // Keys in key order from lower (inclusive), below upper if it is not empty, at most limit of them.
    std::vector<std::string> page(const std::string& lower, const std::string& upper, int64_t limit);
    uint64_t next_version();

    std::unique_ptr<Pool> pool_;
    const Statements sql_;
    std::mutex versions_mutex_;
    std::mt19937_64 versions_;  // source of the opaque, non-zero version tags
};

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_STORE_HPP
