// SPDX-License-Identifier: Apache-2.0
// store.cpp — tote::Store: key validation, capability and read-only checks, and the calls through the C vtable
// and the extensions, with the host's fallbacks where a plugin lacks an extension. Plugin memory never outlives
// a call: values arrive through a sink callback, entries through an entry callback.
#include "store_impl.hpp"

#include "key.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>

namespace tote {

using detail::Call;
using detail::invoke;
using detail::invoke_checked;
using detail::quote;

namespace {

std::string describe(std::string_view op, std::string_view key, const std::string& url) {
    return std::string(op) + " " + quote(key) + " in " + url;
}

// A stat struct as the host hands it to the plugin: its size is what the host's ABI version defines, so a plugin
// fills only the fields that version knows.
tote_stat empty_stat(const Store::Impl& impl) {
    tote_stat st{};
    st.struct_size = TOTE_ABI_VERSION_MINOR(impl.plugin->host_abi) >= 1 ? sizeof st : TOTE_STAT_SIZE_1_0;
    return st;
}

Stat to_stat(const tote_stat& st) {
    Stat out{st.kind == TOTE_KIND_PREFIX ? Kind::prefix : Kind::key, st.size, st.mtime_ns, st.version, 0};
    if (st.struct_size >= offsetof(tote_stat, expires_ns) + sizeof st.expires_ns) out.expires_ns = st.expires_ns;
    return out;
}

// Sink that appends every piece to a std::string (the fast path of read()).
struct StringSink {
    std::string value;
    bool out_of_memory = false;
};

int append_to_string(void* ctx, const void* data, size_t len) {
    auto* sink = static_cast<StringSink*>(ctx);
    try {
        sink->value.append(static_cast<const char*>(data), len);
        return 0;
    } catch (...) {
        sink->out_of_memory = true;
        return 1;
    }
}

// The key, validated, copied NUL-terminated (the ABI promises plugins a NUL at key[len], which a string_view may
// lack) into a buffer on the stack: keys are at most TOTE_KEY_MAX bytes, so this never allocates.
class CheckedKey {
public:
    explicit CheckedKey(std::string_view key) : size_(key.size()) {
        detail::validate_key(key);
        std::memcpy(bytes_, key.data(), key.size());
        bytes_[key.size()] = '\0';
    }
    CheckedKey(const CheckedKey&) = delete;
    CheckedKey& operator=(const CheckedKey&) = delete;
    operator std::string_view() const { return std::string_view(bytes_, size_); }

private:
    char bytes_[TOTE_KEY_MAX + 1];
    size_t size_;
};

// The caller's value sink behind a C callback: exceptions are parked and rethrown after the plugin returns. Only
// bytes [skip, skip + keep) of what the plugin passes reach the caller (a ranged read done by reading the whole
// value); zero-length pieces never do.
struct ValueTrampoline {
    const std::function<bool(std::string_view)>* fn = nullptr;
    uint64_t skip = 0;
    uint64_t keep = std::numeric_limits<uint64_t>::max();
    bool whole = false;  // read to the end even past the range, so that the plugin's stat describes the value
    std::exception_ptr error;
};

int call_value_sink(void* ctx, const void* data, size_t len) {
    auto* t = static_cast<ValueTrampoline*>(ctx);
    std::string_view piece(static_cast<const char*>(data), len);
    const uint64_t dropped = std::min<uint64_t>(t->skip, piece.size());
    piece.remove_prefix(static_cast<size_t>(dropped));
    t->skip -= dropped;
    if (piece.size() > t->keep) piece = piece.substr(0, static_cast<size_t>(t->keep));
    t->keep -= piece.size();
    if (!piece.empty()) {
        try {
            if (!(*t->fn)(piece)) return 1;
        } catch (...) {
            t->error = std::current_exception();
            return 1;
        }
    }
    return t->keep == 0 && !t->whole ? 1 : 0;
}

// The listing callback's state: the caller's function, one Entry reused for every entry (its string keeps its
// capacity, so a long listing does not allocate per key), and whether to leave out the host's own records.
struct EntryTrampoline {
    const std::function<bool(const Entry&)>* fn;
    bool hide_host_keys;
    Entry entry;
    std::exception_ptr error;
};

// True for the host's own keys (".tote/…", locks): never shown to users at the root, never copied.
bool is_host_key(const char* key, size_t len) { return len >= 6 && key[0] == '.' && std::memcmp(key, ".tote/", 6) == 0; }

// One entry to the caller: false once the caller asked to stop (or threw).
bool pass_entry(EntryTrampoline& t, const tote_entry& entry) {
    if (t.hide_host_keys && is_host_key(entry.key, entry.key_len)) return true;
    try {
        // resize + copy: when the key is no longer than the last one (a listing's keys mostly have one length),
        // resize only sets the length, inline; append and assign always run libstdc++'s out-of-line code.
        t.entry.key.resize(entry.key_len);
        if (entry.key_len != 0) std::memcpy(t.entry.key.data(), entry.key, entry.key_len);
        t.entry.kind = entry.kind == TOTE_KIND_PREFIX ? Kind::prefix : Kind::key;
        return (*t.fn)(t.entry);
    } catch (...) {
        t.error = std::current_exception();
        return false;
    }
}

int call_entry_sink(void* ctx, const tote_entry* entry) { return pass_entry(*static_cast<EntryTrampoline*>(ctx), *entry) ? 0 : 1; }

int call_entries_sink(void* ctx, const tote_entry* entries, size_t count) {
    auto* t = static_cast<EntryTrampoline*>(ctx);
    for (size_t i = 0; i < count; ++i)
        if (!pass_entry(*t, entries[i])) return 1;
    return 0;
}

tote_write_op make_op(const Store::Impl& impl, std::string_view key, std::string_view value,
                      const WriteOptions& options) {
    tote_write_op op{};
    op.struct_size = TOTE_ABI_VERSION_MINOR(impl.plugin->host_abi) >= 1 ? sizeof op : TOTE_WRITE_OP_SIZE_1_0;
    op.key = key.data();
    op.key_len = key.size();
    op.value = value.data();
    op.value_len = value.size();
    if (options.create_only) op.flags |= TOTE_WRITE_CREATE_ONLY;
    if (options.if_version) {
        op.flags |= TOTE_WRITE_IF_VERSION;
        op.expected_version = *options.if_version;
    }
    if (options.expires_ns != 0) {
        op.flags |= TOTE_WRITE_EXPIRES;
        op.expires_ns = options.expires_ns;
    }
    return op;
}

// Refuses an operation the store cannot do, before the plugin is called.
void require(const Store::Impl& impl, uint64_t capability, bool writes, std::string_view op, std::string_view key) {
    if (capability != 0 && (impl.capabilities() & capability) != capability)
        throw Error(Status::unsupported, std::string(status_name(Status::unsupported)) + ": " +
                                             describe(op, key, impl.url) + ": the " + impl.plugin->info.name +
                                             " plugin does not support " + std::string(op));
    if (writes && impl.read_only)
        throw Error(Status::permission_denied, std::string(status_name(Status::permission_denied)) + ": " +
                                                   describe(op, key, impl.url) + ": the store is open read-only");
}

// The checks every write (alone or in a batch) passes before the plugin sees it.
void check_write(const Store::Impl& impl, std::string_view key, const WriteOptions& options) {
    // What the plugin cannot do is unsupported whatever the open mode, so the capabilities come before the
    // read-only check (the conformance case "operations the plugin lacks are unsupported" holds this).
    require(impl, TOTE_CAP_WRITE, false, "write", key);
    if (options.create_only && options.if_version)
        throw Error(Status::invalid_argument,
                    describe("write", key, impl.url) + ": create_only and if_version exclude each other");
    if (options.create_only) require(impl, TOTE_CAP_CREATE_ONLY, false, "create-only write", key);
    if (options.if_version) require(impl, TOTE_CAP_COMPARE_VERSION, false, "compare-version write", key);
    if (options.expires_ns != 0) require(impl, TOTE_CAP_EXPIRY, false, "write with an expiry", key);
    require(impl, 0, true, "write", key);
}

// read_range through the plugin's read(): the whole value streamed, the range kept.
void read_range_by_reading(Store::Impl& impl, std::string_view key, ValueTrampoline& t, tote_stat* st) {
    Call call = impl.call();
    tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return impl.table().read(h, c, key.data(), key.size(), &call_value_sink, &t, st);
    });
    if (t.error) std::rethrow_exception(t.error);
    call.check(status, [&] { return describe("read", key, impl.url); });
}

}  // namespace

