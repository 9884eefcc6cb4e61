// sqlite_store.cpp — SqliteStore's operations: each tote call as one or a few prepared statements over the one
// table, tote_kv(id, key, value, version, mtime_ns) (sqlite_open.cpp creates it and explains its layout).
// Keys use the default BINARY collation, so SQLite orders them by their bytes, which is the order tote requires.
#include "sqlite_store.hpp"

#include <first_party.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace tote::sqlite_plugin {

using plugin::Error;
using namespace first_party;

namespace {

// ---- Small helpers ------------------------------------------------------------------------------------------------

void bind_row(Statement& statement, std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns) {
    statement.bind_text(1, key);
    statement.bind_blob(2, value);
    statement.bind_int(3, to_sql(version));
    statement.bind_int(4, mtime_ns);
}

}  // namespace

// ---- Statements ---------------------------------------------------------------------------------------------------

SqliteStore::SqliteStore(std::unique_ptr<Connection> db)
    : db_(std::move(db)),
      select_value_(*db_, "SELECT value, version, mtime_ns FROM tote_kv WHERE key = ?1"),
      // length() of a BLOB comes from the record header: it does not read the value's overflow pages.
      select_meta_(*db_, "SELECT length(value), version, mtime_ns FROM tote_kv WHERE key = ?1"),
      select_any_in_(*db_, "SELECT 1 FROM tote_kv WHERE key >= ?1 AND key < ?2 LIMIT 1"),
      // Only a lower bound: list() stops stepping at the first key outside the prefix, which works for every
      // prefix including "" (no upper bound at all) and lets one statement serve both listing modes.
      select_keys_from_(*db_, "SELECT key FROM tote_kv WHERE key >= ?1 ORDER BY key"),
      upsert_(*db_,
              "INSERT INTO tote_kv(key, value, version, mtime_ns) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(key) DO "
              "UPDATE SET value = excluded.value, version = excluded.version, mtime_ns = excluded.mtime_ns"),
      insert_new_(*db_,
                  "INSERT INTO tote_kv(key, value, version, mtime_ns) VALUES(?1, ?2, ?3, ?4) "
                  "ON CONFLICT(key) DO NOTHING"),
      update_if_(*db_, "UPDATE tote_kv SET value = ?2, version = ?3, mtime_ns = ?4 WHERE key = ?1 AND version = ?5"),
      delete_key_(*db_, "DELETE FROM tote_kv WHERE key = ?1"),
      delete_range_(*db_, "DELETE FROM tote_kv WHERE key >= ?1 AND key < ?2"),
      rename_key_(*db_, "UPDATE tote_kv SET key = ?2 WHERE key = ?1") {
    // Versions are random rather than a counter: several processes write one file, and a key that is removed and
    // written again must not come back with a version someone still holds. Collisions are 1 in 2^64.
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    versions_.seed(seed);
}

// ---- Reading ------------------------------------------------------------------------------------------------------

void SqliteStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    StatementReset reset(select_value_);
    select_value_.bind_text(1, key);
    if (!select_value_.step()) throw Error(TOTE_NOT_FOUND, "no such key");
    const std::string_view value = select_value_.column_blob(0);
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, value.size(), select_value_.column_int(2),
                             from_sql(select_value_.column_int(1))};
    sink.write(value);  // one piece, straight from SQLite's buffer; ValueSink skips the call for an empty value
}

plugin::Stat SqliteStore::stat(std::string_view key) {
    {
        StatementReset reset(select_meta_);
        select_meta_.bind_text(1, key);
        if (select_meta_.step())
            return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(select_meta_.column_int(0)),
                                select_meta_.column_int(2), from_sql(select_meta_.column_int(1))};
    }
    if (has_keys_under(key)) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0};
    throw Error(TOTE_NOT_FOUND, "no such key or prefix");
}

bool SqliteStore::has_key(std::string_view key) {
    StatementReset reset(select_meta_);
    select_meta_.bind_text(1, key);
    return select_meta_.step();
}

bool SqliteStore::has_keys_under(std::string_view key) {
    StatementReset reset(select_any_in_);
    select_any_in_.bind_text(1, subtree_begin(key));
    select_any_in_.bind_text(2, subtree_end(key));
    return select_any_in_.step();
}

void SqliteStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    const std::string_view prefix = params.prefix;
    const std::string_view after = params.start_after;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a listing prefix must be empty or end with '/'");
    // Start at the prefix, or at start_after if that lies further on; entries not after start_after are skipped
    // below (at most the one equal to it, or the sub-prefix that contains it).
    std::string lower(std::max(prefix, after));
    StatementReset reset(select_keys_from_);
    select_keys_from_.bind_text(1, lower);
    while (select_keys_from_.step()) {
        const std::string_view key = select_keys_from_.column_text(0);
        // The keys under a prefix are contiguous in key order, so the first one outside ends the listing.
        if (key.substr(0, prefix.size()) != prefix) return;
        const size_t slash = params.recursive ? std::string_view::npos : key.find('/', prefix.size());
        if (slash == std::string_view::npos) {
            if (key > after && !out.emit(key, TOTE_KIND_KEY)) return;
            continue;
        }
        // One level, and the key is deeper: report its sub-prefix "prefix/seg/" once, then seek past the whole
        // subtree to "prefix/seg0" instead of stepping through it, so a sub-prefix holding a million keys costs
        // one index seek. Copy first: the reset invalidates key.
        std::string sub(key.substr(0, slash + 1));
        if (sub > after && !out.emit(sub, TOTE_KIND_PREFIX)) return;
        sub.back() = '0';
        select_keys_from_.reset();
        select_keys_from_.bind_text(1, sub);
    }
}

