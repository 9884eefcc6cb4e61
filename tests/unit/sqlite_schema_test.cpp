// SPDX-License-Identifier: Apache-2.0
// sqlite_schema_test.cpp — the sqlite plugin reads stores that tote 0.1 wrote (schema version 1, no expires_ns
// column): read-only through a TEMP view, and a writable open upgrades them to version 2 in place, keeping every
// key, value and version. The old store is made here with the SQLite C API, exactly as 0.1 laid it out.
#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    INFO(sql << ": " << (error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
}

int64_t user_version(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const int64_t version = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return version;
}

tote::Host sealed_host() {
    tote::HostOptions options;
    options.use_environment = false;
    options.builtin_plugins = false;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    return tote::Host(options);
}

}  // namespace

TEST_CASE("a schema version 1 store (tote 0.1) is read, then upgraded by a writable open") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tote-v1-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "old.db").string();
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec(db, "CREATE TABLE tote_kv(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value BLOB NOT NULL, "
                 "version INTEGER NOT NULL, mtime_ns INTEGER NOT NULL)");
        exec(db, "PRAGMA application_id = 1953461349");  // "tote"
        exec(db, "PRAGMA user_version = 1");
        exec(db, "INSERT INTO tote_kv(key, value, version, mtime_ns) VALUES ('evals/a.json', x'7b7d', 42, 7), "
                 "('evals/b.json', x'5b5d', 43, 8)");
        sqlite3_close(db);
    }
    const tote::Host host = sealed_host();
    tote::OpenOptions read_only;
    read_only.read_only = true;
    {
        tote::Store old = host.open("sqlite://" + path, read_only);
        tote::Stat st;
        CHECK(old.read("evals/a.json", &st) == "{}");
        CHECK(st.version == 42);
        CHECK(st.expires_ns == 0);
        CHECK(old.read_range("evals/b.json", 1, 5) == "]");
        CHECK(old.list("evals").size() == 2);
    }
    CHECK(user_version(path) == 1);  // a read-only open changes nothing
    {
        tote::Store upgraded = host.open("sqlite://" + path);
        CHECK(upgraded.stat("evals/a.json")->version == 42);
        tote::WriteOptions expiring;
        expiring.expires_ns = 1;  // long past
        upgraded.write("evals/c.json", "gone", expiring);
        CHECK(!upgraded.exists("evals/c.json"));
        CHECK(upgraded.list("evals").size() == 2);
    }
    CHECK(user_version(path) == 2);
    std::filesystem::remove_all(dir);
}
