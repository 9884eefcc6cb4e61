// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// tote/plugin.hpp — write a tote backend as one C++ class (header-only, C++17).
//
// License: Apache-2.0 WITH LLVM-exception, so a plugin that compiles this header in may carry any license (see
// tote_plugin.h).
//
// The C ABI in tote_plugin.h is the contract; this header is a convenience on top of it. You write a class with
// the operations your backend offers, describe the plugin once, and TOTE_PLUGIN_ENTRY() generates the exported
// entry point and the C function table. Every call crosses the boundary through a trampoline that catches every
// exception: tote::plugin::Error becomes its status and message, anything else becomes TOTE_INTERNAL.
//
//   class MyStore {
//   public:
//       static std::unique_ptr<MyStore> open(const tote::plugin::OpenParams& params);   // required
//       void read(std::string_view key, tote::plugin::ValueSink& sink, tote::plugin::Stat* stat);  // required
//       tote::plugin::Stat stat(std::string_view key);                                   // required
//       uint64_t write(const tote::plugin::WriteOp& op);         // TOTE_CAP_WRITE: returns the new version
//       void remove(std::string_view key, bool recursive);       // TOTE_CAP_WRITE
//       void append(std::string_view key, std::string_view data);                    // TOTE_CAP_APPEND, or:
//       tote::plugin::AppendResult append(const tote::plugin::AppendOp& op);          // TOTE_CAP_APPEND + tote.append/1
//       void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out);  // TOTE_CAP_LIST
//       void rename(std::string_view from, std::string_view to, bool replace);       // TOTE_CAP_RENAME
//       void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index);  // ATOMIC_BATCH
//       static constexpr bool batch_removes = true;  // 1.1: write_batch() also takes ops with op.remove()
//       void read_range(std::string_view key, uint64_t offset, uint64_t length,      // tote.read_range/1
//                       tote::plugin::ValueSink& sink, tote::plugin::Stat* stat);
//       void query(const tote::plugin::QueryParams& params,                          // tote.query/1 (needs list)
//                  tote::plugin::MatchSink& out);     // throw Error(TOTE_UNSUPPORTED) before emitting to decline
//       static void drop(const tote::plugin::OpenParams& params);                    // tote.admin/1
//       std::string info();                                                          // tote.admin/1: a JSON object
//   };
//   TOTE_PLUGIN_ENTRY(MyStore, (tote::plugin::Descriptor{"mine", "1.0.0", "My backend", kSchemes, caps,
//                                                        TOTE_LOCATION_PATH, kOptions}))
//
// The trampolines also refuse, before your method runs, unknown flag bits, conflicting write flags, an expiry
// sent to a plugin that does not declare TOTE_CAP_EXPIRY, and parameter structs smaller than ABI 1.0's; a field
// newer than 1.0 is read only where the host's struct holds it, so a plugin built with this header serves 1.0 and
// 1.1 hosts alike. A status the host is too old to know is turned into its older equivalent on the way out (throw
// TOTE_UNKNOWN_OUTCOME freely: a 1.0 host receives TOTE_UNAVAILABLE). Every class with list() also serves
// "tote.list_batch/1" (EntrySink then hands entries over in blocks). Only the methods that exist are put in the
// table; the capabilities you declare must match them (the host refuses a plugin that declares a capability whose
// function is missing, or offers tote.append/1 without TOTE_CAP_APPEND). The store object is destroyed by close().
// Thread rules are those of tote_plugin.h: without TOTE_CAP_THREAD_SAFE the host never calls one store from two
// threads at once.
#ifndef TOTE_PLUGIN_HPP
#define TOTE_PLUGIN_HPP

#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/batch.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/query.h>
#include <tote/ext/read_range.h>
#include <tote/tote_plugin.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tote::plugin {

