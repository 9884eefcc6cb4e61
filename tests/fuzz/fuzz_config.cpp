// SPDX-License-Identifier: Apache-2.0
// fuzz_config.cpp — libFuzzer target: any text given as a config file either parses or is refused with
// Error(invalid_argument) naming the file; it never crashes, hangs or throws anything else.
#include "config.hpp"

#include <tote/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        tote::detail::Config config = tote::detail::parse_config(text, "/fuzz/tote.toml");
        for (const auto& [name, store] : config.stores)
            if (!tote::detail::is_valid_store_name(name) || store.url.empty()) std::abort();
    } catch (const tote::Error& e) {
        if (e.status() != tote::Status::invalid_argument) std::abort();
        if (std::string(e.what()).find("/fuzz/tote.toml") == std::string::npos) std::abort();
    }
    return 0;
}
