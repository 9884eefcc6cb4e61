// SPDX-License-Identifier: Apache-2.0
// query_test.cpp — the filter language (host/query): what a user's filter becomes in canonical form, what is
// refused and how the message names it, and the reference evaluation, rule by rule of tote/ext/query.h.
#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

#include <tote/query.hpp>
#include <tote/store.hpp>

#include <catch2/catch.hpp>

using nlohmann::json;
using tote::query::canonicalize_text;
using tote::query::compile;
using tote::query::FilterError;

namespace {

bool match(const std::string& filter, const std::string& document) {
    return tote::query::matches_value(compile(canonicalize_text(filter)), document);
}

std::string error_of(const std::string& filter) {
    try {
        canonicalize_text(filter);
    } catch (const FilterError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a user's filter in canonical form") {
    CHECK(canonicalize_text("{}") == json::parse(R"({"$and": []})"));
    CHECK(canonicalize_text(R"({"status": "failed"})") ==
          json::parse(R"({"path": ["status"], "op": "$eq", "arg": "failed"})"));
    CHECK(canonicalize_text(R"({"scores.accuracy": {"$lt": 0.5}})") ==
          json::parse(R"({"path": ["scores", "accuracy"], "op": "$lt", "arg": 0.5})"));
    // Several keys, and several operators in one field: an implicit $and.
    CHECK(canonicalize_text(R"({"a": 1, "b": {"$gt": 2, "$lte": 5}})") ==
          json::parse(R"({"$and": [{"path": ["a"], "op": "$eq", "arg": 1},
                                   {"path": ["b"], "op": "$gt", "arg": 2},
                                   {"path": ["b"], "op": "$lte", "arg": 5}]})"));
    // $ne, $nin and a field's $not become $not around $eq, $in and the field's operators.
    CHECK(canonicalize_text(R"({"a": {"$ne": null}})") ==
          json::parse(R"({"$not": {"path": ["a"], "op": "$eq", "arg": null}})"));
    CHECK(canonicalize_text(R"({"a": {"$nin": [1, 2]}})") ==
          json::parse(R"({"$not": {"path": ["a"], "op": "$in", "arg": [1, 2]}})"));
    CHECK(canonicalize_text(R"({"a": {"$not": {"$gt": 1}}})") ==
          json::parse(R"({"$not": {"path": ["a"], "op": "$gt", "arg": 1}})"));
    // An object without $-keys is an equality with that object.
    CHECK(canonicalize_text(R"({"a": {"x": 1}})") == json::parse(R"({"path": ["a"], "op": "$eq", "arg": {"x": 1}})"));
    CHECK(canonicalize_text(R"({"$or": [{"a": 1}, {"$not": {"b": 2}}]})") ==
          json::parse(R"({"$or": [{"path": ["a"], "op": "$eq", "arg": 1},
                                  {"$not": {"path": ["b"], "op": "$eq", "arg": 2}}]})"));
    // Large integers keep their exact text.
    CHECK(canonicalize_text(R"({"n": 9007199254740993})").dump() ==
          R"({"arg":9007199254740993,"op":"$eq","path":["n"]})");
}

