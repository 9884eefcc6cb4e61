// SPDX-License-Identifier: Apache-2.0
// cmd_cp.cpp — `tote cp SRC DST`: copy every key (under a prefix) from one store to another, of any backends.
//
// A thread-safe source is read inside one streaming listing. A source that is not thread-safe is serialised per
// store, so it cannot be read from inside its own listing callback: it is listed in pages instead (resumed with
// start_after), which for such backends (SQLite) is an index seek per page. Either way memory stays bounded
// whatever the store's size, and every kPageKeys keys go out as one batch, atomic where the destination offers
// it. A key that cannot be copied is reported and the copy goes on; the exit code says whether everything arrived.
#include "cli_context.hpp"
#include "cli_output.hpp"
#include "progress.hpp"

#include <chrono>
#include <cstdio>

namespace tote::cli {

namespace {

constexpr size_t kPageKeys = 1000;
constexpr size_t kPageBytes = 64u << 20;  // flush a batch early once it holds this much
constexpr size_t kMaxReported = 20;       // failures printed one by one; the rest are counted

struct Copy {
    Store& src;
    Store& dst;
    std::string prefix;
    uint64_t copied = 0, failed = 0, bytes = 0;

    void report(const std::string& key, const std::string& why) {
        if (++failed <= kMaxReported) std::fprintf(stderr, "tote: error: cannot copy '%s': %s\n", key.c_str(), why.c_str());
    }

    void flush(std::vector<BatchWrite>& batch) {
        if (batch.empty()) return;
        try {
            dst.write_batch(batch);
            copied += batch.size();
            for (const auto& w : batch) bytes += w.value.size();
        } catch (const Error&) {
            // Find which keys fail by writing one at a time (rewriting any that a non-atomic batch kept is harmless).
            for (const auto& w : batch) {
                try {
                    dst.write(w.key, w.value);
                    ++copied;
                    bytes += w.value.size();
                } catch (const Error& e) {
                    report(w.key, e.what());
                }
            }
        }
        batch.clear();
    }

    // Keys of the next page after start_after; empty when done.
    std::vector<std::string> page(const std::string& start_after) {
        std::vector<std::string> keys;
        src.list(prefix, ListOptions{true, start_after}, [&](const Entry& e) {
            keys.push_back(e.key);
            return keys.size() < kPageKeys;
        });
        return keys;
    }
};

uint64_t count_keys(Store& src, const std::string& prefix) {
    uint64_t n = 0;
    src.list(prefix, ListOptions{true, ""}, [&](const Entry&) {
        ++n;
        return true;
    });
    return n;
}

int run_cp(Context& ctx, const std::string& src_name, const std::string& dst_name, const std::string& prefix) {
    const auto started = std::chrono::steady_clock::now();
    Store src = ctx.open(src_name, false, true);
    Store dst = ctx.open(dst_name, true);
    if (src.url() == dst.url() && src.options() == dst.options())
        throw CliError{exit_usage, "source and destination are the same store: " + src.url()};
    Copy copy{src, dst, prefix};
    Progress progress(Progress::stderr_is_terminal() ? count_keys(src, prefix) : 0, "keys");

    std::vector<BatchWrite> batch;
    size_t batch_bytes = 0;
    auto take = [&](const std::string& key) {
        try {
            BatchWrite w{key, src.read(key), {}};
            batch_bytes += w.value.size();
            batch.push_back(std::move(w));
        } catch (const Error& e) {
            if (e.status() != Status::not_found) copy.report(key, e.what());  // removed meanwhile: skip
        }
        if (batch.size() >= kPageKeys || batch_bytes >= kPageBytes) {
            copy.flush(batch);
            batch_bytes = 0;
        }
        progress.update(copy.copied + copy.failed + batch.size(), copy.bytes + batch_bytes);
    };
    if (src.supports(TOTE_CAP_THREAD_SAFE)) {
        src.list(prefix, ListOptions{true, ""}, [&](const Entry& e) {
            take(e.key);
            return true;
        });
    } else {
        std::string start_after;
        for (std::vector<std::string> keys = copy.page(start_after); !keys.empty(); keys = copy.page(start_after)) {
            for (const std::string& key : keys) take(key);
            start_after = keys.back();
        }
    }
    copy.flush(batch);
    progress.update(copy.copied + copy.failed, copy.bytes);
    progress.finish();

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (copy.failed > kMaxReported)
        std::fprintf(stderr, "tote: error: ... and %llu more keys could not be copied\n",
                     static_cast<unsigned long long>(copy.failed - kMaxReported));
    std::fprintf(stderr, "copied %llu keys (%s) from %s to %s in %.2f s%s\n",
                 static_cast<unsigned long long>(copy.copied), format_bytes(copy.bytes).c_str(), src.url().c_str(),
                 dst.url().c_str(), seconds,
                 copy.failed ? (", " + std::to_string(copy.failed) + " failed").c_str() : "");
    return copy.failed ? exit_failure : exit_ok;
}

}  // namespace

void add_cp_command(CLI::App& app, Context& ctx) {
    struct Args {
        std::string src, dst, prefix;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("cp", "copy every key from store SRC to store DST (any backends), keeping key names");
    cmd->add_option("SRC", args->src, "the source store (URL, store name or 'default')")->required();
    cmd->add_option("DST", args->dst, "the destination store, created if missing")->required();
    cmd->add_option("--prefix", args->prefix, "copy only the keys under this prefix");
    cmd->callback([&ctx, args] {
        ctx.action = [&ctx, args] { return run_cp(ctx, args->src, args->dst, args->prefix); };
    });
}

}  // namespace tote::cli
