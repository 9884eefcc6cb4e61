// SPDX-License-Identifier: Apache-2.0
// pg_open.cpp — PgStore::open(): the options, the URL (checked by libpq, never rewritten), the first connection,
// and the store's table: found and checked (encoding, columns, collation, unique key, privileges), or created with
// TOTE_OPEN_CREATE. A read-only open runs no DDL and no write.
#include "pg_store.hpp"

#include <first_party.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

namespace tote::postgres_plugin {

using plugin::Error;
using first_party::ranged_int_option;

namespace {

// ---- Options ------------------------------------------------------------------------------------------------------

struct Settings {
    std::string table = kDefaultTable;
    std::string schema = kDefaultSchema;
    int64_t pool_size = kDefaultPoolSize;
    int64_t connect_timeout_ms = kDefaultConnectTimeoutMs;
    int64_t timeout_ms = kDefaultTimeoutMs;
    int64_t retries = kDefaultRetries;
};

// An identifier we can splice into SQL (quoted) without escaping, and that PostgreSQL keeps as written: lower
// case, at most NAMEDATALEN - 1 = 63 bytes (longer names would be silently truncated).
bool is_identifier(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

std::string identifier_option(const plugin::OpenParams& params, const char* name, const char* fallback) {
    const tote_option_value* option = params.find(name);
    if (option == nullptr) return fallback;
    // The host checks option types before open(); this keeps a different host from slipping a NULL in.
    if (option->type != TOTE_TYPE_STRING || option->string_value == nullptr)
        throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + name + "' must be a string");
    std::string value(option->string_value, option->string_len);
    if (!is_identifier(value))
        throw Error(TOTE_INVALID_ARGUMENT, std::string("option '") + name + "': '" + value +
                                               "' is not allowed: a name of 1 to 63 bytes from a-z, 0-9 and _, "
                                               "not starting with a digit");
    return value;
}

Settings parse_settings(const plugin::OpenParams& params) {
    constexpr int64_t kDay = 24 * 3600 * 1000;  // a generous ceiling that keeps every sum of timeouts in an int
    Settings s;
    s.table = identifier_option(params, kOptionTable, kDefaultTable);
    s.schema = identifier_option(params, kOptionSchema, kDefaultSchema);
    s.pool_size = ranged_int_option(params, kOptionPoolSize, kDefaultPoolSize, 1, kMaxPoolSize, "");
    s.connect_timeout_ms = ranged_int_option(params, kOptionConnectTimeout, kDefaultConnectTimeoutMs, 1, kDay, " (milliseconds)");
    // 0 would mean "no limit" to PostgreSQL: not offered, a call must never hang.
    s.timeout_ms = ranged_int_option(params, kOptionTimeout, kDefaultTimeoutMs, 1, kDay, " (milliseconds)");
    s.retries = ranged_int_option(params, kOptionRetries, kDefaultRetries, 0, kMaxRetries, "");
    return s;
}

// ---- The URL ------------------------------------------------------------------------------------------------------

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        const size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) return parts;
        start = comma + 1;
    }
}

// "host:port" (or several, comma-separated) as the URL names the server, for messages. Never the password.
std::string describe_address(const PQconninfoOption* options) {
    std::string host, hostaddr, port;
    for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr) continue;
        if (std::strcmp(o->keyword, "host") == 0) host = o->val;
        if (std::strcmp(o->keyword, "hostaddr") == 0) hostaddr = o->val;
        if (std::strcmp(o->keyword, "port") == 0) port = o->val;
    }
    if (host.empty()) host = hostaddr;
    const std::vector<std::string> ports = split(port.empty() ? "5432" : port);  // libpq's default port
    if (host.empty()) return "the local socket, port " + ports.front();
    std::string address;
    const std::vector<std::string> hosts = split(host);
    for (size_t i = 0; i < hosts.size(); ++i) {
        const std::string& h = hosts[i];
        const std::string& p = ports.size() == hosts.size() ? ports[i] : ports.front();
        if (!address.empty()) address += ',';
        address += (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + (p.empty() ? "5432" : p);
    }
    return address;
}

