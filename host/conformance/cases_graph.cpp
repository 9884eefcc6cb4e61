// SPDX-License-Identifier: Apache-2.0
// cases_graph.cpp — conformance: the graph layer (tote/graph.hpp) on the plugin under test. The graph is built
// from the plain key/value operations only, so every plugin that writes and lists must hold one: nodes and edges
// with ids no key segment could hold, neighbours and shortest paths checked against an in-memory reference on a
// random graph, the cascade, a crash between the parts of each multi-write operation (through the step hook) and
// check --repair mending it, damage made by hand, and a node-link round trip.
#include "suite.hpp"

#include <tote/graph.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>

namespace tote::conformance {

namespace {

using nlohmann::json;

struct Crash {};  // what the step hook throws: the operation stops there, as if the process died

std::vector<std::string> ids_of(const std::vector<Neighbor>& ns) {
    std::vector<std::string> ids;
    for (const Neighbor& n : ns) ids.push_back(n.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> neighbor_ids(const Graph& g, const std::string& id, Direction d = Direction::out,
                                      unsigned depth = 1, std::vector<std::string> types = {}) {
    NeighborOptions o;
    o.direction = d;
    o.depth = depth;
    o.types = std::move(types);
    return ids_of(g.neighbors(id, o));
}

// Ids that no key segment can hold as they are.
const std::vector<std::string>& hostile_ids() {
    static const std::vector<std::string> ids = {
        "", ".", "..", ".tote", ".hidden", "a/b", "/", "%", "%2F", "100%", "x\x01y", "tab\there", "new\nline",
        "日本語", "\xF0\x9F\x98\x80", "trailing ", " lead", "CON", "a:b", "q?*", std::string(200, 'z')};
    return ids;
}

// An in-memory graph: the reference the random case checks the store's answers against.
struct Reference {
    std::map<std::string, std::vector<EdgeRef>> out, in;

    std::vector<std::pair<std::string, const EdgeRef*>> step(const std::string& node, Direction d,
                                                             const std::set<std::string>& types) const {
        std::vector<std::pair<std::string, const EdgeRef*>> next;
        auto take = [&](const std::map<std::string, std::vector<EdgeRef>>& side, bool forward) {
            auto it = side.find(node);
            if (it == side.end()) return;
            for (const EdgeRef& e : it->second)
                if (types.empty() || types.count(e.type)) next.emplace_back(forward ? e.to : e.from, &e);
        };
        if (d != Direction::in) take(out, true);
        if (d != Direction::out) take(in, false);
        return next;
    }

    // node -> hops, breadth-first from start
    std::map<std::string, unsigned> distances(const std::string& start, Direction d, const std::set<std::string>& types,
                                              unsigned limit) const {
        std::map<std::string, unsigned> dist{{start, 0}};
        std::deque<std::string> queue{start};
        while (!queue.empty()) {
            const std::string node = queue.front();
            queue.pop_front();
            if (limit && dist[node] >= limit) continue;
            for (const auto& [next, edge] : step(node, d, types)) {
                (void)edge;
                if (dist.emplace(next, dist[node] + 1).second) queue.push_back(next);
            }
        }
        return dist;
    }
};

// A path is a chain of real edges, each followed in the allowed direction and of an allowed type.
void check_path(const Graph& g, const Path& p, const std::string& from, const std::string& to, Direction d,
                const std::set<std::string>& types) {
    T_CHECK(!p.nodes.empty());
    T_CHECK_EQ(p.nodes.front(), from);
    T_CHECK_EQ(p.nodes.back(), to);
    T_CHECK_EQ(p.edges.size() + 1, p.nodes.size());
    for (size_t i = 0; i < p.edges.size(); ++i) {
        const EdgeRef& e = p.edges[i];
        const bool forward = e.from == p.nodes[i] && e.to == p.nodes[i + 1];
        const bool backward = e.to == p.nodes[i] && e.from == p.nodes[i + 1];
        T_CHECK(d == Direction::out ? forward : d == Direction::in ? backward : forward || backward);
        T_CHECK(types.empty() || types.count(e.type));
        const std::optional<GraphEdge> doc = g.get_edge(e.id);
        T_CHECK(doc.has_value());
        T_CHECK_EQ(doc->from, e.from);
        T_CHECK_EQ(doc->to, e.to);
        T_CHECK_EQ(doc->type, e.type);
    }
}

// After a repair, every edge document has both entries and every entry its document.
void check_consistent(Graph& g) {
    const GraphCheckReport report = g.check(false);
    if (!report.ok()) T_FAIL("check found problems: " + show(report.problems));
}

}  // namespace

void add_graph_cases(std::vector<Case>& cases) {
    const uint64_t need = TOTE_CAP_WRITE | TOTE_CAP_LIST | TOTE_CAP_CREATE_ONLY;  // creating a node or edge refuses an existing one

    cases.push_back({"graph: nodes are created, read, merged and removed; any string is an id", need, [](Fixture& f) {
        Graph g(f.store(), "kg");
        g.create_node("alice", {{"kind", "person"}, {"age", 36}});
        T_CHECK(g.has_node("alice"));
        T_CHECK_EQ(g.get_node("alice")->properties, (json{{"kind", "person"}, {"age", 36}}));
        T_CHECK_STATUS(g.create_node("alice"), Status::already_exists);
        T_CHECK_STATUS(g.create_node("bob", json::array()), Status::invalid_argument);
        const GraphNode merged = g.update_node("alice", {{"age", nullptr}, {"city", "Oslo"}});
        T_CHECK_EQ(merged.properties, (json{{"kind", "person"}, {"city", "Oslo"}}));
        T_CHECK_EQ(g.get_node("alice")->properties, merged.properties);
        T_CHECK_STATUS(g.update_node("nobody", json::object()), Status::not_found);
        T_CHECK(!g.get_node("nobody").has_value());
        const std::string generated = g.create_node_with_new_id(json{{"x", 1}});
        T_CHECK(g.has_node(generated));
        T_CHECK(generated != g.create_node_with_new_id(json::object()));

        std::set<std::string> expected{"alice", generated};
        for (const std::string& id : hostile_ids()) {
            g.create_node(id, {{"id", id}});
            expected.insert(id);
        }
        for (const std::string& id : hostile_ids()) T_CHECK_EQ(g.get_node(id)->properties["id"].get<std::string>(), id);
        std::set<std::string> listed;
        g.nodes(Filter(), [&](const GraphNode& n) {
            listed.insert(n.id);
            return true;
        });
        for (const std::string& id : expected) T_CHECK(listed.count(id));
        T_CHECK_STATUS(g.create_node(std::string(300, 'y')), Status::invalid_argument);  // too long for a segment
        T_CHECK_STATUS(g.create_node("bad\xFF"), Status::invalid_argument);             // not UTF-8
        T_CHECK(g.remove_node("alice"));
        T_CHECK(!g.remove_node("alice"));
        T_CHECK(!g.has_node("alice"));
        check_consistent(g);
    }});

    cases.push_back({"graph: edges are created, read, merged, listed and removed", need, [](Fixture& f) {
        Graph g(f.store(), "memory/kg");
        for (const char* id : {"a", "b", "c"}) g.create_node(id);
        const std::string ab = g.create_edge("a", "b", "knows", {{"since", 2020}});
        const std::string ac = g.create_edge("a", "c", "works_with");
        const std::string ca = g.create_edge("c", "a", "knows", json::object(), "my/edge id");
        T_CHECK_EQ(ca, std::string("my/edge id"));
        T_CHECK_EQ(g.create_edge("b", "c", "empty id", json::object(), std::string_view()), std::string());
        T_CHECK_EQ(g.get_edge("")->to, std::string("c"));  // "" is an id like any other
        T_CHECK(g.remove_edge(""));
        T_CHECK(ab != ac);
        T_CHECK_STATUS(g.create_edge("a", "b", "knows", json::object(), "my/edge id"), Status::already_exists);
        T_CHECK_STATUS(g.create_edge("a", "zed", "knows"), Status::not_found);
        T_CHECK_STATUS(g.create_edge("zed", "a", "knows"), Status::not_found);
        const std::optional<GraphEdge> e = g.get_edge(ab);
        T_CHECK(e.has_value());
        T_CHECK_EQ(e->from, std::string("a"));
        T_CHECK_EQ(e->to, std::string("b"));
        T_CHECK_EQ(e->type, std::string("knows"));
        T_CHECK_EQ(e->properties, (json{{"since", 2020}}));
        T_CHECK_EQ(g.update_edge(ab, {{"weight", 0.5}}).properties, (json{{"since", 2020}, {"weight", 0.5}}));
        T_CHECK_EQ(g.get_edge(ab)->properties["weight"].get<double>(), 0.5);
        T_CHECK_STATUS(g.update_edge("nope", json::object()), Status::not_found);

        T_CHECK_EQ(g.edges_of("a", Direction::out).size(), size_t{2});
        T_CHECK_EQ(g.edges_of("a", Direction::in).size(), size_t{1});
        T_CHECK_EQ(g.edges_of("a", Direction::both).size(), size_t{3});
        const std::string loop = g.create_edge("b", "b", "self");
        T_CHECK_EQ(g.edges_of("b", Direction::both, {"self"}).size(), size_t{1});  // a self-loop once, not twice
        T_CHECK(g.remove_edge(loop));
        const std::vector<EdgeRef> knows = g.edges_of("a", Direction::both, {"knows"});
        T_CHECK_EQ(knows.size(), size_t{2});
        for (const EdgeRef& k : knows) T_CHECK_EQ(k.type, std::string("knows"));
        T_CHECK(g.edges_of("a", Direction::in)[0] == (EdgeRef{ca, "c", "a", "knows"}));

        size_t all = 0;
        g.edges([&](const GraphEdge&) { return ++all, true; });
        T_CHECK_EQ(all, size_t{3});
        T_CHECK(g.remove_edge(ab));
        T_CHECK(!g.remove_edge(ab));
        T_CHECK(!g.get_edge(ab).has_value());
        T_CHECK_EQ(neighbor_ids(g, "a"), std::vector<std::string>{"c"});
        T_CHECK_EQ(neighbor_ids(g, "b", Direction::in), std::vector<std::string>{});
        check_consistent(g);
    }});

    cases.push_back({"graph: neighbours by direction, type and depth; self-loops and parallel edges", need,
                     [](Fixture& f) {
        Graph g(f.store(), "kg");
        for (const char* id : {"a", "b", "c", "d", "e"}) g.create_node(id);
        g.create_edge("a", "b", "x");
        g.create_edge("a", "b", "x");  // parallel: b is still one neighbour
        g.create_edge("a", "a", "x");  // a self-loop: a is never its own neighbour
        g.create_edge("b", "c", "y");
        g.create_edge("c", "d", "x");
        g.create_edge("e", "a", "y");
        using V = std::vector<std::string>;
        T_CHECK_EQ(neighbor_ids(g, "a"), V{"b"});
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::out, 2), (V{"b", "c"}));
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::out, 3), (V{"b", "c", "d"}));
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::out, 9), (V{"b", "c", "d"}));
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::in), V{"e"});
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::both), (V{"b", "e"}));
        T_CHECK_EQ(neighbor_ids(g, "a", Direction::out, 3, {"x"}), V{"b"});
        T_CHECK_EQ(neighbor_ids(g, "d", Direction::in, 5, {"x", "y"}), (V{"a", "b", "c", "e"}));
        T_CHECK_EQ(neighbor_ids(g, "d", Direction::in, 5, {"x"}), V{"c"});
        const std::vector<Neighbor> ns = g.neighbors("a", NeighborOptions{Direction::out, {}, 3});
        T_CHECK_EQ(ns.size(), size_t{3});
        T_CHECK_EQ(ns[0].depth, 1u);  // breadth-first: by depth
        T_CHECK_EQ(ns[2].depth, 3u);
        T_CHECK_EQ(ns[2].via.to, std::string("d"));
        size_t seen = 0;
        g.neighbors("a", NeighborOptions{Direction::out, {}, 3}, [&](const Neighbor&) { return ++seen < 2; });
        T_CHECK_EQ(seen, size_t{2});  // the stream stops when asked
        T_CHECK_STATUS(g.neighbors("nobody"), Status::not_found);
        T_CHECK_STATUS(g.neighbors("a", NeighborOptions{Direction::out, {}, 0}), Status::invalid_argument);
    }});

    cases.push_back({"graph: shortest paths, by direction, type and maximum depth", need, [](Fixture& f) {
        Graph g(f.store(), "kg");
        // a -> b -> c -> d -> e, and a shortcut a -> x -> e of another type
        for (const char* id : {"a", "b", "c", "d", "e", "x", "island"}) g.create_node(id);
        g.create_edge("a", "b", "road");
        g.create_edge("b", "c", "road");
        g.create_edge("c", "d", "road");
        g.create_edge("d", "e", "road");
        g.create_edge("a", "x", "air");
        g.create_edge("x", "e", "air");
        using V = std::vector<std::string>;
        std::optional<Path> p = g.shortest_path("a", "e");
        T_CHECK(p.has_value());
        T_CHECK_EQ(p->nodes, (V{"a", "x", "e"}));
        check_path(g, *p, "a", "e", Direction::out, {});
        p = g.shortest_path("a", "e", PathOptions{Direction::out, {"road"}, 0});
        T_CHECK_EQ(p->nodes, (V{"a", "b", "c", "d", "e"}));
        check_path(g, *p, "a", "e", Direction::out, {"road"});
        T_CHECK(!g.shortest_path("a", "e", PathOptions{Direction::out, {"road"}, 3}).has_value());
        T_CHECK(g.shortest_path("a", "e", PathOptions{Direction::out, {"road"}, 4}).has_value());
        T_CHECK(!g.shortest_path("e", "a").has_value());  // against the edges' direction
        p = g.shortest_path("e", "a", PathOptions{Direction::in, {}, 0});
        T_CHECK_EQ(p->nodes, (V{"e", "x", "a"}));
        check_path(g, *p, "e", "a", Direction::in, {});
        p = g.shortest_path("d", "b", PathOptions{Direction::both, {}, 0});
        T_CHECK_EQ(p->nodes, (V{"d", "c", "b"}));
        T_CHECK_EQ(g.shortest_path("c", "c")->nodes, V{"c"});
        T_CHECK(!g.shortest_path("a", "island", PathOptions{Direction::both, {}, 0}).has_value());
        T_CHECK_STATUS(g.shortest_path("a", "nobody"), Status::not_found);
    }});

    cases.push_back({"graph: neighbours and paths agree with a reference on a random graph", need, [](Fixture& f) {
        Graph g(f.store(), "random");
        std::mt19937 rng(20261203);
        const int n = 40;
        const char* const types[] = {"p", "q", "r"};
        Reference ref;
        GraphBatch batch;
        for (int i = 0; i < n; ++i) batch.put_node("n" + std::to_string(i));
        g.apply(batch);
        batch.clear();
        for (int i = 0; i < 90; ++i) {
            const std::string from = "n" + std::to_string(rng() % n), to = "n" + std::to_string(rng() % n);
            const std::string type = types[rng() % 3];
            // half through create_edge, half through a batch
            const std::string id = i % 2 ? g.create_edge(from, to, type) : batch.put_edge(from, to, type);
            ref.out[from].push_back(EdgeRef{id, from, to, type});
            ref.in[to].push_back(EdgeRef{id, from, to, type});
        }
        g.apply(batch);
        for (int trial = 0; trial < 60; ++trial) {
            const std::string a = "n" + std::to_string(rng() % n), b = "n" + std::to_string(rng() % n);
            const Direction d = static_cast<Direction>(rng() % 3);
            std::set<std::string> only;
            if (rng() % 3 == 0) only = {types[rng() % 3]};
            const unsigned depth = 1 + rng() % 3;
            std::vector<std::string> expected;
            for (const auto& [node, hops] : ref.distances(a, d, only, depth))
                if (hops > 0) expected.push_back(node);
            const std::vector<std::string> type_list(only.begin(), only.end());
            const std::string context = "trial " + std::to_string(trial) + " from " + a + " to " + b;
            if (neighbor_ids(g, a, d, depth, type_list) != expected) T_FAIL("neighbours differ, " + context);
            const std::map<std::string, unsigned> dist = ref.distances(a, d, only, 0);
            const std::optional<Path> p = g.shortest_path(a, b, PathOptions{d, type_list, 0});
            if (dist.count(b) != (p ? 1u : 0u)) T_FAIL("a path where there is none, or none where there is, " + context);
            if (!p) continue;
            if (p->edges.size() != dist.at(b)) T_FAIL("not a shortest path, " + context);
            check_path(g, *p, a, b, d, only);
        }
        check_consistent(g);
    }});

    cases.push_back({"graph: removing a node removes every edge to or from it", need, [](Fixture& f) {
        Graph g(f.store(), "kg");
        for (const char* id : {"hub", "a", "b", "c"}) g.create_node(id);
        for (const char* id : {"a", "b", "c"}) {
            g.create_edge("hub", id, "out");
            g.create_edge(id, "hub", "in");
        }
        g.create_edge("hub", "hub", "self");
        g.create_edge("a", "b", "keep");
        T_CHECK(g.remove_node("hub"));
        T_CHECK(!g.has_node("hub"));
        for (const char* id : {"a", "b", "c"}) T_CHECK(g.edges_of(id, Direction::both, {"out", "in"}).empty());
        T_CHECK_EQ(neighbor_ids(g, "a"), std::vector<std::string>{"b"});
        size_t left = 0;
        g.edges([&](const GraphEdge&) { return ++left, true; });
        T_CHECK_EQ(left, size_t{1});
        T_CHECK(f.store().list("kg/out/hub", ListOptions{true, ""}).empty());
        T_CHECK(f.store().list("kg/in/hub", ListOptions{true, ""}).empty());
        check_consistent(g);
    }});

    cases.push_back({"graph: a crash between the parts of a write leaves what check --repair mends", need,
                     [](Fixture& f) {
        // Each multi-write operation, stopped before each of its steps in turn: afterwards check() either finds
        // nothing or finds problems that check(true) mends, and the edge is then wholly there or wholly gone.
        enum Op { create_edge, remove_edge, remove_node };
        for (Op op : {create_edge, remove_edge, remove_node}) {
            for (int stop_at = 0;; ++stop_at) {
                Graph g(f.store(), "crash-" + std::to_string(op) + "-" + std::to_string(stop_at));
                g.create_node("a");
                g.create_node("b");
                std::string id = op == create_edge ? "e" : g.create_edge("a", "b", "t", json::object(), "e");
                int steps = 0;
                bool crashed = false;
                g.set_step_hook([&](std::string_view) {
                    if (steps++ == stop_at) throw Crash{};
                });
                try {
                    if (op == create_edge) g.create_edge("a", "b", "t", json::object(), "e");
                    if (op == remove_edge) g.remove_edge("e");
                    if (op == remove_node) g.remove_node("b");
                } catch (const Crash&) {
                    crashed = true;
                }
                g.set_step_hook(nullptr);
                if (!crashed) break;  // stopped after the last step: every step has been tried
                const GraphCheckReport found = g.check(false);
                const GraphCheckReport mended = g.check(true);
                T_CHECK_EQ(mended.problems.size(), found.problems.size());
                T_CHECK_EQ(mended.repaired, uint64_t(found.problems.size()));
                check_consistent(g);
                const bool doc = g.get_edge("e").has_value();
                const bool listed = !g.edges_of("a", Direction::out).empty();
                const bool listed_in = g.has_node("b") && !g.edges_of("b", Direction::in).empty();
                T_CHECK_EQ(listed, doc);
                T_CHECK_EQ(listed_in, doc);
                if (op == remove_node) T_CHECK(!doc || g.has_node("b"));
            }
        }
    }});

    cases.push_back({"graph: check finds damage done by hand and --repair mends it", need, [](Fixture& f) {
        Store& s = f.store();
        Graph g(s, "kg");
        for (const char* id : {"a", "b", "c"}) g.create_node(id);
        const std::string ab = g.create_edge("a", "b", "t");
        const std::string bc = g.create_edge("b", "c", "t");
        const std::string ca = g.create_edge("c", "a", "t");
        T_CHECK(g.check().ok());
        s.remove("kg/in/b/t/a/" + ab);          // a missing entry
        s.write("kg/out/c/t/b/ghost", "");      // an entry with no document
        s.write("kg/out/a/zz/c/" + bc, "");     // an entry that disagrees with its document
        s.remove("kg/nodes/a");                 // edges to a node that is gone (ab, ca)
        const GraphCheckReport found = g.check();
        T_CHECK_EQ(found.problems.size(), size_t{4});  // the missing entry is ab's, which goes with node a
        T_CHECK_EQ(found.nodes, uint64_t{2});
        T_CHECK_EQ(found.edges, uint64_t{3});
        T_CHECK_EQ(g.check(true).repaired, uint64_t{4});
        check_consistent(g);
        T_CHECK(!g.get_edge(ab).has_value());
        T_CHECK(!g.get_edge(ca).has_value());
        T_CHECK(g.get_edge(bc).has_value());
        T_CHECK_EQ(neighbor_ids(g, "b"), std::vector<std::string>{"c"});
        T_CHECK_EQ(neighbor_ids(g, "c"), std::vector<std::string>{});
        // Reported, never guessed at: a document that is not JSON, a key outside the layout, an entry that is not
        // <node>/<type>/<node>/<edge>, and ids under keys tote would not write for them ("%62" is "b").
        s.write("kg/edges/junk", "not json");
        s.write("kg/stray", "x");
        s.write("kg/out/onlyone", "");
        s.write("kg/nodes/%62", "{}");
        const GraphCheckReport junk = g.check(true);
        T_CHECK_EQ(junk.problems.size(), size_t{4});
        T_CHECK_EQ(junk.repaired, uint64_t{0});
        for (const char* key : {"kg/edges/junk", "kg/stray", "kg/out/onlyone", "kg/nodes/%62"}) T_CHECK(s.exists(key));
    }});

    cases.push_back({"graph: an edge whose keys could not be written is refused before anything is", need,
                     [](Fixture& f) {
        Graph g(f.store(), "kg");
        const std::string a(255, 'a'), b(255, 'b'), type(255, 't'), id(255, 'e');
        g.create_node(a);
        g.create_node(b);
        T_CHECK_STATUS(g.create_edge(a, b, type, json::object(), id), Status::invalid_argument);  // > 1024 bytes
        T_CHECK(!g.get_edge(id).has_value());
        T_CHECK(g.edges_of(a).empty());
        T_CHECK(g.check().ok());
        GraphBatch batch;
        batch.put_edge(a, b, type, json::object(), id);
        T_CHECK_STATUS(g.apply(batch), Status::invalid_argument);
        T_CHECK(!g.get_edge(id).has_value());
        // Importing: a file at fault (a long key, a link to a node nowhere) writes nothing at all.
        json data = json::parse(R"({"nodes": [{"id": "x"}, {"id": "y"}], "links": [{"source": "x", "target": "y"}]})");
        data["links"].push_back({{"source", "x"}, {"target", "ghost"}});
        T_CHECK_STATUS(g.import_node_link(data), Status::not_found);
        T_CHECK(!g.has_node("x"));
        // A C++ {} is null: no properties, not an error.
        g.create_node("n", {});
        T_CHECK_EQ(g.get_node("n")->properties, json::object());
    }});

    cases.push_back({"graph: content search over node properties", need, [](Fixture& f) {
        Graph g(f.store(), "kg");
        g.create_node("alice", {{"kind", "person"}, {"age", 36}, {"tags", {"ml", "go"}}});
        g.create_node("bob", {{"kind", "person"}, {"age", 25}});
        g.create_node("acme", {{"kind", "company"}});
        g.create_edge("alice", "acme", "works_at");
        auto ids = [&](const std::string& filter) {
            std::vector<std::string> out;
            for (const GraphNode& n : g.find_nodes(Filter::parse(filter))) out.push_back(n.id);
            return out;
        };
        using V = std::vector<std::string>;
        T_CHECK_EQ(ids(R"({"kind": "person"})"), (V{"alice", "bob"}));
        T_CHECK_EQ(ids(R"({"age": {"$gt": 30}})"), V{"alice"});
        T_CHECK_EQ(ids(R"({"tags": {"$contains": "ml"}})"), V{"alice"});
        T_CHECK_EQ(ids("{}"), (V{"acme", "alice", "bob"}));  // nodes only: never edge documents
        T_CHECK_EQ(g.find_nodes(Filter::parse(R"({"kind": "company"})"))[0].properties["kind"], json("company"));
    }});

    cases.push_back({"graph: node-link JSON round trip gives the same graph", need, [](Fixture& f) {
        Graph g(f.store(), "src");
        for (const std::string& id : {std::string("a"), std::string("b/c"), std::string(""), std::string("日本")})
            g.create_node(id, {{"label", "L" + id}});
        g.create_edge("a", "b/c", "t", {{"w", 1}}, "e1");
        g.create_edge("b/c", "", "u");
        g.create_edge("", "日本", "t");
        std::string text;
        g.export_node_link([&](std::string_view piece) { text += piece; });
        const json data = json::parse(text);
        T_CHECK(data["directed"].get<bool>());
        T_CHECK(data["multigraph"].get<bool>());
        T_CHECK_EQ(data["nodes"].size(), size_t{4});
        T_CHECK_EQ(data["links"].size(), size_t{3});
        Graph copy(f.store(), "dst");
        copy.import_node_link(data);
        copy.import_node_link(data);  // again: the same ids, replaced, nothing doubled
        T_CHECK_EQ(copy.get_node("b/c")->properties, (json{{"label", "Lb/c"}}));
        T_CHECK_EQ(copy.get_edge("e1")->properties, (json{{"w", 1}}));
        for (const std::string& id : {std::string("a"), std::string("b/c"), std::string(""), std::string("日本")})
            for (Direction d : {Direction::out, Direction::in})
                T_CHECK_EQ(neighbor_ids(copy, id, d, 3), neighbor_ids(g, id, d, 3));
        T_CHECK_EQ(copy.shortest_path("a", "日本")->nodes, g.shortest_path("a", "日本")->nodes);
        check_consistent(copy);
        g.update_node("a", {{"id", "clash"}});
        T_CHECK_STATUS(g.export_node_link([](std::string_view) {}), Status::unsupported);
        T_CHECK_STATUS(copy.import_node_link(json{{"nodes", 1}}), Status::invalid_argument);
        T_CHECK_STATUS(copy.import_node_link(json::parse(R"({"nodes": [], "links": [{"source": "a", "target": "zz"}]})")),
                       Status::not_found);
    }});
}

}  // namespace tote::conformance
