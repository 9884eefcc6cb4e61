// SPDX-License-Identifier: Apache-2.0
// first_party_layer.hpp — what the first-party layers (plugins/{zstd,checksum,cache,metrics,fault}) share
// (internal, like first_party.hpp).
#ifndef TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP
#define TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP

#include <tote/layer.hpp>

#include <string>
#include <vector>

namespace tote::first_party {

// What a layer that can pass every operation through declares: the host offers a layered store only those the
// store below has too (tote/ext/layer.h), so declaring them all costs nothing where the store below lacks one.
constexpr uint64_t kLayerCapabilities = TOTE_CAP_WRITE | TOTE_CAP_APPEND | TOTE_CAP_LIST | TOTE_CAP_RENAME |
                                        TOTE_CAP_CREATE_ONLY | TOTE_CAP_COMPARE_VERSION | TOTE_CAP_ATOMIC_BATCH |
                                        TOTE_CAP_THREAD_SAFE | TOTE_CAP_EXPIRY;

// The batch ops passed down whole, each written value replaced by encode(value) (removes go down as they are).
template <class Encode>
void write_batch_encoded(const plugin::Inner& inner, const std::vector<plugin::WriteOp>& ops, size_t& failed_index,
                         Encode&& encode) {
    std::vector<std::string> stored;
    stored.reserve(ops.size());  // no reallocation: the ops below point into these strings
    std::vector<plugin::WriteOp> encoded = ops;
    for (plugin::WriteOp& op : encoded) {
        if (op.remove()) continue;
        stored.push_back(encode(op.value));
        op.value = stored.back();
    }
    inner.write_batch(encoded, failed_index);
}

}  // namespace tote::first_party

#endif  // TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP
