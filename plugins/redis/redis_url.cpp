// SPDX-License-Identifier: Apache-2.0
// redis_url.cpp — parsing the location of a redis:// URL (see redis_url.hpp). Errors never quote the user
// information part, which holds the password.
#include "redis_url.hpp"

#include <tote/plugin.hpp>

#include <cstdint>

namespace tote::redis_plugin {

using plugin::Error;

namespace {

[[noreturn]] void bad(const std::string& why) { throw Error(TOTE_INVALID_ARGUMENT, "bad redis URL: " + why); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding, so a password may hold any byte ("%40" for '@'). what names the part for the error message.
std::string percent_decode(std::string_view text, const char* what) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) bad(std::string("a '%' in the ") + what + " must be followed by two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

// A decimal number in [min, max]; -1 if text is not one.
int64_t parse_number(std::string_view text, int64_t min, int64_t max) {
    if (text.empty() || text.size() > 10) return -1;
    int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value >= min && value <= max ? value : -1;
}

}  // namespace

std::string RedisUrl::endpoint() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

RedisUrl parse_redis_location(std::string_view location) {
    RedisUrl url;
    // The user information ends at the last '@': the host, port and db never contain one, while an unencoded
    // password might.
    const size_t at = location.rfind('@');
    std::string_view rest = location;
    if (at != std::string_view::npos) {
        const std::string_view userinfo = location.substr(0, at);
        rest = location.substr(at + 1);
        const size_t colon = userinfo.find(':');
        url.user = percent_decode(userinfo.substr(0, colon), "user name");
        if (colon != std::string_view::npos) {
            url.password = percent_decode(userinfo.substr(colon + 1), "password");
            url.has_password = true;
        } else if (!url.user.empty()) {
            // "redis://secret@host" is how many clients spell a password alone; tote asks for the colon so that
            // a user name is never sent as a password by mistake.
            bad("user information without ':' (write redis://:PASSWORD@host for a password alone, or "
                "redis://USER:PASSWORD@host)");
        }
        if (url.has_password && url.password.empty() && url.user.empty()) url.has_password = false;  // "redis://:@h"
    }
    if (rest.find('?') != std::string_view::npos || rest.find('#') != std::string_view::npos)
        bad("redis URLs take no query or fragment; set options (prefix, pool_size, ...) in the config file");

    // host, then :port, then /db.
    std::string_view hostport = rest.substr(0, rest.find('/'));
    const std::string_view path = hostport.size() < rest.size() ? rest.substr(hostport.size() + 1) : "";
    std::string_view port_text;
    if (!hostport.empty() && hostport.front() == '[') {
        const size_t close = hostport.find(']');
        if (close == std::string_view::npos) bad("an IPv6 address needs its closing ']'");
        url.host = std::string(hostport.substr(1, close - 1));
        const std::string_view after = hostport.substr(close + 1);
        if (!after.empty() && after.front() != ':') bad("unexpected text after the IPv6 address");
        if (!after.empty()) port_text = after.substr(1);
        if (url.host.empty()) bad("empty IPv6 address");
    } else {
        const size_t colon = hostport.find(':');
        url.host = std::string(hostport.substr(0, colon));
        if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
    }
    if (url.host.empty()) bad("no host (expected redis://[user[:password]@]host[:port][/db])");
    for (char c : url.host)
        if (static_cast<unsigned char>(c) <= 0x20 || c == '%' || c == '\\' || c == '"')
            bad("the host name holds a character that cannot be in one");
    if (hostport.find(':') != std::string_view::npos && hostport.front() != '[' && port_text.empty())
        bad("':' after the host must be followed by a port");
    if (!port_text.empty()) {
        const int64_t port = parse_number(port_text, 1, 65535);
        if (port < 0) bad("the port must be a number from 1 to 65535");
        url.port = static_cast<int>(port);
    }
    if (!path.empty()) {
        const int64_t db = parse_number(path, 0, 1000000);
        if (db < 0) bad("the path must be a database number (redis://host:6379/0), nothing else");
        url.db = static_cast<int>(db);
    }
    return url;
}

}  // namespace tote::redis_plugin
