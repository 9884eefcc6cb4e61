// SPDX-License-Identifier: Apache-2.0
// store_rules.hpp — what the json store's two file layers (json_store.cpp on POSIX, json_store_windows.cpp on
// Windows) share: how a key splits into its directory and its file, and the store's fixed numbers.
#ifndef TOTE_JSON_STORE_RULES_HPP
#define TOTE_JSON_STORE_RULES_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace tote::json_plugin {

// "a/b/c" → "a/b"; "c" → "".
inline std::string_view dir_of(std::string_view key) {
    size_t slash = key.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

// "a/b/c" → "c".
inline std::string_view leaf_of(std::string_view key) {
    size_t slash = key.rfind('/');
    return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

inline std::string in_quotes(std::string_view key) { return "'" + std::string(key) + "'"; }

// How many times a write starts over when a concurrent recursive remove took its directory away.
constexpr int kAttempts = 8;

// How often (in writes of one open store) the temporary files of dead writers are looked for.
constexpr uint64_t kReclaimEvery = 256;

// Age after which an unlocked temporary file of a writer that cannot be judged by name (another boot or machine,
// or a name from before 0.2) is taken for a leftover.
constexpr auto kUnknownTempMaxAge = std::chrono::seconds(60);

// The append journal's one record, "<old size> <new size> <key>\n", written before an append and cleared after
// it: a crashed append is cut back to old_size if the value stopped between the two sizes.
struct AppendRecord {
    unsigned long long old_size = 0, new_size = 0;
    std::string key;
};

inline std::string append_record(uint64_t old_size, uint64_t appended, std::string_view key) {
    return std::to_string(old_size) + " " + std::to_string(old_size + appended) + " " + std::string(key) + "\n";
}

// The record in a journal's text (NUL-terminated), or nullopt if the journal holds none.
inline std::optional<AppendRecord> parse_append_record(const char* text) {
    AppendRecord record;
    int key_at = 0;
    if (std::sscanf(text, "%llu %llu %n", &record.old_size, &record.new_size, &key_at) != 2 || key_at <= 0)
        return std::nullopt;
    record.key = text + key_at;
    if (!record.key.empty() && record.key.back() == '\n') record.key.pop_back();
    return record;
}

// splitmix64's finaliser: a cheap, well-mixed 64-bit hash step, for the version tags made of file metadata.
inline uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

}  // namespace tote::json_plugin

#endif  // TOTE_JSON_STORE_RULES_HPP
