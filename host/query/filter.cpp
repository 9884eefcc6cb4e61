// SPDX-License-Identifier: Apache-2.0
// filter.cpp — a user's filter checked and rewritten into the canonical form (query.h), and the canonical form
// compiled into a Node tree.
#include "filter.hpp"

#include <utility>

namespace tote::query {

using nlohmann::json;

namespace {

// A JSON value shortened for a message.
std::string excerpt(const json& v) {
    std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

[[noreturn]] void fail(const std::string& what) { throw FilterError("invalid filter: " + what); }

std::string at(const std::vector<Segment>& path) { return " at \"" + dotted(path) + "\""; }

json condition(const std::vector<Segment>& path, const char* op, json arg) {
    json segments = json::array();
    for (const Segment& s : path) segments.push_back(s.name);
    return json{{"path", std::move(segments)}, {"op", op}, {"arg", std::move(arg)}};
}

json negate(json f) { return json{{"$not", std::move(f)}}; }

json all_of(json children) {
    if (children.size() == 1) return std::move(children[0]);
    return json{{"$and", std::move(children)}};
}

bool is_operator_object(const json& v) {
    if (!v.is_object() || v.empty()) return false;
    bool any_operator = false, any_field = false;
    for (const auto& item : v.items()) (item.key().rfind('$', 0) == 0 ? any_operator : any_field) = true;
    if (any_operator && any_field)
        fail("an object mixes operators and member names: " + excerpt(v) +
             " (an operator object holds only $-keys; to compare with an object, use {\"$eq\": {...}})");
    return any_operator;
}

json filter(const json& f);

// The conditions of one field's operator object, each canonical.
void field_operators(const std::vector<Segment>& path, const json& ops, json& out) {
    for (const auto& item : ops.items()) {
        const std::string& op = item.key();
        const json& arg = item.value();
        if (op == "$eq") {
            out.push_back(condition(path, "$eq", arg));
        } else if (op == "$ne") {
            out.push_back(negate(condition(path, "$eq", arg)));
        } else if (op == "$lt" || op == "$lte" || op == "$gt" || op == "$gte") {
            if (!arg.is_number() && !arg.is_string())
                fail(op + at(path) + " needs a number or a string, not " + excerpt(arg));
            out.push_back(condition(path, op.c_str(), arg));
        } else if (op == "$in" || op == "$nin") {
            if (!arg.is_array()) fail(op + at(path) + " needs an array, not " + excerpt(arg));
            json c = condition(path, "$in", arg);
            out.push_back(op == "$in" ? std::move(c) : negate(std::move(c)));
        } else if (op == "$exists") {
            if (!arg.is_boolean()) fail("$exists" + at(path) + " needs true or false, not " + excerpt(arg));
            out.push_back(condition(path, "$exists", arg));
        } else if (op == "$contains") {
            out.push_back(condition(path, "$contains", arg));
        } else if (op == "$not") {
            if (!is_operator_object(arg))
                fail("$not" + at(path) + " needs an object of operators, like {\"$not\": {\"$gt\": 1}}, not " +
                     excerpt(arg));
            json inner = json::array();
            field_operators(path, arg, inner);
            out.push_back(negate(all_of(std::move(inner))));
        } else if (op == "$and" || op == "$or") {
            fail(op + at(path) + " combines filters and belongs outside a field: {\"" + op +
                 "\": [{\"" + dotted(path) + "\": ...}, ...]}");
        } else {
            fail("unknown operator \"" + op + "\"" + at(path));
        }
    }
}

json combinator(const std::string& name, const json& arg) {
    if (!arg.is_array() || arg.empty()) fail(name + " needs a non-empty array of filters, not " + excerpt(arg));
    json children = json::array();
    for (const json& f : arg) {
        if (!f.is_object()) fail(name + " holds filters (JSON objects), not " + excerpt(f));
        children.push_back(filter(f));
    }
    return json{{name, std::move(children)}};
}

json filter(const json& f) {
    if (!f.is_object()) fail("a filter is a JSON object, not " + excerpt(f));
    json out = json::array();
    for (const auto& item : f.items()) {
        const std::string& key = item.key();
        const json& value = item.value();
        if (key == "$and" || key == "$or") {
            out.push_back(combinator(key, value));
        } else if (key == "$not") {
            if (!value.is_object()) fail("$not needs a filter (an object), not " + excerpt(value));
            out.push_back(negate(filter(value)));
        } else if (!key.empty() && key[0] == '$') {
            fail("unknown operator \"" + key + "\" where a field path or $and, $or, $not was expected" +
                 (key == "$eq" || key == "$ne" || key == "$gt" || key == "$lt" || key == "$in" || key == "$exists"
                      ? " (field operators go inside a field: {\"path\": {\"" + key + "\": ...}})"
                      : ""));
        } else {
            const std::vector<Segment> path = split_path(key);
            if (is_operator_object(value))
                field_operators(path, value, out);
            else
                out.push_back(condition(path, "$eq", value));
        }
    }
    if (out.size() == 1) return std::move(out[0]);
    return json{{"$and", std::move(out)}};
}

[[noreturn]] void not_canonical(const json& f, const char* why) {
    throw FilterError(std::string("invalid filter (not in canonical form): ") + why + ": " + excerpt(f));
}

}  // namespace

Segment segment(std::string name) {
    Segment s;
    const bool digits = !name.empty() && name.size() <= 9 && (name == "0" || name[0] != '0') &&
                        name.find_first_not_of("0123456789") == std::string::npos;
    if (digits) s.index = static_cast<int32_t>(std::stol(name));
    s.name = std::move(name);
    return s;
}

std::vector<Segment> split_path(std::string_view text) {
    std::vector<Segment> path;
    size_t start = 0;
    while (true) {
        const size_t dot = text.find('.', start);
        const std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (part.empty())
            fail("field path \"" + std::string(text) + "\" has an empty segment (paths are dotted: \"a.b.0\")");
        path.push_back(segment(std::string(part)));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return path;
}

std::string dotted(const std::vector<Segment>& path) {
    std::string out;
    for (const Segment& s : path) {
        if (!out.empty()) out += '.';
        out += s.name;
    }
    return out;
}

const char* op_name(Op op) {
    switch (op) {
    case Op::eq: return "$eq";
    case Op::lt: return "$lt";
    case Op::lte: return "$lte";
    case Op::gt: return "$gt";
    case Op::gte: return "$gte";
    case Op::in: return "$in";
    case Op::exists: return "$exists";
    case Op::contains: return "$contains";
    }
    return "?";
}

json canonicalize_text(std::string_view text) {
    json parsed;
    try {
        parsed = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 8: …": the part after the bracket.
        std::string why = e.what();
        if (why.rfind("[json.exception.", 0) == 0 && why.find("] ") != std::string::npos)
            why = why.substr(why.find("] ") + 2);
        fail("not JSON: " + why);
    }
    return canonicalize(parsed);
}

json canonicalize(const json& f) {
    return filter(f);
}

Node compile_text(std::string_view text) {
    json parsed;
    try {
        parsed = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        throw FilterError(std::string("invalid filter (not in canonical form): not JSON: ") + e.what());
    }
    return compile(parsed);
}

Node compile(const json& f) {
    if (!f.is_object()) not_canonical(f, "not an object");
    Node node;
    if (f.size() == 1 && f.contains("$and")) {
        const json& children = f["$and"];
        if (!children.is_array()) not_canonical(f, "$and needs an array");
        node.type = Node::Type::all;
        for (const json& c : children) node.children.push_back(compile(c));
        return node;
    }
    if (f.size() == 1 && f.contains("$or")) {
        const json& children = f["$or"];
        if (!children.is_array() || children.empty()) not_canonical(f, "$or needs a non-empty array");
        node.type = Node::Type::any;
        for (const json& c : children) node.children.push_back(compile(c));
        return node;
    }
    if (f.size() == 1 && f.contains("$not")) {
        node.type = Node::Type::negate;
        node.children.push_back(compile(f["$not"]));
        return node;
    }
    if (f.size() != 3 || !f.contains("path") || !f.contains("op") || !f.contains("arg"))
        not_canonical(f, "expected $and, $or, $not or a condition {path, op, arg}");
    const json& path = f["path"];
    if (!path.is_array() || path.empty()) not_canonical(f, "path must be a non-empty array of strings");
    for (const json& s : path) {
        if (!s.is_string() || s.get_ref<const std::string&>().empty())
            not_canonical(f, "path segments must be non-empty strings");
        node.path.push_back(segment(s.get<std::string>()));
    }
    const json& op = f["op"];
    const json& arg = f["arg"];
    const std::string name = op.is_string() ? op.get<std::string>() : "";
    node.type = Node::Type::condition;
    node.arg = arg;
    if (name == "$eq") {
        node.op = Op::eq;
    } else if (name == "$lt" || name == "$lte" || name == "$gt" || name == "$gte") {
        node.op = name == "$lt" ? Op::lt : name == "$lte" ? Op::lte : name == "$gt" ? Op::gt : Op::gte;
        if (!arg.is_number() && !arg.is_string()) not_canonical(f, "an ordering needs a number or a string");
    } else if (name == "$in") {
        node.op = Op::in;
        if (!arg.is_array()) not_canonical(f, "$in needs an array");
    } else if (name == "$exists") {
        node.op = Op::exists;
        if (!arg.is_boolean()) not_canonical(f, "$exists needs a boolean");
    } else if (name == "$contains") {
        node.op = Op::contains;
    } else {
        not_canonical(f, "unknown op");
    }
    return node;
}

}  // namespace tote::query
