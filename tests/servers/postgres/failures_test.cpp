// SPDX-License-Identifier: Apache-2.0
// failures_test.cpp — the postgres plugin when things go wrong, against real private servers: a server that is
// down, a wrong password, a missing or foreign table, bad options, a server restarted or stopped mid-session (with
// statements cut off in flight), statement timeouts. Every failure must be the right status, name what it can,
// never show the password, come within a bounded time, and leave the store consistent.
#include "pg_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

using tote::Status;
using tote::Store;
using tote::WriteOptions;
using tote::test::elapsed_ms;
using tote::test::error_of;
using tote::test::open_pg;
using tote::test::PgServer;
using tote::test::Session;
using tote::test::without;
using Clock = std::chrono::steady_clock;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

WriteOptions create_only() {
    WriteOptions options;
    options.create_only = true;
    return options;
}

WriteOptions if_version(uint64_t version) {
    WriteOptions options;
    options.if_version = version;
    return options;
}

// Waits until some session of the server waits for a lock (the operation under test is blocked, in flight).
void wait_for_lock_waiter(Session& admin) {
    for (int i = 0; i < 100; ++i) {
        if (admin.exec("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") != "0") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("the operation never started waiting for the lock");
}

// Runs op on a thread while another session holds a lock (lock_sql, in an open transaction); once op waits for
// that lock, restarts the server, which cuts both sessions off. Returns op's error, if it failed.
template <class Op> std::optional<tote::Error> cut_off(PgServer& server, const std::string& lock_sql, Op op) {
    std::optional<tote::Error> error;
    {
        Session locker(server);
        locker.exec("BEGIN");
        locker.exec(lock_sql);
        std::thread worker([&] {
            try {
                op();
            } catch (const tote::Error& e) {
                error = e;
            }
        });
        {
            Session admin(server);
            wait_for_lock_waiter(admin);
        }
        server.restart();
        worker.join();
    }
    return error;
}

}  // namespace

TEST_CASE("a server that is down fails the open with unavailable, naming the address and never the password") {
    PgServer server;
    const std::string url = server.url("Pa55-w0rd-s3cret");
    const std::string url_with_parameter =
        "postgresql://tote@127.0.0.1:" + std::to_string(server.port()) + "/tote?password=Pa55-w0rd-s3cret";
    server.stop();
    for (const std::string& u : {url, url_with_parameter}) {
        const auto start = Clock::now();
        const tote::Error e = error_of([&] { open_pg(u, {}); });
        CHECK(e.status() == Status::unavailable);
        // The host prefixes its messages with the store's URL; what the plugin said is the rest.
        const std::string own = without(e.what(), u);
        INFO(e.what());
        CHECK(contains(own, "cannot connect to " + server.address()));
        CHECK(contains(own, "Connection refused"));
        CHECK(!contains(own, "Pa55-w0rd-s3cret"));
        CHECK(!contains(own, "s3cret"));
        CHECK(elapsed_ms(start) < 5000);  // retries: 100 + 200 + 400 ms of backoff, refusals are immediate
    }
    // retries = 0: one attempt, at once.
    const auto start = Clock::now();
    CHECK(error_of([&] { open_pg(url, {{"retries", "0"}}); }).status() == Status::unavailable);
    CHECK(elapsed_ms(start) < 1000);
}

