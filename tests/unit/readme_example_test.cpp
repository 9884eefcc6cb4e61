// SPDX-License-Identifier: Apache-2.0
// readme_example_test.cpp — the C++ example of README.md, compiled and run, so the README cannot drift from the
// API. Keep the block between the markers identical to the README's.
#include "process.hpp"

#include <tote/json.hpp>
#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <unistd.h>

#include <iostream>

TEST_CASE("the README's C++ example works") {
    tote::test::TempDir dir;
    tote::test::set_env("TOTE_CONFIG", "");
    tote::test::set_env("TOTE_PLUGIN_PATH", TOTE_PLUGIN_BUILD_DIR);
    tote::test::set_env("XDG_CONFIG_HOME", dir.path());
    char cwd[4096];
    REQUIRE(::getcwd(cwd, sizeof cwd));
    REQUIRE(::chdir(dir.path().c_str()) == 0);
    // --- README begin
    tote::Host host;                                          // reads the config, loads the plugins
    tote::OpenOptions create;
    create.create = true;
    tote::Store evals = host.open("sqlite://evals.db", create);
    tote::write_json(evals, "evals/gsm8k.json", {{"score", 0.91}});
    for (const tote::Entry& e : evals.list("evals", tote::ListOptions{true, ""})) std::cout << e.key << "\n";

    tote::Stat seen;
    nlohmann::json doc = tote::read_json(evals, "evals/gsm8k.json", &seen);
    doc["reviewed"] = true;
    tote::WriteOptions unchanged_since;
    unchanged_since.if_version = seen.version;                 // fails with precondition_failed if someone wrote
    tote::write_json(evals, "evals/gsm8k.json", doc, 2, unchanged_since);
    // --- README end
    CHECK(tote::read_json(evals, "evals/gsm8k.json")["reviewed"] == true);
    CHECK_THROWS_AS(tote::write_json(evals, "evals/gsm8k.json", doc, 2, unchanged_since), tote::Error);
    REQUIRE(::chdir(cwd) == 0);
    tote::test::unset_env("TOTE_PLUGIN_PATH");
    tote::test::unset_env("XDG_CONFIG_HOME");
}