ConnectConfig connect_config(const plugin::OpenParams& params, const Settings& settings) {
    ConnectConfig config;
    config.url = params.url;
    config.secrets = Secrets(params.url);
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(config.url.c_str(), &error);
    if (options == nullptr) {
        std::string why = error ? tidy_libpq_message(error) : "out of memory";
        PQfreemem(error);
        throw Error(TOTE_INVALID_ARGUMENT, "malformed PostgreSQL URL: " + config.secrets.scrub(why));
    }
    config.address = config.secrets.scrub(describe_address(options));
    PQconninfoFree(options);
    config.connect_timeout = Millis(settings.connect_timeout_ms);
    config.timeout = Millis(settings.timeout_ms);
    config.read_only = params.read_only();
    return config;
}

// ---- The table ----------------------------------------------------------------------------------------------------

std::string quoted(const std::string& identifier) { return '"' + identifier + '"'; }

struct TableInfo {
    bool exists = false;
    int64_t oid = 0;
    std::string kind;  // pg_class.relkind
};

TableInfo find_table(Connection& c, const Settings& s) {
    Params params;
    params.text(s.schema).text(s.table);
    const Result row = c.run_sql(
        "SELECT c.oid::int8, c.relkind::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = $1::text AND c.relname = $2::text",
        params);
    if (row.rows() == 0) return {};
    return {true, row.int8(0, 0), std::string(row.bytes(0, 1))};
}

bool schema_exists(Connection& c, const Settings& s) {
    Params params;
    params.text(s.schema);
    return c.run_sql("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1::text", params).rows() > 0;
}

// The table and its expiry index, in one transaction: a crash or a lost race leaves no half-made store.
void create_table(Connection& c, const Settings& s, const std::string& table) {
    try {
        // Only if missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database.
        if (!schema_exists(c, s)) c.run_sql(("CREATE SCHEMA IF NOT EXISTS " + quoted(s.schema)).c_str());
        c.run_sql("BEGIN");
        c.run_sql(("CREATE TABLE " + table +
                   " (key TEXT COLLATE \"C\" PRIMARY KEY, value BYTEA NOT NULL, version BIGINT NOT NULL, "
                   "mtime_ns BIGINT NOT NULL, expires_ns BIGINT)")
                      .c_str());
        c.run_sql(("CREATE INDEX ON " + table + " (expires_ns) WHERE expires_ns IS NOT NULL").c_str());
        c.run_sql("COMMIT");
    } catch (const Error& e) {
        c.rollback_quietly();
        // Two clients creating the same table at once: the loser fails on a catalog's unique index (23505) or
        // with duplicate_table/duplicate_schema (42P07/42P06, INTERNAL here). The caller looks again and finds
        // the winner's table.
        if (e.status() != TOTE_ALREADY_EXISTS && std::strstr(e.what(), "42P07") == nullptr &&
            std::strstr(e.what(), "42P06") == nullptr)
            throw;
    }
}

