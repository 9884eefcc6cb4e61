// store.cpp — tote::Store: key validation, capability and read-only checks, and the calls through the C vtable.
// Plugin memory never outlives a call: values arrive through a sink callback, entries through an entry callback.
#include "store_impl.hpp"

#include "call.hpp"
#include "key.hpp"

#include <cstring>
#include <exception>

namespace tote {

using detail::Call;
using detail::quote;

namespace {

std::string describe(std::string_view op, std::string_view key, const std::string& url) {
    return std::string(op) + " " + quote(key) + " in " + url;
}

tote_stat empty_stat() {
    tote_stat st{};
    st.struct_size = sizeof st;
    return st;
}

Stat to_stat(const tote_stat& st) {
    return Stat{st.kind == TOTE_KIND_PREFIX ? Kind::prefix : Kind::key, st.size, st.mtime_ns, st.version};
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

// A C++ callback behind a C callback: exceptions are parked and rethrown after the plugin returns.
template <class Fn> struct Trampoline {
    const Fn* fn;
    std::exception_ptr error;
};

int call_value_sink(void* ctx, const void* data, size_t len) {
    auto* t = static_cast<Trampoline<std::function<bool(std::string_view)>>*>(ctx);
    try {
        return (*t->fn)(std::string_view(static_cast<const char*>(data), len)) ? 0 : 1;
    } catch (...) {
        t->error = std::current_exception();
        return 1;
    }
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

int call_entry_sink(void* ctx, const tote_entry* entry) {
    auto* t = static_cast<EntryTrampoline*>(ctx);
    if (t->hide_host_keys && is_host_key(entry->key, entry->key_len)) return 0;
    try {
        t->entry.key.assign(entry->key, entry->key_len);
        t->entry.kind = entry->kind == TOTE_KIND_PREFIX ? Kind::prefix : Kind::key;
        return (*t->fn)(t->entry) ? 0 : 1;
    } catch (...) {
        t->error = std::current_exception();
        return 1;
    }
}

tote_write_op make_op(std::string_view key, std::string_view value, const WriteOptions& options) {
    tote_write_op op{};
    op.struct_size = sizeof op;
    op.key = key.data();
    op.key_len = key.size();
    op.value = value.data();
    op.value_len = value.size();
    if (options.create_only) op.flags |= TOTE_WRITE_CREATE_ONLY;
    if (options.if_version) {
        op.flags |= TOTE_WRITE_IF_VERSION;
        op.expected_version = *options.if_version;
    }
    return op;
}

void check_write_options(const WriteOptions& options, std::string_view key, const std::string& url) {
    if (options.create_only && options.if_version)
        throw Error(Status::invalid_argument, describe("write", key, url) + ": create_only and if_version exclude each other");
}

}  // namespace

Store::Store(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::url() const { return impl_->url; }
const std::map<std::string, std::string>& Store::options() const { return impl_->options; }
const PluginInfo& Store::plugin() const { return impl_->plugin->info; }
bool Store::read_only() const { return impl_->read_only; }
bool Store::supports(uint64_t capability) const { return (impl_->table().capabilities & capability) == capability; }
bool Store::batch_is_atomic() const { return impl_->plugin->batch != nullptr; }

namespace {

// Refuses an operation the store cannot do, before the plugin is called.
void require(const Store::Impl& impl, uint64_t capability, bool writes, std::string_view op, std::string_view key) {
    if (writes && impl.read_only)
        throw Error(Status::permission_denied, std::string(status_name(Status::permission_denied)) + ": " +
                                                   describe(op, key, impl.url) + ": the store is open read-only");
    if (capability != 0 && (impl.table().capabilities & capability) != capability)
        throw Error(Status::unsupported, std::string(status_name(Status::unsupported)) + ": " +
                                             describe(op, key, impl.url) + ": the " + impl.plugin->info.name +
                                             " plugin does not support " + std::string(op));
}

}  // namespace

// ---- the operations on valid keys, shared by Store's methods and the host's own records (lock.cpp) ----------------

namespace detail::raw {

std::string read(Store::Impl& impl, std::string_view key, Stat* stat) {
    StringSink sink;
    tote_stat st = empty_stat();
    Call call;
    tote_status status;
    {
        auto lock = impl.lock();
        status = impl.table().read(impl.handle, call.get(), key.data(), key.size(), &append_to_string, &sink,
                                   stat ? &st : nullptr);
    }
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
    tote_stat st = empty_stat();
    Call call;
    tote_status status;
    {
        auto lock = impl.lock();
        status = impl.table().stat(impl.handle, call.get(), key.data(), key.size(), &st);
    }
    if (status == TOTE_NOT_FOUND) return std::nullopt;
    call.check(status, [&] { return describe("stat", key, impl.url); });
    return to_stat(st);
}

uint64_t write(Store::Impl& impl, std::string_view key, std::string_view value, const WriteOptions& options) {
    require(impl, TOTE_CAP_WRITE, true, "write", key);
    check_write_options(options, key, impl.url);
    if (options.create_only) require(impl, TOTE_CAP_CREATE_ONLY, true, "create-only write", key);
    if (options.if_version) require(impl, TOTE_CAP_COMPARE_VERSION, true, "compare-version write", key);
    tote_write_op op = make_op(key, value, options);
    uint64_t version = 0;
    Call call;
    auto lock = impl.lock();
    call.check(impl.table().write(impl.handle, call.get(), &op, &version), [&] { return describe("write", key, impl.url); });
    return version;
}

bool remove(Store::Impl& impl, std::string_view key, bool recursive) {
    require(impl, TOTE_CAP_WRITE, true, "remove", key);
    Call call;
    tote_status status;
    {
        auto lock = impl.lock();
        status = impl.table().remove(impl.handle, call.get(), key.data(), key.size(),
                                     recursive ? TOTE_REMOVE_RECURSIVE : 0);
    }
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
    Call call;
    tote_status status;
    {
        auto lock = impl.lock();
        status = impl.table().list(impl.handle, call.get(), &params, &call_entry_sink, &t);
    }
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

void Store::read_to(std::string_view key_view, const std::function<bool(std::string_view)>& sink, Stat* stat) const {
    const CheckedKey checked(key_view);
    const std::string_view key = checked;
    Trampoline<std::function<bool(std::string_view)>> t{&sink, nullptr};
    tote_stat st = empty_stat();
    Call call;
    tote_status status;
    {
        auto lock = impl_->lock();
        status = impl_->table().read(impl_->handle, call.get(), key.data(), key.size(), &call_value_sink, &t,
                                     stat ? &st : nullptr);
    }
    if (t.error) std::rethrow_exception(t.error);
    call.check(status, [&] { return describe("read", key, impl_->url); });
    if (stat) *stat = to_stat(st);
}

uint64_t Store::write(std::string_view key, std::string_view value, const WriteOptions& options) {
    return detail::raw::write(*impl_, CheckedKey(key), value, options);
}

void Store::append(std::string_view key_view, std::string_view data) {
    const CheckedKey checked(key_view);
    const std::string_view key = checked;
    require(*impl_, TOTE_CAP_APPEND, true, "append", key);
    Call call;
    auto lock = impl_->lock();
    call.check(impl_->table().append(impl_->handle, call.get(), key.data(), key.size(), data.data(), data.size()),
               [&] { return describe("append", key, impl_->url); });
}

void Store::write_batch(const std::vector<BatchWrite>& writes) {
    for (const BatchWrite& w : writes) {
        detail::validate_key(w.key);
        require(*impl_, TOTE_CAP_WRITE, true, "write", w.key);
        check_write_options(w.options, w.key, impl_->url);
        if (w.options.create_only) require(*impl_, TOTE_CAP_CREATE_ONLY, true, "create-only write", w.key);
        if (w.options.if_version) require(*impl_, TOTE_CAP_COMPARE_VERSION, true, "compare-version write", w.key);
    }
    if (!impl_->plugin->batch) {  // no atomic batch: one write at a time, stopping at the first failure
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
        ops.push_back(make_op(w.key, w.value, w.options));
        pointers.push_back(&ops.back());
    }
    size_t failed = writes.size();
    Call call;
    tote_status status;
    {
        auto lock = impl_->lock();
        status = impl_->plugin->batch->write_batch(impl_->handle, call.get(), pointers.data(), pointers.size(), &failed);
    }
    if (status == TOTE_OK) return;
    std::string what = "atomic batch of " + std::to_string(writes.size()) + " writes in " + impl_->url;
    if (failed < writes.size()) what += " (write #" + std::to_string(failed) + ", key " + quote(writes[failed].key) + ")";
    call.fail(status, what + "; nothing was written");
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
    Call call;
    auto lock = impl_->lock();
    call.check(impl_->table().rename(impl_->handle, call.get(), from.data(), from.size(), to.data(), to.size(),
                                     replace ? 0 : TOTE_RENAME_NO_REPLACE),
               [&] { return "rename " + quote(from) + " to " + quote(to) + " in " + impl_->url; });
}

}  // namespace tote