Store::Store(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::url() const { return impl_->url; }
const std::map<std::string, std::string>& Store::options() const { return impl_->options; }
const PluginInfo& Store::plugin() const { return impl_->bottom().plugin->info; }
std::vector<std::string> Store::layers() const {
    std::vector<std::string> out;
    for (const Impl* i = impl_.get(); i->inner; i = i->inner.get()) out.push_back(i->plugin->info.name);
    return out;
}
uint64_t Store::capabilities() const { return impl_->capabilities(); }
bool Store::read_only() const { return impl_->read_only; }
bool Store::supports(uint64_t capability) const { return (impl_->capabilities() & capability) == capability; }
bool Store::batch_is_atomic() const { return impl_->ext().batch != nullptr; }

const std::vector<std::string>& Store::extensions() const { return impl_->extension_ids; }

bool Store::offers(std::string_view extension) const {
    const auto& ids = impl_->extension_ids;
    return std::find(ids.begin(), ids.end(), extension) != ids.end();
}

// ---- the operations on valid keys, shared by Store's methods and the host's own records (lock.cpp) ----------------

namespace detail::raw {

std::string read(Store::Impl& impl, std::string_view key, Stat* stat) {
    StringSink sink;
    tote_stat st = empty_stat(impl);
    Call call = impl.call();
    tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return impl.table().read(h, c, key.data(), key.size(), &append_to_string, &sink, stat ? &st : nullptr);
    });
    call.check(status, [&] { return describe("read", key, impl.url); });
    if (sink.out_of_memory)
        throw Error(Status::internal, "internal error: " + describe("read", key, impl.url) + ": out of memory");
    if (stat) {
        *stat = to_stat(st);
        if (sink.value.size() != stat->size)
            throw Error(Status::internal, "internal error: " + describe("read", key, impl.url) + ": got " +
                                              std::to_string(sink.value.size()) + " bytes of " +
                                              std::to_string(stat->size));
    }
    return std::move(sink.value);
}

std::optional<Stat> stat(Store::Impl& impl, std::string_view key) {
    tote_stat st = empty_stat(impl);
    Call call = impl.call();
    tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return impl.table().stat(h, c, key.data(), key.size(), &st);
    });
    if (status == TOTE_NOT_FOUND) return std::nullopt;
    call.check(status, [&] { return describe("stat", key, impl.url); });
    return to_stat(st);
}

uint64_t write(Store::Impl& impl, std::string_view key, std::string_view value, const WriteOptions& options) {
    check_write(impl, key, options);
    const tote_write_op op = make_op(impl, key, value, options);
    uint64_t version = 0;
    invoke_checked(impl, [&](tote_store* h, const tote_call* c) { return impl.table().write(h, c, &op, &version); },
                   [&] { return describe("write", key, impl.url); });
    return version;
}

bool remove(Store::Impl& impl, std::string_view key, bool recursive) {
    require(impl, TOTE_CAP_WRITE, true, "remove", key);
    Call call = impl.call();
    tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return impl.table().remove(h, c, key.data(), key.size(), recursive ? TOTE_REMOVE_RECURSIVE : 0);
    });
    if (status == TOTE_NOT_FOUND) return false;
    call.check(status, [&] { return describe("remove", key, impl.url); });
    return true;
}

