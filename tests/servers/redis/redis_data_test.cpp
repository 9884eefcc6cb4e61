// SPDX-License-Identifier: Apache-2.0
// redis_data_test.cpp — the Redis plugin's data handling beyond the conformance suite: binary and large values,
// listings much longer than one ZRANGEBYLEX page, stores under different prefixes, many threads on one store,
// batches, and the Redis keys a store is made of.
#include "redis_server.hpp"
#include "test_values.hpp"

#include <algorithm>
#include <atomic>
#include <set>

using tote::test::open_redis;
using tote::test::outcome;
using tote::test::RedisServer;
using tote::test::keys_of;
using tote::test::random_bytes;

TEST_CASE("values with NUL bytes and 10 MiB values round-trip, in writes, appends and batches") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    std::string every_byte;
    for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
    const std::string nuls("\0a\0\0b\0", 6);
    store.write("bytes", every_byte);
    store.write("nuls", nuls);
    store.write("empty", "");
    CHECK(store.read("bytes") == every_byte);
    CHECK(store.read("nuls") == nuls);
    CHECK(store.read("empty").empty());
    CHECK(store.stat("empty")->size == 0);
    store.append("nuls", nuls);
    CHECK(store.read("nuls") == nuls + nuls);
    store.append("fresh", nuls);  // append creates
    CHECK(store.read("fresh") == nuls);

    const std::string big = random_bytes(10u << 20, 7);
    store.write("big", big);
    tote::Stat stat;
    CHECK(store.read("big", &stat) == big);
    CHECK(stat.size == big.size());
    store.append("big", big);
    CHECK(store.stat("big")->size == 2 * big.size());
    CHECK(store.read("big") == big + big);
    store.write_batch({{"batch/big", big, {}}, {"batch/nuls", nuls, {}}});
    CHECK(store.read("batch/big") == big);
    CHECK(store.read("batch/nuls") == nuls);
    store.rename("batch/big", "moved/big");
    CHECK(store.read("moved/big") == big);
}

TEST_CASE("versions are unique and never 0; mtimes are the server's clock; renames keep both") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    std::set<uint64_t> seen;
    for (int i = 0; i < 50; ++i) {
        const uint64_t v = store.write("k" + std::to_string(i % 5), "x");
        CHECK(v != 0);
        CHECK(seen.insert(v).second);
    }
    store.remove("k0");
    CHECK(seen.insert(store.write("k0", "again")).second);  // a key written again never gets an old version back
    const auto stat = store.stat("k1");
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(std::llabs(stat->mtime_ns - now) < 60'000'000'000LL);
    store.rename("k1", "renamed");
    const auto moved = store.stat("renamed");
    CHECK(moved->version == stat->version);
    CHECK(moved->mtime_ns == stat->mtime_ns);
}

TEST_CASE("listings longer than a page: byte order, sub-prefixes once, start_after anywhere") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    // 2,500 keys under big/ (2.5 pages), keys around it that sort just before and after, and UTF-8 keys (bytes
    // above 0x7F sort after every ASCII byte).
    std::vector<tote::BatchWrite> batch;
    for (int i = 0; i < 2500; ++i) batch.push_back({"big/" + std::to_string(100000 + i), "v", {}});
    for (const char* k : {"big", "big-x", "big0", "a", "c/d", "c/e/f", "z", "\xC3\xA9t\xC3\xA9", "\xE6\x97\xA5/x"})
        batch.push_back({k, k, {}});
    store.write_batch(batch);

    const std::vector<std::string> top = {"a", "big", "big-x", "big/", "big0", "c/", "z", "\xC3\xA9t\xC3\xA9",
                                          "\xE6\x97\xA5/"};
    CHECK(keys_of(store.list("", {})) == top);
    // Resuming after each entry in turn gives the rest of the one-level listing.
    for (size_t i = 0; i < top.size(); ++i) {
        std::vector<std::string> rest(top.begin() + static_cast<long>(i) + 1, top.end());
        CHECK(keys_of(store.list("", {false, top[i]})) == rest);
    }
    // start_after inside big/ (not an entry of the one-level listing) skips the whole sub-prefix.
    CHECK(keys_of(store.list("", {false, "big/101234"}))[0] == "big0");

    const std::vector<tote::Entry> all = store.list("", {true, ""});
    CHECK(all.size() == 2509);
    std::vector<std::string> keys = keys_of(all);
    CHECK(std::is_sorted(keys.begin(), keys.end()));
    CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
    // A recursive listing of big/ resumed from the middle of its second page.
    const std::vector<tote::Entry> tail = store.list("big", {true, "big/101500"});
    CHECK(tail.size() == 999);
    CHECK(tail.front().key == "big/101501");
    // A callback that calls into the store while the listing runs (the connection is not held meanwhile).
    size_t seen = 0;
    store.list("big", {true, ""}, [&](const tote::Entry& e) {
        if (++seen % 500 == 0) CHECK(store.read(e.key) == "v");
        return true;
    });
    CHECK(seen == 2500);

    // A recursive remove of more keys than one script removes.
    CHECK(store.remove("big", true));
    CHECK(store.list("", {}).size() == top.size() - 2);  // "big" and "big/" are gone
    CHECK(store.exists("big-x"));
    CHECK(store.exists("big0"));
    CHECK(!store.exists("big"));
    CHECK(server.cli({"ZCARD", "tote:index"}) == "8");
}

