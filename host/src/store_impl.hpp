// SPDX-License-Identifier: Apache-2.0
// store_impl.hpp — what a tote::Store holds: the plugin, its open store handle, and the serialising mutex for
// plugins that are not thread-safe; and invoke(), the one way a plugin operation is called. Shared by host.cpp
// (which opens), store.cpp (which operates) and lock.cpp.
#ifndef TOTE_HOST_STORE_IMPL_HPP
#define TOTE_HOST_STORE_IMPL_HPP

#include "call.hpp"
#include "loader.hpp"

#include <tote/store.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tote {

struct Store::Impl {
    // Whose functions are called with handle: the backend's, or for a layered store the outermost layer's.
    std::shared_ptr<const detail::LoadedPlugin> plugin;
    tote_store* handle = nullptr;
    std::string url;  // with any password replaced by "***"; layered: "zstd::sqlite:///x"
    std::map<std::string, std::string> options;  // the backend options it was opened with, as text
    bool read_only = false;
    bool serialised = true;  // the store is not thread-safe: one call at a time
    // What the store offers: the plugin's own for a backend; for a layer, derived from the store below
    // (tote/ext/layer.h): capabilities and extensions only where both have them.
    uint64_t caps = 0;
    detail::Extensions extensions;
    std::vector<std::string> extension_ids;  // of extensions, sorted
    bool batch_removes = false;              // extensions.batch takes TOTE_WRITE_REMOVE ops (ABI 1.1)
    // A layer's store below, closed after this one (members are destroyed after the destructor's body), and the
    // view of it the layer was given (it must outlive the layer's store).
    std::shared_ptr<Impl> inner;
    tote_inner_store inner_view{};
    std::mutex mutex;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (handle) plugin->descriptor->close(handle);
    }

    const tote_plugin& table() const { return *plugin->descriptor; }
    const detail::Extensions& ext() const { return extensions; }
    uint64_t capabilities() const { return caps; }  // only bits the host's ABI version knows
    std::unique_lock<std::mutex> lock() {
        return serialised ? std::unique_lock<std::mutex>(mutex) : std::unique_lock<std::mutex>();
    }
    detail::Call call() const { return detail::Call(plugin->host_abi); }
    // The backend at the bottom of the stack.
    const Impl& bottom() const { return inner ? inner->bottom() : *this; }
};

namespace detail {

// One operation of the plugin: fn(handle, call) runs under the store's lock when the plugin is not thread-safe.
// Returns the status; the plugin's message stays in call.
template <class Fn> tote_status invoke(Store::Impl& impl, const Call& call, Fn&& fn) {
    auto lock = impl.lock();
    return fn(impl.handle, call.get());
}

// The same, throwing the Error for a failure; what() names the operation ("read 'a' in json:///x") and is only
// built on failure.
template <class Fn, class What> void invoke_checked(Store::Impl& impl, Fn&& fn, What&& what) {
    Call call = impl.call();
    call.check(invoke(impl, call, fn), what);
}

}  // namespace detail

// The operations on keys that are already valid — user keys checked by Store's methods, or the host's own keys
// under ".tote/" (locks), which user keys may not name. Keys must be NUL-terminated at key[size()] (the ABI
// promises plugins that). Each throws tote::Error like the Store method of the name.
namespace detail::raw {
std::string read(Store::Impl& impl, std::string_view key, Stat* stat);
std::optional<Stat> stat(Store::Impl& impl, std::string_view key);
uint64_t write(Store::Impl& impl, std::string_view key, std::string_view value, const WriteOptions& options);
bool remove(Store::Impl& impl, std::string_view key, bool recursive);
void list(Store::Impl& impl, const std::string& prefix, const ListOptions& options,
          const std::function<bool(const Entry&)>& on_entry, bool hide_host_keys = false);
}  // namespace detail::raw

}  // namespace tote

#endif  // TOTE_HOST_STORE_IMPL_HPP