// Throw this from any operation to return a status with a message.
class Error : public std::exception {
public:
    Error(tote_status status, std::string message) : status_(status), message_(std::move(message)) {}
    tote_status status() const noexcept { return status_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    tote_status status_;
    std::string message_;
};

// What stat() returns and read() may report. kind is TOTE_KIND_KEY or TOTE_KIND_PREFIX.
struct Stat {
    uint32_t kind = TOTE_KIND_KEY;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t version = 0;
    int64_t expires_ns = 0;  // 0: never (TOTE_CAP_EXPIRY)
};

// The ABI version of the host(s) this library serves: the lowest any host in this process announced at
// tote_plugin_entry(). TOTE_PLUGIN_ENTRY records it.
inline std::atomic<uint32_t>& host_abi_slot() noexcept {
    static std::atomic<uint32_t> version{TOTE_ABI_VERSION};
    return version;
}
inline uint32_t host_abi() noexcept { return host_abi_slot().load(std::memory_order_relaxed); }
inline void note_host_abi(uint32_t announced) noexcept {
    uint32_t current = host_abi_slot().load(std::memory_order_relaxed);
    while (announced < current && !host_abi_slot().compare_exchange_weak(current, announced)) {
    }
}

// status as the host can take it: a code newer than the host's minor version becomes its older equivalent.
inline tote_status for_host(tote_status status) noexcept {
    if (status == TOTE_UNKNOWN_OUTCOME && TOTE_ABI_VERSION_MINOR(host_abi()) < 1) return TOTE_UNAVAILABLE;
    return status;
}

// The bytes of a value go out through this. write() returns false once the host has asked to stop; stop then.
class ValueSink {
public:
    ValueSink(tote_write_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
    bool write(const void* data, size_t len) {
        if (stopped_) return false;
        if (len != 0 && fn_(ctx_, data, len) != 0) stopped_ = true;
        return !stopped_;
    }
    bool write(std::string_view bytes) { return write(bytes.data(), bytes.size()); }
    bool stopped() const { return stopped_; }

private:
    tote_write_fn fn_;
    void* ctx_;
    bool stopped_ = false;
};

// Listing entries go out through this. emit() returns false once the host has asked to stop; stop then.
// Towards a host that lists through "tote.list_batch/1", entries are copied into a block and handed over when
// the block is full (and when list() returns), so emit() may report the stop a few entries late.
class EntrySink {
public:
    EntrySink(tote_entry_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}
    EntrySink(tote_entries_fn fn, void* ctx)
        : batch_fn_(fn), ctx_(ctx), block_(new Block) {}  // one allocation per listing; the block never moves
    EntrySink(const EntrySink&) = delete;
    EntrySink& operator=(const EntrySink&) = delete;

    bool emit(std::string_view key, uint32_t kind) {
        if (stopped_) return false;
        if (batch_fn_ == nullptr) return emit_one(key, kind);
        Block& b = *block_;
        if ((b.count == kBlockEntries || b.used + key.size() > sizeof b.keys) && !flush()) return false;
        char* at = b.keys + b.used;
        tote_entry& entry = b.entries[b.count++];
        entry.struct_size = sizeof entry;
        entry.kind = kind;
        entry.key = at;
        entry.key_len = key.size();
        b.used += key.size();
        if (!key.empty()) std::memcpy(at, key.data(), key.size());  // last, so that nothing is reloaded after it
        return true;
    }
    bool stopped() const { return stopped_; }

    // Hands over what is buffered (block mode). Returns false once the host has asked to stop.
    bool flush() {
        if (!block_ || block_->count == 0 || stopped_) return !stopped_;
        if (batch_fn_(ctx_, block_->entries, block_->count) != 0) stopped_ = true;
        block_->count = 0;
        block_->used = 0;
        return !stopped_;
    }

private:
    bool emit_one(std::string_view key, uint32_t kind) {
        tote_entry entry{};
        entry.struct_size = sizeof entry;
        entry.kind = kind;
        entry.key = key.data();
        entry.key_len = key.size();
        if (fn_(ctx_, &entry) != 0) stopped_ = true;
        return !stopped_;
    }

