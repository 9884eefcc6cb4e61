// SPDX-License-Identifier: Apache-2.0
// evaluate.cpp — the reference evaluation of a filter over one value (query.h's rules, nlohmann_json's strict
// RFC 8259 parser).
#include "evaluate.hpp"

#include <cstdint>
#include <limits>

namespace tote::query {

using nlohmann::json;

namespace {

// The value at path in doc, or nullptr when the path finds nothing (missing).
const json* resolve(const json& doc, const std::vector<Segment>& path) {
    const json* at = &doc;
    for (const Segment& s : path) {
        if (s.index >= 0) {
            if (!at->is_array() || static_cast<size_t>(s.index) >= at->size()) return nullptr;
            at = &(*at)[static_cast<size_t>(s.index)];
        } else {
            if (!at->is_object()) return nullptr;
            auto it = at->find(s.name);
            if (it == at->end()) return nullptr;
            at = &*it;
        }
    }
    return at;
}

int compare_numbers(const Number& a, const Number& b) {
    if (a.exact && b.exact) return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
    const double x = a.exact ? static_cast<double>(a.integer) : a.real;
    const double y = b.exact ? static_cast<double>(b.integer) : b.real;
    return x < y ? -1 : x > y ? 1 : 0;
}

bool holds(const Node& c, const json& doc) {
    const json* v = resolve(doc, c.path);
    switch (c.op) {
    case Op::exists: return (v != nullptr) == c.arg.get<bool>();
    case Op::eq: return v != nullptr && equal(*v, c.arg);
    case Op::in:
        if (v == nullptr) return false;
        for (const json& e : c.arg)
            if (equal(*v, e)) return true;
        return false;
    case Op::contains:
        if (v == nullptr) return false;
        if (v->is_array()) {
            for (const json& e : *v)
                if (equal(e, c.arg)) return true;
            return false;
        }
        return v->is_string() && c.arg.is_string() &&
               v->get_ref<const std::string&>().find(c.arg.get_ref<const std::string&>()) != std::string::npos;
    case Op::lt:
    case Op::lte:
    case Op::gt:
    case Op::gte: {
        if (v == nullptr) return false;
        const std::optional<int> o = order(*v, c.arg);
        if (!o) return false;
        return c.op == Op::lt ? *o < 0 : c.op == Op::lte ? *o <= 0 : c.op == Op::gt ? *o > 0 : *o >= 0;
    }
    }
    return false;
}

bool evaluate(const Node& f, const json& doc) {
    switch (f.type) {
    case Node::Type::all:
        for (const Node& c : f.children)
            if (!evaluate(c, doc)) return false;
        return true;
    case Node::Type::any:
        for (const Node& c : f.children)
            if (evaluate(c, doc)) return true;
        return false;
    case Node::Type::negate: return !evaluate(f.children.front(), doc);
    case Node::Type::condition: return holds(f, doc);
    }
    return false;
}

}  // namespace

Number number(const json& n) {
    Number out;
    if (n.is_number_integer() && !n.is_number_unsigned()) {
        out.exact = true;
        out.integer = n.get<int64_t>();
    } else if (n.is_number_unsigned()) {
        const uint64_t u = n.get<uint64_t>();
        if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            out.exact = true;
            out.integer = static_cast<int64_t>(u);
        } else {
            out.real = static_cast<double>(u);
        }
    } else {
        out.real = n.get<double>();
    }
    return out;
}

bool equal(const json& a, const json& b) {
    if (a.is_number() || b.is_number())
        return a.is_number() && b.is_number() && compare_numbers(number(a), number(b)) == 0;
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case json::value_t::null: return true;
    case json::value_t::boolean: return a.get<bool>() == b.get<bool>();
    case json::value_t::string: return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    case json::value_t::array:
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!equal(a[i], b[i])) return false;
        return true;
    case json::value_t::object:
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto other = b.find(it.key());
            if (other == b.end() || !equal(it.value(), *other)) return false;
        }
        return true;
    default: return false;
    }
}

std::optional<int> order(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return compare_numbers(number(a), number(b));
    if (a.is_string() && b.is_string()) {
        // std::string compares as unsigned bytes: UTF-8's byte order is code point order.
        const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    return std::nullopt;
}

std::optional<json> parse_document(std::string_view value) {
    // nlohmann_json skips a UTF-8 byte order mark; RFC 8259 forbids one in JSON text that is exchanged.
    if (value.size() >= 3 && value.substr(0, 3) == "\xEF\xBB\xBF") return std::nullopt;
    // Its lexer also takes a NUL byte for the end of the input; JSON text has none outside strings, and inside one
    // it must be escaped.
    if (value.find('\0') != std::string_view::npos) return std::nullopt;
    json doc = json::parse(value.begin(), value.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    return doc;
}

bool matches_value(const Node& filter, std::string_view value) {
    const std::optional<json> doc = parse_document(value);
    return doc && evaluate(filter, *doc);
}

bool matches_document(const Node& filter, const json& document) { return document.is_object() && evaluate(filter, document); }

}  // namespace tote::query
