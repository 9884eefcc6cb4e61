// SPDX-License-Identifier: Apache-2.0
// cli_keys_test.cpp — `tote ls/stat/rm/mv` through the built binary.
#include "cli.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

using tote::test::Cli;
using tote::test::store_url;

namespace {

std::string fill(const Cli& tote, const std::string& scheme) {
    const std::string url = store_url(scheme, tote.home(), "st");
    for (const char* key : {"a", "b/c", "b/d", "e/f/g", "h"}) REQUIRE(tote({"put", url, key}, key).exit_code == 0);
    return url;
}

}  // namespace

TEST_CASE("ls lists one level with sub-prefixes, -r everything, in order") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = fill(tote, scheme);
    CHECK(tote({"ls", url}).out == "a\nb/\ne/\nh\n");
    CHECK(tote({"ls", url, "-r"}).out == "a\nb/c\nb/d\ne/f/g\nh\n");
    CHECK(tote({"ls", url, "b"}).out == "b/c\nb/d\n");
    CHECK(tote({"ls", url, "b/"}).out == "b/c\nb/d\n");
    CHECK(tote({"ls", url, "e"}).out == "e/f/\n");
    CHECK(tote({"ls", url, "a"}).out == "a\n");  // a key lists as itself

    auto json = tote({"ls", "--json", url});
    REQUIRE(json.exit_code == 0);
    auto parsed = nlohmann::json::parse(json.out);
    REQUIRE(parsed.size() == 4);
    CHECK(parsed[1]["key"] == "b/");
    CHECK(parsed[1]["kind"] == "prefix");
    CHECK(parsed[0]["kind"] == "key");
}

TEST_CASE("ls of nothing: an empty store is fine, a missing prefix is exit 3, a missing store exit 3") {
    Cli tote;
    const std::string url = store_url("json", tote.home(), "st");
    REQUIRE(tote({"put", url, "x"}, "1").exit_code == 0);
    auto missing = tote({"ls", url, "nope"});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("nope") != std::string::npos);
    CHECK(tote({"ls", "--json", url, "nope"}).exit_code == 3);
    auto no_store = tote({"ls", store_url("sqlite", tote.home(), "never")});
    CHECK(no_store.exit_code == 3);
    CHECK(!std::filesystem::exists(tote.home() + "/never.db"));  // reading never creates a store
    REQUIRE(tote({"rm", url, "x"}).exit_code == 0);
    auto empty = tote({"ls", url});
    CHECK(empty.exit_code == 0);
    CHECK(empty.out.empty());
    CHECK(tote({"ls", "--json", url}).out == "[]\n");
}

TEST_CASE("stat shows kind, size, time and version; a prefix; a missing key exits 3") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = fill(tote, scheme);
    auto text = tote({"stat", url, "b/c"});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("kind:     key\n") != std::string::npos);
    CHECK(text.out.find("size:     3 (3 B)\n") != std::string::npos);
    CHECK(text.out.find("version:  ") != std::string::npos);
    auto json = nlohmann::json::parse(tote({"stat", "--json", url, "b/c"}).out);
    CHECK(json["kind"] == "key");
    CHECK(json["size"] == 3);
    CHECK(json["version"].get<std::string>().size() == 16);
    CHECK(json["mtime_ns"].get<int64_t>() > 0);
    auto prefix = nlohmann::json::parse(tote({"stat", "--json", url, "b"}).out);
    CHECK(prefix["kind"] == "prefix");
    CHECK(tote({"stat", url, "zz"}).exit_code == 3);
}

TEST_CASE("rm removes keys; prefixes need -r; missing is exit 3 unless -f") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = fill(tote, scheme);
    CHECK(tote({"rm", url, "a"}).exit_code == 0);
    CHECK(tote({"get", url, "a"}).exit_code == 3);
    auto again = tote({"rm", url, "a"});
    CHECK(again.exit_code == 3);
    CHECK(again.err.find("-r") == std::string::npos);  // "a" is no prefix: no hint about -r
    CHECK(tote({"rm", "-f", url, "a"}).exit_code == 0);
    auto prefix = tote({"rm", url, "b"});
    CHECK(prefix.exit_code == 3);
    CHECK(prefix.err.find("'b' is a prefix: -r removes the keys under it") != std::string::npos);
    CHECK(tote({"ls", url, "b"}).out == "b/c\nb/d\n");
    CHECK(tote({"rm", "-r", url, "b"}).exit_code == 0);
    CHECK(tote({"ls", url, "-r"}).out == "e/f/g\nh\n");

    // A store that does not exist holds nothing to remove: -f succeeds (and creates nothing), plain rm says so.
    const std::string missing = scheme + "://" + tote.home() + "/no-such-store" + (scheme == "sqlite" ? ".db" : "");
    CHECK(tote({"rm", "-f", missing, "a"}).exit_code == 0);
    CHECK(tote({"rm", "-f", "-r", missing, "a"}).exit_code == 0);
    CHECK(tote({"rm", missing, "a"}).exit_code == 3);
    CHECK_FALSE(std::filesystem::exists(missing.substr(missing.find("://") + 3)));
    // An unknown scheme is a mistake, not an absence: -f does not hide it.
    CHECK(tote({"rm", "-f", "nosuchscheme://x", "a"}).exit_code == 2);
}

TEST_CASE("mv renames; -n refuses to replace with exit 4; a missing source exits 3") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = fill(tote, scheme);
    REQUIRE(tote({"mv", url, "a", "archive/a"}).exit_code == 0);
    CHECK(tote({"get", url, "archive/a"}).out == "a");
    CHECK(tote({"get", url, "a"}).exit_code == 3);
    auto clobber = tote({"mv", "-n", url, "h", "archive/a"});
    CHECK(clobber.exit_code == 4);
    CHECK(tote({"get", url, "archive/a"}).out == "a");
    CHECK(tote({"get", url, "h"}).out == "h");
    REQUIRE(tote({"mv", url, "h", "archive/a"}).exit_code == 0);
    CHECK(tote({"get", url, "archive/a"}).out == "h");
    CHECK(tote({"mv", url, "ghost", "x"}).exit_code == 3);
}
