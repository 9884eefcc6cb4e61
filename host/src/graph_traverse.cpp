// SPDX-License-Identifier: Apache-2.0
// graph_traverse.cpp — what Graph reads without changing: a node's edges (one prefix listing per direction and
// type, no document read), neighbours to a depth, shortest paths by bidirectional breadth-first search, and the
// node and edge documents (through Store::find, so a filter runs natively where the backend runs queries).
#include "graph_layout.hpp"

#include "key.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace tote {

using namespace detail::graph;

namespace {

// Appends the edges of node in one direction (out: those leaving it), of the types (all if none), in key order.
void list_adjacency(const Store& store, const std::string& graph_prefix, std::string_view node, bool out,
                    const std::vector<std::string>& types, std::vector<EdgeRef>& edges) {
    std::string base = graph_prefix;
    base += out ? kOut : kIn;
    base += Graph::encode_segment(node, "node id");
    base += '/';
    const size_t rest_at = base.size();
    ListOptions options;
    options.recursive = true;
    // The callback only parses: a listing's callback must not call the store again (tote/store.hpp).
    auto collect = [&](const Entry& entry) {
        edges.push_back(parse_adjacency(node, out, std::string_view(entry.key).substr(rest_at), entry.key));
        return true;
    };
    if (types.empty()) {
        store.list(base, options, collect);
        return;
    }
    std::vector<std::string> sorted = types;  // so the edges come in key order whatever the order of types
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const std::string& type : sorted) store.list(base + Graph::encode_segment(type, "edge type"), options, collect);
}

// The edges of node in direction, paired with the node at their other end.
void adjacent(const Store& store, const std::string& graph_prefix, std::string_view node, Direction direction,
              const std::vector<std::string>& types, std::vector<EdgeRef>& edges) {
    edges.clear();
    if (direction != Direction::in) list_adjacency(store, graph_prefix, node, true, types, edges);
    if (direction == Direction::out) return;
    const size_t outgoing = edges.size();
    list_adjacency(store, graph_prefix, node, false, types, edges);
    if (direction == Direction::both)  // a self-loop is in both listings: keep its out entry only
        edges.erase(std::remove_if(edges.begin() + static_cast<std::ptrdiff_t>(outgoing), edges.end(),
                                   [](const EdgeRef& e) { return e.from == e.to; }),
                    edges.end());
}

const std::string& other_end(const EdgeRef& e, std::string_view node) { return e.from == node ? e.to : e.from; }

Direction reversed(Direction d) {
    return d == Direction::out ? Direction::in : d == Direction::in ? Direction::out : Direction::both;
}

}  // namespace

void Graph::edges_of(std::string_view id, Direction direction, const std::vector<std::string>& types,
                     const std::function<bool(const EdgeRef&)>& on_edge) const {
    std::vector<EdgeRef> edges;
    adjacent(store_, prefix_, id, direction, types, edges);
    for (const EdgeRef& e : edges)
        if (!on_edge(e)) return;
}

std::vector<EdgeRef> Graph::edges_of(std::string_view id, Direction direction,
                                     const std::vector<std::string>& types) const {
    std::vector<EdgeRef> edges;
    adjacent(store_, prefix_, id, direction, types, edges);
    return edges;
}

void Graph::neighbors(std::string_view id, const NeighborOptions& options,
                      const std::function<bool(const Neighbor&)>& on_node) const {
    if (options.depth < 1) throw Error(Status::invalid_argument, "neighbors: the depth must be at least 1");
    std::unordered_set<std::string> seen{std::string(id)};
    std::vector<std::string> frontier{std::string(id)}, next;
    std::vector<EdgeRef> edges;
    for (unsigned depth = 1; depth <= options.depth && !frontier.empty(); ++depth) {
        next.clear();
        for (const std::string& node : frontier) {
            adjacent(store_, prefix_, node, options.direction, options.types, edges);
            // Whether the node exists is asked only when it has no edges: one round trip fewer for the rest.
            if (depth == 1 && edges.empty() && !has_node(id))
                throw Error(Status::not_found, "node " + detail::quote(id) + " is not in graph " + graph_name());
            for (EdgeRef& e : edges) {
                const std::string& other = other_end(e, node);
                if (!seen.insert(other).second) continue;
                next.push_back(other);
                if (!on_node(Neighbor{other, depth, std::move(e)})) return;
            }
        }
        frontier.swap(next);
    }
}

