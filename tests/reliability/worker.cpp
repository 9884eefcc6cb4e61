// SPDX-License-Identifier: Apache-2.0
// worker.cpp — tote-reliability-worker: the process the reliability tests start, kill and race against each other.
//
//   tote-reliability-worker --plugin-dir DIR --url URL --report-fd N MODE [--id I] [--count N] [--seed S]
//                           [--seq FIRST] [--start-at MS]
//
// Modes (each reports on the report descriptor, one line per event, so the test knows what was done):
//   crash     forever (until killed): random writes of small and multi-MiB values, appends of records, removes and
//             renames,
//             each announced as "B <seq> <op> <key> [<to>]" before it starts and "E <seq>" once it returned
//   disjoint  writes <count> keys of its own: p<id>/<n>
//   same      writes <count> times to the same 8 keys, shared by every worker
//   create    <count> rounds of a create-only race on race/<round>, rounds starting together at --start-at + 25 ms
//             per round; reports "W <round>" or "L <round>"
//   cas       <count> compare-version increments of the decimal in "counter", retrying on conflicts
//   lines     <count> appends of one JSON line {"p":<id>,"n":<n>} to lines.jsonl
//   lock      takes the lock "job", reports "held", and holds it until killed
#include "workload.hpp"

#include <tote/tote.hpp>

#include <unistd.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

struct Args {
    std::string plugin_dir, url, mode;
    int report_fd = 1;
    int id = 0;
    long count = 0;
    uint64_t seed = 1, seq = 1;
    long long start_at_ms = 0;
};

int report_fd = 1;

void report(const std::string& line) {
    std::string out = line + "\n";
    if (::write(report_fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) std::_Exit(3);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--plugin-dir") a.plugin_dir = value();
        else if (arg == "--url") a.url = value();
        else if (arg == "--report-fd") a.report_fd = std::stoi(value());
        else if (arg == "--id") a.id = std::stoi(value());
        else if (arg == "--count") a.count = std::stol(value());
        else if (arg == "--seed") a.seed = std::stoull(value());
        else if (arg == "--seq") a.seq = std::stoull(value());
        else if (arg == "--start-at") a.start_at_ms = std::stoll(value());
        else a.mode = arg;
    }
    return a;
}

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Forever: the operation mix of the kill test. seq numbers every operation; the parent models the store from
// the "E" lines and accepts either outcome for the one operation that was under way when it killed us.
void crash_loop(tote::Store& store, uint64_t seed, uint64_t seq) {
    uint64_t rng = seed;
    auto next = [&rng](uint64_t n) { return (rng = tote::test::mix64(rng)) % n; };
    for (;; ++seq) {
        uint64_t pick = next(100);
        if (pick < 45) {
            std::string key = "small/" + std::to_string(next(6));
            report("B " + std::to_string(seq) + " write " + key);
            store.write(key, tote::test::make_value(key, seq, 64 + next(4096)));
        } else if (pick < 60) {
            std::string key = "big/" + std::to_string(next(2));
            report("B " + std::to_string(seq) + " write " + key);
            store.write(key, tote::test::make_value(key, seq, (1u << 20) + next(3u << 20)));
        } else if (pick < 62) {
            // Now and then a log starts over: keeps logs from growing without bound, and puts remove under test.
            std::string key = "log/" + std::to_string(next(2));
            report("B " + std::to_string(seq) + " remove " + key);
            store.remove(key);
        } else if (pick < 88) {
            std::string key = "log/" + std::to_string(next(2));
            report("B " + std::to_string(seq) + " append " + key);
            store.append(key, tote::test::make_record(seq, next(3) == 0 ? (1u << 20) + next(3u << 20) : 10 + next(300)));
        } else {
            const bool at_a = store.exists("mv/a");
            const std::string from = at_a ? "mv/a" : "mv/b", to = at_a ? "mv/b" : "mv/a";
            if (!store.exists(from)) {  // first time: create it
                report("B " + std::to_string(seq) + " write mv/a");
                store.write("mv/a", tote::test::make_value("mv", seq, 200 + next(2000)));
            } else {
                report("B " + std::to_string(seq) + " rename " + from + " " + to);
                store.rename(from, to);
            }
        }
        report("E " + std::to_string(seq));
    }
}

}  // namespace

int main(int argc, char** argv) {
    Args args = parse(argc, argv);
    report_fd = args.report_fd;
#ifdef _WIN32
    ::_setmode(report_fd, _O_BINARY);  // lines end in "\n" alone, as on POSIX
#endif
    try {
        tote::HostOptions options;
        options.plugin_dirs = {args.plugin_dir};
        options.use_environment = false;
        options.builtin_plugins = false;
        tote::Host host(options);
        tote::OpenOptions create;
        create.create = true;
        tote::Store store = host.open(args.url, create);
        const std::string id = std::to_string(args.id);
        if (args.mode == "crash") {
            crash_loop(store, args.seed, args.seq);
        } else if (args.mode == "disjoint") {
            for (long n = 0; n < args.count; ++n) {
                std::string key = "p" + id + "/" + std::to_string(n);
                store.write(key, tote::test::make_value(key, static_cast<uint64_t>(n), 100 + static_cast<size_t>(n) * 37));
            }
        } else if (args.mode == "same") {
            for (long n = 0; n < args.count; ++n) {
                std::string key = "same/" + std::to_string(n % 8);
                uint64_t seq = static_cast<uint64_t>(args.id) * 1000000 + static_cast<uint64_t>(n);
                store.write(key, tote::test::make_value(key, seq, 1000 + static_cast<size_t>(tote::test::mix64(seq) % 60000)));
            }
        } else if (args.mode == "create") {
            tote::WriteOptions create_only;
            create_only.create_only = true;
            for (long round = 0; round < args.count; ++round) {
                while (now_ms() < args.start_at_ms + round * 25) std::this_thread::sleep_for(std::chrono::microseconds(200));
                try {
                    store.write("race/" + std::to_string(round), "winner " + id, create_only);
                    report("W " + std::to_string(round));
                } catch (const tote::Error& e) {
                    if (e.status() != tote::Status::already_exists) throw;
                    report("L " + std::to_string(round));
                }
            }
        } else if (args.mode == "cas") {
            for (long n = 0; n < args.count; ++n) {
                for (;;) {
                    tote::Stat seen;
                    long value = std::stol(store.read("counter", &seen));
                    tote::WriteOptions guarded;
                    guarded.if_version = seen.version;
                    try {
                        store.write("counter", std::to_string(value + 1), guarded);
                        break;
                    } catch (const tote::Error& e) {
                        if (e.status() != tote::Status::precondition_failed) throw;
                    }
                }
            }
        } else if (args.mode == "lines") {
            for (long n = 0; n < args.count; ++n)
                store.append("lines.jsonl", "{\"p\":" + id + ",\"n\":" + std::to_string(n) + ",\"pad\":\"" +
                                                std::string(static_cast<size_t>(n % 50) * 40, 'x') + "\"}\n");
        } else if (args.mode == "lock") {
            tote::LockOptions lock_options;
            lock_options.owner = "worker " + id;
            tote::Lock held = store.lock("job", lock_options);
            report("held");
            for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // until killed
        } else {
            std::fprintf(stderr, "unknown mode '%s'\n", args.mode.c_str());
            return 2;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "worker %d: %s\n", args.id, e.what());
        return 1;
    }
    return 0;
}
