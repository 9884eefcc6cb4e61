// SPDX-License-Identifier: Apache-2.0
// layer.hpp — opening a layer plugin (tote/ext/layer.h) over an open store, and what the layered store offers.
#ifndef TOTE_HOST_LAYER_HPP
#define TOTE_HOST_LAYER_HPP

#include "config.hpp"
#include "store_impl.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tote::detail {

// Opens layer over below and returns the layered store, which owns below from then on. options are the layer's
// (checked against its option list; owner names them in messages), url the layered URL ("zstd::sqlite:///x"),
// inner_url below's real URL (the layer's location), flags the stack's TOTE_OPEN_* flags, what the start of an
// error message. Throws tote::Error.
std::shared_ptr<Store::Impl> open_layer(std::shared_ptr<Store::Impl> below, std::shared_ptr<const LoadedPlugin> layer,
                                        const std::vector<OptionSetting>& options, const std::string& owner,
                                        const std::string& url, const std::string& inner_url, uint32_t flags,
                                        const std::string& what);

// Asks layer to check its option values (tote_layer_ext.check_options) before anything of the stack opens; the
// arguments are as for open_layer. Does nothing for a layer without that function. Throws tote::Error.
void check_layer_options(const LoadedPlugin& layer, const std::vector<OptionSetting>& options, const std::string& owner,
                         const std::string& url, const std::string& inner_url, uint32_t flags, const std::string& what);

}  // namespace tote::detail

#endif  // TOTE_HOST_LAYER_HPP
