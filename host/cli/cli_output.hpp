// SPDX-License-Identifier: Apache-2.0
// cli_output.hpp — input and output helpers of the CLI: reading a value from a file or stdin, writing raw bytes
// to stdout, and the text forms of times, sizes and versions.
#ifndef TOTE_CLI_OUTPUT_HPP
#define TOTE_CLI_OUTPUT_HPP

#include <tote/host.hpp>
#include <tote/store.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tote::cli {

// The whole content of path, or of stdin for "" or "-". Throws CliError (exit 1) naming the file.
std::string read_input(const std::string& path);

// Writes bytes to stdout unchanged. Throws CliError if stdout fails (a full disk behind a redirect, say).
void write_stdout(std::string_view bytes);
void flush_stdout();

// 2026-11-23T16:17:56.123456789Z, or "unknown" for 0.
std::string format_time(int64_t ns_since_epoch);
// 1023 B, 1.5 KiB, 97.7 MiB, ...
std::string format_bytes(uint64_t bytes);
// "60 s", "0.5 s".
std::string format_seconds(double seconds);
// "1.25 s", "3.40 ms", "12.5 µs": a short duration, with a unit that suits it.
std::string format_latency(double seconds);
// Versions are shown and accepted as 16 hex digits.
std::string format_version(uint64_t version);
// Accepts the 16-digit form (with or without 0x). Throws CliError (exit 2) otherwise.
uint64_t parse_version(const std::string& text);

const char* kind_name(Kind kind);

// "  /path/to/dir   per-user (not there)": the plugin directories, in search order, aligned, one per line.
std::vector<std::string> plugin_directory_lines(const Host& host);

// Nanoseconds since the Unix epoch, now.
int64_t now_ns();
// "90s", "10m", "2h", "7d", "500ms" (a positive whole number and a unit) in nanoseconds. Throws CliError (exit 2)
// naming the text otherwise.
int64_t parse_duration_ns(const std::string& text);

}  // namespace tote::cli

#endif  // TOTE_CLI_OUTPUT_HPP
