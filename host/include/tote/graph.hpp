// SPDX-License-Identifier: Apache-2.0
// tote/graph.hpp — a property graph (nodes and typed edges, each with a JSON object of properties) kept under one
// prefix of any store, over the plain key/value operations: every backend, first-party or not, holds graphs, and
// `tote cp` moves them between backends unchanged.
//
//   tote::Graph kg(host.open("sqlite://memory.db", {true}), "kg");
//   kg.create_node("alice", {{"kind", "person"}});
//   kg.create_node("acme", {{"kind", "company"}});
//   std::string e = kg.create_edge("alice", "acme", "works_at", {{"since", 2021}});
//   for (const tote::Neighbor& n : kg.neighbors("alice")) ...          // "acme", 1 hop, via e
//   std::optional<tote::Path> p = kg.shortest_path("alice", "bob");
//
// The key layout (docs/graph.md has it with examples), under the graph's prefix P:
//   P/nodes/<node>                        the node's properties, a JSON object
//   P/edges/<edge>                        {"from": …, "to": …, "type": …, "properties": {…}}
//   P/out/<from>/<type>/<to>/<edge>       "" — one per edge, so the out-neighbours of a node (of one type) are one
//   P/in/<to>/<type>/<from>/<edge>        "" — prefix listing, with no read per neighbour
// where each <…> is the id percent-encoded into one key segment (encode_segment below), so any UTF-8 string is an
// id. The edge document is the record of truth: creating an edge writes it first (with both adjacency entries, in
// one atomic batch where the backend has them); removing an edge removes it first. A crash between the parts
// leaves adjacency entries that disagree with the documents, which check() finds and check(true) mends in the
// direction of the documents.
//
// Thread safety: a Graph is as thread-safe as its Store; operations on different nodes never lose each other's
// edges (no key is shared between two edges), and update_node()/update_edge() retry on a concurrent change.
#ifndef TOTE_GRAPH_HPP
#define TOTE_GRAPH_HPP

#include <tote/export.hpp>
#include <tote/query.hpp>
#include <tote/store.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tote {

enum class Direction { out, in, both };

// What an adjacency key holds: an edge without its properties (traversals never read edge documents).
struct EdgeRef {
    std::string id, from, to, type;
    bool operator==(const EdgeRef& other) const {
        return id == other.id && from == other.from && to == other.to && type == other.type;
    }
};

struct GraphNode {
    std::string id;
    nlohmann::json properties = nlohmann::json::object();
};

struct GraphEdge {
    std::string id, from, to, type;
    nlohmann::json properties = nlohmann::json::object();
};

struct NeighborOptions {
    Direction direction = Direction::out;
    std::vector<std::string> types;  // only edges of these types; empty: every type
    unsigned depth = 1;              // nodes 1 to depth hops away (at least 1)
};

// A node reached by neighbors(): how many hops away, and the edge by which it was first reached.
struct Neighbor {
    std::string id;
    unsigned depth = 1;
    EdgeRef via;
};

struct PathOptions {
    Direction direction = Direction::out;  // out: follow edges from source to target; in: against; both: either
    std::vector<std::string> types;        // only edges of these types; empty: every type
    unsigned max_depth = 0;                // at most this many edges; 0: no limit
};

// One shortest path: nodes.front() is the start, nodes.back() the end; edges[i] joins nodes[i] and nodes[i + 1].
struct Path {
    std::vector<std::string> nodes;
    std::vector<EdgeRef> edges;
};

// Nodes and edges written by Graph::apply() in one store batch.
class TOTE_API GraphBatch {
public:
    // A node, created or replaced.
    void put_node(std::string id, nlohmann::json properties = nlohmann::json::object());
    // An edge, created (or replaced, if an edge with this id exists); returns its id (generated if none is given).
    std::string put_edge(std::string from, std::string to, std::string type,
                         nlohmann::json properties = nlohmann::json::object(),
                         std::optional<std::string> id = std::nullopt);
    size_t size() const { return nodes_.size() + edges_.size(); }
    void clear();

private:
    friend class Graph;
    std::vector<GraphNode> nodes_;
    std::vector<GraphEdge> edges_;
    std::vector<bool> generated_;  // edges_[i] has a generated id, so it replaces no edge
};

// What check() found: one line per problem, naming the key and what is wrong with it.
struct GraphCheckReport {
    uint64_t nodes = 0, edges = 0, adjacency_entries = 0;  // what was examined
    std::vector<std::string> problems;
    uint64_t repaired = 0;  // problems mended (check(true))
    bool ok() const { return problems.empty(); }
};

// For tests: called before each store write or removal of an operation made of several (the step names it, e.g.
// "edge document", "out entry"); throwing from it stops the operation there, as a crash would.
using GraphStepHook = std::function<void(std::string_view step)>;

class TOTE_API Graph {
public:
    // The graph under prefix (a key: "kg", "memory/kg") of store. Nothing is written until a node is.
    Graph(Store store, std::string prefix);

