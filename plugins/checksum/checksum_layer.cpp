// SPDX-License-Identifier: Apache-2.0
// checksum_layer.cpp — the "checksum" layer: every value is stored in checksummed frames (checksum_frames.hpp) and
// checked on every read, so a value damaged below the layer reads as TOTE_CORRUPT naming the key, never as wrong
// data. Writes are one frame; appends add one, so they stay appends. Everything else passes through.
#include "checksum_frames.hpp"

#include <first_party_layer.hpp>
#include <tote/layer.hpp>

namespace {

using tote::plugin::Error;
using tote::plugin::Inner;
using tote::plugin::Stat;

class ChecksumLayer : public tote::plugin::Layer<ChecksumLayer> {
public:
    explicit ChecksumLayer(Inner inner) : inner_(std::move(inner)) {}

    static std::unique_ptr<ChecksumLayer> open_layer(const tote::plugin::OpenParams&, Inner inner) {
        return std::make_unique<ChecksumLayer>(std::move(inner));
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, Stat* stat) {
        Stat st;
        const std::string stored = inner_.read(key, &st);
        std::string data;
        check(key, tote::checksum::decode(stored, &data));
        st.size = data.size();
        if (stat) *stat = st;
        sink.write(data);
    }

    // The size is the data's, so the value is read (its frames walked, not checked: reads check).
    Stat stat(std::string_view key) {
        Stat st;
        const std::optional<std::string> stored = tote::first_party::read_if_key(inner_, key, st);
        if (stored) check(key, tote::checksum::data_size(*stored, st.size));
        return st;
    }

    uint64_t write(const tote::plugin::WriteOp& op) {
        tote::plugin::WriteOp framed = op;
        const std::string stored = tote::checksum::frame(op.value);
        framed.value = stored;
        return inner_.write(framed);
    }

    // One more frame (an empty one for empty data: an absent key is still created, as a plain append does).
    void append(std::string_view key, std::string_view data) { inner_.append(key, tote::checksum::frame(data)); }

    void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index) {
        tote::first_party::write_batch_encoded(inner_, ops, failed_index,
                                               [](std::string_view value) { return tote::checksum::frame(value); });
    }
    static constexpr bool batch_removes = true;  // offered upward only where the store below takes them

    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) { inner_.list(params, out); }
    void remove(std::string_view key, bool recursive) { inner_.remove(key, recursive); }
    void rename(std::string_view from, std::string_view to, bool replace) { inner_.rename(from, to, replace); }

private:
    static void check(std::string_view key, const std::string& problem) {
        if (!problem.empty())
            throw Error(TOTE_CORRUPT, "checksum: the value of '" + std::string(key) + "' is damaged (" + problem +
                                          "): changed below the checksum layer, or written without it");
    }

    Inner inner_;
};

const char* const kNames[] = {"checksum", nullptr};

}  // namespace

TOTE_LAYER_ENTRY(ChecksumLayer,
                 (tote::plugin::Descriptor{"checksum", TOTE_VERSION,
                                           "layer: an XXH3 checksum per value, checked on every read",
                                           kNames,
                                           tote::first_party::kLayerCapabilities,
                                           TOTE_LOCATION_URL, nullptr}))
