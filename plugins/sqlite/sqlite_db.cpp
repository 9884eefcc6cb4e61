// SPDX-License-Identifier: Apache-2.0
// sqlite_db.cpp — the raw SQLite calls: opening and closing the connection, preparing, binding, stepping and
// resetting statements, transactions, and the SQLite → tote error mapping.
#include "sqlite_db.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <system_error>
#include <utility>

// Upsert (ON CONFLICT ... DO UPDATE) needs 3.24, sqlite3_prepare_v3 3.20; the static library we link is newer.
#if SQLITE_VERSION_NUMBER < 3024000
#error "the tote SQLite plugin needs SQLite 3.24 or newer"
#endif

namespace tote::sqlite_plugin {

using plugin::Error;

tote_status status_for(int sqlite_code, int os_errno) noexcept {
    // Extended codes whose meaning differs from their primary code.
    switch (sqlite_code) {
    case SQLITE_IOERR_NOMEM:
        return TOTE_INTERNAL;  // out of memory while doing I/O is not an I/O error
    case SQLITE_CANTOPEN_ISDIR:
        return TOTE_INVALID_ARGUMENT;
    default:
        break;
    }
    switch (sqlite_code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:  // a WAL lock race that SQLite gave up retrying: like BUSY, trying later may succeed
        return TOTE_BUSY;
    case SQLITE_FULL:
        return TOTE_NO_SPACE;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return TOTE_PERMISSION_DENIED;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return TOTE_CORRUPT;
    case SQLITE_CANTOPEN:
        // SQLite says only "unable to open database file"; the OS error tells missing from refused from broken.
        switch (os_errno) {
        case ENOENT:
        case ENOTDIR:
            return TOTE_NOT_FOUND;
        case EACCES:
        case EPERM:
        case EROFS:
            return TOTE_PERMISSION_DENIED;
        case EISDIR:
            return TOTE_INVALID_ARGUMENT;
        case ENOSPC:
#ifdef EDQUOT  // no disk quotas in Windows' C runtime
        case EDQUOT:
#endif
            return TOTE_NO_SPACE;
        default:
            return TOTE_IO;
        }
    case SQLITE_IOERR:
        // SQLite reports ENOSPC from write() as SQLITE_FULL, but from fsync/ftruncate (NFS, quotas) as an IOERR, and
        // a write past the file-size limit (EFBIG, RLIMIT_FSIZE) as an IOERR too: all mean "no room for this data".
#ifdef EDQUOT
        if (os_errno == EDQUOT) return TOTE_NO_SPACE;
#endif
        if (os_errno == ENOSPC || os_errno == EFBIG) return TOTE_NO_SPACE;
        return TOTE_IO;
    case SQLITE_NOLFS:
        return TOTE_IO;
    case SQLITE_TOOBIG:
        return TOTE_INVALID_ARGUMENT;
    case SQLITE_NOMEM:
        return TOTE_INTERNAL;
    default:
        return TOTE_INTERNAL;  // SQLITE_ERROR, MISUSE, RANGE, CONSTRAINT, ...: none is expected from our SQL
    }
}

namespace {

// An Error for result code rc on db, which may be NULL (sqlite3_open_v2 could not even allocate a handle).
Error make_error(sqlite3* db, int rc, const std::string& path) {
    const int os_errno = db ? sqlite3_system_errno(db) : 0;
    const int primary = rc & 0xFF;
    std::string message;
    // SQLITE_NOTADB only ever means that the file is something else; say so plainly, as the first thing.
    if (primary == SQLITE_NOTADB) message = "not an SQLite database: " + path + ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL) && os_errno != 0)
        message += " (" + std::generic_category().message(os_errno) + ")";
    message += " [SQLite result code " + std::to_string(rc) + ", database " + path + "]";
    return Error(status_for(rc, os_errno), std::move(message));
}

}  // namespace

// ---- Connection ---------------------------------------------------------------------------------------------------

Connection::Connection(std::string path, bool read_only, bool create) : path_(std::move(path)) {
    // Stores on different threads use different connections at the same time, which SQLite allows only when it
    // was compiled with thread support (SQLITE_THREADSAFE=1 or 2); a single-threaded build would corrupt memory.
    if (sqlite3_threadsafe() == 0)
        throw Error(TOTE_INTERNAL, "the SQLite linked into this plugin was built without thread support");
    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
    // One connection per store and the host serialises calls on a store, so SQLite's per-connection mutex is
    // pure overhead. SQLITE_OPEN_URI is deliberately absent: the location is a path, never a "file:" URI.
    flags |= SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_EXRESCODE
    flags |= SQLITE_OPEN_EXRESCODE;  // extended codes tell SQLITE_READONLY_DBMOVED from plain READONLY, etc.
#endif
    const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error = make_error(db_, rc, path_);
        sqlite3_close_v2(db_);  // a handle is returned even on failure (NULL-safe when it is not)
        db_ = nullptr;
        throw error;
    }
    sqlite3_extended_result_codes(db_, 1);  // for SQLite builds older than SQLITE_OPEN_EXRESCODE
    // A store file may come from anywhere. Defensive mode refuses the SQL that can corrupt a database file
    // (writable_schema and the like), and an untrusted schema cannot make triggers or views run functions with
    // side effects. Neither affects the plain SQL the store runs.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, static_cast<int*>(nullptr));
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, static_cast<int*>(nullptr));
#endif
}

Connection::~Connection() {
    // The store finalizes its statements first (they are declared after the connection); close_v2 would also
    // cope with stragglers by deferring the close until they are finalized. Never throws.
    sqlite3_close_v2(db_);
}

