// SPDX-License-Identifier: Apache-2.0
// processes_test.cpp — several processes on one store at once, on every persistent first-party backend: disjoint
// keys, the same keys, create-only races (exactly one winner), compare-version increments (no lost update),
// and JSON lines appended from every process (none torn or interleaved).
#include "process.hpp"
#include "sealed.hpp"
#include "workload.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>

namespace {

constexpr int kWorkers = 4;

struct Fixture {
    std::string scheme;
    tote::test::TempDir dir;
    std::string url;
    std::unique_ptr<tote::Host> host;

    explicit Fixture(std::string s) : scheme(std::move(s)) {
        url = tote::test::url_in(scheme, dir.path());
        host = tote::test::sealed_host();
        tote::OpenOptions create;
        create.create = true;
        host->open(url, create);
    }

    tote::Store store() const { return host->open(url); }

    // Runs kWorkers workers in MODE at once; returns each one's report. Every worker must exit 0.
    std::vector<std::string> run(const std::string& mode, long count, const std::vector<std::string>& extra = {}) {
        std::vector<std::unique_ptr<tote::test::Background>> workers;
        for (int id = 0; id < kWorkers; ++id) {
            std::vector<std::string> argv = {TOTE_WORKER_PATH, "--plugin-dir", TOTE_PLUGIN_BUILD_DIR, "--url", url, mode,
                                             "--id", std::to_string(id), "--count", std::to_string(count)};
            argv.insert(argv.end(), extra.begin(), extra.end());
            workers.push_back(std::make_unique<tote::test::Background>(argv));
        }
        std::vector<std::string> reports;
        for (auto& w : workers) {
            REQUIRE(w->wait() == 0);
            reports.push_back(w->output());
        }
        return reports;
    }
};

}  // namespace

TEST_CASE("processes writing disjoint keys lose nothing") {
    Fixture f(GENERATE(as<std::string>{}, "json", "sqlite"));
    f.run("disjoint", 50);
    tote::Store s = f.store();
    CHECK(s.list("", tote::ListOptions{true, ""}).size() == size_t{kWorkers * 50});
    for (int id = 0; id < kWorkers; ++id)
        for (int n = 0; n < 50; ++n) {
            std::string key = "p" + std::to_string(id) + "/" + std::to_string(n);
            CHECK(tote::test::check_value(key, s.read(key)) == std::optional<uint64_t>(n));
        }
}

TEST_CASE("processes writing the same keys leave each one whole") {
    Fixture f(GENERATE(as<std::string>{}, "json", "sqlite"));
    f.run("same", 60);
    tote::Store s = f.store();
    for (int n = 0; n < 8; ++n) {
        std::string key = "same/" + std::to_string(n);
        INFO(key);
        CHECK(tote::test::check_value(key, s.read(key)).has_value());
    }
    CHECK(s.list("", tote::ListOptions{true, ""}).size() == size_t{8});
}

TEST_CASE("a create-only race between processes has exactly one winner per round") {
    Fixture f(GENERATE(as<std::string>{}, "json", "sqlite"));
    const long rounds = 20;
    const long long start = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count() + 300;
    std::vector<std::string> reports = f.run("create", rounds, {"--start-at", std::to_string(start)});
    std::map<long, std::vector<int>> winners;
    for (int id = 0; id < kWorkers; ++id) {
        std::istringstream in(reports[static_cast<size_t>(id)]);
        std::string tag;
        long round;
        while (in >> tag >> round)
            if (tag == "W") winners[round].push_back(id);
    }
    tote::Store s = f.store();
    for (long round = 0; round < rounds; ++round) {
        INFO("round " << round);
        REQUIRE(winners[round].size() == 1);
        CHECK(s.read("race/" + std::to_string(round)) == "winner " + std::to_string(winners[round][0]));
    }
}

TEST_CASE("compare-version increments from processes lose no update") {
    Fixture f(GENERATE(as<std::string>{}, "json", "sqlite"));
    f.store().write("counter", "0");
    f.run("cas", 25);
    CHECK(f.store().read("counter") == std::to_string(kWorkers * 25));
}

TEST_CASE("JSON lines appended by processes are never torn or interleaved") {
    Fixture f(GENERATE(as<std::string>{}, "json", "sqlite"));
    const long lines = 100;
    f.run("lines", lines);
    std::istringstream in(f.store().read("lines.jsonl"));
    std::map<int, long> next;  // per process, the n expected next
    std::string line;
    size_t total = 0;
    while (std::getline(in, line)) {
        nlohmann::json record = nlohmann::json::parse(line);  // throws on a torn line
        int p = record["p"];
        REQUIRE(record["n"] == next[p]);  // whole, and in each process's order
        ++next[p];
        ++total;
    }
    CHECK(total == size_t{kWorkers * lines});
    for (int id = 0; id < kWorkers; ++id) CHECK(next[id] == lines);
}
