// SPDX-License-Identifier: Apache-2.0
// store_find.cpp — Store::find(): a filter over the JSON documents under a prefix, asked of the plugin's
// "tote.query/1" when it offers it, and otherwise (or when the plugin declines the filter) evaluated by the host:
// keys listed a block at a time, each value read and matched by the shared reference evaluator (host/query).
#include "store_impl.hpp"

#include "evaluate.hpp"
#include "filter.hpp"
#include "key.hpp"

#include <cstring>
#include <exception>

namespace tote {

using detail::Call;
using detail::invoke;

namespace {

// Keys listed per block by the host's evaluation. The values are read after each block's listing, never from
// inside it: the ABI does not promise that a plugin may be called again from within its own callback (one that
// holds a lock while it lists would deadlock), and a plugin that is not thread-safe runs one call at a time. A
// large block, because resuming a listing after a key may cost the plugin a fresh walk (json reads and sorts the
// directory again); 65,536 keys are a few MiB.
constexpr size_t kBlock = 65536;

bool is_host_key(std::string_view key) { return key.size() >= 6 && key.compare(0, 6, ".tote/") == 0; }

using MatchFn = std::function<bool(std::string_view key, std::string_view value)>;

// The caller's callback behind the C one: counts matches, hides the host's records at the root, enforces the
// limit, and parks exceptions until the plugin returns.
struct MatchTrampoline {
    const MatchFn* fn;
    bool hide_host_keys;
    uint64_t limit;
    uint64_t delivered = 0;
    bool called = false;  // the plugin called on_match at least once (it may no longer decline)
    std::exception_ptr error;
};

int call_match(void* ctx, const char* key, size_t key_len, const void* value, size_t value_len) {
    auto* t = static_cast<MatchTrampoline*>(ctx);
    t->called = true;
    const std::string_view k(key, key_len);
    if (t->hide_host_keys && is_host_key(k)) return 0;
    try {
        ++t->delivered;
        if (!(*t->fn)(k, std::string_view(static_cast<const char*>(value), value_len))) return 1;
    } catch (...) {
        t->error = std::current_exception();
        return 1;
    }
    return t->limit != 0 && t->delivered >= t->limit ? 1 : 0;
}

// Asks the plugin. Returns false if it declined the filter (TOTE_UNSUPPORTED before any match).
bool find_natively(Store::Impl& impl, const std::string& prefix, const Filter& filter, const FindOptions& options,
                   const MatchFn& on_match) {
    const std::string text = filter.text();
    const bool hide = prefix.empty();
    tote_query_params params{};
    params.struct_size = sizeof params;
    params.flags = options.recursive ? TOTE_QUERY_RECURSIVE : 0;
    params.prefix = prefix.c_str();
    params.prefix_len = prefix.size();
    params.start_after = options.start_after.c_str();
    params.start_after_len = options.start_after.size();
    params.filter = text.c_str();
    params.filter_len = text.size();
    // At the root the host leaves out its own records after the plugin matched them, so it counts the limit.
    params.limit = hide ? 0 : options.limit;
    MatchTrampoline t{&on_match, hide, options.limit, 0, false, nullptr};
    Call call = impl.call();
    const tote_status status = invoke(impl, call, [&](tote_store* h, const tote_call* c) {
        return impl.ext().query->query(h, c, &params, &call_match, &t);
    });
    if (t.error) std::rethrow_exception(t.error);
    if (status == TOTE_UNSUPPORTED && !t.called) return false;
    call.check(status, [&] { return "find under " + detail::quote(prefix) + " in " + impl.url; });
    return true;
}

void find_by_reading(const Store& store, const std::string& prefix, const query::Node& filter,
                     const FindOptions& options, const MatchFn& on_match) {
    uint64_t delivered = 0;
    // One value: false once the caller has what it wants.
    const auto look_at = [&](const std::string& key) {
        const std::optional<std::string> value = store.try_read(key);  // nullopt: removed since it was listed
        if (!value || !query::matches_value(filter, *value)) return true;
        if (!on_match(key, *value)) return false;
        return options.limit == 0 || ++delivered < options.limit;
    };
    std::string after = options.start_after;
    std::vector<std::string> keys;
    while (true) {
        keys.clear();
        size_t entries = 0;
        store.list(prefix, ListOptions{options.recursive, after}, [&](const Entry& e) {
            if (e.kind == Kind::key) keys.push_back(e.key);
            after = e.key;
            return ++entries < kBlock;
        });
        for (const std::string& key : keys)
            if (!look_at(key)) return;
        if (entries < kBlock) return;
    }
}

}  // namespace

void Store::find(std::string_view prefix, const Filter& filter, const FindOptions& options,
                 const MatchFn& on_match) const {
    const std::string normalized = detail::normalize_prefix(prefix);
    Impl& impl = *impl_;
    if (!supports(TOTE_CAP_LIST))
        throw Error(Status::unsupported, "unsupported: find under " + detail::quote(normalized) + " in " + impl.url +
                                             ": the plugin cannot list keys");
    if (impl.ext().query && find_natively(impl, normalized, filter, options, on_match)) return;
    query::Node compiled;
    try {
        compiled = query::compile(filter.canonical());
    } catch (const query::FilterError& e) {
        throw Error(Status::invalid_argument, e.what());
    }
    find_by_reading(*this, normalized, compiled, options, on_match);
}

std::vector<Match> Store::find(std::string_view prefix, const Filter& filter, const FindOptions& options) const {
    std::vector<Match> matches;
    find(prefix, filter, options, [&](std::string_view key, std::string_view value) {
        matches.push_back(Match{std::string(key), std::string(value)});
        return true;
    });
    return matches;
}

}  // namespace tote
