// SPDX-License-Identifier: Apache-2.0
// pg_server.cpp — the private test server (postgres.sh start/stop/restart), the sealed host, and the raw libpq
// session of pg_server.hpp.
#include "pg_server.hpp"

#include <libpq-fe.h>

#include <stdexcept>

namespace tote::test {

namespace {

// postgres.sh runs the server as the postgres user with runuser, which lives in sbin. Its initdb takes the
// database encoding from the locale: without a UTF-8 one it makes an SQL_ASCII database, which the plugin refuses.
RunOptions script_options() {
    RunOptions options;
    options.env = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, {"LANG", "C.UTF-8"}};
    return options;
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

PgServer::PgServer(bool tls) : data_(dir_ / "pg") {
    script(tls ? "start-tls" : "start");
    port_ = std::stoi(read_file(data_ + "/port"));
}

PgServer::~PgServer() {
    try {
        run({TOTE_POSTGRES_SCRIPT, "stop", data_}, script_options());
    } catch (...) {
        // Nothing to report to from a destructor; the directory is removed next either way.
    }
}

void PgServer::script(const std::string& command) {
    RunResult result = run({TOTE_POSTGRES_SCRIPT, command, data_}, script_options());
    if (result.exit_code != 0)
        throw std::runtime_error("postgres.sh " + command + " failed (exit " + std::to_string(result.exit_code) +
                                 "): " + result.err + result.out);
}

void PgServer::stop() { script("stop"); }
void PgServer::restart() { script("restart"); }

std::string PgServer::url(const std::string& password, const std::string& database) const {
    return "postgresql://tote:" + password + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::unique_ptr<Host> sealed_host() {
    HostOptions options;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    return std::make_unique<Host>(options);
}

Store open_pg(const std::string& url, std::map<std::string, std::string> options, bool create, bool read_only) {
    static const std::unique_ptr<Host> host = sealed_host();
    OpenOptions open;
    open.create = create;
    open.read_only = read_only;
    open.options = std::move(options);
    return host->open(url, open);
}

Session::Session(const PgServer& server, bool superuser) {
    const std::string conninfo = superuser ? "postgresql://postgres:postgres-secret@127.0.0.1:" +
                                                 std::to_string(server.port()) + "/tote"
                                           : server.url();
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string why = PQerrorMessage(conn_);
        PQfinish(conn_);
        throw std::runtime_error("cannot connect to the test server: " + why);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

Session::~Session() { PQfinish(conn_); }

std::string Session::exec(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQnfields(result) > 0) value = PQgetvalue(result, 0, 0);
    std::string why = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error("the test server refused \"" + sql + "\": " + trim(why));
    return value;
}

std::string without(std::string message, const std::string& url) {
    for (size_t at = message.find(url); at != std::string::npos; at = message.find(url, at))
        message.erase(at, url.size());
    return message;
}

}  // namespace tote::test
