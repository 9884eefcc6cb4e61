// SPDX-License-Identifier: Apache-2.0
// metrics_layer.cpp — the "metrics" layer: per operation, how many, how many failed (by status), how many bytes
// and how long (a latency histogram), counted per open store and reported when it closes: as a table on stderr
// (option print, what `tote --metrics` sets) and in Prometheus' text format to a file (option prometheus_file,
// replaced atomically). Every operation and extension of the store below passes through unchanged.
#include <first_party_layer.hpp>
#include <tote/layer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

using tote::plugin::Error;
using tote::plugin::Inner;
using tote::plugin::Stat;
using Clock = std::chrono::steady_clock;

enum Op { op_read, op_read_range, op_stat, op_write, op_append, op_batch, op_list, op_remove, op_rename, op_count };
constexpr const char* kOpNames[op_count] = {"read", "read_range", "stat", "write", "append", "batch", "list",
                                            "remove", "rename"};

// Upper bounds of the latency buckets, in seconds (Prometheus "le"), then +Inf.
constexpr std::array<double, 12> kBuckets = {1e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 1, 10};

#define TOTE_STATUS_NAME_(NAME, name, value, minor, text) #name,
constexpr const char* kStatusNames[] = {TOTE_STATUS_LIST(TOTE_STATUS_NAME_)};
#undef TOTE_STATUS_NAME_
constexpr size_t kStatuses = sizeof kStatusNames / sizeof kStatusNames[0];

struct Counters {
    std::atomic<uint64_t> calls{0};
    std::atomic<uint64_t> bytes{0};
    std::atomic<uint64_t> nanoseconds{0};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // not cumulative; the last is +Inf
    std::array<std::atomic<uint64_t>, kStatuses + 1> errors{};        // by status; the last: a status unknown here
};

class MetricsLayer : public tote::plugin::Layer<MetricsLayer> {
public:
    MetricsLayer(Inner inner, std::string url, bool print, std::string file)
        : inner_(std::move(inner)), url_(std::move(url)), print_(print), file_(std::move(file)) {}

    ~MetricsLayer() {
        try {
            if (print_) std::fputs(table().c_str(), stderr);
            if (!file_.empty()) write_prometheus();
        } catch (...) {
            // Reporting is best effort: closing a store never fails.
        }
    }

    static std::unique_ptr<MetricsLayer> open_layer(const tote::plugin::OpenParams& params, Inner inner) {
        return std::make_unique<MetricsLayer>(std::move(inner), params.url, params.get_bool("print", false),
                                              params.get_string("prometheus_file", ""));
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, Stat* stat) {
        Counting counting{&sink, 0};
        timed(op_read, [&] { inner_.read(key, &Counting::forward, &counting, stat); }, [&] { return counting.bytes; });
    }
    void read_range(std::string_view key, uint64_t offset, uint64_t length, tote::plugin::ValueSink& sink, Stat* stat) {
        Counting counting{&sink, 0};
        timed(op_read_range, [&] { inner_.read_range(key, offset, length, &Counting::forward, &counting, stat); },
              [&] { return counting.bytes; });
    }
    Stat stat(std::string_view key) {
        Stat st;
        timed(op_stat, [&] { st = inner_.stat(key); }, [] { return uint64_t{0}; });
        return st;
    }
    uint64_t write(const tote::plugin::WriteOp& op) {
        uint64_t version = 0;
        timed(op_write, [&] { version = inner_.write(op); }, [&] { return uint64_t{op.value.size()}; });
        return version;
    }
    void append(std::string_view key, std::string_view data) {
        timed(op_append, [&] { inner_.append(key, data); }, [&] { return uint64_t{data.size()}; });
    }
    tote::plugin::AppendResult append(const tote::plugin::AppendOp& op) {
        tote::plugin::AppendResult r;
        timed(op_append, [&] { r = inner_.append(op); }, [&] { return uint64_t{op.data.size()}; });
        return r;
    }
    void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index) {
        uint64_t bytes = 0;
        for (const auto& op : ops) bytes += op.value.size();
        timed(op_batch, [&] { inner_.write_batch(ops, failed_index); }, [&] { return bytes; });
    }
    static constexpr bool batch_removes = true;  // offered upward only where the store below takes them
    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) {
        timed(op_list, [&] { inner_.list(params, out); }, [] { return uint64_t{0}; });
    }
    void remove(std::string_view key, bool recursive) {
        timed(op_remove, [&] { inner_.remove(key, recursive); }, [] { return uint64_t{0}; });
    }
    void rename(std::string_view from, std::string_view to, bool replace) {
        timed(op_rename, [&] { inner_.rename(from, to, replace); }, [] { return uint64_t{0}; });
    }

