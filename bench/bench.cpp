// SPDX-License-Identifier: Apache-2.0
// bench.cpp — trials in child processes, medians, fresh directories, test data.
#include "bench.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace tote::bench {

Sizes full_sizes() { return Sizes{}; }

Sizes quick_sizes() {
    Sizes s;
    s.reps = 1;
    s.batch_keys = 3000;
    s.batch_size = 500;
    s.durable_puts = 50;
    s.gets = 3000;
    s.list_keys_sqlite = 20000;
    s.list_keys_json = 3000;
    s.calls = 200000;
    s.plugin_files = 10;
    s.stream_appends = 100;
    s.stream_records = 1000;
    s.stream_reads = 1000;
    s.query_docs = 2000;
    s.graph_nodes = 10000;
    s.graph_edges = 100000;
    s.graph_nodes_json = 200;
    s.graph_edges_json = 2000;
    s.graph_nodes_postgres = 2000;
    s.graph_edges_postgres = 20000;
    s.graph_lookups = 2000;
    s.graph_paths = 50;
    s.graph_lookups_small = 500;
    s.graph_paths_small = 10;
    return s;
}

Trial run_trial(const std::function<void()>& setup, const std::function<double()>& fn) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        Trial t;
        try {
            setup();
            auto start = std::chrono::steady_clock::now();
            t.ops = fn();
            t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tote-bench: trial failed: %s\n", e.what());
            ::_exit(1);
        }
        // The trial's own peak, or that of a process it ran (tote cp, tote plugins), whichever is larger.
        struct rusage self, children;
        ::getrusage(RUSAGE_SELF, &self);
        ::getrusage(RUSAGE_CHILDREN, &children);
        t.peak_rss_mib = static_cast<double>(std::max(self.ru_maxrss, children.ru_maxrss)) / 1024.0;  // KiB on Linux
        if (::write(fds[1], &t, sizeof t) != static_cast<ssize_t>(sizeof t)) ::_exit(1);
        ::_exit(0);
    }
    ::close(fds[1]);
    Trial t;
    ssize_t got = ::read(fds[0], &t, sizeof t);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof t) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("a benchmark trial failed (see above)");
    return t;
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Result compare(const std::string& workload, const std::string& backend, int reps,
               const std::function<Trial()>& tote_trial, const std::function<Trial()>& raw_trial) {
    std::vector<double> tote_rates, raw_rates, rss;
    for (int rep = 0; rep < reps; ++rep) {
        Trial t = tote_trial();
        Trial r = raw_trial();
        tote_rates.push_back(t.ops / t.seconds);
        raw_rates.push_back(r.ops / r.seconds);
        rss.push_back(t.peak_rss_mib);
    }
    Result result;
    result.workload = workload;
    result.backend = backend;
    result.tote_ops_s = median(tote_rates);
    result.raw_ops_s = median(raw_rates);
    result.ratio = result.raw_ops_s > 0 ? result.tote_ops_s / result.raw_ops_s : 0;
    // Interference from the rest of the machine only ever slows a trial down, so the fastest trial of each side
    // is the closest to its own cost: on a noisy (virtual) machine this ratio moves far less than the median's.
    const double best_raw = *std::max_element(raw_rates.begin(), raw_rates.end());
    result.best_ratio = best_raw > 0 ? *std::max_element(tote_rates.begin(), tote_rates.end()) / best_raw : 0;
    result.peak_rss_mib = *std::max_element(rss.begin(), rss.end());
    return result;
}

std::string fresh_dir(const std::string& base, const std::string& name) {
    std::string dir = base + "/" + name;
    remove_tree(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

void remove_tree(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

std::string random_value(size_t size, uint64_t seed) {
    std::string out(size, '\0');
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = static_cast<char>(x & 0xFF);
    }
    return out;
}

std::string batch_key(long i) {
    char key[32];
    std::snprintf(key, sizeof key, "k/%06ld", i);
    return key;
}

}  // namespace tote::bench
