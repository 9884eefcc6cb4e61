// SPDX-License-Identifier: Apache-2.0
// windows_names.cpp — the reversible key-segment <-> Windows file name mapping (see windows_names.hpp).
#include "windows_names.hpp"

#include <cctype>

namespace tote::json_plugin {

namespace {

bool forbidden(unsigned char c) {
    return c < 0x20 || c == '<' || c == '>' || c == ':' || c == '"' || c == '\\' || c == '|' || c == '?' ||
           c == '*' || c == '%';
}

bool equals_ascii_nocase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// True if Windows takes a file of this name for a device: the part before the first dot, trailing spaces
// ignored, is a device name (any case).
bool is_device_name(std::string_view name) {
    std::string_view base = name.substr(0, name.find('.'));
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    for (std::string_view device : {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"})
        if (equals_ascii_nocase(base, device)) return true;
    if (base.size() == 4 && (equals_ascii_nocase(base.substr(0, 3), "COM") || equals_ascii_nocase(base.substr(0, 3), "LPT")) &&
        std::isdigit(static_cast<unsigned char>(base[3])))
        return true;
    // COM and LPT followed by a superscript digit (U+00B9, U+00B2, U+00B3: UTF-8 C2 B9, C2 B2, C2 B3).
    if (base.size() == 5 && (equals_ascii_nocase(base.substr(0, 3), "COM") || equals_ascii_nocase(base.substr(0, 3), "LPT")) &&
        static_cast<unsigned char>(base[3]) == 0xC2 &&
        (static_cast<unsigned char>(base[4]) == 0xB9 || static_cast<unsigned char>(base[4]) == 0xB2 ||
         static_cast<unsigned char>(base[4]) == 0xB3))
        return true;
    return false;
}

void escape(std::string& out, unsigned char c) {
    static const char digits[] = "0123456789ABCDEF";
    out += '%';
    out += digits[c >> 4];
    out += digits[c & 15];
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // lower-case hex is not what encode_segment writes, so such a name is not canonical
}

}  // namespace

std::string encode_segment(std::string_view segment) {
    std::string out;
    out.reserve(segment.size() + 3);
    const bool device = is_device_name(segment);
    for (size_t i = 0; i < segment.size(); ++i) {
        const auto c = static_cast<unsigned char>(segment[i]);
        const bool last = i + 1 == segment.size();
        if (forbidden(c) || (i == 0 && device) || (last && (c == '.' || c == ' ')))
            escape(out, c);
        else
            out += static_cast<char>(c);
    }
    return out;
}

std::optional<std::string> decode_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '%') {
            out += name[i];
            continue;
        }
        if (i + 2 >= name.size()) return std::nullopt;
        const int high = hex_value(name[i + 1]), low = hex_value(name[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    if (out.empty() || encode_segment(out) != name) return std::nullopt;
    return out;
}

}  // namespace tote::json_plugin
