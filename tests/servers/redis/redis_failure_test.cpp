// SPDX-License-Identifier: Apache-2.0
// redis_failure_test.cpp — the Redis plugin when things go wrong: a server that is down, refuses the password, is
// restarted or killed mid-session, freezes, runs out of memory, is busy, or is a read-only replica; URLs and
// options it must refuse. Every case runs its own private server (redis_server.hpp).
#include "redis_server.hpp"

#include <atomic>
#include <future>

using tote::test::open_redis;
using tote::test::outcome;
using tote::test::RedisServer;
using tote::test::seconds;
using tote::test::without;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a server that is down at open is unavailable, naming the address but never the password") {
    int port = 0;
    {
        RedisServer server;  // started and stopped only to find a port nobody listens on
        port = server.port();
    }
    const std::string url = "redis://:hunter2-pw@127.0.0.1:" + std::to_string(port) + "/0";
    std::pair<tote::Status, std::string> result;
    const double took = seconds([&] { result = outcome([&] { open_redis(url); }); });
    CHECK(result.first == tote::Status::unavailable);
    INFO(result.second);
    CHECK(has(result.second, "cannot connect to 127.0.0.1:" + std::to_string(port)));
    CHECK(!has(without(result.second, url), "hunter2"));  // the plugin's own words never hold the password
    CHECK(took < 2.0);
}

TEST_CASE("a wrong or missing password is permission denied") {
    RedisServer server;
    const std::string wrong = "redis://:hunter2-pw@" + server.address() + "/0";
    auto bad = outcome([&] { open_redis(wrong); });
    CHECK(bad.first == tote::Status::permission_denied);
    INFO(bad.second);
    CHECK(has(bad.second, "WRONGPASS"));
    CHECK(!has(without(bad.second, wrong), "hunter2"));

    auto user = outcome([&] { open_redis("redis://someone:hunter2-pw@" + server.address() + "/0"); });
    CHECK(user.first == tote::Status::permission_denied);
    CHECK(has(user.second, "user 'someone'"));

    auto none = outcome([&] { open_redis("redis://" + server.address() + "/0"); });
    CHECK(none.first == tote::Status::permission_denied);
    CHECK(has(none.second, "NOAUTH"));

    // An ACL user (Redis 6+): "user:password@" sends AUTH user password.
    server.cli({"ACL", "SETUSER", "tote-user", "on", ">user-secret", "~*", "+@all"});
    open_redis("redis://tote-user:user-secret@" + server.address() + "/0");
    // An ACL user without the right to write: its writes are permission denied, and change nothing.
    server.cli({"ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "+@read", "+@connection", "+evalsha",
                "+eval", "+script"});
    tote::Store as_reader = open_redis("redis://reader:reader-secret@" + server.address() + "/0", {}, false);
    auto denied = outcome([&] { as_reader.write("k", "v"); });
    CHECK(denied.first == tote::Status::permission_denied);
    CHECK(!as_reader.exists("k"));
}

TEST_CASE("a store is a prefix: missing unless created, and bad URLs and options are refused by name") {
    RedisServer server;
    CHECK(outcome([&] { open_redis(server.url(), {{"prefix", "nope"}}, false); }).first == tote::Status::not_found);
    CHECK(outcome([&] { open_redis(server.url(), {{"prefix", "nope"}}, false, true); }).first == tote::Status::not_found);
    CHECK(server.cli({"EXISTS", "nope:store"}) == "0");  // looking created nothing
    open_redis(server.url(), {{"prefix", "made"}});
    open_redis(server.url(), {{"prefix", "made"}}, false);
    CHECK(server.cli({"GET", "made:store"}) == "tote-redis/1");
    // The default prefix is "tote"; another database is another namespace.
    open_redis(server.url());
    CHECK(server.cli({"EXISTS", "tote:store"}) == "1");
    const std::string db3 = "redis://:tote-secret@" + server.address() + "/3";
    CHECK(outcome([&] { open_redis(db3, {}, false); }).first == tote::Status::not_found);

    // Something else at the marker, or keys of the store's names without a marker, is not a tote store.
    server.cli({"SET", "foreign:store", "something else"});
    CHECK(outcome([&] { open_redis(server.url(), {{"prefix", "foreign"}}); }).first == tote::Status::corrupt);
    server.cli({"ZADD", "leftover:index", "0", "x"});
    CHECK(outcome([&] { open_redis(server.url(), {{"prefix", "leftover"}}); }).first == tote::Status::corrupt);

    const std::vector<std::pair<std::string, std::string>> bad_options = {
        {"prefix", "has:colon"}, {"prefix", "has space"}, {"prefix", ""},       {"pool_size", "0"},
        {"pool_size", "65"},     {"timeout_ms", "0"},     {"retries", "-1"},    {"connect_timeout_ms", "0"}};
    for (const auto& [name, value] : bad_options) {
        auto result = outcome([&] { open_redis(server.url(), {{name, value}}); });
        INFO(name << " = '" << value << "': " << result.second);
        CHECK(result.first == tote::Status::invalid_argument);
        CHECK(has(result.second, "'" + name + "'"));
    }
    for (const std::string location : {"127.0.0.1:99999/0", "127.0.0.1:6379/x", "127.0.0.1:6379/0?prefix=a", ":pw@",
                                       "secret@127.0.0.1", "127.0.0.1:"}) {
        auto result = outcome([&] { open_redis("redis://" + location); });
        INFO(location << ": " << result.second);
        CHECK(result.first == tote::Status::invalid_argument);
    }
    auto db = outcome([&] { open_redis("redis://:tote-secret@" + server.address() + "/999"); });
    CHECK(db.first == tote::Status::invalid_argument);
    CHECK(has(db.second, "database 999"));
}

