// SPDX-License-Identifier: Apache-2.0
// cli_streams_test.cpp — a key as a stream (ABI 1.1): `tote append --json` and `--if-size`, `tote get --offset
// --length`, `tote tail` and `tote tail -f`, on every first-party file backend.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

using tote::test::Cli;
using tote::test::store_url;

TEST_CASE("append says where it landed, and --if-size appends exactly once") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "streams");
    auto first = tote({"append", "--json", url, "log"}, "one\n");
    REQUIRE(first.exit_code == 0);
    const auto landed = nlohmann::json::parse(first.out);
    CHECK(landed["offset"] == 0);
    CHECK(landed["version"].get<std::string>().size() == 16);
    auto second = tote({"append", "--json", "--if-size", "4", url, "log"}, "two\n");
    REQUIRE(second.exit_code == 0);
    CHECK(nlohmann::json::parse(second.out)["offset"] == 4);
    // A retry at the old size (the writer did not know its append landed) changes nothing.
    auto retry = tote({"append", "--if-size", "4", url, "log"}, "two\n");
    CHECK(retry.exit_code == 4);
    CHECK(retry.err.find("precondition failed") != std::string::npos);
    CHECK(tote({"get", url, "log"}).out == "one\ntwo\n");
    // A missing key counts as 0 bytes long.
    CHECK(tote({"append", "--if-size", "0", url, "new"}, "x").exit_code == 0);
    CHECK(tote({"append", "--if-size", "0", url, "new"}, "x").exit_code == 4);
}

TEST_CASE("get --offset --length reads a range, the bytes that exist") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "ranges");
    REQUIRE(tote({"put", url, "k"}, "0123456789").exit_code == 0);
    CHECK(tote({"get", "--offset", "3", "--length", "4", url, "k"}).out == "3456");
    CHECK(tote({"get", "--offset", "8", url, "k"}).out == "89");
    CHECK(tote({"get", "--length", "2", url, "k"}).out == "01");
    auto past = tote({"get", "--offset", "50", url, "k"});
    CHECK(past.exit_code == 0);
    CHECK(past.out.empty());
    CHECK(tote({"get", "--offset", "1", url, "missing"}).exit_code == 3);
}

TEST_CASE("tail prints the last lines") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "tail");
    std::string lines;
    for (int i = 1; i <= 30000; ++i) lines += "line " + std::to_string(i) + "\n";  // several 64 KiB chunks
    REQUIRE(tote({"put", url, "log"}, lines).exit_code == 0);
    CHECK(tote({"tail", url, "log"}).out.find("line 29991\n") == 0);
    CHECK(tote({"tail", "-n", "2", url, "log"}).out == "line 29999\nline 30000\n");
    CHECK(tote({"tail", "-n", "0", url, "log"}).out.empty());
    CHECK(tote({"tail", "-n", "40000", url, "log"}).out == lines);
    REQUIRE(tote({"put", url, "open"}, "a\nb").exit_code == 0);  // no final newline
    CHECK(tote({"tail", "-n", "1", url, "open"}).out == "b");
    CHECK(tote({"tail", url, "missing"}).exit_code == 3);
}

// [posix]: SIGINT.
TEST_CASE("tail -f follows appends, notices a replacement, and stops cleanly on SIGINT", "[posix]") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "follow");
    REQUIRE(tote({"append", url, "log"}, "start\n").exit_code == 0);
    tote::test::Background follower({"/usr/bin/env", "HOME=" + tote.home(), "XDG_CONFIG_HOME=" + tote.home() + "/.config",
                                     TOTE_CLI_PATH, "tail", "-f", "-n", "1", url, "log"});
    auto wait_for = [&](const std::string& text) {
        for (int i = 0; i < 200 && follower.output().find(text) == std::string::npos; ++i) follower.drain(50);
        return follower.output().find(text) != std::string::npos;
    };
    CHECK(wait_for("start\n"));
    REQUIRE(tote({"append", url, "log"}, "more\n").exit_code == 0);
    CHECK(wait_for("start\nmore\n"));
    REQUIRE(tote({"put", url, "log"}, "new\n").exit_code == 0);  // shorter: replaced
    CHECK(wait_for("start\nmore\nnew\n"));
    follower.kill(SIGINT);
    CHECK(follower.wait() == 0);
    CHECK(follower.output() == "start\nmore\nnew\n");
}
