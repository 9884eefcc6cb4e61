// SPDX-License-Identifier: Apache-2.0
// sqlite_filter.hpp — a filter (tote/ext/query.h, compiled by host/query) translated into one SQL expression over
// SQLite's JSON functions, with every operand bound as a parameter (never spliced into the SQL text).
#ifndef TOTE_SQLITE_FILTER_HPP
#define TOTE_SQLITE_FILTER_HPP

#include "filter.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tote::sqlite_plugin {

// One bound parameter: text (a path, a string operand), an exact integer, or a double.
struct SqlParam {
    enum class Type { text, integer, real } type = Type::text;
    std::string text;
    int64_t integer = 0;
    double real = 0;
};

struct SqlFilter {
    std::string expression;        // 1 where the row's value, if it is a JSON object, matches; never NULL
    std::vector<SqlParam> params;  // bound to ?first, ?first+1, ...
    // Evaluating the expression always calls a JSON function on the value (its first condition reads a field), so
    // SQLite parses every value it looks at: one that is not JSON fails the statement rather than match. False for
    // filters like {} that read no field.
    bool parses_every_value = false;
};

// The expression for filter over the column tote_kv.value (a BLOB), numbering its parameters from first_param; std::nullopt
// where SQLite's JSON functions cannot express the filter exactly (an operand that is an object or an array, a
// path segment holding '"'): the query is then declined and the host evaluates it.
std::optional<SqlFilter> to_sql(const query::Node& filter, int first_param);

}  // namespace tote::sqlite_plugin

#endif  // TOTE_SQLITE_FILTER_HPP
