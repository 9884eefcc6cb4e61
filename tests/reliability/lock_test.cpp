// SPDX-License-Identifier: Apache-2.0
// lock_test.cpp — named locks across processes: a live holder keeps a lock busy; a holder killed with SIGKILL
// leaves a record that is recognised as stale (its process is gone) and taken over; the CLI shows and breaks it.
#include "process.hpp"
#include "sealed.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

namespace {

std::vector<std::string> worker(const std::string& url, int id) {
    return {TOTE_WORKER_PATH, "--plugin-dir", TOTE_PLUGIN_BUILD_DIR, "--url", url, "lock", "--id", std::to_string(id)};
}

// Waits until the worker reports that it holds the lock.
void wait_held(tote::test::Background& w) {
    for (int i = 0; i < 200 && w.output().find("held") == std::string::npos; ++i) w.drain(50);
    REQUIRE(w.output().find("held") != std::string::npos);
}

}  // namespace

TEST_CASE("a lock held by a live process is busy; once the process is killed it is stale and taken over") {
    const std::string scheme = GENERATE(as<std::string>{}, "json", "sqlite");
    tote::test::TempDir dir;
    const std::string url = tote::test::url_in(scheme, dir.path());
    tote::OpenOptions create;
    create.create = true;
    tote::Store store = tote::test::sealed_host()->open(url, create);

    tote::test::Background first(worker(url, 1));
    wait_held(first);
    REQUIRE(store.is_locked("job"));
    auto info = store.lock_info("job");
    CHECK(info->owner == "worker 1");
    CHECK(!info->stale);
    try {
        store.lock("job");
        FAIL("took a lock a live process holds");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::busy);
        CHECK(std::string(e.what()).find("held by worker 1") != std::string::npos);
    }
    tote::test::Background rival(worker(url, 2));
    CHECK(rival.wait() == 1);  // busy: the rival gives up

    auto ls = tote::test::run({TOTE_CLI_PATH, "lock", "ls", "--json", url});
    REQUIRE(ls.exit_code == 0);
    auto listed = nlohmann::json::parse(ls.out);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["name"] == "job");
    CHECK(listed[0]["stale"] == false);

    first.kill(SIGKILL);
    CHECK(first.wait() == -SIGKILL);
    info = store.lock_info("job");
    REQUIRE(info.has_value());
    CHECK(info->stale);
    CHECK(info->stale_reason.find("on this host is gone") != std::string::npos);
    CHECK(!store.is_locked("job"));
    auto text = tote::test::run({TOTE_CLI_PATH, "lock", "ls", url});
    INFO("tote lock ls: " << text.out << text.err);
    CHECK(text.out.find("job  stale: process ") == 0);

    tote::test::Background third(worker(url, 3));
    wait_held(third);  // took the stale lock over
    CHECK(store.lock_info("job")->owner == "worker 3");
    third.kill(SIGKILL);
    third.wait();

    auto rm = tote::test::run({TOTE_CLI_PATH, "lock", "rm", url, "job"});
    CHECK(rm.exit_code == 0);
    CHECK(!store.lock_info("job").has_value());
    CHECK(tote::test::run({TOTE_CLI_PATH, "lock", "rm", url, "job"}).exit_code == 3);
    CHECK(store.list("", tote::ListOptions{true, ""}).empty());
}
