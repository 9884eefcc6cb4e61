// SPDX-License-Identifier: Apache-2.0
// cli_hostile_test.cpp — no plugin file, however broken, can crash or hang a command that does not use it: plugin
// files are described by a helper process (tote-plugin-probe) and remembered in the registry cache; only the
// plugins of the stores a command opens are loaded into it. Also: the cache is only a cache, and a plugin that
// shadows another is never used without a warning.
#include "cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

using tote::test::Cli;
namespace fs = std::filesystem;

namespace {

double seconds_of(const std::function<void()>& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kHostile = TOTE_TEST_HOSTILE_DIR;

}  // namespace

// [posix]: POSIX signals in the verdicts; Windows: windows.hostile.
TEST_CASE("plugins that crash, abort, exit or hang when loaded break no command, and each is reported", "[posix]") {
    Cli tote;
    tote.env["TOTE_PROBE_TIMEOUT_MS"] = "1000";
    // Under AddressSanitizer a segfault is caught and reported, symbolized, before the abort; on a loaded machine that
    // outlasts the 1 s deadline and the crash reads as a hang. Let the signal end the helper as it does unsanitized.
    if (tote.env.count("ASAN_OPTIONS")) tote.env["ASAN_OPTIONS"] += ":handle_segv=0:symbolize=0";
    const std::string url = "json://" + tote.path("healthy");
    // The first command meets every file for the first time: the hanging one costs the probe deadline, no more.
    tote::test::RunResult put;
    const double first = seconds_of([&] { put = tote({"--plugin-dir", kHostile, "put", url, "k"}, "value"); });
    INFO(put.err);
    CHECK(put.exit_code == 0);
    CHECK(first < 4.0);
    // Later commands find the files in the registry cache and run none of their code.
    tote::test::RunResult get;
    const double later = seconds_of([&] { get = tote({"--plugin-dir", kHostile, "get", url, "k"}); });
    CHECK(get.exit_code == 0);
    CHECK(get.out == "value");  // what the plugins print while loaded never reaches a command's output
    CHECK(later < 1.0);
    CHECK(tote({"--plugin-dir", kHostile, "ls", "-r", url}).out == "k\n");
    CHECK(tote({"--plugin-dir", kHostile, "rm", url, "k"}).exit_code == 0);
    // A store of the good plugin in the same directory still opens.
    CHECK(tote({"--plugin-dir", kHostile, "ls", "cmem://x"}).exit_code == 3);  // (a new process: no such store)

    auto plugins = tote({"--plugin-dir", kHostile, "plugins", "--json"});
    REQUIRE(plugins.exit_code == 0);
    const nlohmann::json listed = nlohmann::json::parse(plugins.out);
    std::map<std::string, std::string> refused;
    for (const auto& r : listed["refused"])
        refused[fs::path(r["path"].get<std::string>()).filename().string()] = r["reason"].get<std::string>();
    INFO(plugins.out);
    CHECK(has(refused["crash-on-entry.so"], "crashed when loaded: killed by signal"));
    CHECK(has(refused["abort-on-entry.so"], "crashed when loaded: killed by signal"));
    CHECK(has(refused["exit-on-entry.so"], "exited when loaded: exited with status 7"));
    CHECK(has(refused["hang-on-entry.so"], "hung when loaded: still running after 1 s"));
    CHECK(refused.size() == 4);

    // --rescan probes every file again (the hanging one costs its deadline again).
    tote::test::RunResult rescan;
    const double rescanned = seconds_of([&] { rescan = tote({"--plugin-dir", kHostile, "plugins", "--rescan"}); });
    CHECK(rescan.exit_code == 0);
    CHECK(rescanned >= 1.0);
    CHECK(has(rescan.out, "hang-on-entry.so: hung when loaded"));
}

// [posix]: the XDG cache directory and file modes.
TEST_CASE("the registry cache is only a cache: missing, corrupt, unwritable or shared, nothing breaks", "[posix]") {
    Cli tote;
    const std::string url = "sqlite://" + tote.path("s.db");
    REQUIRE(tote({"put", url, "k"}, "v").exit_code == 0);
    const std::string cache = tote.path(".cache/tote/registry.json");
    REQUIRE(fs::exists(cache));
    // One entry per built-in plugin file (backends and layers).
    size_t builtin = 0;
    for (const auto& f : fs::directory_iterator(fs::path(TOTE_CLI_PATH).parent_path().parent_path() / "lib/tote/plugins"))
        builtin += f.path().extension() == ".so";

    fs::remove(cache);  // deleted
    CHECK(tote({"get", url, "k"}).out == "v");
    CHECK(fs::exists(cache));

    tote::test::write_file(cache, "{\"format\": 1, \"entries\": [{\"path\": 42}]} and then garbage");  // corrupt
    CHECK(tote({"get", url, "k"}).out == "v");
    CHECK(nlohmann::json::parse(tote::test::read_file(cache))["entries"].size() == builtin);  // rewritten whole

    // Unwritable: the cache directory cannot even be made (a file stands where it would be).
    tote::test::write_file(tote.path("not-a-dir"), "x");
    tote.env["XDG_CACHE_HOME"] = tote.path("not-a-dir");
    auto r = tote({"get", url, "k"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "v");
    tote.env.erase("XDG_CACHE_HOME");

    // Two processes scanning at once, with no cache.
    fs::remove(cache);
    const std::vector<std::string> env = {"/usr/bin/env", "HOME=" + tote.home(), "XDG_CONFIG_HOME=" + tote.home() + "/c",
                                          TOTE_CLI_PATH, "plugins", "--json"};
    tote::test::Background a(env), b(env);
    CHECK(a.wait() == 0);
    CHECK(b.wait() == 0);
    CHECK(nlohmann::json::parse(a.output())["plugins"].size() == nlohmann::json::parse(b.output())["plugins"].size());
    CHECK(nlohmann::json::parse(tote::test::read_file(cache))["entries"].size() == builtin);
}

// [posix]: file modes (chmod) on the plugin directory.
TEST_CASE("a plugin file that changes is probed again", "[posix]") {
    Cli tote;
    fs::create_directories(tote.path("mine"));
    ::chmod(tote.path("mine").c_str(), 0755);
    fs::copy_file(std::string(TOTE_TEST_CMEM_DIR) + "/tote-cmem.so", tote.path("mine/p.so"));
    CHECK(has(tote({"--plugin-dir", tote.path("mine"), "plugins"}).out, "cmem 1.0.0"));
    // The same name, other content: its identity (inode, size, time) changed, so the cached description is not used.
    fs::remove(tote.path("mine/p.so"));
    fs::copy_file(kHostile + "/crash-on-entry.so", tote.path("mine/p.so"));
    if (tote.env.count("ASAN_OPTIONS")) tote.env["ASAN_OPTIONS"] += ":handle_segv=0:symbolize=0";  // as above
    auto r = tote({"--plugin-dir", tote.path("mine"), "plugins"});
    CHECK(has(r.out, "p.so: crashed when loaded"));
}

// [posix]: file modes (chmod) on the plugin directory.
TEST_CASE("a plugin that shadows another warns whoever uses its scheme, unless the config chose it", "[posix]") {
    Cli tote;
    fs::create_directories(tote.path("mine"));
    ::chmod(tote.path("mine").c_str(), 0755);
    const fs::path builtin = fs::path(TOTE_CLI_PATH).parent_path().parent_path() / "lib/tote/plugins/tote-json.so";
    fs::copy_file(builtin, tote.path("mine/my-json.so"));
    const std::string url = "json://" + tote.path("j");
    auto put = tote({"--plugin-dir", tote.path("mine"), "put", url, "k"}, "v");
    CHECK(put.exit_code == 0);
    CHECK(has(put.err, "tote: warning: scheme 'json' is served by " + tote.path("mine/my-json.so")));
    CHECK(has(put.err, "not by " + builtin.string()));
    CHECK(has(put.err, "host.schemes.json"));
    // Once per command, and only for the scheme that is shadowed.
    auto cp = tote({"--plugin-dir", tote.path("mine"), "cp", url, "sqlite://" + tote.path("c.db")});
    CHECK(cp.exit_code == 0);
    size_t warnings = 0;
    for (size_t at = cp.err.find("warning: scheme"); at != std::string::npos; at = cp.err.find("warning: scheme", at + 1))
        ++warnings;
    CHECK(warnings == 1);
    CHECK(!has(tote({"--plugin-dir", tote.path("mine"), "ls", "sqlite://" + tote.path("c.db")}).err, "warning"));

    // Chosen in the config: the built-in one serves json, and nobody is warned.
    tote::test::write_file(tote.path("tote.toml"), "[host]\nschemes = { json = \"" + builtin.string() + "\" }\n");
    auto chosen = tote({"--config", tote.path("tote.toml"), "--plugin-dir", tote.path("mine"), "get", url, "k"});
    CHECK(chosen.exit_code == 0);
    CHECK(chosen.err.empty());
    auto listed = nlohmann::json::parse(
        tote({"--config", tote.path("tote.toml"), "--plugin-dir", tote.path("mine"), "plugins", "--json"}).out);
    REQUIRE(listed["shadowed"].size() == 1);
    CHECK(listed["shadowed"][0]["used"] == builtin.string());
    CHECK(listed["shadowed"][0]["chosen_in_config"] == true);
    // A name that no plugin of that scheme has is a config error? No: the search order decides, as without it.
    tote::test::write_file(tote.path("bad.toml"), "[host]\nschemes = { json = 42 }\n");
    auto bad = tote({"--config", tote.path("bad.toml"), "plugins"});
    CHECK(bad.exit_code == 2);
    CHECK(has(bad.err, "bad.toml:2:"));
}