// The columns, key collation and unique index the store's SQL relies on. Extra columns are tolerated (our
// statements name theirs); anything missing or different is CORRUPT: this is not a tote store. Returns whether the
// table has the expires_ns column (tote 0.1 made tables without it).
bool check_layout(Connection& c, const TableInfo& info, const std::string& name) {
    Params params;
    params.int8(info.oid);
    const Result columns = c.run_sql(
        "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), coalesce(co.collname::text, '') "
        "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
        "WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        params);
    struct Expected {
        const char* column;
        const char* type;
        bool found;
    } expected[] = {{"key", "text", false}, {"value", "bytea", false}, {"version", "bigint", false},
                    {"mtime_ns", "bigint", false}, {"expires_ns", "bigint", false}};
    std::string layout;
    for (int i = 0; i < columns.rows(); ++i) {
        const std::string column(columns.bytes(i, 0)), type(columns.bytes(i, 1)), collation(columns.bytes(i, 2));
        layout += (layout.empty() ? "" : ", ") + column + " " + type;
        for (Expected& e : expected) {
            if (column != e.column) continue;
            if (type != e.type)
                throw Error(TOTE_CORRUPT, name + " is not a tote store: column " + column + " is " + type + ", not " +
                                              e.type);
            // Byte order is tote's order; another collation would list keys in a language's order instead.
            if (column == "key" && collation != "C" && collation != "POSIX")
                throw Error(TOTE_CORRUPT, name + " is not a tote store: column key has collation \"" + collation +
                                              "\", not \"C\" (keys must compare by their bytes)");
            e.found = true;
        }
    }
    for (const Expected& e : expected)
        if (!e.found && std::strcmp(e.column, "expires_ns") != 0)
            throw Error(TOTE_CORRUPT, name + " is not a tote store: it has no column " + e.column + " " + e.type +
                                          " (its columns: " + (layout.empty() ? "none" : layout) + ")");
    const Result unique = c.run_sql(
        "SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND "
        "a.attnum = i.indkey[0] WHERE i.indrelid = $1::int8::oid AND i.indisunique AND i.indnkeyatts = 1 AND "
        "i.indpred IS NULL AND a.attname = 'key'",
        params);
    if (unique.rows() == 0)
        throw Error(TOTE_CORRUPT, name + " is not a tote store: key is not its primary key (no unique index on key)");
    return expected[4].found;
}

// Adds expires_ns (and its index) to a table tote 0.1 made, under a lock that keeps two clients from both doing
// it. False if this role may not alter the table (only its owner may): the store then works without expiry.
bool add_expiry_column(Connection& c, const TableInfo& info, const std::string& table, const std::string& name) {
    try {
        c.run_sql("BEGIN");
        c.run_sql(("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE").c_str());
        if (!check_layout(c, info, name)) {
            c.run_sql(("ALTER TABLE " + table + " ADD COLUMN expires_ns BIGINT").c_str());
            c.run_sql(("CREATE INDEX ON " + table + " (expires_ns) WHERE expires_ns IS NOT NULL").c_str());
        }
        c.run_sql("COMMIT");
        return true;
    } catch (const Error& e) {
        c.rollback_quietly();
        if (e.status() == TOTE_PERMISSION_DENIED) return false;
        throw;
    }
}

bool is_true(std::string_view binary_bool) { return binary_bool.size() == 1 && binary_bool[0] != 0; }

// Refuses now, rather than at the first write, a store this role may not use as asked.
void check_privileges(Connection& c, const TableInfo& info, const Settings& s, const std::string& name,
                      bool read_only) {
    Params params;
    params.int8(info.oid).text(s.schema);
    const Result row = c.run_sql(
        "SELECT pg_catalog.has_schema_privilege($2::text, 'USAGE'), "
        "pg_catalog.has_table_privilege($1::int8::oid, 'SELECT'), "
        "pg_catalog.has_table_privilege($1::int8::oid, 'INSERT'), "
        "pg_catalog.has_table_privilege($1::int8::oid, 'UPDATE'), "
        "pg_catalog.has_table_privilege($1::int8::oid, 'DELETE')",
        params);
    const char* names[] = {"USAGE on the schema", "SELECT", "INSERT", "UPDATE", "DELETE"};
    std::string missing;
    for (int i = 0; i < (read_only ? 2 : 5); ++i)
        if (!is_true(row.bytes(0, i))) missing += (missing.empty() ? "" : ", ") + std::string(names[i]);
    if (!missing.empty())
        throw Error(TOTE_PERMISSION_DENIED, "role " + c.user() + " lacks " + missing + " on " + name +
                                                (read_only ? "" : " (open the store read-only to read it)"));
}

// Finds (or creates) the store's table and checks it; returns whether it has the expires_ns column.
bool open_table(Connection& c, const Settings& s, const std::string& table, bool create, bool read_only) {
    const std::string name = s.schema + "." + s.table + " in database " + c.database();
    Params none;
    const Result server = c.run_sql(
        "SELECT pg_catalog.current_setting('server_encoding'), pg_catalog.current_setting('transaction_read_only')",
        none);
    const std::string encoding(server.bytes(0, 0));
    // Keys are UTF-8 text; in a database of another encoding some keys could not be stored, or not as sent.
    if (encoding != "UTF8")
        throw Error(TOTE_INVALID_ARGUMENT, "database " + c.database() + " has server_encoding " + encoding +
                                               "; tote keys are UTF-8, so the store needs a UTF8 database");
    if (!read_only && server.bytes(0, 1) == "on")
        throw Error(TOTE_PERMISSION_DENIED,
                    "the server accepts only reads (a standby?): open the store read-only, or connect to the primary "
                    "(target_session_attrs=read-write in the URL)");
    TableInfo info = find_table(c, s);
    if (!info.exists) {
        if (!create || read_only)
            throw Error(TOTE_NOT_FOUND, "no table " + name + " (create the store to make it)");
        create_table(c, s, table);
        info = find_table(c, s);
        if (!info.exists) throw Error(TOTE_INTERNAL, "created table " + name + " but cannot find it");
    }
    // Ordinary or partitioned tables only: a view or foreign table would not give the guarantees we promise.
    if (info.kind != "r" && info.kind != "p")
        throw Error(TOTE_CORRUPT, name + " is not a plain table (pg_class.relkind '" + info.kind + "')");
    bool expiry = check_layout(c, info, name);
    check_privileges(c, info, s, name, read_only);
    if (!expiry && !read_only) expiry = add_expiry_column(c, info, table, name);
    return expiry;
}

std::string json_text(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"' || ch == '\\') out += '\\';
        if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
    return out + "\"";
}

}  // namespace

