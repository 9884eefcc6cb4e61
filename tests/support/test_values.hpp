// SPDX-License-Identifier: Apache-2.0
// test_values.hpp — small helpers the server plugins' tests share: reproducible binary values, and the keys of a
// listing. (The conformance suite has its own: it is also linked into `tote plugin check`, which must not depend
// on the test support library.)
#pragma once

#include <tote/store.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tote::test {

// n bytes of every value 0–255, NUL included, the same for the same seed.
inline std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng() & 0xFF);
    return out;
}

// The keys of a listing, in its order (a sub-prefix entry of a one-level listing ends with '/').
inline std::vector<std::string> keys_of(const std::vector<Entry>& entries) {
    std::vector<std::string> keys;
    keys.reserve(entries.size());
    for (const auto& e : entries) keys.push_back(e.key);
    return keys;
}

}  // namespace tote::test
