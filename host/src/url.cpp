// url.cpp — URL splitting. Deliberately small: the location's meaning belongs to the plugin.
#include "url.hpp"

#include "key.hpp"

#include <tote/error.hpp>

#include <cctype>

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
    for (char c : text.substr(0, sep)) url.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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

}  // namespace tote::detail
