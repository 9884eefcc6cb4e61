// SPDX-License-Identifier: Apache-2.0
// workloads_stream.cpp — the stream workload (ABI 1.1): a key used as a stream, written with conditional appends
// (Store::append with if_size, the exactly-once primitive) and read with ranged reads (Store::read_range, what
// `tote tail -f` does), on sqlite and json, against raw SQLite and POSIX calls doing the same (raw_stream.hpp).
#include "raw_stream.hpp"
#include "workloads.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <random>
#include <stdexcept>

namespace tote::bench {

namespace {

constexpr size_t kRecord = 100;        // bytes per appended record
constexpr uint64_t kReadSize = 4096;   // bytes per ranged read

Store open_store(const Env& env, const std::string& url, std::map<std::string, std::string> options) {
    OpenOptions o;
    o.create = true;
    o.options = std::move(options);
    return env.host->open(url, o);
}

// A stream of `records` records, written through tote once and read by every range-read trial.
std::string built_stream(const Env& env, const std::string& scheme, long records) {
    const std::string url = scheme == "json" ? "json://" + env.work_dir + "/stream-read"
                                             : "sqlite://" + env.work_dir + "/stream-read.db";
    run_trial([] {},
              [&] {
                  Store s = open_store(env, url, scheme == "json" ? std::map<std::string, std::string>{{"fsync", "false"}}
                                                                  : std::map<std::string, std::string>{});
                  std::string value;
                  for (long i = 0; i < records; ++i) value += random_value(kRecord, static_cast<uint64_t>(i));
                  s.write("stream", value);
                  return 0.0;
              });
    return url;
}

}  // namespace

std::vector<Result> stream(const Env& env) {
    const Sizes& z = env.sizes;
    const long appends = z.stream_appends, reads = z.stream_reads;
    const std::string record = random_value(kRecord, 7);
    std::vector<Result> out;
    int trial = 0;

    // Conditional appends, each at the size the writer knows: sqlite (synchronous=full: each one durable) and json
    // (fsync=false on both sides: the commit lock and the append journal, not the disk, are measured).
    out.push_back(compare(
        "cond-append", "sqlite", z.reps,
        [&] {
            const std::string path = env.work_dir + "/stream-" + std::to_string(++trial) + ".db";
            Store store(nullptr);
            return run_trial([&] { store = open_store(env, "sqlite://" + path, {}); },
                             [&] {
                                 AppendOptions at;
                                 at.if_size = 0;
                                 for (long i = 0; i < appends; ++i) *at.if_size = store.append("s", record, at).offset + kRecord;
                                 return static_cast<double>(appends);
                             });
        },
        [&] {
            const std::string path = env.work_dir + "/stream-raw-" + std::to_string(++trial) + ".db";
            std::unique_ptr<RawSqliteStream> db;
            return run_trial([&] { db = std::make_unique<RawSqliteStream>(path, "full"); },
                             [&] {
                                 for (long i = 0; i < appends; ++i)
                                     if (!db->append_if_size("s", record, static_cast<uint64_t>(i) * kRecord))
                                         throw std::runtime_error("raw append refused");
                                 return static_cast<double>(appends);
                             });
        }));
    out.push_back(compare(
        "cond-append", "json", z.reps,
        [&] {
            const std::string dir = fresh_dir(env.work_dir, "stream-json");
            Store store(nullptr);
            return run_trial([&] { store = open_store(env, "json://" + dir, {{"fsync", "false"}}); },
                             [&] {
                                 AppendOptions at;
                                 at.if_size = 0;
                                 for (long i = 0; i < appends; ++i) *at.if_size = store.append("s", record, at).offset + kRecord;
                                 return static_cast<double>(appends);
                             });
        },
        [&] {
            const std::string dir = fresh_dir(env.work_dir, "stream-json-raw");
            int fd = -1;
            return run_trial([&] { fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); },
                             [&] {
                                 for (long i = 0; i < appends; ++i)
                                     if (!raw_files::append_if_size(fd, "s", record, static_cast<uint64_t>(i) * kRecord))
                                         throw std::runtime_error("raw append refused");
                                 return static_cast<double>(appends);
                             });
        }));

    // Ranged reads of kReadSize bytes at random offsets of a stream of `records` records.
    const long records = z.stream_records;
    for (const std::string scheme : {"sqlite", "json"}) {
        const std::string url = built_stream(env, scheme, records);
        const std::string path = url.substr(url.find("://") + 3);
        const uint64_t size = static_cast<uint64_t>(records) * kRecord;
        out.push_back(compare(
            "range-read", scheme, z.reps,
            [&] {
                Store store(nullptr);
                return run_trial([&] { store = open_store(env, url, {}); },
                                 [&] {
                                     std::mt19937_64 rng(42);
                                     uint64_t bytes = 0;
                                     for (long i = 0; i < reads; ++i) bytes += store.read_range("stream", rng() % size, kReadSize).size();
                                     if (bytes == 0) throw std::runtime_error("nothing read");
                                     return static_cast<double>(reads);
                                 });
            },
            [&] {
                std::unique_ptr<RawSqliteStream> db;
                int fd = -1;
                return run_trial(
                    [&] {
                        if (scheme == "sqlite") db = std::make_unique<RawSqliteStream>(path, "full");
                        else fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                    },
                    [&] {
                        std::mt19937_64 rng(42);
                        std::string buffer;
                        for (long i = 0; i < reads; ++i) {
                            if (db) db->read_range("stream", rng() % size, kReadSize, buffer);
                            else raw_files::read_range(fd, "stream", rng() % size, kReadSize, buffer);
                        }
                        return static_cast<double>(reads);
                    });
            }));
    }
    return out;
}

}  // namespace tote::bench
