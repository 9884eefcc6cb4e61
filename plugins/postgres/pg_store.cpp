// SPDX-License-Identifier: Apache-2.0
// pg_store.cpp — PgStore's operations: each tote call as one prepared statement, or one transaction sent as a
// single pipeline, on a pooled connection; and, per operation, whether it may be repeated after a lost connection
// (the policy itself is in pg_pool.hpp).
//
// Keys are TEXT COLLATE "C", so the server orders and compares them by their bytes, which is tote's order, and a
// range [a, b) on the primary key is an index range scan.
#include "pg_store.hpp"

#include <first_party.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>

namespace tote::postgres_plugin {

using plugin::Error;
using namespace first_party;

namespace {

// Keys per page of a listing: enough to make the round trip cheap, small enough that memory stays bounded.
constexpr int64_t kPageKeys = 1000;
// A one-level listing starts with small pages and grows them while it meets plain keys: after each sub-prefix it
// seeks past the whole subtree, and a large page would mostly fetch keys of that subtree only to skip them.
constexpr int64_t kSmallPageKeys = 32;

// The longest prefix of text that PostgreSQL accepts as TEXT: valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) and no NUL. start_after may be any bytes; this prefix of it sorts no later
// than it, so it is a safe lower bound for the keys after it.
std::string_view text_floor(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
        const unsigned char c = byte(i);
        size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
        if (c == 0x00) break;
        if (c < 0x80) {
            length = 1;
        } else if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0) low = 0xA0;   // no overlong forms
            if (c == 0xED) high = 0x9F;  // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0) low = 0x90;   // no overlong forms
            if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
        } else {
            break;
        }
        if (i + length > text.size()) break;
        bool valid = true;
        for (size_t k = 1; k < length && valid; ++k) {
            const unsigned char next = byte(i + k);
            valid = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xBF);
        }
        if (!valid) break;
        i += length;
    }
    return text.substr(0, i);
}

// COMMIT, and make sure it was one: a transaction that failed on the server answers COMMIT with ROLLBACK.
void commit(Connection& connection) {
    const Result result = connection.run_sql("COMMIT");
    if (result.command() != "COMMIT")
        throw Error(TOTE_INTERNAL, "the server rolled the transaction back instead of committing it (" +
                                       result.command() + ")");
}

// The first statement of a pipeline that failed, thrown (the pool's lease rolls the transaction back).
void check_pipeline(const std::vector<Result>& results) {
    for (const Result& result : results)
        if (!result.ok() && !result.aborted()) result.fail();
}

}  // namespace

// ---- Statements ---------------------------------------------------------------------------------------------------

// SQL fragments of a table with (expiry) or without an expires_ns column.
struct Sql {
    bool expiry;
    // A live row, given the parameter that holds now; without the column every row is live.
    std::string live(int now) const {
        return expiry ? "(expires_ns IS NULL OR expires_ns > $" + std::to_string(now) + ")" : "TRUE";
    }
    // An expired row of alias t (the row an INSERT … ON CONFLICT found), given the parameter that holds now.
    std::string expired(int now) const {
        return "(t.expires_ns IS NOT NULL AND t.expires_ns <= $" + std::to_string(now) + ")";
    }
    std::string expires_column() const { return expiry ? "expires_ns" : "NULL::int8"; }
    // The parameter types, with a trailing "now" (or expires_ns) only when the table has the column.
    std::vector<Type> types(std::vector<Type> base, int with_expiry = 1) const {
        if (expiry)
            for (int i = 0; i < with_expiry; ++i) base.push_back(Type::int8);
        return base;
    }
};

Statements::Statements(const std::string& t, bool with_expiry) : Statements(t, Sql{with_expiry}) {}

