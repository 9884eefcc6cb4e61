// SPDX-License-Identifier: Apache-2.0
// totec.cpp — the C API (tote/totec.h) over tote::Host and tote::Store: every call caught at the edge, every
// failure turned into a tote_status and a malloc'd message, every value into malloc'd bytes the caller frees with
// totec_free(). Nothing C++ leaves this file.
#include <tote/totec.h>

#include <tote/tote.hpp>

#include "key.hpp"
#include "plugin_json.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

struct totec_host {
    tote::Host host;
};

struct totec_store {
    tote::Store store;
};

struct totec_lock {
    tote::Lock lock;
};

namespace {

char* copy_out(std::string_view text) {
    char* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out == nullptr) throw std::bad_alloc();
    if (!text.empty()) std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return out;
}

void set_error(char** error, std::string_view message) {
    if (error == nullptr) return;
    *error = static_cast<char*>(std::malloc(message.size() + 1));
    if (*error == nullptr) return;  // no memory for the message either: the status still says what happened
    std::memcpy(*error, message.data(), message.size());
    (*error)[message.size()] = '\0';
}

// Runs fn, turning whatever it throws into a status and a message.
template <class F> tote_status guarded(char** error, F&& fn) noexcept {
    try {
        fn();
        return TOTE_OK;
    } catch (const tote::Error& e) {
        set_error(error, e.what());
        return static_cast<tote_status>(e.status());
    } catch (const std::bad_alloc&) {
        set_error(error, "out of memory");
        return TOTE_NO_SPACE;
    } catch (const std::exception& e) {
        set_error(error, std::string("internal error: ") + e.what());
        return TOTE_INTERNAL;
    } catch (...) {
        set_error(error, "internal error: an unknown exception");
        return TOTE_INTERNAL;
    }
}

[[noreturn]] void invalid(const std::string& what) { throw tote::Error(tote::Status::invalid_argument, what); }

void require(const void* p, const char* what) {
    if (p == nullptr) invalid(std::string(what) + " is NULL");
}

std::string_view bytes(const char* p, size_t len, const char* what) {
    if (p == nullptr && len != 0) invalid(std::string(what) + " is NULL");
    return p == nullptr ? std::string_view() : std::string_view(p, len);
}

void fill(totec_stat* out, const tote::Stat& s) {
    if (out == nullptr) return;
    out->kind = s.kind == tote::Kind::key ? TOTE_KIND_KEY : TOTE_KIND_PREFIX;
    out->size = s.size;
    out->mtime_ns = s.mtime_ns;
    out->version = s.version;
    out->expires_ns = s.expires_ns;
}

tote::WriteOptions write_options(uint32_t flags, uint64_t expected_version, int64_t expires_ns) {
    if (flags & ~(TOTEC_WRITE_CREATE_ONLY | TOTEC_WRITE_IF_VERSION | TOTEC_WRITE_EXPIRES))
        invalid("unknown write flags");
    tote::WriteOptions o;
    o.create_only = (flags & TOTEC_WRITE_CREATE_ONLY) != 0;
    if (flags & TOTEC_WRITE_IF_VERSION) o.if_version = expected_version;
    if (flags & TOTEC_WRITE_EXPIRES) {
        if (expires_ns == 0) invalid("TOTEC_WRITE_EXPIRES with expires_ns 0");
        o.expires_ns = expires_ns;
    }
    return o;
}

void deliver(const std::string& value, void** out, size_t* len) {
    require(out, "value");
    char* copy = copy_out(value);
    *out = copy;
    if (len) *len = value.size();
}

}  // namespace