void list(Store::Impl& impl, const std::string& prefix, const ListOptions& options,
          const std::function<bool(const Entry&)>& on_entry, bool hide_host_keys) {
    require(impl, TOTE_CAP_LIST, false, "list", prefix);
    tote_list_params params{};
    params.struct_size = sizeof params;
    params.flags = options.recursive ? TOTE_LIST_RECURSIVE : 0;
    params.prefix = prefix.c_str();
    params.prefix_len = prefix.size();
    params.start_after = options.start_after.c_str();
    params.start_after_len = options.start_after.size();
    EntryTrampoline t{&on_entry, hide_host_keys, {}, nullptr};
    Call call = impl.call();
    const tote_list_batch_ext* batch = impl.ext().list_batch;
    tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return batch ? batch->list_batch(h, c, &params, &call_entries_sink, &t)
                     : impl.table().list(h, c, &params, &call_entry_sink, &t);
    });
    if (t.error) std::rethrow_exception(t.error);
    call.check(status, [&] { return describe("list", prefix, impl.url); });
}

}  // namespace detail::raw

// ---- Store ------------------------------------------------------------------------------------------------------------

std::string Store::read(std::string_view key, Stat* stat) const { return detail::raw::read(*impl_, CheckedKey(key), stat); }

std::optional<std::string> Store::try_read(std::string_view key) const {
    try {
        return read(key);
    } catch (const Error& e) {
        if (e.status() == Status::not_found) return std::nullopt;
        throw;
    }
}

void Store::read_to(std::string_view key, const std::function<bool(std::string_view)>& sink, Stat* stat) const {
    read_range_to(key, 0, std::numeric_limits<uint64_t>::max(), sink, stat);
}

std::string Store::read_range(std::string_view key, uint64_t offset, uint64_t length, Stat* stat) const {
    std::string out;
    read_range_to(key, offset, length, [&out](std::string_view piece) {
        out.append(piece);
        return true;
    }, stat);
    return out;
}

void Store::read_range_to(std::string_view key_view, uint64_t offset, uint64_t length,
                          const std::function<bool(std::string_view)>& sink, Stat* stat) const {
    const CheckedKey checked(key_view);
    const std::string_view key = checked;
    Impl& impl = *impl_;
    tote_stat st = empty_stat(impl);
    ValueTrampoline t;
    t.fn = &sink;
    const tote_read_range_ext* ranged = impl.ext().read_range;
    const bool whole = offset == 0 && length == std::numeric_limits<uint64_t>::max();
    if (ranged != nullptr && !whole) {
        Call call = impl.call();
        tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
            return ranged->read_range(h, c, key.data(), key.size(), offset, length, &call_value_sink, &t,
                                      stat ? &st : nullptr);
        });
        if (t.error) std::rethrow_exception(t.error);
        call.check(status, [&] { return describe("read", key, impl.url); });
    } else {
        t.skip = offset;
        t.keep = length;
        t.whole = stat != nullptr;
        read_range_by_reading(impl, key, t, stat ? &st : nullptr);
    }
    if (stat) *stat = to_stat(st);
}

uint64_t Store::write(std::string_view key, std::string_view value, const WriteOptions& options) {
    return detail::raw::write(*impl_, CheckedKey(key), value, options);
}

