// SPDX-License-Identifier: Apache-2.0
// first_party_layer.hpp — what the first-party layers (plugins/{zstd,checksum,cache,metrics,fault}) share
// (internal, like first_party.hpp).
#ifndef TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP
#define TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP

#include <tote/layer.hpp>

#include <optional>
#include <string>
#include <string_view>
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

// For a layer whose stat() must look at the stored bytes (the size of a decoded value): the bytes of key and its
// stat in one read of the store below, or, where key is not a key (a prefix; or nothing: not_found is thrown), its
// stat alone. Reading first makes a stat of a key one call below, not a stat and a read.
inline std::optional<std::string> read_if_key(const plugin::Inner& inner, std::string_view key, plugin::Stat& st) {
    try {
        return inner.read(key, &st);
    } catch (const plugin::Error& e) {
        if (e.status() != TOTE_NOT_FOUND) throw;
    }
    st = inner.stat(key);  // a prefix (not_found from a read), or not_found here too
    return std::nullopt;
}

}  // namespace tote::first_party

#endif  // TOTE_PLUGINS_COMMON_FIRST_PARTY_LAYER_HPP
