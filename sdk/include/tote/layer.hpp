// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// tote/layer.hpp — write a tote layer (tote/ext/layer.h) as one C++ class (header-only, C++17), on top of
// tote/plugin.hpp.
//
// A layer class is a store class as plugin.hpp describes it (read, stat, write, list, ... — only those it offers),
// derived from tote::plugin::Layer<Self>, opened over the store below instead of at a location:
//
//   class Upper : public tote::plugin::Layer<Upper> {
//   public:
//       static std::unique_ptr<Upper> open_layer(const tote::plugin::OpenParams& params, tote::plugin::Inner inner);
//       static void check_options(const tote::plugin::OpenParams& params);  // optional: throw on a bad value
//       void read(std::string_view key, tote::plugin::ValueSink& sink, tote::plugin::Stat* stat);
//       ...
//   };
//   TOTE_LAYER_ENTRY(Upper, (tote::plugin::Descriptor{"upper", "1.0.0", "...", kNames, caps, TOTE_LOCATION_URL,
//                                                     kOptions}))
//
// Inner is the store below in C++: each call throws tote::plugin::Error with the status and message the store
// below gave, so a layer method that does not catch it passes both up unchanged. Declare every capability the
// layer can pass through: the host offers a layered store only those the store below has too (Inner::has()), so
// a method is never called for a capability the store below lacks.
#ifndef TOTE_LAYER_HPP
#define TOTE_LAYER_HPP

#include <tote/ext/layer.h>
#include <tote/plugin.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tote::plugin {

// The store below a layer.
class Inner {
public:
    explicit Inner(const tote_inner_store& view) {
        if (view.struct_size < offsetof(tote_inner_store, host_data) + sizeof(void*))
            throw Error(TOTE_INVALID_ARGUMENT, "the host's description of the store below is too small");
        std::memcpy(&view_, &view, sizeof view_ < view.struct_size ? sizeof view_ : view.struct_size);
    }

    uint64_t capabilities() const { return view_.capabilities; }
    bool has(uint64_t capability) const { return (view_.capabilities & capability) == capability; }
    std::string_view url() const { return view_.url ? view_.url : ""; }
    // The store below's extension table for id, or nullptr.
    template <class Ext> const Ext* extension(const char* id) const {
        return view_.get_extension ? static_cast<const Ext*>(view_.get_extension(&view_, id)) : nullptr;
    }

