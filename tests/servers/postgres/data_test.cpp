// SPDX-License-Identifier: Apache-2.0
// data_test.cpp — the postgres plugin with real data on a private server: values of any bytes (NUL included),
// 10 MiB values, listings that span many pages, batches that fail part-way, and many threads sharing one store
// through its connection pool.
#include "pg_server.hpp"
#include "test_values.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

using tote::Status;
using tote::Store;
using tote::WriteOptions;
using tote::test::error_of;
using tote::test::open_pg;
using tote::test::PgServer;
using tote::test::keys_of;
using tote::test::random_bytes;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One shared server for the tests of this file: none of them disturbs it. Stopped at exit.
PgServer& shared_server() {
    static PgServer server;
    return server;
}

template <class Fn> void on_threads(int n, Fn fn) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t)
        threads.emplace_back([&, t] {
            try {
                fn(t);
            } catch (const std::exception& e) {
                errors[static_cast<size_t>(t)] = e.what();
            }
        });
    for (auto& th : threads) th.join();
    for (const auto& e : errors) CHECK(e.empty());
}

}  // namespace

TEST_CASE("values of any bytes, NUL included, empty, and 10 MiB, go in and come out exactly") {
    Store s = open_pg(shared_server().url(), {{"table", "values"}});
    std::string every_byte;
    for (int round = 0; round < 4; ++round)
        for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
    s.write("bytes", every_byte);
    CHECK(s.read("bytes") == every_byte);
    s.write("nul", std::string("\0\0\0", 3));
    CHECK(s.read("nul") == std::string("\0\0\0", 3));
    CHECK(s.stat("nul")->size == 3);
    s.write("empty", "");
    CHECK(s.read("empty").empty());
    CHECK(s.stat("empty")->size == 0);
    CHECK(s.exists("empty"));

    const std::string big = random_bytes(10u << 20, 1);
    tote::Stat stat;
    const uint64_t version = s.write("big", big);
    CHECK(s.read("big", &stat) == big);
    CHECK(stat.size == big.size());
    CHECK(stat.version == version);
    CHECK(s.stat("big")->size == big.size());
    CHECK(s.stat("big")->mtime_ns > 0);
    // Streamed reads may stop early.
    size_t seen = 0;
    s.read_to("big", [&](std::string_view piece) {
        seen += piece.size();
        return false;
    });
    CHECK(seen > 0);

    const std::string more = random_bytes(10u << 20, 2);
    s.append("big", more);
    CHECK(s.read("big") == big + more);
    CHECK(s.stat("big")->version != version);
    s.append("fresh", std::string("\0x", 2));
    CHECK(s.read("fresh") == std::string("\0x", 2));

    s.write_batch({{"batch/1", big, {}}, {"batch/2", more, {}}, {"batch/3", std::string(1, '\0'), {}}});
    CHECK(s.read("batch/1") == big);
    CHECK(s.read("batch/2") == more);
    CHECK(s.read("batch/3") == std::string(1, '\0'));
    s.rename("batch/1", "moved");
    CHECK(s.read("moved") == big);

    // Keys of every script, as UTF-8, round-trip and list in byte order.
    const std::vector<std::string> keys = {"Z", "a b", "é", "日本/語", "😀", "a-b", "a.b", "a0"};
    for (const auto& k : keys) s.write("u/" + k, k);
    std::vector<std::string> expected;
    for (const auto& k : keys) expected.push_back("u/" + k);
    std::sort(expected.begin(), expected.end());
    CHECK(keys_of(s.list("u", tote::ListOptions{true, ""})) == expected);
    CHECK(s.read("u/日本/語") == "日本/語");
}