AppendResult Store::append(std::string_view key_view, std::string_view data, const AppendOptions& options) {
    const CheckedKey checked(key_view);
    const std::string_view key = checked;
    Impl& impl = *impl_;
    require(impl, TOTE_CAP_APPEND, false, "append", key);
    if (options.if_size && !impl.ext().append)
        require(impl, TOTE_CAP_COMPARE_VERSION | TOTE_CAP_CREATE_ONLY, false, "conditional append", key);
    require(impl, 0, true, "append", key);
    if (const tote_append_ext* ext = impl.ext().append) {
        tote_append_op op{};
        op.struct_size = sizeof op;
        op.key = key.data();
        op.key_len = key.size();
        op.data = data.data();
        op.data_len = data.size();
        if (options.if_size) {
            op.flags |= TOTE_APPEND_IF_SIZE;
            op.expected_size = *options.if_size;
        }
        tote_append_result result{};
        result.struct_size = sizeof result;
        invoke_checked(impl, [&](tote_store* h, const tote_call* c) { return ext->append(h, c, &op, &result); },
                       [&] { return describe("append", key, impl.url); });
        return AppendResult{result.offset, result.version};
    }
    if (!options.if_size) {
        invoke_checked(impl,
                       [&](tote_store* h, const tote_call* c) {
                           return impl.table().append(h, c, key.data(), key.size(), data.data(), data.size());
                       },
                       [&] { return describe("append", key, impl.url); });
        const std::optional<Stat> after = detail::raw::stat(impl, key);
        if (!after || after->kind != Kind::key || after->size < data.size()) return AppendResult{0, 0};
        return AppendResult{after->size - data.size(), after->version};
    }
    // A conditional append without the extension: rewrite the whole value if it is still the one whose size was
    // checked (compare-version), and start over if another writer replaced it with one of the same size.
    require(impl, TOTE_CAP_COMPARE_VERSION | TOTE_CAP_CREATE_ONLY, true, "conditional append", key);
    for (int attempt = 0;; ++attempt) {
        Stat current;
        std::optional<std::string> value;
        try {
            value = detail::raw::read(impl, key, &current);
        } catch (const Error& e) {
            if (e.status() != Status::not_found) throw;
        }
        const uint64_t size = value ? value->size() : 0;
        if (size != *options.if_size)
            throw Error(Status::precondition_failed,
                        std::string(status_name(Status::precondition_failed)) + ": " + describe("append", key, impl.url) +
                            ": the value is " + std::to_string(size) + " bytes long, not " +
                            std::to_string(*options.if_size));
        WriteOptions rewrite;
        if (value) {
            rewrite.if_version = current.version;
            rewrite.expires_ns = (impl.capabilities() & TOTE_CAP_EXPIRY) ? current.expires_ns : 0;
        } else {
            rewrite.create_only = true;
        }
        try {
            const uint64_t version = detail::raw::write(impl, key, value ? *value + std::string(data) : std::string(data), rewrite);
            return AppendResult{size, version};
        } catch (const Error& e) {
            const bool raced = e.status() == Status::precondition_failed || e.status() == Status::already_exists;
            if (!raced || attempt >= 16) throw;
        }
    }
}

void Store::write_batch(const std::vector<BatchWrite>& writes) {
    for (const BatchWrite& w : writes) {
        detail::validate_key(w.key);
        check_write(*impl_, w.key, w.options);
    }
    const tote_batch_ext* batch = impl_->ext().batch;
    if (!batch) {  // no atomic batch: one write at a time, stopping at the first failure
        for (size_t i = 0; i < writes.size(); ++i) {
            try {
                write(writes[i].key, writes[i].value, writes[i].options);
            } catch (const Error& e) {
                throw Error(e.status(), std::string(e.what()) + " (batch write #" + std::to_string(i) + " of " +
                                            std::to_string(writes.size()) + "; the writes before it were kept)");
            }
        }
        return;
    }
    std::vector<tote_write_op> ops;
    std::vector<const tote_write_op*> pointers;
    ops.reserve(writes.size());
    pointers.reserve(writes.size());
    for (const BatchWrite& w : writes) {
        ops.push_back(make_op(*impl_, w.key, w.value, w.options));
        pointers.push_back(&ops.back());
    }
    size_t failed = writes.size();
    Call call = impl_->call();
    tote_status status = invoke(*impl_, call, [&](tote_store* h, const tote_call* c) {
        return batch->write_batch(h, c, pointers.data(), pointers.size(), &failed);
    });
    if (status == TOTE_OK) return;
    std::string what = "atomic batch of " + std::to_string(writes.size()) + " writes in " + impl_->url;
    if (failed < writes.size()) what += " (write #" + std::to_string(failed) + ", key " + quote(writes[failed].key) + ")";
    call.fail(status, what + "; nothing was written");
}

bool Store::batch_removes_atomically() const { return impl_->batch_removes; }

