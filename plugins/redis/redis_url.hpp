// SPDX-License-Identifier: Apache-2.0
// redis_url.hpp — the location part of a redis:// URL, parsed: [user[:password]@]host[:port][/db].
#ifndef TOTE_REDIS_URL_HPP
#define TOTE_REDIS_URL_HPP

#include <string>
#include <string_view>

namespace tote::redis_plugin {

struct RedisUrl {
    std::string host;  // a name, an IPv4 address or an IPv6 address (without its brackets)
    int port = 6379;
    std::string user;      // empty: AUTH with the password alone (the "default" user)
    std::string password;  // empty with has_password false: no AUTH at all
    bool has_password = false;
    int db = 0;  // SELECTed on every connection unless 0

    // "host:port" ("[::1]:6379" for IPv6), for messages. Never includes the user or the password.
    std::string endpoint() const;
};

// Parses what follows "redis://". User and password may be percent-encoded (%40 for '@', %3A for ':').
// Throws plugin::Error(TOTE_INVALID_ARGUMENT) with a message that never repeats the password.
RedisUrl parse_redis_location(std::string_view location);

}  // namespace tote::redis_plugin

#endif  // TOTE_REDIS_URL_HPP
