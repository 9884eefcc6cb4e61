// SPDX-License-Identifier: Apache-2.0
// raw_graph.cpp — the bare references of the graph workload (raw_graph.hpp).
#include "raw_graph.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace tote::bench {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("raw graph: " + what); }

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) fail(std::string(what) + ": " + sqlite3_errmsg(db));
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), sql);
    return stmt;
}

void bind(sqlite3_stmt* stmt, int index, const std::string& text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void pg_check(PGconn* c, PGresult* r, const char* what) {
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_SYNC) {
        const std::string message = std::string(what) + ": " + PQerrorMessage(c);
        PQclear(r);
        fail(message);
    }
    PQclear(r);
}

// One transaction sent as one pipeline, as raw_postgres.cpp sends a batch: BEGIN, count statements, COMMIT.
void pipeline(PGconn* conn, size_t count, const std::function<void(size_t)>& send) {
    if (PQenterPipelineMode(conn) != 1) fail("pipeline mode");
    PQsendQueryParams(conn, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0);
    for (size_t i = 0; i < count; ++i) send(i);
    PQsendQueryParams(conn, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0);
    PQpipelineSync(conn);
    // Each query's result is followed by a NULL; the sync's result comes last, on its own.
    for (size_t i = 0; i < count + 2; ++i) {
        pg_check(conn, PQgetResult(conn), "pipelined insert");
        if (PGresult* end = PQgetResult(conn)) PQclear(end);
    }
    PGresult* sync = PQgetResult(conn);
    if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) pg_check(conn, sync, "sync");
    else PQclear(sync);
    if (PQexitPipelineMode(conn) != 1) fail(std::string("pipeline: ") + PQerrorMessage(conn));
}

}  // namespace

// ---- SQLite ---------------------------------------------------------------------------------------------------

RawGraphSqlite::RawGraphSqlite(const std::string& path, const std::string& synchronous) {
    check(db_, sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               nullptr),
          "open");
    // The sqlite plugin's settings (plugins/sqlite/sqlite_open.cpp): WAL, the synchronous level per connection,
    // SQLite's default page cache.
    exec("PRAGMA journal_mode=WAL");
    exec(("PRAGMA synchronous=" + synchronous).c_str());
    sqlite3_busy_timeout(db_, 5000);
    exec("CREATE TABLE IF NOT EXISTS nodes(id TEXT PRIMARY KEY)");
    exec("CREATE TABLE IF NOT EXISTS edges(src TEXT NOT NULL, dst TEXT NOT NULL, type TEXT NOT NULL)");
    // Both indexes exist before the first row, as the plugin's key index does: the build pays for them.
    exec("CREATE INDEX IF NOT EXISTS edges_src ON edges(src)");
    exec("CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst)");
    insert_node_ = prepare(db_, "INSERT INTO nodes(id) VALUES(?1)");
    insert_edge_ = prepare(db_, "INSERT INTO edges(src, dst, type) VALUES(?1, ?2, ?3)");
    out_ = prepare(db_, "SELECT dst FROM edges WHERE src = ?1");
    in_ = prepare(db_, "SELECT src FROM edges WHERE dst = ?1");
}

