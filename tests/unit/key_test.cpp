// SPDX-License-Identifier: Apache-2.0
// key_test.cpp — key validation, prefix normalisation and quoting (host/src/key.cpp).
#include "key.hpp"

#include <tote/error.hpp>

#include <catch2/catch.hpp>

using tote::Status;
using tote::detail::is_valid_utf8;
using tote::detail::normalize_prefix;
using tote::detail::quote;
using tote::detail::validate_key;

namespace {

Status status_of(const std::string& key) {
    try {
        validate_key(key);
        return Status::ok;
    } catch (const tote::Error& e) {
        return e.status();
    }
}

std::string message_of(const std::string& key) {
    try {
        validate_key(key);
    } catch (const tote::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("good keys pass") {
    for (const std::string& key : std::vector<std::string>{"a", "evals/gsm8k.json", "a b/c-d_e.f", ".hidden", "x/.y", "...", "a/..b/c..",
                                  "évals/データ/😀", "tote", "x.tote", std::string(255, 'a'),
                                  std::string(255, 'a') + "/" + std::string(255, 'b')})
        CHECK(status_of(key) == Status::ok);
    std::string longest;
    while (longest.size() + 10 < TOTE_KEY_MAX) longest += "abcdefghi/";
    longest += std::string(TOTE_KEY_MAX - longest.size(), 'z');
    REQUIRE(longest.size() == TOTE_KEY_MAX);
    CHECK(status_of(longest) == Status::ok);
}

TEST_CASE("keys that could escape or are malformed are refused with the reason") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"", "empty"},
        {"../x", "'..'"},
        {"a/../../b", "'..'"},
        {"./a", "'.'"},
        {"a/.", "'.'"},
        {"/abs", "starts with '/'"},
        {"a/", "ends with '/'"},
        {"a//b", "empty segment"},
        {std::string("a\0b", 3), "control character"},
        {"tab\there", "control character"},
        {"del\x7f", "control character"},
        {std::string(TOTE_KEY_MAX + 1, 'k'), "longer than 1024 bytes"},
        {std::string(256, 's'), "segment is longer than 255"},
        {"\xff", "not valid UTF-8"},
        {"\xc0\xaf", "not valid UTF-8"},          // overlong '/'
        {"\xed\xa0\x80", "not valid UTF-8"},      // a surrogate
        {"\xf4\x90\x80\x80", "not valid UTF-8"},  // above U+10FFFF
        {"\xe2\x82", "not valid UTF-8"},          // truncated
        {".tote-tmp.1234", "reserved"},
        {"a/.tote-lock", "reserved"},
        {".tote", "reserved"},
    };
    for (const auto& [key, reason] : bad) {
        INFO(quote(key));
        CHECK(status_of(key) == Status::invalid_argument);
        CHECK(message_of(key).find(reason) != std::string::npos);
    }
}

TEST_CASE("prefixes are normalised to end in '/'") {
    CHECK(normalize_prefix("") == "");
    CHECK(normalize_prefix("/") == "");
    CHECK(normalize_prefix("a") == "a/");
    CHECK(normalize_prefix("a/b/") == "a/b/");
    CHECK_THROWS_AS(normalize_prefix("a//"), tote::Error);
    CHECK_THROWS_AS(normalize_prefix("../"), tote::Error);
}

TEST_CASE("quote makes any key printable") {
    CHECK(quote("plain/key") == "'plain/key'");
    CHECK(quote("é") == "'é'");
    CHECK(quote(std::string("a\0b", 3)) == "'a\\x00b'");
    CHECK(quote("new\nline") == "'new\\x0Aline'");
    CHECK(quote("\xff") == "'\\xFF'");
    CHECK(quote("it's") == "'it\\'s'");
}

TEST_CASE("UTF-8 validation") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("ascii"));
    CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));
    CHECK(!is_valid_utf8("\x80"));
    CHECK(!is_valid_utf8("\xe0\x80\x80"));  // overlong
}