    // Streams the value into sink(ctx, data, len) (a tote_write_fn).
    void read(std::string_view key, tote_write_fn sink, void* ctx, Stat* stat = nullptr) const {
        const std::string k(key);
        tote_stat st = new_stat();
        Call call;
        call.check(view_.plugin->read(view_.store, call.get(), k.c_str(), k.size(), sink, ctx, &st));
        if (stat) *stat = from(st);
    }
    std::string read(std::string_view key, Stat* stat = nullptr) const {
        std::string value;
        read(key, &append_to, &value, stat);
        return value;
    }
    // Bytes [offset, offset + length) through the store below's "tote.read_range/1" (check extension() first).
    void read_range(std::string_view key, uint64_t offset, uint64_t length, tote_write_fn sink, void* ctx,
                    Stat* stat = nullptr) const {
        const auto* ranged = extension<tote_read_range_ext>(TOTE_EXT_READ_RANGE);
        if (ranged == nullptr) throw Error(TOTE_UNSUPPORTED, "the store below offers no ranged reads");
        const std::string k(key);
        tote_stat st = new_stat();
        Call call;
        call.check(ranged->read_range(view_.store, call.get(), k.c_str(), k.size(), offset, length, sink, ctx, &st));
        if (stat) *stat = from(st);
    }
    Stat stat(std::string_view key) const {
        const std::string k(key);
        tote_stat st = new_stat();
        Call call;
        call.check(view_.plugin->stat(view_.store, call.get(), k.c_str(), k.size(), &st));
        return from(st);
    }
    // op as the layer received it, with value replaced as the layer stores it.
    uint64_t write(const WriteOp& op) const {
        const std::string k(op.key);
        const tote_write_op c = to_c(op, k);
        uint64_t version = 0;
        Call call;
        call.check(view_.plugin->write(view_.store, call.get(), &c, &version));
        return version;
    }
    void append(std::string_view key, std::string_view data) const {
        const std::string k(key);
        Call call;
        call.check(view_.plugin->append(view_.store, call.get(), k.c_str(), k.size(), data.data(), data.size()));
    }
    // Through the store below's "tote.append/1" (check extension() first).
    AppendResult append(const AppendOp& op) const {
        const auto* ext = extension<tote_append_ext>(TOTE_EXT_APPEND);
        if (ext == nullptr) throw Error(TOTE_UNSUPPORTED, "the store below offers no conditional appends");
        const std::string k(op.key);
        tote_append_op c{};
        c.struct_size = sizeof c;
        c.flags = op.flags;
        c.key = k.c_str();
        c.key_len = k.size();
        c.data = op.data.data();
        c.data_len = op.data.size();
        c.expected_size = op.expected_size;
        tote_append_result r{};
        r.struct_size = sizeof r;
        Call call;
        call.check(ext->append(view_.store, call.get(), &c, &r));
        return AppendResult{r.offset, r.version};
    }
    // Passes the entries on to out, as the store below lists them.
    void list(const ListParams& params, EntrySink& out) const {
        const std::string prefix(params.prefix), after(params.start_after);
        tote_list_params c{};
        c.struct_size = sizeof c;
        c.flags = params.recursive ? TOTE_LIST_RECURSIVE : 0u;
        c.prefix = prefix.c_str();
        c.prefix_len = prefix.size();
        c.start_after = after.c_str();
        c.start_after_len = after.size();
        Call call;
        call.check(view_.plugin->list(view_.store, call.get(), &c, &forward_entry, &out));
    }
    void remove(std::string_view key, bool recursive) const {
        const std::string k(key);
        Call call;
        call.check(view_.plugin->remove(view_.store, call.get(), k.c_str(), k.size(), recursive ? TOTE_REMOVE_RECURSIVE : 0u));
    }
    void rename(std::string_view from, std::string_view to, bool replace) const {
        const std::string f(from), t(to);
        Call call;
        call.check(view_.plugin->rename(view_.store, call.get(), f.c_str(), f.size(), t.c_str(), t.size(),
                                        replace ? 0u : TOTE_RENAME_NO_REPLACE));
    }
    // Through the store below's "tote.batch/1" (the host calls a layer's write_batch() only where it exists).
    void write_batch(const std::vector<WriteOp>& ops, size_t& failed_index) const {
        const auto* batch = extension<tote_batch_ext>(TOTE_EXT_BATCH);
        if (batch == nullptr) throw Error(TOTE_UNSUPPORTED, "the store below offers no atomic batches");
        std::vector<std::string> keys;
        keys.reserve(ops.size());
        std::vector<tote_write_op> c;
        c.reserve(ops.size());
        for (const WriteOp& op : ops) {
            keys.emplace_back(op.key);
            c.push_back(to_c(op, keys.back()));
        }
        std::vector<const tote_write_op*> pointers;
        for (const tote_write_op& op : c) pointers.push_back(&op);
        Call call;
        failed_index = ops.size();
        call.check(batch->write_batch(view_.store, call.get(), pointers.data(), pointers.size(), &failed_index));
    }

private:
    // A tote_call of the layer's own: the store below's message becomes the Error's.
    class Call {
    public:
        Call() {
            call_.struct_size = sizeof call_;
            call_.host_data = this;
            call_.set_error = &Call::set_error;
        }
        Call(const Call&) = delete;
        Call& operator=(const Call&) = delete;
        const tote_call* get() const { return &call_; }
        void check(tote_status status) const {
            if (status == TOTE_OK) return;
            throw Error(status, message_.empty() ? "the store below failed (status " + std::to_string(status) + ")"
                                                 : message_);
        }

    private:
        static void set_error(const tote_call* call, const char* msg, size_t len) {
            static_cast<Call*>(call->host_data)->message_.assign(msg, len);
        }
        tote_call call_{};
        std::string message_;
    };

