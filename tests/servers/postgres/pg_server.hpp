// SPDX-License-Identifier: Apache-2.0
// pg_server.hpp — what the postgres plugin's tests share: a private PostgreSQL server per test (started with
// tests/servers/postgres.sh in a temporary directory and always stopped by its destructor, failures included), a
// sealed tote::Host that sees only the build tree's plugins, a raw libpq session for doing to the server what
// tote never does (holding locks, looking at catalogs), and small helpers.
#ifndef TOTE_PG_SERVER_HPP
#define TOTE_PG_SERVER_HPP

#include "process.hpp"

#include <tote/tote.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

struct pg_conn;

namespace tote::test {

// A private server on 127.0.0.1, on a port of its own, in a temporary directory. Database "tote" owned by role
// "tote" (password "tote-secret"); superuser "postgres" (password "postgres-secret"). With tls, the server also
// serves TLS (postgres.sh start-tls): files() holds ca.pem (which signed its certificate for 127.0.0.1 and
// localhost) and other-ca.pem (an unrelated CA), and it listens on 127.0.0.2 too.
class PgServer {
public:
    explicit PgServer(bool tls = false);
    ~PgServer();  // stops the server (immediate), then the directory goes
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // The tote URL of the "tote" database as role "tote"; password and database may be replaced.
    std::string url(const std::string& password = "tote-secret", const std::string& database = "tote") const;
    int port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    const std::string& files() const { return data_; }  // the server's directory (postgres.sh's DIR)

    void stop();     // immediate shutdown: every session is cut off
    void restart();  // immediate shutdown, then start again on the same port and data

private:
    void script(const std::string& command);
    TempDir dir_;  // declared first: destroyed after the destructor has stopped the server living in it
    std::string data_;
    int port_ = 0;
};

// A Host that loads only the plugins of the build tree: no environment, no config, no installed plugins.
std::unique_ptr<Host> sealed_host();

// Opens a store of the postgres plugin with these options (as text), creating it unless told otherwise.
Store open_pg(const std::string& url, std::map<std::string, std::string> options, bool create = true,
              bool read_only = false);

// A plain libpq session (as the superuser by default) for what the tests do behind tote's back.
class Session {
public:
    explicit Session(const PgServer& server, bool superuser = true);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    // Runs SQL (several statements allowed); fails the test if the server refuses it. Returns the first column of
    // the first row of the last result, or "" if there is none.
    std::string exec(const std::string& sql);

private:
    pg_conn* conn_ = nullptr;
};

// The error a call throws; fails the test if it succeeds.
template <class Fn> tote::Error error_of(Fn&& fn) {
    try {
        fn();
    } catch (const tote::Error& e) {
        return e;
    }
    throw std::runtime_error("the call succeeded, an error was expected");
}

// Milliseconds since start.
inline long long elapsed_ms(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// A message with every occurrence of url removed: the host names the store's URL in its messages, so this is the
// part of a message that the plugin itself wrote (or that names something else).
std::string without(std::string message, const std::string& url);

}  // namespace tote::test

#endif  // TOTE_PG_SERVER_HPP
