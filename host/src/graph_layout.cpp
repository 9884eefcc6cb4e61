// SPDX-License-Identifier: Apache-2.0
// graph_layout.cpp — ids as key segments, the graph's keys, and the parsing of what the store holds for a graph.
#include "graph_layout.hpp"

#include "key.hpp"

#include <tote/tote_plugin.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>

namespace tote {

using namespace detail::graph;

namespace {

bool needs_escape(unsigned char c, size_t i) {
    return c == '%' || c == '/' || c < 0x20 || c == 0x7F || (i == 0 && c == '.');
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

[[noreturn]] void corrupt(std::string_view key, const std::string& why) {
    throw Error(Status::corrupt, "graph key " + detail::quote(key) + ": " + why);
}

}  // namespace

std::string Graph::encode_segment(std::string_view id, std::string_view what) {
    if (!detail::is_valid_utf8(id))
        throw Error(Status::invalid_argument, std::string(what) + " " + detail::quote(id) + " is not valid UTF-8");
    if (id.empty()) return "%";  // no escape is a lone '%', so this cannot be another id's encoding
    std::string out;
    out.reserve(id.size());
    static const char* const digits = "0123456789ABCDEF";
    for (size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (needs_escape(c, i)) {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (out.size() > TOTE_SEGMENT_MAX)
        throw Error(Status::invalid_argument, std::string(what) + " " + detail::quote(id.substr(0, 40)) +
                                                  (id.size() > 40 ? "..." : "") + " is too long: " +
                                                  std::to_string(out.size()) + " bytes as a key segment, at most " +
                                                  std::to_string(TOTE_SEGMENT_MAX));
    return out;
}

std::string Graph::decode_segment(std::string_view segment) {
    if (segment == "%") return "";
    std::string out;
    out.reserve(segment.size());
    for (size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] != '%') {
            out += segment[i];
            continue;
        }
        if (i + 2 >= segment.size() || hex_value(segment[i + 1]) < 0 || hex_value(segment[i + 2]) < 0)
            corrupt(segment, "a '%' not followed by two hex digits");
        out += static_cast<char>(hex_value(segment[i + 1]) * 16 + hex_value(segment[i + 2]));
        i += 2;
    }
    return out;
}

std::string Graph::node_key(std::string_view id) const {
    return prefix_ + std::string(kNodes) + encode_segment(id, "node id");
}

std::string Graph::edge_key(std::string_view id) const {
    return prefix_ + std::string(kEdges) + encode_segment(id, "edge id");
}

std::string Graph::adjacency_key(bool out, const EdgeRef& e) const {
    std::string key = prefix_;
    key += out ? kOut : kIn;
    key += encode_segment(out ? e.from : e.to, "node id");
    key += '/';
    key += encode_segment(e.type, "edge type");
    key += '/';
    key += encode_segment(out ? e.to : e.from, "node id");
    key += '/';
    key += encode_segment(e.id, "edge id");
    if (key.size() > TOTE_KEY_MAX)  // each id fits a segment, but the four together with the prefix may not
        throw Error(Status::invalid_argument,
                    "edge " + detail::quote(e.id.substr(0, 40)) + (e.id.size() > 40 ? "..." : "") + ": its index key would be " +
                        std::to_string(key.size()) + " bytes, more than the " + std::to_string(TOTE_KEY_MAX) +
                        " a key may have (shorten the node ids, the type, the edge id or the graph's prefix)");
    return key;
}

namespace detail::graph {

EdgeRef parse_adjacency(std::string_view node, bool out, std::string_view rest, std::string_view key) {
    const size_t a = rest.find('/');
    const size_t b = a == std::string_view::npos ? a : rest.find('/', a + 1);
    if (b == std::string_view::npos || rest.find('/', b + 1) != std::string_view::npos)
        corrupt(key, "an adjacency entry is <node>/<type>/<node>/<edge>");
    EdgeRef e;
    e.type = Graph::decode_segment(rest.substr(0, a));
    std::string other = Graph::decode_segment(rest.substr(a + 1, b - a - 1));
    e.id = Graph::decode_segment(rest.substr(b + 1));
    e.from = out ? std::string(node) : other;
    e.to = out ? std::move(other) : std::string(node);
    return e;
}

GraphEdge parse_edge(std::string_view id, std::string_view text, std::string_view key) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object() || !doc.contains("from") || !doc["from"].is_string() || !doc.contains("to") ||
        !doc["to"].is_string() || !doc.contains("type") || !doc["type"].is_string() ||
        (doc.contains("properties") && !doc["properties"].is_object()))
        corrupt(key, "not an edge document ({\"from\": …, \"to\": …, \"type\": …, \"properties\": {…}})");
    GraphEdge e;
    e.id = std::string(id);
    e.from = doc["from"].get<std::string>();
    e.to = doc["to"].get<std::string>();
    e.type = doc["type"].get<std::string>();
    if (doc.contains("properties")) e.properties = std::move(doc["properties"]);
    return e;
}

std::string edge_document(const GraphEdge& e) {
    nlohmann::json doc = nlohmann::json::object();
    doc["from"] = e.from;
    doc["to"] = e.to;
    doc["type"] = e.type;
    doc["properties"] = e.properties;
    return doc.dump();
}

nlohmann::json parse_node(std::string_view text, std::string_view key) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object()) corrupt(key, "a node document is a JSON object");
    return doc;
}

nlohmann::json properties_or_empty(const nlohmann::json& properties, std::string_view what) {
    if (properties.is_null()) return nlohmann::json::object();  // a C++ `{}` is null: no properties
    require_object(properties, what);
    return properties;
}

void require_object(const nlohmann::json& properties, std::string_view what) {
    if (!properties.is_object())
        throw Error(Status::invalid_argument,
                    std::string(what) + ": properties must be a JSON object, not " + properties.type_name());
}

std::string generate_id() {
    static std::mutex mutex;
    static std::mt19937_64 random{std::random_device{}() ^
                                  static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
    uint64_t bits;
    {
        std::lock_guard<std::mutex> lock(mutex);
        bits = random();
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%012llx%016llx", static_cast<unsigned long long>(ms) & 0xFFFFFFFFFFFFull,
                  static_cast<unsigned long long>(bits));
    return buf;
}

void for_each_key_block(const Store& store, const std::string& prefix,
                        const std::function<bool(std::vector<std::string>&)>& fn) {
    constexpr size_t kBlock = 4096;
    ListOptions options;
    options.recursive = true;
    std::vector<std::string> block;
    for (;;) {
        block.clear();
        store.list(prefix, options, [&](const Entry& entry) {
            block.push_back(entry.key);
            return block.size() < kBlock;
        });
        if (block.empty()) return;
        const bool more = block.size() == kBlock;
        options.start_after = block.back();
        if (!fn(block) || !more) return;
    }
}

}  // namespace detail::graph

}  // namespace tote