TEST_CASE("stores under two prefixes never see each other") {
    RedisServer server;
    tote::Store a = open_redis(server.url(), {{"prefix", "team"}});
    tote::Store b = open_redis(server.url(), {{"prefix", "team.b"}});
    tote::Store c = open_redis(server.url(), {{"prefix", "team-2"}});
    a.write("same/key", "from a");
    b.write("same/key", "from b");
    b.write("only-b", "b");
    c.append("log", "c");
    CHECK(a.read("same/key") == "from a");
    CHECK(b.read("same/key") == "from b");
    CHECK(!a.exists("only-b"));
    CHECK(!c.exists("same/key"));
    CHECK(keys_of(a.list("", {true, ""})) == std::vector<std::string>{"same/key"});
    CHECK(keys_of(c.list("", {true, ""})) == std::vector<std::string>{"log"});
    CHECK(a.remove("same", true));
    CHECK(b.read("same/key") == "from b");
    a.write("x", "1");
    CHECK(outcome([&] { b.rename("x", "y"); }).first == tote::Status::not_found);
    // Every Redis key of store a is named "team:..." (':' cannot be in a prefix, so "team.b:..." is not a's).
    const std::string names = server.cli({"--scan", "--pattern", "team:*"});
    for (size_t start = 0; start < names.size();) {
        const size_t end = std::min(names.find('\n', start), names.size());
        const std::string name = names.substr(start, end - start);
        CHECK((name == "team:store" || name == "team:seq" || name == "team:index" || name == "team:v:x" ||
               name == "team:m:x"));
        start = end + 1;
    }
}

TEST_CASE("many threads share one store and its pool") {
    RedisServer server;
    tote::Store store = open_redis(server.url(), {{"pool_size", "3"}});
    store.write("counter", "0");
    constexpr int kThreads = 12, kRounds = 60;
    std::atomic<int> failures{0}, increments{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            try {
                for (int i = 0; i < kRounds; ++i) {
                    const std::string mine = "t" + std::to_string(t) + "/" + std::to_string(i);
                    store.write(mine, mine);
                    if (store.read(mine) != mine) ++failures;
                    store.append("log", "<" + mine + ">");
                    store.list("t" + std::to_string(t), {});
                    // A compare-version increment, retried until it wins.
                    for (;;) {
                        tote::Stat stat;
                        const int value = std::stoi(store.read("counter", &stat));
                        tote::WriteOptions guarded;
                        guarded.if_version = stat.version;
                        try {
                            store.write("counter", std::to_string(value + 1), guarded);
                            ++increments;
                            break;
                        } catch (const tote::Error& e) {
                            if (e.status() != tote::Status::precondition_failed) throw;
                        }
                    }
                    if (i % 10 == 9) store.write_batch({{mine + "/b1", "1", {}}, {mine + "/b2", "2", {}}});
                }
            } catch (const std::exception& e) {
                UNSCOPED_INFO(e.what());
                ++failures;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(store.read("counter") == std::to_string(kThreads * kRounds));
    const std::string log = store.read("log");
    CHECK(std::count(log.begin(), log.end(), '<') == kThreads * kRounds);
    CHECK(store.list("", {true, ""}).size() == size_t{kThreads * kRounds + kThreads * kRounds / 10 * 2 + 2});
}

TEST_CASE("a batch checks every op against the ones before it, then writes all or nothing") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    CHECK(store.batch_is_atomic());
    const uint64_t v = store.write("existing", "1");
    tote::WriteOptions create;
    create.create_only = true;
    tote::WriteOptions at_v;
    at_v.if_version = v;
    // Later ops see earlier ones: a create-only write of a key the batch already wrote fails.
    auto clash = outcome([&] { store.write_batch({{"n1", "x", {}}, {"n2", "y", create}, {"n2", "z", create}}); });
    CHECK(clash.first == tote::Status::already_exists);
    CHECK(clash.second.find("n2") != std::string::npos);  // the host names the failing op's key
    CHECK(!store.exists("n1"));
    // A compare-version write after the same key was written in the batch no longer matches.
    CHECK(outcome([&] { store.write_batch({{"existing", "2", {}}, {"existing", "3", at_v}}); }).first ==
          tote::Status::precondition_failed);
    CHECK(store.read("existing") == "1");
    store.write_batch({{"existing", "2", at_v}, {"n1", "x", create}, {"n1", "last wins", {}}});
    CHECK(store.read("existing") == "2");
    CHECK(store.read("n1") == "last wins");
    store.write_batch({});
}
