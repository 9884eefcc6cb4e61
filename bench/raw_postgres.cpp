// SPDX-License-Identifier: Apache-2.0
// raw_postgres.cpp — the bare libpq reference (see raw_postgres.hpp); the table and statements are the postgres
// plugin's (plugins/postgres/pg_open.cpp, pg_store.cpp).
#include "raw_postgres.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace tote::bench {

namespace {

void check(PGconn* c, PGresult* r, const char* what) {
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_SYNC) {
        std::string message = std::string(what) + ": " + PQerrorMessage(c);
        PQclear(r);
        throw std::runtime_error(message);
    }
    PQclear(r);
}

// A BIGINT parameter in binary (network byte order).
struct Int8 {
    char bytes[8];
    explicit Int8(int64_t v) {
        uint64_t u = static_cast<uint64_t>(v);
        for (int i = 7; i >= 0; --i, u >>= 8) bytes[i] = static_cast<char>(u & 0xFF);
    }
};

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

RawPostgres::RawPostgres(const std::string& url, const std::string& table) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(std::string("connect: ") + PQerrorMessage(conn_));
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping" is expected
    check(conn_, PQexec(conn_, ("CREATE TABLE IF NOT EXISTS " + table + " (key TEXT COLLATE \"C\" PRIMARY KEY, value "
                                "BYTEA NOT NULL, version BIGINT NOT NULL, mtime_ns BIGINT NOT NULL)").c_str()),
          "create");
    check(conn_, PQprepare(conn_, "upsert",
                           ("INSERT INTO " + table + " AS t (key, value, version, mtime_ns) VALUES ($1, $2, $3, $4) "
                            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, "
                            "mtime_ns = EXCLUDED.mtime_ns").c_str(), 4, nullptr),
          "prepare upsert");
    check(conn_, PQprepare(conn_, "read", ("SELECT value, version, mtime_ns FROM " + table + " WHERE key = $1").c_str(),
                           1, nullptr),
          "prepare read");
    check(conn_, PQprepare(conn_, "page", ("SELECT key FROM " + table + " WHERE key > $1 ORDER BY key LIMIT $2").c_str(),
                           2, nullptr),
          "prepare page");
}

RawPostgres::~RawPostgres() { PQfinish(conn_); }

void RawPostgres::put_batch(const std::vector<std::pair<std::string, std::string>>& batch) {
    if (PQenterPipelineMode(conn_) != 1) throw std::runtime_error("pipeline mode");
    PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0);
    for (const auto& [key, value] : batch) {
        version_ = version_ * 6364136223846793005ULL + 1442695040888963407ULL;
        Int8 version(static_cast<int64_t>(version_ | 1)), mtime(now_ns());
        const char* values[4] = {key.data(), value.data(), version.bytes, mtime.bytes};
        const int lengths[4] = {static_cast<int>(key.size()), static_cast<int>(value.size()), 8, 8};
        const int formats[4] = {1, 1, 1, 1};
        PQsendQueryPrepared(conn_, "upsert", 4, values, lengths, formats, 1);
    }
    PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0);
    PQpipelineSync(conn_);
    // Each query's result is followed by a NULL; the sync's result comes last, on its own.
    for (size_t i = 0; i < batch.size() + 2; ++i) {
        check(conn_, PQgetResult(conn_), "pipelined write");
        if (PGresult* end = PQgetResult(conn_)) PQclear(end);
    }
    PGresult* sync = PQgetResult(conn_);
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) check(conn_, sync, "sync");
    else PQclear(sync);
    if (PQexitPipelineMode(conn_) != 1) throw std::runtime_error(std::string("pipeline: ") + PQerrorMessage(conn_));
}

bool RawPostgres::get(const std::string& key, std::string& out) {
    const char* values[1] = {key.data()};
    const int lengths[1] = {static_cast<int>(key.size())};
    const int formats[1] = {1};
    PGresult* r = PQexecPrepared(conn_, "read", 1, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) check(conn_, r, "read");
    const bool found = PQntuples(r) == 1;
    if (found) out.assign(PQgetvalue(r, 0, 0), static_cast<size_t>(PQgetlength(r, 0, 0)));
    PQclear(r);
    return found;
}

long RawPostgres::count_keys(long page) {
    long n = 0;
    std::string after;
    const std::string limit = std::to_string(page);
    for (;;) {
        const char* values[2] = {after.c_str(), limit.c_str()};
        PGresult* r = PQexecPrepared(conn_, "page", 2, values, nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) check(conn_, r, "page");
        const int rows = PQntuples(r);
        if (rows > 0) after.assign(PQgetvalue(r, rows - 1, 0), static_cast<size_t>(PQgetlength(r, rows - 1, 0)));
        PQclear(r);
        n += rows;
        if (rows < page) return n;
    }
}

}  // namespace tote::bench
