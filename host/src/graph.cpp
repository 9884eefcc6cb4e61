// SPDX-License-Identifier: Apache-2.0
// graph.cpp — Graph's nodes and edges: create, read, merge, remove (with the cascade), and batches. Traversals are
// in graph_traverse.cpp, check and repair in graph_check.cpp, node-link JSON in graph_node_link.cpp.
#include "graph_layout.hpp"

#include "key.hpp"

#include <tote/tote_plugin.h>

#include <mutex>
#include <set>
#include <unordered_set>

namespace tote {

using namespace detail::graph;

namespace {

// update_node()/update_edge() are read, merge, write-if-unchanged; this many tries before giving up with busy.
constexpr int kUpdateTries = 100;

// Reads key, writes back change(value) only if the value is still the one read (compare-version, where the store
// has it; else last writer wins), and starts again when another writer got there first. missing: the not_found
// message; what: the thing, for the busy one.
void merge_update(Store& store, const std::string& key, const std::string& missing, const std::string& what,
                  const std::function<std::string(const std::string&)>& change) {
    const bool compare = store.supports(TOTE_CAP_COMPARE_VERSION);
    for (int attempt = 0; attempt < kUpdateTries; ++attempt) {
        Stat stat;
        std::string text;
        try {
            text = store.read(key, &stat);
        } catch (const Error& e) {
            if (e.status() != Status::not_found) throw;
            throw Error(Status::not_found, missing);
        }
        WriteOptions options;
        if (compare) options.if_version = stat.version;
        try {
            store.write(key, change(text), options);
            return;
        } catch (const Error& e) {
            if (e.status() != Status::precondition_failed) throw;  // changed meanwhile: merge into the new value
        }
    }
    throw Error(Status::busy, what + " kept changing while it was being updated");
}

}  // namespace

void GraphBatch::put_node(std::string id, nlohmann::json properties) {
    properties = properties_or_empty(properties, "node " + detail::quote(id));
    nodes_.push_back(GraphNode{std::move(id), std::move(properties)});
}

std::string GraphBatch::put_edge(std::string from, std::string to, std::string type, nlohmann::json properties,
                                 std::optional<std::string> given) {
    properties = properties_or_empty(properties, "edge from " + detail::quote(from) + " to " + detail::quote(to) +
                                                     " of type " + detail::quote(type));
    generated_.push_back(!given);
    std::string id = given ? std::move(*given) : generate_id();
    edges_.push_back(GraphEdge{id, std::move(from), std::move(to), std::move(type), std::move(properties)});
    return id;
}

void GraphBatch::clear() {
    nodes_.clear();
    edges_.clear();
    generated_.clear();
}

struct Graph::KnownNodes {
    static constexpr size_t kMax = size_t{1} << 20;  // ids remembered, at most (then forgotten all at once)
    std::mutex mutex;
    std::unordered_set<std::string> ids;

