// SPDX-License-Identifier: Apache-2.0
// bench.hpp — the harness of tote-bench: sizes, trials run in child processes, medians and ratios.
//
// Every measurement runs in a forked child, which reports the operations done, the seconds they took and its peak
// resident memory, so a trial's memory is its own and nothing one trial leaves in memory helps the next. A
// workload runs the tote variant and the raw reference alternately, `reps` times each, and keeps the medians.
#ifndef TOTE_BENCH_HPP
#define TOTE_BENCH_HPP

#include <functional>
#include <string>
#include <vector>

namespace tote::bench {

struct Sizes {
    int reps = 3;
    long batch_keys = 100000;       // batch-put, random-get and copy
    long batch_size = 1000;
    long value_size = 1024;
    long durable_puts = 2000;
    long durable_value = 4096;
    long gets = 100000;
    long list_keys_sqlite = 1000000;
    long list_keys_json = 100000;
    long calls = 10000000;          // call-overhead
    long plugin_files = 100;        // discovery
    long stream_appends = 2000;     // stream: conditional appends of 100 bytes to one key
    long stream_records = 40000;    // stream: the 100-byte records of the stream the ranged reads read (4 MB)
    long stream_reads = 50000;      // stream: ranged reads of 4 KiB
    long query_docs = 100000;       // query: JSON documents of ~300 bytes
    long graph_nodes = 100000;      // graph: the generated graph sqlite gets (power-law degrees)
    long graph_edges = 1000000;
    long graph_nodes_json = 2000;   // graph: json's smaller graph (three files, up to two directories an edge)
    long graph_edges_json = 20000;
    long graph_nodes_postgres = 10000;  // graph: postgres's (a round trip per node a build checks)
    long graph_edges_postgres = 100000;
    int graph_build_reps = 1;       // graph: trials of each build (a full one takes over a minute through tote)
    long graph_lookups = 20000;     // graph: neighbour lookups of random nodes (sqlite)
    long graph_paths = 500;         // graph: shortest paths between random pairs (sqlite)
    long graph_lookups_small = 5000;  // graph: the same on json and postgres
    long graph_paths_small = 50;
};

Sizes full_sizes();
Sizes quick_sizes();  // --quick: the same workloads, small, for CI (checks that it runs, not speed)

// One trial's outcome, as the child reports it.
struct Trial {
    double ops = 0;
    double seconds = 0;
    double peak_rss_mib = 0;
};

// Runs fn in a child process; fn returns the number of operations it did, and its time is measured around it.
// setup runs in the child before the clock starts (opening stores, preparing keys).
Trial run_trial(const std::function<void()>& setup, const std::function<double()>& fn);

struct Result {
    std::string workload, backend;
    double tote_ops_s = 0, raw_ops_s = 0, ratio = 0, peak_rss_mib = 0;
    double best_ratio = 0;  // the fastest tote trial over the fastest raw trial
    std::string note;  // units or context for the table ("ns per call: 31.2 vs 1.9")
};

// Alternates tote and raw trials reps times; medians of ops/s; ratio = tote / raw (medians), best_ratio of the
// fastest trials; peak RSS of the tote trials.
Result compare(const std::string& workload, const std::string& backend, int reps,
               const std::function<Trial()>& tote_trial, const std::function<Trial()>& raw_trial);

double median(std::vector<double> values);

// A fresh directory under base for one trial's files.
std::string fresh_dir(const std::string& base, const std::string& name);
void remove_tree(const std::string& path);

// Random bytes, the same for the same seed.
std::string random_value(size_t size, uint64_t seed);
// "k/000042"
std::string batch_key(long i);

}  // namespace tote::bench

#endif  // TOTE_BENCH_HPP
