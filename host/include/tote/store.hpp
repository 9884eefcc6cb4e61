// SPDX-License-Identifier: Apache-2.0
// tote/store.hpp — tote::Store, one open store of any backend.
//
// A Store is what Host::open() returns: a handle to one store (a directory, a database file, ...) behind a
// plugin. Every method validates its keys first (see tote_plugin.h, "Keys"), so a bad key is an Error with
// Status::invalid_argument before the plugin sees it. Every failure throws tote::Error; the message names the
// operation, the key and the store URL, plus the plugin's own explanation.
//
// Threading: a Store may be used from several threads at once. If its plugin is not thread-safe
// (TOTE_CAP_THREAD_SAFE), the Store serialises the calls itself. Callbacks given to read_to() and list() run on
// the calling thread, before the call returns; they must not call back into the same Store when its plugin is
// not thread-safe (that would deadlock).
#ifndef TOTE_STORE_HPP
#define TOTE_STORE_HPP

#include <tote/error.hpp>
#include <tote/export.hpp>
#include <tote/plugin_info.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tote {

enum class Kind { key, prefix };

// What stat() and read() report. A prefix has size 0, mtime_ns 0 and version 0.
struct Stat {
    Kind kind = Kind::key;
    uint64_t size = 0;
    int64_t mtime_ns = 0;    // nanoseconds since the Unix epoch; 0 if the backend does not know
    uint64_t version = 0;    // opaque; same version, same value (see tote_stat in tote_plugin.h)
    int64_t expires_ns = 0;  // when the value expires (ns since the Unix epoch); 0: never
};

// One listing entry: the full key from the store root; a prefix entry (one-level listings) ends with '/'.
struct Entry {
    std::string key;
    Kind kind = Kind::key;
};

struct WriteOptions {
    bool create_only = false;            // Status::already_exists if the key exists
    std::optional<uint64_t> if_version;  // Status::precondition_failed unless the key is at this version
    // The value expires at this time (ns since the Unix epoch; see TOTE_WRITE_EXPIRES): from then on the key is
    // gone for every operation. 0: never. Status::unsupported unless the plugin declares TOTE_CAP_EXPIRY.
    int64_t expires_ns = 0;
};

struct AppendOptions {
    // Append only if the value is exactly this long (an absent key counts as 0 bytes), else
    // Status::precondition_failed and nothing is written: how a writer appends exactly once across retries.
    std::optional<uint64_t> if_size;
};

// Where an append landed.
struct AppendResult {
    uint64_t offset = 0;   // where the data starts: the value's size before the append
    uint64_t version = 0;  // the value's version after it
};

struct ListOptions {
    bool recursive = false;   // every key under the prefix; else one level, with sub-prefixes ending in '/'
    std::string start_after;  // resume after this entry's key
};

class Lock;
struct LockInfo;
struct LockOptions;
class Filter;
struct FindOptions;
struct Match;

struct BatchWrite {
    std::string key;
    std::string value;
    WriteOptions options;
};

class TOTE_API Store {
public:
    struct Impl;
    explicit Store(std::shared_ptr<Impl> impl);
    Store(const Store&) = default;  // copies share the one open store; it closes when the last copy goes
    Store& operator=(const Store&) = default;
    ~Store();

    // The resolved URL, e.g. "json:///srv/evals", with any password shown as "***" (safe to print).
    const std::string& url() const;
    // The plugin options the store was opened with (from the config and OpenOptions), as text. With url(), what
    // tells two stores apart (two tables, or two key prefixes, on one server have the same URL).
    const std::map<std::string, std::string>& options() const;
    // The backend's plugin (under any layers).
    const PluginInfo& plugin() const;
    // The layers stacked over it, outermost first ({"zstd", "cache"}); empty for a bare store.
    std::vector<std::string> layers() const;
    bool read_only() const;
    // The TOTE_CAP_* bits the store offers: the plugin's, or for a layered store those of the layers and the
    // backend together.
    uint64_t capabilities() const;
    bool supports(uint64_t capability) const;  // a TOTE_CAP_* bit of capabilities()

    // The value of key. Status::not_found if it is not a key (a prefix is not a key). Fills *stat if given.
    std::string read(std::string_view key, Stat* stat = nullptr) const;
    // Like read(), but std::nullopt instead of Status::not_found.
    std::optional<std::string> try_read(std::string_view key) const;
    // Streams the value to sink in pieces (none for an empty value); sink returns false to stop early.
    void read_to(std::string_view key, const std::function<bool(std::string_view)>& sink,
                 Stat* stat = nullptr) const;
    // Bytes [offset, offset + length) of the value: those that exist (a range past the end gives fewer, or none;
    // not an error). *stat describes the whole value. Natively where the plugin offers "tote.read_range/1",
    // otherwise by reading the whole value and keeping the range.
    std::string read_range(std::string_view key, uint64_t offset, uint64_t length, Stat* stat = nullptr) const;
    void read_range_to(std::string_view key, uint64_t offset, uint64_t length,
                       const std::function<bool(std::string_view)>& sink, Stat* stat = nullptr) const;