TEST_CASE("a server restarted mid-session: reads, listings and writes carry on, and the store stays consistent") {
    RedisServer server;
    tote::Store store = open_redis(server.url(), {{"pool_size", "3"}});
    for (int i = 0; i < 50; ++i) store.write("k/" + std::to_string(i), "v" + std::to_string(i));
    store.write("log", "a;");
    store.write("cv", "0");
    tote::Stat cv_stat;
    store.read("cv", &cv_stat);

    server.restart();  // every pooled connection is now dead
    CHECK(store.read("k/7") == "v7");
    CHECK(store.list("k", {true, ""}).size() == 50);
    store.write("k/50", "v50");
    CHECK(store.read("k/50") == "v50");

    server.restart();
    // Operations that must not be repeated: each either succeeds or, had its command been lost in flight, says
    // it may or may not have been applied. (The pool notices connections closed while idle before using them, so
    // here they succeed.)
    auto appended = outcome([&] { store.append("log", "b;"); });
    auto created = outcome([&] {
        tote::WriteOptions once;
        once.create_only = true;
        store.write("created", "c", once);
    });
    auto compared = outcome([&] {
        tote::WriteOptions guarded;
        guarded.if_version = cv_stat.version;
        store.write("cv", "1", guarded);
    });
    for (const auto* result : {&appended, &created, &compared}) {
        INFO(result->second);
        CHECK((result->first == tote::Status::ok ||
               (result->first == tote::Status::unavailable && has(result->second, "may or may not have been applied"))));
    }
    const std::string log = store.read("log");
    CHECK((log == "a;" || log == "a;b;"));
    if (appended.first == tote::Status::ok) CHECK(log == "a;b;");
    if (created.first == tote::Status::ok) CHECK(store.read("created") == "c");
    const std::string cv = store.read("cv");
    CHECK((cv == "0" || cv == "1"));
    if (compared.first == tote::Status::ok) CHECK(cv == "1");

    // Consistent: every listed key reads, with the size its stat reports, and the counts add up.
    std::vector<tote::Entry> all = store.list("", {true, ""});
    for (const tote::Entry& e : all) {
        tote::Stat stat;
        const std::string value = store.read(e.key, &stat);
        CHECK(stat.size == value.size());
        CHECK(store.stat(e.key)->version == stat.version);
    }
    CHECK(store.list("k", {true, ""}).size() == 51);
    CHECK(server.cli({"ZCARD", "tote:index"}) == std::to_string(all.size()));
}

