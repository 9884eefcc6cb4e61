// SPDX-License-Identifier: Apache-2.0
// pg_query.cpp — PgStore::query() ("tote.query/1"): the filter runs in the server, over each value parsed once as
// jsonb, through a cursor (one scan in key order, fetched a page at a time).
//
// A value that is not valid jsonb (not JSON, not UTF-8, "\u0000", which jsonb cannot hold) makes the server's
// query fail, and the server does not say which row. From the last match on, the plugin then reads the rows as
// they are, a block at a time, and evaluates the filter itself with the reference code the host uses (host/query):
// what jsonb rejects the reference evaluation mostly rejects too, and where it does not ("\u0000" is valid JSON)
// its answer is the right one. A store that mixes values that are not JSON into the documents under a prefix is so
// queried at the speed of the host's evaluation; one of documents alone, in the server. Matches the server found
// are checked with query::lexically_strict(): jsonb accepts a few texts RFC 8259 does not (1e400).
#include "pg_filter.hpp"
#include "pg_store.hpp"

#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

#include "../common/first_party.hpp"
#include "../common/query_filter.hpp"

#include <cstring>

namespace tote::postgres_plugin {

using first_party::now_ns;
using first_party::subtree_end;
using plugin::Error;

namespace {

constexpr int kPageRows = 500;  // matches per FETCH from the server's cursor
constexpr int64_t kLocalRows = 256;  // rows per block the plugin evaluates after the server met a value it cannot take

// True for an error the server raises on a value it cannot take as jsonb, or cannot compare (a number beyond
// float8): data exceptions (SQLSTATE class 22) and program limits (54, e.g. a value nested too deeply).
bool is_value_error(const Error& e) {
    const char* state = std::strstr(e.what(), "[SQLSTATE ");
    return state != nullptr && (std::strncmp(state + 10, "22", 2) == 0 || std::strncmp(state + 10, "54", 2) == 0);
}

void bind(Params& params, const std::vector<PgParam>& list) {
    for (const PgParam& p : list) {
        if (p.is_int8)
            params.int8(p.int8);
        else
            params.text(p.text);
    }
}

}  // namespace

void PgStore::query(const plugin::QueryParams& q, plugin::MatchSink& out) {
    const std::string prefix(q.prefix);
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a query prefix must be empty or end with '/'");
    const query::Node filter = first_party::compile_query_filter(q.filter);
    // $1 lower bound (the prefix), $2 upper bound, $3 start after, $4 where a key's rest starts (one level), $5 now
    // (with expiry); the filter's own from $6, a block's size after the keys' parameters.
    const std::optional<PgFilter> where = to_pg_sql(filter, "j.d", 6);
    if (!where) throw Error(TOTE_UNSUPPORTED, "this filter has no exact SQL form here; the host evaluates it");

    std::string keys = " WHERE t.key >= $1::text AND ($2::text = '' OR t.key < $2::text) AND t.key > $3::text"
                       " AND ($4::int8 = 0 OR strpos(substr(t.key, $4::int8::int4), '/') = 0)";
    keys += sql_.expiry ? " AND (t.expires_ns IS NULL OR t.expires_ns > $5::int8)" : " AND $5::int8 IS NOT NULL";
    const std::string native = "DECLARE tote_query NO SCROLL CURSOR FOR SELECT t.key, t.value FROM " + table_ +
                               " AS t CROSS JOIN LATERAL (SELECT convert_from(t.value, 'UTF8')::jsonb AS d OFFSET 0)"
                               " AS j" + keys + " AND jsonb_typeof(j.d) = 'object' AND " + where->condition +
                               " ORDER BY t.key";
    const std::string block = "SELECT t.key, t.value FROM " + table_ + " AS t" + keys + " ORDER BY t.key LIMIT $" +
                              std::to_string(6) + "::int8";

    const std::string upper = prefix.empty() ? "" : subtree_end(prefix.substr(0, prefix.size() - 1));
    const int64_t rest = q.recursive ? 0 : static_cast<int64_t>(prefix.size()) + 1;
    const std::string fetch = "FETCH " + std::to_string(kPageRows) + " FROM tote_query";
    std::string after(q.start_after);  // the last key emitted: a repeat after a lost connection resumes there
    const auto key_params = [&](Params& params) {
        params.text(prefix).text(upper).text(after).int8(rest).int8(now_ns());
    };

    // In the server, through a cursor (one scan, fetched a page at a time), up to the end or to a value jsonb
    // cannot take.
    bool stopped = false;
    const bool finished = pool_->run("query", Repeat::always, [&](Connection& c) {
        Params params;
        key_params(params);
        bind(params, where->params);
        c.run_sql("BEGIN");
        try {
            c.run_sql(native.c_str(), params);
            for (;;) {
                const Result page = c.run_sql(fetch.c_str());
                const int rows = page.rows();
                for (int i = 0; i < rows && !stopped; ++i) {
                    const std::string_view value = page.bytes(i, 1);
                    if (query::lexically_strict(value) && !out.emit(page.bytes(i, 0), value)) stopped = true;
                    after.assign(page.bytes(i, 0));
                }
                if (stopped || rows < kPageRows) break;
            }
        } catch (const Error& e) {
            if (!is_value_error(e)) throw;
            c.rollback_quietly();
            return false;
        }
        c.run_sql("ROLLBACK");  // read only: nothing to commit
        return true;
    });
    if (finished || stopped) return;
    // From the value on that the server could not take, the plugin evaluates every row itself, a block at a time:
    // slower, but one pass.
    for (;;) {
        Params params;
        key_params(params);
        params.int8(kLocalRows);
        const Result rows = pool_->run("query", Repeat::always, [&](Connection& c) { return c.run_sql(block.c_str(), params); });
        for (int i = 0; i < rows.rows(); ++i) {
            const std::string_view value = rows.bytes(i, 1);
            if (query::matches_value(filter, value) && !out.emit(rows.bytes(i, 0), value)) return;
        }
        if (rows.rows() < kLocalRows) return;
        after.assign(rows.bytes(rows.rows() - 1, 0));
    }
}

}  // namespace tote::postgres_plugin
