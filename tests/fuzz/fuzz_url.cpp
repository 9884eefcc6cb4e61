// SPDX-License-Identifier: Apache-2.0
// fuzz_url.cpp — libFuzzer target: URL parsing must never crash, and an accepted URL has a valid lowercase scheme
// and a non-empty location without NUL.
#include "url.hpp"

#include <tote/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        tote::detail::Url url = tote::detail::parse_url(input);
        if (!tote::detail::is_valid_scheme(url.scheme)) std::abort();
        if (url.location.empty() || url.location.find('\0') != std::string::npos) std::abort();
        if (!tote::detail::looks_like_url(input)) std::abort();
    } catch (const tote::Error& e) {
        if (e.status() != tote::Status::invalid_argument) std::abort();
    }
    return 0;
}
