// SPDX-License-Identifier: Apache-2.0
// sqlite_open.cpp — SqliteStore::open(): the options, the checks on the location, recognising a tote store (and
// refusing, untouched, every file that is not one), creating, marking and upgrading a store, and the connection
// settings; and, since they recognise stores the same way, drop() and info() of "tote.admin/1".
//
// The one table of a store (schema version 2):
//
//   CREATE TABLE tote_kv(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
//                        mtime_ns INTEGER NOT NULL, expires_ns INTEGER, value BLOB NOT NULL)
//   CREATE INDEX tote_kv_expiry ON tote_kv(expires_ns) WHERE expires_ns IS NOT NULL
//
// A rowid table with a unique index on key, not a WITHOUT ROWID table keyed on key: values are typically around
// a kilobyte or more, and with the values stored in the key's b-tree itself, writes were measured 3-4x slower.
// expires_ns (ABI 1.1, TOTE_CAP_EXPIRY) is NULL for a value that never expires; the partial index holds only
// the rows that do expire, so a store without any costs nothing: writes never touch it, and "is any key expiring?"
// is one probe of an empty index. Version 1 (tote 0.1) had no expires_ns, and value before version and mtime_ns:
// a writable open adds the column (at the end: SQLite cannot reorder columns without copying the table, which an
// open must not do to a large store), so stat of a large value stays as slow there as it was in 0.1; a read-only
// open reads such a store through a TEMP view that supplies NULL.
#include "sqlite_store.hpp"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

