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
    REQUIRE(d.plugins.size() == 1);
    CHECK(d.plugins[0]->info.name == "cmem");
    CHECK(d.by_scheme.count("cmem") == 1);
    REQUIRE(d.refused.size() == 12);
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

TEST_CASE("the first directory to serve a scheme keeps it") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "first");
    ::chmod((tmp / "first").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "first/zz-cmem-copy.so");
    auto d = discover({}, {tmp / "first", TOTE_TEST_CMEM_DIR}, false);
    REQUIRE(d.plugins.size() == 1);
    CHECK(d.plugins[0]->info.path.filename() == "zz-cmem-copy.so");
    REQUIRE(d.refused.size() == 1);
    CHECK(d.refused[0].reason.find("duplicate scheme 'cmem': already served by " + (tmp / "first/zz-cmem-copy.so")) == 0);
}

TEST_CASE("explicit plugin files load before directories, so their schemes win; a missing one is refused") {
    tote::test::TempDir tmp;
    fs::create_directories(tmp / "elsewhere");
    ::chmod((tmp / "elsewhere").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tmp / "elsewhere/my-cmem-build.so");
    auto d = discover({tmp / "elsewhere/my-cmem-build.so", tmp / "nope.so"}, {TOTE_TEST_CMEM_DIR}, false);
    REQUIRE(d.plugins.size() == 1);
    CHECK(d.plugins[0]->info.path.filename() == "my-cmem-build.so");
    REQUIRE(d.refused.size() == 2);
    CHECK(d.refused[0].reason == "no such file");
    CHECK(d.refused[1].reason.find("duplicate scheme 'cmem'") == 0);
}