private:
    // Counts the bytes of a read on their way to the host's sink.
    struct Counting {
        tote::plugin::ValueSink* sink;
        uint64_t bytes;
        static int forward(void* ctx, const void* data, size_t len) {
            auto* self = static_cast<Counting*>(ctx);
            self->bytes += len;
            return self->sink->write(data, len) ? 0 : 1;
        }
    };

    template <class Body, class Bytes> void timed(Op op, Body&& body, Bytes&& bytes) {
        Counters& c = counters_[op];
        const Clock::time_point start = Clock::now();
        try {
            body();
        } catch (const Error& e) {
            record(c, start, bytes());
            const tote_status s = e.status();
            c.errors[s >= 0 && static_cast<size_t>(s) < kStatuses ? static_cast<size_t>(s) : kStatuses]++;
            throw;
        }
        record(c, start, bytes());
    }

    static void record(Counters& c, Clock::time_point start, uint64_t bytes) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
        c.calls++;
        c.bytes += bytes;
        c.nanoseconds += static_cast<uint64_t>(ns);
        size_t b = 0;
        while (b < kBuckets.size() && static_cast<double>(ns) / 1e9 > kBuckets[b]) ++b;
        c.buckets[b]++;
    }

    std::string table() const {
        std::string out = "metrics of " + url_ + ":\n";
        char line[256];
        std::snprintf(line, sizeof line, "  %-10s %10s %10s %14s %12s  %s\n", "operation", "calls", "errors", "bytes",
                      "mean", "errors by status");
        out += line;
        for (size_t op = 0; op < op_count; ++op) {
            const Counters& c = counters_[op];
            if (c.calls == 0) continue;
            uint64_t errors = 0;
            std::string by;
            for (size_t s = 0; s <= kStatuses; ++s)
                if (const uint64_t n = c.errors[s]) {
                    errors += n;
                    by += (by.empty() ? "" : ", ") + std::string(s < kStatuses ? kStatusNames[s] : "other") + " " +
                          std::to_string(n);
                }
            const double mean_us = static_cast<double>(c.nanoseconds) / 1e3 / static_cast<double>(c.calls);
            std::snprintf(line, sizeof line, "  %-10s %10llu %10llu %14llu %9.1f us  %s\n", kOpNames[op],
                          static_cast<unsigned long long>(c.calls.load()), static_cast<unsigned long long>(errors),
                          static_cast<unsigned long long>(c.bytes.load()), mean_us, by.c_str());
            out += line;
        }
        return out;
    }

    std::string prometheus() const {
        std::string out;
        const std::string store = "store=\"" + escaped(url_) + "\"";
        out += "# HELP tote_operations_total Operations on the store, by kind.\n# TYPE tote_operations_total counter\n";
        for (size_t op = 0; op < op_count; ++op)
            out += "tote_operations_total{" + store + ",op=\"" + kOpNames[op] + "\"} " +
                   std::to_string(counters_[op].calls.load()) + "\n";
        out += "# HELP tote_operation_errors_total Failed operations, by kind and status.\n"
               "# TYPE tote_operation_errors_total counter\n";
        for (size_t op = 0; op < op_count; ++op)
            for (size_t s = 0; s <= kStatuses; ++s)
                if (const uint64_t n = counters_[op].errors[s])
                    out += "tote_operation_errors_total{" + store + ",op=\"" + kOpNames[op] + "\",status=\"" +
                           (s < kStatuses ? kStatusNames[s] : "other") + "\"} " + std::to_string(n) + "\n";
        out += "# HELP tote_operation_bytes_total Bytes read or written, by kind.\n"
               "# TYPE tote_operation_bytes_total counter\n";
        for (size_t op = 0; op < op_count; ++op)
            out += "tote_operation_bytes_total{" + store + ",op=\"" + kOpNames[op] + "\"} " +
                   std::to_string(counters_[op].bytes.load()) + "\n";
        out += "# HELP tote_operation_seconds How long operations took, by kind.\n"
               "# TYPE tote_operation_seconds histogram\n";
        for (size_t op = 0; op < op_count; ++op) {
            const Counters& c = counters_[op];
            const std::string labels = store + ",op=\"" + kOpNames[op] + "\"";
            uint64_t cumulative = 0;
            for (size_t b = 0; b < kBuckets.size(); ++b) {
                cumulative += c.buckets[b];
                char le[32];
                std::snprintf(le, sizeof le, "%g", kBuckets[b]);
                out += "tote_operation_seconds_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
            }
            cumulative += c.buckets[kBuckets.size()];
            out += "tote_operation_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
            char sum[48];
            std::snprintf(sum, sizeof sum, "%.9f", static_cast<double>(c.nanoseconds) / 1e9);
            out += "tote_operation_seconds_sum{" + labels + "} " + sum + "\n";
            out += "tote_operation_seconds_count{" + labels + "} " + std::to_string(c.calls.load()) + "\n";
        }
        return out;
    }

    static std::string escaped(const std::string& text) {
        std::string out;
        for (char ch : text) {
            if (ch == '\\' || ch == '"') out += '\\';
            if (ch == '\n') {
                out += "\\n";
                continue;
            }
            out += ch;
        }
        return out;
    }

    // Written beside the file and renamed over it: a scraper never reads half a file.
    void write_prometheus() const {
        const std::string temp = file_ + ".tmp";
        bool written = false;
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out << prometheus();
            written = static_cast<bool>(out);
        }
        // Closing a store cannot fail, so a file that cannot be written is said on stderr, not lost silently.
        if (!written || std::rename(temp.c_str(), file_.c_str()) != 0) {
            std::fprintf(stderr, "tote: warning: metrics of %s: cannot write %s: %s\n", url_.c_str(), file_.c_str(),
                         std::strerror(errno));
            std::remove(temp.c_str());
        }
    }

    Inner inner_;
    const std::string url_;
    const bool print_;
    const std::string file_;
    std::array<Counters, op_count> counters_;
};

const char* const kNames[] = {"metrics", nullptr};
const tote_option_spec kOptions[] = {
    {"print", TOTE_TYPE_BOOL, 0, "false", "print a table of the counts to stderr when the store closes"},
    {"prometheus_file", TOTE_TYPE_STRING, 0, "", "write the counts in Prometheus' text format to this file when the "
                                                 "store closes (replaced atomically)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace

TOTE_LAYER_ENTRY(MetricsLayer,
                 (tote::plugin::Descriptor{"metrics", TOTE_VERSION, "layer: counts, errors, bytes and latency per "
                                           "operation",
                                           kNames,
                                           tote::first_party::kLayerCapabilities,
                                           TOTE_LOCATION_URL, kOptions}))
