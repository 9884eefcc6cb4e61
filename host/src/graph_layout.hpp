// SPDX-License-Identifier: Apache-2.0
// graph_layout.hpp — the graph's key layout (tote/graph.hpp, docs/graph.md) in one place: the four sub-prefixes,
// the parsing of adjacency keys and edge documents, and the listing of a node's adjacency, shared by the files
// that implement Graph.
#ifndef TOTE_HOST_GRAPH_LAYOUT_HPP
#define TOTE_HOST_GRAPH_LAYOUT_HPP

#include <tote/graph.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tote::detail::graph {

inline constexpr std::string_view kNodes = "nodes/";
inline constexpr std::string_view kEdges = "edges/";
inline constexpr std::string_view kOut = "out/";
inline constexpr std::string_view kIn = "in/";

// "<type>/<other>/<edge>", the rest of an adjacency key after "P/out/<node>/" (or "P/in/<node>/"), as the edge it
// stands for. out: the entry is in out/ (node is the edge's source). Error(corrupt) naming key if malformed.
EdgeRef parse_adjacency(std::string_view node, bool out, std::string_view rest, std::string_view key);

// An edge document's JSON text as the edge (id given). Error(corrupt) naming key if it is not one.
GraphEdge parse_edge(std::string_view id, std::string_view text, std::string_view key);
std::string edge_document(const GraphEdge& edge);

// A node document's JSON text as its properties. Error(corrupt) naming key if it is not a JSON object.
nlohmann::json parse_node(std::string_view text, std::string_view key);

// Throws Error(invalid_argument) unless properties is a JSON object.
void require_object(const nlohmann::json& properties, std::string_view what);
// properties, or {} for null (what `{}` is in C++); else as require_object.
nlohmann::json properties_or_empty(const nlohmann::json& properties, std::string_view what);

// A fresh id: the time in milliseconds and 64 random bits, as 28 hex digits (ids made later sort later).
std::string generate_id();

// Every key under prefix (recursive), a block at a time: fn gets each block after its listing has ended, so it may
// call the store again (tote/store.hpp: a listing's callback must not). fn returns false to stop.
void for_each_key_block(const Store& store, const std::string& prefix,
                        const std::function<bool(std::vector<std::string>&)>& fn);

}  // namespace tote::detail::graph

#endif  // TOTE_HOST_GRAPH_LAYOUT_HPP
