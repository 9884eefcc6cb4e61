// SPDX-License-Identifier: Apache-2.0
// fault_layer.cpp — the "fault" layer, for tests: it fails chosen operations with a chosen status, slows every
// operation down, or cuts reads short, so that the error paths of the host, of `tote cp` and of applications can be
// driven on any backend. Counting is per open store: fail_nth = 3 with fail_op = "read" fails the third read through
// that store, and fail_count operations of that kind from there on.
#include <first_party.hpp>
#include <first_party_layer.hpp>
#include <tote/layer.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

namespace {

using tote::plugin::Error;
using tote::plugin::Inner;
using tote::plugin::Stat;

#define TOTE_STATUS_ENTRY_(NAME, name, value, minor, text) {#name, value},
struct StatusName {
    const char* name;
    tote_status status;
};
constexpr StatusName kStatuses[] = {TOTE_STATUS_LIST(TOTE_STATUS_ENTRY_)};
#undef TOTE_STATUS_ENTRY_

constexpr const char* kOps[] = {"any", "read", "stat", "write", "append", "batch", "list", "remove", "rename"};

class FaultLayer : public tote::plugin::Layer<FaultLayer> {
public:
    struct Plan {
        std::string op = "any";
        int64_t nth = 0;  // 0: fail nothing
        int64_t count = 1;
        tote_status status = TOTE_IO;
        int64_t latency_ms = 0;
        int64_t truncate_reads = -1;  // -1: off; else reads give at most this many bytes (and say nothing)
    };

    FaultLayer(Inner inner, Plan plan) : inner_(std::move(inner)), plan_(std::move(plan)) {}

    static std::unique_ptr<FaultLayer> open_layer(const tote::plugin::OpenParams& params, Inner inner) {
        return std::make_unique<FaultLayer>(std::move(inner), plan_of(params));
    }
    static void check_options(const tote::plugin::OpenParams& params) { plan_of(params); }

    static Plan plan_of(const tote::plugin::OpenParams& params) {
        Plan plan;
        plan.op = params.get_string("fail_op", "any");
        bool known = false;
        for (const char* op : kOps) known = known || plan.op == op;
        if (!known)
            throw Error(TOTE_INVALID_ARGUMENT, "fault: option 'fail_op' must be one of any, read, stat, write, append, "
                                               "batch, list, remove, rename; not '" + plan.op + "'");
        plan.nth = tote::first_party::ranged_int_option(params, "fail_nth", 0, 0, INT64_MAX);
        plan.count = tote::first_party::ranged_int_option(params, "fail_count", 1, 1, INT64_MAX);
        plan.latency_ms = tote::first_party::ranged_int_option(params, "latency_ms", 0, 0, 3600 * 1000, " (milliseconds)");
        plan.truncate_reads = tote::first_party::ranged_int_option(params, "truncate_reads", -1, -1, INT64_MAX);
        const std::string status = params.get_string("fail_status", "io");
        bool found = false;
        for (const StatusName& s : kStatuses)
            if (status == s.name && s.status != TOTE_OK) {
                plan.status = s.status;
                found = true;
            }
        if (!found)
            throw Error(TOTE_INVALID_ARGUMENT, "fault: option 'fail_status' must name a status other than ok (io, "
                                               "unavailable, timeout, no_space, corrupt, ...), not '" + status + "'");
        return plan;
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, Stat* stat) {
        enter("read", key);
        if (plan_.truncate_reads < 0) return inner_.read(key, &forward, &sink, stat);
        const std::string value = inner_.read(key, stat);
        sink.write(std::string_view(value).substr(0, static_cast<size_t>(plan_.truncate_reads)));
    }
    Stat stat(std::string_view key) {
        enter("stat", key);
        return inner_.stat(key);
    }
    uint64_t write(const tote::plugin::WriteOp& op) {
        enter("write", op.key);
        return inner_.write(op);
    }
    void append(std::string_view key, std::string_view data) {
        enter("append", key);
        inner_.append(key, data);
    }
    tote::plugin::AppendResult append(const tote::plugin::AppendOp& op) {
        enter("append", op.key);
        return inner_.append(op);
    }
    void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index) {
        enter("batch", ops.empty() ? std::string_view() : ops.front().key);
        inner_.write_batch(ops, failed_index);
    }
    static constexpr bool batch_removes = true;  // offered upward only where the store below takes them
    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) {
        enter("list", params.prefix);
        inner_.list(params, out);
    }
    void remove(std::string_view key, bool recursive) {
        enter("remove", key);
        inner_.remove(key, recursive);
    }
    void rename(std::string_view from, std::string_view to, bool replace) {
        enter("rename", from);
        inner_.rename(from, to, replace);
    }

private:
    static int forward(void* ctx, const void* data, size_t len) {
        return static_cast<tote::plugin::ValueSink*>(ctx)->write(data, len) ? 0 : 1;
    }

    // Before each operation: the latency, then the planned failure if this is the one.
    void enter(const char* op, std::string_view key) {
        if (plan_.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan_.latency_ms));
        if (plan_.nth == 0 || (plan_.op != "any" && plan_.op != op)) return;
        const int64_t n = ++seen_;
        if (n >= plan_.nth && n < plan_.nth + plan_.count)
            throw Error(plan_.status, "fault: injected failure of " + std::string(op) + " #" + std::to_string(n) +
                                          " ('" + std::string(key) + "')");
    }

    Inner inner_;
    const Plan plan_;
    std::atomic<int64_t> seen_{0};
};

const char* const kNames[] = {"fault", nullptr};
const tote_option_spec kOptions[] = {
    {"fail_op", TOTE_TYPE_STRING, 0, "any", "which operations count: any, read, stat, write, append, batch, list, "
                                            "remove, rename"},
    {"fail_nth", TOTE_TYPE_INT, 0, "0", "fail the Nth counted operation (from 1); 0 fails nothing"},
    {"fail_count", TOTE_TYPE_INT, 0, "1", "how many counted operations fail, from the Nth on"},
    {"fail_status", TOTE_TYPE_STRING, 0, "io", "the status they fail with (io, unavailable, timeout, ...)"},
    {"latency_ms", TOTE_TYPE_INT, 0, "0", "milliseconds to wait before every operation"},
    {"truncate_reads", TOTE_TYPE_INT, 0, "-1", "reads give at most this many bytes, and say nothing of it; -1: off"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace

TOTE_LAYER_ENTRY(FaultLayer,
                 (tote::plugin::Descriptor{"fault", TOTE_VERSION, "layer: injected failures, latency and short reads, "
                                           "for tests",
                                           kNames,
                                           tote::first_party::kLayerCapabilities,
                                           TOTE_LOCATION_URL, kOptions}))
