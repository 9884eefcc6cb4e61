// store_impl.hpp — what a tote::Store holds: the plugin, its open store handle, and the serialising mutex for
// plugins that are not thread-safe. Shared by host.cpp (which opens) and store.cpp (which operates).
#ifndef TOTE_HOST_STORE_IMPL_HPP
#define TOTE_HOST_STORE_IMPL_HPP

#include "loader.hpp"

#include <tote/store.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tote {

struct Store::Impl {
    std::shared_ptr<const detail::LoadedPlugin> plugin;
    tote_store* handle = nullptr;
    std::string url;  // with any password replaced by "***"
    std::map<std::string, std::string> options;  // the plugin options it was opened with, as text
    bool read_only = false;
    bool serialised = true;  // the plugin is not thread-safe: one call at a time
    std::mutex mutex;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (handle) plugin->descriptor->close(handle);
    }

    const tote_plugin& table() const { return *plugin->descriptor; }
    std::unique_lock<std::mutex> lock() {
        return serialised ? std::unique_lock<std::mutex>(mutex) : std::unique_lock<std::mutex>();
    }
};

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