Statements::Statements(const std::string& t, const Sql& q)
    : expiry(q.expiry),
      read{0, "SELECT value, version, mtime_ns, " + q.expires_column() + " FROM " + t + " WHERE key = $1 AND " +
                  q.live(2),
           q.types({Type::text})},
      // substring() of a bytea fetches only the TOAST chunks it needs when the value is stored uncompressed.
      read_range{1,
                 "SELECT substring(value FROM $2::int4 FOR $3::int4), length(value), version, mtime_ns, " +
                     q.expires_column() + " FROM " + t + " WHERE key = $1 AND " + q.live(4),
                 q.types({Type::text, Type::int8, Type::int8})},
      // length() of a bytea reads the stored size from the TOAST pointer: the value itself is not fetched.
      meta{2, "SELECT length(value), version, mtime_ns, " + q.expires_column() + " FROM " + t + " WHERE key = $1 AND " +
                  q.live(2),
           q.types({Type::text})},
      any_in{3, "SELECT 1 FROM " + t + " WHERE key >= $1 AND key < $2 AND " + q.live(3) + " LIMIT 1",
             q.types({Type::text, Type::text})},
      // ORDER BY the indexed column: without statistics (a table just loaded, before autovacuum analyses it) the
      // planner would scan the whole table for "IS NOT NULL LIMIT 1"; ordered, it takes the partial index.
      any_expiring{4, q.expiry ? "SELECT 1 FROM " + t + " WHERE expires_ns IS NOT NULL ORDER BY expires_ns LIMIT 1" : "SELECT 1 WHERE false",
                   {}},
      // Two listing statements, not one with an optional bound: a generic plan for "($2 IS NULL OR key < $2)"
      // would scan past the end of the prefix to the end of the table. The live variants check each row's expiry
      // and are used only while some row has one.
      page_from{5, "SELECT key FROM " + t + " WHERE key >= $1 ORDER BY key LIMIT $2", {Type::text, Type::int8}},
      page_range{6, "SELECT key FROM " + t + " WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3",
                 {Type::text, Type::text, Type::int8}},
      live_page_from{7, "SELECT key FROM " + t + " WHERE key >= $1 AND " + q.live(3) + " ORDER BY key LIMIT $2",
                     q.types({Type::text, Type::int8})},
      live_page_range{8,
                      "SELECT key FROM " + t + " WHERE key >= $1 AND key < $2 AND " + q.live(4) +
                          " ORDER BY key LIMIT $3",
                      q.types({Type::text, Type::text, Type::int8})},
      upsert{9,
             q.expiry ? "INSERT INTO " + t + " AS t (key, value, version, mtime_ns, expires_ns) VALUES ($1, $2, $3, $4, "
                        "$5) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, "
                        "mtime_ns = EXCLUDED.mtime_ns, expires_ns = EXCLUDED.expires_ns"
                      : "INSERT INTO " + t + " AS t (key, value, version, mtime_ns) VALUES ($1, $2, $3, $4) ON CONFLICT "
                        "(key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, mtime_ns = "
                        "EXCLUDED.mtime_ns",
             q.types({Type::text, Type::bytea, Type::int8, Type::int8})},
      // Create-only: an expired row is no obstacle (DO UPDATE … WHERE), a live one is.
      insert_new{10,
                 q.expiry ? "INSERT INTO " + t + " AS t (key, value, version, mtime_ns, expires_ns) VALUES ($1, $2, $3, "
                            "$4, $5) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = "
                            "EXCLUDED.version, mtime_ns = EXCLUDED.mtime_ns, expires_ns = EXCLUDED.expires_ns WHERE " +
                                q.expired(6)
                          : "INSERT INTO " + t + " (key, value, version, mtime_ns) VALUES ($1, $2, $3, $4) "
                            "ON CONFLICT (key) DO NOTHING",
                 q.types({Type::text, Type::bytea, Type::int8, Type::int8}, 2)},
      update_if{11,
                q.expiry ? "UPDATE " + t + " SET value = $2, version = $3, mtime_ns = $4, expires_ns = $5 WHERE key = $1 "
                           "AND version = $6 AND " + q.live(7)
                         : "UPDATE " + t + " SET value = $2, version = $3, mtime_ns = $4 WHERE key = $1 AND version = $5",
                q.expiry ? std::vector<Type>{Type::text, Type::bytea, Type::int8, Type::int8, Type::int8, Type::int8,
                                             Type::int8}
                         : std::vector<Type>{Type::text, Type::bytea, Type::int8, Type::int8, Type::int8}},
      // One statement, so concurrent appends serialise on the row lock and none is lost, and a new key is created
      // by the same statement race-free. It returns the new length, so the offset is that minus the data's.
      append{12,
             "INSERT INTO " + t + " AS t (key, value, version, mtime_ns) VALUES ($1, $2, $3, $4) ON CONFLICT (key) "
             "DO UPDATE SET " + (q.expiry ? "value = CASE WHEN " + q.expired(5) + " THEN EXCLUDED.value ELSE t.value || "
                                            "EXCLUDED.value END, expires_ns = CASE WHEN " + q.expired(5) +
                                            " THEN NULL ELSE t.expires_ns END, "
                                          : std::string("value = t.value || EXCLUDED.value, ")) +
                 "version = EXCLUDED.version, mtime_ns = EXCLUDED.mtime_ns RETURNING length(t.value)",
             q.types({Type::text, Type::bytea, Type::int8, Type::int8})},
      append_at_zero{13,
                     "INSERT INTO " + t + " AS t (key, value, version, mtime_ns) VALUES ($1, $2, $3, $4) ON CONFLICT "
                     "(key) DO UPDATE SET " +
                         (q.expiry ? "value = CASE WHEN " + q.expired(5) + " THEN EXCLUDED.value ELSE t.value || "
                                     "EXCLUDED.value END, expires_ns = CASE WHEN " + q.expired(5) +
                                     " THEN NULL ELSE t.expires_ns END, "
                                   : std::string("value = t.value || EXCLUDED.value, ")) +
                         "version = EXCLUDED.version, mtime_ns = EXCLUDED.mtime_ns WHERE " +
                         (q.expiry ? q.expired(5) + " OR " : std::string()) + "length(t.value) = 0 RETURNING length(t.value)",
                     q.types({Type::text, Type::bytea, Type::int8, Type::int8})},
      append_at_size{14,
                     "UPDATE " + t + " SET value = value || $2, version = $3, mtime_ns = $4 WHERE key = $1 AND "
                     "length(value) = $5 AND " + q.live(6) + " RETURNING length(value)",
                     q.types({Type::text, Type::bytea, Type::int8, Type::int8, Type::int8})},
      // Only the live rows removed count: removing an expired key is removing nothing.
      remove_key{15,
                 "WITH d AS (DELETE FROM " + t + " WHERE key = $1 RETURNING " + q.expires_column() +
                     " AS expires_ns) SELECT count(*) FROM d WHERE " + q.live(2),
                 q.types({Type::text})},
      // The key and its subtree in one statement: atomic without a transaction of its own.
      remove_tree{16,
                  "WITH d AS (DELETE FROM " + t + " WHERE key = $1 OR (key >= $2 AND key < $3) RETURNING " +
                      q.expires_column() + " AS expires_ns) SELECT count(*) FROM d WHERE " + q.live(4),
                  q.types({Type::text, Type::text, Type::text})},
      lock_key{17, "SELECT version FROM " + t + " WHERE key = $1 AND " + q.live(2) + " FOR UPDATE", q.types({Type::text})},
      // Rename copies the row and deletes the source, rather than UPDATE ... SET key: engines that shard by the
      // primary key (Citus) refuse to change it, and ON CONFLICT makes the arrival race-free against a concurrent
      // writer of the destination. The value is copied on the server, never through the client.
      copy_replace{18,
                   "INSERT INTO " + t + " (key, value, version, mtime_ns" + (q.expiry ? ", expires_ns" : "") +
                       ") SELECT $2, s.value, s.version, s.mtime_ns" + (q.expiry ? ", s.expires_ns" : "") + " FROM " +
                       t + " AS s WHERE s.key = $1 ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, "
                       "version = EXCLUDED.version, mtime_ns = EXCLUDED.mtime_ns" +
                       (q.expiry ? ", expires_ns = EXCLUDED.expires_ns" : ""),
                   {Type::text, Type::text}},
      copy_new{19,
               q.expiry ? "INSERT INTO " + t + " AS t (key, value, version, mtime_ns, expires_ns) SELECT $2, s.value, "
                          "s.version, s.mtime_ns, s.expires_ns FROM " + t + " AS s WHERE s.key = $1 ON CONFLICT (key) "
                          "DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, mtime_ns = "
                          "EXCLUDED.mtime_ns, expires_ns = EXCLUDED.expires_ns WHERE " + q.expired(3)
                        : "INSERT INTO " + t + " (key, value, version, mtime_ns) SELECT $2, s.value, s.version, "
                          "s.mtime_ns FROM " + t + " AS s WHERE s.key = $1 ON CONFLICT (key) DO NOTHING",
               q.types({Type::text, Type::text})},
      purge{20,
            q.expiry ? "DELETE FROM " + t + " WHERE key IN (SELECT key FROM " + t +
                           " WHERE expires_ns <= $1 LIMIT 256)"
                     : "SELECT 1 WHERE false",
            q.types({})} {}