namespace tote::sqlite_plugin {

namespace fs = std::filesystem;
using plugin::Error;

namespace {

// ---- Schema -------------------------------------------------------------------------------------------------------

// PRAGMA application_id marks the file as a tote store ("tote" in ASCII); PRAGMA user_version is the schema version.
constexpr int64_t kApplicationId = 0x746F7465;
constexpr int64_t kSchemaVersion = 2;
constexpr int64_t kOldestSchemaVersion = 1;  // still read (read-only) and upgraded (writable open)

// value last: SQLite stores a row's columns in order, and a column after a large value is reached only by walking
// the value's overflow pages, so version, mtime_ns and expires_ns (which stat and every lookup read) come first.
#define TOTE_KV_COLUMNS                                                                                         \
    "(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, " \
    "expires_ns INTEGER, value BLOB NOT NULL)"
constexpr const char* kCreateTable = "CREATE TABLE tote_kv" TOTE_KV_COLUMNS;
constexpr const char* kCreateExpiryIndex =
    "CREATE INDEX tote_kv_expiry ON tote_kv(expires_ns) WHERE expires_ns IS NOT NULL";
// A read-only open of a brand-new empty file cannot create the table in it, so it creates an empty one in the
// connection's private TEMP database instead: unqualified names find temp tables first, so every statement works
// unchanged and the store reads as empty.
constexpr const char* kCreateTempTable = "CREATE TEMP TABLE tote_kv" TOTE_KV_COLUMNS;
#undef TOTE_KV_COLUMNS
// A read-only open of a version 1 store: the same columns, expires_ns always NULL.
constexpr const char* kCreateVersion1View =
    "CREATE TEMP VIEW tote_kv AS SELECT id, key, value, version, mtime_ns, NULL AS expires_ns FROM main.tote_kv";

// ---- Options ------------------------------------------------------------------------------------------------------

struct Settings {
    std::string synchronous = kDefaultSynchronous;
    int busy_timeout_ms = static_cast<int>(kDefaultBusyTimeoutMs);
};

Settings parse_settings(const plugin::OpenParams& params) {
    Settings settings;
    // The host checks option types before open(); the checks here keep a different host from slipping a NULL in.
    if (const tote_option_value* option = params.find(kOptionSynchronous)) {
        const char* allowed = "off, normal, full or extra";
        if (option->type != TOTE_TYPE_STRING || option->string_value == nullptr)
            throw Error(TOTE_INVALID_ARGUMENT, std::string("option synchronous must be a string: ") + allowed);
        std::string value(option->string_value, option->string_len);
        // Spliced into "PRAGMA synchronous=...", so only these exact words may pass.
        if (value != "off" && value != "normal" && value != "full" && value != "extra")
            throw Error(TOTE_INVALID_ARGUMENT,
                        "option synchronous: '" + value + "' is not allowed (allowed: " + allowed + ")");
        settings.synchronous = std::move(value);
    }
    if (const tote_option_value* option = params.find(kOptionBusyTimeout)) {
        // sqlite3_busy_timeout() takes an int.
        if (option->type != TOTE_TYPE_INT || option->int_value < 0 || option->int_value > INT_MAX)
            throw Error(TOTE_INVALID_ARGUMENT,
                        "option busy_timeout_ms must be an integer from 0 to " + std::to_string(INT_MAX) +
                            " (milliseconds)" +
                            (option->type == TOTE_TYPE_INT ? ", not " + std::to_string(option->int_value) : ""));
        settings.busy_timeout_ms = static_cast<int>(option->int_value);
    }
    return settings;
}

// ---- The location -------------------------------------------------------------------------------------------------

[[noreturn]] void fail_fs(const std::error_code& ec, const std::string& what) {
    tote_status status = TOTE_IO;
    if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
        ec == std::errc::read_only_file_system)
        status = TOTE_PERMISSION_DENIED;
    else if (ec == std::errc::not_a_directory || ec == std::errc::file_exists ||
             ec == std::errc::filename_too_long || ec == std::errc::too_many_symbolic_link_levels)
        status = TOTE_INVALID_ARGUMENT;  // the path itself cannot work, whatever the disk holds
    else if (ec == std::errc::no_space_on_device)
        status = TOTE_NO_SPACE;
#ifdef _WIN32
    // ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: Windows neither removes nor renames a file that is open.
    if (ec.category() == std::system_category() && (ec.value() == 32 || ec.value() == 33))
        throw Error(TOTE_BUSY, what + ": it is open (in this process or another), and Windows removes no open file: "
                                      "close it first");
#endif
    throw Error(status, what + ": " + ec.message());
}

// True if path names an existing file, false if nothing is there. Anything that cannot be a database file (a
// directory, a device, a FIFO that would block the open) is refused before SQLite sees it.
bool location_exists(const std::string& path) {
    if (path.empty() || !fs::path(path).is_absolute())
        throw Error(TOTE_INVALID_ARGUMENT, "the location must be an absolute file path, not '" + path + "'");
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found) return false;  // ENOENT, or ENOTDIR for a file as a parent
    if (ec) fail_fs(ec, "cannot access " + path);
    if (status.type() == fs::file_type::directory)
        throw Error(TOTE_INVALID_ARGUMENT, path + " is a directory, not a database file");
    if (status.type() != fs::file_type::regular)
        throw Error(TOTE_INVALID_ARGUMENT, path + " is not a regular file");
    return true;
}

void create_parent_directories(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) fail_fs(ec, "cannot create the directory " + parent.string() + " for " + path);
}

// ---- What the file holds ------------------------------------------------------------------------------------------

struct Contents {
    int64_t application_id = 0;
    int64_t user_version = 0;
    int64_t schema_objects = 0;  // tables, indexes, views, triggers
    bool has_table = false;      // a table named tote_kv
    int64_t pages = 0;           // pages SQLite sees in the database
    uintmax_t file_bytes = 0;    // size of the database file itself
};

enum class Found { tote_store, empty_database };

