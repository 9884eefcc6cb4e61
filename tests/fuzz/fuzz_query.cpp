// SPDX-License-Identifier: Apache-2.0
// fuzz_query.cpp — libFuzzer target for the filter language (host/query), on any bytes:
//   - as a filter: either FilterError, or a canonical form that compiles, comes through its text (what a plugin
//     receives) unchanged, and evaluates on a document without crashing;
//   - as a value: the strict-JSON pass the sqlite and postgres plugins check their matches with never rejects a
//     value the reference evaluation takes for a document (that would lose a match).
#include "evaluate.hpp"
#include "filter.hpp"
#include "json_text.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (tote::query::parse_document(text) && !tote::query::lexically_strict(text)) std::abort();
    try {
        const nlohmann::json canonical = tote::query::canonicalize_text(text);
        const tote::query::Node node = tote::query::compile(canonical);
        const nlohmann::json again = nlohmann::json::parse(canonical.dump());  // what a plugin receives
        if (again != canonical) std::abort();
        (void)tote::query::compile(again);
        (void)tote::query::matches_value(node, R"({"a": 1, "b": [1, "x", {"c": null}], "s": "é", "n": 1e2})");
        (void)tote::query::matches_value(node, text);
    } catch (const tote::query::FilterError&) {
    }
    return 0;
}
