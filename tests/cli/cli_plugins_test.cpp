// SPDX-License-Identifier: Apache-2.0
// cli_plugins_test.cpp — `tote plugins`: what loads, what is refused and why, through the built binary.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>

using tote::test::Cli;

TEST_CASE("plugins lists the first-party plugins with version, ABI, schemes, capabilities and path") {
    Cli tote;
    auto text = tote({"plugins"});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("json " TOTE_VERSION " (ABI 1.1)") != std::string::npos);
    CHECK(text.out.find("sqlite " TOTE_VERSION " (ABI 1.1)") != std::string::npos);
    CHECK(text.out.find("capabilities: write, append, list, rename, create-only, compare-version") != std::string::npos);
    CHECK(text.out.find(tote::test::plugin_file("tote-json")) != std::string::npos);
    CHECK(text.out.find("0 refused") != std::string::npos);

    auto json = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    std::vector<std::string> names;
    for (const auto& p : json["plugins"]) names.push_back(p["name"]);
    CHECK(std::find(names.begin(), names.end(), "json") != names.end());
    REQUIRE(std::find(names.begin(), names.end(), "sqlite") != names.end());
    nlohmann::json sqlite;
    for (const auto& p : json["plugins"])
        if (p["name"] == "sqlite") sqlite = p;
    CHECK(sqlite["schemes"] == nlohmann::json::array({"sqlite"}));
    CHECK(sqlite["abi"] == "1.1");
    CHECK(std::find(sqlite["capabilities"].begin(), sqlite["capabilities"].end(), "atomic-batch") !=
          sqlite["capabilities"].end());
    CHECK(json["refused"].empty());
}

// [posix]: the fixture set differs on Windows (no undefined_symbol: a DLL cannot be linked with one).
TEST_CASE("broken plugins are refused with a reason naming the file; the good ones still load", "[posix]") {
    Cli tote;
    auto r = tote({"--plugin-dir", TOTE_TEST_FIXTURE_DIR, "plugins", "--json"});
    REQUIRE(r.exit_code == 0);
    auto json = nlohmann::json::parse(r.out);
    std::map<std::string, std::string> refused;
    for (const auto& item : json["refused"])
        refused[std::filesystem::path(item["path"].get<std::string>()).filename().string()] = item["reason"];
    const std::map<std::string, std::string> expected = {
        {"not_a_library.so", "cannot load: "},
        {"no_entry.so", "no entry symbol 'tote_plugin_entry'"},
        {"null_entry.so", "entry point returned NULL"},
        {"wrong_abi.so", "plugin built for tote ABI 2.0, this host speaks ABI 1.1"},
        {"too_small.so", "descriptor too small: struct_size 24 bytes"},
        {"garbage_size.so", "implausible descriptor size 4294967280 bytes"},
        {"missing_function.so", "declares TOTE_CAP_APPEND but append is NULL"},
        {"undefined_symbol.so", "undefined symbol"},
        {"bad_scheme.so", "bad URL scheme"},
        {"small_extension.so", "get_extension(\"tote.read_range/1\") gives a table of 8 bytes, smaller than"},
        {"extension_without_capability.so", "offers \"tote.append/1\" but does not declare TOTE_CAP_APPEND"},
    };
    for (const auto& [file, reason] : expected) {
        INFO(file);
        REQUIRE(refused.count(file) == 1);
        CHECK(refused[file].find(reason) != std::string::npos);
    }
    CHECK(refused.size() == expected.size());
    // A second plugin serving "cmem" is not refused: it is shadowed by the first in the search order, and says so.
    REQUIRE(json["shadowed"].size() == 1);
    CHECK(json["shadowed"][0]["scheme"] == "cmem");
    CHECK(std::filesystem::path(json["shadowed"][0]["ignored"].get<std::string>()).filename() == "tote-dup-scheme.so");
    CHECK(std::filesystem::path(json["shadowed"][0]["used"].get<std::string>()).filename() == "tote-cmem.so");
    std::vector<std::string> names;
    for (const auto& p : json["plugins"]) names.push_back(p["name"]);
    CHECK(names.front() == "cmem");  // the fixture directory is searched first
    CHECK(std::find(names.begin(), names.end(), "json") != names.end());
    CHECK(std::find(names.begin(), names.end(), "sqlite") != names.end());

    auto text = tote({"--plugin-dir", TOTE_TEST_FIXTURE_DIR, "plugins"});
    CHECK(text.out.find("refused " TOTE_TEST_FIXTURE_DIR "/wrong_abi.so: ABI mismatch") != std::string::npos);
    // The loaded C plugin works through the CLI.
    CHECK(tote({"--plugin-dir", TOTE_TEST_FIXTURE_DIR, "put", "cmem://x", "k"}, "v").exit_code == 0);
}