TEST_CASE("a connection lost while a command is in flight: not repeated unless that is safe") {
    RedisServer server;
    // Every write on disk before its reply: with the default everysec, a server under heavy disk load postpones
    // its AOF writes by up to two seconds, and a SIGKILL then loses the writes this test builds on.
    server.cli({"CONFIG", "SET", "appendfsync", "always"});
    tote::Store store = open_redis(server.url(), {{"retries", "10"}});
    store.write("log", "a;");
    store.write("plain", "old");

    // The server freezes with an append sent to it, then dies: the append may or may not have been applied (it
    // was not, but the plugin cannot know), so it must not be sent again.
    server.pause();
    auto append = std::async(std::launch::async, [&] { return outcome([&] { store.append("log", "b;"); }); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.kill();
    auto appended = append.get();
    INFO(appended.second);
    CHECK(appended.first == tote::Status::unknown_outcome);
    CHECK(has(appended.second, "connection to " + server.address() + " lost during append"));
    CHECK(has(appended.second, "may or may not have been applied"));
    server.restart();
    CHECK(store.read("log") == "a;");  // the frozen server never ran it, and nothing ran it twice

    // The same with a plain write, while the server comes back: it is sent again, and lands.
    server.pause();
    auto write = std::async(std::launch::async, [&] { return outcome([&] { store.write("plain", "new"); }); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.kill();
    server.restart();
    auto written = write.get();
    INFO(written.second);
    CHECK(written.first == tote::Status::ok);
    CHECK(store.read("plain") == "new");
}

TEST_CASE("a connection the server drops while a large value is being sent: reported, nothing applied, no crash") {
    RedisServer server;
    tote::Store store = open_redis(server.url(), {{"retries", "1"}});
    store.write("k", "old");
    // The server closes any connection whose unread input passes 1 MiB: with a 20 MiB value it resets the
    // connection while the plugin is still writing. The write fails (ECONNRESET, or EPIPE with a SIGPIPE that the
    // plugin blocks and consumes: redis_connection.cpp), and the process carries on.
    server.cli({"CONFIG", "SET", "client-query-buffer-limit", "1mb"});
    const std::string big(20u << 20, 'x');
    for (int round = 0; round < 3; ++round) {
        auto write = outcome([&] { store.write("k", big); });
        INFO(write.second);
        CHECK(write.first == tote::Status::unavailable);
        // The command never reached the server whole, so even an append is known not to have been applied.
        auto append = outcome([&] { store.append("k", big); });
        INFO(append.second);
        CHECK(append.first == tote::Status::unavailable);
        CHECK(!has(append.second, "may or may not"));
    }
    server.cli({"CONFIG", "SET", "client-query-buffer-limit", "1gb"});
    CHECK(store.read("k") == "old");
    store.write("k", big);
    CHECK(store.stat("k")->size == big.size());
}

TEST_CASE("a server stopped for good is unavailable within a bounded time, never a hang") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    store.write("k", "v");
    server.stop();
    // retries = 3: about 0.7 s of back-off before giving up.
    const std::vector<std::pair<const char*, std::function<void()>>> operations = {
        {"read", [&] { store.read("k"); }},
        {"stat", [&] { store.stat("k"); }},
        {"list", [&] { store.list("", {true, ""}); }},
        {"write", [&] { store.write("k", "w"); }},
        {"append", [&] { store.append("k", "w"); }},
        {"remove", [&] { store.remove("k"); }},
        {"rename", [&] { store.rename("k", "j"); }},
        {"batch", [&] { store.write_batch({{"a", "1", {}}, {"b", "2", {}}}); }},
    };
    for (const auto& [name, operation] : operations) {
        std::pair<tote::Status, std::string> result;
        const double took = seconds([&, op = operation] { result = outcome(op); });
        INFO(name << ": " << result.second << " (" << took << " s)");
        CHECK(result.first == tote::Status::unavailable);
        CHECK(has(result.second, "cannot connect to " + server.address()));
        CHECK(!has(result.second, "may or may not"));  // nothing was sent: certainly not applied
        CHECK(took < 3.0);
    }
    tote::Store quick = [&] {
        server.restart();
        return open_redis(server.url(), {{"retries", "0"}});
    }();
    server.stop();
    CHECK(seconds([&] { CHECK(outcome([&] { quick.read("k"); }).first == tote::Status::unavailable); }) < 0.5);
}

TEST_CASE("a frozen server times out: at open, on reads, on writes, and waiting for a pooled connection") {
    RedisServer server;
    tote::Store store = open_redis(server.url(), {{"timeout_ms", "300"}, {"pool_size", "1"}});
    store.write("k", "v");
    server.pause();

    // The write goes out on the pooled connection and gets no reply; the read after it finds that connection
    // gone and times out making a new one (the kernel accepts it, the frozen server never answers AUTH).
    std::pair<tote::Status, std::string> read, write;
    CHECK(seconds([&] { write = outcome([&] { store.write("k", "w"); }); }) < 2.0);
    INFO(write.second);
    CHECK(write.first == tote::Status::timeout);
    CHECK(has(write.second, "300 ms"));
    CHECK(has(write.second, "may or may not have been applied"));  // the server may still run it when it wakes
    CHECK(seconds([&] { read = outcome([&] { store.read("k"); }); }) < 2.0);
    CHECK(read.first == tote::Status::timeout);
    CHECK(!has(read.second, "may or may not"));

    // Two threads, one connection: the second waits for the pool, then for the server; both give up in time.
    std::vector<std::future<tote::Status>> readers;
    const double took = seconds([&] {
        for (int i = 0; i < 2; ++i)
            readers.push_back(std::async(std::launch::async, [&] { return outcome([&] { store.read("k"); }).first; }));
        for (auto& r : readers) CHECK(r.get() == tote::Status::timeout);
    });
    CHECK(took < 3.0);

    auto opened = outcome([&] { open_redis(server.url(), {{"timeout_ms", "300"}}); });
    CHECK(opened.first == tote::Status::timeout);

    server.resume();
    const std::string value = store.read("k");  // the write the frozen server received did or did not happen
    CHECK((value == "v" || value == "w"));
    CHECK(store.list("", {true, ""}).size() == 1);
}

TEST_CASE("a server out of memory is no space, and the refused write changes nothing") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    store.write("k", "old");
    tote::Stat before;
    store.read("k", &before);
    server.cli({"CONFIG", "SET", "maxmemory", "1"});  // already over: every write is refused (noeviction)
    auto write = outcome([&] { store.write("k", std::string(100000, 'x')); });
    CHECK(write.first == tote::Status::no_space);
    CHECK(has(write.second, "OOM"));
    CHECK(outcome([&] { store.append("k", "more"); }).first == tote::Status::no_space);
    CHECK(outcome([&] { store.write_batch({{"k", "1", {}}, {"new", "2", {}}}); }).first == tote::Status::no_space);
    CHECK(outcome([&] { store.write("new", "x"); }).first == tote::Status::no_space);
    tote::Stat after;
    CHECK(store.read("k", &after) == "old");  // reads still work
    CHECK(after.version == before.version);
    CHECK(!store.exists("new"));
    CHECK(store.list("", {true, ""}).size() == 1);
    server.cli({"CONFIG", "SET", "maxmemory", "0"});
    store.write("k", "new");
    CHECK(store.read("k") == "new");
}

TEST_CASE("a server busy running a script is busy, and serves again once it is killed") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    store.write("k", "v");
    server.cli({"CONFIG", "SET", "busy-reply-threshold", "100"});
    tote::test::Background loop(server.cli_argv({"EVAL", "while true do end", "0"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto busy = outcome([&] { store.read("k"); });
    INFO(busy.second);
    CHECK(busy.first == tote::Status::busy);
    CHECK(outcome([&] { store.write("k", "w"); }).first == tote::Status::busy);
    server.cli({"SCRIPT", "KILL"});
    loop.wait();
    CHECK(store.read("k") == "v");
}

TEST_CASE("a read-only replica: reads are served, writes are permission denied") {
    RedisServer primary;
    RedisServer replica;
    tote::Store store = open_redis(primary.url());
    store.write("k", "v");
    replica.cli({"CONFIG", "SET", "masterauth", "tote-secret"});
    replica.cli({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())});
    for (int i = 0; i < 100 && replica.cli({"GET", "tote:store"}) != "tote-redis/1"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    tote::Store copy = open_redis(replica.url(), {}, false);
    for (int i = 0; i < 100 && !copy.exists("k"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(copy.read("k") == "v");
    auto write = outcome([&] { copy.write("k", "w"); });
    INFO(write.second);
    CHECK(write.first == tote::Status::permission_denied);
    CHECK(has(write.second, "READONLY"));
    CHECK(outcome([&] { copy.append("k", "w"); }).first == tote::Status::permission_denied);
    CHECK(outcome([&] { open_redis(replica.url(), {{"prefix", "other"}}); }).first == tote::Status::permission_denied);
    CHECK(copy.read("k") == "v");
}

TEST_CASE("a store whose keys vanished from the server is not quietly rebuilt") {
    RedisServer server;
    tote::Store store = open_redis(server.url());
    store.write("k", "v");
    server.cli({"FLUSHDB"});
    auto write = outcome([&] { store.write("k", "w"); });
    INFO(write.second);
    CHECK(write.first == tote::Status::not_found);
    CHECK(has(write.second, "no longer exists"));
    CHECK(outcome([&] { store.append("k", "w"); }).first == tote::Status::not_found);
    CHECK(outcome([&] { store.write_batch({{"k", "w", {}}}); }).first == tote::Status::not_found);
    CHECK(server.cli({"DBSIZE"}) == "0");
}

// Hidden ([.]): run alone, in a process of its own (ctest redis.abi-1.0), because a plugin serves the lowest ABI
// version any host of the process announced, and this host announces 1.0.
TEST_CASE("a host speaking ABI 1.0 gets unavailable, never the 1.1 unknown outcome", "[.abi-1.0]") {
    RedisServer server;
    tote::HostOptions options;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    options.plugin_abi = 0x00010000u;
    const tote::Host host(options);
    tote::OpenOptions open;
    open.create = true;
    open.options = {{"retries", "10"}};
    tote::Store store = host.open(server.url(), open);
    store.write("log", "a;");
    server.pause();
    auto append = std::async(std::launch::async, [&] { return outcome([&] { store.append("log", "b;"); }); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.kill();
    auto appended = append.get();
    INFO(appended.second);
    CHECK(appended.first == tote::Status::unavailable);
    CHECK(has(appended.second, "may or may not have been applied"));
    CHECK(!has(appended.second, "status 15"));
}
