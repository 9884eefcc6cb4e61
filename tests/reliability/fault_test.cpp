// SPDX-License-Identifier: Apache-2.0
// fault_test.cpp — the host's error paths driven by the fault layer (plugins/fault) on each file backend: a failure
// injected at a chosen operation must come out as that status, name the key, and leave the store as the host
// promises (an atomic batch: nothing; the one-at-a-time fallbacks: the operations before the failure, and never
// a half-written value).
#include "sealed.hpp"

#include "process.hpp"

#include <catch2/catch.hpp>

namespace {

tote::OpenOptions with_fault(std::map<std::string, std::string> plan) {
    tote::OpenOptions options;
    options.create = true;
    options.layers = {{"fault", std::move(plan)}};
    return options;
}

std::string what_of(const std::function<void()>& fn, tote::Status expected) {
    try {
        fn();
    } catch (const tote::Error& e) {
        CHECK(e.status() == expected);
        return e.what();
    }
    FAIL("no error");
    return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("an injected failure comes out with its status and key, and the store stays as promised") {
    const std::string scheme = GENERATE(as<std::string>{}, "json", "sqlite");
    tote::test::TempDir dir;
    const std::string url = tote::test::url_in(scheme, dir.path());
    const auto host = tote::test::sealed_host();
    tote::OpenOptions create;
    create.create = true;
    tote::Store bare = host->open(url, create);
    bare.write("keep", "old");

    SECTION("a write batch failing at its third write") {
        tote::Store s = host->open(url, with_fault({{"fail_op", "write"}, {"fail_nth", "3"}, {"fail_status", "no_space"}}));
        // Over json the host writes one key at a time (no atomic batch): the first two stay. Over sqlite the batch
        // is atomic and goes down whole as one "batch" operation, which this plan does not count: it succeeds.
        const std::vector<tote::BatchWrite> batch = {{"a", "1", {}}, {"b", "2", {}}, {"keep", "new", {}}, {"d", "4", {}}};
        if (s.batch_is_atomic()) {
            s.write_batch(batch);
            CHECK(bare.read("keep") == "new");
        } else {
            const std::string what = what_of([&] { s.write_batch(batch); }, tote::Status::no_space);
            CHECK(has(what, "fault: injected failure of write #3 ('keep')"));
            CHECK(bare.read("a") == "1");
            CHECK(bare.read("b") == "2");
            CHECK(bare.read("keep") == "old");  // the failed write changed nothing
            CHECK(!bare.exists("d"));           // and nothing after it was tried
        }
    }
    SECTION("an atomic batch failing as a whole writes nothing") {
        tote::Store s = host->open(url, with_fault({{"fail_op", "batch"}, {"fail_nth", "1"}, {"fail_status", "io"}}));
        if (s.batch_is_atomic()) {
            what_of([&] { s.write_batch({{"a", "1", {}}, {"keep", "new", {}}}); }, tote::Status::io);
            CHECK(!bare.exists("a"));
            CHECK(bare.read("keep") == "old");
        }
    }
    SECTION("a conditional append whose rewrite fails leaves the value as it was") {
        // checksum offers no tote.append/1, so the host appends conditionally by reading the value and writing it
        // back if unchanged; the write below checksum fails.
        tote::OpenOptions stacked = with_fault({{"fail_op", "write"}, {"fail_nth", "1"}, {"fail_status", "unavailable"}});
        stacked.layers.insert(stacked.layers.begin(), {"checksum", {}});
        tote::OpenOptions plain;
        plain.layers = {{"checksum", {}}};
        host->open(url, plain).write("log", "abc");
        tote::Store s = host->open(url, stacked);
        REQUIRE(!s.offers("tote.append/1"));
        tote::AppendOptions conditional;
        conditional.if_size = 3;
        const std::string what = what_of([&] { s.append("log", "def", conditional); }, tote::Status::unavailable);
        CHECK(has(what, "fault: injected failure of write #1 ('log')"));
        CHECK(host->open(url, plain).read("log") == "abc");
        s.append("log", "def", conditional);  // the next try goes through
        CHECK(host->open(url, plain).read("log") == "abcdef");
    }
    SECTION("a failed read is reported with its status and key, not as a missing key") {
        tote::Store s = host->open(url, with_fault({{"fail_op", "read"}, {"fail_nth", "1"}, {"fail_status", "timeout"}}));
        const std::string what = what_of([&] { (void)s.read("keep"); }, tote::Status::timeout);
        CHECK(has(what, "'keep'"));
        CHECK(s.read("keep") == "old");  // only the first read was planned to fail
    }
    SECTION("slow operations are only slow") {
        tote::Store s = host->open(url, with_fault({{"latency_ms", "20"}}));
        s.write("slow", "value");
        CHECK(s.read("slow") == "value");
    }
}