// [posix]: ':'-separated TOTE_PLUGIN_PATH; Windows' ';' is in windows.cli.
TEST_CASE("TOTE_PLUGIN_PATH and config plugin_dirs add plugin directories", "[posix]") {
    Cli tote;
    tote.env["TOTE_PLUGIN_PATH"] = std::string("/nonexistent:") + TOTE_TEST_CMEM_DIR;
    auto json = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    CHECK(json["plugins"][0]["name"] == "cmem");
    tote.env.erase("TOTE_PLUGIN_PATH");
    tote::test::write_file(tote.home() + "/c.toml", std::string("[host]\nplugin_dirs = [\"") + TOTE_TEST_CMEM_DIR + "\"]\n");
    auto from_config = nlohmann::json::parse(tote({"--config", tote.home() + "/c.toml", "plugins", "--json"}).out);
    CHECK(from_config["plugins"][0]["name"] == "cmem");
}

// [posix]: an XDG directory.
TEST_CASE("the per-user directory ~/.local/lib/tote/plugins is searched with no config, after the configured ones", "[posix]") {
    Cli tote;
    const std::string user = tote.home() + "/.local/lib/tote/plugins";
    auto before = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    REQUIRE(before["plugin_directories"].size() >= 2);
    CHECK(before["plugin_directories"][0]["path"] == user);
    CHECK(before["plugin_directories"][0]["source"] == "per-user");
    CHECK(before["plugin_directories"][0]["exists"] == false);
    CHECK(before["plugin_directories"].back()["source"] == "built-in");

    std::filesystem::create_directories(user);
    for (std::string d = user; d != tote.home(); d = std::filesystem::path(d).parent_path().string())
        ::chmod(d.c_str(), 0755);
    std::filesystem::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", user + "/tote-cmem.so");
    ::chmod((user + "/tote-cmem.so").c_str(), 0755);
    auto found = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    REQUIRE(found["plugins"].size() >= 1);
    CHECK(found["plugins"][0]["name"] == "cmem");
    CHECK(found["plugins"][0]["path"] == user + "/tote-cmem.so");
    CHECK(found["plugin_directories"][0]["exists"] == true);
    CHECK(tote({"put", "cmem://x", "k"}, "v").exit_code == 0);

    // The text output lists every directory searched, in order, with why it is searched.
    std::filesystem::create_directories(tote.home() + "/mine");
    ::chmod((tote.home() + "/mine").c_str(), 0755);
    auto text = tote({"--plugin-dir", tote.home() + "/mine", "plugins"});
    INFO(text.out);
    const auto listed = text.out.find("plugin directories, in search order:\n  " + tote.home() + "/mine ");
    REQUIRE(listed != std::string::npos);
    const auto per_user = text.out.find(user + "  per-user\n", listed);
    CHECK(per_user != std::string::npos);
    CHECK(text.out.find("--plugin-dir", listed) < per_user);
    CHECK(text.out.find("built-in", per_user) != std::string::npos);

    // The same safety rules: a per-user directory others can write is refused, with its path.
    ::chmod(user.c_str(), 0777);
    auto unsafe = nlohmann::json::parse(tote({"plugins", "--json"}).out);
    REQUIRE(unsafe["refused"].size() == 1);
    CHECK(unsafe["refused"][0]["path"] == user);
}