extern "C" {

void totec_free(void* p) { std::free(p); }

const char* totec_status_name(tote_status status) {
    return tote::status_minor(status) < 0 ? "unknown status" : tote::status_name(tote::status_from_code(status));
}

const char* totec_status_id(tote_status status) {
    return tote::status_minor(status) < 0 ? "unknown" : tote::status_id(tote::status_from_code(status));
}

const char* totec_version(void) { return tote::version(); }

tote_status totec_host_new(const totec_host_options* options, totec_host** out, char** error) {
    return guarded(error, [&] {
        require(out, "out");
        *out = nullptr;
        tote::HostOptions o;
        if (options != nullptr) {
            if (options->struct_size < sizeof(totec_host_options)) invalid("totec_host_options: struct_size too small");
            if (options->flags & ~(TOTEC_HOST_NO_ENVIRONMENT | TOTEC_HOST_NO_BUILTIN)) invalid("unknown host flags");
            o.use_environment = (options->flags & TOTEC_HOST_NO_ENVIRONMENT) == 0;
            o.builtin_plugins = (options->flags & TOTEC_HOST_NO_BUILTIN) == 0;
            if (options->config != nullptr) o.config_file = options->config;
            if (options->plugin_dir_count != 0) require(options->plugin_dirs, "plugin_dirs");
            for (size_t i = 0; i < options->plugin_dir_count; ++i) {
                require(options->plugin_dirs[i], "a plugin directory");
                o.plugin_dirs.emplace_back(options->plugin_dirs[i]);
            }
        }
        *out = new totec_host{tote::Host(o)};
    });
}

void totec_host_free(totec_host* host) { delete host; }

tote_status totec_host_plugins(totec_host* host, char** json, char** error) {
    return guarded(error, [&] {
        require(host, "host");
        require(json, "json");
        nlohmann::json doc{{"plugins", nlohmann::json::array()}, {"refused", nlohmann::json::array()}};
        for (const tote::PluginInfo& p : host->host.plugins()) doc["plugins"].push_back(tote::detail::to_json(p));
        for (const auto& r : host->host.refused())
            doc["refused"].push_back({{"path", r.path.string()}, {"reason", r.reason}});
        *json = copy_out(doc.dump());
    });
}

tote_status totec_open(totec_host* host, const char* store, uint32_t flags, const char* const* options,
                       totec_store** out, char** error) {
    return guarded(error, [&] {
        require(out, "out");
        *out = nullptr;
        require(host, "host");
        require(store, "store");
        if (flags & ~(TOTEC_OPEN_CREATE | TOTEC_OPEN_READ_ONLY)) invalid("unknown open flags");
        tote::OpenOptions o;
        o.create = (flags & TOTEC_OPEN_CREATE) != 0;
        o.read_only = (flags & TOTEC_OPEN_READ_ONLY) != 0;
        for (const char* const* p = options; p != nullptr && *p != nullptr; ++p) {
            const char* eq = std::strchr(*p, '=');
            if (eq == nullptr || eq == *p) invalid(std::string("option '") + *p + "' is not key=value");
            o.options[std::string(*p, eq)] = eq + 1;
        }
        *out = new totec_store{host->host.open(store, o)};
    });
}

void totec_close(totec_store* store) { delete store; }

const char* totec_store_url(const totec_store* store) { return store ? store->store.url().c_str() : ""; }

uint64_t totec_store_capabilities(const totec_store* store) {
    return store ? store->store.capabilities() : 0;
}

int totec_store_batch_is_atomic(const totec_store* store) {
    return store != nullptr && store->store.batch_is_atomic() ? 1 : 0;
}

tote_status totec_read(totec_store* store, const char* key, size_t key_len, void** value, size_t* len,
                       totec_stat* stat, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(value, "value");
        tote::Stat s;
        std::string v = store->store.read(bytes(key, key_len, "key"), &s);
        deliver(v, value, len);
        fill(stat, s);
    });
}

tote_status totec_read_to(totec_store* store, const char* key, size_t key_len, totec_bytes_fn sink, void* ctx,
                          totec_stat* stat, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(reinterpret_cast<const void*>(sink), "sink");
        tote::Stat s;
        store->store.read_to(
            bytes(key, key_len, "key"), [&](std::string_view piece) { return sink(ctx, piece.data(), piece.size()) == 0; },
            &s);
        fill(stat, s);
    });
}

tote_status totec_read_range(totec_store* store, const char* key, size_t key_len, uint64_t offset, uint64_t length,
                             void** value, size_t* len, totec_stat* stat, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(value, "value");
        tote::Stat s;
        std::string v = store->store.read_range(bytes(key, key_len, "key"), offset, length, &s);
        deliver(v, value, len);
        fill(stat, s);
    });
}

tote_status totec_write(totec_store* store, const char* key, size_t key_len, const void* value, size_t len,
                        const totec_write_options* options, uint64_t* new_version, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        const tote::WriteOptions o =
            options ? write_options(options->flags, options->expected_version, options->expires_ns) : tote::WriteOptions{};
        const uint64_t version =
            store->store.write(bytes(key, key_len, "key"), bytes(static_cast<const char*>(value), len, "value"), o);
        if (new_version) *new_version = version;
    });
}

tote_status totec_append(totec_store* store, const char* key, size_t key_len, const void* data, size_t len,
                         const uint64_t* if_size, uint64_t* offset, uint64_t* version, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        tote::AppendOptions o;
        if (if_size) o.if_size = *if_size;
        const tote::AppendResult r =
            store->store.append(bytes(key, key_len, "key"), bytes(static_cast<const char*>(data), len, "data"), o);
        if (offset) *offset = r.offset;
        if (version) *version = r.version;
    });
}

tote_status totec_get_stat(totec_store* store, const char* key, size_t key_len, totec_stat* out, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(out, "out");
        const std::string_view k = bytes(key, key_len, "key");
        std::optional<tote::Stat> s = store->store.stat(k);
        if (!s)
            throw tote::Error(tote::Status::not_found, "cannot stat " + tote::detail::quote(k) + " in " +
                                                           store->store.url() + ": not found");
        fill(out, *s);
    });
}

