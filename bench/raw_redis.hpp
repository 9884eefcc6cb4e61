// SPDX-License-Identifier: Apache-2.0
// raw_redis.hpp — the reference tote's redis plugin is measured against: hiredis writing the same Redis
// structures the plugin keeps (the value, its version and time, the ordered index, the version counter), a batch
// as one pipelined MULTI/EXEC, reads as GET, listings as ZRANGEBYLEX pages — with nothing of tote in between.
#ifndef TOTE_BENCH_RAW_REDIS_HPP
#define TOTE_BENCH_RAW_REDIS_HPP

#include <string>
#include <utility>
#include <vector>

struct redisContext;

namespace tote::bench {

class RawRedis {
public:
    RawRedis(const std::string& host, int port, const std::string& password, const std::string& prefix);
    ~RawRedis();
    RawRedis(const RawRedis&) = delete;
    RawRedis& operator=(const RawRedis&) = delete;

    void put_batch(const std::vector<std::pair<std::string, std::string>>& batch);
    bool get(const std::string& key, std::string& out);
    long count_keys(long page);

private:
    redisContext* c_ = nullptr;
    std::string prefix_;
};

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_REDIS_HPP