// Reads, never writes: on a file that is not a database the first query fails with SQLITE_NOTADB (reported as
// CORRUPT, "not an SQLite database") before anything could have touched it.
Contents inspect(Connection& db) {
    Contents contents;
    contents.application_id = db.query_int("PRAGMA application_id");
    contents.user_version = db.query_int("PRAGMA user_version");
    contents.schema_objects = db.query_int("SELECT count(*) FROM sqlite_master");
    contents.has_table =
        db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tote_kv'") > 0;
    contents.pages = db.query_int("PRAGMA page_count");
    // stat(), never open(): closing any descriptor of the file would drop every POSIX lock this process holds on
    // it, including those of other stores open on the same file (SQLite's own opens take care to avoid that).
    std::error_code ec;
    const uintmax_t size = fs::file_size(db.path(), ec);
    contents.file_bytes = ec ? 0 : size;
    return contents;
}

// A tote store, an empty database to initialise, or (thrown) anything else, which is left alone.
Found classify(const Contents& contents, const std::string& path) {
    if (contents.application_id == kApplicationId) {
        if (contents.user_version > kSchemaVersion)
            throw Error(TOTE_CORRUPT, path + " is a tote store of schema version " +
                                          std::to_string(contents.user_version) + ", newer than the version " +
                                          std::to_string(kSchemaVersion) + " this plugin reads; upgrade tote");
        if (contents.user_version < kOldestSchemaVersion)
            throw Error(TOTE_CORRUPT, path + " is marked as a tote store but has unknown schema version " +
                                          std::to_string(contents.user_version));
        if (!contents.has_table)
            throw Error(TOTE_CORRUPT, path + " is marked as a tote store but has no tote_kv table");
        return Found::tote_store;
    }
    if (contents.application_id != 0) {
        char id[16];
        std::snprintf(id, sizeof id, "0x%08x", static_cast<unsigned>(contents.application_id & 0xFFFFFFFF));
        throw Error(TOTE_CORRUPT, path + " is an SQLite database of another application (application_id " + id +
                                      "), not a tote store");
    }
    // SQLite takes a file too short to hold a database header (a 1-byte text file, for one) for an empty
    // database with no pages; a real database, even an empty one, has at least its first page. (A 0-byte file is
    // a new database, and a WAL-mode database whose pages are all still in the -wal file has a 0-byte main file.)
    if (contents.pages == 0 && contents.file_bytes > 0)
        throw Error(TOTE_CORRUPT, "not an SQLite database: " + path + " (" + std::to_string(contents.file_bytes) +
                                      " bytes, too short to hold a database header)");
    // application_id 0: only a database with nothing in it at all is ours to take. One that has tables, even one
    // called tote_kv, was made by someone else (initialise() sets the application_id in the transaction that
    // creates the table).
    if (contents.schema_objects == 0) return Found::empty_database;
    throw Error(TOTE_CORRUPT, path + " is an SQLite database but not a tote store (it has " +
                                  std::to_string(contents.schema_objects) +
                                  " tables, indexes or other schema objects, and no tote application_id)");
}

// Creates the table and marks the file, all in one transaction: a crash leaves an empty database, never a
// half-initialised store.
void initialise(Connection& db) {
    Transaction transaction(db);
    // Another process may have initialised (or filled) the file between inspect() and the write lock.
    if (classify(inspect(db), db.path()) == Found::tote_store) return;
    db.exec(kCreateTable);
    db.exec(kCreateExpiryIndex);
    db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    db.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    transaction.commit();
}

// Brings a version 1 store to version 2 (adds expires_ns and its index), in one transaction.
void upgrade(Connection& db) {
    Transaction transaction(db);
    if (db.query_int("PRAGMA user_version") != 1) return;  // another process was first
    db.exec("ALTER TABLE tote_kv ADD COLUMN expires_ns INTEGER");
    db.exec(kCreateExpiryIndex);
    db.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    transaction.commit();
}

}  // namespace

// ---- Open ---------------------------------------------------------------------------------------------------------