TEST_CASE("an invalid filter names what is wrong") {
    CHECK_THAT(error_of("[1]"), Catch::Contains("a filter is a JSON object, not [1]"));
    CHECK_THAT(error_of("{\"a\": "), Catch::Contains("not JSON"));
    CHECK_THAT(error_of(R"({"score": {"$gtt": 1}})"), Catch::Contains("unknown operator \"$gtt\" at \"score\""));
    CHECK_THAT(error_of(R"({"$gt": 1})"), Catch::Contains("field operators go inside a field"));
    CHECK_THAT(error_of(R"({"a": {"$lt": true}})"), Catch::Contains("$lt at \"a\" needs a number or a string, not true"));
    CHECK_THAT(error_of(R"({"a": {"$in": 3}})"), Catch::Contains("$in at \"a\" needs an array, not 3"));
    CHECK_THAT(error_of(R"({"a": {"$exists": 1}})"), Catch::Contains("$exists at \"a\" needs true or false"));
    CHECK_THAT(error_of(R"({"$or": []})"), Catch::Contains("$or needs a non-empty array of filters"));
    CHECK_THAT(error_of(R"({"$and": {"a": 1}})"), Catch::Contains("$and needs a non-empty array"));
    CHECK_THAT(error_of(R"({"$not": 3})"), Catch::Contains("$not needs a filter"));
    CHECK_THAT(error_of(R"({"a..b": 1})"), Catch::Contains("field path \"a..b\" has an empty segment"));
    CHECK_THAT(error_of(R"({"": 1})"), Catch::Contains("has an empty segment"));
    CHECK_THAT(error_of(R"({"a": {"$gt": 1, "b": 2}})"), Catch::Contains("mixes operators and member names"));
    CHECK_THAT(error_of(R"({"a": {"$not": 5}})"), Catch::Contains("$not at \"a\" needs an object of operators"));
    CHECK_THAT(error_of(R"({"a": {"$or": [{"b": 1}]}})"), Catch::Contains("belongs outside a field"));
    // Through the public API: Error(invalid_argument).
    try {
        tote::Filter::parse(R"({"a": {"$regex": "x"}})");
        FAIL("no error");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::invalid_argument);
        CHECK_THAT(std::string(e.what()), Catch::Contains("$regex"));
    }
    CHECK_THROWS_AS(tote::field("a..b"), tote::Error);
    CHECK_THROWS_AS(tote::field("a").lt(nullptr), tote::Error);
}

TEST_CASE("canonical form is checked before it is trusted") {
    for (const char* bad : {R"([])", R"({"$or": []})", R"({"path": [], "op": "$eq", "arg": 1})",
                            R"({"path": ["a"], "op": "$ne", "arg": 1})", R"({"path": ["a"], "op": "$in", "arg": 1})",
                            R"({"path": [""], "op": "$eq", "arg": 1})", R"({"path": ["a"], "op": "$eq"})"}) {
        INFO(bad);
        CHECK_THROWS_AS(compile(json::parse(bad)), FilterError);
    }
}

TEST_CASE("equality and ordering compare values of one type") {
    const std::string doc = R"({"n": 5, "f": 0.5, "s": "abc", "t": true, "z": null, "a": [1, "x"], "o": {"k": 1, "l": [2]}})";
    CHECK(match(R"({"n": 5})", doc));
    CHECK(match(R"({"n": 5.0})", doc));  // numbers by value
    CHECK_FALSE(match(R"({"n": "5"})", doc));  // across types: false
    CHECK(match(R"({"n": {"$gt": 4, "$lt": 5.5}})", doc));
    CHECK_FALSE(match(R"({"n": {"$gt": "4"}})", doc));
    CHECK(match(R"({"s": {"$gte": "abc", "$lt": "abd"}})", doc));
    CHECK_FALSE(match(R"({"s": {"$lt": 1}})", doc));
    CHECK(match(R"({"t": true})", doc));
    CHECK_FALSE(match(R"({"t": 1})", doc));  // true is not 1
    CHECK(match(R"({"z": null})", doc));
    CHECK_FALSE(match(R"({"z": false})", doc));
    CHECK(match(R"({"a": [1, "x"]})", doc));
    CHECK_FALSE(match(R"({"a": ["x", 1]})", doc));  // arrays in order
    CHECK(match(R"({"o": {"$eq": {"l": [2.0], "k": 1}}})", doc));  // objects in any member order
    CHECK_FALSE(match(R"({"o": {"$eq": {"k": 1}}})", doc));
    CHECK(match(R"({"n": {"$in": ["5", 5]}})", doc));
    CHECK_FALSE(match(R"({"n": {"$in": []}})", doc));
    // Strings by code point: "é" (U+00E9) after "z", "𝄞" (U+1D11E) after "￿" (U+FFFF).
    CHECK(match(R"({"s": {"$lt": "é"}})", R"({"s": "z"})"));
    CHECK(match(R"({"s": {"$gt": "\uffff"}})", R"({"s": "𝄞"})"));
}

