// SPDX-License-Identifier: Apache-2.0
// sqlite_store.cpp — SqliteStore's operations: each tote call as one or a few prepared statements over the one
// table, tote_kv(id, key, value, version, mtime_ns, expires_ns) (sqlite_open.cpp creates it and explains its
// layout). Keys use the default BINARY collation, so SQLite orders them by their bytes, which is the order tote
// requires.
//
// Expiry: a row whose expires_ns is at or before now is gone for every operation. Statements that look rows up
// filter with LIVE below (the current time bound as ?9); writes replace expired rows as if absent; expired rows
// are purged lazily, a few hundred at a time, by every 1,000th write of a handle and by every transaction.
// Listings, which would otherwise have to visit each row to check it, use the filtering statement only while
// some row of the store has an expiry at all (one probe of a partial index).
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

// A row that has not expired; ?9 is the current time in ns.
#define LIVE LIVE_AT_9

// Binds key, value, version, mtime_ns and expires_ns (NULL: never) as ?1..?5, and the current time as ?9.
void bind_row(Statement& statement, std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns,
              int64_t expires_ns) {
    statement.bind_text(1, key);
    statement.bind_blob(2, value);
    statement.bind_int(3, to_sql(version));
    statement.bind_int(4, mtime_ns);
    if (expires_ns != 0)
        statement.bind_int(5, expires_ns);
    else
        statement.bind_null(5);
}

int64_t expiry_of(const Statement& statement, int column) {
    return statement.column_is_null(column) ? 0 : statement.column_int(column);
}

// A plain write every this many writes of a handle also purges expired rows.
constexpr uint64_t kPurgeEvery = 1000;

}  // namespace

// ---- Statements ---------------------------------------------------------------------------------------------------

SqliteStore::SqliteStore(std::unique_ptr<Connection> db, bool writable)
    : db_(std::move(db)),
      select_value_(*db_, "SELECT value, version, mtime_ns, expires_ns FROM tote_kv WHERE key = ?1 AND " LIVE),
      // length() of a BLOB comes from the record header: it does not read the value's overflow pages.
      select_meta_(*db_,
                   "SELECT length(value), version, mtime_ns, expires_ns, id FROM tote_kv WHERE key = ?1 AND " LIVE),
      select_any_in_(*db_, "SELECT 1 FROM tote_kv WHERE key >= ?1 AND key < ?2 AND " LIVE " LIMIT 1"),
      // Only a lower bound: list() stops stepping at the first key outside the prefix, which works for every
      // prefix including "" (no upper bound at all) and lets one statement serve both listing modes. The first
      // is answered from the key index alone; the second visits rows to check their expiry.
      select_keys_from_(*db_, "SELECT key FROM tote_kv WHERE key >= ?1 ORDER BY key"),
      select_live_keys_from_(*db_, "SELECT key FROM tote_kv WHERE key >= ?1 AND " LIVE " ORDER BY key"),
      select_any_expiring_(*db_, "SELECT 1 FROM tote_kv WHERE expires_ns IS NOT NULL LIMIT 1"),
      w_(writable ? std::make_unique<Writes>(*db_) : nullptr) {
    // Versions are random rather than a counter: several processes write one file, and a key that is removed and
    // written again must not come back with a version someone still holds. Collisions are 1 in 2^64.
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    versions_.seed(seed);
}

