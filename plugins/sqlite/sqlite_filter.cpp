// SPDX-License-Identifier: Apache-2.0
// sqlite_filter.cpp — filters to SQL over SQLite's JSON functions (JSON1, built into SQLite since 3.38).
//
// How query.h's rules map onto SQLite:
//   - the value is a BLOB; JSON functions take TEXT, so the document is CAST(value AS TEXT). SQLite caches the
//     parse of a document between the JSON calls on one row. Text that is not JSON makes them raise an error, and
//     a JSON array or scalar would satisfy a $not: sqlite_query.cpp deals with both (a json_valid() guard in SQL
//     would cost a second parse of every value);
//   - json_type(doc, path) is NULL for a missing path and tells null, true, false, integer, real, text, array and
//     object apart; json_extract() alone cannot (null and missing are both NULL, true is 1, an object is text);
//   - every condition is 0 or 1, never NULL (IS, not =, against json_type), so that NOT is exact;
//   - numbers: typeof(json_extract()) is 'integer' exactly for the integers SQLite holds in 64 bits (json_type()
//     says 'integer' also for larger ones, which json_extract() returns as a REAL). Two such integers compare
//     exactly; otherwise both sides are compared as REAL (CAST), as query.h says — SQLite's own comparison of an
//     INTEGER with a REAL is exact, which query.h's is not;
//   - strings compare with SQLite's BINARY collation, memcmp on UTF-8: code point order.
// What SQLite's parser accepts beyond RFC 8259 (lone surrogate escapes, invalid UTF-8, a NUL ending the text
// early, 1e400) can only add matches; sqlite_query.cpp drops those with query::lexically_strict().
#include "sqlite_filter.hpp"

#include "evaluate.hpp"
#include "sql_boolean.hpp"

#include <string_view>

namespace tote::sqlite_plugin {

namespace {

using nlohmann::json;
using query::Node;
using query::Op;

// Qualified: inside json_each(), a bare "value" would be json_each's own column.
constexpr const char* kDoc = "CAST(tote_kv.value AS TEXT)";

class Compiler {
public:
    explicit Compiler(int first) : next_(first) {}

    // false: not expressible.
    bool node(const Node& n, std::string& out) {
        return query::append_sql(n, out, "1", "0",
                                 [this](const Node& c, std::string& sql) { return condition(c, sql); });
    }

    std::vector<SqlParam> params;

private:
    std::string bind_text(std::string text) {
        SqlParam p;
        p.text = std::move(text);
        params.push_back(std::move(p));
        return "?" + std::to_string(next_++);
    }
    std::string bind_number(const json& n) {
        const query::Number v = query::number(n);
        SqlParam p;
        if (v.exact) {
            p.type = SqlParam::Type::integer;
            p.integer = v.integer;
        } else {
            p.type = SqlParam::Type::real;
            p.real = v.real;
        }
        params.push_back(p);
        return "?" + std::to_string(next_++);
    }

    // The JSON path in SQLite's syntax: $."member"[3]. A member name holding '"' cannot be quoted there.
    bool path(const std::vector<query::Segment>& segments, std::string& out) {
        std::string p = "$";
        for (const query::Segment& s : segments) {
            if (s.index >= 0) {
                p += "[" + std::to_string(s.index) + "]";
            } else {
                if (s.name.find('"') != std::string::npos) return false;
                p += ".\"" + s.name + "\"";
            }
        }
        out = bind_text(std::move(p));
        return true;
    }