PgStore::PgStore(std::unique_ptr<Pool> pool, const std::string& table, const std::string& name, bool expiry)
    : pool_(std::move(pool)), sql_(table, expiry), table_(table), name_(name) {
    // Versions are random rather than a counter: many clients write one table, and a key that is removed and
    // written again must not come back with a version someone still holds. Collisions are 1 in 2^64.
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    versions_.seed(seed);
}

uint64_t PgStore::next_version() {
    std::lock_guard<std::mutex> lock(versions_mutex_);
    uint64_t version;
    do version = versions_();
    while (version == 0);  // 0 means "a prefix, no version"
    return version;
}

// ---- Reading ------------------------------------------------------------------------------------------------------
//
// Reads (read, stat, a page of a listing) change nothing, so they are repeated after a lost connection.
// Each fetches its rows, gives the connection back, and only then hands them to the host's callbacks, which may
// call into this store again (tote cp reads every key from inside a listing).

namespace {

int64_t expiry_of(const Result& row, int column) { return row.is_null(0, column) ? 0 : row.int8(0, column); }

}  // namespace

// "now", for statements that tell live rows from expired ones (none without an expires_ns column).
Params& PgStore::now(Params& params) const {
    if (sql_.expiry) params.int8(now_ns());
    return params;
}

void PgStore::read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) {
    Params params;
    now(params.text(key));
    const Result row = pool_->run("read", Repeat::always, [&](Connection& c) { return c.run(sql_.read, params); });
    if (row.rows() == 0) throw Error(TOTE_NOT_FOUND, "no such key");
    const std::string_view value = row.bytes(0, 0);
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, value.size(), row.int8(0, 2), from_sql(row.int8(0, 1)), expiry_of(row, 3)};
    sink.write(value);  // one piece, straight from libpq's buffer; ValueSink skips the call for an empty value
}

