// SPDX-License-Identifier: Apache-2.0
// cli_errors_test.cpp — bad input gets a clear error, the documented exit code, and loses nothing.
#include "cli.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using tote::test::Cli;
using tote::test::store_url;

TEST_CASE("--help and --version work, usage errors exit 2") {
    Cli tote;
    auto help = tote({"--help"});
    CHECK(help.exit_code == 0);
    for (const char* command : {"plugins", "put", "get", "append", "ls", "stat", "rm", "mv", "cp"})
        CHECK(help.out.find(command) != std::string::npos);
    CHECK(help.out.find("Exit codes") != std::string::npos);
    auto put_help = tote({"put", "--help"});
    CHECK(put_help.exit_code == 0);
    CHECK(put_help.out.find("--create-only") != std::string::npos);
    auto version = tote({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.find("tote " TOTE_VERSION) != std::string::npos);
    CHECK(tote({}).exit_code == 2);
    CHECK(tote({"frobnicate"}).exit_code == 2);
    auto missing = tote({"get", "json://x"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("tote: error:") == 0);
}

TEST_CASE("an unknown scheme names itself and the known ones, exit 2") {
    Cli tote;
    auto r = tote({"ls", "cassandra://x"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown storage backend: cassandra") != std::string::npos);
    CHECK(r.err.find("json") != std::string::npos);
    CHECK(r.err.find("sqlite") != std::string::npos);
}

TEST_CASE("malformed URLs and unknown store names exit 2") {
    Cli tote;
    for (const std::string& bad : std::vector<std::string>{"json://", "://x", "1json://x", "js on://x"}) {
        auto r = tote({"ls", bad});
        INFO(bad << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("malformed URL") != std::string::npos);
    }
    auto name = tote({"ls", "evals"});
    CHECK(name.exit_code == 2);
    CHECK(name.err.find("unknown store 'evals'") != std::string::npos);
}

TEST_CASE("keys that try to escape or are malformed exit 2 and write nothing") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"put", url, "inside"}, "x").exit_code == 0);
    std::vector<std::string> bad_keys = {"../x", "a/../../b", "/abs", "a//b", "a/", ".", "..", "x/./y",
                                         std::string(1100, 'k'), "new\nline"};
#ifndef _WIN32
    bad_keys.push_back("\xff\xfe");  // a Windows command line is UTF-16: invalid UTF-8 cannot reach tote.exe as such
#endif
    for (const std::string& bad : bad_keys) {
        auto r = tote({"put", url, bad}, "escape");
        INFO(bad);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("invalid key") != std::string::npos);
        CHECK(tote({"get", url, bad}).exit_code == 2);
    }
    CHECK(tote({"ls", url, "-r"}).out == "inside\n");
    CHECK(!std::filesystem::exists(tote.home() + "/x"));
    CHECK(!std::filesystem::exists("/abs"));
}

TEST_CASE("json: a prefix where a key is expected, and a key where a prefix is expected") {
    Cli tote;
    const std::string url = store_url("json", tote.home(), "st");
    REQUIRE(tote({"put", url, "dir/child"}, "c").exit_code == 0);
    auto get = tote({"get", url, "dir"});
    CHECK(get.exit_code == 3);
    CHECK(get.err.find("prefix") != std::string::npos);
    auto put = tote({"put", url, "dir"}, "would shadow dir/child");
    CHECK(put.exit_code == 4);
    CHECK(put.err.find("conflict") != std::string::npos);
    REQUIRE(tote({"put", url, "file"}, "f").exit_code == 0);
    auto under = tote({"put", url, "file/x"}, "under a file");
    CHECK(under.exit_code == 4);
    CHECK(tote({"get", url, "dir/child"}).out == "c");
    CHECK(tote({"get", url, "file"}).out == "f");
    CHECK(tote({"ls", url, "-r"}).out == "dir/child\nfile\n");
}

TEST_CASE("a store location of the wrong kind is refused without touching it") {
    Cli tote;
    std::filesystem::create_directories(tote.home() + "/adir");
    auto sqlite_on_dir = tote({"put", "sqlite://" + tote.home() + "/adir", "k"}, "x");
    CHECK(sqlite_on_dir.exit_code == 2);
    tote::test::write_file(tote.home() + "/afile", "not a directory");
    auto json_on_file = tote({"put", "json://" + tote.home() + "/afile", "k"}, "x");
    CHECK(json_on_file.exit_code == 2);
    CHECK(json_on_file.err.find("not a directory") != std::string::npos);
    CHECK(tote::test::read_file(tote.home() + "/afile") == "not a directory");
}

TEST_CASE("a file that is not an SQLite database is refused and left unchanged") {
    Cli tote;
    const std::string path = tote.home() + "/notes.db";
    const std::string text = "these are my notes, not a database\n";
    tote::test::write_file(path, text);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"ls", "sqlite://" + path}, {"get", "sqlite://" + path, "k"}}) {
        auto r = tote(args);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("corrupt") != std::string::npos);
        CHECK(r.err.find(tote::test::native(path)) != std::string::npos);
    }
    CHECK(tote({"put", "sqlite://" + path, "k"}, "x").exit_code == 1);
    CHECK(tote::test::read_file(path) == text);
    // Beside the file: nothing (the sealed HOME's .cache, or AppData on Windows, holds tote's plugin registry).
    std::vector<std::string> made;
    for (const std::string& entry : tote::test::tree(tote.home()))
        if (entry.rfind(".cache", 0) != 0 && entry.rfind("AppData", 0) != 0) made.push_back(entry);
    CHECK(made == std::vector<std::string>{"notes.db"});
}
