// SPDX-License-Identifier: Apache-2.0
// raw_redis.cpp — the bare hiredis reference (see raw_redis.hpp); the structures are the redis plugin's
// (plugins/redis/redis_scripts.cpp: P:v:<key>, P:m:<key> {ver, t}, P:index, P:seq).
#include "raw_redis.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <stdexcept>

namespace tote::bench {

namespace {

redisReply* command(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
    if (!reply) throw std::runtime_error(std::string("redis: ") + c->errstr);
    if (reply->type == REDIS_REPLY_ERROR) {
        std::string message(reply->str, reply->len);
        freeReplyObject(reply);
        throw std::runtime_error("redis: " + message);
    }
    return reply;
}

void append(redisContext* c, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data());
}

}  // namespace

RawRedis::RawRedis(const std::string& host, int port, const std::string& password, const std::string& prefix)
    : prefix_(prefix) {
    c_ = redisConnect(host.c_str(), port);
    if (!c_ || c_->err) throw std::runtime_error("redis connect failed");
    if (!password.empty()) freeReplyObject(command(c_, {"AUTH", password}));
}

RawRedis::~RawRedis() { redisFree(c_); }

void RawRedis::put_batch(const std::vector<std::pair<std::string, std::string>>& batch) {
    const std::string now = std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch()).count());
    // The counter first (the plugin takes each version from INCR inside its script), then one MULTI/EXEC.
    redisReply* seq = command(c_, {"INCRBY", prefix_ + ":seq", std::to_string(batch.size())});
    long long version = seq->integer - static_cast<long long>(batch.size());
    freeReplyObject(seq);
    append(c_, {"MULTI"});
    for (const auto& [key, value] : batch) {
        append(c_, {"SET", prefix_ + ":v:" + key, value});
        append(c_, {"HSET", prefix_ + ":m:" + key, "ver", std::to_string(++version), "t", now});
        append(c_, {"ZADD", prefix_ + ":index", "0", key});
    }
    append(c_, {"EXEC"});
    for (size_t i = 0; i < batch.size() * 3 + 2; ++i) {
        void* reply = nullptr;
        if (redisGetReply(c_, &reply) != REDIS_OK) throw std::runtime_error("redis pipeline failed");
        freeReplyObject(reply);
    }
}

bool RawRedis::get(const std::string& key, std::string& out) {
    redisReply* r = command(c_, {"GET", prefix_ + ":v:" + key});
    const bool found = r->type == REDIS_REPLY_STRING;
    if (found) out.assign(r->str, r->len);
    freeReplyObject(r);
    return found;
}

long RawRedis::count_keys(long page) {
    long n = 0;
    std::string from = "-";
    for (;;) {
        redisReply* r = command(c_, {"ZRANGEBYLEX", prefix_ + ":index", from, "+", "LIMIT", "0", std::to_string(page)});
        const size_t rows = r->elements;
        if (rows > 0) from = "(" + std::string(r->element[rows - 1]->str, r->element[rows - 1]->len);
        freeReplyObject(r);
        n += static_cast<long>(rows);
        if (static_cast<long>(rows) < page) return n;
    }
}

}  // namespace tote::bench