void Connection::fail(int rc) const { throw make_error(db_, rc, path_); }

void Connection::set_busy_timeout(int milliseconds) {
    const int rc = sqlite3_busy_timeout(db_, milliseconds);
    if (rc != SQLITE_OK) fail(rc);
}

void Connection::exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc);
}

int64_t Connection::query_int(const char* sql) {
    Statement statement(*this, sql);
    if (!statement.step())
        throw Error(TOTE_INTERNAL, std::string("no result from \"") + sql + "\" [database " + path_ + "]");
    return statement.column_int(0);
}

int64_t Connection::changes() const noexcept { return sqlite3_changes(db_); }

bool Connection::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

bool Connection::is_read_only() const noexcept { return sqlite3_db_readonly(db_, "main") == 1; }

int64_t Connection::max_length() const noexcept { return sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, -1); }

const char* Connection::library_version() noexcept { return sqlite3_libversion(); }

// ---- Statement ----------------------------------------------------------------------------------------------------

Statement::Statement(Connection& db, const char* sql) : db_(db) {
    // PERSISTENT: these statements live as long as the store, so SQLite keeps them out of its lookaside pool.
    const int rc = sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        Error error = make_error(db.handle(), rc, db.path());
        sqlite3_finalize(stmt_);  // NULL after a failed prepare; finalize(NULL) is a no-op
        // Our SQL is fixed, so a plain SQLITE_ERROR from prepare ("no such column: version", "ON CONFLICT clause
        // does not match any UNIQUE constraint") means the file's tables are not laid out as the SQL expects.
        if (rc == SQLITE_ERROR)
            throw Error(TOTE_CORRUPT, "the database schema does not have the expected layout: " +
                                          std::string(error.what()));
        throw error;
    }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind_text(int index, std::string_view text) {
    // A NULL pointer would bind SQL NULL, and an empty string_view may well have data() == nullptr.
    const char* data = text.data() ? text.data() : "";
    const int rc = sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_.fail(rc);
}

void Statement::bind_blob(int index, std::string_view bytes) {
    // sqlite3_bind_blob with a NULL pointer binds NULL, which the NOT NULL column refuses: an empty value is an
    // empty blob.
    const int rc = bytes.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                                 : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK) db_.fail(rc);
}

void Statement::bind_int(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_.fail(rc);
}

void Statement::bind_double(int index, double value) {
    const int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK) db_.fail(rc);
}

void Statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_.fail(rc);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail(rc);
}

void Statement::run() {
    while (step()) {
        // Rows of statements run for their effect (e.g. PRAGMA journal_mode reports the new mode) are ignored.
    }
}

std::string_view Statement::column_text(int index) const {
    // One sqlite3_column_value() and the value's own accessors: each sqlite3_column_*() call takes the connection's
    // mutex and checks for an allocation failure, which cost as much as the text itself (a listing reads a key this
    // way per entry). SQLite calls such a value unprotected, which matters only to a connection shared between
    // threads; ours is NOMUTEX and used by one thread at a time. Pointer first, then length, as SQLite prescribes.
    sqlite3_value* value = sqlite3_column_value(stmt_, index);
    const auto* data = reinterpret_cast<const char*>(sqlite3_value_text(value));
    const auto size = static_cast<size_t>(sqlite3_value_bytes(value));
    if (data == nullptr) {
        // NULL is what an SQL NULL gives; anything else means the conversion to text ran out of memory.
        if (sqlite3_value_type(value) != SQLITE_NULL) db_.fail(SQLITE_NOMEM);
        return {};
    }
    return {data, size};
}

std::string_view Statement::column_blob(int index) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, index));
    const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, index));
    if (data == nullptr) {
        // NULL is also what a zero-length blob gives; only SQLITE_NOMEM tells the two apart.
        if (sqlite3_errcode(db_.handle()) == SQLITE_NOMEM) db_.fail(SQLITE_NOMEM);
        return {};
    }
    return {data, size};
}

int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

void Statement::reset() noexcept {
    sqlite3_reset(stmt_);  // returns the error of the last step, which step() has already thrown
    sqlite3_clear_bindings(stmt_);
}

// ---- BlobReader ---------------------------------------------------------------------------------------------------

BlobReader::BlobReader(Connection& db, const char* table, const char* column, int64_t rowid) : db_(db) {
    const int rc = sqlite3_blob_open(db.handle(), "main", table, column, rowid, 0, &blob_);
    if (rc != SQLITE_OK) {
        sqlite3_blob_close(blob_);  // NULL-safe; a handle may be returned on failure
        blob_ = nullptr;
        db.fail(rc);
    }
}

BlobReader::~BlobReader() { sqlite3_blob_close(blob_); }

void BlobReader::read(void* out, int size, int64_t offset) {
    // sqlite3_blob_read takes an int offset: values past 2 GiB are beyond SQLite's own row limit anyway.
    const int rc = sqlite3_blob_read(blob_, out, size, static_cast<int>(offset));
    if (rc != SQLITE_OK) db_.fail(rc);
}

// ---- Transaction --------------------------------------------------------------------------------------------------

Transaction::Transaction(Connection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!done_) rollback();
}

void Transaction::commit() {
    const int rc = sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        done_ = true;
        return;
    }
    // Build the error before ROLLBACK replaces SQLite's message. A COMMIT that failed with SQLITE_BUSY leaves the
    // transaction open; after an I/O error SQLite may already have rolled back. Either way none of it is kept.
    Error error = make_error(db_.handle(), rc, db_.path());
    rollback();
    throw error;
}

void Transaction::rollback() noexcept {
    done_ = true;
    if (db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace tote::sqlite_plugin