RawGraphSqlite::~RawGraphSqlite() {
    for (sqlite3_stmt* stmt : {insert_node_, insert_edge_, out_, in_}) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

void RawGraphSqlite::exec(const char* sql) { check(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }

void RawGraphSqlite::load(const GraphData& graph, size_t batch) {
    for (size_t i = 0; i < graph.nodes.size(); i += batch) {
        exec("BEGIN IMMEDIATE");
        for (size_t j = i; j < std::min(graph.nodes.size(), i + batch); ++j) {
            bind(insert_node_, 1, graph.nodes[j]);
            check(db_, sqlite3_step(insert_node_), "insert node");
            sqlite3_reset(insert_node_);
        }
        exec("COMMIT");
    }
    for (size_t i = 0; i < graph.edges.size(); i += batch) {
        exec("BEGIN IMMEDIATE");
        for (size_t j = i; j < std::min(graph.edges.size(), i + batch); ++j) {
            const GraphData::Edge& e = graph.edges[j];
            bind(insert_edge_, 1, graph.nodes[e.src]);
            bind(insert_edge_, 2, graph.nodes[e.dst]);
            bind(insert_edge_, 3, graph.types[e.type]);
            check(db_, sqlite3_step(insert_edge_), "insert edge");
            sqlite3_reset(insert_edge_);
        }
        exec("COMMIT");
    }
}

void RawGraphSqlite::neighbors(const std::string& node, bool out, std::vector<std::string>& into) {
    sqlite3_stmt* stmt = out ? out_ : in_;
    bind(stmt, 1, node);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        into.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                          static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
    check(db_, rc, "select");
    sqlite3_reset(stmt);
}

// ---- PostgreSQL -----------------------------------------------------------------------------------------------

RawGraphPostgres::RawGraphPostgres(const std::string& url, const std::string& table) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) fail(std::string("connect: ") + PQerrorMessage(conn_));
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping" is expected
    const std::string nodes = table + "_nodes", edges = table + "_edges";
    // COLLATE "C", as the plugin's key column: byte order, no locale in the comparisons.
    for (const std::string& sql :
         {"CREATE TABLE IF NOT EXISTS " + nodes + " (id TEXT COLLATE \"C\" PRIMARY KEY)",
          "CREATE TABLE IF NOT EXISTS " + edges + " (src TEXT COLLATE \"C\" NOT NULL, dst TEXT COLLATE \"C\" NOT NULL, "
                                                  "type TEXT COLLATE \"C\" NOT NULL)",
          "CREATE INDEX IF NOT EXISTS " + edges + "_src ON " + edges + " (src)",
          "CREATE INDEX IF NOT EXISTS " + edges + "_dst ON " + edges + " (dst)"})
        pg_check(conn_, PQexec(conn_, sql.c_str()), "create");
    pg_check(conn_, PQprepare(conn_, "node", ("INSERT INTO " + nodes + " (id) VALUES ($1)").c_str(), 1, nullptr),
             "prepare node");
    pg_check(conn_, PQprepare(conn_, "edge", ("INSERT INTO " + edges + " (src, dst, type) VALUES ($1, $2, $3)").c_str(),
                              3, nullptr),
             "prepare edge");
    pg_check(conn_, PQprepare(conn_, "out", ("SELECT dst FROM " + edges + " WHERE src = $1").c_str(), 1, nullptr),
             "prepare out");
    pg_check(conn_, PQprepare(conn_, "in", ("SELECT src FROM " + edges + " WHERE dst = $1").c_str(), 1, nullptr),
             "prepare in");
}

RawGraphPostgres::~RawGraphPostgres() { PQfinish(conn_); }

void RawGraphPostgres::load(const GraphData& graph, size_t batch) {
    const int formats[3] = {1, 1, 1};  // binary parameters: a text value's bytes as they are
    for (size_t i = 0; i < graph.nodes.size(); i += batch)
        pipeline(conn_, std::min(batch, graph.nodes.size() - i), [&](size_t j) {
            const std::string& id = graph.nodes[i + j];
            const char* values[1] = {id.data()};
            const int lengths[1] = {static_cast<int>(id.size())};
            PQsendQueryPrepared(conn_, "node", 1, values, lengths, formats, 1);
        });
    for (size_t i = 0; i < graph.edges.size(); i += batch)
        pipeline(conn_, std::min(batch, graph.edges.size() - i), [&](size_t j) {
            const GraphData::Edge& e = graph.edges[i + j];
            const std::string &src = graph.nodes[e.src], &dst = graph.nodes[e.dst], &type = graph.types[e.type];
            const char* values[3] = {src.data(), dst.data(), type.data()};
            const int lengths[3] = {static_cast<int>(src.size()), static_cast<int>(dst.size()),
                                    static_cast<int>(type.size())};
            PQsendQueryPrepared(conn_, "edge", 3, values, lengths, formats, 1);
        });
}

void RawGraphPostgres::neighbors(const std::string& node, bool out, std::vector<std::string>& into) {
    const char* values[1] = {node.data()};
    const int lengths[1] = {static_cast<int>(node.size())};
    const int formats[1] = {1};
    PGresult* r = PQexecPrepared(conn_, out ? "out" : "in", 1, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) pg_check(conn_, r, "select");
    const int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) into.emplace_back(PQgetvalue(r, i, 0), static_cast<size_t>(PQgetlength(r, i, 0)));
    PQclear(r);
}

// ---- Files ----------------------------------------------------------------------------------------------------

namespace {

// The names in the directory name under dir_fd (none if it does not exist), hidden ones left out, sorted.
void read_sorted(int dir_fd, const char* name, std::vector<std::string>& names) {
    names.clear();
    const int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        fail(std::string("open ") + name);
    }
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) {
        ::close(fd);
        fail(std::string("fdopendir ") + name);
    }
    while (struct dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    ::closedir(d);
    std::sort(names.begin(), names.end());
}

}  // namespace

RawGraphFiles::RawGraphFiles(const std::string& root, const std::string& prefix) : base_(prefix + "/") {
    std::filesystem::create_directories(root);
    root_fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd_ < 0) fail("cannot open " + root);
}

RawGraphFiles::~RawGraphFiles() {
    if (root_fd_ >= 0) ::close(root_fd_);
}

