// SPDX-License-Identifier: Apache-2.0
// url.cpp — URL splitting. Deliberately small: the location's meaning belongs to the plugin.
#include "url.hpp"

#include "key.hpp"

#include <tote/error.hpp>
#include <tote/host.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tote::detail {

bool looks_like_url(std::string_view text) { return text.find("://") != std::string_view::npos; }

bool is_valid_scheme(std::string_view scheme) {
    if (scheme.empty() || !(scheme[0] >= 'a' && scheme[0] <= 'z')) return false;
    for (char c : scheme)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-')) return false;
    return true;
}

Url parse_url(std::string_view text) {
    size_t sep = text.find("://");
    if (sep == std::string_view::npos)
        throw Error(Status::invalid_argument, "malformed URL " + quote(text) + ": expected scheme://location");
    Url url;
    std::string head;
    for (char c : text.substr(0, sep)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (size_t colons; (colons = head.find("::")) != std::string::npos; head.erase(0, colons + 2)) {
        std::string layer = head.substr(0, colons);
        if (!is_valid_scheme(layer))
            throw Error(Status::invalid_argument, "malformed URL " + quote(text) + ": bad layer name " + quote(layer) +
                                                      " before '::' (letters, digits, '+', '.', '-', starting with a letter)");
        url.layers.push_back(std::move(layer));
    }
    url.scheme = std::move(head);
    url.location = std::string(text.substr(sep + 3));
    if (!is_valid_scheme(url.scheme))
        throw Error(Status::invalid_argument, "malformed URL " + quote(text) + ": bad scheme " + quote(url.scheme) +
                                                  " (letters, digits, '+', '.', '-', starting with a letter)");
    if (url.location.empty())
        throw Error(Status::invalid_argument, "malformed URL " + quote(text) + ": nothing after '://'");
    if (url.location.find('\0') != std::string::npos)
        throw Error(Status::invalid_argument, "malformed URL " + quote(text) + ": NUL byte");
    return url;
}

std::string redact_url(std::string_view url) {
    std::string out(url);
    const size_t sep = out.find("://");
    if (sep == std::string::npos) return out;
    const size_t authority = sep + 3;
    const size_t end = std::min(out.find('/', authority), out.find('?', authority));
    const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= authority) {
        const size_t colon = out.find(':', authority);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    for (const char* name : {"password=", "passwd="}) {
        for (size_t pos = out.find('?'); pos != std::string::npos; pos = out.find('&', pos + 1)) {
            if (out.compare(pos + 1, std::strlen(name), name) != 0) continue;
            const size_t value = pos + 1 + std::strlen(name);
            const size_t value_end = std::min(out.find('&', value), out.size());
            out.replace(value, value_end - value, "***");
        }
    }
    return out;
}

}  // namespace tote::detail

namespace tote {
std::string redact_url(std::string_view url) { return detail::redact_url(url); }
}  // namespace tote
