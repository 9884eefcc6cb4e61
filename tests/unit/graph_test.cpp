// SPDX-License-Identifier: Apache-2.0
// graph_test.cpp — the graph layer's pieces that the conformance suite cannot reach from one process: the id
// encoding (reversible, always a valid key segment, distinct ids to distinct segments), and several processes
// writing edges to and merging properties into one node at once, on json and sqlite, without losing any.
#include "key.hpp"
#include "process.hpp"

#include <tote/graph.hpp>
#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

namespace {

std::string random_id(std::mt19937& rng) {
    static const std::vector<std::string> pieces = {"a", "/", "%", ".", "..", " ", "\x01", "\x7f", "é", "日本",
                                                    "\xF0\x9F\x98\x80", "%2F", ".tote", "Z", "-", ":"};
    std::string id;
    for (size_t n = rng() % 6; n > 0; --n) id += pieces[rng() % pieces.size()];
    return id;
}

}  // namespace

TEST_CASE("graph ids become valid key segments and come back unchanged") {
    using tote::Graph;
    CHECK(Graph::encode_segment("") == "%");
    CHECK(Graph::encode_segment("a/b") == "a%2Fb");
    CHECK(Graph::encode_segment("100%") == "100%25");
    CHECK(Graph::encode_segment(".tote") == "%2Etote");
    CHECK(Graph::encode_segment("a.b") == "a.b");
    CHECK(Graph::encode_segment("tab\t") == "tab%09");
    CHECK(Graph::decode_segment("a%2fb") == "a/b");  // lower-case hex is read too
    CHECK_THROWS_AS(Graph::decode_segment("a%2"), tote::Error);
    CHECK_THROWS_AS(Graph::decode_segment("a%zz"), tote::Error);
    CHECK_THROWS_AS(Graph::encode_segment("\xC3"), tote::Error);
    CHECK_THROWS_AS(Graph::encode_segment(std::string(86, '/')), tote::Error);  // 258 bytes encoded
    CHECK_NOTHROW(Graph::encode_segment(std::string(85, '/')));                 // 255

    std::mt19937 rng(7);
    std::set<std::string> ids, segments;
    for (int i = 0; i < 5000; ++i) {
        const std::string id = random_id(rng);
        const std::string segment = Graph::encode_segment(id);
        INFO("id " << tote::detail::quote(id) << " segment " << segment);
        CHECK(Graph::decode_segment(segment) == id);
        CHECK_NOTHROW(tote::detail::validate_key("g/" + segment + "/x"));
        if (ids.insert(id).second) CHECK(segments.insert(segment).second);  // distinct ids, distinct segments
    }
}

TEST_CASE("several processes adding edges to one node and merging its properties lose nothing") {
    const std::string scheme = GENERATE(std::string("json"), std::string("sqlite"));
    tote::test::TempDir dir;
    const std::string url = scheme == "json" ? "json://" + dir.path() + "/store" : "sqlite://" + dir.path() + "/g.db";
    auto open = [&] {
        tote::HostOptions options;
        options.plugin_dirs.emplace_back(TOTE_PLUGIN_BUILD_DIR);
        options.use_environment = false;
        options.builtin_plugins = false;
        tote::OpenOptions create;
        create.create = true;
        return std::make_pair(std::make_unique<tote::Host>(options), create);
    };
    {
        auto [host, create] = open();
        tote::Graph(host->open(url, create), "kg").create_node("hub");
    }
    constexpr int kProcesses = 4, kNodes = 25;
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int rc = 0;
            try {  // each child its own host and store: nothing opened before the fork is shared
                auto [host, create] = open();
                tote::Graph g(host->open(url, create), "kg");
                for (int i = 0; i < kNodes; ++i) {
                    const std::string me = "w" + std::to_string(p) + "-" + std::to_string(i);
                    g.create_node(me);
                    g.create_edge(me, "hub", "to_hub");
                    g.create_edge("hub", me, "from_hub");
                    if (i > 0) g.create_edge("w" + std::to_string(p) + "-" + std::to_string(i - 1), me, "next");
                    g.update_node("hub", {{me, i}});
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child %d: %s\n", p, e.what());
                rc = 1;
            }
            ::_exit(rc);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    auto [host, create] = open();
    tote::Graph g(host->open(url, create), "kg");
    CHECK(g.neighbors("hub", {tote::Direction::in, {"to_hub"}, 1}).size() == kProcesses * kNodes);
    CHECK(g.neighbors("hub", {tote::Direction::out, {"from_hub"}, 1}).size() == kProcesses * kNodes);
    CHECK(g.get_node("hub")->properties.size() == size_t{kProcesses * kNodes});  // every merge kept
    CHECK(g.shortest_path("w0-0", "w0-24", {tote::Direction::out, {"next"}, 0})->nodes.size() == 25);
    const tote::GraphCheckReport report = g.check();
    CHECK(report.ok());
    CHECK(report.edges == uint64_t{kProcesses * (3 * kNodes - 1)});
}

TEST_CASE("the database backends remove a graph's keys in one atomic batch; json one at a time, in order") {
    tote::HostOptions options;
    options.plugin_dirs.emplace_back(TOTE_PLUGIN_BUILD_DIR);
    options.use_environment = false;
    options.builtin_plugins = false;
    tote::Host host(options);
    tote::test::TempDir dir;
    tote::OpenOptions create;
    create.create = true;
    CHECK(host.open("sqlite://" + dir.path() + "/s.db", create).batch_removes_atomically());
    CHECK_FALSE(host.open("json://" + dir.path() + "/j", create).batch_removes_atomically());
    options.plugin_abi = 0x00010000u;  // a host speaking ABI 1.0 never sends a 1.1 remove op
    tote::Host old(options);
    CHECK_FALSE(old.open("sqlite://" + dir.path() + "/s.db", create).batch_removes_atomically());
}
