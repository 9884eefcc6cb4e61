// SPDX-License-Identifier: Apache-2.0
// discovery_test.cpp — scanning plugin directories: order, duplicates, refusals (host/src/discovery.cpp).
#include "discovery.hpp"

#include "process.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

namespace fs = std::filesystem;
using tote::detail::discover;

TEST_CASE("the fixture directory: cmem loads, every broken file is refused, in name order") {
    auto d = discover({}, {TOTE_TEST_FIXTURE_DIR}, false);
    REQUIRE(d.plugins.size() == 2);  // cmem, and the fixture that also serves "cmem" (shadowed: it comes second)
    CHECK(d.plugins[0]->info.name == "cmem");
    CHECK(d.by_scheme.count("cmem") == 1);
    CHECK(d.by_scheme.at("cmem")->info.path.filename() == "tote-cmem.so");
    REQUIRE(d.shadows.size() == 1);
    CHECK(d.shadows[0].loser.filename() == "tote-dup-scheme.so");
    REQUIRE(d.refused.size() == 11);
    std::vector<std::string> names;
    for (const auto& r : d.refused) names.push_back(r.path.filename().string());
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    CHECK(names == sorted);
}

TEST_CASE("missing directories are skipped, a directory listed twice loads once, a file is not a directory") {
    tote::test::TempDir tmp;
    tote::test::write_file(tmp / "plain-file", "x");
    auto d = discover({}, {tmp / "missing", TOTE_TEST_CMEM_DIR, TOTE_TEST_CMEM_DIR, tmp / "plain-file"}, false);
    CHECK(d.plugins.size() == 1);
    REQUIRE(d.refused.size() == 1);
    CHECK(d.refused[0].reason == "plugin directory is not a directory");
}

TEST_CASE("a symlink to a loaded plugin does not load it twice; a dangling link is refused") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "dir");
    ::chmod((tmp / "dir").c_str(), 0755);
    fs::create_symlink(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "dir/link-to-cmem.so");
    fs::create_symlink(tmp / "nowhere.so", tmp / "dir/dangling.so");
    tote::test::write_file(tmp / "dir/readme.txt", "ignored: not a library suffix");
    auto d = discover({}, {TOTE_TEST_CMEM_DIR, tmp / "dir"}, false);
    CHECK(d.plugins.size() == 1);
    REQUIRE(d.refused.size() == 1);
    CHECK(d.refused[0].path.filename() == "dangling.so");
}

TEST_CASE("the first directory to serve a scheme keeps it; the other is shadowed, not refused") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "first");
    ::chmod((tmp / "first").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "first/zz-cmem-copy.so");
    auto d = discover({}, {tmp / "first", TOTE_TEST_CMEM_DIR}, false);
    REQUIRE(d.plugins.size() == 2);
    CHECK(d.by_scheme.at("cmem")->info.path == tmp / "first/zz-cmem-copy.so");
    CHECK(d.refused.empty());
    REQUIRE(d.shadows.size() == 1);
    CHECK(d.shadows[0].scheme == "cmem");
    CHECK(d.shadows[0].winner == tmp / "first/zz-cmem-copy.so");
    CHECK(d.shadows[0].loser == fs::path(TOTE_TEST_CMEM_DIR) / "tote-cmem.so");
    CHECK(!d.shadows[0].chosen);
}

TEST_CASE("host.schemes names the plugin that serves a shared scheme, by file or by name") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "first");
    ::chmod((tmp / "first").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "first/zz-cmem-copy.so");
    tote::detail::DiscoveryOptions options;
    options.dirs = {tmp / "first", TOTE_TEST_CMEM_DIR};
    options.chosen = {{"cmem", std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so"}};
    auto d = discover(options);
    CHECK(d.by_scheme.at("cmem")->info.path == fs::path(TOTE_TEST_CMEM_DIR) / "tote-cmem.so");
    REQUIRE(d.shadows.size() == 1);
    CHECK(d.shadows[0].chosen);
    options.chosen = {{"cmem", "no-such-plugin"}};  // names nothing that serves it: the search order decides
    d = discover(options);
    CHECK(d.by_scheme.at("cmem")->info.path == tmp / "first/zz-cmem-copy.so");
    CHECK(!d.shadows[0].chosen);
}

TEST_CASE("explicit plugin files load before directories, so their schemes win; a missing one is refused") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "elsewhere");
    ::chmod((tmp / "elsewhere").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "elsewhere/my-cmem-build.so");
    auto d = discover({tmp / "elsewhere/my-cmem-build.so", tmp / "nope.so"}, {TOTE_TEST_CMEM_DIR}, false);
    REQUIRE(d.plugins.size() == 2);
    CHECK(d.by_scheme.at("cmem")->info.path.filename() == "my-cmem-build.so");
    REQUIRE(d.refused.size() == 1);
    CHECK(d.refused[0].reason == "no such file");
    CHECK(d.shadows.size() == 1);
}
