// SPDX-License-Identifier: Apache-2.0
// pg_errors.cpp — SQLSTATE → tote status, error messages from libpq results and failed connection attempts, and
// the scrubbing of passwords out of messages.
#include "pg_errors.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <cstring>

namespace tote::postgres_plugin {

using plugin::Error;

tote_status status_for_sqlstate(std::string_view code) noexcept {
    if (code.size() != 5) return TOTE_INTERNAL;
    // Specific codes first: those whose meaning differs from the rest of their class.
    if (code == "23505") return TOTE_ALREADY_EXISTS;           // unique_violation
    if (code == "25006") return TOTE_PERMISSION_DENIED;        // read_only_sql_transaction (a standby, or read-only)
    if (code == "42501") return TOTE_PERMISSION_DENIED;        // insufficient_privilege
    if (code == "42P01") return TOTE_NOT_FOUND;                // undefined_table: the store's table was dropped
    if (code == "3F000") return TOTE_NOT_FOUND;                // invalid_schema_name
    // The table is there but not laid out as a tote store: a column missing or of another type, or key not unique
    // (ON CONFLICT (key) then finds no matching index).
    if (code == "42703" || code == "42804" || code == "42P10") return TOTE_CORRUPT;
    if (code == "53100") return TOTE_NO_SPACE;                 // disk_full
    if (code == "53300") return TOTE_UNAVAILABLE;              // too_many_connections: the server takes no one now
    if (code == "55P03" || code == "55006") return TOTE_BUSY;  // lock_not_available, object_in_use
    if (code == "57014") return TOTE_TIMEOUT;                  // query_canceled: statement_timeout fired
    if (code == "57P04") return TOTE_NOT_FOUND;                // database_dropped
    if (code == "XX001" || code == "XX002") return TOTE_CORRUPT;  // data_corrupted, index_corrupted
    if (code == "23503" || code == "23514" || code == "23P01")
        return TOTE_INVALID_ARGUMENT;  // a constraint someone added to the table refused the row
    const std::string_view cls = code.substr(0, 2);
    if (cls == "08") return TOTE_UNAVAILABLE;        // connection exception
    if (cls == "0A") return TOTE_UNSUPPORTED;        // feature_not_supported (a PostgreSQL-compatible engine)
    if (cls == "0L" || cls == "0P" || cls == "28") return TOTE_PERMISSION_DENIED;  // grantor, role, authorization
    if (cls == "22") return TOTE_INVALID_ARGUMENT;   // data exception: a value the server cannot take
    if (cls == "3D") return TOTE_NOT_FOUND;          // invalid_catalog_name: no such database
    if (cls == "40") return TOTE_BUSY;               // serialization_failure, deadlock_detected: try again
    if (cls == "54") return TOTE_INVALID_ARGUMENT;   // program_limit_exceeded: a value or row too large
    if (cls == "57") return TOTE_UNAVAILABLE;        // operator intervention: shutting down, starting up
    if (cls == "58" || cls == "HV") return TOTE_IO;  // system error (I/O) outside PostgreSQL; foreign data wrapper
    if (cls == "72") return TOTE_BUSY;               // snapshot_too_old
    return TOTE_INTERNAL;  // syntax errors and the like: our SQL is fixed, so these are bugs
}

bool is_connection_failure(std::string_view code) noexcept {
    return code.substr(0, 2) == "08" || code == "57P01" || code == "57P02" || code == "57P03";
}

std::string tidy_libpq_message(std::string_view message) {
    std::string out;
    size_t start = 0;
    while (start < message.size()) {
        size_t end = message.find('\n', start);
        if (end == std::string_view::npos) end = message.size();
        std::string_view line = message.substr(start, end - start);
        // Verbose messages add the server's source location: of no use to a tote user.
        if (line.substr(0, 9) != "LOCATION:") {
            if (!out.empty()) out += ' ';
            size_t first = line.find_first_not_of(" \t");
            if (first != std::string_view::npos) {
                // libpq writes "FATAL:  message" with two spaces; one reads better inside a longer message.
                for (size_t at = first; at < line.size(); ++at)
                    if (!(line[at] == ' ' && at + 1 < line.size() && line[at + 1] == ' ' && at > 0 && line[at - 1] == ':'))
                        out += line[at];
            }
        }
        start = end + 1;
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
}

Error result_error(const pg_result* result) {
    auto field = [result](int code) -> std::string {
        const char* value = PQresultErrorField(result, code);
        return value ? value : "";
    };
    const std::string sqlstate = field(PG_DIAG_SQLSTATE);
    std::string message = field(PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) message = tidy_libpq_message(PQresultErrorMessage(result));
    if (message.empty()) message = "the statement failed without a message";
    const std::string detail = field(PG_DIAG_MESSAGE_DETAIL);
    if (!detail.empty()) message += " (" + detail + ")";
    const std::string hint = field(PG_DIAG_MESSAGE_HINT);
    if (!hint.empty()) message += " (hint: " + hint + ")";
    if (!sqlstate.empty()) message += " [SQLSTATE " + sqlstate + "]";
    return Error(sqlstate.empty() ? TOTE_INTERNAL : status_for_sqlstate(sqlstate), message);
}

namespace {

bool is_sqlstate_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// Finds "FATAL:  28P01: " (the verbose form of a server error in a libpq message); returns the last SQLSTATE found
// (libpq reports one failure per host tried; the last is the final answer) and removes each code from text.
std::string take_sqlstate(std::string& text) {
    std::string found;
    for (const char* severity : {"FATAL:  ", "ERROR:  ", "PANIC:  "}) {
        size_t at = 0;
        while ((at = text.find(severity, at)) != std::string::npos) {
            const size_t code = at + std::strlen(severity);
            at = code;
            if (code + 7 > text.size() || text[code + 5] != ':' || text[code + 6] != ' ') continue;
            bool valid = true;
            for (size_t i = 0; i < 5; ++i) valid = valid && is_sqlstate_char(text[code + i]);
            if (!valid) continue;
            found = text.substr(code, 5);
            text.erase(code, 7);
        }
    }
    return found;
}

}  // namespace

Error connect_error(pg_conn* conn, const std::string& address) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    const std::string sqlstate = take_sqlstate(message);
    message = tidy_libpq_message(message);
    if (message.empty()) message = "the connection failed without a message";
    tote_status status = TOTE_UNAVAILABLE;
    if (!sqlstate.empty()) {
        status = status_for_sqlstate(sqlstate);
        message += " [SQLSTATE " + sqlstate + "]";
    } else if (conn == nullptr) {
        status = TOTE_INTERNAL;
    } else if (PQconnectionNeedsPassword(conn)) {
        status = TOTE_PERMISSION_DENIED;  // "fe_sendauth: no password supplied"
    } else if (message.rfind("invalid ", 0) == 0) {
        // libpq checks parameter values before it tries any host: "invalid sslmode value: ...",
        // "invalid port number: ...". Nothing to retry: the URL is wrong.
        status = TOTE_INVALID_ARGUMENT;
    } else if (message.find("certificate file") != std::string::npos) {
        // "root certificate file "/x" does not exist": sslrootcert (or sslcert, sslkey) names no usable file.
        status = TOTE_INVALID_ARGUMENT;
    } else if (message.find("certificate") != std::string::npos) {
        // "SSL error: certificate verify failed", "server certificate for "a" does not match host name "b"":
        // the server answered but is not trusted (sslmode=verify-ca/verify-full). Repeating cannot change that,
        // and it is the same status the redis plugin gives for an untrusted certificate.
        status = TOTE_PERMISSION_DENIED;
    }
    return Error(status, "cannot connect to " + address + ": " + message);
}

// ---- Secrets ------------------------------------------------------------------------------------------------------

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

Secrets::Secrets(std::string_view url) {
    auto add = [this](std::string_view secret) {
        if (secret.empty()) return;
        secrets_.emplace_back(secret);
        std::string decoded = percent_decode(secret);
        if (decoded != secret && !decoded.empty()) secrets_.push_back(std::move(decoded));
    };
    // The userinfo part, "user:password@", found the way libpq finds it: up to the first '@' or '/'.
    const size_t scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos) {
        const size_t start = scheme_end + 3;
        const size_t stop = url.find_first_of("@/", start);
        if (stop != std::string_view::npos && url[stop] == '@') {
            const std::string_view userinfo = url.substr(start, stop - start);
            const size_t colon = userinfo.find(':');
            if (colon != std::string_view::npos) add(userinfo.substr(colon + 1));
        }
    }
    // A password=... parameter in the query string.
    const size_t query = url.find('?');
    if (query != std::string_view::npos) {
        std::string_view rest = url.substr(query + 1);
        while (!rest.empty()) {
            const size_t amp = rest.find('&');
            const std::string_view pair = rest.substr(0, amp);
            if (pair.substr(0, 9) == "password=") add(pair.substr(9));
            if (amp == std::string_view::npos) break;
            rest = rest.substr(amp + 1);
        }
    }
    // And whatever libpq itself reads as the password (its own decoding included).
    char* error = nullptr;
    const std::string text(url);
    if (PQconninfoOption* options = PQconninfoParse(text.c_str(), &error)) {
        for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
            if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) add(o->val);
        PQconninfoFree(options);
    }
    PQfreemem(error);
}

std::string Secrets::scrub(std::string message) const {
    for (const std::string& secret : secrets_) {
        size_t at = 0;
        while ((at = message.find(secret, at)) != std::string::npos) {
            message.replace(at, secret.size(), "***");
            at += 3;
        }
    }
    return message;
}

}  // namespace tote::postgres_plugin
