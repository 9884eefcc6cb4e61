// SPDX-License-Identifier: Apache-2.0
// workloads_graph.cpp — the graph workload (tote/graph.hpp): a generated directed graph with power-law degrees,
// built, then asked for the neighbours of random nodes and for shortest paths between random pairs, through
// tote::Graph and through the raw references of raw_graph.hpp, on the same graph and the same random sequence.
//
//   graph-build     Graph::apply() of GraphBatches of 1,000 (the nodes first, then the edges; generated edge ids)
//                   vs the nodes and then the edges inserted in transactions of 1,000; ops are edges
//   graph-neighbor  Graph::neighbors(id) (depth 1, out; it also checks that id is a node)  vs  SELECT dst FROM
//                   edges WHERE src = ? (json: a walk of the node's out/ directory in the files tote wrote); ops
//                   are lookups
//   graph-path      Graph::shortest_path(a, b) (out)  vs  the same bidirectional breadth-first search over the raw
//                   table (its src index forward, its dst index backward); ops are paths. The note gives each
//                   side's RSS growth over the paths (the graph API keeps the visited nodes, never the graph)
//
// The peak RSS of a row is that of the timed part of its tote trials: the build resets the peak after generating
// the graph, the paths when they start.
// sqlite gets the full graph (graph_nodes, graph_edges); json and postgres smaller ones: json writes three files
// and up to two directories per edge, and a postgres build pays a round trip per node Graph::apply() checks, so
// the full graph would take many minutes there. Each build runs graph_build_reps times (one by default: a full
// one takes over a minute through tote), the reads reps times. postgres runs only when a private server can be
// started (bench_servers.hpp). Every trial's answers (neighbours found, path lengths) are checked against every
// other's, tote's against raw's.
#include "bench_servers.hpp"
#include "raw_graph.hpp"
#include "workloads.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <unordered_set>

