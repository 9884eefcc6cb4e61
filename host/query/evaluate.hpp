// SPDX-License-Identifier: Apache-2.0
// evaluate.hpp — the reference evaluation of a filter (query.h's rules) over one value: what the host does for
// every plugin without "tote.query/1", and what every native implementation must agree with (the differential
// conformance case compares them).
#ifndef TOTE_QUERY_EVALUATE_HPP
#define TOTE_QUERY_EVALUATE_HPP

#include "filter.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace tote::query {

// The value as a document: valid JSON (RFC 8259: UTF-8, no byte order mark, no lone surrogates) whose top level
// is an object; std::nullopt for anything else.
std::optional<nlohmann::json> parse_document(std::string_view value);

// Whether the value is a document matching the filter.
bool matches_value(const Node& filter, std::string_view value);
// Whether the document (a JSON object) matches the filter.
bool matches_document(const Node& filter, const nlohmann::json& document);

// The comparisons of query.h: equality across all types (numbers by value, objects in any member order), and
// ordering of two numbers or two strings (nullopt: not ordered, e.g. different types).
bool equal(const nlohmann::json& a, const nlohmann::json& b);
std::optional<int> order(const nlohmann::json& a, const nlohmann::json& b);

// A JSON number as query.h reads it: an exact 64-bit integer, or a double.
struct Number {
    bool exact = false;
    int64_t integer = 0;
    double real = 0;
};
Number number(const nlohmann::json& n);  // n must be a number

}  // namespace tote::query

#endif  // TOTE_QUERY_EVALUATE_HPP
