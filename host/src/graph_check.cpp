// SPDX-License-Identifier: Apache-2.0
// graph_check.cpp — Graph::check(): every node key, edge document and adjacency entry examined against the others,
// and with repair, mended in the direction of the edge documents (the record of truth, see tote/graph.hpp): an
// entry without its document goes, a document without its entries gets them, an edge to a missing node goes.
// What cannot be mended without guessing (a document that is not JSON) is reported and left alone.
#include "graph_layout.hpp"

#include "key.hpp"

#include <unordered_set>

namespace tote {

using namespace detail::graph;

GraphCheckReport Graph::check(bool repair) {
    GraphCheckReport report;
    auto problem = [&](std::string_view key, std::string what, bool mended) {
        const std::string said = "graph key " + detail::quote(key) + ": ";  // a parse error names the key itself
        if (what.compare(0, said.size(), said) == 0) what.erase(0, said.size());
        report.problems.push_back(detail::quote(key) + ": " + what + (mended ? " (repaired)" : ""));
        if (mended) ++report.repaired;
    };
    // An id whose key segment is not the one tote writes for it (hand-made keys, "%41" for "A"): another key may
    // hold the same id, and nothing would find this one. Reported, never guessed at.
    auto canonical = [&](std::string_view key, std::string_view segment, const std::string& id) {
        if (Graph::encode_segment(id) == segment) return true;
        problem(key, "not the key tote writes for id " + detail::quote(id) + " (that is " +
                         detail::quote(Graph::encode_segment(id)) + ")", false);
        return false;
    };

    // Keys under the prefix outside the layout's four parts.
    store_.list(prefix_, ListOptions{}, [&](const Entry& entry) {
        const std::string_view rest = std::string_view(entry.key).substr(prefix_.size());
        if (rest != kNodes && rest != kEdges && rest != kOut && rest != kIn)
            problem(entry.key, "not part of the graph's layout (nodes/, edges/, out/, in/)", false);
        return true;
    });

    // Nodes: the ids (a set: graphs whose ids fit in memory; the documents are not kept).
    const std::string nodes_base = prefix_ + std::string(kNodes);
    std::unordered_set<std::string> nodes;
    for_each_key_block(store_, nodes_base, [&](std::vector<std::string>& keys) {
        for (const std::string& key : keys) {
            const std::string_view segment = std::string_view(key).substr(nodes_base.size());
            if (segment.find('/') != std::string_view::npos) {
                problem(key, "not a node key (nodes/<id>, one segment)", false);
                continue;
            }
            try {
                const std::string id = decode_segment(segment);
                if (!canonical(key, segment, id)) continue;
                nodes.insert(id);
            } catch (const Error& e) {
                problem(key, e.what(), false);
                continue;
            }
            ++report.nodes;
            std::optional<std::string> text = store_.try_read(key);
            if (text && !nlohmann::json::parse(*text, nullptr, false).is_object())
                problem(key, "a node document must be a JSON object", false);
        }
        return true;
    });

    // Edge documents: each names nodes that exist, and has both adjacency entries.
    const std::string edges_base = prefix_ + std::string(kEdges);
    for_each_key_block(store_, edges_base, [&](std::vector<std::string>& keys) {
        for (const std::string& key : keys) {
            std::optional<std::string> text = store_.try_read(key);
            if (!text) continue;  // removed meanwhile
            GraphEdge edge;
            const std::string_view segment = std::string_view(key).substr(edges_base.size());
            try {
                if (segment.find('/') != std::string_view::npos)
                    throw Error(Status::corrupt, "not an edge key (edges/<id>, one segment)");
                edge = parse_edge(decode_segment(segment), *text, key);
                if (!canonical(key, segment, edge.id)) continue;
            } catch (const Error& e) {
                problem(key, e.what(), false);
                continue;
            }
            ++report.edges;
            const EdgeRef ref{edge.id, edge.from, edge.to, edge.type};
            const std::string* missing = !nodes.count(edge.from) ? &edge.from : !nodes.count(edge.to) ? &edge.to : nullptr;
            if (missing) {
                if (repair) remove_edge_parts(ref);
                problem(key, "edge to or from node " + detail::quote(*missing) + ", which does not exist", repair);
                continue;
            }
            try {
                (void)adjacency_key(true, ref);
                (void)adjacency_key(false, ref);
            } catch (const Error& e) {  // a creation that failed half-way on a backend without atomic batches
                if (repair) remove_edge_parts(ref);
                problem(key, e.what(), repair);
                continue;
            }
            for (bool out : {true, false}) {
                const std::string entry = adjacency_key(out, ref);
                if (store_.exists(entry)) continue;
                if (repair) store_.write(entry, "");
                problem(key, std::string("its ") + (out ? "out" : "in") + " entry " + detail::quote(entry) +
                                 " is missing", repair);
            }
        }
        return true;
    });

    // Adjacency entries: each stands for an edge document that says the same.
    for (bool out : {true, false}) {
        const std::string base = prefix_ + std::string(out ? kOut : kIn);
        for_each_key_block(store_, base, [&](std::vector<std::string>& keys) {
            for (const std::string& key : keys) {
                ++report.adjacency_entries;
                const std::string_view rest = std::string_view(key).substr(base.size());
                const size_t slash = rest.find('/');
                EdgeRef ref;
                try {
                    if (slash == std::string_view::npos) parse_adjacency("", out, "", key);  // throws: malformed
                    ref = parse_adjacency(decode_segment(rest.substr(0, slash)), out, rest.substr(slash + 1), key);
                } catch (const Error& e) {
                    problem(key, e.what(), false);  // not an entry tote wrote: reported, never guessed at
                    continue;
                }
                try {
                    if (adjacency_key(out, ref) != key) {
                        problem(key, "not the key tote writes for this entry (that is " +
                                         detail::quote(adjacency_key(out, ref)) + ")", false);
                        continue;
                    }
                } catch (const Error& e) {
                    problem(key, e.what(), false);
                    continue;
                }
                std::optional<GraphEdge> edge;
                try {
                    edge = get_edge(ref.id);
                } catch (const Error&) {
                    continue;  // a damaged document, reported above
                }
                if (edge && edge->from == ref.from && edge->to == ref.to && edge->type == ref.type) continue;
                if (repair) store_.remove(key);
                problem(key, edge ? "disagrees with the document of edge " + detail::quote(ref.id)
                                  : "edge " + detail::quote(ref.id) + " has no document",
                        repair);
            }
            return true;
        });
    }
    return report;
}

}  // namespace tote
