// SPDX-License-Identifier: Apache-2.0
// zstd_layer.cpp — the "zstd" layer: values stored compressed, one standard Zstandard frame per write and one more
// per append (so appends stay appends: zstd decodes concatenated frames as one stream). A value that does not
// begin with zstd's frame marker was written without the layer and reads as it is; one that begins with it but
// does not decode reads as TOTE_CORRUPT. stat() reports the uncompressed size (from the frames' headers).
// Option: level (the zstd compression level, default 3).
#include <first_party_layer.hpp>
#include <tote/layer.hpp>

#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace {

using tote::plugin::Error;
using tote::plugin::Inner;
using tote::plugin::Stat;

constexpr unsigned char kMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};  // ZSTD_MAGICNUMBER, little-endian
constexpr int kDefaultLevel = 3;

bool compressed(std::string_view stored) {
    return stored.size() >= 4 && std::memcmp(stored.data(), kMagic, 4) == 0;
}

// One context of each kind per thread, reused: creating one costs more than compressing a small value.
ZSTD_CCtx* cctx() {
    thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(), &ZSTD_freeCCtx);
    return ctx.get();
}
ZSTD_DCtx* dctx() {
    thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    return ctx.get();
}

[[noreturn]] void damaged(std::string_view key, const std::string& why) {
    throw Error(TOTE_CORRUPT, "zstd: the value of '" + std::string(key) + "' does not decompress (" + why +
                                  "): changed below the zstd layer, or written without it and beginning with zstd's "
                                  "frame marker");
}

// A dictionary (option dictionary_file), digested once for compressing and once for decompressing.
struct Dictionary {
    unsigned id = 0;
    std::string path;
    std::unique_ptr<ZSTD_CDict, size_t (*)(ZSTD_CDict*)> compress{nullptr, &ZSTD_freeCDict};
    std::unique_ptr<ZSTD_DDict, size_t (*)(ZSTD_DDict*)> decompress{nullptr, &ZSTD_freeDDict};
};

