// SPDX-License-Identifier: Apache-2.0
// redis_cp_test.cpp — the tote CLI moving a real amount of data through the Redis plugin: `tote cp` of 100,000 keys
// from a json:// store into a Redis store, and from there into a sqlite:// store; every key arrives, and a sample
// of values is identical in all three.
#include "redis_server.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using tote::test::open_redis;
using tote::test::RedisServer;

namespace {

constexpr int kKeys = 100000;

std::string key_of(int i) { return "runs/" + std::to_string(i % 100) + "/r" + std::to_string(100000 + i) + ".json"; }
std::string value_of(int i) {
    std::string value = "{\"i\": " + std::to_string(i) + ", \"bytes\": \"";
    value += std::string(1, static_cast<char>(' ' + i % 90));
    value += "\"}\n";
    if (i % 1000 == 0) value += std::string("\0\xFF\x01", 3);  // a few binary values
    return value;
}

// Runs the CLI in a sealed environment: its own HOME and XDG directories, so no real config or store is touched.
tote::test::RunResult tote_cli(const tote::test::TempDir& home, const std::vector<std::string>& args) {
    tote::test::RunOptions options;
    options.env = {{"HOME", home.path()},
                   {"XDG_CONFIG_HOME", home / ".config"},
                   {"XDG_DATA_HOME", home / ".local/share"},
                   {"LC_ALL", "C"}};
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"})
        if (const char* value = std::getenv(name)) options.env[name] = value;
    options.cwd = home.path();
    std::vector<std::string> argv = {TOTE_CLI_PATH, "--config", home / "tote.toml"};
    argv.insert(argv.end(), args.begin(), args.end());
    return tote::test::run(argv, options);
}

}  // namespace

TEST_CASE("tote cp moves 100,000 keys json -> redis -> sqlite, every key and value intact") {
    RedisServer server;
    tote::test::TempDir home;
    // The json store is a directory of files, one per key: made directly, which is much faster than through tote.
    const std::string src = home / "src";
    for (int d = 0; d < 100; ++d) std::filesystem::create_directories(src + "/runs/" + std::to_string(d));
    for (int i = 0; i < kKeys; ++i) {
        std::ofstream(src + "/" + key_of(i), std::ios::binary) << value_of(i);
    }
    // The redis store is named in the config, which gives it its prefix.
    tote::test::write_file(home / "tote.toml",
                           "[stores.mid]\nurl = \"" + server.url() + "\"\noptions = { prefix = \"cp-test\" }\n");

    tote::test::RunResult in = tote_cli(home, {"cp", "json://" + src, "mid"});
    INFO(in.err);
    REQUIRE(in.exit_code == 0);
    CHECK(in.err.find("copied 100000 keys") != std::string::npos);
    tote::test::RunResult out = tote_cli(home, {"cp", "mid", "sqlite://" + (home / "dst.db")});
    INFO(out.err);
    REQUIRE(out.exit_code == 0);
    CHECK(out.err.find("copied 100000 keys") != std::string::npos);

    tote::OpenOptions read_only;
    read_only.read_only = true;
    tote::Store json = tote::test::sealed_host().open("json://" + src, read_only);
    tote::Store redis = open_redis(server.url(), {{"prefix", "cp-test"}}, false, true);
    tote::Store sqlite = tote::test::sealed_host().open("sqlite://" + (home / "dst.db"), read_only);
    const std::vector<tote::Entry> keys = json.list("", {true, ""});
    REQUIRE(keys.size() == size_t{kKeys});
    CHECK(redis.list("", {true, ""}).size() == size_t{kKeys});
    size_t i = 0;
    bool same = true;
    redis.list("", {true, ""}, [&](const tote::Entry& e) {
        same = same && i < keys.size() && e.key == keys[i].key;
        ++i;
        return true;
    });
    CHECK(same);
    i = 0;
    sqlite.list("", {true, ""}, [&](const tote::Entry& e) {
        same = same && i < keys.size() && e.key == keys[i].key;
        ++i;
        return true;
    });
    CHECK(same);
    CHECK(i == size_t{kKeys});
    for (int k = 0; k < kKeys; k += 97) {
        const std::string expected = value_of(k);
        CHECK(json.read(key_of(k)) == expected);
        CHECK(redis.read(key_of(k)) == expected);
        CHECK(sqlite.read(key_of(k)) == expected);
    }
    CHECK(server.cli({"ZCARD", "cp-test:index"}) == std::to_string(kKeys));
}
