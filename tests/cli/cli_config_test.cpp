// SPDX-License-Identifier: Apache-2.0
// cli_config_test.cpp — store names, the default store and config errors, through the built binary.
#include "cli.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using tote::test::Cli;

namespace {

// Runs a command against a config file holding text; returns the result.
tote::test::RunResult with_config(const Cli& tote, const std::string& text, const std::vector<std::string>& args,
                                  const std::string& input = "") {
    const std::string config = tote.home() + "/project/tote.toml";
    tote::test::write_file(config, text);
    std::vector<std::string> full = {"--config", config};
    full.insert(full.end(), args.begin(), args.end());
    return tote(full, input);
}

}  // namespace

TEST_CASE("stores are named in the config, their relative URLs resolved against the config's directory") {
    Cli tote;
    const std::string config =
        "[host]\ndefault_store = \"evals\"\n\n"
        "[stores.evals]\nurl = \"sqlite://data/evals.db\"\noptions = { synchronous = \"normal\", busy_timeout_ms = 2000 }\n\n"
        "[stores.archive]\nurl = \"json://archive\"\nread_only = true\n";
    REQUIRE(with_config(tote, config, {"put", "evals", "run/1"}, "one").exit_code == 0);
    CHECK(std::filesystem::exists(tote.home() + "/project/data/evals.db"));
    CHECK(with_config(tote, config, {"get", "evals", "run/1"}).out == "one");
    CHECK(with_config(tote, config, {"get", "default", "run/1"}).out == "one");  // default_store

    std::filesystem::create_directories(tote.home() + "/project/archive/old");
    tote::test::write_file(tote.home() + "/project/archive/old/result.json", "{}");
    CHECK(with_config(tote, config, {"get", "archive", "old/result.json"}).out == "{}");
    auto write = with_config(tote, config, {"put", "archive", "x"}, "nope");
    CHECK(write.exit_code == 1);
    CHECK(write.err.find("read-only") != std::string::npos);
    CHECK(!std::filesystem::exists(tote.home() + "/project/archive/x"));
}

// [posix]: XDG directories; Windows uses %APPDATA% (windows.cli).
TEST_CASE("TOTE_CONFIG and the XDG config file are found; --config wins", "[posix]") {
    Cli tote;
    tote::test::write_file(tote.home() + "/.config/tote/config.toml", "[stores.xdg]\nurl = \"json://xdg-store\"\n");
    CHECK(tote({"put", "xdg", "k"}, "from xdg").exit_code == 0);
    CHECK(std::filesystem::exists(tote.home() + "/.config/tote/xdg-store/k"));
    tote::test::write_file(tote.home() + "/env.toml", "[stores.env]\nurl = \"json://env-store\"\n");
    tote.env["TOTE_CONFIG"] = tote.home() + "/env.toml";
    CHECK(tote({"put", "env", "k"}, "from env").exit_code == 0);
    CHECK(tote({"get", "xdg", "k"}).exit_code == 2);  // TOTE_CONFIG replaces the XDG file
    tote.env["TOTE_CONFIG"] = tote.home() + "/missing.toml";
    auto missing = tote({"ls", "env"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("missing.toml") != std::string::npos);
    CHECK(tote({"--config", tote.home() + "/env.toml", "get", "env", "k"}).out == "from env");
}

// [posix]: XDG directories; Windows uses %LOCALAPPDATA% (windows.cli).
TEST_CASE("with no config at all, 'default' is an embedded store under XDG_DATA_HOME", "[posix]") {
    Cli tote;
    auto fresh = tote({"ls", "default"});  // reading it first is fine: it exists, empty
    INFO(fresh.err);
    CHECK(fresh.exit_code == 0);
    CHECK(fresh.out.empty());
    CHECK(tote({"get", "default", "greeting"}).exit_code == 3);
    REQUIRE(tote({"put", "default", "greeting"}, "hello").exit_code == 0);
    CHECK(std::filesystem::exists(tote.home() + "/.local/share/tote/default.db"));
    CHECK(tote({"get", "default", "greeting"}).out == "hello");
    CHECK(tote({"ls", "default"}).out == "greeting\n");
}

TEST_CASE("config errors name the file, the line and the key, and exit 2") {
    Cli tote;
    struct Bad {
        std::string text, expect;
    };
    const std::vector<Bad> cases = {
        {"[host\nplugin_dirs = []\n", ":1:"},                                             // TOML syntax
        {"[host]\nplugin_dir = [\"x\"]\n", ":2:1: unknown key 'plugin_dir' in [host]"},  // typo
        {"[host]\nplugin_dirs = \"x\"\n", ":2:"},                                         // wrong type
        {"[stores.s]\nurl = \"json://x\"\nread_only = \"yes\"\n", ":3:"},                 // wrong type
        {"[stores.s]\nurl = 42\n", "must be a string"},
        {"[stores.s]\nread_only = true\n", "has no url"},
        {"[stores.s]\nurl = \"json:/x\"\n", "malformed URL"},
        {"[stores.default]\nurl = \"json://x\"\n", "reserved"},
        {"[stores.s]\nurl = \"json://x\"\nptions = {}\n", ":3:1: unknown key 'ptions'"},
        {"[host]\ndefault_store = \"nope\"\n", "names no store"},
        {"[storage]\nx = 1\n", "unknown key 'storage'"},
    };
    for (const Bad& bad : cases) {
        auto r = with_config(tote, bad.text, {"ls", "s"});
        INFO(bad.text << "\n--> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("tote.toml") != std::string::npos);
        CHECK(r.err.find(bad.expect) != std::string::npos);
    }
}

TEST_CASE("unknown or mistyped plugin options are refused before the store is opened") {
    Cli tote;
    auto unknown = with_config(tote, "[stores.s]\nurl = \"json://s\"\noptions = { fsynk = false }\n", {"put", "s", "k"}, "x");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find(":3:") != std::string::npos);
    CHECK(unknown.err.find("unknown option 'fsynk'") != std::string::npos);
    CHECK(unknown.err.find("accepted: fsync") != std::string::npos);
    auto mistyped = with_config(tote, "[stores.s]\nurl = \"json://s\"\noptions = { fsync = \"no\" }\n", {"put", "s", "k"}, "x");
    CHECK(mistyped.exit_code == 2);
    CHECK(mistyped.err.find("must be of type bool, not string") != std::string::npos);
    auto bad_value =
        with_config(tote, "[stores.s]\nurl = \"sqlite://s.db\"\noptions = { synchronous = \"sometimes\" }\n", {"put", "s", "k"}, "x");
    CHECK(bad_value.exit_code == 2);
    CHECK(bad_value.err.find("synchronous") != std::string::npos);
    CHECK(!std::filesystem::exists(tote.home() + "/project/s"));
    CHECK(!std::filesystem::exists(tote.home() + "/project/s.db"));
}

TEST_CASE("a config file that cannot be read is an error naming it") {
    Cli tote;
    auto missing = tote({"--config", tote.home() + "/nope.toml", "ls", "default"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("nope.toml") != std::string::npos);
    std::filesystem::create_directories(tote.home() + "/dir.toml");
    auto dir = tote({"--config", tote.home() + "/dir.toml", "ls", "default"});
    CHECK(dir.exit_code == 2);
    CHECK(dir.err.find("directory") != std::string::npos);
}
