// SPDX-License-Identifier: Apache-2.0
// cli_new_plugin_test.cpp — `tote new-plugin NAME [DIR]`: the project it writes from the embedded template, and
// what it refuses (an existing file, a bad name). Building the project is tests/install/check_package.sh's job.
#include "cli.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using tote::test::Cli;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("new-plugin writes the template with the name substituted in contents and file names") {
    Cli tote;
    auto r = tote({"new-plugin", "mystore"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(tote::test::tree(tote.path("mystore")) ==
          (std::vector<std::string>{".gitignore", "CMakeLists.txt", "README.md", "mystore.cpp"}));

    const std::string cmake = tote::test::read_file(tote.path("mystore/CMakeLists.txt"));
    const std::string source = tote::test::read_file(tote.path("mystore/mystore.cpp"));
    const std::string readme = tote::test::read_file(tote.path("mystore/README.md"));
    for (const std::string* text : {&cmake, &source, &readme}) CHECK_FALSE(contains(*text, "toteexample"));
    CHECK(contains(cmake, "project(mystore "));
    CHECK(contains(cmake, "tote_add_plugin(mystore_plugin OUTPUT_NAME mystore SOURCES mystore.cpp)"));
    CHECK(contains(cmake, "find_package(tote "));
    CHECK(contains(source, "const char* const kSchemes[] = {\"mystore\", nullptr};"));
    CHECK(contains(source, "tote::plugin::Descriptor{\"mystore\", "));
    CHECK(contains(readme, "# mystore"));

    // It says what it wrote and what to do next.
    CHECK(contains(r.out, tote::test::native("mystore/CMakeLists.txt")));
    CHECK(contains(r.out, tote::test::native("mystore/mystore.cpp")));
    CHECK(contains(r.out, "-DCMAKE_PREFIX_PATH="));
    CHECK(contains(r.out, "cmake --build " + tote::test::native("mystore/build")));
    CHECK(contains(r.out, " plugin check " + tote::test::native("mystore/build/" + tote::test::plugin_file("mystore"))));
    CHECK(r.err.empty());
}

TEST_CASE("new-plugin writes into DIR when given, creating it, beside files already there") {
    Cli tote;
    tote::test::write_file(tote.path("notes.txt"), "mine");
    REQUIRE(std::filesystem::create_directories(tote.path("work/existing")));
    tote::test::write_file(tote.path("work/existing/keep.txt"), "mine too");
    auto r = tote({"new-plugin", "s3mirror", "work/existing"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(tote::test::tree(tote.path("work/existing")) ==
          (std::vector<std::string>{".gitignore", "CMakeLists.txt", "README.md", "keep.txt", "s3mirror.cpp"}));
    CHECK(tote::test::read_file(tote.path("work/existing/keep.txt")) == "mine too");

    auto deep = tote({"new-plugin", "kv2", tote.path("a/b/c")});
    REQUIRE(deep.exit_code == 0);
    CHECK(std::filesystem::exists(tote.path("a/b/c/kv2.cpp")));
}

TEST_CASE("new-plugin never overwrites: exit 4 naming the file, and nothing is written") {
    Cli tote;
    REQUIRE(std::filesystem::create_directories(tote.path("mystore")));
    tote::test::write_file(tote.path("mystore/CMakeLists.txt"), "# my own\n");
    auto r = tote({"new-plugin", "mystore"});
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, tote::test::native("mystore/CMakeLists.txt")));
    CHECK(contains(r.err, "already exists"));
    CHECK(r.out.empty());
    CHECK(tote::test::read_file(tote.path("mystore/CMakeLists.txt")) == "# my own\n");
    CHECK(tote::test::tree(tote.path("mystore")) == (std::vector<std::string>{"CMakeLists.txt"}));

    // A second run over a complete project is refused the same way, and leaves it as it was.
    REQUIRE(tote({"new-plugin", "other"}).exit_code == 0);
    const std::string before = tote::test::read_file(tote.path("other/other.cpp"));
    tote::test::write_file(tote.path("other/other.cpp"), "edited");
    auto again = tote({"new-plugin", "other"});
    CHECK(again.exit_code == 4);
    CHECK(contains(again.err, tote::test::native("other/")));
    CHECK(tote::test::read_file(tote.path("other/other.cpp")) == "edited");
    CHECK_FALSE(before.empty());
}

TEST_CASE("new-plugin refuses a bad name with exit 2 and writes nothing") {
    const std::string name = GENERATE(as<std::string>{}, "", "MyStore", "1store", "my_store", "my-store", "a.b",
                                      "a/b", "../up", "caf\xc3\xa9", std::string(33, 'x'));
    Cli tote;
    auto r = tote({"new-plugin", name, "out"});
    INFO(name);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "bad plugin name"));
    CHECK_FALSE(std::filesystem::exists(tote.path("out")));
}

TEST_CASE("new-plugin needs a NAME, of at most 32 characters") {
    Cli tote;
    auto r = tote({"new-plugin"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "NAME"));
    CHECK(tote({"new-plugin", std::string(32, 'x')}).exit_code == 0);
}