    static constexpr size_t kBlockEntries = 256;
    struct Block {
        tote_entry entries[kBlockEntries];
        char keys[kBlockEntries * 64 + TOTE_KEY_MAX];  // room for any one key, and for 256 of a typical size
        size_t count = 0;
        size_t used = 0;
    };
    tote_entry_fn fn_ = nullptr;
    tote_entries_fn batch_fn_ = nullptr;
    void* ctx_;
    bool stopped_ = false;
    std::unique_ptr<Block> block_;
};

// Matches of a query (tote.query/1) go out through this: emit() returns false once the host has asked to stop
// or the query's limit is reached; stop then.
class MatchSink {
public:
    MatchSink(tote_match_fn fn, void* ctx, uint64_t limit) : fn_(fn), ctx_(ctx), limit_(limit) {}
    bool emit(std::string_view key, std::string_view value) {
        if (stopped_) return false;
        emitted_ = true;
        if (fn_(ctx_, key.data(), key.size(), value.data(), value.size()) != 0) stopped_ = true;
        if (limit_ != 0 && ++count_ >= limit_) stopped_ = true;
        return !stopped_;
    }
    bool stopped() const { return stopped_; }
    bool emitted() const { return emitted_; }  // after this a query may no longer be declined

private:
    tote_match_fn fn_;
    void* ctx_;
    uint64_t limit_;
    uint64_t count_ = 0;
    bool stopped_ = false;
    bool emitted_ = false;
};

// open()'s parameters, copied out of the C struct.
struct OpenParams {
    std::string url;
    std::string location;
    uint32_t flags = 0;
    std::vector<tote_option_value> options;  // string_value points into the host's memory: copy what you keep

    bool create() const { return (flags & TOTE_OPEN_CREATE) != 0; }
    bool read_only() const { return (flags & TOTE_OPEN_READ_ONLY) != 0; }
    const tote_option_value* find(std::string_view name, uint32_t type = 0) const {
        for (const auto& option : options)
            if (option.name != nullptr && name == option.name && (type == 0 || option.type == type)) return &option;
        return nullptr;
    }
    // The option's value if it was set with this type, else fallback (the host has already checked types against
    // the option list, so a mismatch means the option was declared with another type).
    bool get_bool(std::string_view name, bool fallback) const {
        const auto* o = find(name, TOTE_TYPE_BOOL);
        return o ? o->int_value != 0 : fallback;
    }
    int64_t get_int(std::string_view name, int64_t fallback) const {
        const auto* o = find(name, TOTE_TYPE_INT);
        return o ? o->int_value : fallback;
    }
    double get_float(std::string_view name, double fallback) const {
        const auto* o = find(name, TOTE_TYPE_FLOAT);
        return o ? o->float_value : fallback;
    }
    std::string get_string(std::string_view name, std::string fallback) const {
        const auto* o = find(name, TOTE_TYPE_STRING);
        return o && o->string_value ? std::string(o->string_value, o->string_len) : std::move(fallback);
    }
};

// One write, as a view of the host's tote_write_op.
struct WriteOp {
    std::string_view key;
    std::string_view value;
    uint32_t flags = 0;
    uint64_t expected_version = 0;
    int64_t expires_ns = 0;  // with TOTE_WRITE_EXPIRES (only sent to plugins declaring TOTE_CAP_EXPIRY)

    bool create_only() const { return (flags & TOTE_WRITE_CREATE_ONLY) != 0; }
    bool if_version() const { return (flags & TOTE_WRITE_IF_VERSION) != 0; }
    bool expires() const { return (flags & TOTE_WRITE_EXPIRES) != 0; }
    bool remove() const { return (flags & TOTE_WRITE_REMOVE) != 0; }  // 1.1, in batches of a batch_removes class
};

// One append (tote.append/1), as a view of the host's tote_append_op.
struct AppendOp {
    std::string_view key;
    std::string_view data;
    uint32_t flags = 0;
    uint64_t expected_size = 0;

    bool if_size() const { return (flags & TOTE_APPEND_IF_SIZE) != 0; }
};

// What an append reports: where the data starts (the value's size before) and the new version.
struct AppendResult {
    uint64_t offset = 0;
    uint64_t version = 0;
};

struct ListParams {
    std::string_view prefix;       // "" or ends with '/'
    std::string_view start_after;  // "" for the start; any bytes (it need not lie under the prefix)
    bool recursive = false;
};

// A query's parameters (tote/ext/query.h): the keys as ListParams, and the filter in canonical form.
struct QueryParams {
    std::string_view prefix;       // "" or ends with '/'
    std::string_view start_after;  // "" for the start
    bool recursive = false;
    std::string_view filter;       // JSON text in the canonical form of tote/ext/query.h
    uint64_t limit = 0;            // 0: no limit (MatchSink enforces it)
};

// The plugin's self-description, turned into the tote_plugin struct by TOTE_PLUGIN_ENTRY.
struct Descriptor {
    const char* name;
    const char* version;
    const char* description;
    const char* const* schemes;
    uint64_t capabilities;
    uint32_t location_kind;
    const tote_option_spec* options;
};

namespace detail {

// Detection of optional methods, so the table holds only what the class offers. By expression, so that a class
// may overload a name (the two forms of append).
template <class S, class = void> struct has_write : std::false_type {};
template <class S>
struct has_write<S, std::void_t<decltype(std::declval<S&>().write(std::declval<const WriteOp&>()))>> : std::true_type {};
template <class S, class = void> struct has_remove : std::false_type {};
template <class S>
struct has_remove<S, std::void_t<decltype(std::declval<S&>().remove(std::string_view(), true))>> : std::true_type {};
template <class S, class = void> struct has_append : std::false_type {};
template <class S>
struct has_append<S, std::void_t<decltype(std::declval<S&>().append(std::string_view(), std::string_view()))>>
    : std::true_type {};
template <class S, class = void> struct has_append_op : std::false_type {};
template <class S>
struct has_append_op<S, std::void_t<decltype(AppendResult(std::declval<S&>().append(std::declval<const AppendOp&>())))>>
    : std::true_type {};
template <class S, class = void> struct has_list : std::false_type {};
template <class S>
struct has_list<S, std::void_t<decltype(std::declval<S&>().list(std::declval<const ListParams&>(),
                                                           std::declval<EntrySink&>()))>> : std::true_type {};
template <class S, class = void> struct has_rename : std::false_type {};
template <class S>
struct has_rename<S, std::void_t<decltype(std::declval<S&>().rename(std::string_view(), std::string_view(), true))>>
    : std::true_type {};
template <class S, class = void> struct has_write_batch : std::false_type {};
template <class S>
struct has_write_batch<S, std::void_t<decltype(std::declval<S&>().write_batch(std::declval<const std::vector<WriteOp>&>(),
                                                                         std::declval<size_t&>()))>>
    : std::true_type {};
template <class S, class = void> struct has_batch_removes : std::false_type {};
template <class S> struct has_batch_removes<S, std::enable_if_t<S::batch_removes>> : std::true_type {};
template <class S, class = void> struct has_query : std::false_type {};
template <class S>
struct has_query<S, std::void_t<decltype(std::declval<S&>().query(std::declval<const QueryParams&>(),
                                                             std::declval<MatchSink&>()))>> : std::true_type {};
template <class S, class = void> struct has_read_range : std::false_type {};
template <class S>
struct has_read_range<S, std::void_t<decltype(std::declval<S&>().read_range(std::string_view(), uint64_t(), uint64_t(),
                                                                       std::declval<ValueSink&>(),
                                                                       std::declval<Stat*>()))>> : std::true_type {};
template <class S, class = void> struct has_drop : std::false_type {};
template <class S>
struct has_drop<S, std::void_t<decltype(S::drop(std::declval<const OpenParams&>()))>> : std::true_type {};
template <class S, class = void> struct has_info : std::false_type {};
template <class S>
struct has_info<S, std::void_t<decltype(std::string(std::declval<S&>().info()))>> : std::true_type {};

inline void report(const tote_call* call, const char* message) noexcept {
    if (call != nullptr && call->set_error != nullptr) call->set_error(call, message, std::strlen(message));
}

// Runs body, turning every exception into a status. Nothing escapes.
template <class Body> tote_status guarded(const tote_call* call, Body&& body) noexcept {
    try {
        body();
        return TOTE_OK;
    } catch (const Error& e) {
        report(call, e.what());
        return e.status() == TOTE_OK ? TOTE_INTERNAL : for_host(e.status());
    } catch (const std::bad_alloc&) {
        report(call, "out of memory");
        return TOTE_INTERNAL;
    } catch (const std::exception& e) {
        report(call, e.what());
        return TOTE_INTERNAL;
    } catch (...) {
        report(call, "unknown C++ exception in plugin");
        return TOTE_INTERNAL;
    }
}

// Writes the fields of stat that fit in the host's struct (it may be older and smaller than ours).
inline void fill_stat(const Stat& stat, tote_stat* out) noexcept {
    if (out == nullptr) return;
    auto fits = [out](size_t offset, size_t size) { return out->struct_size >= offset + size; };
    if (fits(offsetof(tote_stat, kind), sizeof out->kind)) out->kind = stat.kind;
    if (fits(offsetof(tote_stat, size), sizeof out->size)) out->size = stat.size;
    if (fits(offsetof(tote_stat, mtime_ns), sizeof out->mtime_ns)) out->mtime_ns = stat.mtime_ns;
    if (fits(offsetof(tote_stat, version), sizeof out->version)) out->version = stat.version;
    if (fits(offsetof(tote_stat, expires_ns), sizeof out->expires_ns)) out->expires_ns = stat.expires_ns;
}

// True if a struct of struct_size bytes holds field [offset, offset + size).
inline bool holds(uint32_t struct_size, size_t offset, size_t size) noexcept { return struct_size >= offset + size; }

// Refuses what no store method should have to check: a struct smaller than ABI 1.0's, unknown or conflicting
// flags, an expiry to a plugin that did not declare TOTE_CAP_EXPIRY or in a struct too old to hold it.
// removes: the op is part of a batch of a class that takes removes (TOTE_BATCH_REMOVES).
inline void check_op(const tote_write_op& op, uint64_t capabilities, bool removes = false) {
    if (op.struct_size < TOTE_WRITE_OP_SIZE_1_0) throw Error(TOTE_INVALID_ARGUMENT, "write op too small");
    uint32_t known = TOTE_WRITE_CREATE_ONLY | TOTE_WRITE_IF_VERSION;
    if (capabilities & TOTE_CAP_EXPIRY) known |= TOTE_WRITE_EXPIRES;
    if (removes) known |= TOTE_WRITE_REMOVE;
    if (op.flags & ~known) throw Error(TOTE_INVALID_ARGUMENT, "unknown write flags");
    if ((op.flags & TOTE_WRITE_REMOVE) && op.flags != TOTE_WRITE_REMOVE)
        throw Error(TOTE_INVALID_ARGUMENT, "a remove op takes no other flag");
    if ((op.flags & TOTE_WRITE_CREATE_ONLY) && (op.flags & TOTE_WRITE_IF_VERSION))
        throw Error(TOTE_INVALID_ARGUMENT, "create-only and compare-version exclude each other");
    if ((op.flags & TOTE_WRITE_EXPIRES) &&
        !holds(op.struct_size, offsetof(tote_write_op, expires_ns), sizeof op.expires_ns))
        throw Error(TOTE_INVALID_ARGUMENT, "TOTE_WRITE_EXPIRES in a write op too small to hold expires_ns");
}

inline WriteOp to_op(const tote_write_op& op) {
    WriteOp out{std::string_view(op.key, op.key_len),
                std::string_view(static_cast<const char*>(op.value), op.value_len), op.flags, op.expected_version};
    if (op.flags & TOTE_WRITE_EXPIRES) out.expires_ns = op.expires_ns;  // check_op saw that the struct holds it
    return out;
}

inline OpenParams to_params(const tote_open_params& params) {
    if (params.struct_size < TOTE_OPEN_PARAMS_SIZE_1_0) throw Error(TOTE_INVALID_ARGUMENT, "open params too small");
    if (params.flags & ~(TOTE_OPEN_CREATE | TOTE_OPEN_READ_ONLY)) throw Error(TOTE_INVALID_ARGUMENT, "unknown open flags");
    OpenParams p;
    p.url = params.url ? params.url : "";
    p.location = params.location ? params.location : "";
    p.flags = params.flags;
    if (params.options != nullptr) p.options.assign(params.options, params.options + params.option_count);
    return p;
}

inline ListParams to_params(const tote_list_params& params) {
    if (params.struct_size < TOTE_LIST_PARAMS_SIZE_1_0) throw Error(TOTE_INVALID_ARGUMENT, "list params too small");
    if (params.flags & ~TOTE_LIST_RECURSIVE) throw Error(TOTE_INVALID_ARGUMENT, "unknown list flags");
    ListParams p;
    p.prefix = std::string_view(params.prefix ? params.prefix : "", params.prefix_len);
    p.start_after = std::string_view(params.start_after ? params.start_after : "", params.start_after_len);
    p.recursive = (params.flags & TOTE_LIST_RECURSIVE) != 0;
    return p;
}

template <class S> struct Adapter {
    static S* self(tote_store* store) { return reinterpret_cast<S*>(store); }
    static uint64_t& capabilities() {  // as declared in the Descriptor; set by make()
        static uint64_t caps = 0;
        return caps;
    }

    static tote_status open(const tote_open_params* params, const tote_call* call, tote_store** out) noexcept {
        return guarded(call, [&] {
            OpenParams p = to_params(*params);
            std::unique_ptr<S> store = S::open(p);
            if (!store) throw Error(TOTE_INTERNAL, "open returned no store");
            *out = reinterpret_cast<tote_store*>(store.release());
        });
    }

    static void close(tote_store* store) noexcept {
        try {
            delete self(store);
        } catch (...) {
            // A destructor that throws has nowhere to report to; the store is gone either way.
        }
    }

    static tote_status read(tote_store* store, const tote_call* call, const char* key, size_t key_len,
                            tote_write_fn sink, void* sink_ctx, tote_stat* stat_out) noexcept {
        return guarded(call, [&] {
            ValueSink out(sink, sink_ctx);
            Stat stat;
            self(store)->read(std::string_view(key, key_len), out, stat_out ? &stat : nullptr);
            fill_stat(stat, stat_out);
        });
    }

    static tote_status stat(tote_store* store, const tote_call* call, const char* key, size_t key_len,
                            tote_stat* out) noexcept {
        return guarded(call, [&] { fill_stat(self(store)->stat(std::string_view(key, key_len)), out); });
    }

    static tote_status write(tote_store* store, const tote_call* call, const tote_write_op* op,
                             uint64_t* new_version) noexcept {
        return guarded(call, [&] {
            check_op(*op, capabilities());
            uint64_t version = self(store)->write(to_op(*op));
            if (new_version) *new_version = version;
        });
    }

    static tote_status append(tote_store* store, const tote_call* call, const char* key, size_t key_len,
                              const void* data, size_t data_len) noexcept {
        return guarded(call, [&] {
            const std::string_view k(key, key_len), d(static_cast<const char*>(data), data_len);
            if constexpr (has_append_op<S>::value)
                self(store)->append(AppendOp{k, d, 0, 0});
            else
                self(store)->append(k, d);
        });
    }

    static tote_status append_op(tote_store* store, const tote_call* call, const tote_append_op* op,
                                 tote_append_result* result) noexcept {
        return guarded(call, [&] {
            if (op->struct_size < offsetof(tote_append_op, expected_size) + sizeof op->expected_size)
                throw Error(TOTE_INVALID_ARGUMENT, "append op too small");
            if (op->flags & ~TOTE_APPEND_IF_SIZE) throw Error(TOTE_INVALID_ARGUMENT, "unknown append flags");
            AppendResult r = self(store)->append(AppendOp{std::string_view(op->key, op->key_len),
                                                          std::string_view(static_cast<const char*>(op->data),
                                                                           op->data_len),
                                                          op->flags, op->expected_size});
            if (result == nullptr) return;
            if (holds(result->struct_size, offsetof(tote_append_result, offset), sizeof result->offset))
                result->offset = r.offset;
            if (holds(result->struct_size, offsetof(tote_append_result, version), sizeof result->version))
                result->version = r.version;
        });
    }

    static tote_status list(tote_store* store, const tote_call* call, const tote_list_params* params,
                            tote_entry_fn on_entry, void* ctx) noexcept {
        return guarded(call, [&] {
            const ListParams p = to_params(*params);
            EntrySink out(on_entry, ctx);
            self(store)->list(p, out);
        });
    }

    static tote_status list_batch(tote_store* store, const tote_call* call, const tote_list_params* params,
                                  tote_entries_fn on_entries, void* ctx) noexcept {
        return guarded(call, [&] {
            const ListParams p = to_params(*params);
            EntrySink out(on_entries, ctx);
            self(store)->list(p, out);
            out.flush();
        });
    }

    static tote_status query(tote_store* store, const tote_call* call, const tote_query_params* params,
                             tote_match_fn on_match, void* ctx) noexcept {
        bool emitted = false;
        const tote_status status = guarded(call, [&] {
            if (params->struct_size < offsetof(tote_query_params, limit) + sizeof params->limit)
                throw Error(TOTE_INVALID_ARGUMENT, "query params too small");
            if (params->flags & ~TOTE_QUERY_RECURSIVE) throw Error(TOTE_INVALID_ARGUMENT, "unknown query flags");
            QueryParams p;
            p.prefix = std::string_view(params->prefix, params->prefix_len);
            p.start_after = std::string_view(params->start_after, params->start_after_len);
            p.recursive = (params->flags & TOTE_QUERY_RECURSIVE) != 0;
            p.filter = std::string_view(params->filter, params->filter_len);
            p.limit = params->limit;
            MatchSink out(on_match, ctx, p.limit);
            try {
                self(store)->query(p, out);
            } catch (...) {
                emitted = out.emitted();
                throw;
            }
        });
        // Declining is only allowed before the first match: after one, the host could not start over.
        if (status == TOTE_UNSUPPORTED && emitted) {
            report(call, "query declined (TOTE_UNSUPPORTED) after emitting matches");
            return TOTE_INTERNAL;
        }
        return status;
    }

    static tote_status read_range(tote_store* store, const tote_call* call, const char* key, size_t key_len,
                                  uint64_t offset, uint64_t length, tote_write_fn sink, void* sink_ctx,
                                  tote_stat* stat_out) noexcept {
        return guarded(call, [&] {
            ValueSink out(sink, sink_ctx);
            Stat stat;
            self(store)->read_range(std::string_view(key, key_len), offset, length, out, stat_out ? &stat : nullptr);
            fill_stat(stat, stat_out);
        });
    }

    static tote_status drop(const tote_open_params* params, const tote_call* call) noexcept {
        return guarded(call, [&] { S::drop(to_params(*params)); });
    }

    static tote_status info(tote_store* store, const tote_call* call, tote_write_fn sink, void* sink_ctx) noexcept {
        return guarded(call, [&] {
            const std::string text = self(store)->info();
            ValueSink(sink, sink_ctx).write(text);
        });
    }

    static tote_status remove(tote_store* store, const tote_call* call, const char* key, size_t key_len,
                              uint32_t flags) noexcept {
        return guarded(call, [&] {
            if (flags & ~TOTE_REMOVE_RECURSIVE) throw Error(TOTE_INVALID_ARGUMENT, "unknown remove flags");
            self(store)->remove(std::string_view(key, key_len), (flags & TOTE_REMOVE_RECURSIVE) != 0);
        });
    }

    static tote_status rename(tote_store* store, const tote_call* call, const char* from, size_t from_len,
                              const char* to, size_t to_len, uint32_t flags) noexcept {
        return guarded(call, [&] {
            if (flags & ~TOTE_RENAME_NO_REPLACE) throw Error(TOTE_INVALID_ARGUMENT, "unknown rename flags");
            self(store)->rename(std::string_view(from, from_len), std::string_view(to, to_len),
                                (flags & TOTE_RENAME_NO_REPLACE) == 0);
        });
    }

    static tote_status write_batch(tote_store* store, const tote_call* call, const tote_write_op* const* ops,
                                   size_t count, size_t* failed_index) noexcept {
        size_t failed = count;
        tote_status status = guarded(call, [&] {
            std::vector<WriteOp> batch;
            batch.reserve(count);
            for (size_t i = 0; i < count; ++i) {
                failed = i;
                check_op(*ops[i], capabilities(), has_batch_removes<S>::value);
                batch.push_back(to_op(*ops[i]));
            }
            failed = count;
            self(store)->write_batch(batch, failed);
        });
        if (failed_index) *failed_index = status == TOTE_OK ? count : failed;
        return status;
    }

    static const void* get_extension(const char* id) noexcept {
        if (id == nullptr) return nullptr;
        if constexpr (has_write_batch<S>::value) {
            static const tote_batch_ext batch{sizeof(tote_batch_ext), 0, &Adapter::write_batch,
                                              has_batch_removes<S>::value ? TOTE_BATCH_REMOVES : 0u};
            if (std::strcmp(id, TOTE_EXT_BATCH) == 0) return &batch;
        }
        if constexpr (has_list<S>::value) {
            static const tote_list_batch_ext list{sizeof(tote_list_batch_ext), 0, &Adapter::list_batch};
            if (std::strcmp(id, TOTE_EXT_LIST_BATCH) == 0) return &list;
        }
        if constexpr (has_query<S>::value) {
            static_assert(has_list<S>::value, "a plugin class with query() must also have list()");
            static const tote_query_ext query_ext{sizeof(tote_query_ext), 0, &Adapter::query};
            if (std::strcmp(id, TOTE_EXT_QUERY) == 0) return &query_ext;
        }
        if constexpr (has_read_range<S>::value) {
            static const tote_read_range_ext range{sizeof(tote_read_range_ext), 0, &Adapter::read_range};
            if (std::strcmp(id, TOTE_EXT_READ_RANGE) == 0) return &range;
        }
        if constexpr (has_append_op<S>::value) {
            static const tote_append_ext append{sizeof(tote_append_ext), 0, &Adapter::append_op};
            if (std::strcmp(id, TOTE_EXT_APPEND) == 0) return &append;
        }
        if constexpr (has_drop<S>::value || has_info<S>::value) {
            static const tote_admin_ext admin = [] {
                tote_admin_ext a{};
                a.struct_size = sizeof a;
                if constexpr (has_drop<S>::value) a.drop = &Adapter::drop;
                if constexpr (has_info<S>::value) a.info = &Adapter::info;
                return a;
            }();
            if (std::strcmp(id, TOTE_EXT_ADMIN) == 0) return &admin;
        }
        return nullptr;
    }

    static tote_plugin make(const Descriptor& d) {
        capabilities() = d.capabilities;
        tote_plugin p{};
        p.struct_size = sizeof(tote_plugin);
        p.abi_version = TOTE_ABI_VERSION;
        p.capabilities = d.capabilities;
        p.location_kind = d.location_kind;
        p.name = d.name;
        p.version = d.version;
        p.description = d.description;
        p.schemes = d.schemes;
        p.options = d.options;
        p.open = &Adapter::open;
        p.close = &Adapter::close;
        p.read = &Adapter::read;
        p.stat = &Adapter::stat;
        if constexpr (has_write<S>::value) p.write = &Adapter::write;
        if constexpr (has_remove<S>::value) p.remove = &Adapter::remove;
        if constexpr (has_append<S>::value || has_append_op<S>::value) p.append = &Adapter::append;
        if constexpr (has_list<S>::value) p.list = &Adapter::list;
        if constexpr (has_rename<S>::value) p.rename = &Adapter::rename;
        p.get_extension = &Adapter::get_extension;
        return p;
    }
};

}  // namespace detail

// The descriptor for store class S, built once (thread-safe static initialisation) and kept for the life of
// the library.
template <class S> const tote_plugin* plugin_for(const Descriptor& descriptor) {
    static const tote_plugin plugin = detail::Adapter<S>::make(descriptor);
    return &plugin;
}

}  // namespace tote::plugin

// Defines the exported entry point for store class StoreClass. descriptor is a tote::plugin::Descriptor
// expression (wrap it in parentheses if it contains commas).
#define TOTE_PLUGIN_ENTRY(StoreClass, descriptor)                                                  \
    extern "C" TOTE_PLUGIN_EXPORT const tote_plugin* tote_plugin_entry(uint32_t host_abi_version) { \
        ::tote::plugin::note_host_abi(host_abi_version);                                           \
        return ::tote::plugin::plugin_for<StoreClass>(descriptor);                                 \
    }

#endif  // TOTE_PLUGIN_HPP
