// SPDX-License-Identifier: Apache-2.0
// query.cpp — tote::Filter and tote::Field (tote/query.hpp): filters made from text or built in code, always held
// in the canonical form of tote/ext/query.h, checked by the shared filter library (host/query).
#include <tote/error.hpp>
#include <tote/query.hpp>

#include "filter.hpp"

#include <utility>

namespace tote {

using nlohmann::json;

namespace {

// Runs fn, turning the filter library's FilterError into tote::Error(invalid_argument).
template <class Fn> auto checked(Fn&& fn) {
    try {
        return fn();
    } catch (const query::FilterError& e) {
        throw Error(Status::invalid_argument, e.what());
    }
}

// The children of a combinator to build: a's own children when a is the same combinator (a && b && c is one $and).
void add_flattened(json& children, const json& f, const char* name) {
    if (f.size() == 1 && f.contains(name))
        for (const json& c : f[name]) children.push_back(c);
    else
        children.push_back(f);
}

json combine(const char* name, const json& a, const json& b) {
    json children = json::array();
    add_flattened(children, a, name);
    add_flattened(children, b, name);
    return json{{name, std::move(children)}};
}

}  // namespace

Filter::Filter() : canonical_(json{{"$and", json::array()}}) {}

Filter::Filter(Canonical, json canonical) : canonical_(std::move(canonical)) {}

Filter Filter::parse(std::string_view text) {
    return checked([&] { return Filter(Canonical{}, query::canonicalize_text(text)); });
}

Filter Filter::from_json(const json& filter) {
    return checked([&] { return Filter(Canonical{}, query::canonicalize(filter)); });
}

std::string Filter::text() const { return canonical_.dump(); }

Filter operator&&(const Filter& a, const Filter& b) {
    return Filter(Filter::Canonical{}, combine("$and", a.canonical_, b.canonical_));
}

Filter operator||(const Filter& a, const Filter& b) {
    return Filter(Filter::Canonical{}, combine("$or", a.canonical_, b.canonical_));
}

Filter operator!(const Filter& f) { return Filter(Filter::Canonical{}, json{{"$not", f.canonical_}}); }

Field::Field(std::string_view path) : path_(path) {
    checked([&] { return query::split_path(path); });
}

Filter Field::op(const char* name, const json& operand) const {
    return Filter::from_json(json{{path_, json{{name, operand}}}});
}

Filter Field::eq(const json& value) const { return op("$eq", value); }
Filter Field::ne(const json& value) const { return op("$ne", value); }
Filter Field::lt(const json& value) const { return op("$lt", value); }
Filter Field::lte(const json& value) const { return op("$lte", value); }
Filter Field::gt(const json& value) const { return op("$gt", value); }
Filter Field::gte(const json& value) const { return op("$gte", value); }
Filter Field::in(const json& values) const { return op("$in", values); }
Filter Field::nin(const json& values) const { return op("$nin", values); }
Filter Field::exists(bool present) const { return op("$exists", present); }
Filter Field::contains(const json& value) const { return op("$contains", value); }

}  // namespace tote