    const Store& store() const { return store_; }
    const std::string& prefix() const { return prefix_; }
    void set_step_hook(GraphStepHook hook) { hook_ = std::move(hook); }

    // Nodes. properties must be a JSON object. create_node: Status::already_exists if the id is taken.
    void create_node(std::string_view id, const nlohmann::json& properties = nlohmann::json::object());
    std::string create_node_with_new_id(const nlohmann::json& properties = nlohmann::json::object());  // id returned
    std::optional<GraphNode> get_node(std::string_view id) const;
    bool has_node(std::string_view id) const;
    // Merges patch into the node's properties (RFC 7386: a null member removes one); Status::not_found if absent.
    GraphNode update_node(std::string_view id, const nlohmann::json& patch);
    // Removes the node and every edge to or from it. False if there was no such node (its edges still go).
    bool remove_node(std::string_view id);

    // Edges. Both nodes must exist (Status::not_found). Without an id one is generated; a given one (any string,
    // "" too) must be free (Status::already_exists). Returns the id.
    std::string create_edge(std::string_view from, std::string_view to, std::string_view type,
                            const nlohmann::json& properties = nlohmann::json::object(),
                            std::optional<std::string_view> id = std::nullopt);
    std::optional<GraphEdge> get_edge(std::string_view id) const;
    GraphEdge update_edge(std::string_view id, const nlohmann::json& patch);  // merges, like update_node
    bool remove_edge(std::string_view id);

    // The edges of a node in the direction, optionally of some types, in key order; on_edge returns false to stop.
    void edges_of(std::string_view id, Direction direction, const std::vector<std::string>& types,
                  const std::function<bool(const EdgeRef&)>& on_edge) const;
    std::vector<EdgeRef> edges_of(std::string_view id, Direction direction = Direction::both,
                                  const std::vector<std::string>& types = {}) const;

    // The nodes 1 to options.depth hops from id (id itself excluded), streamed breadth-first, each once;
    // on_node returns false to stop. Status::not_found if id is not a node.
    void neighbors(std::string_view id, const NeighborOptions& options,
                   const std::function<bool(const Neighbor&)>& on_node) const;
    std::vector<Neighbor> neighbors(std::string_view id, const NeighborOptions& options = {}) const;

    // One shortest path from `from` to `to` (bidirectional breadth-first search; memory grows with the nodes
    // visited, never with the graph). std::nullopt if there is none within the options. Status::not_found if
    // either end is not a node.
    std::optional<Path> shortest_path(std::string_view from, std::string_view to,
                                      const PathOptions& options = {}) const;

    // Every node (in id-key order), or those whose properties match filter (tote/query.hpp), natively where the
    // backend runs queries.
    void nodes(const Filter& filter, const std::function<bool(const GraphNode&)>& on_node) const;
    std::vector<GraphNode> find_nodes(const Filter& filter) const;
    // Every edge document, in edge-id-key order.
    void edges(const std::function<bool(const GraphEdge&)>& on_edge) const;

    // Writes a batch of nodes and edges: one atomic store batch where the backend has them (else in an order
    // check() can mend). Each edge's nodes must exist, in the batch or the store; for a bulk load, nodes this
    // Graph wrote or found before are not looked up again.
    void apply(const GraphBatch& batch);

    // Examines every document and adjacency entry; with repair, removes adjacency entries without a matching
    // edge document, writes missing ones, and removes edges whose nodes are gone.
    GraphCheckReport check(bool repair = false);

    // The graph as NetworkX node-link JSON ({"directed": true, "multigraph": true, "nodes": […], "links": […]}),
    // written to out a piece at a time; and read back (nodes and edges created or replaced).
    void export_node_link(const std::function<void(std::string_view)>& out) const;
    void import_node_link(const nlohmann::json& data);

    // How an id becomes one key segment, reversibly: '%', '/', control characters and a leading '.' as %XX, the
    // empty string as "%". Status::invalid_argument if the id is not UTF-8 or too long for a segment.
    static std::string encode_segment(std::string_view id, std::string_view what = "id");
    static std::string decode_segment(std::string_view segment);

private:
    std::string node_key(std::string_view id) const;
    std::string edge_key(std::string_view id) const;
    std::string adjacency_key(bool out, const EdgeRef& edge) const;
    void step(std::string_view name) const;
    void write_edge(const GraphEdge& edge, bool create_only);
    void remove_edge_parts(const EdgeRef& edge);
    std::string graph_name() const;

    struct KnownNodes;
    // Nodes apply() need not look up again: written or seen by this Graph (and its copies). Bounded; a node removed
    // by another process meanwhile is what check() finds as an edge to a missing node.
    std::shared_ptr<KnownNodes> known_;

    Store store_;
    std::string prefix_;
    GraphStepHook hook_;
};

}  // namespace tote

#endif  // TOTE_GRAPH_HPP
