// SPDX-License-Identifier: Apache-2.0
// raw_postgres.hpp — the reference tote's postgres plugin is measured against: libpq on the same table, the same
// prepared statements with binary parameters, a batch sent as one pipeline in one transaction — with nothing of
// tote in between.
#ifndef TOTE_BENCH_RAW_POSTGRES_HPP
#define TOTE_BENCH_RAW_POSTGRES_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct pg_conn;

namespace tote::bench {

class RawPostgres {
public:
    RawPostgres(const std::string& url, const std::string& table);
    ~RawPostgres();
    RawPostgres(const RawPostgres&) = delete;
    RawPostgres& operator=(const RawPostgres&) = delete;

    // One transaction, pipelined: BEGIN, an upsert per pair, COMMIT.
    void put_batch(const std::vector<std::pair<std::string, std::string>>& batch);
    bool get(const std::string& key, std::string& out);
    // Every key in order, in pages of page keys; returns how many.
    long count_keys(long page);

private:
    pg_conn* conn_ = nullptr;
    uint64_t version_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_POSTGRES_HPP