TEST_CASE("numbers: exact 64-bit integers, doubles otherwise") {
    CHECK(match(R"({"n": 9007199254740993})", R"({"n": 9007199254740993})"));
    CHECK_FALSE(match(R"({"n": 9007199254740993})", R"({"n": 9007199254740992})"));  // exact integers
    CHECK(match(R"({"n": 9007199254740993})", R"({"n": 9007199254740992.0})"));  // a double: as doubles
    CHECK(match(R"({"n": {"$gt": 9223372036854775806}})", R"({"n": 9223372036854775807})"));
    CHECK(match(R"({"n": {"$lt": -9223372036854775807}})", R"({"n": -9223372036854775808})"));
    // Beyond the signed 64-bit range a number is a double.
    CHECK(match(R"({"n": 18446744073709551615})", R"({"n": 18446744073709551616})"));
    CHECK(match(R"({"n": 1e2})", R"({"n": 100})"));
    CHECK(match(R"({"n": 0})", R"({"n": -0.0})"));
    CHECK(match(R"({"n": {"$lt": 0.30000000000000004}})", R"({"n": 0.3})"));
}

TEST_CASE("missing is not null") {
    CHECK_FALSE(match(R"({"error": null})", R"({})"));
    CHECK(match(R"({"error": null})", R"({"error": null})"));
    CHECK(match(R"({"error": {"$ne": "x"}})", R"({})"));  // $ne matches a missing field
    CHECK(match(R"({"error": {"$nin": ["x"]}})", R"({})"));
    CHECK(match(R"({"error": {"$exists": false}})", R"({})"));
    CHECK_FALSE(match(R"({"error": {"$exists": false}})", R"({"error": null})"));
    CHECK(match(R"({"error": {"$exists": true}})", R"({"error": null})"));
    CHECK(match(R"({"s": {"$not": {"$gt": 1}}})", R"({})"));
    CHECK_FALSE(match(R"({"s": {"$lt": 1}})", R"({})"));
}

TEST_CASE("paths: members, array indexes, no implicit traversal") {
    const std::string doc = R"({"turns": [{"role": "user"}, {"role": "assistant"}], "o": {"0": "zero", "a.b": 1}, "01": 2})";
    CHECK(match(R"({"turns.1.role": "assistant"})", doc));
    CHECK_FALSE(match(R"({"turns.2.role": {"$exists": true}})", doc));
    CHECK_FALSE(match(R"({"turns.role": {"$exists": true}})", doc));  // no implicit traversal
    CHECK_FALSE(match(R"({"o.0": {"$exists": true}})", doc));  // a digit segment indexes arrays only
    CHECK(match(R"({"01": 2})", doc));  // a leading zero: a member name
    CHECK_FALSE(match(R"({"o.a.b": {"$exists": true}})", doc));  // dots always split
    CHECK(tote::query::segment("123456789").index == 123456789);
    CHECK(tote::query::segment("1234567890").index == -1);
    CHECK(tote::query::segment("007").index == -1);
}

TEST_CASE("$contains: array elements and substrings") {
    const std::string doc = R"({"tags": ["math", 3, {"k": 1}], "note": "retried once", "n": 5})";
    CHECK(match(R"({"tags": {"$contains": "math"}})", doc));
    CHECK(match(R"({"tags": {"$contains": 3.0}})", doc));
    CHECK(match(R"({"tags": {"$contains": {"k": 1}}})", doc));
    CHECK_FALSE(match(R"({"tags": {"$contains": "mat"}})", doc));  // elements, not substrings of them
    CHECK(match(R"({"note": {"$contains": "once"}})", doc));
    CHECK(match(R"({"note": {"$contains": ""}})", doc));
    CHECK_FALSE(match(R"({"note": {"$contains": 1}})", doc));
    CHECK_FALSE(match(R"({"n": {"$contains": 5}})", doc));
}

