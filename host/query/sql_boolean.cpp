// SPDX-License-Identifier: Apache-2.0
// sql_boolean.cpp — append_sql(): $and, $or and $not as SQL.
#include "sql_boolean.hpp"

namespace tote::query {

bool append_sql(const Node& n, std::string& out, const char* true_sql, const char* false_sql,
                const std::function<bool(const Node&, std::string&)>& condition) {
    switch (n.type) {
    case Node::Type::all:
    case Node::Type::any: {
        const bool all = n.type == Node::Type::all;
        if (n.children.empty()) {
            out += all ? true_sql : false_sql;
            return true;
        }
        out += '(';
        for (size_t i = 0; i < n.children.size(); ++i) {
            if (i) out += all ? " AND " : " OR ";
            if (!append_sql(n.children[i], out, true_sql, false_sql, condition)) return false;
        }
        out += ')';
        return true;
    }
    case Node::Type::negate:
        out += "(NOT ";
        if (!append_sql(n.children.front(), out, true_sql, false_sql, condition)) return false;
        out += ')';
        return true;
    case Node::Type::condition: return condition(n, out);
    }
    return false;
}

}  // namespace tote::query
