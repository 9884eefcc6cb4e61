// SPDX-License-Identifier: Apache-2.0
// loader.hpp — loading one plugin library and checking its descriptor against ABI 1.
#ifndef TOTE_HOST_LOADER_HPP
#define TOTE_HOST_LOADER_HPP

#include <tote/ext/admin.h>
#include <tote/ext/append.h>
#include <tote/ext/batch.h>
#include <tote/ext/layer.h>
#include <tote/ext/list_batch.h>
#include <tote/ext/query.h>
#include <tote/ext/read_range.h>
#include <tote/plugin_info.hpp>
#include <tote/tote_plugin.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tote::detail {

// The extension tables a plugin serves, each checked (large enough, functions set); nullptr where not offered.
struct Extensions {
    const tote_batch_ext* batch = nullptr;            // "tote.batch/1"
    const tote_read_range_ext* read_range = nullptr;  // "tote.read_range/1"
    const tote_append_ext* append = nullptr;          // "tote.append/1"
    const tote_admin_ext* admin = nullptr;            // "tote.admin/1"
    const tote_list_batch_ext* list_batch = nullptr;  // "tote.list_batch/1"
    const tote_query_ext* query = nullptr;            // "tote.query/1"
    const tote_layer_ext* layer = nullptr;            // "tote.layer/1": the plugin is a layer, not a backend
};

// The ids of the extensions in ext, sorted.
std::vector<std::string> extension_ids(const Extensions& ext);

// A plugin that passed every check. The library behind it is never unloaded, so the descriptor stays valid.
struct LoadedPlugin {
    PluginInfo info;  // info.capabilities holds only the bits the host's ABI version knows
    const tote_plugin* descriptor = nullptr;
    Extensions ext;
    uint32_t host_abi = TOTE_ABI_VERSION;  // what the host announced to it, and speaks with it

};

struct LoadResult {
    std::shared_ptr<const LoadedPlugin> plugin;  // set on success
    std::string refusal;                         // set on failure: why, without the path
};

// dlopen (RTLD_NOW | RTLD_LOCAL, through Boost.DLL), find the entry symbol, call it with host_abi, check the
// descriptor and the extensions a host of that version asks for.
LoadResult load_plugin(const std::filesystem::path& file, uint32_t host_abi = TOTE_ABI_VERSION);

// The descriptor checks alone: "" if d is usable, else the reason. Exposed for tests.
std::string check_descriptor(const tote_plugin* d, uint32_t host_abi = TOTE_ABI_VERSION);

}  // namespace tote::detail

#endif  // TOTE_HOST_LOADER_HPP
