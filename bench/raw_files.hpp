// SPDX-License-Identifier: Apache-2.0
// raw_files.hpp — the reference tote's json plugin is measured against: POSIX calls doing the same work on the
// same layout (one file per key), with nothing of tote in between — atomic replace through a temporary file and
// rename (synced when durable), whole-file reads, sorted directory listings.
#ifndef TOTE_BENCH_RAW_FILES_HPP
#define TOTE_BENCH_RAW_FILES_HPP

#include <string>
#include <string_view>

namespace tote::bench::raw_files {

// Writes value to dir/name through dir/.tmp-<name> and rename; with durable, fdatasync before and fsync of the
// directory (dir_fd) after.
void put(int dir_fd, const std::string& name, std::string_view value, bool durable);
// Reads dir/name whole into out.
void get(int dir_fd, const std::string& name, std::string& out);
// Reads dir, sorts the names (keys come out in order), counts them.
long count_sorted(const std::string& dir);

}  // namespace tote::bench::raw_files

#endif  // TOTE_BENCH_RAW_FILES_HPP
