// SPDX-License-Identifier: Apache-2.0
// json_windows_names_test.cpp — the json store's mapping of key segments to Windows file names
// (plugins/json/windows_names.cpp, compiled in): reserved names, characters and endings escaped, everything else
// kept as it is, and the mapping reversible — decode(encode(s)) == s for every segment, and a file name that is
// not exactly some segment's encoding (a stray '%', an unneeded escape) is no key's. Pure string work, so it runs
// on every platform.
#include "../../plugins/json/windows_names.hpp"

#include <catch2/catch.hpp>

#include <random>

namespace {

using tote::json_plugin::decode_name;
using tote::json_plugin::encode_segment;

}  // namespace

TEST_CASE("json on Windows: ordinary names are stored as they are", "[json_windows_names]") {
    for (const char* name : {"gsm8k.json", "evals", "run-2024_05.jsonl", "a b", ".hidden", "über.json",
                             "日本語", "console.json", "nul1", "com10", "auxiliary", "lpt.txt", "x.con"}) {
        INFO(name);
        CHECK(encode_segment(name) == name);
        CHECK(decode_name(name) == std::optional<std::string>(name));
    }
}

TEST_CASE("json on Windows: the names Windows reserves are escaped", "[json_windows_names]") {
    CHECK(encode_segment("CON") == "%43ON");
    CHECK(encode_segment("con") == "%63on");
    CHECK(encode_segment("aux.json") == "%61ux.json");
    CHECK(encode_segment("NUL.tar.gz") == "%4EUL.tar.gz");
    CHECK(encode_segment("nul .txt") == "%6Eul .txt");  // Windows ignores the spaces before the extension
    CHECK(encode_segment("COM1") == "%43OM1");
    CHECK(encode_segment("lpt9.log") == "%6Cpt9.log");
    CHECK(encode_segment("COM\xC2\xB9") == "%43OM\xC2\xB9");  // COM followed by a superscript one
    CHECK(encode_segment("CONIN$") == "%43ONIN$");
    CHECK(encode_segment("prn") == "%70rn");
    // Trailing dots and spaces, which the Win32 layer strips.
    CHECK(encode_segment("notes.") == "notes%2E");
    CHECK(encode_segment("notes ") == "notes%20");
    CHECK(encode_segment("..x..") == "..x.%2E");
    // Characters no Windows file name may hold, and the escape character itself.
    CHECK(encode_segment("a:b") == "a%3Ab");
    CHECK(encode_segment("<>\"|?*\\") == "%3C%3E%22%7C%3F%2A%5C");
    CHECK(encode_segment("100%") == "100%25");
    CHECK(encode_segment(std::string("tab\there")) == "tab%09here");
}

TEST_CASE("json on Windows: the mapping is reversible", "[json_windows_names]") {
    for (const char* name : {"CON", "aux.json", "notes.", "notes ", "a:b", "100%", "%41", "%", "COM1.", " ", ".",
                             "..", "a%2Eb", "NUL:", "x*y?"}) {
        INFO(name);
        const std::string encoded = encode_segment(name);
        CHECK(decode_name(encoded) == std::optional<std::string>(name));
    }
    // Random segments over an alphabet rich in what gets escaped.
    const std::string alphabet = "aAcCoOnNuUlLxX.: %2E<>|?*\"\\$19";
    std::mt19937 random(2026);
    for (int i = 0; i < 20000; ++i) {
        std::string segment;
        const size_t length = 1 + random() % 8;
        for (size_t k = 0; k < length; ++k) segment += alphabet[random() % alphabet.size()];
        const std::string encoded = encode_segment(segment);
        INFO(segment << " -> " << encoded);
        REQUIRE(decode_name(encoded) == std::optional<std::string>(segment));
        // No name Windows would refuse or rewrite comes out.
        REQUIRE(encoded.find_first_of("<>:\"|?*\\") == std::string::npos);
        REQUIRE(encoded.back() != '.');
        REQUIRE(encoded.back() != ' ');
    }
}

TEST_CASE("json on Windows: a file name that is no segment's encoding is not a key", "[json_windows_names]") {
    CHECK_FALSE(decode_name("100%"));    // a stray '%'
    CHECK_FALSE(decode_name("%4"));      // cut short
    CHECK_FALSE(decode_name("%zz"));     // not hex
    CHECK_FALSE(decode_name("%61bc"));   // "abc" is stored as "abc": two names must never mean one key
    CHECK_FALSE(decode_name("notes%2e"));  // lower-case hex is not what the encoder writes
    CHECK_FALSE(decode_name(""));
}