tote_status totec_remove(totec_store* store, const char* key, size_t key_len, uint32_t flags, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        if (flags & ~TOTEC_REMOVE_RECURSIVE) invalid("unknown remove flags");
        const std::string_view k = bytes(key, key_len, "key");
        if (!store->store.remove(k, (flags & TOTEC_REMOVE_RECURSIVE) != 0))
            throw tote::Error(tote::Status::not_found, "cannot remove " + tote::detail::quote(k) + " in " +
                                                           store->store.url() + ": nothing to remove");
    });
}

tote_status totec_rename(totec_store* store, const char* from, size_t from_len, const char* to, size_t to_len,
                         uint32_t flags, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        if (flags & ~TOTEC_RENAME_NO_REPLACE) invalid("unknown rename flags");
        store->store.rename(bytes(from, from_len, "from"), bytes(to, to_len, "to"),
                            (flags & TOTEC_RENAME_NO_REPLACE) == 0);
    });
}

tote_status totec_write_batch(totec_store* store, const totec_batch_op* ops, size_t count, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        if (count != 0) require(ops, "ops");
        std::vector<tote::BatchWrite> writes;
        std::vector<std::string> removes;
        for (size_t i = 0; i < count; ++i) {
            const totec_batch_op& op = ops[i];
            const std::string_view key = bytes(op.key, op.key_len, "key");
            if (op.flags & TOTEC_BATCH_REMOVE) {
                if (op.flags != TOTEC_BATCH_REMOVE) invalid("batch op #" + std::to_string(i) + ": a removal takes no other flag");
                removes.emplace_back(key);
            } else {
                writes.push_back({std::string(key), std::string(bytes(static_cast<const char*>(op.value), op.value_len, "value")),
                                  write_options(op.flags, op.expected_version, op.expires_ns)});
            }
        }
        if (!writes.empty()) store->store.write_batch(writes);
        if (!removes.empty()) store->store.remove_batch(removes);
    });
}

tote_status totec_list(totec_store* store, const char* prefix, size_t prefix_len, uint32_t flags,
                       const char* start_after, totec_entry_fn on_entry, void* ctx, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(reinterpret_cast<const void*>(on_entry), "on_entry");
        if (flags & ~TOTEC_LIST_RECURSIVE) invalid("unknown list flags");
        tote::ListOptions o;
        o.recursive = (flags & TOTEC_LIST_RECURSIVE) != 0;
        if (start_after) o.start_after = start_after;
        store->store.list(bytes(prefix, prefix_len, "prefix"), o, [&](const tote::Entry& e) {
            return on_entry(ctx, e.key.data(), e.key.size(), e.kind == tote::Kind::key ? TOTE_KIND_KEY : TOTE_KIND_PREFIX) == 0;
        });
    });
}

tote_status totec_find(totec_store* store, const char* prefix, size_t prefix_len, const char* filter, uint32_t flags,
                       uint64_t limit, totec_match_fn on_match, void* ctx, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(filter, "filter");
        require(reinterpret_cast<const void*>(on_match), "on_match");
        if (flags & ~TOTEC_LIST_RECURSIVE) invalid("unknown find flags");
        tote::FindOptions o;
        o.recursive = (flags & TOTEC_LIST_RECURSIVE) != 0;
        o.limit = limit;
        store->store.find(bytes(prefix, prefix_len, "prefix"), tote::Filter::parse(filter), o,
                          [&](std::string_view key, std::string_view value) {
                              return on_match(ctx, key.data(), key.size(), value.data(), value.size()) == 0;
                          });
    });
}

tote_status totec_lock_acquire(totec_store* store, const char* name, const char* owner, totec_lock** out, char** error) {
    return guarded(error, [&] {
        require(out, "out");
        *out = nullptr;
        require(store, "store");
        require(name, "name");
        tote::LockOptions o;
        if (owner) o.owner = owner;
        *out = new totec_lock{store->store.lock(name, o)};
    });
}

tote_status totec_lock_release(totec_lock* lock, char** error) {
    if (lock == nullptr) return TOTE_OK;
    const tote_status status = guarded(error, [&] { lock->lock.release(); });
    delete lock;
    return status;
}

tote_status totec_is_locked(totec_store* store, const char* name, int* held, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(name, "name");
        require(held, "held");
        *held = store->store.is_locked(name) ? 1 : 0;
    });
}

tote_status totec_break_lock(totec_store* store, const char* name, int* removed, char** error) {
    return guarded(error, [&] {
        require(store, "store");
        require(name, "name");
        const bool r = store->store.break_lock(name);
        if (removed) *removed = r ? 1 : 0;
    });
}

}  // extern "C"
