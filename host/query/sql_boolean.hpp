// SPDX-License-Identifier: Apache-2.0
// sql_boolean.hpp — the boolean skeleton of a filter as SQL, shared by the plugins that translate filters (sqlite,
// postgres): $and, $or and $not become AND, OR and NOT in parentheses; each condition is the caller's to write.
#ifndef TOTE_QUERY_SQL_BOOLEAN_HPP
#define TOTE_QUERY_SQL_BOOLEAN_HPP

#include "filter.hpp"

#include <functional>
#include <string>

namespace tote::query {

// Appends filter to out as SQL. true_sql and false_sql are the engine's constants (an empty $and holds, an empty
// $or cannot); condition writes one condition, or returns false if it cannot be expressed, which makes the whole
// filter inexpressible (false).
bool append_sql(const Node& filter, std::string& out, const char* true_sql, const char* false_sql,
                const std::function<bool(const Node& condition, std::string& out)>& condition);

}  // namespace tote::query

#endif  // TOTE_QUERY_SQL_BOOLEAN_HPP
