// SPDX-License-Identifier: Apache-2.0
// json_windows_test.cpp — what the json store does on Windows that POSIX never asks of it (built and run only by
// the Windows build, under Wine in CI): keys Windows reserves stored under their mapped names and read back; names
// that differ only in case refused rather than merged; a file another program holds open without
// FILE_SHARE_DELETE makes a replace fail with busy and keeps the old value, while a reader that closes the file
// soon only delays a writer; temporary files of dead writers reclaimed by name (plugins/json/temp_names_windows.cpp, compiled in).
#include "../../plugins/json/temp_names.hpp"

#include <portable.hpp>

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <windows.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

tote::Host sealed_host() {
    tote::HostOptions options;
    options.use_environment = false;
    options.builtin_plugins = false;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    return tote::Host(options);
}

tote::OpenOptions created() {
    tote::OpenOptions options;
    options.create = true;
    return options;
}

tote::ListOptions recursive() {
    tote::ListOptions options;
    options.recursive = true;
    return options;
}

struct Store {
    fs::path dir = tote::test::make_temp_dir("tote-json-windows-");
    tote::Host host = sealed_host();
    tote::Store store = host.open("json://" + dir.string(), created());
    ~Store() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    // The names in a directory of the store, as Windows shows them.
    std::set<std::string> names(const fs::path& sub = {}) const {
        std::set<std::string> out;
        for (const auto& entry : fs::directory_iterator(dir / sub)) {
            const std::string name = entry.path().filename().u8string();
            if (name.rfind(".tote", 0) != 0) out.insert(name);
        }
        return out;
    }
};

tote::Status status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const tote::Error& e) {
        return e.status();
    }
    FAIL("no error");
    return tote::Status::ok;
}

}  // namespace

TEST_CASE("json on Windows: keys Windows reserves are stored, listed and read back", "[json_windows]") {
    Store s;
    const std::vector<std::string> keys = {"CON", "aux.json", "notes.", "trailing ", "a:b", "q?*", "100%",
                                           "nul/com1.txt", "evals/gsm8k.json"};
    for (const auto& key : keys) s.store.write(key, "value of " + key);
    for (const auto& key : keys) CHECK(s.store.read(key) == "value of " + key);
    CHECK(s.names() == std::set<std::string>{"%43ON", "%61ux.json", "notes%2E", "trailing%20", "a%3Ab",
                                              "q%3F%2A", "100%25", "%6Eul", "evals"});
    CHECK(s.names("%6Eul") == std::set<std::string>{"%63om1.txt"});
    std::vector<std::string> listed;
    for (const auto& entry : s.store.list("", recursive())) listed.push_back(entry.key);
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    CHECK(listed == sorted);
    // A file made by hand under a name that is no key's encoding is not listed.
    std::ofstream(s.dir / "stray%") << "x";
    CHECK(s.store.list("").size() == 9);  // the 7 top-level keys, and the prefixes evals/ and nul/
}

TEST_CASE("json on Windows: names that differ only in case are one file, so the second is refused", "[json_windows]") {
    Store s;
    s.store.write("Evals/Run.json", "1");
    CHECK(status_of([&] { s.store.write("Evals/run.json", "2"); }) == tote::Status::conflict);
    CHECK(status_of([&] { s.store.write("evals/Run.json", "2"); }) == tote::Status::conflict);
    CHECK(status_of([&] { s.store.read("evals/run.json"); }) == tote::Status::not_found);
    CHECK_FALSE(s.store.try_read("Evals/RUN.json"));
    CHECK(s.store.read("Evals/Run.json") == "1");
    CHECK(s.store.list("evals/").empty());
    // What counts is the file name: CON and con are stored as %43ON and %63on, two names; Con (%43on) is not.
    s.store.write("CON", "upper");
    s.store.write("con", "lower");
    CHECK(s.store.read("CON") == "upper");
    CHECK(s.store.read("con") == "lower");
    try {
        s.store.write("Con", "x");
        FAIL("no conflict");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::conflict);
        CHECK_THAT(e.what(), Catch::Contains("'CON'"));  // the key the user knows, not only its file name
    }
}

TEST_CASE("json on Windows: a file held open without FILE_SHARE_DELETE cannot be replaced, and nothing is lost",
          "[json_windows]") {
    Store s;
    s.store.write("held.json", "old");
    {
        const std::wstring path = (s.dir / "held.json").wstring();
        HANDLE other = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, nullptr);
        REQUIRE(other != INVALID_HANDLE_VALUE);
        CHECK(status_of([&] { s.store.write("held.json", "new"); }) == tote::Status::busy);
        CHECK(status_of([&] { s.store.remove("held.json"); }) == tote::Status::busy);
        ::CloseHandle(other);
    }
    CHECK(s.store.read("held.json") == "old");
    CHECK(fs::is_empty(s.dir / ".tote-tmp"));  // the refused write left no temporary file
    s.store.write("held.json", "new");
    CHECK(s.store.read("held.json") == "new");
}

TEST_CASE("json on Windows: a writer waits for a reader that holds the file open, then replaces it", "[json_windows]") {
    // Windows cannot replace a file that is open, even when its reader shares delete access as tote's readers do
    // (Windows 10's POSIX-semantics rename can, and the store tries it: Wine 8 refuses it). A reader holds the
    // file only while it reads, so the writer retries for about a second.
    Store s;
    s.store.write("read.json", "old");
    const std::wstring path = (s.dir / "read.json").wstring();
    HANDLE reader = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                  nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    REQUIRE(reader != INVALID_HANDLE_VALUE);
    std::thread closer([reader] {
        ::Sleep(100);
        ::CloseHandle(reader);
    });
    s.store.write("read.json", "new");
    closer.join();
    CHECK(s.store.read("read.json") == "new");
}

TEST_CASE("json on Windows: temporary files name their writer by pid and creation time", "[json_windows]") {
    using tote::json_plugin::writer_of;
    using tote::json_plugin::Writer;
    const std::string mine = tote::json_plugin::new_temp_name();
    CHECK(writer_of(mine) == Writer::alive);
    // The same pid with another creation time is a process that is gone (the pid was reused).
    const std::string pid = mine.substr(1, mine.find('-') - 1);
    CHECK(writer_of("w" + pid + "-12345-0123456789abcdef") == Writer::dead);
    CHECK(writer_of("not-a-temp-name") == Writer::unknown);

    Store s;
    s.store.write("k", "v");
    const fs::path leftover = s.dir / ".tote-tmp" / ("w" + pid + "-12345-0123456789abcdef");
    std::ofstream(leftover) << "a crashed write";
    tote::Store reopened = s.host.open("json://" + s.dir.string());
    CHECK_FALSE(fs::exists(leftover));  // a writable open removes a dead writer's file
}
