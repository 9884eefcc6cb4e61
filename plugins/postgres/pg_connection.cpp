// SPDX-License-Identifier: Apache-2.0
// pg_connection.cpp — Connection: libpq in non-blocking mode, every wait a poll() with a deadline; prepared
// statements, binary parameters and results, pipelines; and the distinction, when a connection dies, between a
// statement that may have reached the server and one that provably did not.
#include "pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tote::postgres_plugin {

using plugin::Error;
using Clock = std::chrono::steady_clock;

namespace {

// libpq prints notices (such as "relation already exists, skipping") on stderr unless told otherwise; a plugin
// must not write to the host's stderr.
void ignore_notice(void*, const char*) {}

// How long after the server's own statement_timeout the client stops waiting for an answer. The server's timeout
// cancels a slow statement and answers with SQLSTATE 57014 within milliseconds; silence beyond this grace means the
// server or the network is gone without the kernel noticing (no RST, no unacknowledged data for tcp_user_timeout).
constexpr Millis kSilenceGrace{2000};

std::string statement_name(size_t id) { return "tote_" + std::to_string(id); }

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return left > 1000000 ? 1000000 : static_cast<int>(left);
}

uint64_t big_endian(const char* data, size_t size) {
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
    return value;
}

}  // namespace

// ---- Params -------------------------------------------------------------------------------------------------------

Params& Params::add(std::string_view value) {
    // A NULL pointer would send SQL NULL, and an empty string_view may well have data() == nullptr.
    values_.push_back(value.data() != nullptr ? value.data() : "");
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(1);
    return *this;
}

Params& Params::int8(int64_t value) {
    // Binary int8 is the 8 bytes in network (big-endian) order.
    std::string encoded(8, '\0');
    const auto bits = static_cast<uint64_t>(value);
    for (int i = 0; i < 8; ++i) encoded[static_cast<size_t>(i)] = static_cast<char>((bits >> (56 - 8 * i)) & 0xFF);
    owned_.push_back(std::move(encoded));
    return add(owned_.back());
}

Params& Params::null() {
    values_.push_back(nullptr);  // libpq: a NULL value pointer is SQL NULL, whatever the length and format
    lengths_.push_back(0);
    formats_.push_back(1);
    return *this;
}

// ---- Result -------------------------------------------------------------------------------------------------------

Result::~Result() { PQclear(result_); }

Result& Result::operator=(Result&& other) noexcept {
    if (this != &other) {
        PQclear(result_);
        result_ = other.result_;
        other.result_ = nullptr;
    }
    return *this;
}

bool Result::ok() const {
    const ExecStatusType status = PQresultStatus(result_);
    return result_ != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

bool Result::aborted() const { return result_ != nullptr && PQresultStatus(result_) == PGRES_PIPELINE_ABORTED; }

void Result::fail() const {
    if (result_ == nullptr) throw Error(TOTE_INTERNAL, "the server sent no result for a statement");
    throw result_error(result_);
}

int Result::rows() const { return PQntuples(result_); }

bool Result::is_null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view Result::bytes(int row, int column) const {
    return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}

int64_t Result::int8(int row, int column) const {
    const std::string_view raw = bytes(row, column);
    if (raw.size() != 8) throw Error(TOTE_CORRUPT, "expected an 8-byte integer column, got " + std::to_string(raw.size()) + " bytes");
    return static_cast<int64_t>(big_endian(raw.data(), 8));
}

int32_t Result::int4(int row, int column) const {
    const std::string_view raw = bytes(row, column);
    if (raw.size() != 4) throw Error(TOTE_CORRUPT, "expected a 4-byte integer column, got " + std::to_string(raw.size()) + " bytes");
    return static_cast<int32_t>(static_cast<uint32_t>(big_endian(raw.data(), 4)));
}

uint64_t Result::affected() const {
    const char* text = PQcmdTuples(result_);
    return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : 0;
}

std::string Result::command() const {
    const char* text = result_ ? PQcmdStatus(result_) : nullptr;
    return text ? text : "";
}

// ---- Connecting ---------------------------------------------------------------------------------------------------

Connection::Connection(const ConnectConfig& config) : config_(config) {
    const std::string user_timeout = std::to_string(config.timeout.count());
    // With expand_dbname, libpq reads the URL given as dbname and applies keywords in array order, the last one
    // winning. Keywords before dbname are defaults the URL may override (its own tcp_user_timeout, say); the one
    // after it is what the plugin relies on: keys are sent and received as UTF-8.
    const char* keywords[] = {"fallback_application_name", "tcp_user_timeout", "dbname", "client_encoding", nullptr};
    const char* values[] = {"tote", user_timeout.c_str(), config.url.c_str(), "UTF8", nullptr};
    conn_ = PQconnectStartParams(keywords, values, 1);
    if (conn_ == nullptr) throw Error(TOTE_INTERNAL, "out of memory starting a PostgreSQL connection");
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
    // Verbose messages carry the SQLSTATE of a refusal ("FATAL:  28P01: password authentication failed"), which is
    // the only way to tell a wrong password from a server that is down before a connection exists.
    PQsetErrorVerbosity(conn_, PQERRORS_VERBOSE);

    // PQconnectPoll's own loop, with our deadline over the whole attempt (every host of a multi-host URL, the TLS
    // handshake, authentication). libpq's connect_timeout counts whole seconds, per host, and only when blocking.
    const Clock::time_point deadline = Clock::now() + config.connect_timeout;
    PostgresPollingStatusType state = PQstatus(conn_) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    bool timed_out = false;
    while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
        const int wait = remaining_ms(deadline);
        if (wait == 0) {
            timed_out = true;
            break;
        }
        pollfd fd{PQsocket(conn_), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        const int rc = ::poll(&fd, 1, wait);
        if (rc < 0 && errno != EINTR) break;  // PQconnectPoll below reports the socket's trouble
        if (rc == 0) continue;
        state = PQconnectPoll(conn_);
    }
    if (state != PGRES_POLLING_OK) {
        Error error = timed_out ? Error(TOTE_UNAVAILABLE, "cannot connect to " + config.address + ": no answer within " +
                                                              std::to_string(config.connect_timeout.count()) +
                                                              " ms (option connect_timeout_ms)")
                                : connect_error(conn_, config.address);
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(error.status(), config.secrets.scrub(error.what()));
    }
    PQsetErrorVerbosity(conn_, PQERRORS_DEFAULT);
    database_ = PQdb(conn_) ? PQdb(conn_) : "";
    user_ = PQuser(conn_) ? PQuser(conn_) : "";
    try {
        if (PQsetnonblocking(conn_, 1) != 0) throw Error(TOTE_INTERNAL, "cannot make the PostgreSQL connection non-blocking");
        setup_session();
    } catch (const ConnectionLost& e) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(TOTE_UNAVAILABLE, "cannot connect to " + config.address + ": " + e.what());
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::setup_session() {
    // statement_timeout bounds every statement on the server; the client's own limit (await) backs it up.
    // READ COMMITTED is what the SQL of the store is written for: a compare-version UPDATE or an upsert then
    // re-checks a row a concurrent transaction changed instead of failing with a serialization error, whatever
    // default the database was given.
    std::string sql = "SET statement_timeout = " + std::to_string(config_.timeout.count()) +
                      "; SET default_transaction_isolation = 'read committed'";
    // A read-only store never writes, so even a mistake of ours could not modify the table.
    if (config_.read_only) sql += "; SET default_transaction_read_only = on";
    if (!PQsendQuery(conn_, sql.c_str())) lost(false);
    flush(false);
    Result failure;
    for (;;) {
        Result result = next_result(false);
        if (result.get() == nullptr) break;
        if (!result.ok() && failure.get() == nullptr) failure = std::move(result);
    }
    if (failure.get() != nullptr) failure.fail();
}

// ---- Waiting on the socket ----------------------------------------------------------------------------------------

void Connection::lost(bool maybe_applied) {
    std::string message = "the connection to " + config_.address + " was lost";
    if (conn_ != nullptr) {
        const std::string reason = tidy_libpq_message(PQerrorMessage(conn_));
        if (!reason.empty()) message += ": " + reason;
        PQfinish(conn_);
        conn_ = nullptr;
    }
    throw ConnectionLost(config_.secrets.scrub(message), maybe_applied);
}

void Connection::silence(bool sent) {
    PQfinish(conn_);  // the session may still be alive on the server; closing it ends whatever it was doing
    conn_ = nullptr;
    const auto limit = config_.timeout + kSilenceGrace;
    throw Error(TOTE_TIMEOUT, "no answer from the server at " + config_.address + " for " +
                                  std::to_string(limit.count()) + " ms (option timeout_ms + " +
                                  std::to_string(kSilenceGrace.count()) + " ms); the connection was closed" +
                                  (sent ? ", and the statement may or may not have been applied" : ""));
}

short Connection::await(bool write, bool sent) {
    // Silence, not total time, is what is limited: a large value keeps the socket busy for as long as it takes.
    const Clock::time_point deadline = Clock::now() + config_.timeout + kSilenceGrace;
    for (;;) {
        const int wait = remaining_ms(deadline);
        if (wait == 0) silence(sent);
        pollfd fd{PQsocket(conn_), static_cast<short>(POLLIN | (write ? POLLOUT : 0)), 0};
        const int rc = ::poll(&fd, 1, wait);
        if (rc > 0) return fd.revents;
        if (rc < 0 && errno != EINTR) lost(sent);
    }
}

void Connection::flush(bool sent) {
    for (;;) {
        const int rc = PQflush(conn_);
        if (rc == 0) return;
        if (rc < 0) lost(sent);
        // Read while writing: a server that cannot send its answers (our receive buffer full) stops reading ours.
        const short events = await(true, sent);
        if ((events & (POLLIN | POLLHUP | POLLERR)) != 0 && !PQconsumeInput(conn_)) lost(sent);
    }
}

Result Connection::next_result(bool sent) {
    for (;;) {
        if (!PQisBusy(conn_)) return Result(PQgetResult(conn_));
        await(false, sent);
        if (!PQconsumeInput(conn_)) lost(sent);
    }
}

Result Connection::finish_statement(bool sent) {
    Result kept;
    for (;;) {
        Result result = next_result(sent);
        if (result.get() == nullptr) break;
        if (!result.ok()) {
            const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
            // A session the server ended (shutdown, restart) or a socket that failed: not the statement's fault.
            if (PQstatus(conn_) != CONNECTION_OK || (sqlstate != nullptr && is_connection_failure(sqlstate)))
                lost(sent);
            if (kept.ok() || kept.get() == nullptr) kept = std::move(result);  // keep the first failure
        } else if (kept.get() == nullptr || kept.ok()) {
            kept = std::move(result);
        }
    }
    if (PQstatus(conn_) != CONNECTION_OK) lost(sent);
    if (!kept.ok()) kept.fail();
    return kept;
}

// ---- Statements ---------------------------------------------------------------------------------------------------

void Connection::prepare(const Statement& statement) {
    if (statement.id < prepared_.size() && prepared_[statement.id]) return;
    std::vector<unsigned> types;
    for (Type type : statement.types) types.push_back(static_cast<unsigned>(type));
    const std::string name = statement_name(statement.id);
    // Nothing of the statement itself has been sent while it is being prepared: a loss here is never "applied".
    if (!PQsendPrepare(conn_, name.c_str(), statement.sql.c_str(), static_cast<int>(types.size()), types.data())) {
        if (PQstatus(conn_) != CONNECTION_OK) lost(false);
        throw Error(TOTE_INTERNAL, "cannot send a statement to prepare: " + tidy_libpq_message(PQerrorMessage(conn_)));
    }
    flush(false);
    finish_statement(false);
    if (prepared_.size() <= statement.id) prepared_.resize(statement.id + 1, false);
    prepared_[statement.id] = true;
}

Result Connection::run(const Statement& statement, const Params& params) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) lost(false);
    prepare(statement);
    const std::string name = statement_name(statement.id);
    if (!PQsendQueryPrepared(conn_, name.c_str(), params.count(), params.values(), params.lengths(), params.formats(),
                             1)) {
        if (PQstatus(conn_) != CONNECTION_OK) lost(false);
        throw Error(TOTE_INTERNAL, "cannot send a statement: " + tidy_libpq_message(PQerrorMessage(conn_)));
    }
    // Until every byte is handed to the kernel, the server cannot have the closing Sync message, and without it an
    // autocommit statement does not commit: a loss before then is "not applied".
    flush(false);
    return finish_statement(true);
}

Result Connection::run_sql(const char* sql, const Params& params) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) lost(false);
    if (!PQsendQueryParams(conn_, sql, params.count(), nullptr, params.values(), params.lengths(), params.formats(),
                           1)) {
        if (PQstatus(conn_) != CONNECTION_OK) lost(false);
        throw Error(TOTE_INTERNAL, "cannot send a statement: " + tidy_libpq_message(PQerrorMessage(conn_)));
    }
    // Unlike the autocommit statements of run(), a COMMIT takes effect when its Execute message arrives, before
    // the closing Sync: once any of it may have left, it may have been applied.
    flush(true);
    return finish_statement(true);
}

std::vector<Result> Connection::run_pipeline(const std::vector<Query>& queries) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) lost(false);
    for (const Query& query : queries)
        if (query.statement != nullptr) prepare(*query.statement);
    if (!PQenterPipelineMode(conn_))
        throw Error(TOTE_INTERNAL, "cannot enter pipeline mode: " + tidy_libpq_message(PQerrorMessage(conn_)));
    static const Params kNone;
    for (const Query& query : queries) {
        const Params& params = query.params != nullptr ? *query.params : kNone;
        int sent = 0;
        if (query.statement != nullptr) {
            const std::string name = statement_name(query.statement->id);
            sent = PQsendQueryPrepared(conn_, name.c_str(), params.count(), params.values(), params.lengths(),
                                       params.formats(), 1);
        } else {
            sent = PQsendQueryParams(conn_, query.sql, params.count(), nullptr, params.values(), params.lengths(),
                                     params.formats(), 1);
        }
        if (!sent) {
            if (PQstatus(conn_) != CONNECTION_OK) lost(false);
            throw Error(TOTE_INTERNAL, "cannot queue a statement: " + tidy_libpq_message(PQerrorMessage(conn_)));
        }
    }
    if (!PQpipelineSync(conn_)) lost(false);
    flush(false);
    std::vector<Result> results;
    results.reserve(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
        // Each query's results end with a NULL; keep the first failure (or the last result).
        Result kept;
        for (;;) {
            Result result = next_result(true);
            if (result.get() == nullptr) break;
            if (!result.ok() && !result.aborted()) {
                const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
                if (PQstatus(conn_) != CONNECTION_OK || (sqlstate != nullptr && is_connection_failure(sqlstate)))
                    lost(true);
            }
            if (kept.get() == nullptr || kept.ok()) kept = std::move(result);
        }
        if (PQstatus(conn_) != CONNECTION_OK) lost(true);
        results.push_back(std::move(kept));
    }
    Result sync = next_result(true);
    if (sync.get() == nullptr || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
        if (PQstatus(conn_) != CONNECTION_OK) lost(true);
        throw Error(TOTE_INTERNAL, "the pipeline did not end as expected");
    }
    if (!PQexitPipelineMode(conn_))
        throw Error(TOTE_INTERNAL, "cannot leave pipeline mode: " + tidy_libpq_message(PQerrorMessage(conn_)));
    return results;
}

