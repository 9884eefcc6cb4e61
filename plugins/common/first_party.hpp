// SPDX-License-Identifier: Apache-2.0
// first_party.hpp — small helpers the first-party plugins share (header-only, internal: not part of the SDK, not
// installed). A third-party plugin needs only the SDK; these exist so that tote's own plugins write each of these
// once, not once per plugin.
#ifndef TOTE_PLUGINS_COMMON_FIRST_PARTY_HPP
#define TOTE_PLUGINS_COMMON_FIRST_PARTY_HPP

#include <tote/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace tote::first_party {

// Nanoseconds since the Unix epoch: mtime_ns, and "now" for expiry checks.
inline int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A version in messages: "0x1f3a…".
inline std::string hex(uint64_t value) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
    return buffer;
}

// Versions are uint64 in tote and signed 64-bit integers in SQL engines; both conversions keep the bits.
inline int64_t to_sql(uint64_t value) { return static_cast<int64_t>(value); }
inline uint64_t from_sql(int64_t value) { return static_cast<uint64_t>(value); }

// text as a JSON string literal (quotes, backslashes and control characters escaped): the admin "info" objects.
inline std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// The keys under name + "/" are exactly those in [name + "/", name + "0"): '0' is the byte right after '/'.
inline std::string subtree_begin(std::string_view name) { return std::string(name) + '/'; }
inline std::string subtree_end(std::string_view name) { return std::string(name) + '0'; }

// True if the decimal text equals value: an option table shows each default as text, and a static_assert with
// this keeps that text equal to the number the plugin actually uses.
constexpr bool text_equals(const char* text, int64_t value) {
    int64_t parsed = 0;
    for (; *text != '\0'; ++text) parsed = parsed * 10 + (*text - '0');
    return parsed == value;
}

// The value of an integer option within [low, high], fallback if it was not set; INVALID_ARGUMENT naming the
// option and the range otherwise. unit ends the message (" (milliseconds)").
inline int64_t ranged_int_option(const plugin::OpenParams& params, const char* name, int64_t fallback, int64_t low,
                                 int64_t high, const char* unit = "") {
    const tote_option_value* option = params.find(name);
    if (option == nullptr) return fallback;
    // The host checks option types before open(); this keeps a different host from slipping another type in.
    if (option->type != TOTE_TYPE_INT || option->int_value < low || option->int_value > high)
        throw plugin::Error(TOTE_INVALID_ARGUMENT,
                            std::string("option '") + name + "' must be an integer from " + std::to_string(low) +
                                " to " + std::to_string(high) + unit +
                                (option->type == TOTE_TYPE_INT ? ", not " + std::to_string(option->int_value) : ""));
    return option->int_value;
}

}  // namespace tote::first_party

#endif  // TOTE_PLUGINS_COMMON_FIRST_PARTY_HPP
