// SPDX-License-Identifier: Apache-2.0
// workload.hpp — the values and records the reliability tests write, built so that a reader can tell a whole,
// genuine value from a torn or foreign one by looking at the bytes alone, and say which write produced it.
//
// A value written for (key, seq, size) starts with a header line "tote-value <key> <seq> <size>\n" followed by
// payload bytes derived from (key, seq); it is exactly `size` bytes long. An appended record is one line,
// "<seq> <len> <payload of len printable bytes> <checksum>\n".
#ifndef TOTE_TEST_WORKLOAD_HPP
#define TOTE_TEST_WORKLOAD_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tote::test {

// The value for (key, seq), exactly size bytes (at least the header's length).
std::string make_value(const std::string& key, uint64_t seq, size_t size);

// The seq a value was made with, if it is exactly make_value(key, seq, its size); nullopt if torn or foreign.
std::optional<uint64_t> check_value(const std::string& key, std::string_view value);

// One record line (ending in '\n'); payload_len printable bytes.
std::string make_record(uint64_t seq, size_t payload_len);

struct RecordCheck {
    std::vector<uint64_t> seqs;  // the records, in order
    bool whole = true;           // false if any line is torn, foreign, or the text does not end with '\n'
    std::string problem;
};
RecordCheck check_records(std::string_view text);

// splitmix64, for payloads and for choosing operations reproducibly.
uint64_t mix64(uint64_t x);

}  // namespace tote::test

#endif  // TOTE_TEST_WORKLOAD_HPP
