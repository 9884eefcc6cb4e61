// loader.hpp — loading one plugin library and checking its descriptor against ABI 1.
#ifndef TOTE_HOST_LOADER_HPP
#define TOTE_HOST_LOADER_HPP

#include <tote/ext/batch.h>
#include <tote/plugin_info.hpp>
#include <tote/tote_plugin.h>

#include <filesystem>
#include <memory>
#include <string>

namespace tote::detail {

// A plugin that passed every check. The library behind it is never unloaded, so the descriptor stays valid.
struct LoadedPlugin {
    PluginInfo info;
    const tote_plugin* descriptor = nullptr;
    const tote_batch_ext* batch = nullptr;  // set when the plugin offers "tote.batch/1"
};

struct LoadResult {
    std::shared_ptr<const LoadedPlugin> plugin;  // set on success
    std::string refusal;                         // set on failure: why, without the path
};

// dlopen (RTLD_NOW | RTLD_LOCAL, through Boost.DLL), find the entry symbol, call it, check the descriptor.
LoadResult load_plugin(const std::filesystem::path& file);

// The descriptor checks alone: "" if d is usable, else the reason. Exposed for tests.
std::string check_descriptor(const tote_plugin* d);

}  // namespace tote::detail

#endif  // TOTE_HOST_LOADER_HPP
