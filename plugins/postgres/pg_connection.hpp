// SPDX-License-Identifier: Apache-2.0
// pg_connection.hpp — one libpq connection, as the store uses it: connecting within a deadline, a session set up
// for tote (statement_timeout, isolation, read-only), statements prepared once per connection, binary parameters
// and results, pipelines (one round trip for many statements), and a client-side limit on how long the server
// may stay silent, so that no call ever waits forever. Knows nothing of keys or tables.
//
// Every socket operation is non-blocking and waits with poll(), bounded by a deadline. Failures are thrown:
// plugin::Error for a statement the server refused (SQLSTATE → status, pg_errors.hpp), ConnectionLost when the
// connection died under the statement.
#ifndef TOTE_PG_CONNECTION_HPP
#define TOTE_PG_CONNECTION_HPP

#include "pg_errors.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace tote::postgres_plugin {

using Millis = std::chrono::milliseconds;

// How the server may be reached and what every session needs.
struct ConnectConfig {
    std::string url;         // the tote URL, handed to libpq untouched (every libpq URI parameter passes through)
    std::string address;     // "host:port" as the URL names it, for messages
    Secrets secrets;         // the URL's password, kept out of every message
    Millis connect_timeout{5000};
    Millis timeout{30000};   // statement_timeout and tcp_user_timeout (see Connection::silence_limit)
    bool read_only = false;  // sessions run with default_transaction_read_only = on
};

// PostgreSQL type OIDs of the parameters we send (pg_type.h is a server header, so they are spelt out here).
enum class Type : unsigned { bytea = 17, int8 = 20, text = 25 };

// A statement that each connection prepares on first use, under the name "tote_<id>". id indexes a connection's
// record of what it has prepared, so the ids of one store's statements are 0, 1, 2, ... .
struct Statement {
    size_t id = 0;
    std::string sql;
    std::vector<Type> types;
};

// Parameters in binary format. Holds the encodings of integers; text and bytes are referenced, not copied, and
// must outlive the call.
class Params {
public:
    Params() = default;
    Params(const Params&) = delete;  // values_ points into owned_ (and into short strings' inline buffers)
    Params& operator=(const Params&) = delete;

    Params& text(std::string_view value) { return add(value); }
    Params& bytes(std::string_view value) { return add(value); }
    Params& int8(int64_t value);
    Params& null();  // SQL NULL (of the type the statement declares)

    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

private:
    Params& add(std::string_view value);
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    std::deque<std::string> owned_;  // a deque: adding never moves the earlier elements that values_ points into
};

// A statement's result (binary format), owning the PGresult.
class Result {
public:
    Result() = default;
    explicit Result(pg_result* result) : result_(result) {}
    ~Result();
    Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
    Result& operator=(Result&& other) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;

    bool ok() const;       // the statement succeeded
    bool aborted() const;  // a pipeline skipped it after an earlier failure
    [[noreturn]] void fail() const;  // throws the Error of a failed result
    int rows() const;
    bool is_null(int row, int column) const;
    std::string_view bytes(int row, int column) const;  // text, bytea, name: the raw bytes
    int64_t int8(int row, int column) const;
    int32_t int4(int row, int column) const;
    uint64_t affected() const;  // rows inserted, updated or deleted (PQcmdTuples)
    std::string command() const;  // the command tag: "COMMIT", "ROLLBACK", "INSERT 0 1"
    const pg_result* get() const { return result_; }

private:
    pg_result* result_ = nullptr;
};

// One statement of a pipeline.
struct Query {
    const Statement* statement = nullptr;  // nullptr: sql below, unprepared, without parameters (BEGIN)
    const Params* params = nullptr;
    const char* sql = nullptr;
};

class Connection {
public:
    // Connects within config.connect_timeout and sets the session up. Throws the Error of connect_error()
    // (UNAVAILABLE for a server that cannot be reached, PERMISSION_DENIED, NOT_FOUND for a missing database, ...).
    explicit Connection(const ConnectConfig& config);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs a statement (prepared on first use) and returns its result. A statement the server refuses throws its
    // Error; a connection that dies throws ConnectionLost, with maybe_applied = false if the statement provably
    // never left (the connection was already dead, or its bytes were not all sent).
    Result run(const Statement& statement, const Params& params);
    // Runs one SQL statement that is not prepared (open-time catalog queries, BEGIN, COMMIT).
    Result run_sql(const char* sql, const Params& params = Params());
    // Runs the queries as one pipeline (one round trip), in order, each result returned whether it succeeded,
    // failed or was skipped after a failure (Result::ok, Result::aborted). Throws ConnectionLost if the
    // connection dies. Use it inside a transaction that the caller commits or rolls back afterwards.
    std::vector<Result> run_pipeline(const std::vector<Query>& queries);

    // True if the connection can take a statement now: open, idle, and not closed by the server meanwhile (a
    // server restart, an idle timeout). Reads whatever the server sent while idle; never blocks.
    bool usable();
    // True if the connection is open and outside any transaction (safe to hand to another caller).
    bool idle() const;
    // Sends ROLLBACK if a transaction is open. Never throws; on failure the connection is left unusable.
    void rollback_quietly() noexcept;

    const std::string& database() const { return database_; }
    const std::string& user() const { return user_; }

private:
    void prepare(const Statement& statement);
    // Waits until the socket is readable (or writable as well, if write), for at most the silence limit, and
    // returns poll()'s revents. sent: whether the current statement may already have reached the server.
    short await(bool write, bool sent);
    void flush(bool sent);
    Result next_result(bool sent);
    // Reads results up to the end of the current statement (a NULL from PQgetResult); returns the first failure,
    // or the last result.
    Result finish_statement(bool sent);
    [[noreturn]] void lost(bool maybe_applied);
    [[noreturn]] void silence(bool sent);
    void setup_session();

    const ConnectConfig& config_;
    pg_conn* conn_ = nullptr;
    std::vector<bool> prepared_;  // by Statement::id
    std::string database_;
    std::string user_;
};

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_CONNECTION_HPP