TEST_CASE("a wrong password or an unknown role is permission denied; a missing database is not found") {
    PgServer server;
    const std::string wrong = server.url("not-the-password");
    tote::Error e = error_of([&] { open_pg(wrong, {}); });
    CHECK(e.status() == Status::permission_denied);
    CHECK(contains(e.what(), "password authentication failed"));
    CHECK(contains(e.what(), "28P01"));
    CHECK(!contains(without(e.what(), wrong), "not-the-password"));

    const std::string stranger = "postgresql://nobody:whatever@127.0.0.1:" + std::to_string(server.port()) + "/tote";
    CHECK(error_of([&] { open_pg(stranger, {}); }).status() == Status::permission_denied);

    const std::string no_password = "postgresql://tote@127.0.0.1:" + std::to_string(server.port()) + "/tote";
    CHECK(error_of([&] { open_pg(no_password, {}); }).status() == Status::permission_denied);

    e = error_of([&] { open_pg(server.url("tote-secret", "nodb"), {}); });
    CHECK(e.status() == Status::not_found);
    CHECK(contains(e.what(), "\"nodb\" does not exist"));

    // A URL libpq cannot read, or a parameter value it refuses, is the caller's mistake.
    CHECK(error_of([&] { open_pg(server.url() + "?bogus=1", {}); }).status() == Status::invalid_argument);
    CHECK(error_of([&] { open_pg(server.url() + "?sslmode=bogus", {}); }).status() == Status::invalid_argument);
    // libpq quotes the token it cannot decode, here the password itself: the plugin blanks it out.
    for (const std::string& u : {server.url("pa%zzword"), server.url() + "?password=pa%zzword"}) {
        e = error_of([&] { open_pg(u, {}); });
        CHECK(e.status() == Status::invalid_argument);
        CHECK(contains(e.what(), "invalid percent-encoded token"));
        CHECK(!contains(without(e.what(), u), "zzword"));
    }
}

TEST_CASE("a missing table is not found unless created; a read-only open never creates it") {
    PgServer server;
    Session admin(server);
    const std::string url = server.url();
    tote::Error e = error_of([&] { open_pg(url, {{"table", "evals"}}, false); });
    CHECK(e.status() == Status::not_found);
    CHECK(contains(e.what(), "no table public.evals in database tote"));
    CHECK(error_of([&] { open_pg(url, {{"table", "evals"}}, false, true); }).status() == Status::not_found);
    CHECK(admin.exec("SELECT count(*) FROM pg_class WHERE relname = 'evals'") == "0");

    Store created = open_pg(url, {{"table", "evals"}});
    created.write("a", "1");
    Store again = open_pg(url, {{"table", "evals"}}, false);
    CHECK(again.read("a") == "1");
    Store read_only = open_pg(url, {{"table", "evals"}}, false, true);
    CHECK(read_only.read("a") == "1");
    CHECK(error_of([&] { read_only.write("a", "2"); }).status() == Status::permission_denied);
    // Another store in the same database is another table; in another schema, which create makes.
    Store other = open_pg(url, {{"table", "evals"}, {"schema", "team_b"}});
    CHECK(!other.exists("a"));
    CHECK(admin.exec("SELECT count(*) FROM pg_namespace WHERE nspname = 'team_b'") == "1");
    // The table is what the README promises: key order is byte order.
    CHECK(admin.exec("SELECT collation_name FROM information_schema.columns WHERE table_schema = 'public' AND "
                     "table_name = 'evals' AND column_name = 'key'") == "C");
}

TEST_CASE("option values are checked at open, each refusal naming its option") {
    PgServer server;
    const std::string url = server.url();
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"table", "Evals"}, {"table", "a-b"}, {"table", "9lives"}, {"table", std::string(64, 'x')},
        {"table", ""},      {"schema", "x y"}, {"pool_size", "0"},   {"pool_size", "65"},
        {"timeout_ms", "0"}, {"connect_timeout_ms", "0"}, {"retries", "-1"}, {"retries", "11"}};
    for (const auto& [name, value] : bad) {
        INFO(name << " = " << value);
        const tote::Error e = error_of([&] { open_pg(url, {{name, value}}); });
        CHECK(e.status() == Status::invalid_argument);
        CHECK(contains(e.what(), "option '" + name + "'"));
    }
    CHECK_NOTHROW(open_pg(url, {{"table", std::string(63, 'x')}}));
}