void PgStore::read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                         plugin::Stat* stat) {
    // substring() takes int4: a bytea holds at most 1 GB, so clamping changes nothing a value can hold.
    constexpr uint64_t kMax = 0x7FFFFFFE;
    Params params;
    params.text(key).int8(static_cast<int64_t>(std::min(offset, kMax) + 1)).int8(static_cast<int64_t>(std::min(length, kMax)));
    now(params);
    const Result row =
        pool_->run("read", Repeat::always, [&](Connection& c) { return c.run(sql_.read_range, params); });
    if (row.rows() == 0) throw Error(TOTE_NOT_FOUND, "no such key");
    if (stat != nullptr)
        *stat = plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(row.int4(0, 1)), row.int8(0, 3),
                             from_sql(row.int8(0, 2)), expiry_of(row, 4)};
    sink.write(row.bytes(0, 0));
}

plugin::Stat PgStore::stat(std::string_view key) {
    Params of_key, under_key;
    now(of_key.text(key));
    const std::string begin = subtree_begin(key), end = subtree_end(key);
    now(under_key.text(begin).text(end));
    return pool_->run("stat", Repeat::always, [&](Connection& c) {
        const Result row = c.run(sql_.meta, of_key);
        if (row.rows() > 0)
            return plugin::Stat{TOTE_KIND_KEY, static_cast<uint64_t>(row.int4(0, 0)), row.int8(0, 2),
                                from_sql(row.int8(0, 1)), expiry_of(row, 3)};
        if (c.run(sql_.any_in, under_key).rows() > 0) return plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0, 0};
        throw Error(TOTE_NOT_FOUND, "no such key or prefix");
    });
}

