// sqlite_store.hpp — SqliteStore, one open tote store in one SQLite database file: the class that
// TOTE_PLUGIN_ENTRY turns into the C function table (see tote/plugin.hpp for the method contracts).
//
// All data lives in one table, tote_kv(id, key, value, version, mtime_ns). open() is in sqlite_open.cpp (which
// also holds the schema), the operations in sqlite_store.cpp; README.md says what is atomic and durable.
#ifndef TOTE_SQLITE_STORE_HPP
#define TOTE_SQLITE_STORE_HPP

#include "sqlite_db.hpp"

#include <tote/plugin.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

namespace tote::sqlite_plugin {

// Option names and defaults, shared by the option table in sqlite_plugin.cpp and the parsing in open().
inline constexpr const char* kOptionSynchronous = "synchronous";
inline constexpr const char* kDefaultSynchronous = "full";  // every commit is durable
inline constexpr const char* kOptionBusyTimeout = "busy_timeout_ms";
inline constexpr int64_t kDefaultBusyTimeoutMs = 5000;

class SqliteStore {
public:
    static std::unique_ptr<SqliteStore> open(const plugin::OpenParams& params);

    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat);
    plugin::Stat stat(std::string_view key);
    uint64_t write(const plugin::WriteOp& op);
    void remove(std::string_view key, bool recursive);
    void append(std::string_view key, std::string_view data);
    void list(const plugin::ListParams& params, plugin::EntrySink& out);
    void rename(std::string_view from, std::string_view to, bool replace);
    void write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index);

    // Public only for std::unique_ptr's sake; open() is the way in. Prepares every statement on an open connection
    // whose schema open() has already checked.
    explicit SqliteStore(std::unique_ptr<Connection> db);

private:
    uint64_t write_one(const plugin::WriteOp& op);  // write() without a transaction of its own (batch, append)
    void put(std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns);
    bool has_key(std::string_view key);
    bool has_keys_under(std::string_view key);  // any key in [key + "/", key + "0")
    void check_value_size(std::string_view key, uint64_t size) const;
    uint64_t next_version();

    // Declared first, destroyed last: every statement below is finalized before the connection closes.
    std::unique_ptr<Connection> db_;
    Statement select_value_;      // value, version, mtime_ns of a key
    Statement select_meta_;       // length(value), version, mtime_ns of a key
    Statement select_any_in_;     // 1 if any key lies in [?1, ?2)
    Statement select_keys_from_;  // keys >= ?1, in key order (listing)
    Statement upsert_;            // insert or replace
    Statement insert_new_;        // insert unless present (create-only)
    Statement update_if_;         // replace only at an expected version (compare-version)
    Statement delete_key_;
    Statement delete_range_;      // keys in [?1, ?2)
    Statement rename_key_;
    std::mt19937_64 versions_;    // source of the opaque, non-zero version tags
};

}  // namespace tote::sqlite_plugin

#endif  // TOTE_SQLITE_STORE_HPP
