// SPDX-License-Identifier: Apache-2.0
// key.cpp — key validation and quoting for messages.
#include "key.hpp"

#include <tote/error.hpp>

#include <cstdio>

namespace tote::detail {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed.
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static const uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

[[noreturn]] void reject(std::string_view key, const std::string& why) {
    throw Error(Status::invalid_argument, "invalid key " + quote(key) + ": " + why);
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8_sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string quote(std::string_view key) {
    std::string out = "'";
    for (size_t i = 0; i < key.size();) {
        size_t n = utf8_sequence_length(key, i);
        unsigned char c = static_cast<unsigned char>(key[i]);
        if (n == 0 || c < 0x20 || c == 0x7F || c == '\'' || c == '\\') {
            char buf[8];
            if (c == '\'' || c == '\\')
                std::snprintf(buf, sizeof buf, "\\%c", c);
            else
                std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
            i += 1;
        } else {
            out.append(key.substr(i, n));
            i += n;
        }
    }
    return out + "'";
}

void validate_key(std::string_view key) {
    // One pass over the bytes: this runs on every call, so it is kept cheap (no allocation unless it rejects).
    if (key.empty()) reject(key, "it is empty");
    if (key.size() > TOTE_KEY_MAX)
        reject(key.substr(0, 40), "longer than " + std::to_string(TOTE_KEY_MAX) + " bytes (" +
                                      std::to_string(key.size()) + ")");
    if (key.front() == '/') reject(key, "it starts with '/' (keys are relative to the store)");
    if (key.back() == '/') reject(key, "it ends with '/'");
    size_t segment_start = 0;
    for (size_t i = 0;;) {
        if (i == key.size() || key[i] == '/') {
            const std::string_view segment = key.substr(segment_start, i - segment_start);
            if (segment.empty()) reject(key, "empty segment ('//')");
            if (segment == "." || segment == "..") reject(key, "segment '" + std::string(segment) + "' is not allowed");
            if (segment.size() > TOTE_SEGMENT_MAX)
                reject(key, "a segment is longer than " + std::to_string(TOTE_SEGMENT_MAX) + " bytes");
            if (segment.substr(0, 5) == ".tote") reject(key, "segments starting with '.tote' are reserved");
            if (i == key.size()) return;
            segment_start = ++i;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(key[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F) reject(key, "control character (NUL, newline, ...) in key");
            ++i;
        } else {
            const size_t n = utf8_sequence_length(key, i);
            if (n == 0) reject(key, "not valid UTF-8");
            i += n;
        }
    }
}

std::string normalize_prefix(std::string_view prefix) {
    if (prefix.empty() || prefix == "/") return {};
    std::string_view key = prefix;
    if (key.back() == '/') key.remove_suffix(1);
    validate_key(key);
    return std::string(key) + "/";
}

}  // namespace tote::detail
