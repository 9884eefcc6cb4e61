// SPDX-License-Identifier: Apache-2.0
// checksum_frames.cpp — encoding and checking the checksum layer's frames (checksum_frames.hpp).
#include "checksum_frames.hpp"

#include <xxhash.h>

#include <cstring>

namespace tote::checksum {

namespace {

constexpr char kMagic[4] = {'T', 'C', 'K', '1'};

void put_u64(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint64_t get_u64(const char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

uint64_t hash(std::string_view data) { return XXH3_64bits_withSeed(data.data(), data.size(), data.size()); }

// Walks the frames of stored, calling on_data(data) for each; "" or what is wrong.
template <class OnData> std::string walk(std::string_view stored, bool verify, OnData&& on_data) {
    size_t at = 0;
    while (at < stored.size()) {
        const std::string where = "frame at byte " + std::to_string(at) + ": ";
        if (stored.size() - at < kFrameOverhead) return where + "cut short";
        if (std::memcmp(stored.data() + at, kMagic, 4) != 0) return where + "no frame marker";
        const uint64_t length = get_u64(stored.data() + at + 4);
        if (length > stored.size() - at - kFrameOverhead) return where + "its length runs past the end";
        const std::string_view data = stored.substr(at + 12, length);
        if (verify && hash(data) != get_u64(stored.data() + at + 12 + length)) return where + "checksum mismatch";
        on_data(data);
        at += kFrameOverhead + length;
    }
    if (stored.empty()) return "no frame at all";
    return "";
}

}  // namespace

std::string frame(std::string_view data) {
    std::string out;
    out.reserve(kFrameOverhead + data.size());
    out.append(kMagic, 4);
    put_u64(out, data.size());
    out.append(data);
    put_u64(out, hash(data));
    return out;
}

std::string decode(std::string_view stored, std::string* out, bool verify) {
    out->clear();
    return walk(stored, verify, [&](std::string_view data) { out->append(data); });
}

std::string data_size(std::string_view stored, uint64_t& size) {
    size = 0;
    return walk(stored, false, [&](std::string_view data) { size += data.size(); });
}

}  // namespace tote::checksum
