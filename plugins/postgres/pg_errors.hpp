// SPDX-License-Identifier: Apache-2.0
// pg_errors.hpp — how PostgreSQL failures become tote statuses: the SQLSTATE → tote_status table, the messages
// built from a failed statement or connection attempt, ConnectionLost (the one failure the store may retry), and
// the scrubbing that keeps a password out of every message.
#ifndef TOTE_PG_ERRORS_HPP
#define TOTE_PG_ERRORS_HPP

#include <tote/plugin.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Forward declarations keep <libpq-fe.h> out of the headers that do not need it.
struct pg_conn;
struct pg_result;

namespace tote::postgres_plugin {

// The tote status for a five-character SQLSTATE ("23505"). Unknown codes fall back on their class (the first two
// characters), and unknown classes on TOTE_INTERNAL.
tote_status status_for_sqlstate(std::string_view sqlstate) noexcept;

// True for the SQLSTATEs that mean "this session is gone" (class 08 connection exceptions, 57P01-57P03 server
// shutting down / starting up): the statement's connection is dead, whatever PQstatus says yet.
bool is_connection_failure(std::string_view sqlstate) noexcept;

// The Error for a failed statement: the server's message, its detail and hint when present, and the SQLSTATE.
plugin::Error result_error(const pg_result* result);

// The Error for a connection attempt that failed: UNAVAILABLE for a server that cannot be reached (with address,
// "host:port", and libpq's reason), PERMISSION_DENIED for authentication failures (class 28, or no password given
// where one is needed), NOT_FOUND for a database that does not exist (3D000), ... . libpq's message is expected in
// verbose form ("FATAL:  28P01: password ..."), from which the SQLSTATE is read.
plugin::Error connect_error(pg_conn* conn, const std::string& address);

// Removes "LOCATION: ..." lines (verbose libpq messages) and trailing whitespace from a libpq message.
std::string tidy_libpq_message(std::string_view message);

// A statement's connection died (the server closed it, restarted, or the network failed). maybe_applied tells
// whether the statement may have reached the server and committed: false when it provably never completed
// leaving (the connection was found dead before sending, or the loss came before a transaction's COMMIT was sent,
// in which case the server rolls everything back). The store decides from it whether to repeat the operation.
class ConnectionLost : public std::exception {
public:
    ConnectionLost(std::string message, bool maybe_applied)
        : message_(std::move(message)), maybe_applied_(maybe_applied) {}
    const char* what() const noexcept override { return message_.c_str(); }
    bool maybe_applied() const noexcept { return maybe_applied_; }
    // The same loss, known not to have been applied (raised before a transaction's COMMIT was sent).
    ConnectionLost not_applied() const { return ConnectionLost(message_, false); }

private:
    std::string message_;
    bool maybe_applied_;
};

// Secrets that must never appear in a message: the password of the URL (as written and percent-decoded, from the
// userinfo part or a password= parameter). scrub() replaces each occurrence with "***".
class Secrets {
public:
    Secrets() = default;
    explicit Secrets(std::string_view url);
    std::string scrub(std::string message) const;

private:
    std::vector<std::string> secrets_;
};

}  // namespace tote::postgres_plugin

#endif  // TOTE_PG_ERRORS_HPP