std::vector<std::string> PgStore::page(const std::string& lower, const std::string& upper, int64_t limit,
                                       bool filter) {
    Params params;
    params.text(lower);
    if (!upper.empty()) params.text(upper);
    params.int8(limit);
    if (filter) now(params);
    const Statement& statement = filter ? (upper.empty() ? sql_.live_page_from : sql_.live_page_range)
                                        : (upper.empty() ? sql_.page_from : sql_.page_range);
    const Result rows =
        pool_->run("list", Repeat::always, [&](Connection& c) { return c.run(statement, params); });
    std::vector<std::string> keys;
    keys.reserve(static_cast<size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i) keys.emplace_back(rows.bytes(i, 0));
    return keys;
}

void PgStore::list(const plugin::ListParams& params, plugin::EntrySink& out) {
    const std::string_view prefix = params.prefix;
    const std::string_view after = params.start_after;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a listing prefix must be empty or end with '/'");
    // Rows are checked for expiry only while some row has an expiry at all: the plain listing is answered from
    // the key index alone.
    Params none;
    const bool filter = sql_.expiry && pool_->run("list", Repeat::always, [&](Connection& c) {
        return c.run(sql_.any_expiring, none).rows() > 0;
    });
    // The keys under the prefix are those in [prefix, upper); no upper bound for the whole store.
    std::string upper;
    if (!prefix.empty()) upper = subtree_end(prefix.substr(0, prefix.size() - 1));
    // Keyset pagination: each page starts at lower. It starts at the prefix, or at start_after if that lies
    // further on; entries not after start_after are skipped below (at most the one equal to it, or the sub-prefix
    // that contains it).
    std::string lower(std::max(prefix, text_floor(after)));
    int64_t limit = params.recursive ? kPageKeys : kSmallPageKeys;
    for (;;) {
        const std::vector<std::string> keys = page(lower, upper, limit, filter);
        for (const std::string& key : keys) {
            if (key < lower) continue;  // inside a subtree skipped below
            const size_t slash = params.recursive ? std::string::npos : key.find('/', prefix.size());
            if (slash == std::string::npos) {
                if (key > after && !out.emit(key, TOTE_KIND_KEY)) return;
                continue;
            }
            // One level, and the key is deeper: report its sub-prefix "prefix/seg/" once, then skip its subtree,
            // here and (by moving lower past it) in the next page.
            std::string sub = key.substr(0, slash + 1);
            if (sub > after && !out.emit(sub, TOTE_KIND_PREFIX)) return;
            sub.back() = '0';
            lower = std::move(sub);
        }
        if (keys.size() < static_cast<size_t>(limit)) return;  // the last page
        // Next page: right after the last key (no key lies between k and k + "\x01": keys hold no NUL), or where
        // the last skipped subtree ends, if that is further.
        const std::string next = keys.back() + '\x01';
        const bool ended_in_subtree = lower > next;
        if (!ended_in_subtree) lower = next;
        if (!params.recursive) limit = ended_in_subtree ? kSmallPageKeys : std::min(limit * 2, kPageKeys);
    }
}

// ---- Writing ------------------------------------------------------------------------------------------------------

const Statement& PgStore::write_statement(const plugin::WriteOp& op) const {
    if (op.create_only()) return sql_.insert_new;
    if (op.if_version()) return sql_.update_if;
    return sql_.upsert;
}

void PgStore::check_expiry(const plugin::WriteOp& op) const {
    if (op.expires() && !sql_.expiry)
        throw Error(TOTE_UNSUPPORTED, "table " + name_ + " has no expires_ns column (tote 0.1 made it); its owner "
                                      "can add it: ALTER TABLE " + name_ + " ADD COLUMN expires_ns BIGINT");
}

void PgStore::bind_write(Params& params, const plugin::WriteOp& op, uint64_t version, int64_t mtime_ns) const {
    params.text(op.key).bytes(op.value).int8(to_sql(version)).int8(mtime_ns);
    if (sql_.expiry) {
        if (op.expires())
            params.int8(op.expires_ns);
        else
            params.null();
    }
    if (op.if_version()) params.int8(to_sql(op.expected_version));
    if (sql_.expiry && (op.create_only() || op.if_version())) params.int8(now_ns());
}