    // The comparison `x op arg` of a JSON value x (an SQL expression whose JSON type is `type`) against a scalar
    // operand, for op among =, <, <=, >, >=; false for an object or array operand.
    bool compare(const std::string& type, const std::string& x, const char* op, const json& arg, std::string& out) {
        if (arg.is_null()) {
            out += "(" + type + " IS 'null')";
        } else if (arg.is_boolean()) {
            out += "(" + type + (arg.get<bool>() ? " IS 'true')" : " IS 'false')");
        } else if (arg.is_string()) {
            const std::string& s = arg.get_ref<const std::string&>();
            if (std::string_view(op) == "=" && (s.empty() || (s[0] != '{' && s[0] != '['))) {
                // One call: json_extract() gives text only for a string, or for an object or array (as JSON text,
                // starting with '{' or '['), and IS never gives NULL.
                out += "(" + x + " IS " + bind_text(s) + ")";
            } else {
                out += "(" + type + " IS 'text' AND " + x + " " + op + " " + bind_text(s) + ")";
            }
        } else if (arg.is_number()) {
            const std::string n = bind_number(arg);
            out += "(coalesce(" + type + " IN ('integer', 'real'), 0) AND ";
            if (query::number(arg).exact)
                out += "(CASE WHEN typeof(" + x + ") = 'integer' THEN " + x + " " + op + " " + n + " ELSE " + x +
                       " " + op + " CAST(" + n + " AS REAL) END))";
            else
                out += "CAST(" + x + " AS REAL) " + op + " " + n + ")";
        } else {
            return false;  // objects and arrays: deep equality is not expressible with SQLite's JSON functions
        }
        return true;
    }

    bool condition(const Node& c, std::string& out) {
        std::string p;
        if (!path(c.path, p)) return false;
        const std::string type = "json_type(" + std::string(kDoc) + ", " + p + ")";
        const std::string value = "json_extract(" + std::string(kDoc) + ", " + p + ")";
        switch (c.op) {
        case Op::exists: out += "(" + type + (c.arg.get<bool>() ? " IS NOT NULL)" : " IS NULL)"); return true;
        case Op::eq: return compare(type, value, "=", c.arg, out);
        case Op::lt: return compare(type, value, "<", c.arg, out);
        case Op::lte: return compare(type, value, "<=", c.arg, out);
        case Op::gt: return compare(type, value, ">", c.arg, out);
        case Op::gte: return compare(type, value, ">=", c.arg, out);
        case Op::in:
            if (c.arg.empty()) {
                out += "0";
                return true;
            }
            out += "(";
            for (size_t i = 0; i < c.arg.size(); ++i) {
                if (i) out += " OR ";
                if (!compare(type, value, "=", c.arg[i], out)) return false;
            }
            out += ")";
            return true;
        case Op::contains: {
            // An array with an equal element; or, for a string operand, a string holding it.
            out += "((" + type + " IS 'array' AND EXISTS (SELECT 1 FROM json_each(" + kDoc + ", " + p + ") AS e WHERE ";
            if (!compare("e.type", "e.value", "=", c.arg, out)) return false;
            out += "))";
            if (c.arg.is_string())
                out += " OR (" + type + " IS 'text' AND instr(" + value + ", " + bind_text(c.arg.get<std::string>()) +
                       ") > 0)";
            out += ")";
            return true;
        }
        }
        return false;
    }

    int next_;
};

// True if evaluating n always calls a JSON function: SQLite evaluates the first operand of AND and OR, and NOT's.
bool always_reads_a_field(const Node& n) {
    switch (n.type) {
    case Node::Type::all:
    case Node::Type::any:
    case Node::Type::negate: return !n.children.empty() && always_reads_a_field(n.children.front());
    case Node::Type::condition: return !(n.op == Op::in && n.arg.empty());  // $in [] is the constant 0
    }
    return false;
}

}  // namespace

std::optional<SqlFilter> to_sql(const query::Node& filter, int first_param) {
    Compiler compiler(first_param);
    std::string expression;
    if (!compiler.node(filter, expression)) return std::nullopt;
    SqlFilter out;
    out.expression = std::move(expression);
    out.params = std::move(compiler.params);
    out.parses_every_value = always_reads_a_field(filter);
    return out;
}

}  // namespace tote::sqlite_plugin
