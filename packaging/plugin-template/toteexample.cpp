// SPDX-License-Identifier: 0BSD
// toteexample.cpp — the "toteexample" tote backend: an in-memory key-value store, written as one C++ class with
// tote/plugin.hpp. A starting point for your own backend: replace the std::map with your storage.
//
//   URL           toteexample://NAME   (TOTE_LOCATION_URL: the host passes NAME through untouched)
//   capabilities  write, append, list, rename, create-only, compare-version, thread-safe, key-and-prefix;
//                 not persistent (data lives until the process exits), no atomic batches
//
// How it fits together:
//   Data       one named store: its keys in a std::map (which sorts std::string keys by their bytes, exactly the
//              order tote listings need) and the mutex that guards them.
//   registry() every Data of the process by name, so opening a name again finds the data written before.
//   Store      what open() returns: a handle on one Data. Each public method is one operation of the C ABI;
//              TOTE_PLUGIN_ENTRY at the bottom turns the class into the plugin's function table, and turns every
//              tote::plugin::Error thrown here into a status code and message for the host.
//
// Rules this follows (the full contract is tote/tote_plugin.h):
//   - Keys arrive already validated by the host; "a" and "a/b" may both be keys (we declare KEY_AND_PREFIX).
//   - Versions are never 0 and change with every write, append and (for the destination) rename.
//   - We declare THREAD_SAFE, so one handle may be called from several threads at once: every access to a Data
//     holds its mutex. The mutex is never held while calling back into the host (value sink, listing callback):
//     a callback may well use another handle on the same store.
//   - The host never sends a write on a handle opened read-only, so the methods need no read-only check.
#include <tote/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace toteexample_plugin {

using tote::plugin::Error;

struct Entry {
    std::shared_ptr<const std::string> value;  // shared, so a read can stream it after the mutex is released
    uint64_t version = 0;
    int64_t mtime_ns = 0;
};

struct Data {
    std::mutex mutex;
    std::map<std::string, Entry, std::less<>> entries;  // std::less<>: look up by string_view without a copy
    uint64_t last_version = 0;

    // A fresh version for a write: a store-wide counter, so a version is never reused, even after a remove.
    uint64_t next_version() { return ++last_version; }
};

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<Data>> stores;
};

Registry& registry() {
    static Registry instance;  // built on first use, thread-safe; the library is never unloaded
    return instance;
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

class Store {
public:
    explicit Store(std::shared_ptr<Data> data) : data_(std::move(data)) {}

    static std::unique_ptr<Store> open(const tote::plugin::OpenParams& params) {
        if (params.location.empty())
            throw Error(TOTE_INVALID_ARGUMENT, "expected toteexample://NAME, with a store name after '://'");
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        auto found = r.stores.find(params.location);
        if (found == r.stores.end()) {
            // Read-only never creates (the host does not send both flags, but be explicit).
            if (!params.create() || params.read_only())
                throw Error(TOTE_NOT_FOUND, "no store " + quoted(params.location) + " in this process");
            found = r.stores.emplace(params.location, std::make_shared<Data>()).first;
        }
        return std::make_unique<Store>(found->second);
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, tote::plugin::Stat* stat) {
        Entry entry = find(key);  // a copy: the value stays alive (and unchanged) without the mutex
        sink.write(*entry.value);
        if (stat) *stat = stat_of(entry);
    }

    tote::plugin::Stat stat(std::string_view key) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        auto it = data_->entries.find(key);
        if (it != data_->entries.end()) return stat_of(it->second);
        if (has_children(key)) return tote::plugin::Stat{TOTE_KIND_PREFIX, 0, 0, 0};
        throw Error(TOTE_NOT_FOUND, "no key or prefix " + quoted(key));
    }

    uint64_t write(const tote::plugin::WriteOp& op) {
        auto value = std::make_shared<const std::string>(op.value);  // copied before taking the lock
        std::lock_guard<std::mutex> lock(data_->mutex);
        auto it = data_->entries.find(op.key);
        const bool exists = it != data_->entries.end();
        if (op.create_only() && exists) throw Error(TOTE_ALREADY_EXISTS, quoted(op.key) + " exists");
        if (op.if_version() && (!exists || it->second.version != op.expected_version))
            throw Error(TOTE_PRECONDITION_FAILED, exists ? quoted(op.key) + " has changed since that version"
                                                         : quoted(op.key) + " does not exist");
        if (!exists) it = data_->entries.emplace(std::string(op.key), Entry{}).first;
        it->second = Entry{std::move(value), data_->next_version(), now_ns()};
        return it->second.version;
    }

    void append(std::string_view key, std::string_view data) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        auto it = data_->entries.find(key);
        if (it == data_->entries.end()) it = data_->entries.emplace(std::string(key), Entry{}).first;
        // A new string rather than an in-place append: a reader may still be streaming the old one.
        auto value = std::make_shared<std::string>(it->second.value ? *it->second.value : std::string());
        value->append(data);
        it->second = Entry{std::move(value), data_->next_version(), now_ns()};
    }

    void remove(std::string_view key, bool recursive) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        bool removed = false;
        auto it = data_->entries.find(key);
        if (it != data_->entries.end()) {
            data_->entries.erase(it);
            removed = true;
        }
        if (recursive) {
            auto [first, last] = children(key);
            removed = removed || first != last;
            data_->entries.erase(first, last);
        }
        if (!removed)
            throw Error(TOTE_NOT_FOUND, has_children(key) ? quoted(key) + " is a prefix: remove it recursively"
                                                          : "no key " + quoted(key));
    }

    void rename(std::string_view from, std::string_view to, bool replace) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        auto source = data_->entries.find(from);
        if (source == data_->entries.end()) throw Error(TOTE_NOT_FOUND, "no key " + quoted(from));
        if (from == to) return;
        auto target = data_->entries.find(to);
        if (target != data_->entries.end() && !replace)
            throw Error(TOTE_ALREADY_EXISTS, "the destination " + quoted(to) + " exists");
        Entry moved = std::move(source->second);  // value, version and mtime move together
        data_->entries.erase(source);
        data_->entries.insert_or_assign(std::string(to), std::move(moved));
    }

    // Entries are found one at a time under the mutex and passed to the host without it. Each round looks up the
    // next entry after the last one passed, so keys written or removed meanwhile cannot break the walk.
    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) {
        std::string after(params.start_after);  // everything passed on sorts after this
        for (;;) {
            std::string name;
            uint32_t kind = TOTE_KIND_KEY;
            if (!next_entry(params, after, name, kind)) return;
            if (!out.emit(name, kind)) return;  // the host asked to stop
            after = std::move(name);  // after "a/", next_entry skips every key under "a/"
        }
    }

