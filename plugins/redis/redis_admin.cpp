// SPDX-License-Identifier: Apache-2.0
// redis_admin.cpp — "tote.admin/1" for the Redis store: dropping every key of a store, and describing one.
//
// A drop opens the store as open() does (so a prefix that is not a tote store is CORRUPT and untouched, and a
// missing one NOT_FOUND), deletes its marker first (writers then fail with "the store no longer exists" instead
// of rebuilding part of it), then its keys a chunk per script, then the index and the counters. It is not atomic:
// a drop cut off by a lost connection leaves a store without a marker, which a new drop removes.
#include "redis_store.hpp"

namespace tote::redis_plugin {

using plugin::Error;

namespace {

std::string json_text(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out + "\"";
}

}  // namespace

void RedisStore::drop(const plugin::OpenParams& given) {
    plugin::OpenParams params = given;
    params.flags = 0;  // never create: a missing store is NOT_FOUND
    std::unique_ptr<RedisStore> store = open(params);
    RedisStore& s = *store;
    s.pool_.run("drop", Kind::idempotent_write, [&](Connection& c, const Attempt&) {
        Reply reply = c.command({"DEL", s.marker_});
        if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, s.refused("drop"));
    });
    s.remove_range("-", "+");
    s.pool_.run("drop", Kind::idempotent_write, [&](Connection& c, const Attempt&) {
        Reply reply = c.command({"DEL", s.index_, s.seq_, s.expiry_});
        if (reply->type == REDIS_REPLY_ERROR) fail_reply(*reply, s.refused("drop"));
    });
}

std::string RedisStore::info() {
    std::string version = "?";
    int64_t keys = 0;
    pool_.run("info", Kind::read, [&](Connection& c, const Attempt&) {
        Reply server = c.command({"INFO", "server"});
        if (server->type == REDIS_REPLY_ERROR) fail_reply(*server, refused("info"));
        if (server->type == REDIS_REPLY_STRING || server->type == REDIS_REPLY_STATUS) {
            const std::string_view text = reply_text(*server);
            const size_t at = text.find("redis_version:");
            if (at != std::string_view::npos) {
                const size_t start = at + 14, end = text.find_first_of("\r\n", start);
                version = std::string(text.substr(start, end == std::string_view::npos ? end : end - start));
            }
        }
        Reply count = c.command({"ZCARD", index_});
        if (count->type == REDIS_REPLY_ERROR) fail_reply(*count, refused("info"));
        keys = count->type == REDIS_REPLY_INTEGER ? count->integer : 0;
    });
    return "{\"engine\": " + json_text("Redis " + version) + ", \"server\": " + json_text(pool_.settings().url.endpoint()) +
           ", \"database\": " + std::to_string(pool_.settings().url.db) + ", \"prefix\": " + json_text(prefix_) +
           ", \"keys\": " + std::to_string(keys) + "}";
}

}  // namespace tote::redis_plugin