std::vector<Neighbor> Graph::neighbors(std::string_view id, const NeighborOptions& options) const {
    std::vector<Neighbor> out;
    neighbors(id, options, [&](const Neighbor& n) {
        out.push_back(n);
        return true;
    });
    return out;
}

namespace {

// One side of the bidirectional search: every node it reached, with its distance and the edge it came by.
struct Side {
    struct Visit {
        unsigned depth;
        std::string parent;
        EdgeRef edge;
    };
    Direction direction;
    std::unordered_map<std::string, Visit> visited;
    std::vector<std::string> frontier;
    unsigned depth = 0;
};

}  // namespace

std::optional<Path> Graph::shortest_path(std::string_view from, std::string_view to,
                                         const PathOptions& options) const {
    // Whether the ends exist is asked only when no path is found (a path found passes through both).
    auto require_ends = [&] {
        for (std::string_view node : {from, to})
            if (!has_node(node))
                throw Error(Status::not_found, "node " + detail::quote(node) + " is not in graph " + graph_name());
    };
    if (from == to) {
        require_ends();
        return Path{{std::string(from)}, {}};
    }

    Side forward{options.direction, {}, {std::string(from)}};
    Side backward{reversed(options.direction), {}, {std::string(to)}};
    forward.visited.emplace(std::string(from), Side::Visit{0, "", {}});
    backward.visited.emplace(std::string(to), Side::Visit{0, "", {}});
    std::vector<EdgeRef> edges;
    std::string meeting;
    unsigned best = 0;

    while (!forward.frontier.empty() && !backward.frontier.empty()) {
        if (options.max_depth != 0 && forward.depth + backward.depth >= options.max_depth) break;
        // Expand the smaller frontier by one whole level; every meeting found in that level is a candidate, and
        // the shortest of them is a shortest path (the other side's nodes are all at most its depth away).
        Side& side = forward.frontier.size() <= backward.frontier.size() ? forward : backward;
        const Side& other = &side == &forward ? backward : forward;
        std::vector<std::string> next;
        for (const std::string& node : side.frontier) {
            adjacent(store_, prefix_, node, side.direction, options.types, edges);
            for (EdgeRef& e : edges) {
                std::string reached = other_end(e, node);  // a copy: e is moved below
                if (side.visited.count(reached)) continue;
                auto there = other.visited.find(reached);
                side.visited.emplace(reached, Side::Visit{side.depth + 1, node, std::move(e)});
                next.push_back(reached);
                if (there != other.visited.end()) {
                    const unsigned length = side.depth + 1 + there->second.depth;
                    if (meeting.empty() || length < best) {
                        meeting = reached;
                        best = length;
                    }
                }
            }
        }
        side.frontier.swap(next);
        ++side.depth;
        if (!meeting.empty()) break;
    }
    if (meeting.empty() || (options.max_depth != 0 && best > options.max_depth)) {
        require_ends();
        return std::nullopt;
    }

    Path path;
    for (std::string node = meeting; node != from;) {  // back from the meeting to the start
        const Side::Visit& v = forward.visited.at(node);
        path.nodes.push_back(node);
        path.edges.push_back(v.edge);
        node = v.parent;
    }
    path.nodes.push_back(std::string(from));
    std::reverse(path.nodes.begin(), path.nodes.end());
    std::reverse(path.edges.begin(), path.edges.end());
    for (std::string node = meeting; node != to;) {  // on from the meeting to the end
        const Side::Visit& v = backward.visited.at(node);
        path.edges.push_back(v.edge);
        node = v.parent;
        path.nodes.push_back(node);
    }
    return path;
}

void Graph::nodes(const Filter& filter, const std::function<bool(const GraphNode&)>& on_node) const {
    const std::string base = prefix_ + std::string(kNodes);
    store_.find(base, filter, FindOptions{}, [&](std::string_view key, std::string_view value) {
        return on_node(GraphNode{decode_segment(key.substr(base.size())), parse_node(value, key)});
    });
}

std::vector<GraphNode> Graph::find_nodes(const Filter& filter) const {
    std::vector<GraphNode> out;
    nodes(filter, [&](const GraphNode& n) {
        out.push_back(n);
        return true;
    });
    return out;
}

void Graph::edges(const std::function<bool(const GraphEdge&)>& on_edge) const {
    const std::string base = prefix_ + std::string(kEdges);
    store_.find(base, Filter(), FindOptions{}, [&](std::string_view key, std::string_view value) {
        return on_edge(parse_edge(decode_segment(key.substr(base.size())), value, key));
    });
}

}  // namespace tote