TEST_CASE("combinators") {
    const std::string doc = R"({"a": 1, "b": 2})";
    CHECK(match(R"({"$or": [{"a": 2}, {"b": 2}]})", doc));
    CHECK_FALSE(match(R"({"$and": [{"a": 1}, {"b": 3}]})", doc));
    CHECK(match(R"({"$not": {"a": 2}})", doc));
    CHECK(match(R"({"$not": {"$or": [{"a": 2}, {"b": 3}]}, "a": 1})", doc));
    CHECK(match("{}", doc));
}

TEST_CASE("a value that is not a JSON object never matches, not even {} or $not") {
    for (const std::string& value : {std::string("not json"), std::string("[1]"), std::string("42"),
                                    std::string("\"s\""), std::string("{\"a\":1"), std::string(""),
                                    std::string("\xEF\xBB\xBF{}"), std::string("{\"a\":\"\xff\"}"),
                                    std::string("{\"a\":\"\\ud800\"}"), std::string("{\"a\":1}\0x", 9),
                                    std::string("{\"a\":1e400}"), std::string("{\"a\":01}"),
                                    std::string("{\"a\":\"x\ty\"}"), std::string("{'a':1}")}) {
        INFO(value);
        CHECK_FALSE(match("{}", value));
        CHECK_FALSE(match(R"({"$not": {"a": 1}})", value));
    }
    CHECK(match("{}", " {\"a\": \"\\ud83d\\ude00\"} \n"));
}

TEST_CASE("lexically_strict: what engines' parsers let through") {
    using tote::query::lexically_strict;
    CHECK(lexically_strict(R"({"a": "x\"y\\", "b": [1, -2.5e-3, 1e300], "c": "\ud83d\ude00 é 日本"})"));
    CHECK(lexically_strict("{\"a\": 1e-400}"));  // underflow is 0, not an error
    CHECK_FALSE(lexically_strict("\xEF\xBB\xBF{}"));
    CHECK_FALSE(lexically_strict(std::string("{}\0", 3)));
    CHECK_FALSE(lexically_strict("{\"a\":\"\xC0\xAF\"}"));      // overlong
    CHECK_FALSE(lexically_strict("{\"a\":\"\xED\xA0\x80\"}"));  // an encoded surrogate
    CHECK_FALSE(lexically_strict("{\"a\":\"\xF4\x90\x80\x80\"}"));  // beyond U+10FFFF
    CHECK_FALSE(lexically_strict("{\"a\":\"\xE6\x97\"}"));  // truncated
    CHECK_FALSE(lexically_strict("{\"a\":\"x\ty\"}"));
    CHECK_FALSE(lexically_strict("{\f}"));
    CHECK_FALSE(lexically_strict(R"({"a":"\ud800"})"));
    CHECK_FALSE(lexically_strict(R"({"a":"\udc00\ud800"})"));
    CHECK_FALSE(lexically_strict(R"({"a":"\ud800\u0041"})"));
    CHECK_FALSE(lexically_strict(R"({"a":"\x"})"));
    CHECK_FALSE(lexically_strict(R"({"a":"\u12"})"));
    CHECK_FALSE(lexically_strict(R"({"a":1e400})"));
    CHECK_FALSE(lexically_strict(R"({"a":-1E+309})"));
    CHECK(lexically_strict(R"({"a":"\u0000"})"));  // an escaped NUL is fine
}

TEST_CASE("filters built in code") {
    using tote::field;
    CHECK((field("score").eq(0) || field("score").eq(false)).canonical() ==
          json::parse(R"({"$or": [{"path": ["score"], "op": "$eq", "arg": 0},
                                  {"path": ["score"], "op": "$eq", "arg": false}]})"));
    // a && b && c is one $and; !f is $not.
    const tote::Filter f = field("a").exists() && field("b").ne(nullptr) && !field("c").in({1, 2});
    CHECK(f.canonical()["$and"].size() == 3);
    CHECK(f.canonical()["$and"][2] == json::parse(R"({"$not": {"path": ["c"], "op": "$in", "arg": [1, 2]}})"));
    CHECK(tote::Filter().text() == R"({"$and":[]})");
    CHECK(tote::Filter::parse(R"({"x.y": {"$contains": "z"}})").canonical() == field("x.y").contains("z").canonical());
}
