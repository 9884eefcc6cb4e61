// SPDX-License-Identifier: Apache-2.0
// cp_test.cpp — the tote CLI moving a store of 100,000 keys through PostgreSQL: `tote cp` from a json:// store into
// a postgres store (a config store naming its table), then from there into a sqlite:// store; every key and a
// sample of values must arrive unchanged.
#include "pg_server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

using tote::test::PgServer;
using tote::test::RunOptions;
using tote::test::Session;
using tote::test::TempDir;

namespace {

constexpr int kKeys = 100000;

std::string key_of(int i) {
    char key[48];
    std::snprintf(key, sizeof key, "runs/r%03d/item-%06d.json", i % 100, i);
    return key;
}

// Mostly small JSON documents; every 1000th value holds arbitrary bytes, NUL included.
std::string value_of(int i) {
    if (i % 1000 == 7) {
        std::string bytes;
        for (int b = 0; b < 300; ++b) bytes += static_cast<char>((b * 7 + i) & 0xFF);
        return bytes;
    }
    return "{\"item\":" + std::to_string(i) + ",\"score\":0." + std::to_string(i % 97) + "}\n";
}

}  // namespace

TEST_CASE("tote cp moves 100,000 keys from json into postgres and from there into sqlite, unchanged") {
    PgServer server;
    TempDir dir;
    // The json store is a directory holding one file per key, each file the value's bytes: written directly, it
    // takes a moment instead of 100,000 calls.
    const std::string src_dir = dir / "src";
    std::vector<std::string> keys;
    keys.reserve(kKeys);
    for (int i = 0; i < kKeys; ++i) {
        keys.push_back(key_of(i));
        const std::filesystem::path file = src_dir + "/" + keys.back();
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << value_of(i);
    }
    std::sort(keys.begin(), keys.end());

    // A config store gives the postgres store its table.
    const std::string config = dir / "tote.toml";
    tote::test::write_file(config, "[stores.pg]\nurl = \"" + server.url() + "\"\noptions = { table = \"copied\" }\n");
    RunOptions options;
    options.env = {{"HOME", dir.path()}};
    options.cwd = dir.path();
    const std::string src = "json://" + src_dir;
    const std::string dst = "sqlite://" + (dir / "dst.db");

    auto into_pg = tote::test::run({TOTE_CLI_PATH, "--config", config, "cp", src, "pg"}, options);
    INFO(into_pg.err);
    REQUIRE(into_pg.exit_code == 0);
    CHECK(into_pg.err.find("copied 100000 keys") != std::string::npos);
    Session admin(server);
    CHECK(admin.exec("SELECT count(*) FROM public.copied") == std::to_string(kKeys));

    auto out_of_pg = tote::test::run({TOTE_CLI_PATH, "--config", config, "cp", "pg", dst}, options);
    INFO(out_of_pg.err);
    REQUIRE(out_of_pg.exit_code == 0);
    CHECK(out_of_pg.err.find("copied 100000 keys") != std::string::npos);

    std::unique_ptr<tote::Host> host = tote::test::sealed_host();
    tote::Store sqlite = host->open(dst);
    std::vector<std::string> arrived;
    arrived.reserve(kKeys);
    sqlite.list("", tote::ListOptions{true, ""}, [&](const tote::Entry& e) {
        arrived.push_back(e.key);
        return true;
    });
    CHECK(arrived.size() == keys.size());
    CHECK(arrived == keys);
    tote::Store pg = tote::test::open_pg(server.url(), {{"table", "copied"}}, false, true);
    for (int i = 0; i < kKeys; i += 997) {
        INFO(key_of(i));
        CHECK(sqlite.read(key_of(i)) == value_of(i));
        CHECK(pg.read(key_of(i)) == value_of(i));
    }
    for (int i : {7, 1007, 99007, kKeys - 1}) CHECK(sqlite.read(key_of(i)) == value_of(i));
}
