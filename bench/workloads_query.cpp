// SPDX-License-Identifier: Apache-2.0
// workloads_query.cpp — the query workload (tote.query/1): query_docs documents of about 300 bytes, the result of
// one evaluation item each; two filters, one matching 1 % ({"error": "timeout"}), one compound matching 10 %
// ({"scores.accuracy": {"$lt": 0.2}, "status": "ok"}). Every trial answers the filter over all the documents;
// ops/s are documents examined per second.
//
//   query-1%, query-10%  sqlite    Store::find (native, in SQLite)   vs the hand-written json_extract() query
//                        postgres  Store::find (native, jsonb)       vs the hand-written jsonb query (libpq)
//                        json      Store::find (the host evaluates)  vs a loop reading and parsing every file
//                        sqlite-host  the host's evaluation over the same sqlite store (what a plugin without
//                                     tote.query/1 gets) vs Store::find natively: how much running in the engine buys
#include "bench_servers.hpp"
#include "raw_query.hpp"
#include "workloads.hpp"

#include "evaluate.hpp"
#include "filter.hpp"

#include <cstdio>
#include <stdexcept>

namespace tote::bench {

namespace {

// The document of result i: ~300 bytes, the shape an evaluation framework writes.
std::string document(long i) {
    char text[512];
    std::snprintf(text, sizeof text,
                  R"({"experiment":"gsm8k-baseline","item":%ld,"model":"model-%ld","status":"%s",)"
                  R"("scores":{"accuracy":%.2f,"f1":%.3f,"exact":%s},"error":%s,"tags":["math","grade-school","v2"],)"
                  R"("latency_ms":%ld.5,"tokens":{"prompt":%ld,"completion":%ld},"note":"seed %ld, one attempt"})",
                  i, i % 5, i % 2 == 0 ? "ok" : "reviewed", static_cast<double>(i % 100) / 100.0,
                  static_cast<double>((i * 7) % 1000) / 1000.0, i % 3 == 0 ? "true" : "false",
                  i % 100 == 42 ? "\"timeout\"" : "null", 1000 + i % 997, 300 + i % 211, 50 + i % 97, i * 31 % 1000);
    return text;
}

std::string key_of(long i) {
    char number[24];
    std::snprintf(number, sizeof number, "%06ld", i);
    return std::string("results/") + number + ".json";
}

struct Query {
    std::string name;    // "query-1%"
    std::string filter;  // tote's filter
    std::string sqlite;  // the hand-written WHERE for SQLite
    std::string pg;      // for PostgreSQL, over the parsed document d
    bool (*files)(const nlohmann::json& doc);  // the hand-written check for the file loop
};

const std::vector<Query>& queries() {
    static const std::vector<Query> q = {
        {"query-1%", R"({"error": "timeout"})",
         "json_extract(CAST(value AS TEXT), '$.error') = 'timeout'", "j.d->>'error' = 'timeout'",
         [](const nlohmann::json& d) {
             auto it = d.find("error");
             return it != d.end() && it->is_string() && *it == "timeout";
         }},
        {"query-10%", R"({"scores.accuracy": {"$lt": 0.2}, "status": "ok"})",
         // The type checks make the hand-written queries answer the same question: without them a false (which
         // json_extract() gives as 0) would be "less than 0.2", and a string would fail the cast.
         "json_type(CAST(value AS TEXT), '$.scores.accuracy') IN ('integer', 'real') AND "
         "json_extract(CAST(value AS TEXT), '$.scores.accuracy') < 0.2 AND "
         "json_extract(CAST(value AS TEXT), '$.status') = 'ok'",
         "jsonb_typeof(j.d #> '{scores,accuracy}') = 'number' AND (j.d #>> '{scores,accuracy}')::float8 < 0.2 AND "
         "j.d->>'status' = 'ok'",
         [](const nlohmann::json& d) {
             auto s = d.find("scores");
             if (s == d.end() || !s->is_object()) return false;
             auto a = s->find("accuracy");
             auto st = d.find("status");
             return a != s->end() && a->is_number() && a->get<double>() < 0.2 && st != d.end() && *st == "ok";
         }},
    };
    return q;
}

Store open_store(const Env& env, const std::string& url, std::map<std::string, std::string> options = {}) {
    OpenOptions o;
    o.create = true;
    o.options = std::move(options);
    return env.host->open(url, o);
}

void load(Store& store, long docs) {
    std::vector<BatchWrite> batch;
    for (long i = 0; i < docs; ++i) {
        batch.push_back({key_of(i), document(i), {}});
        if (batch.size() == 1000 || i + 1 == docs) {
            store.write_batch(batch);
            batch.clear();
        }
    }
}

// find() through tote; checks the number of matches.
double tote_find(const Store& store, const std::string& filter, long docs, long expected) {
    long matches = 0;
    store.find("results", Filter::parse(filter), FindOptions{true, "", 0},
               [&](std::string_view, std::string_view) { return ++matches, true; });
    if (matches != expected) throw std::runtime_error("find gave " + std::to_string(matches) + " matches");
    return static_cast<double>(docs);
}

// What the host does for a plugin without tote.query/1: list a block of keys, read each value, evaluate.
double host_evaluation(const Store& store, const std::string& filter, long docs, long expected) {
    const query::Node node = query::compile(Filter::parse(filter).canonical());
    long matches = 0;
    std::string after;
    std::vector<std::string> keys;
    for (;;) {
        keys.clear();
        store.list("results", ListOptions{true, after}, [&](const Entry& e) {
            keys.push_back(e.key);
            return keys.size() < 512;
        });
        for (const std::string& key : keys)
            if (query::matches_value(node, store.read(key))) ++matches;
        if (keys.size() < 512) break;
        after = keys.back();
    }
    if (matches != expected) throw std::runtime_error("host evaluation gave " + std::to_string(matches));
    return static_cast<double>(docs);
}

long expected_matches(const Query& q, long docs) {
    long n = 0;
    for (long i = 0; i < docs; ++i)
        if (q.files(nlohmann::json::parse(document(i)))) ++n;
    return n;
}

void check(long got, long expected, const char* what) {
    if (got != expected) throw std::runtime_error(std::string(what) + " gave " + std::to_string(got) + " matches");
}

}  // namespace

std::vector<Result> query_documents(const Env& env) {
    const long docs = env.sizes.query_docs;
    std::vector<Result> out;
    const std::string sqlite_path = env.work_dir + "/query.db";
    const std::string json_dir = env.work_dir + "/query-json";
    {
        Store s = open_store(env, "sqlite://" + sqlite_path, {{"synchronous", "off"}});
        load(s, docs);
        Store j = open_store(env, "json://" + json_dir, {{"fsync", "false"}});
        load(j, docs);
    }
    const std::string range = "key >= 'results/' AND key < 'results0' AND ";
    for (const Query& q : queries()) {
        const long expected = expected_matches(q, docs);
        out.push_back(compare(q.name, "sqlite", env.sizes.reps,
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, "sqlite://" + sqlite_path); },
                                 [&] { return tote_find(store, q.filter, docs, expected); });
            },
            [&] {
                return run_trial([] {}, [&] {
                    check(raw_sqlite_query(sqlite_path, range + q.sqlite), expected, "raw sqlite");
                    return static_cast<double>(docs);
                });
            }));
        out.push_back(compare(q.name, "sqlite-host", env.sizes.reps,
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, "sqlite://" + sqlite_path); },
                                 [&] { return host_evaluation(store, q.filter, docs, expected); });
            },
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, "sqlite://" + sqlite_path); },
                                 [&] { return tote_find(store, q.filter, docs, expected); });
            }));
        out.back().note = "host evaluation vs native find, same store";
        out.push_back(compare(q.name, "json", env.sizes.reps,
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, "json://" + json_dir); },
                                 [&] { return tote_find(store, q.filter, docs, expected); });
            },
            [&] {
                return run_trial([] {}, [&] {
                    check(raw_files_query(json_dir + "/results",
                                          [&](const void* d) { return q.files(*static_cast<const nlohmann::json*>(d)); }),
                          expected, "raw files");
                    return static_cast<double>(docs);
                });
            }));
    }

    Server server("postgres", env.work_dir);
    if (!server.up) {
        Result skipped;
        skipped.workload = "query";
        skipped.backend = "postgres";
        skipped.note = "skipped: no PostgreSQL server could be started (apt-get install postgresql)";
        out.push_back(skipped);
        return out;
    }
    const ClientCpus client_cpus;
    {
        Store p = open_store(env, server.url, {{"table", "query_bench"}});
        load(p, docs);
    }
    for (const Query& q : queries()) {
        const long expected = expected_matches(q, docs);
        out.push_back(compare(q.name, "postgres", env.sizes.reps,
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, server.url, {{"table", "query_bench"}}); },
                                 [&] { return tote_find(store, q.filter, docs, expected); });
            },
            [&] {
                return run_trial([] {}, [&] {
                    check(raw_postgres_query(server.url, "public.query_bench",
                                             "t.key >= 'results/' AND t.key < 'results0' AND " + q.pg),
                          expected, "raw postgres");
                    return static_cast<double>(docs);
                });
            }));
    }
    return out;
}

}  // namespace tote::bench
