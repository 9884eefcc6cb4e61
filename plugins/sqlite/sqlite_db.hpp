// SPDX-License-Identifier: Apache-2.0
// sqlite_db.hpp — the thin RAII layer over the SQLite C API that the store is written against: one connection,
// prepared statements, a guard that resets a statement, an IMMEDIATE transaction guard, and the mapping of SQLite
// result codes to tote statuses. Every failure is thrown as tote::plugin::Error with SQLite's own message and the
// database path. Nothing here knows about keys, prefixes or the tote schema.
#ifndef TOTE_SQLITE_DB_HPP
#define TOTE_SQLITE_DB_HPP

#include <tote/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

// Forward declarations keep <sqlite3.h> out of the store's translation unit.
struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_blob;

namespace tote::sqlite_plugin {

// The tote status for an SQLite result code (extended codes welcome). os_errno is sqlite3_system_errno() at the
// time of the failure; it refines SQLITE_CANTOPEN and SQLITE_IOERR, which say nothing about why the OS refused.
tote_status status_for(int sqlite_code, int os_errno) noexcept;

// One open database connection. Not thread-safe (opened with SQLITE_OPEN_NOMUTEX): the host serialises calls on a
// store, and each store owns its own connection.
class Connection {
public:
    // Opens path with sqlite3_open_v2. The file is not read yet: SQLite reads the header on first use, so opening
    // a file that is not a database succeeds here and fails (with SQLITE_NOTADB) at the first statement.
    Connection(std::string path, bool read_only, bool create);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* handle() const noexcept { return db_; }
    const std::string& path() const noexcept { return path_; }

    // Throws the Error for result code rc, with sqlite3_errmsg() and the path in the message. Call it right after
    // the failing call, before anything else touches the connection and replaces the message.
    [[noreturn]] void fail(int rc) const;

    // How long a statement waits for another process's lock before failing with SQLITE_BUSY.
    void set_busy_timeout(int milliseconds);

    // Runs SQL that returns no rows we need (DDL, pragmas that set, BEGIN/COMMIT/ROLLBACK).
    void exec(const char* sql);
    // Runs a single-row, single-column query (PRAGMA application_id, SELECT count(*) ...) and returns the value.
    int64_t query_int(const char* sql);
    // Rows changed by the most recent INSERT, UPDATE or DELETE.
    int64_t changes() const noexcept;
    // True while an explicit transaction is open.
    bool in_transaction() const noexcept;
    // True if SQLite opened the file read-only (asked for, or fell back to because the file is not writable).
    bool is_read_only() const noexcept;
    // The largest string or blob SQLite accepts (SQLITE_LIMIT_LENGTH).
    int64_t max_length() const noexcept;
    // "3.40.1": the SQLite linked into the plugin.
    static const char* library_version() noexcept;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

// A statement prepared once and reused: bind, step, read columns, reset. Use StatementReset around every use so
// that the statement is reset (and its bindings cleared) on every path out, including a thrown error; a statement
// left mid-step would keep a read transaction open.
class Statement {
public:
    Statement(Connection& db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Keys and bounds: TEXT with an explicit byte length, copied by SQLite (they are small).
    void bind_text(int index, std::string_view text);
    // Values: BLOB with an explicit length, not copied (the caller's bytes outlive the use of the statement, which
    // is reset before the operation returns). A zero-length value is bound as an empty blob, never as NULL.
    void bind_blob(int index, std::string_view bytes);
    void bind_int(int index, int64_t value);
    void bind_double(int index, double value);
    void bind_null(int index);

    // One step: true if a row is ready, false once the statement is done.
    bool step();
    // Steps a statement that returns no rows to completion.
    void run();

    // Columns of the current row. The views are valid until the next step() or reset().
    std::string_view column_text(int index) const;
    std::string_view column_blob(int index) const;
    int64_t column_int(int index) const;
    bool column_is_null(int index) const;

    // sqlite3_reset + sqlite3_clear_bindings. Never fails: an error of the last step was already reported by it.
    void reset() noexcept;

private:
    Connection& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Incremental I/O on one blob (sqlite3_blob_open): read part of a value without loading the rest. Open it while
// a statement that found the row is still stepped on that row, so that both see the same snapshot.
class BlobReader {
public:
    BlobReader(Connection& db, const char* table, const char* column, int64_t rowid);
    ~BlobReader();
    BlobReader(const BlobReader&) = delete;
    BlobReader& operator=(const BlobReader&) = delete;

    // Reads size bytes at offset into out (all within the blob).
    void read(void* out, int size, int64_t offset);

private:
    Connection& db_;
    struct sqlite3_blob* blob_ = nullptr;
};

// Resets a statement when the scope ends, however it ends.
class StatementReset {
public:
    explicit StatementReset(Statement& statement) noexcept : statement_(statement) {}
    ~StatementReset() { statement_.reset(); }
    StatementReset(const StatementReset&) = delete;
    StatementReset& operator=(const StatementReset&) = delete;

private:
    Statement& statement_;
};

// BEGIN IMMEDIATE on construction: the write lock is taken up front, so the transaction cannot fail halfway
// through because another process got the lock first (with a deferred BEGIN, a WAL reader that later wants to
// write can fail with SQLITE_BUSY_SNAPSHOT, which no busy timeout cures). The destructor rolls back unless
// commit() succeeded, so a thrown error never leaves the connection inside a transaction.
class Transaction {
public:
    explicit Transaction(Connection& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // COMMIT. On failure the transaction is rolled back (if SQLite has not already done it) before the throw.
    void commit();

private:
    void rollback() noexcept;
    Connection& db_;
    bool done_ = false;
};

}  // namespace tote::sqlite_plugin

#endif  // TOTE_SQLITE_DB_HPP
