// SPDX-License-Identifier: Apache-2.0
// cli_cp_test.cpp — `tote cp` between backends: everything arrives, conflicts are reported, nothing is lost.
#include "cli.hpp"

#include <catch2/catch.hpp>

using tote::test::Cli;
using tote::test::store_url;

TEST_CASE("cp copies every key between backends, with a summary line") {
    const std::string from = GENERATE(from_range(tote::test::file_schemes()));
    const std::string to = from == "json" ? "sqlite" : "json";
    Cli tote;
    const std::string src = store_url(from, tote.home(), "src");
    const std::string dst = store_url(to, tote.home(), "dst");
    std::string expected_listing;
    for (int i = 0; i < 120; ++i) {
        std::string key = "runs/" + std::to_string(i % 3) + "/r" + std::to_string(1000 + i) + ".json";
        REQUIRE(tote({"put", src, key}, "{\"i\":" + std::to_string(i) + "}").exit_code == 0);
    }
    REQUIRE(tote({"put", src, "top"}, std::string("\0\1\2", 3)).exit_code == 0);
    auto cp = tote({"cp", src, dst});
    INFO(cp.err);
    REQUIRE(cp.exit_code == 0);
    CHECK(cp.err.find("copied 121 keys") != std::string::npos);
    CHECK(tote({"ls", src, "-r"}).out == tote({"ls", dst, "-r"}).out);
    CHECK(tote({"get", dst, "runs/2/r1119.json"}).out == "{\"i\":119}");
    CHECK(tote({"get", dst, "top"}).out == std::string("\0\1\2", 3));
}

TEST_CASE("cp --prefix copies only that prefix") {
    Cli tote;
    const std::string src = store_url("sqlite", tote.home(), "src");
    const std::string dst = store_url("json", tote.home(), "dst");
    for (const char* key : {"keep/a", "keep/b/c", "keeper", "skip/d"}) REQUIRE(tote({"put", src, key}, key).exit_code == 0);
    auto cp = tote({"cp", "--prefix", "keep", src, dst});
    REQUIRE(cp.exit_code == 0);
    CHECK(tote({"ls", dst, "-r"}).out == "keep/a\nkeep/b/c\n");
}

TEST_CASE("cp into a backend that cannot hold a key beside its prefix reports the key and copies the rest") {
    Cli tote;
    const std::string src = store_url("sqlite", tote.home(), "src");
    const std::string dst = store_url("json", tote.home(), "dst");
    for (const char* key : {"a", "a/b", "c"}) REQUIRE(tote({"put", src, key}, key).exit_code == 0);
    auto cp = tote({"cp", src, dst});
    CHECK(cp.exit_code == 1);
    CHECK(cp.err.find("cannot copy 'a/b'") != std::string::npos);
    CHECK(cp.err.find("conflict") != std::string::npos);
    CHECK(cp.err.find("copied 2 keys") != std::string::npos);
    CHECK(cp.err.find("1 failed") != std::string::npos);
    CHECK(tote({"ls", dst, "-r"}).out == "a\nc\n");
    CHECK(tote({"get", src, "a/b"}).out == "a/b");  // the source is never touched
}

TEST_CASE("cp refuses the same store twice and a missing source") {
    Cli tote;
    const std::string src = store_url("json", tote.home(), "src");
    REQUIRE(tote({"put", src, "k"}, "v").exit_code == 0);
    auto same = tote({"cp", src, "json://src"});
    CHECK(same.exit_code == 2);
    CHECK(same.err.find("same store") != std::string::npos);
    auto missing = tote({"cp", store_url("json", tote.home(), "nope"), store_url("sqlite", tote.home(), "d")});
    CHECK(missing.exit_code == 3);
}

// [posix]: a pseudo-terminal.
TEST_CASE("cp draws a progress bar only when stderr is a terminal, and always prints the summary", "[posix]") {
    Cli tote;
    const std::string src = store_url("json", tote.home(), "src");
    for (int i = 0; i < 30; ++i) REQUIRE(tote({"put", src, "k/" + std::to_string(i)}, "v").exit_code == 0);
    tote::test::RunOptions terminal;
    terminal.stderr_is_terminal = true;
    auto bar = tote.run({"cp", src, store_url("sqlite", tote.home(), "dst1")}, terminal);
    CHECK(bar.exit_code == 0);
    CHECK(bar.err.find("] 100% 30/30 keys") != std::string::npos);
    CHECK(bar.err.find("copied 30 keys") != std::string::npos);
    auto plain = tote({"cp", src, store_url("sqlite", tote.home(), "dst2")});
    CHECK(plain.err.find('[') == std::string::npos);
    CHECK(plain.err.find('\r') == std::string::npos);
    CHECK(plain.err.find("copied 30 keys") == 0);
}
