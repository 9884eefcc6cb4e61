// SPDX-License-Identifier: Apache-2.0
// sqlite_query.cpp — SqliteStore::query() ("tote.query/1"): the filter runs inside SQLite, as a WHERE clause over
// its JSON functions (sqlite_filter.cpp), on the rows of the key range in key order.
//
// Two kinds of row get a second look in the plugin, with the reference code the host itself uses (host/query):
//   - every match is checked with query::lexically_strict(): SQLite's JSON parser accepts some text RFC 8259 does
//     not (sqlite_filter.cpp says which), and such a value is no document, so it must not match;
//   - a value holding a backslash is returned whatever the filter says and evaluated by query::matches_value():
//     SQLite 3.40 compares a path with a document's member names as written, escapes and all, so {"caf\u00e9": 1}
//     has no member "café" for it. Values with escapes are rare in the documents queries are for; they cost a parse
//     each, and the answer stays exact.
#include "sqlite_filter.hpp"
#include "sqlite_store.hpp"

#include "../common/first_party.hpp"

#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

namespace tote::sqlite_plugin {

using plugin::Error;

void SqliteStore::query(const plugin::QueryParams& params, plugin::MatchSink& out) {
    const std::string_view prefix = params.prefix;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a query prefix must be empty or end with '/'");
    query::Node filter;
    try {
        filter = query::compile(nlohmann::json::parse(params.filter));
    } catch (const std::exception& e) {
        throw Error(TOTE_INVALID_ARGUMENT, std::string("query filter: ") + e.what());
    }
    const std::optional<SqlFilter> where = to_sql(filter, 10);
    if (!where) throw Error(TOTE_UNSUPPORTED, "this filter has no exact SQL form here; the host evaluates it");

    std::string sql = "SELECT key, value, instr(value, x'5C') > 0 FROM tote_kv WHERE " LIVE_AT_9;
    if (!prefix.empty()) sql += " AND key >= ?1 AND key < ?2";
    if (!params.start_after.empty()) sql += " AND key > ?3";
    if (!params.recursive) sql += " AND instr(substr(key, ?4), '/') = 0";
    sql += " AND (instr(value, x'5C') > 0 OR " + where->expression + ") ORDER BY key";
    Statement statement(*db_, sql.c_str());
    statement.bind_int(9, first_party::now_ns());
    if (!prefix.empty()) {
        statement.bind_text(1, prefix);
        statement.bind_text(2, first_party::subtree_end(prefix.substr(0, prefix.size() - 1)));
    }
    if (!params.start_after.empty()) statement.bind_text(3, params.start_after);
    if (!params.recursive) statement.bind_int(4, static_cast<int64_t>(prefix.size()) + 1);
    int index = 10;
    for (const SqlParam& p : where->params) {
        switch (p.type) {
        case SqlParam::Type::text: statement.bind_text(index, p.text); break;
        case SqlParam::Type::integer: statement.bind_int(index, p.integer); break;
        case SqlParam::Type::real: statement.bind_double(index, p.real); break;
        }
        ++index;
    }
    StatementReset reset(statement);
    while (statement.step()) {
        const std::string_view value = statement.column_blob(1);
        const bool matched = statement.column_int(2) != 0 ? query::matches_value(filter, value)
                                                          : query::lexically_strict(value);
        if (matched && !out.emit(statement.column_text(0), value)) return;
    }
}

}  // namespace tote::sqlite_plugin
