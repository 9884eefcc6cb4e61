// SPDX-License-Identifier: Apache-2.0
// cache_layer.cpp — the "cache" layer: a bounded in-process LRU of values, per open store, that never serves a value
// older than the store's. A cached value is served after a stat() of the store below shows the same version
// (a stat is cheaper than a read of a large value, and a network round trip cheaper than a transfer); with
// max_staleness_ms > 0 it is trusted for that long after it was last checked, without asking. The application's own
// writes through the layer refresh it; appends, batches, removes and renames drop what they touch.
#include <first_party.hpp>
#include <first_party_layer.hpp>
#include <tote/layer.hpp>

#include <chrono>
#include <list>
#include <mutex>
#include <unordered_map>

namespace {

using tote::plugin::Error;
using tote::plugin::Inner;
using tote::plugin::Stat;
using Clock = std::chrono::steady_clock;

constexpr int64_t kDefaultSizeMiB = 64;
constexpr int64_t kDefaultStalenessMs = 0;

class CacheLayer : public tote::plugin::Layer<CacheLayer> {
public:
    CacheLayer(Inner inner, uint64_t capacity, Clock::duration staleness)
        : inner_(std::move(inner)), capacity_(capacity), staleness_(staleness) {}

    // size_mib and max_staleness_ms, each checked against its range.
    static std::pair<int64_t, int64_t> settings(const tote::plugin::OpenParams& params) {
        return {tote::first_party::ranged_int_option(params, "size_mib", kDefaultSizeMiB, 0, 1 << 20, " (MiB)"),
                tote::first_party::ranged_int_option(params, "max_staleness_ms", kDefaultStalenessMs, 0,
                                                     int64_t(24) * 3600 * 1000, " (milliseconds)")};
    }
    static void check_options(const tote::plugin::OpenParams& params) { settings(params); }

    static std::unique_ptr<CacheLayer> open_layer(const tote::plugin::OpenParams& params, Inner inner) {
        const auto [mib, ms] = settings(params);
        return std::make_unique<CacheLayer>(std::move(inner), static_cast<uint64_t>(mib) << 20,
                                            std::chrono::milliseconds(ms));
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, Stat* stat) {
        std::string value;
        Stat st;
        if (cached(key, value, st, stat != nullptr)) {
            if (stat) *stat = st;
            sink.write(value);
            return;
        }
        value = inner_.read(key, &st);
        remember(key, value, st, true);
        if (stat) *stat = st;
        sink.write(value);
    }

    Stat stat(std::string_view key) { return inner_.stat(key); }

    uint64_t write(const tote::plugin::WriteOp& op) {
        forget(op.key);
        const uint64_t version = inner_.write(op);
        Stat st;
        st.size = op.value.size();
        st.version = version;
        st.expires_ns = op.expires() ? op.expires_ns : 0;
        remember(op.key, op.value, st, false);  // no mtime known: a read that asks for the stat revalidates
        return version;
    }

    void append(std::string_view key, std::string_view data) {
        forget(key);
        inner_.append(key, data);
        forget(key);
    }
    tote::plugin::AppendResult append(const tote::plugin::AppendOp& op) {
        forget(op.key);
        const tote::plugin::AppendResult r = inner_.append(op);
        forget(op.key);
        return r;
    }

    void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index) {
        for (const auto& op : ops) forget(op.key);
        inner_.write_batch(ops, failed_index);
        for (const auto& op : ops) forget(op.key);
    }
    static constexpr bool batch_removes = true;  // offered upward only where the store below takes them

    void read_range(std::string_view key, uint64_t offset, uint64_t length, tote::plugin::ValueSink& sink, Stat* stat) {
        inner_.read_range(key, offset, length, &forward, &sink, stat);
    }

    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) { inner_.list(params, out); }

    void remove(std::string_view key, bool recursive) {
        forget(key, recursive);
        inner_.remove(key, recursive);
        forget(key, recursive);
    }

    void rename(std::string_view from, std::string_view to, bool replace) {
        forget(from);
        forget(to);
        inner_.rename(from, to, replace);
        forget(from);
        forget(to);
    }

