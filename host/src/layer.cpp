// SPDX-License-Identifier: Apache-2.0
// layer.cpp — a layered store is a Store::Impl like any other, whose plugin is the layer and whose inner is the
// store below. The host, not the layer, decides what it offers (tote/ext/layer.h): a capability or extension only
// where the layer and the store below both have it, so the layer never gets a call the store below cannot serve.
#include "layer.hpp"

#include "options.hpp"
#include "url.hpp"

#include <cstring>

namespace tote::detail {

namespace {

// The store below's extension table for id, as the host itself would use it (masked, checked). The host_data of
// the view is the Store::Impl below.
const void* inner_extension(const tote_inner_store* inner, const char* id) noexcept {
    if (inner == nullptr || id == nullptr) return nullptr;
    const Extensions& e = static_cast<const Store::Impl*>(inner->host_data)->extensions;
    const std::pair<const void*, const char*> tables[] = {
        {e.admin, TOTE_EXT_ADMIN}, {e.append, TOTE_EXT_APPEND},         {e.batch, TOTE_EXT_BATCH},
        {e.query, TOTE_EXT_QUERY}, {e.list_batch, TOTE_EXT_LIST_BATCH}, {e.read_range, TOTE_EXT_READ_RANGE},
    };
    for (const auto& [table, name] : tables)
        if (std::strcmp(id, name) == 0) return table;
    return nullptr;
}

template <class T> const T* both(const T* layer, const void* below) { return below != nullptr ? layer : nullptr; }

}  // namespace

namespace {

tote_open_params layer_params(const std::vector<tote_option_value>& values, const std::string& url,
                              const std::string& inner_url, uint32_t flags) {
    tote_open_params params{};
    params.struct_size = sizeof params;
    params.flags = flags;
    params.url = url.c_str();
    params.location = inner_url.c_str();
    params.options = values.data();
    params.option_count = values.size();
    return params;
}

}  // namespace

void check_layer_options(const LoadedPlugin& layer, const std::vector<OptionSetting>& options, const std::string& owner,
                         const std::string& url, const std::string& inner_url, uint32_t flags, const std::string& what) {
    const tote_layer_ext* ext = layer.ext.layer;
    // Added at the end of tote.layer/1: a layer built before it has a table too short to hold it.
    if (ext->struct_size < offsetof(tote_layer_ext, check_options) + sizeof ext->check_options ||
        ext->check_options == nullptr)
        return;
    const std::vector<tote_option_value> values = check_options(options, layer.info, owner);
    const tote_open_params params = layer_params(values, url, inner_url, flags);
    Call call(layer.host_abi);
    call.check(ext->check_options(&params, call.get()), [&] { return what; });
}

std::shared_ptr<Store::Impl> open_layer(std::shared_ptr<Store::Impl> below, std::shared_ptr<const LoadedPlugin> layer,
                                        const std::vector<OptionSetting>& options, const std::string& owner,
                                        const std::string& url, const std::string& inner_url, uint32_t flags,
                                        const std::string& what) {
    const std::vector<tote_option_value> values = check_options(options, layer->info, owner);
    auto impl = std::make_shared<Store::Impl>();
    impl->plugin = layer;
    impl->url = redact_url(url);
    impl->options = below->options;

    impl->caps = layered_capabilities(layer->info.capabilities, below->caps);
    const Extensions& mine = layer->ext;
    const Extensions& theirs = below->extensions;
    Extensions& ext = impl->extensions;
    ext.admin = theirs.admin;  // the backend's, called on its own handle (Store::info, Host::drop): layers hold no data
    ext.append = (impl->caps & TOTE_CAP_APPEND) ? both(mine.append, theirs.append) : nullptr;
    ext.batch = (impl->caps & TOTE_CAP_ATOMIC_BATCH) ? both(mine.batch, theirs.batch) : nullptr;
    ext.list_batch = (impl->caps & TOTE_CAP_LIST) ? both(mine.list_batch, theirs.list_batch) : nullptr;
    ext.query = (impl->caps & TOTE_CAP_LIST) ? both(mine.query, theirs.query) : nullptr;
    ext.read_range = both(mine.read_range, theirs.read_range);
    impl->extension_ids = extension_ids(ext);
    const tote_batch_ext* batch = ext.batch;
    impl->batch_removes = below->batch_removes && batch != nullptr &&
                          batch->struct_size >= offsetof(tote_batch_ext, flags) + sizeof batch->flags &&
                          (batch->flags & TOTE_BATCH_REMOVES) != 0;
    impl->read_only = below->read_only || !(impl->caps & TOTE_CAP_WRITE);
    impl->serialised = !(impl->caps & TOTE_CAP_THREAD_SAFE);

    tote_inner_store& view = impl->inner_view;
    view.struct_size = sizeof view;
    view.plugin = below->plugin->descriptor;
    view.store = below->handle;
    view.capabilities = below->caps;
    view.url = below->url.c_str();  // redacted: it is for messages, and below outlives the view
    view.get_extension = &inner_extension;
    view.host_data = below.get();
    impl->inner = std::move(below);

    const tote_open_params params = layer_params(values, url, inner_url, flags);
    Call call(layer->host_abi);
    tote_store* handle = nullptr;
    call.check(layer->ext.layer->open_layer(&params, &impl->inner_view, call.get(), &handle), [&] { return what; });
    if (handle == nullptr) call.fail(TOTE_INTERNAL, what + ": the layer returned no store");
    impl->handle = handle;
    return impl;
}

}  // namespace tote::detail