private:
    using Iterator = std::map<std::string, Entry, std::less<>>::iterator;

    Entry find(std::string_view key) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        auto it = data_->entries.find(key);
        if (it == data_->entries.end())
            throw Error(TOTE_NOT_FOUND, has_children(key) ? quoted(key) + " is a prefix of other keys, not a key"
                                                          : "no key " + quoted(key));
        return it->second;
    }

    static tote::plugin::Stat stat_of(const Entry& e) {
        return tote::plugin::Stat{TOTE_KIND_KEY, e.value->size(), e.mtime_ns, e.version};
    }

    // The keys under key + "/": they sort from key + "/" up to key + "0", '0' being the byte after '/'.
    // The mutex is held by the caller.
    std::pair<Iterator, Iterator> children(std::string_view key) {
        const std::string base(key);
        return {data_->entries.lower_bound(base + "/"), data_->entries.lower_bound(base + "0")};
    }

    bool has_children(std::string_view key) {
        auto [first, last] = children(key);
        return first != last;
    }

    // The first entry under params.prefix that sorts after `after`: a key or, in a one-level listing, the
    // sub-prefix ("a/") of the next keys deeper down. False when there is none.
    bool next_entry(const tote::plugin::ListParams& params, const std::string& after, std::string& name,
                    uint32_t& kind) {
        std::lock_guard<std::mutex> lock(data_->mutex);
        const std::string_view prefix = params.prefix;
        auto it = after < prefix ? data_->entries.lower_bound(prefix) : data_->entries.upper_bound(after);
        while (it != data_->entries.end() && starts_with(it->first, prefix)) {
            const size_t slash = params.recursive ? std::string::npos : it->first.find('/', prefix.size());
            if (slash == std::string::npos) {
                name = it->first;
                kind = TOTE_KIND_KEY;
                return true;
            }
            std::string sub = it->first.substr(0, slash + 1);  // "a/"
            if (sub > after) {
                name = std::move(sub);
                kind = TOTE_KIND_PREFIX;
                return true;
            }
            // This sub-prefix was passed already (or sorts before start_after): skip every key under it.
            sub.back() = '0';
            it = data_->entries.lower_bound(sub);
        }
        return false;
    }

    std::shared_ptr<Data> data_;
};

const char* const kSchemes[] = {"toteexample", nullptr};

constexpr uint64_t kCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                   TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_THREAD_SAFE |
                                   TOTE_CAP_KEY_AND_PREFIX;

}  // namespace toteexample_plugin

// The exported entry point: name, version (PLUGIN_VERSION comes from CMakeLists.txt), description, URL schemes,
// capabilities, location kind, options (none).
TOTE_PLUGIN_ENTRY(toteexample_plugin::Store,
                  (tote::plugin::Descriptor{"toteexample", PLUGIN_VERSION, "in-memory example store",
                                            toteexample_plugin::kSchemes, toteexample_plugin::kCapabilities,
                                            TOTE_LOCATION_URL, nullptr}))