    static tote_stat new_stat() {
        tote_stat st{};
        st.struct_size = sizeof st;
        return st;
    }
    static Stat from(const tote_stat& st) { return Stat{st.kind, st.size, st.mtime_ns, st.version, st.expires_ns}; }
    static tote_write_op to_c(const WriteOp& op, const std::string& key) {
        tote_write_op c{};
        c.struct_size = sizeof c;
        c.flags = op.flags;
        c.key = key.c_str();
        c.key_len = key.size();
        c.value = op.value.data();
        c.value_len = op.value.size();
        c.expected_version = op.expected_version;
        c.expires_ns = op.expires_ns;
        return c;
    }
    static int append_to(void* ctx, const void* data, size_t len) {
        static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), len);
        return 0;
    }
    static int forward_entry(void* ctx, const tote_entry* entry) {
        return static_cast<EntrySink*>(ctx)->emit(std::string_view(entry->key, entry->key_len), entry->kind) ? 0 : 1;
    }

    tote_inner_store view_{};
};

// The base of a layer class: a layer is never opened at a location of its own.
template <class Self> class Layer {
public:
    static std::unique_ptr<Self> open(const OpenParams&) {
        throw Error(TOTE_UNSUPPORTED, "this plugin is a layer: stack it over a store (name::scheme://...)");
    }
};

namespace detail {

// Whether layer class S declares `static void check_options(const OpenParams&)`.
template <class S, class = void> struct HasCheckOptions : std::false_type {};
template <class S>
struct HasCheckOptions<S, std::void_t<decltype(S::check_options(std::declval<const OpenParams&>()))>> : std::true_type {};

template <class S> struct LayerAdapter {
    static tote_status open_layer(const tote_open_params* params, const tote_inner_store* inner, const tote_call* call,
                                  tote_store** out) noexcept {
        return guarded(call, [&] {
            if (params == nullptr || inner == nullptr || out == nullptr)
                throw Error(TOTE_INVALID_ARGUMENT, "open_layer without params, store below or result");
            OpenParams p = to_params(*params);
            std::unique_ptr<S> store = S::open_layer(p, Inner(*inner));
            if (!store) throw Error(TOTE_INTERNAL, "open_layer returned no store");
            *out = reinterpret_cast<tote_store*>(store.release());
        });
    }
    static tote_status check_options(const tote_open_params* params, const tote_call* call) noexcept {
        return guarded(call, [&] {
            if (params == nullptr) throw Error(TOTE_INVALID_ARGUMENT, "check_options without params");
            if constexpr (HasCheckOptions<S>::value) S::check_options(to_params(*params));
        });
    }
    static const void* get_extension(const char* id) noexcept {
        static const tote_layer_ext layer{sizeof(tote_layer_ext), 0, &LayerAdapter::open_layer,
                                          HasCheckOptions<S>::value ? &LayerAdapter::check_options : nullptr};
        if (id != nullptr && std::strcmp(id, TOTE_EXT_LAYER) == 0) return &layer;
        return Adapter<S>::get_extension(id);
    }
    static tote_plugin make(const Descriptor& d) {
        tote_plugin p = Adapter<S>::make(d);
        p.get_extension = &LayerAdapter::get_extension;
        return p;
    }
};

}  // namespace detail

// The descriptor for layer class S, built once and kept for the life of the library.
template <class S> const tote_plugin* layer_for(const Descriptor& descriptor) {
    static const tote_plugin plugin = detail::LayerAdapter<S>::make(descriptor);
    return &plugin;
}

}  // namespace tote::plugin

// Defines the exported entry point for layer class LayerClass (see TOTE_PLUGIN_ENTRY).
#define TOTE_LAYER_ENTRY(LayerClass, descriptor)                                                    \
    extern "C" TOTE_PLUGIN_EXPORT const tote_plugin* tote_plugin_entry(uint32_t host_abi_version) { \
        ::tote::plugin::note_host_abi(host_abi_version);                                           \
        return ::tote::plugin::layer_for<LayerClass>(descriptor);                                  \
    }

#endif  // TOTE_LAYER_HPP
