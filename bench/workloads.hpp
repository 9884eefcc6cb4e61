// SPDX-License-Identifier: Apache-2.0
// workloads.hpp — the workloads of tote-bench (issue "Performance"), each measured through tote and through a raw
// reference doing the same work in the same run.
#ifndef TOTE_BENCH_WORKLOADS_HPP
#define TOTE_BENCH_WORKLOADS_HPP

#include "bench.hpp"

#include <tote/tote.hpp>

#include <string>
#include <vector>

namespace tote::bench {

struct Env {
    Sizes sizes;
    std::string work_dir;    // scratch space for stores
    std::string tote_cli;    // the tote binary (copy, discovery)
    std::string plugin_dir;  // the first-party plugins
    std::string null_plugin;  // bench's do-nothing plugin file
    const Host* host = nullptr;
};

// batch-put: batch_keys keys k/%06d of value_size random bytes, in batches of batch_size.
std::vector<Result> batch_put(const Env& env);
// durable-put: durable_puts single writes of durable_value bytes, each durable on its own.
std::vector<Result> durable_put(const Env& env);
// random-get: gets uniform random point reads from a batch-put store.
std::vector<Result> random_get(const Env& env);
// list: stream every key of a store in order and count them (peak RSS reported).
std::vector<Result> list(const Env& env);
// copy: `tote cp` of batch_keys keys from json to sqlite, against reading the files and inserting the rows.
std::vector<Result> copy(const Env& env);
// call-overhead: a call through the host and the vtable into a plugin that does nothing, against a bare call.
std::vector<Result> call_overhead(const Env& env);
// discovery: `tote plugins` with plugin_files plugin files, with and without the registry cache, against dlopen of
// the same files; and `tote get` with those plugins installed against `tote get` without them.
std::vector<Result> discovery(const Env& env);
// stream: conditional appends and ranged reads of one key (sqlite, json), against raw SQLite / POSIX calls.
std::vector<Result> stream(const Env& env);
// query: find over query_docs JSON documents (1 % and 10 % matching) on sqlite, json and postgres, against the
// hand-written query of each engine, and the host's evaluation against the native one.
std::vector<Result> query_documents(const Env& env);
// servers: batch-put, random-get and list on private postgres and redis servers, against raw libpq / hiredis.
std::vector<Result> servers(const Env& env);
// graph: build a power-law graph through tote::Graph (sqlite, json, postgres), then neighbours of random nodes
// and shortest paths between random pairs, against an edge table indexed on src and dst (json: the files).
std::vector<Result> graph_layer(const Env& env);
// layers: each first-party layer over sqlite against the bare sqlite store (batch-put, random-get; cache on a hot
// set; zstd on generated JSON evaluation records, with the bytes it stored).
std::vector<Result> layers(const Env& env);

}  // namespace tote::bench

#endif  // TOTE_BENCH_WORKLOADS_HPP