TEST_CASE("a table or database that cannot hold a tote store is refused, untouched") {
    PgServer server;
    Session admin(server);
    admin.exec("CREATE TABLE public.other (id int PRIMARY KEY, name text); INSERT INTO public.other VALUES (1, 'x')");
    admin.exec("GRANT ALL ON public.other TO tote");
    tote::Error e = error_of([&] { open_pg(server.url(), {{"table", "other"}}); });
    CHECK(e.status() == Status::corrupt);
    CHECK(contains(e.what(), "not a tote store"));
    CHECK(admin.exec("SELECT count(*) FROM public.other") == "1");

    // Right columns, but a collation that would not list keys in byte order.
    admin.exec("CREATE TABLE public.wrong_order (key text COLLATE \"und-x-icu\" PRIMARY KEY, value bytea NOT NULL, "
               "version bigint NOT NULL, mtime_ns bigint NOT NULL)");
    admin.exec("GRANT ALL ON public.wrong_order TO tote");
    e = error_of([&] { open_pg(server.url(), {{"table", "wrong_order"}}); });
    CHECK(e.status() == Status::corrupt);
    CHECK(contains(e.what(), "collation"));

    // A table the role may read but not write: a writable open is refused, a read-only one works.
    admin.exec("CREATE TABLE public.readable (key text COLLATE \"C\" PRIMARY KEY, value bytea NOT NULL, "
               "version bigint NOT NULL, mtime_ns bigint NOT NULL)");
    admin.exec("GRANT SELECT ON public.readable TO tote");
    e = error_of([&] { open_pg(server.url(), {{"table", "readable"}}, false); });
    CHECK(e.status() == Status::permission_denied);
    CHECK(contains(e.what(), "INSERT"));
    CHECK_NOTHROW(open_pg(server.url(), {{"table", "readable"}}, false, true));

    // Keys are UTF-8: a database of another encoding is refused.
    admin.exec("CREATE DATABASE latin OWNER tote ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    e = error_of([&] { open_pg(server.url("tote-secret", "latin"), {}); });
    CHECK(e.status() == Status::invalid_argument);
    CHECK(contains(e.what(), "LATIN1"));
}

TEST_CASE("after a server restart, every operation carries on and the store is consistent") {
    PgServer server;
    Store s = open_pg(server.url(), {{"table", "restarted"}, {"pool_size", "2"}, {"retries", "6"}});
    s.write("k/1", "one");
    s.append("log", "a\n");
    uint64_t version = s.write("counter", "0");
    s.write("gone", "x");

    server.restart();  // every pooled connection is now dead
    CHECK(s.read("k/1") == "one");
    server.restart();
    CHECK(s.stat("k")->kind == tote::Kind::prefix);
    server.restart();
    CHECK(s.list("", tote::ListOptions{true, ""}).front().key == "counter");
    server.restart();
    s.write("k/2", "two");
    CHECK(s.read("k/2") == "two");
    server.restart();
    CHECK(s.remove("gone"));
    server.restart();
    s.rename("k/2", "k/3");
    server.restart();
    s.write_batch({{"b/1", "x", {}}, {"b/2", "y", {}}});

    // The operations that are not repeated once they may have been applied: after a restart between calls, the
    // dead connection is found before anything is sent, so they succeed; were one cut off, it would have to say
    // so. Either way the store must end up consistent.
    auto either = [](auto op) {
        try {
            op();
            return true;
        } catch (const tote::Error& e) {
            CHECK(e.status() == Status::unavailable);
            CHECK(contains(e.what(), "may or may not have been applied"));
            return false;
        }
    };
    server.restart();
    const bool appended = either([&] { s.append("log", "b\n"); });
    CHECK(s.read("log") == (appended ? "a\nb\n" : "a\n"));
    server.restart();
    const bool created = either([&] { s.write("claim", "mine", create_only()); });
    CHECK(s.exists("claim") == created);
    server.restart();
    const bool bumped = either([&] { version = s.write("counter", "1", if_version(version)); });
    CHECK(s.read("counter") == (bumped ? "1" : "0"));

    std::vector<std::string> keys;
    for (const auto& entry : s.list("", tote::ListOptions{true, ""})) keys.push_back(entry.key);
    CHECK(keys == std::vector<std::string>{"b/1", "b/2", "claim", "counter", "k/1", "k/3", "log"});
}

TEST_CASE("a statement cut off in flight is repeated if that is safe, else fails with an unknown outcome") {
    PgServer server;
    // One connection, so every statement below is already prepared on it when the lock stops it: what is cut off
    // is the statement itself, sent and waiting.
    Store s = open_pg(server.url(), {{"table", "cut"}, {"pool_size", "1"}, {"retries", "6"}});
    s.write("row", "v1");
    s.append("log", "a");
    s.write("warm", "x", create_only());
    uint64_t version = s.write("counter", "0");
    version = s.write("counter", "1", if_version(version));
    s.remove("warm");
    s.write_batch({{"warm", "x", {}}});
    s.rename("warm", "warmer");
    CHECK(s.read("row") == "v1");
    auto row_lock = [](const std::string& key) {
        return "SELECT 1 FROM public.cut WHERE key = '" + key + "' FOR UPDATE";
    };
    const std::string table_lock = "LOCK TABLE public.cut IN ACCESS EXCLUSIVE MODE";

    SECTION("not repeatable: append, compare-version write, create-only write") {
        auto error = cut_off(server, row_lock("log"), [&] { s.append("log", "b"); });
        REQUIRE(error.has_value());
        CHECK(error->status() == Status::unknown_outcome);
        CHECK(contains(error->what(), "connection lost during append; it may or may not have been applied"));
        CHECK(s.read("log") == "a");  // it was waiting for the lock when the server went: not applied

        error = cut_off(server, row_lock("counter"), [&] { s.write("counter", "2", if_version(version)); });
        REQUIRE(error.has_value());
        CHECK(error->status() == Status::unknown_outcome);
        CHECK(contains(error->what(), "compare-version write; it may or may not have been applied"));
        CHECK(s.read("counter") == "1");

        // A create-only write waits for another transaction's uncommitted insert of the same key.
        error = cut_off(server, "INSERT INTO public.cut VALUES ('claim', '\\x00'::bytea, 1, 0)",
                        [&] { s.write("claim", "mine", create_only()); });
        REQUIRE(error.has_value());
        CHECK(error->status() == Status::unknown_outcome);
        CHECK(contains(error->what(), "create-only write; it may or may not have been applied"));
        CHECK(!s.exists("claim"));  // the other insert died with the restart too
        s.write("claim", "mine", create_only());
        CHECK(s.read("claim") == "mine");
    }
    SECTION("repeatable: write, remove, read, list, and transactions cut off before COMMIT") {
        CHECK(!cut_off(server, row_lock("row"), [&] { s.write("row", "v2"); }).has_value());
        CHECK(s.read("row") == "v2");

        std::string seen;
        CHECK(!cut_off(server, table_lock, [&] { seen = s.read("row"); }).has_value());
        CHECK(seen == "v2");

        size_t listed = 0;
        CHECK(!cut_off(server, table_lock, [&] { listed = s.list("", tote::ListOptions{true, ""}).size(); })
                   .has_value());
        CHECK(listed == 4);  // counter, log, row, warmer

        CHECK(!cut_off(server, row_lock("row"), [&] { s.write_batch({{"new", "n", {}}, {"row", "v3", {}}}); })
                   .has_value());
        CHECK(s.read("row") == "v3");
        CHECK(s.read("new") == "n");

        CHECK(!cut_off(server, row_lock("new"), [&] { s.rename("new", "moved"); }).has_value());
        CHECK(!s.exists("new"));
        CHECK(s.read("moved") == "n");

        bool removed = false;
        CHECK(!cut_off(server, row_lock("moved"), [&] { removed = s.remove("moved"); }).has_value());
        CHECK(removed);
        CHECK(!s.exists("moved"));
    }
}

TEST_CASE("a server stopped mid-session gives unavailable within a bounded time, never a hang") {
    PgServer server;
    Store s = open_pg(server.url(), {{"table", "stopped"}, {"connect_timeout_ms", "2000"}});  // retries 3
    s.write("k", "v");
    s.append("log", "a");
    server.stop();
    // Bound: the backoff (100 + 200 + 400 ms) plus four connection attempts, each refused at once here (or given up
    // after connect_timeout_ms where nothing answers).
    const long long bound = 700 + 4 * 2000;
    const std::vector<std::pair<std::string, std::function<void()>>> operations = {
        {"read", [&] { s.read("k"); }},
        {"stat", [&] { s.stat("k"); }},
        {"list", [&] { s.list("", {}); }},
        {"write", [&] { s.write("k", "w"); }},
        {"create-only write", [&] { s.write("n", "w", create_only()); }},
        {"append", [&] { s.append("log", "b"); }},
        {"remove", [&] { s.remove("k"); }},
        {"rename", [&] { s.rename("k", "j"); }},
        {"batch", [&] { s.write_batch({{"x", "1", {}}}); }},
    };
    for (const auto& [name, op] : operations) {
        INFO(name);
        const auto start = Clock::now();
        const tote::Error e = error_of(op);
        CHECK(e.status() == Status::unavailable);
        CHECK(contains(e.what(), "cannot connect to " + server.address()));
        CHECK(elapsed_ms(start) < bound);
    }
}

TEST_CASE("a statement that waits longer than timeout_ms fails with timeout, and so does a wait for the pool") {
    PgServer server;
    Store s = open_pg(server.url(), {{"table", "slow"}, {"timeout_ms", "500"}, {"pool_size", "1"}});
    s.write("row", "v");
    Session locker(server);
    locker.exec("BEGIN");
    locker.exec("SELECT 1 FROM public.slow WHERE key = 'row' FOR UPDATE");

    auto start = Clock::now();
    tote::Error e = error_of([&] { s.write("row", "w"); });
    CHECK(e.status() == Status::timeout);
    CHECK(contains(e.what(), "57014"));
    CHECK(elapsed_ms(start) >= 400);
    CHECK(elapsed_ms(start) < 3000);
    CHECK(s.read("row") == "v");  // a row lock does not stop readers

    // Two calls at once on a pool of one: one waits for the lock, the other for the connection; both time out.
    std::atomic<int> timeouts{0};
    std::vector<std::thread> threads;
    start = Clock::now();
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&] {
            try {
                s.append("row", "+");
            } catch (const tote::Error& error) {
                if (error.status() == Status::timeout) ++timeouts;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(timeouts == 2);
    CHECK(elapsed_ms(start) < 4000);

    locker.exec("LOCK TABLE public.slow IN ACCESS EXCLUSIVE MODE");  // now readers wait too
    e = error_of([&] { s.read("row"); });
    CHECK(e.status() == Status::timeout);
    locker.exec("ROLLBACK");
    CHECK(s.read("row") == "v");
    s.write("row", "w");
    CHECK(s.read("row") == "w");
}

// Hidden ([.]): run alone, in a process of its own (ctest postgres.abi-1.0), because a plugin serves the lowest ABI
// version any host of the process announced, and this host announces 1.0.
TEST_CASE("a host speaking ABI 1.0 gets unavailable, never the 1.1 unknown outcome", "[.abi-1.0]") {
    PgServer server;
    tote::HostOptions options;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    options.plugin_abi = 0x00010000u;
    const tote::Host host(options);
    tote::OpenOptions open;
    open.create = true;
    open.options = {{"table", "old_host"}, {"pool_size", "1"}};
    Store s = host.open(server.url(), open);
    s.append("log", "a");
    auto error = cut_off(server, "SELECT 1 FROM public.old_host WHERE key = 'log' FOR UPDATE",
                         [&] { s.append("log", "b"); });
    REQUIRE(error.has_value());
    CHECK(error->status() == Status::unavailable);
    CHECK(contains(error->what(), "connection lost during append; it may or may not have been applied"));
    CHECK(!contains(error->what(), "status 15"));
}