TEST_CASE("the global options may also follow the command") {
    Cli tote;
    auto before = nlohmann::json::parse(tote({"--plugin-dir", TOTE_TEST_CMEM_DIR, "plugins", "--json"}).out);
    auto after = nlohmann::json::parse(tote({"plugins", "--json", "--plugin-dir", TOTE_TEST_CMEM_DIR}).out);
    CHECK(after["plugins"][0]["name"] == "cmem");
    CHECK(after == before);
    CHECK(tote({"put", "cmem://x", "k", "--plugin-dir", TOTE_TEST_CMEM_DIR}, "v").exit_code == 0);
    CHECK(tote({"plugin", "check", "cmem", "--plugin-dir", TOTE_TEST_CMEM_DIR, "--timeout", "30"}).exit_code == 0);
    tote::test::write_file(tote.home() + "/c.toml", "[stores.mine]\nurl = \"json://s\"\n");
    CHECK(tote({"put", "mine", "k", "--config", tote.home() + "/c.toml"}, "v").exit_code == 0);
    CHECK(tote({"ls", "mine", "--plugin-dir", TOTE_TEST_CMEM_DIR, "--config", tote.home() + "/c.toml"}).out == "k\n");
    CHECK(tote({"ls", "mine", "--no-such-option"}).exit_code == 2);
}

// [posix]: file modes; Windows: windows.permissions (security descriptors).
TEST_CASE("a plugin file or directory others can write is refused unless the config allows it", "[posix]") {
    Cli tote;
    const std::string dir = tote.home() + "/unsafe";
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0755);
    std::filesystem::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", dir + "/tote-cmem.so");
    ::chmod((dir + "/tote-cmem.so").c_str(), 0757);
    auto r = nlohmann::json::parse(tote({"--plugin-dir", dir, "plugins", "--json"}).out);
    REQUIRE(r["refused"].size() == 1);
    CHECK(r["refused"][0]["reason"].get<std::string>().find("world-writable") != std::string::npos);
    ::chmod((dir + "/tote-cmem.so").c_str(), 0775);
    r = nlohmann::json::parse(tote({"--plugin-dir", dir, "plugins", "--json"}).out);
    CHECK(r["refused"][0]["reason"].get<std::string>().find("group-writable") != std::string::npos);
    ::chmod((dir + "/tote-cmem.so").c_str(), 0755);
    ::chmod(dir.c_str(), 0777);
    r = nlohmann::json::parse(tote({"--plugin-dir", dir, "plugins", "--json"}).out);
    CHECK(r["refused"][0]["path"] == dir);
    tote::test::write_file(tote.home() + "/allow.toml", "[host]\nallow_unsafe_plugins = true\n");
    auto allowed = tote({"--config", tote.home() + "/allow.toml", "--plugin-dir", dir, "plugins", "--json"});
    r = nlohmann::json::parse(allowed.out);
    CHECK(r["refused"].empty());
    CHECK(r["plugins"][0]["name"] == "cmem");
    CHECK(r["warnings"].size() == 1);
    CHECK(allowed.err.find("tote: warning: " + dir + " is world-writable") == 0);  // every command says so
}

// [posix]: symbolic links and file modes.
TEST_CASE("a symlinked plugin is judged by its target and the directory holding it", "[posix]") {
    Cli tote;
    const std::string dir = tote.home() + "/plugins", open_dir = tote.home() + "/open";
    std::filesystem::create_directories(dir);
    std::filesystem::create_directories(open_dir);
    ::chmod(dir.c_str(), 0755);
    ::chmod(open_dir.c_str(), 0777);
    std::filesystem::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", open_dir + "/tote-cmem.so");
    ::chmod((open_dir + "/tote-cmem.so").c_str(), 0755);
    std::filesystem::create_symlink(open_dir + "/tote-cmem.so", dir + "/cmem-link.so");
    auto r = nlohmann::json::parse(tote({"--plugin-dir", dir, "plugins", "--json"}).out);
    REQUIRE(r["refused"].size() == 1);
    CHECK(r["refused"][0]["reason"].get<std::string>().find("links to " + open_dir + "/tote-cmem.so in a directory that is world-writable") != std::string::npos);
    ::chmod(open_dir.c_str(), 0755);
    r = nlohmann::json::parse(tote({"--plugin-dir", dir, "plugins", "--json"}).out);
    CHECK(r["refused"].empty());
    CHECK(r["plugins"][0]["name"] == "cmem");
}
