// SPDX-License-Identifier: Apache-2.0
// pg_filter.hpp — a filter (tote/ext/query.h, compiled by host/query) translated into one SQL condition over a
// jsonb document, with every operand and path segment a parameter (never spliced into the SQL text).
#ifndef TOTE_PG_FILTER_HPP
#define TOTE_PG_FILTER_HPP

#include "filter.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tote::postgres_plugin {

// One parameter: text (a path segment, a string operand, a double as its shortest exact decimal text) or int8.
struct PgParam {
    bool is_int8 = false;
    std::string text;
    int64_t int8 = 0;
};

struct PgFilter {
    std::string condition;        // true where the document matches; never NULL
    std::vector<PgParam> params;  // $first, $first+1, ...
};

// The condition over the jsonb expression `doc`, its parameters numbered from first_param; std::nullopt where SQL
// cannot be exact (an operand that is an object or an array): the query is then declined and the host evaluates.
std::optional<PgFilter> to_pg_sql(const query::Node& filter, const std::string& doc, int first_param);

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_FILTER_HPP
