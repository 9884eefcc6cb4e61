// SPDX-License-Identifier: Apache-2.0
// json_readonly.cpp — "jsonro", a read-only plugin for the tests: the json plugin's reading half (read, ranged
// read, stat, list, info) behind a class with no write, remove, append or rename, declaring no TOTE_CAP_WRITE.
// It is what a third party's read-only source (an archive, a mirror, another tool's files) looks like to the
// host, and it reads the directory `tote plugin fixture json://DIR` writes — so `tote plugin check jsonro.so
// --fixture jsonro://DIR` exercises the read-only path of the suite end to end (tests/cli, conformance.jsonro).
#include "json_store.hpp"

#include <tote/plugin.hpp>

#include <memory>

namespace {

using tote::json_plugin::JsonStore;
namespace plugin = tote::plugin;

class ReadOnlyJson {
public:
    static std::unique_ptr<ReadOnlyJson> open(const plugin::OpenParams& params) {
        // The host opens a plugin without TOTE_CAP_WRITE read-only, and never asks it to create a store.
        if (!params.read_only() || params.create())
            throw plugin::Error(TOTE_INTERNAL, "the host opened a read-only plugin's store for writing");
        auto store = std::make_unique<ReadOnlyJson>();
        store->inner_ = JsonStore::open(params);
        return store;
    }
    void read(std::string_view key, plugin::ValueSink& sink, plugin::Stat* stat) { inner_->read(key, sink, stat); }
    void read_range(std::string_view key, uint64_t offset, uint64_t length, plugin::ValueSink& sink,
                    plugin::Stat* stat) {
        inner_->read_range(key, offset, length, sink, stat);
    }
    plugin::Stat stat(std::string_view key) { return inner_->stat(key); }
    void list(const plugin::ListParams& params, plugin::EntrySink& out) { inner_->list(params, out); }
    std::string info() { return inner_->info(); }

private:
    std::unique_ptr<JsonStore> inner_;
};

const char* const kSchemes[] = {"jsonro", nullptr};
const tote_option_spec kOptions[] = {{nullptr, 0, 0, nullptr, nullptr}};
constexpr uint64_t kCapabilities = TOTE_CAP_LIST | TOTE_CAP_THREAD_SAFE | TOTE_CAP_PERSISTENT;

}  // namespace

TOTE_PLUGIN_ENTRY(ReadOnlyJson, (tote::plugin::Descriptor{"jsonro", "1.0.0",
                                                           "a json store directory, read-only (a test plugin)",
                                                           kSchemes, kCapabilities, TOTE_LOCATION_PATH, kOptions}))