void Store::remove_batch(const std::vector<std::string>& keys) {
    for (const std::string& key : keys) detail::validate_key(key);
    require(*impl_, TOTE_CAP_WRITE, true, "remove", keys.empty() ? std::string_view() : keys.front());
    if (!batch_removes_atomically()) {  // one remove at a time, in order, stopping at the first failure
        for (size_t i = 0; i < keys.size(); ++i) {
            try {
                remove(keys[i]);
            } catch (const Error& e) {
                throw Error(e.status(), std::string(e.what()) + " (batch remove #" + std::to_string(i) + " of " +
                                            std::to_string(keys.size()) + "; the removals before it were kept)");
            }
        }
        return;
    }
    std::vector<tote_write_op> ops(keys.size());
    std::vector<const tote_write_op*> pointers;
    pointers.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
        ops[i].struct_size = sizeof ops[i];
        ops[i].flags = TOTE_WRITE_REMOVE;
        ops[i].key = keys[i].data();
        ops[i].key_len = keys[i].size();
        ops[i].value = "";
        pointers.push_back(&ops[i]);
    }
    size_t failed = keys.size();
    Call call = impl_->call();
    const tote_batch_ext* batch = impl_->ext().batch;
    tote_status status = invoke(*impl_, call, [&](tote_store* h, const tote_call* c) {
        return batch->write_batch(h, c, pointers.data(), pointers.size(), &failed);
    });
    if (status == TOTE_OK) return;
    std::string what = "atomic batch of " + std::to_string(keys.size()) + " removals in " + impl_->url;
    if (failed < keys.size()) what += " (removal #" + std::to_string(failed) + ", key " + quote(keys[failed]) + ")";
    call.fail(status, what + "; nothing was removed");
}

std::optional<Stat> Store::stat(std::string_view key) const { return detail::raw::stat(*impl_, CheckedKey(key)); }

bool Store::exists(std::string_view key) const {
    auto st = stat(key);
    return st && st->kind == Kind::key;
}

void Store::list(std::string_view prefix, const ListOptions& options,
                 const std::function<bool(const Entry&)>& on_entry) const {
    const std::string normalized = detail::normalize_prefix(prefix);
    // At the root, the host's own records (.tote/…) are not the user's keys: leave them out.
    detail::raw::list(*impl_, normalized, options, on_entry, normalized.empty());
}

std::vector<Entry> Store::list(std::string_view prefix, const ListOptions& options) const {
    std::vector<Entry> entries;
    list(prefix, options, [&](const Entry& e) {
        entries.push_back(e);
        return true;
    });
    return entries;
}

bool Store::remove(std::string_view key, bool recursive) {
    return detail::raw::remove(*impl_, CheckedKey(key), recursive);
}

void Store::rename(std::string_view from_view, std::string_view to_view, bool replace) {
    const CheckedKey from_checked(from_view);
    const std::string_view from = from_checked;
    const CheckedKey to_checked(to_view);
    const std::string_view to = to_checked;
    require(*impl_, TOTE_CAP_RENAME, true, "rename", from);
    invoke_checked(*impl_,
                   [&](tote_store* h, const tote_call* c) {
                       return impl_->table().rename(h, c, from.data(), from.size(), to.data(), to.size(),
                                                    replace ? 0 : TOTE_RENAME_NO_REPLACE);
                   },
                   [&] { return "rename " + quote(from) + " to " + quote(to) + " in " + impl_->url; });
}

std::string Store::info() const {
    // The backend describes the store, under any layers (they hold no data of their own): its table, its handle,
    // called under the layered store's lock (which covers every store below it).
    const Impl& bottom = impl_->bottom();
    const tote_admin_ext* admin = bottom.extensions.admin;
    if (admin == nullptr || admin->info == nullptr)
        throw Error(Status::unsupported, "unsupported: info of " + impl_->url + ": the " + bottom.plugin->info.name +
                                             " plugin describes no store (it offers no " TOTE_EXT_ADMIN " info)");
    StringSink sink;
    tote_store* const handle = bottom.handle;
    invoke_checked(*impl_, [&](tote_store*, const tote_call* c) { return admin->info(handle, c, &append_to_string, &sink); },
                   [&] { return "info of " + impl_->url; });
    const nlohmann::json parsed = nlohmann::json::parse(sink.value, nullptr, false);
    if (!parsed.is_object())
        throw Error(Status::internal, "internal error: info of " + impl_->url + ": the " + bottom.plugin->info.name +
                                          " plugin's description is not a JSON object: " + sink.value.substr(0, 200));
    return std::move(sink.value);
}

}  // namespace tote