    bool contains(const std::string& id) {
        std::lock_guard<std::mutex> lock(mutex);
        return ids.count(id) != 0;
    }
    void add(const std::string& id) {
        std::lock_guard<std::mutex> lock(mutex);
        if (ids.size() >= kMax) ids.clear();
        ids.insert(id);
    }
    void forget(const std::string& id) {
        std::lock_guard<std::mutex> lock(mutex);
        ids.erase(id);
    }
};

Graph::Graph(Store store, std::string prefix)
    : known_(std::make_shared<KnownNodes>()), store_(std::move(store)), prefix_(detail::normalize_prefix(prefix)) {
    if (prefix_.empty())
        throw Error(Status::invalid_argument, "a graph needs a prefix of its own (a key such as \"kg\"), not the "
                                              "whole store");
}

std::string Graph::graph_name() const { return detail::quote(prefix_.substr(0, prefix_.size() - 1)); }

void Graph::step(std::string_view name) const {
    if (hook_) hook_(name);
}

// --- nodes -----------------------------------------------------------------------------------------------------

void Graph::create_node(std::string_view id, const nlohmann::json& properties) {
    const nlohmann::json props = properties_or_empty(properties, "node " + detail::quote(id));
    WriteOptions options;
    options.create_only = true;
    try {
        store_.write(node_key(id), props.dump(), options);
    } catch (const Error& e) {
        if (e.status() != Status::already_exists) throw;
        throw Error(Status::already_exists, "node " + detail::quote(id) + " already exists in graph " + graph_name());
    }
    known_->add(std::string(id));
}

std::string Graph::create_node_with_new_id(const nlohmann::json& properties) {
    std::string id = generate_id();
    create_node(id, properties);
    return id;
}

std::optional<GraphNode> Graph::get_node(std::string_view id) const {
    const std::string key = node_key(id);
    std::optional<std::string> text = store_.try_read(key);
    if (!text) return std::nullopt;
    return GraphNode{std::string(id), parse_node(*text, key)};
}

bool Graph::has_node(std::string_view id) const { return store_.exists(node_key(id)); }

GraphNode Graph::update_node(std::string_view id, const nlohmann::json& patch) {
    const std::string what = "node " + detail::quote(id);
    require_object(patch, what);
    const std::string key = node_key(id);
    GraphNode node;
    merge_update(store_, key, what + " is not in graph " + graph_name(), what, [&](const std::string& text) {
        node = GraphNode{std::string(id), parse_node(text, key)};
        node.properties.merge_patch(patch);
        return node.properties.dump();
    });
    return node;
}

bool Graph::remove_node(std::string_view id) {
    const std::string key = node_key(id);
    known_->forget(std::string(id));
    const bool existed = store_.exists(key);
    std::set<std::string> seen;  // a self-loop is listed both ways
    std::vector<EdgeRef> edges;
    for (EdgeRef& e : edges_of(id, Direction::both))
        if (seen.insert(e.id).second) edges.push_back(std::move(e));
    if (store_.batch_removes_atomically()) {
        // Whole edges per batch, the node in the last: after any batch the graph is consistent (a node with fewer
        // edges), so a crash between batches leaves nothing to repair. Batches are bounded so that no single one
        // (a Redis script, say) holds the server for long.
        constexpr size_t kEdgesPerBatch = 1000;
        std::vector<std::string> keys;
        for (size_t i = 0; i <= edges.size(); ++i) {
            if (i < edges.size()) {
                keys.push_back(edge_key(edges[i].id));
                keys.push_back(adjacency_key(true, edges[i]));  // listed, so its keys are valid
                keys.push_back(adjacency_key(false, edges[i]));
            } else {
                keys.push_back(key);
            }
            if (i == edges.size() || keys.size() >= 3 * kEdgesPerBatch) {
                step("batch");
                store_.remove_batch(keys);
                keys.clear();
            }
        }
        return existed;
    }
    // The edges first, the node last: a crash midway leaves a node with fewer edges, never edges to no node.
    for (const EdgeRef& e : edges) remove_edge_parts(e);
    step("node document");
    return store_.remove(key) || existed;
}

// --- edges -----------------------------------------------------------------------------------------------------

void Graph::write_edge(const GraphEdge& edge, bool create_only) {
    const EdgeRef ref{edge.id, edge.from, edge.to, edge.type};
    WriteOptions doc_options;
    doc_options.create_only = create_only;
    std::vector<BatchWrite> writes{{edge_key(edge.id), edge_document(edge), doc_options},
                                   {adjacency_key(true, ref), "", {}},
                                   {adjacency_key(false, ref), "", {}}};
    try {
        if (store_.batch_is_atomic()) {
            step("batch");
            store_.write_batch(writes);
            return;
        }
        // The document first: it is the record of truth, and check --repair writes the entries a crash left out.
        static const char* const steps[] = {"edge document", "out entry", "in entry"};
        for (size_t i = 0; i < writes.size(); ++i) {
            step(steps[i]);
            store_.write(writes[i].key, writes[i].value, writes[i].options);
        }
    } catch (const Error& e) {
        if (e.status() != Status::already_exists) throw;
        throw Error(Status::already_exists,
                    "edge " + detail::quote(edge.id) + " already exists in graph " + graph_name());
    }
}

std::string Graph::create_edge(std::string_view from, std::string_view to, std::string_view type,
                               const nlohmann::json& properties, std::optional<std::string_view> id) {
    GraphEdge edge{id ? std::string(*id) : generate_id(), std::string(from), std::string(to),
                   std::string(type),
                   properties_or_empty(properties, "edge from " + detail::quote(from) + " to " + detail::quote(to) +
                                                       " of type " + detail::quote(type))};
    // Every key is built (and so checked) before anything is written.
    (void)adjacency_key(true, EdgeRef{edge.id, edge.from, edge.to, edge.type});
    (void)adjacency_key(false, EdgeRef{edge.id, edge.from, edge.to, edge.type});
    for (std::string_view node : {from, to})
        if (!has_node(node))
            throw Error(Status::not_found, "cannot add an edge from " + detail::quote(from) + " to " +
                                               detail::quote(to) + ": node " + detail::quote(node) +
                                               " is not in graph " + graph_name());
    write_edge(edge, true);
    return edge.id;
}

std::optional<GraphEdge> Graph::get_edge(std::string_view id) const {
    const std::string key = edge_key(id);
    std::optional<std::string> text = store_.try_read(key);
    if (!text) return std::nullopt;
    return parse_edge(id, *text, key);
}

GraphEdge Graph::update_edge(std::string_view id, const nlohmann::json& patch) {
    const std::string what = "edge " + detail::quote(id);
    require_object(patch, what);
    const std::string key = edge_key(id);
    GraphEdge edge;
    merge_update(store_, key, what + " is not in graph " + graph_name(), what, [&](const std::string& text) {
        edge = parse_edge(id, text, key);
        edge.properties.merge_patch(patch);
        return edge_document(edge);
    });
    return edge;
}

void Graph::remove_edge_parts(const EdgeRef& e) {
    std::string out_key, in_key;
    try {
        out_key = adjacency_key(true, e);
        in_key = adjacency_key(false, e);
    } catch (const Error& error) {
        if (error.status() != Status::invalid_argument) throw;
        // Entries that could never be keys were never written (an edge document an old writer left without
        // them): the document is all there is to remove.
        step("edge document");
        store_.remove(edge_key(e.id));
        return;
    }
    if (store_.batch_removes_atomically()) {
        step("batch");
        store_.remove_batch({edge_key(e.id), out_key, in_key});
        return;
    }
    // The document first, as in write_edge(): entries a crash leaves behind point at no document, and check
    // --repair removes them, finishing the removal.
    step("edge document");
    store_.remove(edge_key(e.id));
    step("out entry");
    store_.remove(out_key);
    step("in entry");
    store_.remove(in_key);
}

bool Graph::remove_edge(std::string_view id) {
    std::optional<GraphEdge> edge = get_edge(id);
    if (!edge) return false;
    remove_edge_parts(EdgeRef{edge->id, edge->from, edge->to, edge->type});
    return true;
}

// --- batches ---------------------------------------------------------------------------------------------------

void Graph::apply(const GraphBatch& batch) {
    std::vector<BatchWrite> writes;
    writes.reserve(batch.nodes_.size() + 3 * batch.edges_.size());
    std::unordered_set<std::string> present;  // nodes of the batch, and those found in the store
    for (const GraphNode& node : batch.nodes_) {
        writes.push_back({node_key(node.id), node.properties.dump(), {}});
        present.insert(node.id);
    }
    std::vector<EdgeRef> stale;  // adjacency entries of replaced edges whose ends or type changed
    for (const GraphEdge& edge : batch.edges_) {
        const EdgeRef ref{edge.id, edge.from, edge.to, edge.type};
        writes.push_back({edge_key(edge.id), edge_document(edge), {}});
        writes.push_back({adjacency_key(true, ref), "", {}});
        writes.push_back({adjacency_key(false, ref), "", {}});
        for (const std::string* node : {&edge.from, &edge.to}) {
            if (present.count(*node) || known_->contains(*node)) continue;
            if (!has_node(*node))
                throw Error(Status::not_found, "edge " + detail::quote(edge.id) + " from " + detail::quote(edge.from) +
                                                   " to " + detail::quote(edge.to) + ": node " + detail::quote(*node) +
                                                   " is not in graph " + graph_name() +
                                                   " (nor among the nodes written with it)");
            present.insert(*node);
            known_->add(*node);
        }
    }
    // Only edges given an id can replace one (generated ids are new); find those whose old entries must go.
    for (size_t i = 0; i < batch.edges_.size(); ++i) {
        const GraphEdge& edge = batch.edges_[i];
        if (batch.generated_[i]) continue;
        std::optional<GraphEdge> old = get_edge(edge.id);
        if (old && (old->from != edge.from || old->to != edge.to || old->type != edge.type))
            stale.push_back(EdgeRef{old->id, old->from, old->to, old->type});
    }
    step("batch");
    store_.write_batch(writes);
    for (const GraphNode& node : batch.nodes_) known_->add(node.id);
    for (const EdgeRef& e : stale) {
        store_.remove(adjacency_key(true, e));
        store_.remove(adjacency_key(false, e));
    }
}

}  // namespace tote
