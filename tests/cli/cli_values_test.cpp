// SPDX-License-Identifier: Apache-2.0
// cli_values_test.cpp — `tote put/get/append` through the built binary, on every first-party backend.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

using tote::test::Cli;
using tote::test::store_url;

namespace {

std::string binary_blob(size_t n) {
    std::mt19937 rng(1234);
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i) out[i] = (i % 97 == 0) ? '\0' : static_cast<char>(rng() & 0xFF);
    return out;
}

}  // namespace

TEST_CASE("put from stdin and from a file, get back the exact bytes") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "evals");
    auto put = tote({"put", url, "evals/gsm8k.json"}, "{\"score\": 0.91}\n");
    REQUIRE(put.exit_code == 0);
    CHECK(put.out.empty());
    auto get = tote({"get", url, "evals/gsm8k.json"});
    REQUIRE(get.exit_code == 0);
    CHECK(get.out == "{\"score\": 0.91}\n");

    tote::test::write_file(tote.path("input.bin"), std::string("a\0b\0c", 5));
    REQUIRE(tote({"put", url, "bin", tote.path("input.bin")}).exit_code == 0);
    CHECK(tote({"get", url, "bin"}).out == std::string("a\0b\0c", 5));
    REQUIRE(tote({"put", url, "dash", "-"}, "from dash").exit_code == 0);
    CHECK(tote({"get", url, "dash"}).out == "from dash");
}

TEST_CASE("a 10 MiB binary value round-trips through both backends and cp between them") {
    Cli tote;
    const std::string blob = binary_blob(10u << 20);
    const std::string json = store_url("json", tote.home(), "j");
    const std::string sqlite = store_url("sqlite", tote.home(), "s");
    const std::string json2 = store_url("json", tote.home(), "j2");
    REQUIRE(tote({"put", json, "big/blob.bin"}, blob).exit_code == 0);
    CHECK(tote::test::read_file(tote.home() + "/j/big/blob.bin") == blob);  // a human can open the file
    auto get = tote({"get", json, "big/blob.bin"});
    REQUIRE(get.exit_code == 0);
    CHECK(get.out == blob);

    auto cp = tote({"cp", json, sqlite});
    INFO(cp.err);
    REQUIRE(cp.exit_code == 0);
    CHECK(tote({"get", sqlite, "big/blob.bin"}).out == blob);
    REQUIRE(tote({"cp", sqlite, json2}).exit_code == 0);
    CHECK(tote({"get", json2, "big/blob.bin"}).out == blob);
    CHECK(tote::test::read_file(tote.home() + "/j2/big/blob.bin") == blob);
}

TEST_CASE("get of a missing key exits 3 and prints nothing to stdout") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"put", url, "present"}, "x").exit_code == 0);
    auto r = tote({"get", url, "absent/key"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err.find("tote: error: not found") == 0);
    CHECK(r.err.find("absent/key") != std::string::npos);
}

TEST_CASE("put --create-only refuses an existing key with exit 4") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"put", "--create-only", url, "lock"}, "first").exit_code == 0);
    auto again = tote({"put", "--create-only", url, "lock"}, "second");
    CHECK(again.exit_code == 4);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(tote({"get", url, "lock"}).out == "first");
}

TEST_CASE("put --if-version writes only at the version stat showed") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"put", url, "doc"}, "v1").exit_code == 0);
    auto stat = tote({"stat", "--json", url, "doc"});
    REQUIRE(stat.exit_code == 0);
    const std::string version = nlohmann::json::parse(stat.out)["version"];
    REQUIRE(tote({"put", "--if-version", version, url, "doc"}, "v2").exit_code == 0);
    auto stale = tote({"put", "--if-version", version, url, "doc"}, "v3");
    CHECK(stale.exit_code == 4);
    CHECK(stale.err.find("precondition failed") != std::string::npos);
    CHECK(tote({"get", url, "doc"}).out == "v2");
    CHECK(tote({"put", "--if-version", "not-hex", url, "doc"}, "x").exit_code == 2);
    CHECK(tote({"put", "--if-version", version, "--create-only", url, "doc"}, "x").exit_code == 2);
}

TEST_CASE("append creates the key, then extends it") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"append", url, "runs/1/log.jsonl"}, "{\"step\":1}\n").exit_code == 0);
    REQUIRE(tote({"append", url, "runs/1/log.jsonl"}, "{\"step\":2}\n").exit_code == 0);
    CHECK(tote({"get", url, "runs/1/log.jsonl"}).out == "{\"step\":1}\n{\"step\":2}\n");
}

TEST_CASE("put of a missing input file fails with the file's name and writes nothing") {
    Cli tote;
    const std::string url = store_url("json", tote.home(), "st");
    auto r = tote({"put", url, "k", tote.path("no-such-file")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no-such-file") != std::string::npos);
    CHECK(tote({"get", url, "k"}).exit_code == 3);
}