SqliteStore::Writes::Writes(Connection& db)
    : upsert(db,
             "INSERT INTO tote_kv(key, value, version, mtime_ns, expires_ns) VALUES(?1, ?2, ?3, ?4, ?5) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version, "
             "mtime_ns = excluded.mtime_ns, expires_ns = excluded.expires_ns"),
      // Create-only: an expired row is no obstacle, a live one is (DO UPDATE … WHERE changes nothing then).
      insert_new(db,
                 "INSERT INTO tote_kv(key, value, version, mtime_ns, expires_ns) VALUES(?1, ?2, ?3, ?4, ?5) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version, "
                 "mtime_ns = excluded.mtime_ns, expires_ns = excluded.expires_ns "
                 "WHERE tote_kv.expires_ns IS NOT NULL AND tote_kv.expires_ns <= ?9"),
      update_if(db, "UPDATE tote_kv SET value = ?2, version = ?3, mtime_ns = ?4, expires_ns = ?5 "
                    "WHERE key = ?1 AND version = ?6 AND " LIVE),
      // RETURNING tells removed live rows from removed expired ones (which count as nothing removed).
      delete_key(db, "DELETE FROM tote_kv WHERE key = ?1 RETURNING expires_ns"),
      delete_range(db, "DELETE FROM tote_kv WHERE key >= ?1 AND key < ?2 RETURNING expires_ns"),
      rename_key(db, "UPDATE tote_kv SET key = ?2 WHERE key = ?1"),
      purge_expired(db, "DELETE FROM tote_kv WHERE id IN (SELECT id FROM tote_kv WHERE expires_ns <= ?9 LIMIT 256)") {}

// ---- Reading ------------------------------------------------------------------------------------------------------

void SqliteStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    StatementReset reset(select_value_);
    select_value_.bind_text(1, key);
    select_value_.bind_int(9, now_ns());
    if (!select_value_.step()) throw Error(TOTE_NOT_FOUND, "no such key");
    const std::string_view value = select_value_.column_blob(0);
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, value.size(), select_value_.column_int(2),
                             from_sql(select_value_.column_int(1)), expiry_of(select_value_, 3)};
    sink.write(value);  // one piece, straight from SQLite's buffer; ValueSink skips the call for an empty value
}

void SqliteStore::read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                             plugin::Stat* stat) {
    // The row stays stepped (its read transaction open) while the blob is read, so both see one snapshot.
    StatementReset reset(select_meta_);
    select_meta_.bind_text(1, key);
    select_meta_.bind_int(9, now_ns());
    if (!select_meta_.step()) throw Error(TOTE_NOT_FOUND, "no such key");
    const uint64_t size = static_cast<uint64_t>(select_meta_.column_int(0));
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, size, select_meta_.column_int(2), from_sql(select_meta_.column_int(1)),
                             expiry_of(select_meta_, 3)};
    const uint64_t start = std::min(offset, size);
    const uint64_t end = start + std::min(length, size - start);
    if (start == end) return;
    BlobReader blob(*db_, "tote_kv", "value", select_meta_.column_int(4));
    thread_local std::string buffer;
    buffer.resize(static_cast<size_t>(std::min<uint64_t>(end - start, 256 * 1024)));
    for (uint64_t at = start; at < end;) {
        const int piece = static_cast<int>(std::min<uint64_t>(buffer.size(), end - at));
        blob.read(buffer.data(), piece, static_cast<int64_t>(at));
        if (!sink.write(buffer.data(), static_cast<size_t>(piece))) return;
        at += static_cast<uint64_t>(piece);
    }
}

plugin::Stat SqliteStore::stat(std::string_view key) {
    {
        StatementReset reset(select_meta_);
        select_meta_.bind_text(1, key);
        select_meta_.bind_int(9, now_ns());
        if (select_meta_.step())
            return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(select_meta_.column_int(0)),
                                select_meta_.column_int(2), from_sql(select_meta_.column_int(1)),
                                expiry_of(select_meta_, 3)};
    }
    if (has_keys_under(key)) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0, 0};
    throw Error(TOTE_NOT_FOUND, "no such key or prefix");
}

bool SqliteStore::has_key(std::string_view key) {
    StatementReset reset(select_meta_);
    select_meta_.bind_text(1, key);
    select_meta_.bind_int(9, now_ns());
    return select_meta_.step();
}

bool SqliteStore::has_keys_under(std::string_view key) {
    StatementReset reset(select_any_in_);
    select_any_in_.bind_text(1, subtree_begin(key));
    select_any_in_.bind_text(2, subtree_end(key));
    select_any_in_.bind_int(9, now_ns());
    return select_any_in_.step();
}

bool SqliteStore::any_expiring() {
    StatementReset reset(select_any_expiring_);
    return select_any_expiring_.step();
}

void SqliteStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    const std::string_view prefix = params.prefix;
    const std::string_view after = params.start_after;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a listing prefix must be empty or end with '/'");
    const bool filter = any_expiring();
    Statement& keys = filter ? select_live_keys_from_ : select_keys_from_;
    const int64_t now = now_ns();
    auto seek = [&](std::string_view from) {
        keys.reset();
        keys.bind_text(1, from);
        if (filter) keys.bind_int(9, now);
    };
    // Start at the prefix, or at start_after if that lies further on; entries not after start_after are skipped
    // below (at most the one equal to it, or the sub-prefix that contains it).
    StatementReset reset(keys);
    seek(std::max(prefix, after));
    // Keys come in ascending order (seeks only go forward), so once one lies after start_after, all the rest do:
    // the comparison is left out from then on, as the prefix check is for "" (a listing's cost is per key).
    bool past_after = after.empty();
    while (keys.step()) {
        const std::string_view key = keys.column_text(0);
        // The keys under a prefix are contiguous in key order, so the first one outside ends the listing.
        if (!prefix.empty() && key.substr(0, prefix.size()) != prefix) return;
        const size_t slash = params.recursive ? std::string_view::npos : key.find('/', prefix.size());
        if (slash == std::string_view::npos) {
            if (!past_after) {
                if (key <= after) continue;
                past_after = true;
            }
            if (!out.emit(key, TOTE_KIND_KEY)) return;
            continue;
        }
        // One level, and the key is deeper: report its sub-prefix "prefix/seg/" once, then seek past the whole
        // subtree to "prefix/seg0" instead of stepping through it, so a sub-prefix holding a million keys costs
        // one index seek. Copy first: the reset invalidates key.
        std::string sub(key.substr(0, slash + 1));
        if (sub > after && !out.emit(sub, TOTE_KIND_PREFIX)) return;
        sub.back() = '0';
        seek(sub);
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

void SqliteStore::put(std::string_view key, std::string_view value, uint64_t version, int64_t mtime_ns,
                      int64_t expires_ns) {
    StatementReset reset(w_->upsert);
    bind_row(w_->upsert, key, value, version, mtime_ns, expires_ns);
    w_->upsert.run();
}

void SqliteStore::purge_expired() {
    StatementReset reset(w_->purge_expired);
    w_->purge_expired.bind_int(9, now_ns());
    w_->purge_expired.run();
}

uint64_t SqliteStore::write_one(const plugin::WriteOp& op) {
    // Flags were checked by the plugin.hpp trampoline.
    check_value_size(op.key, op.value.size());
    const uint64_t version = next_version();
    const int64_t now = now_ns();
    const int64_t expires = op.expires() ? op.expires_ns : 0;
    // Each case is one statement, so the check and the write are atomic even between processes: no
    // read-then-write window for another writer to slip into.
    if (op.create_only()) {
        StatementReset reset(w_->insert_new);
        bind_row(w_->insert_new, op.key, op.value, version, now, expires);
        w_->insert_new.bind_int(9, now);
        w_->insert_new.run();
        if (db_->changes() == 0) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
    } else if (op.if_version()) {
        StatementReset reset(w_->update_if);
        bind_row(w_->update_if, op.key, op.value, version, now, expires);
        w_->update_if.bind_int(6, to_sql(op.expected_version));
        w_->update_if.bind_int(9, now);
        w_->update_if.run();
        if (db_->changes() == 0)
            throw Error(TOTE_PRECONDITION_FAILED,
                        "the key does not exist or is not at version " + hex(op.expected_version));
    } else {
        put(op.key, op.value, version, now, expires);
    }
    return version;
}

// A lone statement in autocommit mode is its own transaction: no BEGIN/COMMIT needed.
uint64_t SqliteStore::write(const plugin::WriteOp& op) {
    const uint64_t version = write_one(op);
    if (++writes_ % kPurgeEvery == 0) purge_expired();
    return version;
}

plugin::AppendResult SqliteStore::append(const plugin::AppendOp& op) {
    // Read, concatenate, write back, under the write lock: O(size of the value) per append (see README.md). The
    // size check of a conditional append sees what the write replaces: race-free between processes.
    Transaction transaction(*db_);
    std::string combined;
    std::string_view value = op.data;  // an absent (or expired) key is created holding just the data
    uint64_t offset = 0;
    int64_t expires = 0;
    {
        StatementReset reset(select_value_);
        select_value_.bind_text(1, op.key);
        select_value_.bind_int(9, now_ns());
        if (select_value_.step()) {
            const std::string_view current = select_value_.column_blob(0);
            offset = current.size();
            expires = expiry_of(select_value_, 3);  // an append keeps the value's expiry
        }
        if (op.if_size() && offset != op.expected_size)
            throw Error(TOTE_PRECONDITION_FAILED, "the value is " + std::to_string(offset) + " bytes long, not " +
                                                      std::to_string(op.expected_size));
        check_value_size(op.key, offset + op.data.size());  // before allocating it
        if (offset != 0) {
            const std::string_view current = select_value_.column_blob(0);
            combined.reserve(current.size() + op.data.size());
            combined.append(current).append(op.data);
            value = combined;
        }
    }
    const uint64_t version = next_version();
    put(op.key, value, version, now_ns(), expires);
    purge_expired();
    transaction.commit();
    return plugin::AppendResult{offset, version};
}

// Deletes with statement (bound by the caller) and counts the live rows it took.
int64_t SqliteStore::delete_counting_live(Statement& statement) {
    const int64_t now = now_ns();
    int64_t live = 0;
    while (statement.step())
        if (statement.column_is_null(0) || statement.column_int(0) > now) ++live;
    return live;
}

void SqliteStore::remove(std::string_view key, bool recursive) {
    // A single DELETE is atomic on its own; the recursive case runs two and needs a transaction around them.
    std::optional<Transaction> transaction;
    if (recursive) transaction.emplace(*db_);
    int64_t removed = 0;
    {
        StatementReset reset(w_->delete_key);
        w_->delete_key.bind_text(1, key);
        removed += delete_counting_live(w_->delete_key);
    }
    if (recursive) {
        StatementReset reset(w_->delete_range);
        w_->delete_range.bind_text(1, subtree_begin(key));
        w_->delete_range.bind_text(2, subtree_end(key));
        removed += delete_counting_live(w_->delete_range);
    }
    if (removed == 0) throw Error(TOTE_NOT_FOUND, recursive ? "no such key or prefix" : "no such key");
    if (transaction) transaction->commit();
}

void SqliteStore::rename(std::string_view from, std::string_view to, bool replace) {
    // The write lock from the start: the checks and the move must see the same state.
    Transaction transaction(*db_);
    if (!has_key(from)) throw Error(TOTE_NOT_FOUND, "the source key does not exist");
    if (from == to) return;  // nothing to change; the transaction rolls back having written nothing
    if (!replace && has_key(to)) throw Error(TOTE_ALREADY_EXISTS, "the destination key exists");
    {
        // Whatever row holds the destination goes: a live one being replaced, or an expired one.
        StatementReset reset(w_->delete_key);
        w_->delete_key.bind_text(1, to);
        w_->delete_key.run();
    }
    {
        // The row keeps its version, mtime and expiry: a rename moves the value, it does not write a new one.
        StatementReset reset(w_->rename_key);
        w_->rename_key.bind_text(1, from);
        w_->rename_key.bind_text(2, to);
        w_->rename_key.run();
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
            if (ops[i].remove()) {  // 1.1: a remove in the batch; an absent key is not an error
                StatementReset reset(w_->delete_key);
                w_->delete_key.bind_text(1, ops[i].key);
                w_->delete_key.run();
                continue;
            }
            write_one(ops[i]);
        } catch (...) {
            failed_index = i;
            throw;  // the transaction's destructor rolls back every earlier op
        }
    }
    purge_expired();
    transaction.commit();
}

}  // namespace tote::sqlite_plugin