// ---- Writing ------------------------------------------------------------------------------------------------------

uint64_t SqliteStore::next_version() {
    uint64_t version;
    do version = versions_();
    while (version == 0);  // 0 means "a prefix, no version"
    return version;
}

void SqliteStore::check_value_size(std::string_view key, uint64_t size) const {
    // SQLite would refuse it anyway (SQLITE_TOOBIG); this says what the limit is.
    const auto limit = static_cast<uint64_t>(db_->max_length());
    if (size + key.size() > limit)
        throw Error(TOTE_INVALID_ARGUMENT, "a value of " + std::to_string(size) +
                                               " bytes is larger than SQLite's limit of " + std::to_string(limit) +
                                               " bytes per row");
}

void SqliteStore::put(std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns) {
    StatementReset reset(upsert_);
    bind_row(upsert_, key, value, version, mtime_ns);
    upsert_.run();
}

uint64_t SqliteStore::write_one(const plugin::WriteOp& op) {
    // Flags were checked by the plugin.hpp trampoline.
    check_value_size(op.key, op.value.size());
    const uint64_t version = next_version();
    const int64_t mtime_ns = now_ns();
    // Each case is one statement, so the check and the write are atomic even between processes: no
    // read-then-write window for another writer to slip into.
    if (op.create_only()) {
        StatementReset reset(insert_new_);
        bind_row(insert_new_, op.key, op.value, version, mtime_ns);
        insert_new_.run();
        if (db_->changes() == 0) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
    } else if (op.if_version()) {
        StatementReset reset(update_if_);
        bind_row(update_if_, op.key, op.value, version, mtime_ns);
        update_if_.bind_int(5, to_sql(op.expected_version));
        update_if_.run();
        if (db_->changes() == 0)
            throw Error(TOTE_PRECONDITION_FAILED,
                        "the key does not exist or is not at version " + hex(op.expected_version));
    } else {
        put(op.key, op.value, version, mtime_ns);
    }
    return version;
}

// A lone statement in autocommit mode is its own transaction: no BEGIN/COMMIT needed.
uint64_t SqliteStore::write(const plugin::WriteOp& op) { return write_one(op); }

void SqliteStore::append(std::string_view key, std::string_view data) {
    // Read, concatenate, write back, under the write lock: O(size of the value) per append (see README.md).
    Transaction transaction(*db_);
    std::string combined;
    std::string_view value = data;  // an absent key is created holding just the data
    {
        StatementReset reset(select_value_);
        select_value_.bind_text(1, key);
        if (select_value_.step()) {
            const std::string_view current = select_value_.column_blob(0);
            check_value_size(key, uint64_t{current.size()} + data.size());  // before allocating it
            combined.reserve(current.size() + data.size());
            combined.append(current).append(data);
            value = combined;
        } else {
            check_value_size(key, data.size());
        }
    }
    put(key, value, next_version(), now_ns());
    transaction.commit();
}

void SqliteStore::remove(std::string_view key, bool recursive) {
    // A single DELETE is atomic on its own; the recursive case runs two and needs a transaction around them.
    std::optional<Transaction> transaction;
    if (recursive) transaction.emplace(*db_);
    int64_t removed = 0;
    {
        StatementReset reset(delete_key_);
        delete_key_.bind_text(1, key);
        delete_key_.run();
        removed += db_->changes();
    }
    if (recursive) {
        StatementReset reset(delete_range_);
        delete_range_.bind_text(1, subtree_begin(key));
        delete_range_.bind_text(2, subtree_end(key));
        delete_range_.run();
        removed += db_->changes();
    }
    if (removed == 0) throw Error(TOTE_NOT_FOUND, recursive ? "no such key or prefix" : "no such key");
    if (transaction) transaction->commit();
}

void SqliteStore::rename(std::string_view from, std::string_view to, bool replace) {
    // The write lock from the start: the checks and the move must see the same state.
    Transaction transaction(*db_);
    if (!has_key(from)) throw Error(TOTE_NOT_FOUND, "the source key does not exist");
    if (from == to) return;  // nothing to change; the transaction rolls back having written nothing
    if (has_key(to)) {
        if (!replace) throw Error(TOTE_ALREADY_EXISTS, "the destination key exists");
        StatementReset reset(delete_key_);
        delete_key_.bind_text(1, to);
        delete_key_.run();
    }
    {
        // The row keeps its version and mtime: a rename moves the value, it does not write a new one.
        StatementReset reset(rename_key_);
        rename_key_.bind_text(1, from);
        rename_key_.bind_text(2, to);
        rename_key_.run();
    }
    transaction.commit();
}

void SqliteStore::write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index) {
    failed_index = ops.size();  // a failure outside any one op (BEGIN, COMMIT) is reported as index count
    if (ops.empty()) return;
    // One transaction: all or nothing, later ops see earlier ones, and one fsync for the lot.
    Transaction transaction(*db_);
    for (size_t i = 0; i < ops.size(); ++i) {
        try {
            write_one(ops[i]);
        } catch (...) {
            failed_index = i;
            throw;  // the transaction's destructor rolls back every earlier op
        }
    }
    transaction.commit();
}

}  // namespace tote::sqlite_plugin
