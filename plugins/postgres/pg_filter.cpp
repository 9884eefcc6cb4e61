// SPDX-License-Identifier: Apache-2.0
// pg_filter.cpp — filters to SQL over jsonb.
//
// How query.h's rules map onto PostgreSQL:
//   - a path is `doc #> ARRAY[$a, $b]::text[]`: SQL NULL when it finds nothing (missing), the jsonb 'null' for an
//     explicit null. PostgreSQL reads a path element as an array index when it parses as an integer ("01", "-1"
//     too) and as a member name otherwise, so a path whose elements could be read either way is guarded with
//     jsonb_typeof() of its prefix: query.h's index segments find only array elements, its member segments only
//     object members;
//   - every condition is wrapped in coalesce(…, false): never NULL, so NOT is exact. Casts that would fail on
//     another type (jsonb to numeric, jsonb_array_elements) sit behind CASE, which PostgreSQL evaluates in order;
//   - numbers: a jsonb number is exact (numeric). One with scale 0 in the signed 64-bit range compares exactly
//     with an exact integer operand; every other comparison is in float8, as query.h says;
//   - strings compare COLLATE "C": byte order of UTF-8, which is code point order.
#include "pg_filter.hpp"

#include "evaluate.hpp"
#include "sql_boolean.hpp"

#include <cstdio>

namespace tote::postgres_plugin {

namespace {

using nlohmann::json;
using query::Node;
using query::Op;

// True for a path element PostgreSQL would take for an array index: optional blanks and sign, then digits.
bool pg_reads_as_index(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
        ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

class Compiler {
public:
    Compiler(std::string doc, int first) : doc_(std::move(doc)), next_(first) {}

    bool node(const Node& n, std::string& out) {
        return query::append_sql(n, out, "true", "false",
                                 [this](const Node& c, std::string& sql) { return condition(c, sql); });
    }

    std::vector<PgParam> params;

private:
    std::string text(std::string value) {
        PgParam p;
        p.text = std::move(value);
        params.push_back(std::move(p));
        return "$" + std::to_string(next_++) + "::text";
    }
    std::string int8(int64_t value) {
        PgParam p;
        p.is_int8 = true;
        p.int8 = value;
        params.push_back(p);
        return "$" + std::to_string(next_++) + "::int8";
    }
    std::string float8(double value) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.17g", value);  // 17 digits: exactly this double again
        return "CAST(" + text(buffer) + " AS float8)";
    }

    std::string path_array(const std::vector<query::Segment>& segments, size_t count) {
        std::string a = "ARRAY[";
        for (size_t i = 0; i < count; ++i) a += (i ? ", " : "") + text(segments[i].name);
        return a + "]::text[]";
    }

    // The jsonb at the path, or SQL NULL where query.h's path finds nothing.
    std::string value_at(const std::vector<query::Segment>& path) {
        std::string guards;
        for (size_t i = 0; i < path.size(); ++i) {
            const bool index = path[i].index >= 0;
            if (!index && !pg_reads_as_index(path[i].name)) continue;
            const std::string holder = i == 0 ? doc_ : doc_ + " #> " + path_array(path, i);
            guards += std::string(guards.empty() ? "" : " AND ") + "jsonb_typeof(" + holder + ") = '" +
                      (index ? "array" : "object") + "'";
        }
        const std::string at = "(" + doc_ + " #> " + path_array(path, path.size()) + ")";
        return guards.empty() ? at : "(CASE WHEN " + guards + " THEN " + at + " END)";
    }

    // `x op arg` for a jsonb x and a scalar operand; false for an object or array operand.
    bool compare(const std::string& x, const char* op, const json& arg, std::string& out) {
        const std::string type = "jsonb_typeof(" + x + ")";
        if (arg.is_null()) {
            out += "coalesce(" + type + " = 'null', false)";
        } else if (arg.is_boolean()) {
            out += "coalesce(" + type + " = 'boolean' AND " + x + " = '" + (arg.get<bool>() ? "true" : "false") +
                   "'::jsonb, false)";
        } else if (arg.is_string()) {
            out += "coalesce(CASE WHEN " + type + " = 'string' THEN (" + x + " #>> '{}') COLLATE \"C\" " + op + " " +
                   text(arg.get<std::string>()) + " ELSE false END, false)";
        } else if (arg.is_number()) {
            const query::Number n = query::number(arg);
            out += "coalesce(CASE WHEN " + type + " = 'number' THEN ";
            if (n.exact) {
                const std::string i = int8(n.integer);
                out += "(CASE WHEN scale(" + x + "::numeric) = 0 AND " + x +
                       "::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN " + x + "::numeric " + op +
                       " " + i + " ELSE " + x + "::float8 " + op + " CAST(" + i + " AS float8) END)";
            } else {
                out += x + "::float8 " + op + " " + float8(n.real);
            }
            out += " ELSE false END, false)";
        } else {
            return false;  // objects and arrays: left to the host (numbers nested in them compare exactly in jsonb)
        }
        return true;
    }

    bool condition(const Node& c, std::string& out) {
        const std::string v = value_at(c.path);
        switch (c.op) {
        case Op::exists: out += "(" + v + (c.arg.get<bool>() ? " IS NOT NULL)" : " IS NULL)"); return true;
        case Op::eq: return compare(v, "=", c.arg, out);
        case Op::lt: return compare(v, "<", c.arg, out);
        case Op::lte: return compare(v, "<=", c.arg, out);
        case Op::gt: return compare(v, ">", c.arg, out);
        case Op::gte: return compare(v, ">=", c.arg, out);
        case Op::in:
            if (c.arg.empty()) {
                out += "false";
                return true;
            }
            out += "(";
            for (size_t i = 0; i < c.arg.size(); ++i) {
                if (i) out += " OR ";
                if (!compare(v, "=", c.arg[i], out)) return false;
            }
            out += ")";
            return true;
        case Op::contains: {
            out += "(coalesce(CASE WHEN jsonb_typeof(" + v + ") = 'array' THEN EXISTS (SELECT 1 FROM "
                   "jsonb_array_elements(" + v + ") AS e(v) WHERE ";
            if (!compare("e.v", "=", c.arg, out)) return false;
            out += ") ELSE false END, false)";
            if (c.arg.is_string())
                out += " OR coalesce(CASE WHEN jsonb_typeof(" + v + ") = 'string' THEN strpos(" + v + " #>> '{}', " +
                       text(c.arg.get<std::string>()) + ") > 0 ELSE false END, false)";
            out += ")";
            return true;
        }
        }
        return false;
    }

    std::string doc_;
    int next_;
};

}  // namespace

std::optional<PgFilter> to_pg_sql(const query::Node& filter, const std::string& doc, int first_param) {
    Compiler compiler(doc, first_param);
    PgFilter out;
    if (!compiler.node(filter, out.condition)) return std::nullopt;
    out.params = std::move(compiler.params);
    return out;
}

}  // namespace tote::postgres_plugin
