// SPDX-License-Identifier: Apache-2.0
// raw_graph.hpp — what tote's graph layer (tote/graph.hpp) is measured against: the same graph as an expert would
// keep it without tote — a table edges(src, dst, type) indexed on src and on dst, in SQLite (C API, prepared
// statements, the sqlite plugin's pragmas) and PostgreSQL (libpq, prepared statements, a batch as one pipeline in
// one transaction) — or, for json, the graph's own directory layout written and read with POSIX calls; and the
// bidirectional breadth-first search Graph::shortest_path does, run over any of them.
#ifndef TOTE_BENCH_RAW_GRAPH_HPP
#define TOTE_BENCH_RAW_GRAPH_HPP

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;
struct pg_conn;

namespace tote::bench {

// A generated directed graph: node i is nodes[i] ("n000042"); edge j goes from nodes[edges[j].src] to
// nodes[edges[j].dst] and is of type types[edges[j].type]. No self-loops, no two edges from one node to another.
struct GraphData {
    struct Edge {
        uint32_t src, dst, type;
    };
    std::vector<std::string> nodes, types;
    std::vector<Edge> edges;
};

// One raw reference: writes the graph, and gives the nodes one edge away from a node.
class RawGraph {
public:
    virtual ~RawGraph() = default;
    // The nodes, then the edges, each in transactions (or runs) of batch.
    virtual void load(const GraphData& graph, size_t batch) = 0;
    // Appends to into the nodes one edge away from node: with out, those its edges point to; else those whose
    // edges point to it.
    virtual void neighbors(const std::string& node, bool out, std::vector<std::string>& into) = 0;
};

// SQLite: tables nodes(id TEXT PRIMARY KEY) and edges(src TEXT, dst TEXT, type TEXT) with an index on src and one
// on dst (made before the rows, as the plugin's key index is), in WAL mode at the given synchronous level.
class RawGraphSqlite : public RawGraph {
public:
    RawGraphSqlite(const std::string& path, const std::string& synchronous);
    ~RawGraphSqlite() override;
    RawGraphSqlite(const RawGraphSqlite&) = delete;
    RawGraphSqlite& operator=(const RawGraphSqlite&) = delete;
    void load(const GraphData& graph, size_t batch) override;
    void neighbors(const std::string& node, bool out, std::vector<std::string>& into) override;

private:
    void exec(const char* sql);
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_node_ = nullptr;
    sqlite3_stmt* insert_edge_ = nullptr;
    sqlite3_stmt* out_ = nullptr;
    sqlite3_stmt* in_ = nullptr;
};

// PostgreSQL: tables <table>_nodes and <table>_edges, the same columns and indexes.
class RawGraphPostgres : public RawGraph {
public:
    RawGraphPostgres(const std::string& url, const std::string& table);
    ~RawGraphPostgres() override;
    RawGraphPostgres(const RawGraphPostgres&) = delete;
    RawGraphPostgres& operator=(const RawGraphPostgres&) = delete;
    void load(const GraphData& graph, size_t batch) override;
    void neighbors(const std::string& node, bool out, std::vector<std::string>& into) override;

private:
    pg_conn* conn_ = nullptr;
};

// Files, in the graph's key layout (docs/graph.md) under root/prefix: nodes/<node> "{}", edges/<edge> its
// document, out/<from>/<type>/<to>/<edge> and in/<to>/<type>/<from>/<edge> empty; each file written through a
// temporary file and rename (not synced), directories made once. The neighbours of a node are a walk of its
// out/<node> (or in/<node>) directory, each directory read whole and sorted (the order of the keys), one
// neighbour per edge file. The ids must need no percent-encoding (the generated ones do not).
class RawGraphFiles : public RawGraph {
public:
    RawGraphFiles(const std::string& root, const std::string& prefix);
    ~RawGraphFiles() override;
    RawGraphFiles(const RawGraphFiles&) = delete;
    RawGraphFiles& operator=(const RawGraphFiles&) = delete;
    void load(const GraphData& graph, size_t batch) override;
    void neighbors(const std::string& node, bool out, std::vector<std::string>& into) override;

private:
    std::string base_;  // root/prefix/
    int root_fd_ = -1;
};

// The number of edges of a shortest path from `from` to `to` along the edges' direction, -1 if there is none,
// found the way Graph::shortest_path finds it: bidirectional, the smaller frontier expanded a whole level at a
// time (forward along out-edges, backward along in-edges), each side's visited nodes in an unordered_map with the
// node it was reached from, the shortest meeting of a level taken, and the path walked back through the parents.
long raw_shortest_path(RawGraph& graph, const std::string& from, const std::string& to);

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_GRAPH_HPP
