// SPDX-License-Identifier: Apache-2.0
// cli_output.cpp — value input, raw output and text formats for the CLI.
#include "cli_output.hpp"

#include "cli_context.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <limits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace tote::cli {

std::string read_input(const std::string& path) {
    const bool from_stdin = path.empty() || path == "-";
    FILE* in = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (in == nullptr) throw CliError{exit_failure, "cannot open " + path + ": " + std::strerror(errno)};
    std::string data;
    char buffer[64 * 1024];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) data.append(buffer, n);
    const bool failed = std::ferror(in) != 0;
    const int err = errno;
    if (!from_stdin) std::fclose(in);
    if (failed)
        throw CliError{exit_failure, "cannot read " + (from_stdin ? std::string("standard input") : path) + ": " +
                                         std::strerror(err)};
    return data;
}

void write_stdout(std::string_view bytes) {
    if (bytes.empty()) return;
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
        throw CliError{exit_failure, std::string("cannot write to standard output: ") + std::strerror(errno)};
}

void flush_stdout() {
    if (std::fflush(stdout) != 0)
        throw CliError{exit_failure, std::string("cannot write to standard output: ") + std::strerror(errno)};
}

std::string format_time(int64_t ns) {
    if (ns == 0) return "unknown";
    std::time_t seconds = static_cast<std::time_t>(ns / 1000000000);
    long nanos = static_cast<long>(ns % 1000000000);
    if (nanos < 0) {
        nanos += 1000000000;
        --seconds;
    }
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &seconds);
#else
    gmtime_r(&seconds, &tm);
#endif
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%09ldZ", date, nanos);
    return out;
}

std::string format_bytes(uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    size_t unit = 0;
    while (value >= 1024 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1024;
        ++unit;
    }
    char out[32];
    if (unit == 0)
        std::snprintf(out, sizeof out, "%" PRIu64 " B", bytes);
    else
        std::snprintf(out, sizeof out, "%.1f %s", value, units[unit]);
    return out;
}

std::string format_seconds(double seconds) {
    char out[32];
    std::snprintf(out, sizeof out, "%g s", seconds);
    return out;
}

std::string format_latency(double seconds) {
    char out[32];
    if (seconds >= 1)
        std::snprintf(out, sizeof out, "%.2f s", seconds);
    else if (seconds >= 1e-3)
        std::snprintf(out, sizeof out, "%.2f ms", seconds * 1e3);
    else
        std::snprintf(out, sizeof out, "%.1f µs", seconds * 1e6);
    return out;
}

std::string format_version(uint64_t version) {
    char out[24];
    std::snprintf(out, sizeof out, "%016" PRIx64, version);
    return out;
}

uint64_t parse_version(const std::string& text) {
    std::string digits = text.rfind("0x", 0) == 0 ? text.substr(2) : text;
    bool ok = !digits.empty() && digits.size() <= 16;
    uint64_t value = 0;
    for (char c : digits) {
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0) ok = false;
        value = (value << 4) | static_cast<uint64_t>(d < 0 ? 0 : d);
    }
    if (!ok) throw CliError{exit_usage, "bad version '" + text + "': expected the hex digits shown by 'tote stat'"};
    return value;
}

const char* kind_name(Kind kind) { return kind == Kind::prefix ? "prefix" : "key"; }

}  // namespace tote::cli

namespace tote::cli {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t parse_duration_ns(const std::string& text) {
    static const std::pair<const char*, int64_t> units[] = {
        {"ms", 1000000LL}, {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL}, {"d", 86400000000000LL}};
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    const std::string unit = text.substr(digits);
    for (const auto& [name, ns] : units) {
        if (digits == 0 || digits > 12 || unit != name) continue;
        const int64_t count = std::stoll(text.substr(0, digits));
        if (count > 0 && count <= std::numeric_limits<int64_t>::max() / ns / 2) return count * ns;
    }
    throw CliError{exit_usage, "bad duration '" + text + "': expected a positive whole number and a unit, as in 500ms, "
                               "90s, 10m, 2h or 7d"};
}

}  // namespace tote::cli

namespace tote::cli {

std::vector<std::string> plugin_directory_lines(const Host& host) {
    size_t width = 0;
    for (const PluginDirectory& d : host.plugin_directories()) width = std::max(width, d.path.string().size());
    std::vector<std::string> lines;
    for (const PluginDirectory& d : host.plugin_directories()) {
        std::error_code ec;
        const bool there = std::filesystem::is_directory(d.path, ec);
        lines.push_back("  " + d.path.string() + std::string(width - d.path.string().size() + 2, ' ') + d.source +
                        (there ? "" : " (not there)"));
    }
    return lines;
}

}  // namespace tote::cli