void PgStore::purge_now_and_then() {
    if (!sql_.expiry || ++writes_ % 1000 != 0) return;
    Params params;
    now(params);
    pool_->run("purge", Repeat::always, [&](Connection& c) { return c.run(sql_.purge, params); });
}

uint64_t PgStore::write(const plugin::WriteOp& op) {
    // Flags were checked by the plugin.hpp trampoline. Version and mtime are drawn once, before any attempt.
    check_expiry(op);
    const uint64_t version = next_version();
    Params params;
    bind_write(params, op, version, now_ns());
    const Statement& statement = write_statement(op);
    // A plain write is repeated after a lost connection: the repeat stores the same value under the same version,
    // so whether or not the first attempt was applied, the key ends up as one write would leave it, and the
    // answer (OK) is the same. A create-only or compare-version write is not: if the first attempt was applied,
    // its repeat would find the key present, or at the new version, and report a failure for a write that took
    // effect. Those are repeated only when the statement provably never took effect.
    const bool conditional = op.create_only() || op.if_version();
    const char* what = op.create_only() ? "create-only write" : op.if_version() ? "compare-version write" : "write";
    const Result result = pool_->run(what, conditional ? Repeat::if_unapplied : Repeat::always,
                                     [&](Connection& c) { return c.run(statement, params); });
    if (op.create_only() && result.affected() == 0) throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
    if (op.if_version() && result.affected() == 0)
        throw Error(TOTE_PRECONDITION_FAILED,
                    "the key does not exist or is not at version " + hex(op.expected_version));
    purge_now_and_then();
    return version;
}

plugin::AppendResult PgStore::append(const plugin::AppendOp& op) {
    const uint64_t version = next_version();
    Params params;
    params.text(op.key).bytes(op.data).int8(to_sql(version)).int8(now_ns());
    const Statement* statement = &sql_.append;
    if (op.if_size() && op.expected_size == 0) statement = &sql_.append_at_zero;
    if (op.if_size() && op.expected_size != 0) {
        statement = &sql_.append_at_size;
        params.int8(static_cast<int64_t>(std::min<uint64_t>(op.expected_size, INT64_MAX)));
    }
    now(params);
    // Not repeated once it may have been applied: a second attempt would append the data twice (or, conditional,
    // fail for an append that took effect). The caller gets TOTE_UNKNOWN_OUTCOME and decides.
    const Result row = pool_->run(op.if_size() ? "conditional append" : "append", Repeat::if_unapplied,
                                  [&](Connection& c) { return c.run(*statement, params); });
    if (row.rows() == 0)
        throw Error(TOTE_PRECONDITION_FAILED, "the value is not " + std::to_string(op.expected_size) + " bytes long");
    const uint64_t length = static_cast<uint64_t>(row.int4(0, 0));
    return plugin::AppendResult{length - op.data.size(), version};
}

void PgStore::remove(std::string_view key, bool recursive) {
    Params params;
    params.text(key);
    const std::string begin = subtree_begin(key), end = subtree_end(key);
    if (recursive) params.text(begin).text(end);
    now(params);
    // Repeated after a lost connection: deleting again leaves the same state. Only the answer may differ: a repeat
    // that finds nothing may follow an attempt that did remove the key. That case reports NOT_FOUND (saying so),
    // never OK: a caller that uses remove to claim something must not be told it won when it cannot know.
    bool maybe_removed = false;
    const Result result = pool_->run("remove", Repeat::always, [&](Connection& c) {
        try {
            return c.run(recursive ? sql_.remove_tree : sql_.remove_key, params);
        } catch (const ConnectionLost& lost) {
            maybe_removed = maybe_removed || lost.maybe_applied();
            throw;
        }
    });
    if (result.int8(0, 0) > 0) return;  // live keys removed
    if (maybe_removed)
        throw Error(TOTE_NOT_FOUND, "nothing to remove after reconnecting; the attempt cut off by the lost "
                                    "connection may have removed it");
    throw Error(TOTE_NOT_FOUND, recursive ? "no such key or prefix" : "no such key");
}

