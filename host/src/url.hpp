// SPDX-License-Identifier: Apache-2.0
// url.hpp — splitting "scheme://location" and telling URLs from store names.
#ifndef TOTE_HOST_URL_HPP
#define TOTE_HOST_URL_HPP

#include <string>
#include <string_view>
#include <vector>

namespace tote::detail {

struct Url {
    std::vector<std::string> layers;  // "zstd::cache::sqlite://x" -> {"zstd", "cache"}: outermost first, lowercased
    std::string scheme;    // lowercased
    std::string location;  // everything after "://", may be empty only if the caller allows it
};

// True if text looks like a URL (contains "://"); otherwise it is a store name.
bool looks_like_url(std::string_view text);

// Throws Error(invalid_argument) for a malformed URL: no "://", a bad scheme or layer name, an empty location.
// Layers come before the scheme, each followed by "::" (fsspec's chaining); only the text before "://" is searched
// for them, so a location may hold "::" ("postgres://[::1]/db").
Url parse_url(std::string_view text);

// True for a scheme made of [a-z][a-z0-9+.-]* (as RFC 3986, lowercase).
bool is_valid_scheme(std::string_view scheme);

// The URL with its secrets replaced by "***", for messages and listings: the password of "user:password@" and
// the value of query parameters named password or passwd ("?password=…", as libpq takes them).
std::string redact_url(std::string_view url);

}  // namespace tote::detail

#endif  // TOTE_HOST_URL_HPP