namespace tote::bench {

namespace {

constexpr size_t kBatch = 1000;        // rows per raw transaction (the reference)
// Nodes or edges per GraphBatch: a bulk load through tote is Graph::apply() with batches as large as the caller
// likes (each is one store transaction); an edge is three rows (document, out entry, in entry), so 10,000 edges
// make transactions of 30,000 rows.
constexpr size_t kToteBatch = 10000;
constexpr double kExponent = 1.0;      // of the Zipf distributions the ends of edges are drawn from
constexpr uint64_t kGraphSeed = 20250101;
constexpr const char* kPrefix = "g";   // the graph's prefix in every tote store

std::string node_id(long i) {
    char id[24];
    std::snprintf(id, sizeof id, "n%06ld", i);
    return id;
}

// The graph of `nodes` nodes and `edges` edges, the same for the same sizes. Edge ends are drawn from two Zipf
// distributions (exponent kExponent) over two independent random rankings of the nodes, so out- and in-degrees
// both follow a power law, and their hubs differ; the first edges give every node one edge out and one in, so
// that most pairs are joined by a path. Types rel0..rel3 at random; no self-loops, no parallel edges.
GraphData make_graph(long nodes, long edges) {
    GraphData g;
    g.types = {"rel0", "rel1", "rel2", "rel3"};
    g.nodes.reserve(static_cast<size_t>(nodes));
    for (long i = 0; i < nodes; ++i) g.nodes.push_back(node_id(i));
    std::mt19937_64 rng(kGraphSeed);
    std::vector<double> weights(static_cast<size_t>(nodes));
    for (long r = 0; r < nodes; ++r) weights[static_cast<size_t>(r)] = std::pow(static_cast<double>(r + 1), -kExponent);
    std::discrete_distribution<uint32_t> zipf(weights.begin(), weights.end());
    std::vector<uint32_t> out_rank(static_cast<size_t>(nodes)), in_rank(static_cast<size_t>(nodes));
    for (uint32_t i = 0; i < out_rank.size(); ++i) out_rank[i] = in_rank[i] = i;
    std::shuffle(out_rank.begin(), out_rank.end(), rng);
    std::shuffle(in_rank.begin(), in_rank.end(), rng);
    std::unordered_set<uint64_t> present;
    present.reserve(static_cast<size_t>(edges));
    g.edges.reserve(static_cast<size_t>(edges));
    auto add = [&](uint32_t src, uint32_t dst) {
        if (src == dst || !present.insert(uint64_t{src} << 32 | dst).second) return false;
        g.edges.push_back({src, dst, static_cast<uint32_t>(rng() % g.types.size())});
        return true;
    };
    const auto n = static_cast<uint32_t>(nodes);
    for (uint32_t i = 0; i < n && g.edges.size() < static_cast<size_t>(edges); ++i)
        while (!add(i, in_rank[zipf(rng)])) {}
    for (uint32_t i = 0; i < n && g.edges.size() < static_cast<size_t>(edges); ++i)
        while (!add(out_rank[zipf(rng)], i)) {}
    while (g.edges.size() < static_cast<size_t>(edges)) add(out_rank[zipf(rng)], in_rank[zipf(rng)]);
    return g;
}

// count node ids drawn uniformly, the same for the same seed (tote's trials and raw's ask the same).
std::vector<std::string> random_nodes(long count, long nodes, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> out;
    for (long i = 0; i < count; ++i) out.push_back(node_id(static_cast<long>(rng() % static_cast<uint64_t>(nodes))));
    return out;
}

// count pairs of distinct node ids, likewise.
std::vector<std::pair<std::string, std::string>> random_pairs(long count, long nodes, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::string, std::string>> out;
    while (static_cast<long>(out.size()) < count) {
        const long a = static_cast<long>(rng() % static_cast<uint64_t>(nodes));
        const long b = static_cast<long>(rng() % static_cast<uint64_t>(nodes));
        if (a != b) out.emplace_back(node_id(a), node_id(b));
    }
    return out;
}

// What a trial's child tells the parent besides its Trial, through a page shared across fork(): a checksum of its
// answers, and how much its resident memory grew over the timed part.
struct Report {
    long answers = -1;  // neighbours found, or the total length of the paths found
    long found = 0;     // paths found
    double rss_growth_mib = 0;
};

Report& shared_report() {
    static Report* report = [] {
        void* page = ::mmap(nullptr, sizeof(Report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) throw std::runtime_error("mmap of the shared report failed");
        return static_cast<Report*>(page);
    }();
    return *report;
}

// run_trial(), with what fn puts in the report appended to reports.
Trial reporting_trial(const std::function<void()>& setup, const std::function<double(Report&)>& fn,
                      std::vector<Report>& reports) {
    Report& shared = shared_report();
    shared = Report{};
    const Trial t = run_trial(setup, [&] { return fn(shared); });
    reports.push_back(shared);
    return t;
}

// A line of /proc/self/status ("VmRSS:", "VmHWM:") in MiB.
double status_mib(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string name;
    double kib = 0;
    while (status >> name) {
        if (name == field) {
            status >> kib;
            return kib / 1024.0;
        }
        status.ignore(4096, '\n');
    }
    return 0;
}

// Resets the peak resident memory to the current size (Linux's clear_refs 5, where permitted), so that the peak a
// trial reports is that of its timed part (not of the graph's generation before it); returns the current size.
// What the generation freed is handed back to the system first, so that it is not counted as the trial's.
double reset_peak_rss() {
    ::malloc_trim(0);
    const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (::write(fd, "5", 1) != 1) {}
        ::close(fd);
    }
    return status_mib("VmRSS:");
}

// The growth of resident memory from now on (where the peak cannot be reset, from the lowest point since the trial
// began: an overestimate).
struct RssWatch {
    double start = reset_peak_rss();
    double growth() const { return status_mib("VmHWM:") - start; }
};

// One backend: its sizes, and how a trial's tote store and raw reference of a given name are opened.
struct Backend {
    std::string name;
    long nodes = 0, edges = 0, lookups = 0, paths = 0;
    std::string note;  // about the sizes or the setting, for every row
    std::function<Store(const std::string& trial)> tote;
    std::function<std::unique_ptr<RawGraph>(const std::string& trial)> raw;
    bool raw_reads_tote = false;  // the raw reads walk the store tote built (json: the files are the layout)
    std::function<void(const std::string& trial)> drop;  // removes a trial's store, once it is not needed
    std::function<void(const std::string& tote, const std::string& raw)> settle;  // after the builds, if any
};

void tote_build(Store& store, const GraphData& graph) {
    Graph g(store, kPrefix);
    GraphBatch batch;
    for (const std::string& node : graph.nodes) {
        batch.put_node(node);
        if (batch.size() == kToteBatch) {
            g.apply(batch);
            batch.clear();
        }
    }
    if (batch.size() > 0) g.apply(batch);
    batch.clear();
    for (const GraphData::Edge& e : graph.edges) {
        batch.put_edge(graph.nodes[e.src], graph.nodes[e.dst], graph.types[e.type]);
        if (batch.size() == kToteBatch) {
            g.apply(batch);
            batch.clear();
        }
    }
    if (batch.size() > 0) g.apply(batch);
}

// Throws unless every report has the same answers (and paths found).
void check_answers(const std::string& what, const std::vector<Report>& tote, const std::vector<Report>& raw) {
    for (const std::vector<Report>* side : {&tote, &raw})
        for (const Report& r : *side)
            if (r.answers != tote.front().answers || r.found != tote.front().found)
                throw std::runtime_error(what + ": the trials disagree: " + std::to_string(tote.front().answers) + "/" +
                                         std::to_string(tote.front().found) + " vs " + std::to_string(r.answers) +
                                         "/" + std::to_string(r.found) + " (answers/paths)");
}

std::string size_note(const Backend& b) {
    char text[160];
    std::snprintf(text, sizeof text, "%ld nodes, %ld edges", b.nodes, b.edges);
    return b.note.empty() ? text : std::string(text) + "; " + b.note;
}

void run_backend(const Env& env, const Backend& b, std::vector<Result>& out) {
    const int reps = env.sizes.reps;
    int trial = 0;
    std::string tote_name, raw_name;  // the last build's stores, which the reads use
    GraphData graph;
    Store store(nullptr);
    std::unique_ptr<RawGraph> raw;

    out.push_back(compare("graph-build", b.name, env.sizes.graph_build_reps,
        [&] {
            if (!tote_name.empty()) b.drop(tote_name);
            tote_name = "tote-" + std::to_string(++trial);
            return run_trial([&] {
                                 graph = make_graph(b.nodes, b.edges);
                                 store = b.tote(tote_name);
                             },
                             [&] {
                                 reset_peak_rss();
                                 tote_build(store, graph);
                                 return static_cast<double>(graph.edges.size());
                             });
        },
        [&] {
            if (!raw_name.empty()) b.drop(raw_name);
            raw_name = "raw-" + std::to_string(++trial);
            return run_trial([&] {
                                 graph = make_graph(b.nodes, b.edges);
                                 raw = b.raw(raw_name);
                             },
                             [&] {
                                 reset_peak_rss();
                                 raw->load(graph, kBatch);
                                 return static_cast<double>(graph.edges.size());
                             });
        }));
    out.back().note = "edges/s; " + size_note(b);
    if (b.settle) b.settle(tote_name, raw_name);
    const std::string raw_reads = b.raw_reads_tote ? tote_name : raw_name;

    std::vector<Report> tote_reports, raw_reports;
    std::vector<std::string> ids;
    out.push_back(compare("graph-neighbor", b.name, reps,
        [&] {
            return reporting_trial(
                [&] {
                    ids = random_nodes(b.lookups, b.nodes, 7);
                    store = b.tote(tote_name);
                },
                [&](Report& report) {
                    const Graph g(store, kPrefix);
                    long found = 0;
                    for (const std::string& id : ids) found += static_cast<long>(g.neighbors(id).size());
                    report.answers = found;
                    return static_cast<double>(ids.size());
                },
                tote_reports);
        },
        [&] {
            return reporting_trial(
                [&] {
                    ids = random_nodes(b.lookups, b.nodes, 7);
                    raw = b.raw(raw_reads);
                },
                [&](Report& report) {
                    long found = 0;
                    std::vector<std::string> neighbors;
                    for (const std::string& id : ids) {
                        neighbors.clear();
                        raw->neighbors(id, true, neighbors);
                        found += static_cast<long>(neighbors.size());
                    }
                    report.answers = found;
                    return static_cast<double>(ids.size());
                },
                raw_reports);
        }));
    check_answers("graph-neighbor " + b.name, tote_reports, raw_reports);
    char text[200];
    std::snprintf(text, sizeof text, "lookups/s, %.1f neighbours each; ",
                  static_cast<double>(tote_reports.front().answers) / static_cast<double>(b.lookups));
    out.back().note = text + size_note(b);

    tote_reports.clear();
    raw_reports.clear();
    std::vector<std::pair<std::string, std::string>> pairs;
    out.push_back(compare("graph-path", b.name, reps,
        [&] {
            return reporting_trial(
                [&] {
                    pairs = random_pairs(b.paths, b.nodes, 11);
                    store = b.tote(tote_name);
                },
                [&](Report& report) {
                    const RssWatch rss;
                    const Graph g(store, kPrefix);
                    long length = 0, found = 0;
                    for (const auto& [from, to] : pairs)
                        if (const std::optional<Path> path = g.shortest_path(from, to)) {
                            length += static_cast<long>(path->edges.size());
                            ++found;
                        }
                    report.answers = length;
                    report.found = found;
                    report.rss_growth_mib = rss.growth();
                    return static_cast<double>(pairs.size());
                },
                tote_reports);
        },
        [&] {
            return reporting_trial(
                [&] {
                    pairs = random_pairs(b.paths, b.nodes, 11);
                    raw = b.raw(raw_reads);
                },
                [&](Report& report) {
                    const RssWatch rss;
                    long length = 0, found = 0;
                    for (const auto& [from, to] : pairs) {
                        const long edges = raw_shortest_path(*raw, from, to);
                        if (edges >= 0) {
                            length += edges;
                            ++found;
                        }
                    }
                    report.answers = length;
                    report.found = found;
                    report.rss_growth_mib = rss.growth();
                    return static_cast<double>(pairs.size());
                },
                raw_reports);
        }));
    check_answers("graph-path " + b.name, tote_reports, raw_reports);
    double tote_growth = 0, raw_growth = 0;
    for (const Report& r : tote_reports) tote_growth = std::max(tote_growth, r.rss_growth_mib);
    for (const Report& r : raw_reports) raw_growth = std::max(raw_growth, r.rss_growth_mib);
    const Report& r = tote_reports.front();
    std::snprintf(text, sizeof text, "paths/s, %ld of %ld found, %.2f edges long; RSS growth %.1f MiB (raw %.1f); ",
                  r.found, b.paths, r.found ? static_cast<double>(r.answers) / static_cast<double>(r.found) : 0.0,
                  tote_growth, raw_growth);
    out.back().note = text + size_note(b);

    // The last stores go before the next backend's.
    b.drop(tote_name);
    b.drop(raw_name);
}

Store open_store(const Env& env, const std::string& url, std::map<std::string, std::string> options) {
    OpenOptions o;
    o.create = true;
    o.options = std::move(options);
    return env.host->open(url, o);
}

// ANALYZE of the tables. Fresh from a bulk load they have no statistics until autovacuum comes round (within a
// minute or so), and until then the plugin's "any key with an expiry?" query before every listing (SELECT 1 …
// WHERE expires_ns IS NOT NULL LIMIT 1) is planned as a scan of the whole table instead of its partial index:
// the reads would measure how soon autovacuum came, not the graph.
void analyze(const std::string& url, const std::vector<std::string>& tables) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("analyze: " + message);
    }
    for (const std::string& table : tables) {
        PGresult* r = PQexec(conn, ("ANALYZE " + table).c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            const std::string message = PQerrorMessage(conn);
            PQfinish(conn);
            throw std::runtime_error("analyze " + table + ": " + message);
        }
    }
    PQfinish(conn);
}

}  // namespace

