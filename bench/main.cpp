// SPDX-License-Identifier: Apache-2.0
// main.cpp — tote-bench: each workload through tote (host → plugin) and through a raw reference doing the same
// work in the same run, alternating, several repetitions; prints medians and ratios, or --json.
//
//   tote-bench [--quick] [--json] [--workload NAME]... [--reps N] [--dir DIR]
//
// Workloads: batch-put, durable-put, random-get, list, copy, call-overhead, discovery, stream, query, servers (batch-put,
// random-get and list on private postgres and redis servers, when those are installed), and graph (tote::Graph's
// build, neighbours and shortest paths), and layers (each first-party layer over sqlite against the bare store).
// --quick runs them small (CI checks that they run, not how fast). --dir is
// where stores go (default: a new directory under $TMPDIR, removed at the end). Results and how to read them:
// docs/performance.md.
#include "workloads.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using namespace tote::bench;

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: tote-bench [--quick] [--json] [--workload NAME]... [--reps N] [--dir DIR]\n"
                 "workloads: batch-put durable-put random-get list copy call-overhead discovery stream query servers "
                 "graph layers\n");
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, json = false;
    int reps = 0;
    std::string dir;
    std::vector<std::string> chosen;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--quick") quick = true;
        else if (arg == "--json") json = true;
        else if (arg == "--workload" && i + 1 < argc) chosen.push_back(argv[++i]);
        else if (arg == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
        else if (arg == "--dir" && i + 1 < argc) dir = argv[++i];
        else {
            usage();
            return 2;
        }
    }
    const std::map<std::string, std::vector<Result> (*)(const Env&)> workloads = {
        {"batch-put", batch_put}, {"durable-put", durable_put}, {"random-get", random_get}, {"list", list},
        {"stream", stream},
        {"copy", copy},           {"call-overhead", call_overhead}, {"discovery", discovery},
        {"query", query_documents}, {"servers", servers}, {"graph", graph_layer}, {"layers", layers}};
    const std::vector<std::string> order = {"batch-put", "durable-put", "random-get", "list", "copy", "call-overhead",
                                            "discovery", "stream", "query", "servers", "graph", "layers"};
    if (chosen.empty()) chosen = order;
    for (const auto& w : chosen)
        if (!workloads.count(w)) {
            std::fprintf(stderr, "tote-bench: unknown workload '%s'\n", w.c_str());
            usage();
            return 2;
        }

    // Beside this binary in the build tree: bin/tote, lib/tote/plugins, bench/plugins/tote-null.so.
    const fs::path bin = boost::dll::program_location().parent_path();
    Env env;
    env.sizes = quick ? quick_sizes() : full_sizes();
    if (reps > 0) env.sizes.reps = reps;
    env.tote_cli = (bin / "tote").string();
    env.plugin_dir = (bin.parent_path() / "lib" / "tote" / "plugins").string();
    env.null_plugin = (bin.parent_path() / "bench" / "plugins" / "tote-null.so").string();
    bool own_dir = dir.empty();
    if (own_dir) {
        std::string pattern = (fs::temp_directory_path() / "tote-bench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) return 1;
        ::chmod(pattern.c_str(), 0755);  // the private PostgreSQL server runs as the postgres user, and keeps data here
        dir = pattern;
    }
    env.work_dir = dir;
    tote::HostOptions options;
    options.plugin_dirs = {env.plugin_dir, (bin.parent_path() / "bench" / "plugins").string()};
    options.use_environment = false;
    options.builtin_plugins = false;
    tote::Host host(options);
    env.host = &host;

    std::vector<Result> results;
    int status = 0;
    try {
        for (const auto& w : chosen) {
            if (!json) std::fprintf(stderr, "running %s...\n", w.c_str());
            for (Result& r : workloads.at(w)(env)) results.push_back(r);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tote-bench: %s\n", e.what());
        status = 1;
    }
    if (own_dir) remove_tree(dir);

    if (json) {
        nlohmann::json out = {{"results", nlohmann::json::array()}};
        for (const Result& r : results)
            out["results"].push_back({{"workload", r.workload},
                                      {"backend", r.backend},
                                      {"tote_ops_s", r.tote_ops_s},
                                      {"raw_ops_s", r.raw_ops_s},
                                      {"ratio", r.ratio},
                                      {"best_ratio", r.best_ratio},
                                      {"peak_rss_mib", r.peak_rss_mib},
                                      {"note", r.note}});
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("%-14s %-13s %14s %14s %7s %7s %9s  %s\n", "workload", "backend", "tote ops/s", "raw ops/s", "ratio",
                    "best",
                    "peak RSS", "");
        for (const Result& r : results)
            std::printf("%-14s %-13s %14.0f %14.0f %7.2f %7.2f %6.1f MiB  %s\n", r.workload.c_str(), r.backend.c_str(),
                        r.tote_ops_s, r.raw_ops_s, r.ratio, r.best_ratio, r.peak_rss_mib, r.note.c_str());
    }
    return status;
}