    // Replaces the value atomically; returns the new version. Status::conflict if the backend cannot hold the
    // key beside an existing key or prefix (see TOTE_CAP_KEY_AND_PREFIX).
    uint64_t write(std::string_view key, std::string_view value, const WriteOptions& options = {});
    // Appends data, creating the key if absent, and says where it landed. Status::unsupported if the plugin
    // cannot append. Where the plugin lacks "tote.append/1", the result comes from a stat right after a plain
    // append (exact unless another writer appended meanwhile), and options.if_size is done as a compare-version
    // rewrite of the whole value (Status::unsupported without TOTE_CAP_COMPARE_VERSION).
    AppendResult append(std::string_view key, std::string_view data, const AppendOptions& options = {});
    // Writes all, atomically if batch_is_atomic(); otherwise one by one in order, stopping at the first failure
    // (the writes before it stay). The Error of a failed batch names the op's index and key.
    void write_batch(const std::vector<BatchWrite>& writes);
    bool batch_is_atomic() const;
    // Removes every key (an absent one is no error): in one all-or-nothing batch where the plugin's batches take
    // removals (ABI 1.1, TOTE_BATCH_REMOVES: sqlite, postgres, redis), otherwise one by one in order, stopping at
    // the first failure (the removals before it stay). A key is removed alone, never recursively.
    void remove_batch(const std::vector<std::string>& keys);
    bool batch_removes_atomically() const;

    // std::nullopt if key is neither a key nor a prefix.
    std::optional<Stat> stat(std::string_view key) const;
    bool exists(std::string_view key) const;  // true for a key, false for a prefix or nothing

    // Streams entries under prefix ("" or a key; a trailing '/' is accepted) in key order; on_entry returns
    // false to stop.
    void list(std::string_view prefix, const ListOptions& options,
              const std::function<bool(const Entry&)>& on_entry) const;
    std::vector<Entry> list(std::string_view prefix = "", const ListOptions& options = {}) const;

    // Streams the keys under prefix whose values are JSON documents matching filter (tote/query.hpp), in key
    // order, each with its whole value; on_match returns false to stop. Natively where the plugin offers
    // "tote.query/1" (inside SQLite or PostgreSQL), otherwise by reading and evaluating every value under prefix:
    // the same answer either way. A value that is not a JSON object never matches.
    void find(std::string_view prefix, const Filter& filter, const FindOptions& options,
              const std::function<bool(std::string_view key, std::string_view value)>& on_match) const;
    std::vector<Match> find(std::string_view prefix, const Filter& filter, const FindOptions& options) const;

    // The plugin's description of the open store, a JSON object as text ({"engine": …, …}); Status::unsupported
    // if the plugin offers no "tote.admin/1" info.
    std::string info() const;
    // True if the plugin serves the extension id natively ("tote.read_range/1", …); the host falls back otherwise.
    bool offers(std::string_view extension) const;
    // Every extension id offers() is true for, sorted: for a layered store, those of the stack.
    const std::vector<std::string>& extensions() const;

    // Removes key (recursive: and every key under it). Returns false if there was nothing to remove.
    bool remove(std::string_view key, bool recursive = false);
    // Moves a key's value to another key, atomically. Status::already_exists if !replace and `to` exists.
    void rename(std::string_view from, std::string_view to, bool replace = true);

    // Named locks (tote/lock.hpp). name follows the rules of keys. lock() takes the lock or throws
    // Error(Status::busy) naming the holder; Status::unsupported without TOTE_CAP_CREATE_ONLY.
    Lock lock(std::string_view name, const LockOptions& options);
    Lock lock(std::string_view name);
    std::optional<LockInfo> lock_info(std::string_view name) const;  // nullopt if nobody holds it
    bool is_locked(std::string_view name) const;                    // held and not stale
    std::vector<LockInfo> locks() const;                            // every lock record, in name order
    bool break_lock(std::string_view name);                         // removes it whoever holds it; false if none

private:
    friend class Lock;
    std::shared_ptr<Impl> impl_;
};

}  // namespace tote

#include <tote/lock.hpp>   // Lock and friends, for Store::lock()
#include <tote/query.hpp>  // Filter, FindOptions and Match, for Store::find()

#endif  // TOTE_STORE_HPP
