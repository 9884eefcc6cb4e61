// SPDX-License-Identifier: Apache-2.0
// pg_query.cpp — PgStore::query() ("tote.query/1"): the filter runs in the server, over each value parsed once as
// jsonb, a page of matches at a time in key order (keyset pagination, as list() does).
//
// A value that is not valid jsonb (not JSON, not UTF-8, "\u0000", which jsonb cannot hold) makes the server's
// query fail. The plugin then reads the next rows as they are, a block at a time, and evaluates the filter on them
// itself with the reference code the host uses (host/query) — what jsonb rejects, the reference evaluation mostly
// rejects too, and where it does not ("\u0000" is valid JSON) its answer is the right one — and goes back to the
// server after that block. Matches the server found are checked with query::lexically_strict(): jsonb accepts a
// few texts RFC 8259 does not (1e400), which are not documents.
#include "pg_filter.hpp"
#include "pg_store.hpp"

#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

#include "../common/first_party.hpp"

#include <cstring>

namespace tote::postgres_plugin {

using first_party::now_ns;
using first_party::subtree_end;
using plugin::Error;

namespace {

constexpr int64_t kPageMatches = 500;  // matches per page from the server
constexpr int64_t kLocalRows = 256;    // rows evaluated by the plugin after the server met a value it cannot parse

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
    query::Node filter;
    try {
        filter = query::compile(nlohmann::json::parse(q.filter));
    } catch (const std::exception& e) {
        throw Error(TOTE_INVALID_ARGUMENT, std::string("query filter: ") + e.what());
    }
    // $1 lower bound (the prefix), $2 upper bound, $3 start after, $4 where a key's rest starts (one level),
    // $5 how many, $6 now (with expiry); the filter's own from $7.
    const std::optional<PgFilter> where = to_pg_sql(filter, "j.d", 7);
    if (!where) throw Error(TOTE_UNSUPPORTED, "this filter has no exact SQL form here; the host evaluates it");

    std::string keys = " WHERE t.key >= $1::text AND ($2::text = '' OR t.key < $2::text) AND t.key > $3::text"
                       " AND ($4::int8 = 0 OR strpos(substr(t.key, $4::int8::int4), '/') = 0)";
    keys += sql_.expiry ? " AND (t.expires_ns IS NULL OR t.expires_ns > $6::int8)" : " AND $6::int8 IS NOT NULL";
    const std::string native = "SELECT t.key, t.value FROM " + table_ + " AS t CROSS JOIN LATERAL (SELECT "
                               "convert_from(t.value, 'UTF8')::jsonb AS d OFFSET 0) AS j" + keys +
                               " AND jsonb_typeof(j.d) = 'object' AND " + where->condition +
                               " ORDER BY t.key LIMIT $5::int8";
    const std::string raw = "SELECT t.key, t.value FROM " + table_ + " AS t" + keys + " ORDER BY t.key LIMIT $5::int8";

    const std::string upper = prefix.empty() ? "" : subtree_end(prefix.substr(0, prefix.size() - 1));
    const int64_t rest = q.recursive ? 0 : static_cast<int64_t>(prefix.size()) + 1;
    std::string after(q.start_after);
    const auto run = [&](const std::string& sql, int64_t limit, bool with_filter) {
        Params params;
        params.text(prefix).text(upper).text(after).int8(rest).int8(limit).int8(now_ns());
        if (with_filter) bind(params, where->params);
        return pool_->run("query", Repeat::always, [&](Connection& c) { return c.run_sql(sql.c_str(), params); });
    };
    for (;;) {
        Result page;
        bool native_page = true;
        try {
            page = run(native, kPageMatches, true);
        } catch (const Error& e) {
            if (!is_value_error(e)) throw;
            native_page = false;
            page = run(raw, kLocalRows, false);
        }
        const int rows = page.rows();
        for (int i = 0; i < rows; ++i) {
            const std::string_view value = page.bytes(i, 1);
            const bool matched = native_page ? query::lexically_strict(value) : query::matches_value(filter, value);
            if (matched && !out.emit(page.bytes(i, 0), value)) return;
        }
        if (rows < (native_page ? kPageMatches : kLocalRows)) {
            if (native_page) return;  // the server went through every row left
            if (rows == 0) return;
        }
        if (rows > 0) after = std::string(page.bytes(rows - 1, 0));
    }
}

}  // namespace tote::postgres_plugin
