// SPDX-License-Identifier: Apache-2.0
// workloads_servers.cpp — batch-put, random-get and list on server backends (postgres, redis), against the raw
// libpq / hiredis clients doing the same work. The servers are private instances the benchmark starts itself on
// loopback (tests/servers/*.sh) and stops at the end; a server that cannot be started is skipped with a note.
// Sizes: batch_keys keys of value_size bytes in batches of batch_size, gets random reads, and the list is of the
// batch-put store (batch_keys keys).
#include "workloads.hpp"

#include "bench_servers.hpp"
#include "raw_postgres.hpp"
#include "raw_redis.hpp"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace tote::bench {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::vector<Pairs> make_pairs(long count, long value_size, long batch_size) {
    std::vector<Pairs> batches;
    for (long i = 0; i < count; ++i) {
        if (i % batch_size == 0) batches.emplace_back();
        batches.back().emplace_back(batch_key(i), random_value(static_cast<size_t>(value_size), static_cast<uint64_t>(i)));
    }
    return batches;
}

std::vector<std::vector<BatchWrite>> to_batches(const std::vector<Pairs>& pairs) {
    std::vector<std::vector<BatchWrite>> out;
    for (const Pairs& p : pairs) {
        out.emplace_back();
        for (const auto& [k, v] : p) out.back().push_back({k, v, {}});
    }
    return out;
}

// A raw client of either kind, behind one face for the three workloads.
struct Raw {
    virtual ~Raw() = default;
    virtual void put_batch(const Pairs& batch) = 0;
    virtual bool get(const std::string& key, std::string& out) = 0;
    virtual long count_keys(long page) = 0;
};
template <class Client> struct RawOf : Raw {
    template <class... A> explicit RawOf(A&&... a) : client(std::forward<A>(a)...) {}
    void put_batch(const Pairs& batch) override { client.put_batch(batch); }
    bool get(const std::string& key, std::string& out) override { return client.get(key, out); }
    long count_keys(long page) override { return client.count_keys(page); }
    Client client;
};

}  // namespace

std::vector<Result> servers(const Env& env) {
    const Sizes& z = env.sizes;
    std::vector<Result> out;
    const std::vector<std::string> schemes = env.host->schemes();
    for (const std::string backend : {"postgres", "redis"}) {
        if (std::find(schemes.begin(), schemes.end(), backend) == schemes.end()) {
            std::fprintf(stderr, "tote-bench: skipping %s: its plugin is not built\n", backend.c_str());
            continue;
        }
        Server server(backend, env.work_dir);
        const ClientCpus client_cpus;
        if (!server.up) {
            std::fprintf(stderr, "tote-bench: skipping %s: its server could not be started (%s)\n", backend.c_str(),
                         server.script.c_str());
            continue;
        }
        const std::string option = backend == "postgres" ? "table" : "prefix";
        auto raw_client = [&](const std::string& store) -> std::unique_ptr<Raw> {
            if (backend == "postgres") return std::make_unique<RawOf<RawPostgres>>(server.url, store);
            return std::make_unique<RawOf<RawRedis>>("127.0.0.1", server.port, "tote-secret", store);
        };
        auto tote_store = [&](const std::string& store) {
            OpenOptions o;
            o.create = true;
            o.options = {{option, store}};
            return env.host->open(server.url, o);
        };
        int trial = 0;
        std::string last_tote, last_raw;  // the batch-put stores the reads and the listing use
        std::vector<std::vector<BatchWrite>> batches;
        std::vector<Pairs> pairs;
        Store store = Store(nullptr);
        std::unique_ptr<Raw> raw;
        out.push_back(compare(
            "batch-put", backend, z.reps,
            [&] {
                last_tote = "bench_tote_" + std::to_string(++trial);
                return run_trial(
                    [&] {
                        batches = to_batches(make_pairs(z.batch_keys, z.value_size, z.batch_size));
                        store = tote_store(last_tote);
                    },
                    [&] {
                        for (const auto& batch : batches) store.write_batch(batch);
                        return static_cast<double>(z.batch_keys);
                    });
            },
            [&] {
                last_raw = "bench_raw_" + std::to_string(++trial);
                return run_trial(
                    [&] {
                        pairs = make_pairs(z.batch_keys, z.value_size, z.batch_size);
                        raw = raw_client(last_raw);
                    },
                    [&] {
                        for (const auto& batch : pairs) raw->put_batch(batch);
                        return static_cast<double>(z.batch_keys);
                    });
            }));
        std::mt19937_64 rng(42);
        std::vector<std::string> picks;
        for (long i = 0; i < z.gets; ++i) picks.push_back(batch_key(static_cast<long>(rng() % static_cast<uint64_t>(z.batch_keys))));
        out.push_back(compare(
            "random-get", backend, z.reps,
            [&] {
                return run_trial([&] { store = tote_store(last_tote); },
                                 [&] {
                                     size_t bytes = 0;
                                     for (const std::string& k : picks) bytes += store.read(k).size();
                                     return bytes ? static_cast<double>(picks.size()) : 0.0;
                                 });
            },
            [&] {
                return run_trial([&] { raw = raw_client(last_raw); },
                                 [&] {
                                     std::string value;
                                     size_t bytes = 0;
                                     for (const std::string& k : picks) {
                                         raw->get(k, value);
                                         bytes += value.size();
                                     }
                                     return bytes ? static_cast<double>(picks.size()) : 0.0;
                                 });
            }));
        out.push_back(compare(
            "list", backend, z.reps,
            [&] {
                return run_trial([&] { store = tote_store(last_tote); },
                                 [&] {
                                     long n = 0;
                                     store.list("", ListOptions{true, ""}, [&n](const Entry&) { return ++n > 0; });
                                     if (n != z.batch_keys) throw std::runtime_error("tote listed the wrong number of keys");
                                     return static_cast<double>(n);
                                 });
            },
            [&] {
                // The raw client lists the store tote wrote: two stores written differently (a Lua script vs
                // MULTI) sit differently in the server's memory, and listing them measured that, not the client.
                return run_trial([&] { raw = raw_client(last_tote); },
                                 [&] {
                                     const long n = raw->count_keys(1000);
                                     if (n != z.batch_keys) throw std::runtime_error("raw listed the wrong number of keys");
                                     return static_cast<double>(n);
                                 });
            }));
    }
    return out;
}

}  // namespace tote::bench
