// SPDX-License-Identifier: Apache-2.0
// sqlite_query.cpp — SqliteStore::query() ("tote.query/1"): the filter runs inside SQLite, as a WHERE clause over
// its JSON functions (sqlite_filter.cpp), on the rows of the key range in key order.
//
// Some rows get a look in the plugin, with the reference code the host itself uses (host/query):
//   - every match: an object at the top level, and query::lexically_strict(). SQLite's JSON parser accepts some
//     text RFC 8259 does not (sqlite_filter.cpp says which), and the SQL does not check the top level (a field of
//     an array is missing, so only a negation could match one): either way the value is no document, and must not
//     match. For a filter that reads no field ({}), the SQL checks json_type() of the value instead, which also
//     makes SQLite parse it;
//   - a value holding a backslash is returned whatever the filter says and evaluated by query::matches_value():
//     SQLite 3.40 compares a path with a document's member names as written, escapes and all, so {"caf\u00e9": 1}
//     has no member "café" for it. Such values cost a parse each; the answer stays exact;
//   - a value that is not JSON at all makes SQLite's JSON functions fail the statement, without saying which row.
//     The query then goes on from the last row returned with json_valid() checked first on every value, and the
//     values that are not JSON (for SQLite) evaluated here. A store that mixes such values into its documents is
//     so queried at about half the speed; one of documents alone, at full speed.
#include "sqlite_filter.hpp"
#include "sqlite_store.hpp"

#include "../common/first_party.hpp"
#include "../common/query_filter.hpp"

#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

#include <sqlite3.h>

#include <cstring>

namespace tote::sqlite_plugin {

using plugin::Error;

namespace {

// tote_escaped(value): whether the value holds a backslash. Evaluated only for rows the filter did not match (it
// stands after the filter in an OR), so it costs little; a function rather than instr(), which compares the bytes
// one position at a time.
void tote_escaped(sqlite3_context* context, int, sqlite3_value** args) {
    const void* value = sqlite3_value_blob(args[0]);
    const int size = sqlite3_value_bytes(args[0]);
    sqlite3_result_int(context, value != nullptr && std::memchr(value, '\\', static_cast<size_t>(size)) != nullptr);
}

bool escaped(std::string_view value) { return value.find('\\') != std::string_view::npos; }

// A value SQLite parsed and found matching is a document if its top level is an object (SQLite parsed it, so the
// first character says) and it is strict JSON.
bool is_document(std::string_view value) {
    const size_t first = value.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && value[first] == '{' && query::lexically_strict(value);
}

bool is_not_json_error(const Error& e) { return std::strstr(e.what(), "malformed JSON") != nullptr; }

}  // namespace

void SqliteStore::query(const plugin::QueryParams& params, plugin::MatchSink& out) {
    const std::string_view prefix = params.prefix;
    if (!prefix.empty() && prefix.back() != '/')
        throw Error(TOTE_INVALID_ARGUMENT, "a query prefix must be empty or end with '/'");
    const query::Node filter = first_party::compile_query_filter(params.filter);
    const std::optional<SqlFilter> where = to_sql(filter, 10);
    if (!where) throw Error(TOTE_UNSUPPORTED, "this filter has no exact SQL form here; the host evaluates it");
    if (!query_function_) {
        const int rc = sqlite3_create_function_v2(db_->handle(), "tote_escaped", 1,
                                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                                  &tote_escaped, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) db_->fail(rc);
        query_function_ = true;
    }

    // ?1 ?2 the prefix's range, ?3 the key to start after, ?4 where a key's rest starts (one level), ?9 now; the
    // filter's parameters from ?10. Each condition only where it is needed: they cost per row.
    const bool expiring = any_expiring();
    const auto keys = [&](bool after) {
        std::string sql = " FROM tote_kv WHERE 1";
        if (expiring) sql += " AND " LIVE_AT_9;
        if (after) sql += " AND key > ?3";
        if (!prefix.empty()) sql += " AND key >= ?1 AND key < ?2";
        if (!params.recursive) sql += " AND instr(substr(key, ?4), '/') = 0";
        return sql;
    };
    const std::string doc = "CAST(tote_kv.value AS TEXT)";
    const std::string matches =
        (where->parses_every_value ? "" : "json_type(" + doc + ") IS 'object' AND ") + where->expression;
    const auto bind = [&](Statement& s, const std::string& after) {
        if (expiring) s.bind_int(9, first_party::now_ns());
        if (!after.empty()) s.bind_text(3, after);
        if (!prefix.empty()) {
            s.bind_text(1, prefix);
            s.bind_text(2, first_party::subtree_end(prefix.substr(0, prefix.size() - 1)));
        }
        if (!params.recursive) s.bind_int(4, static_cast<int64_t>(prefix.size()) + 1);
        int index = 10;
        for (const SqlParam& p : where->params) {
            switch (p.type) {
            case SqlParam::Type::text: s.bind_text(index, p.text); break;
            case SqlParam::Type::integer: s.bind_int(index, p.integer); break;
            case SqlParam::Type::real: s.bind_double(index, p.real); break;
            }
            ++index;
        }
    };

    std::string after(params.start_after);
    {
        // Natively: the rows the filter matches, and those holding a backslash (see above).
        const std::string sql = "SELECT key, value" + keys(!after.empty()) + " AND ((" + matches +
                                ") OR tote_escaped(tote_kv.value)) ORDER BY key";
        Statement statement(*db_, sql.c_str());
        StatementReset reset(statement);
        bind(statement, after);
        try {
            while (statement.step()) {
                const std::string_view value = statement.column_blob(1);
                const bool matched = escaped(value) ? query::matches_value(filter, value) : is_document(value);
                if (matched && !out.emit(statement.column_text(0), value)) return;
                after.assign(statement.column_text(0));
            }
            return;
        } catch (const Error& e) {
            if (!is_not_json_error(e)) throw;
        }
    }
    // A value that is not JSON stopped SQLite's JSON functions (it does not say which row). From the last row
    // returned on, every value is first checked with json_valid() (a second parse, so only now), and those that
    // fail are evaluated here.
    const std::string sql = "SELECT key, value, json_valid(" + doc + ")" + keys(!after.empty()) +
                            " AND (CASE WHEN NOT json_valid(" + doc + ") THEN 1 WHEN " + matches +
                            " THEN 1 ELSE tote_escaped(tote_kv.value) END) ORDER BY key";
    Statement statement(*db_, sql.c_str());
    StatementReset reset(statement);
    bind(statement, after);
    while (statement.step()) {
        const std::string_view value = statement.column_blob(1);
        const bool local = statement.column_int(2) == 0 || escaped(value);
        const bool matched = local ? query::matches_value(filter, value) : is_document(value);
        if (matched && !out.emit(statement.column_text(0), value)) return;
    }
}

}  // namespace tote::sqlite_plugin