// ---- State --------------------------------------------------------------------------------------------------------

bool Connection::idle() const {
    return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
           PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

bool Connection::usable() {
    if (!idle()) return false;
    // A server that restarted or ended the session while we were idle has sent a message and closed the socket:
    // the socket reads as ready. Read until nothing more is there, which at end-of-file fails and marks the
    // connection bad. Bounded: a live server sends nothing unprompted but notices and parameter changes.
    for (int round = 0; round < 16; ++round) {
        pollfd fd{PQsocket(conn_), POLLIN, 0};
        const int rc = ::poll(&fd, 1, 0);
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) break;
        if (!PQconsumeInput(conn_)) return false;
        PQisBusy(conn_);  // parses what arrived (notices go to the no-op processor)
        while (PGnotify* notify = PQnotifies(conn_)) PQfreemem(notify);
    }
    return idle();
}

void Connection::rollback_quietly() noexcept {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return;
    const PGTransactionStatusType state = PQtransactionStatus(conn_);
    if (state != PQTRANS_INTRANS && state != PQTRANS_INERROR) return;
    try {
        run_sql("ROLLBACK");
    } catch (...) {
        // The connection is closed (lost, silent) or still in a transaction: either way idle() is now false and
        // the pool drops it rather than hand it to anyone.
    }
}

}  // namespace tote::postgres_plugin
