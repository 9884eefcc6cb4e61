// SPDX-License-Identifier: Apache-2.0
// checksum_frames.hpp — how the checksum layer stores a value: one frame per write, one more per append.
//
//     frame = "TCK1" | length (8 bytes, little-endian) | data (length bytes) | XXH3-64 of data, seeded with length
//
// A value is a sequence of frames; what the application reads is their data, concatenated. Any byte changed below
// the layer — in the data, the length, the checksum or the magic — or a value cut short, makes decoding fail with
// the offset of the frame, so damage reads as TOTE_CORRUPT and never as wrong data. XXH3 (Debian's libxxhash) for
// speed: it checks gigabytes a second, so verifying every read costs little next to the read itself.
#ifndef TOTE_PLUGINS_CHECKSUM_FRAMES_HPP
#define TOTE_PLUGINS_CHECKSUM_FRAMES_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace tote::checksum {

constexpr size_t kFrameOverhead = 4 + 8 + 8;

// data as one frame.
std::string frame(std::string_view data);

// The data of every frame in stored, concatenated, into out; with verify false, only the frame structure is
// checked (not the checksums: what stat() needs to know the size). Returns "" on success, else what is wrong
// ("frame at byte 40: checksum mismatch").
std::string decode(std::string_view stored, std::string* out, bool verify = true);

// The size of the data stored holds, checking only the frame structure; "" or what is wrong, as decode().
std::string data_size(std::string_view stored, uint64_t& size);

}  // namespace tote::checksum

#endif  // TOTE_PLUGINS_CHECKSUM_FRAMES_HPP
