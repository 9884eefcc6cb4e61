// SPDX-License-Identifier: Apache-2.0
// workload.cpp — self-checking values and records for the reliability tests.
#include "workload.hpp"

#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace tote::test {

uint64_t mix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

namespace {

uint64_t key_hash(const std::string& key) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
    return h;
}

std::string header(const std::string& key, uint64_t seq, size_t size) {
    return "tote-value " + key + " " + std::to_string(seq) + " " + std::to_string(size) + "\n";
}

// Payload bytes: every byte value appears (NUL included), in an order that depends on key and seq.
void fill(std::string& out, size_t from, uint64_t seed) {
    uint64_t state = seed;
    for (size_t i = from; i < out.size(); i += 8) {
        state = mix64(state);
        for (size_t b = 0; b < 8 && i + b < out.size(); ++b) out[i + b] = static_cast<char>((state >> (8 * b)) & 0xFF);
    }
}

uint64_t checksum(std::string_view text) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    return h;
}

}  // namespace

std::string make_value(const std::string& key, uint64_t seq, size_t size) {
    std::string out = header(key, seq, size);
    if (size > out.size()) out.resize(size);
    fill(out, header(key, seq, size).size(), key_hash(key) ^ mix64(seq));
    return out;
}

std::optional<uint64_t> check_value(const std::string& key, std::string_view value) {
    size_t newline = value.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    std::istringstream in{std::string(value.substr(0, newline))};
    std::string tag, stored_key;
    uint64_t seq = 0;
    size_t size = 0;
    if (!(in >> tag >> stored_key >> seq >> size) || tag != "tote-value" || stored_key != key) return std::nullopt;
    if (make_value(key, seq, size) != value) return std::nullopt;  // also checks the length
    return seq;
}

std::string make_record(uint64_t seq, size_t payload_len) {
    std::string payload(payload_len, 'a');
    uint64_t state = mix64(seq);
    for (size_t i = 0; i < payload_len; ++i) {
        if (i % 8 == 0) state = mix64(state);
        payload[i] = static_cast<char>('!' + ((state >> (8 * (i % 8))) & 0xFF) % 90);  // printable, no space
    }
    char sum[24];
    std::snprintf(sum, sizeof sum, "%016" PRIx64, checksum(payload));
    return std::to_string(seq) + " " + std::to_string(payload_len) + " " + payload + " " + sum + "\n";
}

RecordCheck check_records(std::string_view text) {
    RecordCheck result;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            result.whole = false;
            result.problem = "the text ends in a partial record (" + std::to_string(text.size() - start) + " bytes)";
            return result;
        }
        std::string line(text.substr(start, end - start + 1));
        std::istringstream in(line);
        uint64_t seq = 0;
        size_t len = 0;
        if (!(in >> seq >> len) || make_record(seq, len) != line) {
            result.whole = false;
            result.problem = "record " + std::to_string(result.seqs.size()) + " is torn or foreign";
            return result;
        }
        result.seqs.push_back(seq);
        start = end + 1;
    }
    return result;
}

}  // namespace tote::test
