// SPDX-License-Identifier: Apache-2.0
// cmd_tail.cpp — `tote tail STORE KEY [-n LINES] [-f]`: the end of a value, and with -f what is appended to it
// afterwards, like tail(1) on a file. It reads ranges (Store::read_range: pread, blob I/O, substring, GETRANGE),
// never the whole value again, so following a long log costs what is new. Works on every backend: plugins
// without "tote.read_range/1" are read whole by the host's fallback.
//
// Following polls the key's stat with a backoff (50 ms doubling to 1 s, back to 50 ms as soon as data arrives).
// A value that shrank was truncated or replaced: tail says so on stderr and follows it from its start; a key that
// disappears is waited for. SIGINT and SIGTERM end it cleanly (exit 0), after what was read is written out.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

namespace tote::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop = true; }

// Where the last `lines` lines of the first `size` bytes start (a final newline does not start a line).
uint64_t start_of_last_lines(const Store& store, const std::string& key, uint64_t size, uint64_t lines) {
    if (lines == 0) return size;
    constexpr uint64_t kChunk = 64 * 1024;
    uint64_t end = size, newlines = 0;
    bool first_chunk = true;
    while (end > 0) {
        const uint64_t start = end > kChunk ? end - kChunk : 0;
        const std::string chunk = store.read_range(key, start, end - start);
        for (size_t i = chunk.size(); i-- > 0;) {
            if (chunk[i] != '\n') continue;
            if (first_chunk && start + i == size - 1) continue;  // the newline that ends the last line
            if (++newlines == lines) return start + i + 1;
        }
        first_chunk = false;
        end = start;
    }
    return 0;
}

// Writes bytes [from, to) of the value out; returns how far it got (the value may have shrunk meanwhile).
uint64_t print_range(const Store& store, const std::string& key, uint64_t from, uint64_t to) {
    uint64_t at = from;
    store.read_range_to(key, from, to - from, [&](std::string_view piece) {
        write_stdout(piece);
        at += piece.size();
        return true;
    });
    flush_stdout();
    return at;
}

void sleep_unless_stopped(std::chrono::milliseconds total) {
    const auto until = std::chrono::steady_clock::now() + total;
    while (!g_stop && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(total, std::chrono::milliseconds(20)));
}

int run_tail(Context& ctx, const std::string& store_name, const std::string& key, uint64_t lines, bool follow) {
    Store store = ctx.open(store_name, false, true);
    std::optional<Stat> st = store.stat(key);
    if (!st || st->kind != Kind::key) throw Error(Status::not_found, "not found: tail '" + key + "' in " + store.url());
    uint64_t position = print_range(store, key, start_of_last_lines(store, key, st->size, lines), st->size);
    if (!follow) return exit_ok;

    g_stop = false;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    constexpr std::chrono::milliseconds kFastest{50}, kSlowest{1000};
    std::chrono::milliseconds wait = kFastest;
    bool gone = false;
    while (!g_stop) {
        sleep_unless_stopped(wait);
        if (g_stop) break;
        st = store.stat(key);
        if (!st || st->kind != Kind::key) {
            if (!gone) std::fprintf(stderr, "tote: '%s' is gone; waiting for it to come back\n", key.c_str());
            gone = true;
            position = 0;
            wait = std::min(wait * 2, kSlowest);
            continue;
        }
        if (gone) std::fprintf(stderr, "tote: '%s' is back; following it from its start\n", key.c_str());
        gone = false;
        if (st->size < position) {
            std::fprintf(stderr, "tote: '%s' was truncated or replaced; following it from its start\n", key.c_str());
            position = 0;
        }
        if (st->size > position) {
            position = print_range(store, key, position, st->size);
            wait = kFastest;
        } else {
            wait = std::min(wait * 2, kSlowest);
        }
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return exit_ok;
}

}  // namespace

void add_tail_command(CLI::App& app, Context& ctx) {
    struct Args {
        std::string store, key;
        uint64_t lines = 10;
        bool follow = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("tail", "print the last lines of a value; with -f, then what is appended to it");
    cmd->add_option("STORE", args->store, kStoreHelp)->required();
    cmd->add_option("KEY", args->key, "the key, e.g. runs/1/log.jsonl")->required();
    cmd->add_option("-n,--lines", args->lines, "how many lines from the end (0: none, only what follows)")
        ->default_str("10");
    cmd->add_flag("-f,--follow", args->follow,
                  "keep printing what is appended, until interrupted (Ctrl-C); works on every backend");
    cmd->callback([&ctx, args] {
        ctx.action = [&ctx, args] { return run_tail(ctx, args->store, args->key, args->lines, args->follow); };
    });
}

}  // namespace tote::cli
