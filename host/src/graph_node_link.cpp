// SPDX-License-Identifier: Apache-2.0
// graph_node_link.cpp — a graph as NetworkX node-link JSON (networkx.node_link_data / node_link_graph of a
// MultiDiGraph), so it opens in the Python tools people already use, and back:
//   {"directed": true, "multigraph": true, "graph": {},
//    "nodes": [{"id": "alice", <properties>…}, …],
//    "links": [{"source": "alice", "target": "acme", "key": "<edge id>", "type": "works_at", <properties>…}, …]}
// Export streams (a node or an edge at a time). Import also takes "edges" for "links" (NetworkX 3.4 can write
// either), ids that are numbers (as their JSON text), and links without a key (an id is generated) or without a
// type ("edge").
#include "graph_layout.hpp"

#include "key.hpp"

#include <unordered_set>

namespace tote {

using namespace detail::graph;

namespace {

// Node-link JSON puts properties beside these members: a property with one of their names cannot be exported.
void check_reserved(const nlohmann::json& properties, std::initializer_list<const char*> names,
                    const std::string& what) {
    for (const char* name : names)
        if (properties.contains(name))
            throw Error(Status::unsupported, what + " has a property named '" + name +
                                                 "', which node-link JSON uses for itself: rename it to export");
}

std::string id_text(const nlohmann::json& id, const std::string& what) {
    if (id.is_string()) return id.get<std::string>();
    if (id.is_number()) return id.dump();
    throw Error(Status::invalid_argument, what + " must be a string or a number, not " + std::string(id.type_name()));
}

}  // namespace

void Graph::export_node_link(const std::function<void(std::string_view)>& out) const {
    out("{\"directed\": true, \"multigraph\": true, \"graph\": {}, \"nodes\": [");
    bool first = true;
    nodes(Filter(), [&](const GraphNode& node) {
        check_reserved(node.properties, {"id"}, "node " + detail::quote(node.id));
        nlohmann::json item = nlohmann::json::object();
        item["id"] = node.id;
        item.update(node.properties);
        out(std::string(first ? "\n  " : ",\n  ") + item.dump());
        first = false;
        return true;
    });
    out("\n], \"links\": [");
    first = true;
    edges([&](const GraphEdge& edge) {
        check_reserved(edge.properties, {"source", "target", "key", "type"}, "edge " + detail::quote(edge.id));
        nlohmann::json item = nlohmann::json::object();
        item["source"] = edge.from;
        item["target"] = edge.to;
        item["key"] = edge.id;
        item["type"] = edge.type;
        item.update(edge.properties);
        out(std::string(first ? "\n  " : ",\n  ") + item.dump());
        first = false;
        return true;
    });
    out("\n]}\n");
}

void Graph::import_node_link(const nlohmann::json& data) {
    if (!data.is_object() || !data.contains("nodes") || !data["nodes"].is_array())
        throw Error(Status::invalid_argument, "node-link JSON is an object with a \"nodes\" array");
    const char* links_name = data.contains("links") ? "links" : "edges";
    const nlohmann::json empty = nlohmann::json::array();
    const nlohmann::json& links = data.contains(links_name) ? data[links_name] : empty;
    if (!links.is_array())
        throw Error(Status::invalid_argument, std::string("node-link JSON: \"") + links_name + "\" must be an array");

    // The whole file is read and checked first — shapes, ids, keys, and that every link's nodes exist in the file
    // or the graph — so a file at fault writes nothing. Then batches of this many nodes or edges, each one store
    // batch (atomic where the backend has them): a store failing midway keeps the batches before it.
    constexpr size_t kChunk = 1000;
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    std::vector<std::optional<std::string>> ids;  // edges[i]'s key, if the file gives one
    std::unordered_set<std::string> known;
    size_t index = 0;
    for (const nlohmann::json& item : data["nodes"]) {
        const std::string what = "nodes[" + std::to_string(index++) + "]";
        if (!item.is_object() || !item.contains("id"))
            throw Error(Status::invalid_argument, "node-link JSON: " + what + " must be an object with an \"id\"");
        nlohmann::json properties = item;
        properties.erase("id");
        nodes.push_back(GraphNode{id_text(item["id"], what + ".id"), std::move(properties)});
        (void)node_key(nodes.back().id);
        known.insert(nodes.back().id);
    }
    index = 0;
    for (const nlohmann::json& item : links) {
        const std::string what = std::string(links_name) + "[" + std::to_string(index++) + "]";
        if (!item.is_object() || !item.contains("source") || !item.contains("target"))
            throw Error(Status::invalid_argument,
                        "node-link JSON: " + what + " must be an object with a \"source\" and a \"target\"");
        GraphEdge edge;
        edge.from = id_text(item["source"], what + ".source");
        edge.to = id_text(item["target"], what + ".target");
        edge.type = "edge";
        if (item.contains("type")) {
            if (!item["type"].is_string())
                throw Error(Status::invalid_argument, "node-link JSON: " + what + ".type must be a string");
            edge.type = item["type"].get<std::string>();
        }
        std::optional<std::string> id;
        if (item.contains("key")) id = id_text(item["key"], what + ".key");
        edge.properties = item;
        for (const char* name : {"source", "target", "key", "type"}) edge.properties.erase(name);
        const EdgeRef probe{id ? *id : std::string(28, '0'), edge.from, edge.to, edge.type};  // 28: a generated id
        (void)adjacency_key(true, probe);
        (void)adjacency_key(false, probe);
        for (const std::string* node : {&edge.from, &edge.to}) {
            if (known.count(*node)) continue;
            if (!has_node(*node))
                throw Error(Status::not_found, "node-link JSON: " + what + " links node " + detail::quote(*node) +
                                                   ", which is neither in the file nor in graph " + graph_name() +
                                                   "; nothing was imported");
            known.insert(*node);
        }
        edges.push_back(std::move(edge));
        ids.push_back(std::move(id));
    }
    GraphBatch batch;
    for (GraphNode& node : nodes) {
        batch.put_node(std::move(node.id), std::move(node.properties));
        if (batch.size() >= kChunk) {
            apply(batch);
            batch.clear();
        }
    }
    for (size_t i = 0; i < edges.size(); ++i) {
        GraphEdge& edge = edges[i];
        batch.put_edge(std::move(edge.from), std::move(edge.to), std::move(edge.type), std::move(edge.properties),
                       std::move(ids[i]));
        if (batch.size() >= kChunk) {
            apply(batch);
            batch.clear();
        }
    }
    if (batch.size() > 0) apply(batch);
}

}  // namespace tote
