// SPDX-License-Identifier: Apache-2.0
// url_test.cpp — URL splitting (host/src/url.cpp).
#include "url.hpp"

#include <tote/error.hpp>

#include <catch2/catch.hpp>

using tote::detail::is_valid_scheme;
using tote::detail::looks_like_url;
using tote::detail::parse_url;

TEST_CASE("URLs split into scheme and location") {
    auto u = parse_url("json://evals");
    CHECK(u.scheme == "json");
    CHECK(u.location == "evals");
    CHECK(parse_url("json:///abs/path").location == "/abs/path");
    CHECK(parse_url("SQLite://x.db").scheme == "sqlite");
    CHECK(parse_url("postgresql://user@host:5432/db?sslmode=require").location == "user@host:5432/db?sslmode=require");
    CHECK(parse_url("a+b.c-d://x").scheme == "a+b.c-d");
}

TEST_CASE("malformed URLs are refused, naming the problem") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"json:/x", "expected scheme://location"},
        {"json://", "nothing after"},
        {"://x", "bad scheme"},
        {"1a://x", "bad scheme"},
        {"j son://x", "bad scheme"},
        {std::string("json://a\0b", 10), "NUL"},
    };
    for (const auto& [url, reason] : bad) {
        INFO(url);
        try {
            parse_url(url);
            FAIL("accepted");
        } catch (const tote::Error& e) {
            CHECK(e.status() == tote::Status::invalid_argument);
            CHECK(std::string(e.what()).find(reason) != std::string::npos);
        }
    }
}

TEST_CASE("URL or store name") {
    CHECK(looks_like_url("json://x"));
    CHECK(!looks_like_url("evals"));
    CHECK(!looks_like_url("json:x"));
    CHECK(is_valid_scheme("redis"));
    CHECK(!is_valid_scheme(""));
    CHECK(!is_valid_scheme("Redis"));
}