std::unique_ptr<Dictionary> load_dictionary(const std::string& path, int level) {
    // Named as the system sees it (a relative path is taken from the current directory), with the reason.
    std::error_code ec;
    const std::string shown = std::filesystem::absolute(path, ec).lexically_normal().string();
    auto unreadable = [&](const std::string& why) {
        return Error(TOTE_INVALID_ARGUMENT, "zstd: option 'dictionary_file': cannot read the dictionary file " + shown +
                                                ": " + why);
    };
    if (std::filesystem::is_directory(path, ec)) throw unreadable("it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw unreadable(std::strerror(errno));
    std::string bytes;
    try {
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (const std::exception& e) {
        throw unreadable(e.what());
    }
    if (in.bad()) throw unreadable("a read failed");
    auto d = std::make_unique<Dictionary>();
    d->id = ZSTD_getDictID_fromDict(bytes.data(), bytes.size());
    if (d->id == 0)
        throw Error(TOTE_INVALID_ARGUMENT, "zstd: option 'dictionary_file': " + shown + " is not a zstd dictionary (train one with "
                                           "'zstd --train SAMPLES... -o FILE')");
    d->path = path;
    d->compress.reset(ZSTD_createCDict(bytes.data(), bytes.size(), level));
    d->decompress.reset(ZSTD_createDDict(bytes.data(), bytes.size()));
    if (!d->compress || !d->decompress) throw Error(TOTE_INTERNAL, "zstd: cannot digest the dictionary " + path);
    return d;
}

class ZstdLayer : public tote::plugin::Layer<ZstdLayer> {
public:
    ZstdLayer(Inner inner, int level, std::unique_ptr<Dictionary> dictionary)
        : inner_(std::move(inner)), level_(level), dictionary_(std::move(dictionary)) {}

    // The level and the dictionary (loaded: a file that is missing or not a dictionary is a bad value).
    static std::pair<int, std::unique_ptr<Dictionary>> settings(const tote::plugin::OpenParams& params) {
        const int64_t level = params.get_int("level", kDefaultLevel);
        if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || level == 0)
            throw Error(TOTE_INVALID_ARGUMENT, "zstd: option 'level' must be from " + std::to_string(ZSTD_minCLevel()) +
                                                   " to " + std::to_string(ZSTD_maxCLevel()) + ", and not 0");
        const std::string dictionary = params.get_string("dictionary_file", "");
        return {static_cast<int>(level), dictionary.empty() ? nullptr : load_dictionary(dictionary, static_cast<int>(level))};
    }
    static void check_options(const tote::plugin::OpenParams& params) { settings(params); }

    static std::unique_ptr<ZstdLayer> open_layer(const tote::plugin::OpenParams& params, Inner inner) {
        auto [level, dictionary] = settings(params);
        return std::make_unique<ZstdLayer>(std::move(inner), level, std::move(dictionary));
    }

    void read(std::string_view key, tote::plugin::ValueSink& sink, Stat* stat) {
        Stat st;
        const std::string stored = inner_.read(key, &st);
        if (!compressed(stored)) {
            if (stat) *stat = st;
            sink.write(stored);
            return;
        }
        const std::string data = decompress(key, stored);
        st.size = data.size();
        if (stat) *stat = st;
        sink.write(data);
    }

    // The uncompressed size, summed from the frames' headers (the value is read, not decompressed).
    Stat stat(std::string_view key) {
        Stat st;
        const std::optional<std::string> stored = tote::first_party::read_if_key(inner_, key, st);
        if (!stored || !compressed(*stored)) return st;
        const std::optional<uint64_t> size = content_size(key, *stored, false);
        st.size = size ? *size : decompress(key, *stored).size();  // a frame without its size (not ours): decode
        return st;
    }

    uint64_t write(const tote::plugin::WriteOp& op) {
        tote::plugin::WriteOp packed = op;
        const std::string stored = compress(op.value);
        packed.value = stored;
        return inner_.write(packed);
    }

    // One more frame. A value written without the layer (not compressed, not empty) is first rewritten as a frame,
    // so that it never becomes raw bytes followed by a frame.
    void append(std::string_view key, std::string_view data) {
        for (int attempt = 0;; ++attempt) {
            Stat st;
            std::string head;
            try {
                st = inner_.stat(key);
            } catch (const Error& e) {
                if (e.status() != TOTE_NOT_FOUND) throw;
                st.size = 0;
            }
            if (st.size == 0 || compressed(first_bytes(key))) return inner_.append(key, compress(data));
            const std::string raw = inner_.read(key, &st);
            if (compressed(raw)) return inner_.append(key, compress(data));  // rewritten meanwhile
            tote::plugin::WriteOp rewrite{key, {}, 0, 0, 0};
            const std::string stored = compress(raw) + compress(data);
            rewrite.value = stored;
            if (inner_.has(TOTE_CAP_COMPARE_VERSION)) {
                rewrite.flags = TOTE_WRITE_IF_VERSION;
                rewrite.expected_version = st.version;
            }
            if (st.expires_ns != 0 && inner_.has(TOTE_CAP_EXPIRY)) {
                rewrite.flags |= TOTE_WRITE_EXPIRES;
                rewrite.expires_ns = st.expires_ns;
            }
            try {
                inner_.write(rewrite);
                return;
            } catch (const Error& e) {
                if (e.status() != TOTE_PRECONDITION_FAILED || attempt >= 16) throw;
            }
        }
    }

    void write_batch(const std::vector<tote::plugin::WriteOp>& ops, size_t& failed_index) {
        tote::first_party::write_batch_encoded(inner_, ops, failed_index, [this](std::string_view value) { return compress(value); });
    }
    static constexpr bool batch_removes = true;  // offered upward only where the store below takes them

    void list(const tote::plugin::ListParams& params, tote::plugin::EntrySink& out) { inner_.list(params, out); }
    void remove(std::string_view key, bool recursive) { inner_.remove(key, recursive); }
    void rename(std::string_view from, std::string_view to, bool replace) { inner_.rename(from, to, replace); }

private:
    std::string compress(std::string_view data) const {
        std::string out(ZSTD_compressBound(data.size()), '\0');
        // Every frame carries zstd's content checksum (as the zstd command writes it): a value damaged below the
        // layer fails to decode instead of reading as other bytes. The context is per thread and reset each time.
        ZSTD_CCtx* c = cctx();
        ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
        if (dictionary_)
            ZSTD_CCtx_refCDict(c, dictionary_->compress.get());  // the level is the dictionary's, digested at open
        else
            ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level_);
        const size_t n = ZSTD_compress2(c, out.data(), out.size(), data.data(), data.size());
        if (ZSTD_isError(n)) throw Error(TOTE_INTERNAL, std::string("zstd: compression failed: ") + ZSTD_getErrorName(n));
        out.resize(n);
        return out;
    }

    // The sum of the frames' content sizes, from their headers; nullopt if a frame does not say (not one of ours).
    // For decoding (need_dictionary), a frame that needs a dictionary this store was not opened with is named as
    // such, not as damage; a stat reads the sizes all the same (the headers need no dictionary).
    std::optional<uint64_t> content_size(std::string_view key, std::string_view stored, bool need_dictionary) const {
        uint64_t size = 0;
        for (size_t at = 0; at < stored.size();) {
            const unsigned needs = ZSTD_getDictID_fromFrame(stored.data() + at, stored.size() - at);
            if (need_dictionary && needs != 0 && (!dictionary_ || dictionary_->id != needs))
                throw Error(TOTE_CORRUPT, "zstd: the value of '" + std::string(key) + "' was compressed with dictionary " +
                                              std::to_string(needs) + ", and this store " +
                                              (dictionary_ ? "uses dictionary " + std::to_string(dictionary_->id) + " (" +
                                                                 dictionary_->path + ")"
                                                           : std::string("has none (option dictionary_file)")));
            const size_t frame = ZSTD_findFrameCompressedSize(stored.data() + at, stored.size() - at);
            if (ZSTD_isError(frame)) damaged(key, ZSTD_getErrorName(frame));
            const unsigned long long content = ZSTD_getFrameContentSize(stored.data() + at, stored.size() - at);
            if (content == ZSTD_CONTENTSIZE_ERROR) damaged(key, "a frame header is unreadable");
            if (content == ZSTD_CONTENTSIZE_UNKNOWN) return std::nullopt;
            size += content;
            at += frame;
        }
        return size;
    }

    std::string decompress(std::string_view key, std::string_view stored) const {
        ZSTD_DCtx* d = dctx();
        // Our frames carry their sizes: decode all of them in one call into a buffer of the right size.
        if (const std::optional<uint64_t> size = content_size(key, stored, true)) {
            std::string out(*size, '\0');
            const size_t n = dictionary_ ? ZSTD_decompress_usingDDict(d, out.data(), out.size(), stored.data(), stored.size(),
                                                                      dictionary_->decompress.get())
                                         : ZSTD_decompressDCtx(d, out.data(), out.size(), stored.data(), stored.size());
            if (ZSTD_isError(n)) damaged(key, ZSTD_getErrorName(n));
            if (n != *size) damaged(key, "its frames hold fewer bytes than their headers say");
            return out;
        }
        // A frame without its size (not written by this layer): stream it.
        ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
        if (dictionary_) ZSTD_DCtx_refDDict(d, dictionary_->decompress.get());
        std::string out;
        ZSTD_inBuffer in{stored.data(), stored.size(), 0};
        char buffer[64 * 1024];
        size_t pending = 1;
        while (in.pos < in.size || pending != 0) {
            ZSTD_outBuffer o{buffer, sizeof buffer, 0};
            const size_t before = in.pos;
            pending = ZSTD_decompressStream(d, &o, &in);
            if (ZSTD_isError(pending)) damaged(key, ZSTD_getErrorName(pending));
            out.append(buffer, o.pos);
            if (o.pos == 0 && in.pos == before) damaged(key, "the last frame is cut short");
        }
        return out;
    }

    // The first four bytes of the value (ranged where the store below offers it).
    std::string first_bytes(std::string_view key) const {
        if (inner_.extension<tote_read_range_ext>(TOTE_EXT_READ_RANGE) == nullptr) return inner_.read(key).substr(0, 4);
        std::string head;
        inner_.read_range(key, 0, 4, [](void* ctx, const void* data, size_t len) {
            static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), len);
            return 0;
        }, &head);
        return head;
    }

    Inner inner_;
    int level_;
    std::unique_ptr<Dictionary> dictionary_;  // shared by threads: zstd's digested dictionaries are read-only
};

const char* const kNames[] = {"zstd", nullptr};
const tote_option_spec kOptions[] = {
    {"level", TOTE_TYPE_INT, 0, "3", "zstd compression level: 1 (fast) to 19 (small), or negative for faster still"},
    {"dictionary_file", TOTE_TYPE_STRING, 0, "", "a zstd dictionary (zstd --train) to compress small values with; "
                                                 "needed to read them back"},
    {nullptr, 0, 0, nullptr, nullptr},
};
static_assert(kDefaultLevel == 3, "keep the option table's default text in step");

}  // namespace

TOTE_LAYER_ENTRY(ZstdLayer,
                 (tote::plugin::Descriptor{"zstd", TOTE_VERSION, "layer: values stored compressed with Zstandard",
                                           kNames,
                                           tote::first_party::kLayerCapabilities,
                                           TOTE_LOCATION_URL, kOptions}))