private:
    struct Entry {
        std::string key;
        std::string value;
        Stat stat;
        bool full_stat = false;  // stat.mtime_ns known (it came from the store below)
        Clock::time_point checked;
    };

    static int forward(void* ctx, const void* data, size_t len) {
        return static_cast<tote::plugin::ValueSink*>(ctx)->write(data, len) ? 0 : 1;
    }

    // The cached value of key, if it is still the store's: trusted within max_staleness_ms, else revalidated by a
    // stat. need_stat: the caller wants the full stat (mtime too), which an entry from a write lacks.
    bool cached(std::string_view key, std::string& value, Stat& st, bool need_stat) {
        uint64_t version = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto found = index_.find(std::string(key));
            if (found == index_.end()) return false;
            Entry& e = *found->second;
            if (e.stat.expires_ns != 0 && tote::first_party::now_ns() >= e.stat.expires_ns) {
                drop(found);
                return false;
            }
            if (staleness_.count() > 0 && Clock::now() - e.checked <= staleness_ && (e.full_stat || !need_stat)) {
                lru_.splice(lru_.begin(), lru_, found->second);
                value = e.value;
                st = e.stat;
                return true;
            }
            version = e.stat.version;
        }
        Stat now;
        try {
            now = inner_.stat(key);
        } catch (const Error& e) {
            if (e.status() == TOTE_NOT_FOUND) forget(key);
            throw;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        auto found = index_.find(std::string(key));
        if (found == index_.end() || now.kind != TOTE_KIND_KEY || now.version != version ||
            found->second->stat.version != version) {
            if (found != index_.end()) drop(found);
            return false;
        }
        Entry& e = *found->second;
        e.stat = now;
        e.full_stat = true;
        e.checked = Clock::now();
        lru_.splice(lru_.begin(), lru_, found->second);
        value = e.value;
        st = e.stat;
        return true;
    }

    void remember(std::string_view key, std::string_view value, const Stat& st, bool full_stat) {
        if (value.size() > capacity_ / 4) return;  // one value never takes over the cache
        std::lock_guard<std::mutex> lock(mutex_);
        auto found = index_.find(std::string(key));
        if (found != index_.end()) drop(found);
        lru_.push_front(Entry{std::string(key), std::string(value), st, full_stat, Clock::now()});
        index_.emplace(lru_.front().key, lru_.begin());
        bytes_ += value.size() + key.size();
        while (bytes_ > capacity_ && !lru_.empty()) drop(index_.find(lru_.back().key));
    }

    // Drops key (and, recursive, every key under key + '/').
    void forget(std::string_view key, bool recursive = false) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto found = index_.find(std::string(key)); found != index_.end()) drop(found);
        if (!recursive) return;
        const std::string under = std::string(key) + '/';
        for (auto it = lru_.begin(); it != lru_.end();) {
            auto next = std::next(it);
            if (it->key.compare(0, under.size(), under) == 0) drop(index_.find(it->key));
            it = next;
        }
    }

    void drop(std::unordered_map<std::string, std::list<Entry>::iterator>::iterator found) {
        bytes_ -= found->second->value.size() + found->second->key.size();
        lru_.erase(found->second);
        index_.erase(found);
    }

    Inner inner_;
    const uint64_t capacity_;
    const Clock::duration staleness_;
    std::mutex mutex_;
    std::list<Entry> lru_;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
    uint64_t bytes_ = 0;
};

const char* const kNames[] = {"cache", nullptr};
const tote_option_spec kOptions[] = {
    {"size_mib", TOTE_TYPE_INT, 0, "64", "the most the cached values (and their keys) may take, in MiB; 0 caches nothing"},
    {"max_staleness_ms", TOTE_TYPE_INT, 0, "0",
     "serve a cached value this long after it was last checked without asking the store below; 0: check by version "
     "on every read"},
    {nullptr, 0, 0, nullptr, nullptr},
};
static_assert(tote::first_party::text_equals("64", kDefaultSizeMiB) && tote::first_party::text_equals("0", kDefaultStalenessMs),
              "keep the option table's defaults in step");

}  // namespace

TOTE_LAYER_ENTRY(CacheLayer,
                 (tote::plugin::Descriptor{"cache", TOTE_VERSION, "layer: a bounded in-process LRU of values, "
                                           "revalidated by version",
                                           kNames,
                                           tote::first_party::kLayerCapabilities,
                                           TOTE_LOCATION_URL, kOptions}))
