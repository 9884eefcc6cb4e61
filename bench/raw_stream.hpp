// SPDX-License-Identifier: Apache-2.0
// raw_stream.hpp — the raw references of the stream workload: a conditional append ("only if the value is N bytes
// long") and a ranged read, done with the SQLite C API and with POSIX calls the way the sqlite and json plugins do
// them (same schema, same transaction, same journal and lock files), with nothing of tote in between.
#ifndef TOTE_BENCH_RAW_STREAM_HPP
#define TOTE_BENCH_RAW_STREAM_HPP

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tote::bench {

class RawSqliteStream {
public:
    RawSqliteStream(const std::string& path, const std::string& synchronous);
    ~RawSqliteStream();
    RawSqliteStream(const RawSqliteStream&) = delete;
    RawSqliteStream& operator=(const RawSqliteStream&) = delete;

    // In one IMMEDIATE transaction: read the value, check its size, write it back with data appended.
    bool append_if_size(std::string_view key, std::string_view data, uint64_t expected_size);
    // Bytes [offset, offset + length) through incremental blob I/O, into out.
    void read_range(std::string_view key, uint64_t offset, uint64_t length, std::string& out);

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* select_ = nullptr;  // value of a key
    sqlite3_stmt* meta_ = nullptr;    // id, length of a key
    sqlite3_stmt* upsert_ = nullptr;
    uint64_t version_ = 0x9e3779b97f4a7c15ULL;
};

namespace raw_files {

// Under flock on dir/.lock: fstat, size check, journal the append, write it, clear the journal (no fsync).
bool append_if_size(int dir_fd, const std::string& name, std::string_view data, uint64_t expected_size);
// open, pread, close.
void read_range(int dir_fd, const std::string& name, uint64_t offset, uint64_t length, std::string& out);

}  // namespace raw_files

}  // namespace tote::bench

#endif  // TOTE_BENCH_RAW_STREAM_HPP
