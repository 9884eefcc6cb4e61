// SPDX-License-Identifier: Apache-2.0
// json_text.cpp — lexically_strict(): one pass over the bytes, tracking only whether it is inside a string.
#include "json_text.hpp"

#include <charconv>
#include <system_error>

namespace tote::query {

namespace {

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The UTF-16 code unit of a \u escape: text[i] is its 'u', text[i + 1 .. i + 4] its four hex digits. -1 if they
// are not four hex digits (or the text ends first).
long unit_at(std::string_view text, size_t i) {
    if (i + 4 >= text.size()) return -1;
    long unit = 0;
    for (size_t k = 1; k <= 4; ++k) {
        const int h = hex_value(static_cast<unsigned char>(text[i + k]));
        if (h < 0) return -1;
        unit = unit * 16 + h;
    }
    return unit;
}

// The length of the UTF-8 sequence starting at text[i], or 0 if it is not a valid one (RFC 3629).
size_t utf8_length(std::string_view text, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char c = b(0);
    const auto cont = [&](size_t k) { return i + k < text.size() && (b(k) & 0xC0) == 0x80; };
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
        if (c == 0xED && b(1) > 0x9F) return 0;  // UTF-16 surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
        if (c == 0xF4 && b(1) > 0x8F) return 0;  // beyond U+10FFFF
        return 4;
    }
    return 0;
}

bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

}  // namespace

bool lexically_strict(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") return false;
    bool in_string = false;
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const size_t n = utf8_length(text, i);
            if (n == 0) return false;
            i += n;
            continue;
        }
        if (in_string) {
            if (c < 0x20) return false;
            if (c == '"') {
                in_string = false;
            } else if (c == '\\') {
                if (i + 1 >= text.size()) return false;
                const char e = text[i + 1];
                if (e == 'u') {
                    const long unit = unit_at(text, i + 1);
                    if (unit < 0) return false;
                    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
                    if (unit >= 0xD800 && unit <= 0xDBFF) {             // a high one: a low one must follow
                        if (i + 11 >= text.size() || text[i + 6] != '\\' || text[i + 7] != 'u') return false;
                        const long low = unit_at(text, i + 7);
                        if (low < 0xDC00 || low > 0xDFFF) return false;
                        i += 12;
                        continue;
                    }
                    i += 6;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
                    return false;
                i += 2;
                continue;
            }
            ++i;
            continue;
        }
        if (c == '"') {
            in_string = true;
            ++i;
            continue;
        }
        if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
        if (c == '-' || (c >= '0' && c <= '9')) {
            // A number token: only one with an exponent, or very long, can overflow a double.
            size_t end = i;
            bool exponent = false;
            while (end < text.size() && is_number_char(text[end])) exponent |= (text[end++] | 0x20) == 'e';
            if (exponent || end - i > 300) {
                // from_chars, not strtod: independent of the locale's decimal point.
                // Out of range with a negative exponent is an underflow, which parses as 0: not an error.
                double value = 0;
                const std::string_view token = text.substr(i, end - i);
                const auto result = std::from_chars(token.data(), token.data() + token.size(), value);
                const size_t e = token.find_first_of("eE");
                const bool negative_exponent = e != std::string_view::npos && e + 1 < token.size() && token[e + 1] == '-';
                if (result.ec == std::errc::result_out_of_range && !negative_exponent) return false;
            }
            i = end;
            continue;
        }
        ++i;
    }
    return true;
}

}  // namespace tote::query
