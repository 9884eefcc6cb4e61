// SPDX-License-Identifier: Apache-2.0
// cli_admin_test.cpp — `tote drop`, `tote doctor`, `tote put --ttl` and expiry in `tote stat` (ABI 1.1).
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>

using tote::test::Cli;
using tote::test::store_url;

TEST_CASE("drop destroys a store only when told to, and says when there is none") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "doomed");
    REQUIRE(tote({"put", url, "a/b"}, "x").exit_code == 0);
    auto refused = tote({"drop", url});  // standard input is not a terminal: --yes is required
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("without --yes") != std::string::npos);
    CHECK(tote({"get", url, "a/b"}).out == "x");
    auto dropped = tote({"drop", "--yes", url});
    CHECK(dropped.exit_code == 0);
    CHECK(dropped.out.find("dropped ") == 0);
    CHECK(!std::filesystem::exists(tote.path(scheme == "json" ? "doomed" : "doomed.db")));
    CHECK(tote({"drop", "--yes", url}).exit_code == 3);
    CHECK(tote({"get", url, "a/b"}).exit_code == 3);
}

TEST_CASE("drop leaves alone what is not a store of the plugin") {
    Cli tote;
    std::filesystem::create_directories(tote.path("photos"));
    tote::test::write_file(tote.path("photos/cat.jpg"), "meow");
    auto r = tote({"drop", "--yes", "json://" + tote.path("photos")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("does not look like a json store") != std::string::npos);
    CHECK(std::filesystem::exists(tote.path("photos/cat.jpg")));
    tote::test::write_file(tote.path("notes.db"), "not a database at all, just text");
    CHECK(tote({"drop", "--yes", "sqlite://" + tote.path("notes.db")}).exit_code == 1);
    CHECK(tote::test::read_file(tote.path("notes.db")) == "not a database at all, just text");
}

TEST_CASE("put --ttl: the expiry shows in stat, and an unknown unit is a usage error") {
    Cli tote;
    const std::string url = "sqlite://" + tote.path("ttl.db");
    REQUIRE(tote({"put", "--ttl", "2h", url, "session"}, "v").exit_code == 0);
    auto st = nlohmann::json::parse(tote({"stat", "--json", url, "session"}).out);
    CHECK(st["expires_ns"].get<int64_t>() > st["mtime_ns"].get<int64_t>() + int64_t{7190} * 1000000000);
    CHECK(tote({"stat", url, "session"}).out.find("expires:  20") != std::string::npos);
    REQUIRE(tote({"put", url, "forever"}, "v").exit_code == 0);
    CHECK(tote({"stat", url, "forever"}).out.find("expires:  never") != std::string::npos);
    auto bad = tote({"put", "--ttl", "5 weeks", url, "k"}, "v");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad duration '5 weeks'") != std::string::npos);
    // json offers no expiry: refused, nothing written.
    auto json = tote({"put", "--ttl", "1h", "json://" + tote.path("j"), "k"}, "v");
    CHECK(json.exit_code == 1);
    CHECK(json.err.find("unsupported") != std::string::npos);
}

TEST_CASE("doctor describes the setup and a store, and exits 1 naming each problem") {
    Cli tote;
    const std::string url = "sqlite://" + tote.path("d.db");
    REQUIRE(tote({"put", url, "k"}, "v").exit_code == 0);
    auto fine = tote({"doctor", url});
    INFO(fine.out << fine.err);
    CHECK(fine.exit_code == 0);
    CHECK(fine.out.find("plugin ABI 1.1") != std::string::npos);
    CHECK(fine.out.find("opens:          yes") != std::string::npos);
    CHECK(fine.out.find("round trip:") != std::string::npos);
    CHECK(fine.out.find("engine:         SQLite 3.") != std::string::npos);
    CHECK(fine.out.find("no problems found") != std::string::npos);
    CHECK(fine.out.find("tote.query/1") != std::string::npos);

    // A layered store: its layers, and what the stack offers (the cache layer evaluates no queries of its own).
    auto layered = tote({"doctor", "cache::" + url});
    INFO(layered.out << layered.err);
    CHECK(layered.exit_code == 0);
    CHECK(layered.out.find("layers:         cache (outermost first)") != std::string::npos);
    CHECK(layered.out.find("tote.query/1") == std::string::npos);

    auto missing = tote({"doctor", "sqlite://" + tote.path("nowhere.db")});
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.find("PROBLEM: it does not open: not found") != std::string::npos);

#ifndef _WIN32  // file modes; on Windows a directory's safety is its security descriptor (windows.permissions)
    // An unsafe plugin directory is a problem, named.
    std::filesystem::create_directories(tote.path("open-plugins"));
    ::chmod(tote.path("open-plugins").c_str(), 0777);
    auto unsafe = tote({"--plugin-dir", tote.path("open-plugins"), "doctor"});
    CHECK(unsafe.exit_code == 1);
    CHECK(unsafe.out.find("PROBLEM: " + tote.path("open-plugins") + ": unsafe permissions") != std::string::npos);
#endif
}
