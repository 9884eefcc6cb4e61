// SPDX-License-Identifier: Apache-2.0
// raw_query.cpp — the hand-written references of the query workload (raw_query.hpp).
#include "raw_query.hpp"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace tote::bench {

long raw_sqlite_query(const std::string& path, const std::string& where) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("raw sqlite: cannot open " + path);
    const std::string sql = "SELECT key, value FROM tote_kv WHERE " + where + " ORDER BY key";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("raw sqlite: " + message);
    }
    long matches = 0;
    size_t bytes = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        bytes += static_cast<size_t>(sqlite3_column_bytes(stmt, 1));  // the value is read, as tote's caller gets it
        ++matches;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    // The values' bytes were asked for (as tote's caller gets them); that they add up keeps the reads in.
    return bytes == 0 && matches > 0 ? -1 : matches;
}

long raw_postgres_query(const std::string& url, const std::string& table, const std::string& where) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        throw std::runtime_error("raw postgres: " + message);
    }
    const std::string sql = "SELECT t.key, t.value FROM " + table + " AS t CROSS JOIN LATERAL (SELECT "
                            "convert_from(t.value, 'UTF8')::jsonb AS d OFFSET 0) AS j WHERE " + where +
                            " ORDER BY t.key";
    PGresult* result = PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        const std::string message = PQresultErrorMessage(result);
        PQclear(result);
        PQfinish(conn);
        throw std::runtime_error("raw postgres: " + message);
    }
    const long matches = PQntuples(result);
    PQclear(result);
    PQfinish(conn);
    return matches;
}

long raw_files_query(const std::string& dir, const std::function<bool(const void* document)>& matches) {
    long count = 0;
    std::string text;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().filename().string().rfind(".tote", 0) == 0) continue;
        const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        text.resize(static_cast<size_t>(entry.file_size()));
        const ssize_t n = ::read(fd, text.data(), text.size());
        ::close(fd);
        if (n < 0) continue;
        text.resize(static_cast<size_t>(n));
        const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
        if (!doc.is_discarded() && doc.is_object() && matches(&doc)) ++count;
    }
    return count;
}

}  // namespace tote::bench