std::unique_ptr<PgStore> PgStore::open(const plugin::OpenParams& params) {
    const Settings settings = parse_settings(params);
    auto pool = std::make_unique<Pool>(connect_config(params, settings), static_cast<size_t>(settings.pool_size),
                                       static_cast<int>(settings.retries));
    const std::string table = quoted(settings.schema) + "." + quoted(settings.table);
    // The first connection is made now, so that a server that is down, a wrong password or a missing table fail
    // the open; it stays in the pool. Repeatable: every step is a read or an IF NOT EXISTS.
    const bool expiry = pool->run("open", Repeat::always, [&](Connection& c) {
        return open_table(c, settings, table, params.create(), params.read_only());
    });
    return std::make_unique<PgStore>(std::move(pool), table, settings.schema + "." + settings.table, expiry);
}

void PgStore::drop(const plugin::OpenParams& params) {
    const Settings settings = parse_settings(params);
    Pool pool(connect_config(params, settings), 1, static_cast<int>(settings.retries));
    const std::string table = quoted(settings.schema) + "." + quoted(settings.table);
    // Not repeated once the DROP may have been applied: the repeat would find no table and say NOT_FOUND.
    pool.run("drop", Repeat::if_unapplied, [&](Connection& c) {
        const std::string name = settings.schema + "." + settings.table + " in database " + c.database();
        const TableInfo info = find_table(c, settings);
        if (!info.exists) throw Error(TOTE_NOT_FOUND, "no table " + name);
        if (info.kind != "r" && info.kind != "p")
            throw Error(TOTE_CORRUPT, name + " is not a plain table, so not a tote store; nothing was dropped");
        check_layout(c, info, name);  // CORRUPT, untouched, unless it is a tote store
        c.run_sql(("DROP TABLE " + table).c_str());
    });
}

std::string PgStore::info() {
    const std::string quoted_name = "\"" + name_.substr(0, name_.find('.')) + "\".\"" + name_.substr(name_.find('.') + 1) + "\"";
    Params of_table;
    of_table.text(quoted_name);
    const Result row = pool_->run("info", Repeat::always, [&](Connection& c) {
        return c.run_sql("SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_database()::text, "
                         "pg_catalog.pg_total_relation_size($1::text::regclass), "
                         "(SELECT c.reltuples::int8 FROM pg_catalog.pg_class c WHERE c.oid = $1::text::regclass)",
                         of_table);
    });
    return "{\"engine\": " + json_text("PostgreSQL " + std::string(row.bytes(0, 0))) +
           ", \"server\": " + json_text(pool_->config().address) + ", \"database\": " + json_text(row.bytes(0, 1)) +
           ", \"table\": " + json_text(name_) + ", \"bytes_on_disk\": " + std::to_string(row.int8(0, 2)) +
           ", \"keys_estimate\": " + std::to_string(std::max<int64_t>(row.int8(0, 3), 0)) +
           ", \"expiry\": " + (sql_.expiry ? "true" : "false") + "}";
}

}  // namespace tote::postgres_plugin