std::unique_ptr<SqliteStore> SqliteStore::open(const plugin::OpenParams& params) {
    const Settings settings = parse_settings(params);
    const std::string& path = params.location;
    const bool read_only = params.read_only();  // wins over create: a read-only open never creates anything

    if (!location_exists(path)) {
        if (read_only || !params.create()) throw Error(TOTE_NOT_FOUND, "no such database file: " + path);
        create_parent_directories(path);
    }
    auto db = std::make_unique<Connection>(path, read_only, params.create());
    // SQLite silently falls back to read-only for a file it may not write (permissions, read-only filesystem).
    // The host believes it has a writable store, so refuse now rather than fail every write later. This must come
    // before the first read: on a read-only filesystem that read would fail for want of the -wal/-shm files.
    if (!read_only && db->is_read_only())
        throw Error(TOTE_PERMISSION_DENIED, path + " is not writable (open the store read-only to read it)");
    db->set_busy_timeout(settings.busy_timeout_ms);  // before the first read, which may already meet a lock

    Contents contents;
    try {
        contents = inspect(*db);
    } catch (const Error& e) {
        // The database file itself is open by now, so a "cannot open, no such file" here is about the -wal and
        // -shm files of a WAL-mode store, which a read-only connection may not create: read-only media. The
        // store exists, so this is not NOT_FOUND.
        if (e.status() != TOTE_NOT_FOUND) throw;
        throw Error(TOTE_PERMISSION_DENIED,
                    "cannot read " + path +
                        ": it is in WAL mode, and its -wal and -shm files neither exist nor can be created (read-only "
                        "directory or filesystem); see the sqlite plugin's README: " + e.what());
    }
    const Found found = classify(contents, path);
    if (!read_only) {
        if (found == Found::empty_database) initialise(*db);
        if (found == Found::tote_store && contents.user_version < kSchemaVersion) upgrade(*db);
        // WAL: readers and the writer do not block each other, and a commit is one sequential append. Persistent
        // in the file, so only a writable open sets it. Where WAL cannot work (no shared memory) SQLite keeps the
        // rollback journal and says so only in the pragma's result, which is fine: both are atomic and durable.
        db->exec("PRAGMA journal_mode=WAL");
    } else if (found == Found::empty_database) {
        db->exec(kCreateTempTable);
    } else if (contents.user_version < kSchemaVersion) {
        db->exec(kCreateVersion1View);
    }
    // Per connection, not stored in the file. The value is one of four checked words.
    db->exec(("PRAGMA synchronous=" + settings.synchronous).c_str());
    return std::make_unique<SqliteStore>(std::move(db), !read_only);
}

// ---- Drop and info ------------------------------------------------------------------------------------------------

void SqliteStore::drop(const plugin::OpenParams& params) {
    const std::string& path = params.location;
    if (!location_exists(path)) throw Error(TOTE_NOT_FOUND, "no such database file: " + path);
    {
        // Recognise it first (read-only, nothing written): only a tote store, or an empty database, goes.
        Connection db(path, true, false);
        db.set_busy_timeout(static_cast<int>(parse_settings(params).busy_timeout_ms));
        classify(inspect(db), path);
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ec;
        fs::remove(path + suffix, ec);
        if (ec) fail_fs(ec, "cannot remove " + path + suffix);
    }
}

std::string SqliteStore::info() {
    const int64_t pages = db_->query_int("PRAGMA page_count");
    const int64_t page_size = db_->query_int("PRAGMA page_size");
    std::error_code ec;
    const uintmax_t wal = fs::file_size(db_->path() + "-wal", ec);
    std::string path;
    for (char c : db_->path()) {
        if (c == '"' || c == '\\') path += '\\';
        path += c;
    }
    return std::string("{\"engine\": \"SQLite ") + Connection::library_version() + "\", \"path\": \"" + path +
           "\", \"schema_version\": " + std::to_string(db_->query_int("PRAGMA user_version")) +
           ", \"bytes_on_disk\": " + std::to_string(pages * page_size + static_cast<int64_t>(ec ? 0 : wal)) +
           ", \"read_only\": " + (db_->is_read_only() ? "true" : "false") + "}";
}

}  // namespace tote::sqlite_plugin
