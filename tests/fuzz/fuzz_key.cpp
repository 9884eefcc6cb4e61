// SPDX-License-Identifier: Apache-2.0
// fuzz_key.cpp — libFuzzer target: key validation and prefix normalisation must never crash, and every key they
// accept must keep the promises of tote_plugin.h ("Keys"): nothing a plugin could use to escape its root.
#include "key.hpp"

#include <tote/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

// Aborts (a crash libFuzzer reports) unless key is safe to hand to a plugin.
void check_accepted(const std::string& key) {
    if (key.empty() || key.size() > TOTE_KEY_MAX || key.front() == '/' || key.back() == '/') std::abort();
    size_t start = 0;
    while (start <= key.size()) {
        size_t end = key.find('/', start);
        if (end == std::string::npos) end = key.size();
        const std::string segment = key.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == ".." || segment.size() > TOTE_SEGMENT_MAX) std::abort();
        if (segment.rfind(".tote", 0) == 0) std::abort();
        start = end + 1;
    }
    for (unsigned char c : key)
        if (c < 0x20 || c == 0x7F) std::abort();
    if (!tote::detail::is_valid_utf8(key)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        tote::detail::validate_key(input);
        check_accepted(input);
    } catch (const tote::Error& e) {
        if (e.status() != tote::Status::invalid_argument) std::abort();
    }
    try {
        const std::string prefix = tote::detail::normalize_prefix(input);
        if (!prefix.empty()) check_accepted(prefix.substr(0, prefix.size() - 1));
    } catch (const tote::Error& e) {
        if (e.status() != tote::Status::invalid_argument) std::abort();
    }
    (void)tote::detail::quote(input);
    return 0;
}
