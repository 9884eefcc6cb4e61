// SPDX-License-Identifier: Apache-2.0
// raw_query.hpp — what tote's queries are measured against: the hand-written query an expert would run on each
// engine for the same question, with nothing of tote in between — SQLite's json_extract() over the plugin's
// table, PostgreSQL's jsonb over its table (libpq), and a loop that reads every file of a json store and parses
// it with nlohmann_json.
#ifndef TOTE_BENCH_RAW_QUERY_HPP
#define TOTE_BENCH_RAW_QUERY_HPP

#include <functional>
#include <string>

namespace tote::bench {

// Runs `SELECT key, value FROM tote_kv WHERE <where> ORDER BY key` on the SQLite file; returns the matches.
long raw_sqlite_query(const std::string& path, const std::string& where);
// The same on a PostgreSQL table, with the value parsed once per row as jsonb `d`: `… WHERE <where>`.
long raw_postgres_query(const std::string& url, const std::string& table, const std::string& where);
// Reads every file under dir (recursively), parses it, and counts those matches(document) accepts.
long raw_files_query(const std::string& dir, const std::function<bool(const void* document)>& matches);

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_QUERY_HPP
