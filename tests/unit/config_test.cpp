// SPDX-License-Identifier: Apache-2.0
// config_test.cpp — the TOML config: what it accepts, and errors that name file, line and key.
#include "config.hpp"

#include <tote/error.hpp>

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <filesystem>

#include <cstdlib>

using tote::detail::Config;
using tote::detail::parse_config;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_config(text, "/etc/tote/config.toml");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::invalid_argument);
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("the design brief's example config parses") {
    tote::test::set_env("HOME", "/home/ada");
    Config c = parse_config(R"(
[host]
plugin_dirs = ["plugins", "~/.local/lib/tote/plugins", "/opt/tote/plugins"]
default_store = "evals"

[stores.evals]
url = "sqlite://evals.db"
options = { synchronous = "normal", busy_timeout_ms = 5000, ratio = 0.5, wal = true }

[stores.archive]
url = "json://archive"
read_only = true
)",
                            "/etc/tote/config.toml");
    REQUIRE(c.plugin_dirs.size() == 3);
    CHECK(c.plugin_dirs[0] == "/etc/tote/plugins");
    CHECK(c.plugin_dirs[1] == "/home/ada/.local/lib/tote/plugins");
    CHECK(c.plugin_dirs[2] == "/opt/tote/plugins");
    CHECK(c.default_store == std::optional<std::string>("evals"));
    REQUIRE(c.stores.size() == 2);
    const auto& evals = c.stores.at("evals");
    CHECK(evals.url == "sqlite://evals.db");
    CHECK(!evals.read_only);
    REQUIRE(evals.options.size() == 4);
    CHECK(evals.where.line == 7);
    for (const auto& o : evals.options) {
        if (o.name == "synchronous") CHECK((o.type == TOTE_TYPE_STRING && o.string_value == "normal"));
        if (o.name == "busy_timeout_ms") CHECK((o.type == TOTE_TYPE_INT && o.int_value == 5000));
        if (o.name == "ratio") CHECK((o.type == TOTE_TYPE_FLOAT && o.float_value == 0.5));
        if (o.name == "wal") CHECK((o.type == TOTE_TYPE_BOOL && o.int_value == 1));
        CHECK(o.where.line == 8);
    }
    CHECK(c.stores.at("archive").read_only);
    CHECK(c.base_dir() == "/etc/tote");
}

TEST_CASE("an empty config is fine") {
    Config c = parse_config("", "/x/empty.toml");
    CHECK(c.stores.empty());
    CHECK(c.plugin_dirs.empty());
    CHECK(!c.default_store);
}

TEST_CASE("config errors carry file:line:column and the key") {
    CHECK(error_of("[host\n") .find("/etc/tote/config.toml:1:") == 0);
    CHECK(error_of("[host\n").find("TOML syntax error") != std::string::npos);
    CHECK(error_of("x = 1\n") == "/etc/tote/config.toml:1:1: unknown key 'x' in the top level (expected: host, stores)");
    CHECK(error_of("[host]\n\nplugin_dir = []\n").find(":3:1: unknown key 'plugin_dir' in [host] (expected: plugin_dirs,") != std::string::npos);
    CHECK(error_of("[host]\nplugin_dirs = [1]\n").find(":2:16: each entry of host.plugin_dirs must be a string, not an integer") != std::string::npos);
    CHECK(error_of("[host]\nplugin_dirs = [\"\"]\n").find("empty path") != std::string::npos);
    CHECK(error_of("[host]\ndefault_store = \"bad name!\"\n").find(":2:17:") != std::string::npos);
    CHECK(error_of("[host]\nallow_unsafe_plugins = 1\n").find("must be true or false") != std::string::npos);
    CHECK(error_of("host = 3\n").find("'host' must be a table") != std::string::npos);
    CHECK(error_of("[stores]\ns = 1\n").find("[stores.s] must be a table") != std::string::npos);
    CHECK(error_of("[stores.\"bad name\"]\nurl = \"json://x\"\n").find("bad store name") != std::string::npos);
    CHECK(error_of("[stores.s]\nurl = \"json://x\"\nurl2 = 1\n").find(":3:1: unknown key 'url2' in [stores.s]") != std::string::npos);
    CHECK(error_of("[stores.s]\nurl = \"nope\"\n").find(":2:7: [stores.s].url: malformed URL") != std::string::npos);
    CHECK(error_of("[stores.s]\nurl = \"json://x\"\noptions = 3\n").find("options must be a table") != std::string::npos);
    CHECK(error_of("[stores.s]\nurl = \"json://x\"\noptions = { a = [1] }\n").find("option 'a' of store 's' must be a string, integer, float or boolean, not an array") != std::string::npos);
    CHECK(error_of("[stores.default]\nurl = \"json://x\"\n").find("reserved") != std::string::npos);
}

TEST_CASE("every kind of TOML syntax error is reported with its line") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"[host]\ndefault_store = \"a\"\ndefault_store = \"b\"\n", ":3:"},  // a key defined twice
        {"[stores.s]\nurl = \"json://x\"\n[stores.s]\n", ":3:"},            // a table defined twice
        {"[host]\ndefault_store = \"unterminated\n", ":2:"},
        {"[host]\ndefault_store = \"bad \\q escape\"\n", ":2:"},
        {"[host]\nplugin_dirs = [\"a\", \n", ":2:"},                           // an array never closed
        {"[host]\ndefault_store = 1979-13-45\n", ":2:"},                          // a date that is no date
        {"[host]\n= \"no key\"\n", ":2:"},
        {"[host]\ndefault_store = \"\xff\xfe\"\n", ":2:"},                     // not UTF-8
        {"[[stores]]\nurl = \"json://x\"\n", "'stores' must be a table"},       // an array of tables
    };
    for (const auto& [text, where] : bad) {
        INFO(text);
        std::string error = error_of(text);
        CHECK(error.find("/etc/tote/config.toml") == 0);
        CHECK(error.find(where) != std::string::npos);
    }
}

TEST_CASE("a missing or unreadable file is named") {
    try {
        tote::detail::load_config("/nonexistent/dir/tote.toml");
        FAIL("accepted");
    } catch (const tote::Error& e) {
        const std::string path = std::filesystem::absolute("/nonexistent/dir/tote.toml").make_preferred().string();
        CHECK(std::string(e.what()) == "cannot read config file " + path + ": No such file or directory");
    }
}