TEST_CASE("listings over many pages: complete, in byte order, resumable, and one level skips whole subtrees") {
    Store s = open_pg(shared_server().url(), {{"table", "listing"}});
    std::vector<tote::BatchWrite> batch;
    std::vector<std::string> all;
    for (int i = 0; i < 2500; ++i) {
        char key[32];
        std::snprintf(key, sizeof key, "flat/%05d", i);
        all.push_back(key);
        batch.push_back({key, "v", {}});
    }
    // 300 sub-prefixes of 7 keys each, between direct keys: a one-level listing must show each once.
    std::vector<std::string> level;
    for (int d = 0; d < 300; ++d) {
        char dir[32], direct[32];
        std::snprintf(dir, sizeof dir, "tree/d%03d", d);
        std::snprintf(direct, sizeof direct, "tree/d%03d.txt", d);
        level.push_back(direct);
        level.push_back(std::string(dir) + "/");
        batch.push_back({direct, "v", {}});
        all.push_back(direct);
        for (int k = 0; k < 7; ++k) {
            const std::string key = std::string(dir) + "/" + std::to_string(k) + "/leaf";
            batch.push_back({key, "v", {}});
            all.push_back(key);
        }
    }
    s.write_batch(batch);
    std::sort(all.begin(), all.end());
    std::sort(level.begin(), level.end());

    CHECK(keys_of(s.list("", tote::ListOptions{true, ""})) == all);
    CHECK(keys_of(s.list("tree", {})) == level);
    CHECK(keys_of(s.list("", {})) == (std::vector<std::string>{"flat/", "tree/"}));
    CHECK(s.list("flat", {}).size() == 2500);

    // Resumed in pages of 333 through start_after, a recursive listing gives every key once.
    std::vector<std::string> paged;
    std::string after;
    for (;;) {
        std::vector<std::string> page;
        s.list("", tote::ListOptions{true, after}, [&](const tote::Entry& e) {
            page.push_back(e.key);
            return page.size() < 333;
        });
        if (page.empty()) break;
        paged.insert(paged.end(), page.begin(), page.end());
        after = page.back();
    }
    CHECK(paged == all);
    // One level, resumed after a sub-prefix: the listing goes on after its whole subtree.
    std::vector<std::string> rest = keys_of(s.list("tree", tote::ListOptions{false, "tree/d150/"}));
    CHECK(rest.front() == "tree/d151.txt");  // '.' sorts before '/': "tree/d150.txt" came before "tree/d150/"
    CHECK(rest.size() == level.size() - 302);
    // start_after may be any bytes, not only valid UTF-8.
    CHECK(s.list("", tote::ListOptions{true, "\xff"}).empty());
    CHECK(keys_of(s.list("", tote::ListOptions{true, std::string("flat/0124\xc3", 10)})).front() == "flat/01250");
    CHECK(keys_of(s.list("", tote::ListOptions{true, std::string("flat/01249\0x", 12)})).front() == "flat/01250");

    // The callback may call back into the store (tote cp reads every key while listing).
    size_t read_back = 0;
    s.list("flat", tote::ListOptions{true, ""}, [&](const tote::Entry& e) {
        read_back += s.read(e.key).size();
        return true;
    });
    CHECK(read_back == 2500);

    CHECK(s.remove("tree", true));
    CHECK(s.list("tree", tote::ListOptions{true, ""}).empty());
    CHECK(!s.stat("tree").has_value());
}

TEST_CASE("a failing batch names its op and writes nothing") {
    Store s = open_pg(shared_server().url(), {{"table", "batches"}});
    uint64_t version = s.write("taken", "original");
    WriteOptions create;
    create.create_only = true;
    WriteOptions stale;
    stale.if_version = version + 1;
    tote::Error e = error_of([&] {
        s.write_batch({{"n/1", "a", {}}, {"n/2", "b", {}}, {"taken", "clobber", create}, {"n/3", "c", {}}});
    });
    CHECK(e.status() == Status::already_exists);
    CHECK(contains(e.what(), "write #2"));
    e = error_of([&] { s.write_batch({{"n/1", "a", {}}, {"taken", "clobber", stale}}); });
    CHECK(e.status() == Status::precondition_failed);
    CHECK(contains(e.what(), "write #1"));
    CHECK(s.list("n", tote::ListOptions{true, ""}).empty());
    CHECK(s.read("taken") == "original");
    WriteOptions current;
    current.if_version = version;
    s.write_batch({{"taken", "1", current}, {"taken", "2", {}}, {"fresh", "f", create}});
    CHECK(s.read("taken") == "2");
    CHECK(s.read("fresh") == "f");
}

TEST_CASE("many threads share one store through its pool") {
    Store s = open_pg(shared_server().url(), {{"table", "threads"}, {"pool_size", "3"}});
    const int threads = 8, rounds = 40;
    std::atomic<int> winners{0};
    on_threads(threads, [&](int t) {
        for (int i = 0; i < rounds; ++i) {
            const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
            s.write(key, key);
            if (s.read(key) != key) throw std::runtime_error("read back another value for " + key);
            s.append("log", "thread " + std::to_string(t) + " round " + std::to_string(i) + "\n");
            WriteOptions create;
            create.create_only = true;
            try {
                s.write("claim/" + std::to_string(i), std::to_string(t), create);
                ++winners;
            } catch (const tote::Error& e) {
                if (e.status() != Status::already_exists) throw;
            }
            if (i % 10 == 0) s.list("", {});
        }
    });
    CHECK(winners == rounds);  // exactly one winner per claim
    const std::string log = s.read("log");
    CHECK(std::count(log.begin(), log.end(), '\n') == threads * rounds);
    CHECK(s.list("", tote::ListOptions{true, ""}).size() == size_t(threads * rounds + 1 + rounds));

    // Compare-version increments from every thread lose no update.
    s.write("counter", "0");
    on_threads(threads, [&](int) {
        for (int i = 0; i < 15; ++i)
            for (;;) {
                tote::Stat st;
                const int value = std::stoi(s.read("counter", &st));
                WriteOptions guarded;
                guarded.if_version = st.version;
                try {
                    s.write("counter", std::to_string(value + 1), guarded);
                    break;
                } catch (const tote::Error& e) {
                    if (e.status() != Status::precondition_failed) throw;
                }
            }
    });
    CHECK(s.read("counter") == std::to_string(threads * 15));

    // Two handles on one table are two pools; both see every write.
    Store other = open_pg(shared_server().url(), {{"table", "threads"}}, false);
    CHECK(other.read("counter") == std::to_string(threads * 15));
}