void RawGraphFiles::load(const GraphData& graph, size_t) {
    std::unordered_set<std::string> made;  // directories known to exist
    std::string temp, path;
    // dir/name = value, through dir/.tmp-name and rename, the directories made first (each once).
    auto put = [&](const std::string& dir, const std::string& name, std::string_view value) {
        if (!made.count(dir))
            for (size_t slash = dir.find('/'); ; slash = dir.find('/', slash + 1)) {
                const std::string level = dir.substr(0, slash);
                if (made.insert(level).second && ::mkdirat(root_fd_, level.c_str(), 0755) != 0 && errno != EEXIST)
                    fail("mkdir " + level);
                if (slash == std::string::npos) break;
            }
        temp = dir + "/.tmp-" + name;
        path = dir + "/" + name;
        const int fd = ::openat(root_fd_, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) fail("open " + temp);
        if (::write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) fail("write " + temp);
        ::close(fd);
        if (::renameat(root_fd_, temp.c_str(), root_fd_, path.c_str()) != 0) fail("rename " + path);
    };
    const std::string nodes = base_ + "nodes", edges = base_ + "edges";
    for (const std::string& node : graph.nodes) put(nodes, node, "{}");
    char id[32];
    std::string document;
    for (size_t i = 0; i < graph.edges.size(); ++i) {
        const GraphData::Edge& e = graph.edges[i];
        const std::string &from = graph.nodes[e.src], &to = graph.nodes[e.dst], &type = graph.types[e.type];
        std::snprintf(id, sizeof id, "%012x%016zx", 0x5eed, i);  // the shape of a generated id: 28 hex digits
        document = "{\"from\":\"" + from + "\",\"properties\":{},\"to\":\"" + to + "\",\"type\":\"" + type + "\"}";
        put(edges, id, document);
        put(base_ + "out/" + from + "/" + type + "/" + to, id, "");
        put(base_ + "in/" + to + "/" + type + "/" + from, id, "");
    }
}

void RawGraphFiles::neighbors(const std::string& node, bool out, std::vector<std::string>& into) {
    // out/<node>/<type>/<other>/<edge>: every level read whole and sorted, as a listing in key order reads it.
    const std::string dir = base_ + (out ? "out/" : "in/") + node;
    const int node_fd = ::openat(root_fd_, dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (node_fd < 0) {
        if (errno == ENOENT) return;
        fail("open " + dir);
    }
    std::vector<std::string> types, others, edges;
    read_sorted(node_fd, ".", types);
    for (const std::string& type : types) {
        const int type_fd = ::openat(node_fd, type.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (type_fd < 0) fail("open " + type);
        read_sorted(type_fd, ".", others);
        for (const std::string& other : others) {
            read_sorted(type_fd, other.c_str(), edges);
            for (size_t i = 0; i < edges.size(); ++i) into.push_back(other);
        }
        ::close(type_fd);
    }
    ::close(node_fd);
}

// ---- Shortest paths -------------------------------------------------------------------------------------------

long raw_shortest_path(RawGraph& graph, const std::string& from, const std::string& to) {
    if (from == to) return 0;
    struct Visit {
        unsigned depth;
        std::string parent;
    };
    struct Side {
        bool out;
        std::unordered_map<std::string, Visit> visited;
        std::vector<std::string> frontier;
        unsigned depth = 0;
    };
    Side forward{true, {}, {from}}, backward{false, {}, {to}};
    forward.visited.emplace(from, Visit{0, ""});
    backward.visited.emplace(to, Visit{0, ""});
    std::vector<std::string> adjacent, next;
    std::string meeting;
    unsigned best = 0;
    while (!forward.frontier.empty() && !backward.frontier.empty()) {
        Side& side = forward.frontier.size() <= backward.frontier.size() ? forward : backward;
        const Side& other = &side == &forward ? backward : forward;
        next.clear();
        for (const std::string& node : side.frontier) {
            adjacent.clear();
            graph.neighbors(node, side.out, adjacent);
            for (std::string& reached : adjacent) {
                if (side.visited.count(reached)) continue;
                auto there = other.visited.find(reached);
                side.visited.emplace(reached, Visit{side.depth + 1, node});
                if (there != other.visited.end()) {
                    const unsigned length = side.depth + 1 + there->second.depth;
                    if (meeting.empty() || length < best) {
                        meeting = reached;
                        best = length;
                    }
                }
                next.push_back(std::move(reached));
            }
        }
        side.frontier.swap(next);
        ++side.depth;
        if (!meeting.empty()) break;
    }
    if (meeting.empty()) return -1;
    // The path itself, walked back through the parents as Graph::shortest_path walks it.
    std::vector<std::string> path;
    for (std::string node = meeting; node != from; node = forward.visited.at(node).parent) path.push_back(node);
    path.push_back(from);
    std::reverse(path.begin(), path.end());
    for (std::string node = meeting; node != to;) {
        node = backward.visited.at(node).parent;
        path.push_back(node);
    }
    return static_cast<long>(path.size()) - 1;
}

}  // namespace tote::bench