std::vector<Result> graph_layer(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    const std::string dir = env.work_dir + "/graph";
    {
        // Both at synchronous=normal in WAL mode (the plugin's journal mode; normal rather than the plugin's
        // default full so that a build of a thousand commits measures the writes, not a thousand fsyncs).
        Backend b;
        b.name = "sqlite";
        b.nodes = z.graph_nodes;
        b.edges = z.graph_edges;
        b.lookups = z.graph_lookups;
        b.paths = z.graph_paths;
        b.tote = [&](const std::string& trial) {
            return open_store(env, "sqlite://" + dir + "/" + trial + ".db", {{"synchronous", "normal"}});
        };
        b.raw = [&](const std::string& trial) -> std::unique_ptr<RawGraph> {
            std::filesystem::create_directories(dir);
            return std::make_unique<RawGraphSqlite>(dir + "/" + trial + ".db", "normal");
        };
        b.drop = [&](const std::string& trial) {
            for (const char* suffix : {"", "-wal", "-shm"}) remove_tree(dir + "/" + trial + ".db" + suffix);
        };
        run_backend(env, b, out);
    }
    {
        // fsync off on both sides: files for scratch data, as the other json workloads write them.
        Backend b;
        b.name = "json";
        b.nodes = z.graph_nodes_json;
        b.edges = z.graph_edges_json;
        b.lookups = z.graph_lookups_small;
        b.paths = z.graph_paths_small;
        b.note = "a smaller graph";
        b.tote = [&](const std::string& trial) {
            return open_store(env, "json://" + dir + "/json-" + trial, {{"fsync", "false"}});
        };
        b.raw = [&](const std::string& trial) -> std::unique_ptr<RawGraph> {
            return std::make_unique<RawGraphFiles>(dir + "/json-" + trial, kPrefix);
        };
        b.raw_reads_tote = true;
        b.drop = [&](const std::string& trial) { remove_tree(dir + "/json-" + trial); };
        run_backend(env, b, out);
    }
    Result skipped;
    skipped.workload = "graph";
    skipped.backend = "postgres";
    const std::vector<std::string> schemes = env.host->schemes();
    if (std::find(schemes.begin(), schemes.end(), "postgres") == schemes.end()) {
        skipped.note = "skipped: the postgres plugin is not built";
        out.push_back(skipped);
        return out;
    }
    Server server("postgres", env.work_dir);
    if (!server.up) {
        skipped.note = "skipped: no PostgreSQL server could be started (apt-get install postgresql)";
        out.push_back(skipped);
        return out;
    }
    const ClientCpus client_cpus;
    auto table = [](std::string trial) {  // "tote-1" → "graph_tote_1"
        std::replace(trial.begin(), trial.end(), '-', '_');
        return "graph_" + trial;
    };
    Backend b;
    b.name = "postgres";
    b.nodes = z.graph_nodes_postgres;
    b.edges = z.graph_edges_postgres;
    b.lookups = z.graph_lookups_small;
    b.paths = z.graph_paths_small;
    b.note = "a smaller graph; tables analyzed after the build";
    b.tote = [&](const std::string& trial) { return open_store(env, server.url, {{"table", table(trial)}}); };
    b.raw = [&](const std::string& trial) -> std::unique_ptr<RawGraph> {
        return std::make_unique<RawGraphPostgres>(server.url, table(trial));
    };
    b.drop = [](const std::string&) {};  // the tables go with the server's data directory
    b.settle = [&](const std::string& tote, const std::string& raw) {
        analyze(server.url, {table(tote), table(raw) + "_nodes", table(raw) + "_edges"});
    };
    run_backend(env, b, out);
    return out;
}

}  // namespace tote::bench