void PgStore::rename(std::string_view from, std::string_view to, bool replace) {
    Params of_from;
    now(of_from.text(from));
    if (from == to) {
        const Result row = pool_->run("rename", Repeat::always, [&](Connection& c) { return c.run(sql_.meta, of_from); });
        if (row.rows() == 0) throw Error(TOTE_NOT_FOUND, "the source key does not exist");
        return;  // nothing to change
    }
    Params moving, of_source;
    moving.text(from).text(to);
    if (!replace) now(moving);
    of_source.text(from);
    // One transaction, sent as one pipeline: lock the source row (so no one changes it between the copy and the
    // delete), copy it to the destination (replacing it, or not if NO_REPLACE and a live one is there), delete the
    // source; then COMMIT.
    //
    // Repeated after a lost connection only if the loss came before COMMIT was sent (the server then rolls the
    // transaction back). A rename is not safe to repeat blindly: if the first attempt committed, a repeat finds
    // no source (NOT_FOUND for a rename that happened) or, worse, moves a value someone wrote to the source since.
    if (sql_.expiry) now(of_source);
    const std::vector<Query> queries = {{nullptr, nullptr, "BEGIN"},
                                        {&sql_.lock_key, &of_from, nullptr},
                                        {replace ? &sql_.copy_replace : &sql_.copy_new, &moving, nullptr},
                                        {&sql_.remove_key, &of_source, nullptr}};
    pool_->run("rename", Repeat::if_unapplied, [&](Connection& c) {
        std::vector<Result> results;
        try {
            results = c.run_pipeline(queries);
        } catch (const ConnectionLost& lost) {
            throw lost.not_applied();  // no COMMIT was sent
        }
        check_pipeline(results);
        if (results[1].rows() == 0) throw Error(TOTE_NOT_FOUND, "the source key does not exist");
        if (results[2].affected() == 0) throw Error(TOTE_ALREADY_EXISTS, "the destination key exists");
        commit(c);
    });
}

void PgStore::write_batch(const std::vector<plugin::WriteOp>& ops, size_t& failed_index) {
    failed_index = ops.size();  // a failure outside any one op (BEGIN, COMMIT) is reported as index count
    if (ops.empty()) return;
    for (size_t i = 0; i < ops.size(); ++i) {
        failed_index = i;
        check_expiry(ops[i]);
    }
    failed_index = ops.size();
    // One transaction, sent as one pipeline (BEGIN and every write), then COMMIT or, at the first failing op,
    // ROLLBACK (by the lease): all or nothing, later ops see earlier ones, two round trips for the lot.
    // Repeated after a lost connection only if the loss came before COMMIT was sent; nothing was applied then.
    pool_->run("batch", Repeat::if_unapplied, [&](Connection& c) {
        failed_index = ops.size();
        const int64_t mtime_ns = now_ns();
        std::deque<Params> params;  // a deque: Params cannot move, and the queries point at them
        std::vector<Query> queries;
        queries.reserve(ops.size() + 1);
        queries.push_back({nullptr, nullptr, "BEGIN"});
        for (const plugin::WriteOp& op : ops) {
            params.emplace_back();
            if (op.remove()) {  // 1.1: a remove in the batch; an absent key is not an error
                now(params.back().text(op.key));
                queries.push_back({&sql_.remove_key, &params.back(), nullptr});
                continue;
            }
            bind_write(params.back(), op, next_version(), mtime_ns);
            queries.push_back({&write_statement(op), &params.back(), nullptr});
        }
        std::vector<Result> results;
        try {
            results = c.run_pipeline(queries);
        } catch (const ConnectionLost& lost) {
            throw lost.not_applied();  // no COMMIT was sent
        }
        if (!results[0].ok()) results[0].fail();
        for (size_t i = 0; i < ops.size(); ++i) {
            const Result& result = results[i + 1];
            failed_index = i;
            if (!result.ok()) result.fail();  // the first failure: every later op was skipped
            if (ops[i].create_only() && result.affected() == 0)
                throw Error(TOTE_ALREADY_EXISTS, "the key already exists");
            if (ops[i].if_version() && result.affected() == 0)
                throw Error(TOTE_PRECONDITION_FAILED,
                            "the key does not exist or is not at version " + hex(ops[i].expected_version));
        }
        failed_index = ops.size();
        commit(c);
    });
    purge_now_and_then();
}

}  // namespace tote::postgres_plugin
