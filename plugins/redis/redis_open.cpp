// SPDX-License-Identifier: Apache-2.0
// redis_open.cpp — RedisStore::open(): the scheme (rediss:// adds TLS), the options, the URL, the
// first connection, the Lua scripts, and finding or creating the store's marker key.
#include "redis_store.hpp"

#include <first_party.hpp>

#include <utility>

namespace tote::redis_plugin {

using plugin::Error;
using first_party::ranged_int_option;

namespace {

std::string prefix_option(const plugin::OpenParams& params) {
    std::string prefix = params.get_string(kOptionPrefix, kDefaultPrefix);
    // No ':' (it separates the prefix from the rest of a Redis key name, so two stores' key names can never
    // overlap) and nothing that would need quoting in redis-cli.
    bool valid = !prefix.empty() && prefix.size() <= kMaxPrefixLength;
    for (char c : prefix)
        valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                          c == '.' || c == '-');
    if (!valid)
        throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + kOptionPrefix + "' must be 1 to " +
                                               std::to_string(kMaxPrefixLength) +
                                               " characters from A-Z a-z 0-9 _ . - (it names the store on the server)");
    return prefix;
}

// rediss://: the TLS settings every connection of the store shares. The tls_* options on a redis:// URL are a
// mistake (the connection would not be encrypted), so they are refused rather than ignored.
std::shared_ptr<TlsContext> tls_option(const plugin::OpenParams& params, bool tls) {
    TlsOptions options;
    options.ca_file = params.get_string(kOptionTlsCaFile, "");
    options.cert_file = params.get_string(kOptionTlsCertFile, "");
    options.key_file = params.get_string(kOptionTlsKeyFile, "");
    if (!tls) {
        for (const char* name : {kOptionTlsCaFile, kOptionTlsCertFile, kOptionTlsKeyFile})
            if (!params.get_string(name, "").empty())
                throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + name +
                                                       "' is for TLS connections: use a rediss:// URL");
        return nullptr;
    }
    return TlsContext::create(options);
}

}  // namespace

std::unique_ptr<RedisStore> RedisStore::open(const plugin::OpenParams& params) {
    const std::string scheme = params.url.substr(0, params.url.find("://"));
    const bool create = params.create();

    const std::string prefix = prefix_option(params);
    const auto pool_size = static_cast<size_t>(ranged_int_option(params, kOptionPoolSize, kDefaultPoolSize, 1, kMaxPoolSize));
    const auto retries = static_cast<int>(ranged_int_option(params, kOptionRetries, kDefaultRetries, 0, kMaxRetries));
    ConnectSettings settings;
    settings.connect_timeout_ms =
        static_cast<int>(ranged_int_option(params, kOptionConnectTimeout, kDefaultConnectTimeoutMs, 1, kMaxTimeoutMs));
    settings.timeout_ms = static_cast<int>(ranged_int_option(params, kOptionTimeout, kDefaultTimeoutMs, 1, kMaxTimeoutMs));
    settings.url = parse_redis_location(params.location);
    settings.tls = tls_option(params, scheme == "rediss");
    const std::string endpoint = settings.url.endpoint();

    // Opening is not retried: a server that is down, or a wrong host or port, is reported at once.
    std::unique_ptr<Connection> connection;
    Scripts scripts;
    int64_t state = 0;
    try {
        connection = Connection::connect(settings);
        // The first commands of a connection without a password are where NOAUTH shows.
        const std::string refused = "the server at " + endpoint + " refused to open the store";
        scripts.load(*connection, refused);
        const std::string marker = prefix + ":store", index = prefix + ":index", seq = prefix + ":seq";
        Reply reply = scripts.run(*connection, Script::open_store, {marker, index, seq},
                                  {kStoreMarker, create ? "1" : "0"}, refused);
        if (reply->type != REDIS_REPLY_INTEGER) throw Error(TOTE_INTERNAL, "unexpected reply when opening the store");
        state = reply->integer;
    } catch (const Transient& e) {
        const std::string what = e.what();
        // Connection::connect's messages already say "cannot connect to ..."; a failure after it did not.
        const std::string message =
            what.rfind("cannot connect", 0) == 0 ? what : "connection to " + endpoint + " lost while opening: " + what;
        throw Error(e.timeout() ? TOTE_TIMEOUT : TOTE_UNAVAILABLE, message);
    }
    const std::string where = "'" + prefix + "' on " + endpoint + " (database " + std::to_string(settings.url.db) + ")";
    switch (state) {
    case 1:
    case 2: break;
    case 0: throw Error(TOTE_NOT_FOUND, "no tote store " + where + " (open it with create to make one)");
    case -1:
        throw Error(TOTE_CORRUPT, "the key " + prefix + ":store " + where +
                                      " is not the marker of a tote store of this format (expected the string \"" +
                                      std::string(kStoreMarker) + "\"); choose another prefix");
    case -2:
        throw Error(TOTE_CORRUPT, "keys " + prefix + ":index or " + prefix + ":seq exist " + where +
                                      " but no store marker: they are not a tote store; choose another prefix");
    default: throw Error(TOTE_INTERNAL, "unexpected reply when opening the store");
    }
    return std::make_unique<RedisStore>(std::move(settings), pool_size, retries, std::move(scripts), prefix,
                                        params.read_only(), std::move(connection));
}

}  // namespace tote::redis_plugin
