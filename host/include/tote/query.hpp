// SPDX-License-Identifier: Apache-2.0
// tote/query.hpp — filters over JSON documents, for Store::find(): "which results failed?" without reading every
// value into the application.
//
//   tote::Filter failed = tote::Filter::parse(R"({"$or": [{"score": false}, {"score": 0}]})");
//   tote::Filter errored = tote::field("error").exists() && tote::field("error").ne(nullptr);
//   for (const tote::Match& m : store.find("evals/gsm8k", failed || errored, {true})) ...
//
// The language — paths, operators, how values compare, what a missing field is — is specified in
// tote/ext/query.h and explained with examples in docs/queries.md. A filter is checked when it is made: a bad one
// is an Error with Status::invalid_argument naming the offending part, before any store is touched.
#ifndef TOTE_QUERY_HPP
#define TOTE_QUERY_HPP

#include <tote/export.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tote {

class TOTE_API Filter {
public:
    Filter();  // {}: matches every document
    // A filter written as JSON text ({"status": "failed"}) or already parsed.
    static Filter parse(std::string_view text);
    static Filter from_json(const nlohmann::json& filter);

    // The filter in the canonical form plugins receive (tote/ext/query.h), as JSON text and as JSON.
    std::string text() const;
    const nlohmann::json& canonical() const { return canonical_; }

    // Both hold, either holds, it does not hold.
    TOTE_API friend Filter operator&&(const Filter& a, const Filter& b);
    TOTE_API friend Filter operator||(const Filter& a, const Filter& b);
    TOTE_API friend Filter operator!(const Filter& f);

private:
    friend class Field;
    struct Canonical {};
    Filter(Canonical, nlohmann::json canonical);
    nlohmann::json canonical_;
};

// One field of the documents, by dotted path ("scores.accuracy", "turns.0.role"), and the conditions on it.
class TOTE_API Field {
public:
    explicit Field(std::string_view path);  // Error(invalid_argument) if a segment is empty

    Filter eq(const nlohmann::json& value) const;
    Filter ne(const nlohmann::json& value) const;  // also matches a missing field
    Filter lt(const nlohmann::json& value) const;  // orderings take a number or a string
    Filter lte(const nlohmann::json& value) const;
    Filter gt(const nlohmann::json& value) const;
    Filter gte(const nlohmann::json& value) const;
    Filter in(const nlohmann::json& values) const;   // values: an array
    Filter nin(const nlohmann::json& values) const;  // also matches a missing field
    Filter exists(bool present = true) const;
    Filter contains(const nlohmann::json& value) const;  // an array element, or a substring

private:
    Filter op(const char* name, const nlohmann::json& operand) const;
    std::string path_;
};

inline Field field(std::string_view path) { return Field(path); }

struct FindOptions {
    bool recursive = false;   // every key under the prefix; else only the keys directly under it
    std::string start_after;  // only keys sorting after this (resume where a previous find stopped)
    uint64_t limit = 0;       // at most this many matches; 0: all
};

// One match of Store::find(): the key and its whole value (the document, as stored).
struct Match {
    std::string key;
    std::string value;
    nlohmann::json document() const { return nlohmann::json::parse(value); }
};

}  // namespace tote

#endif  // TOTE_QUERY_HPP
