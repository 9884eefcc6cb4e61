// SPDX-License-Identifier: Apache-2.0
// temp_names.cpp — temporary file names carrying the writer's boot id, pid and start time (see temp_names.hpp).
#include "temp_names.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

namespace tote::json_plugin {

namespace {

// Reads a small /proc file whole; "" if it cannot be read.
std::string read_small(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buffer[1024];
    ssize_t n;
    do n = ::read(fd, buffer, sizeof buffer);
    while (n < 0 && errno == EINTR);
    ::close(fd);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

// The first 16 hex digits of this boot's id, or "" where /proc does not say.
const std::string& boot_tag() {
    static const std::string tag = [] {
        std::string out;
        for (char c : read_small("/proc/sys/kernel/random/boot_id"))
            if (std::isxdigit(static_cast<unsigned char>(c)) && out.size() < 16) out += c;
        return out.size() == 16 ? out : std::string();
    }();
    return tag;
}

// Process pid's start time (clock ticks since boot), or -1 if it is gone or /proc does not say.
long long start_time_of(long long pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    const std::string text = read_small(path);
    size_t close = text.rfind(')');  // field 2, the command name, may hold spaces and parentheses
    if (close == std::string::npos) return -1;
    const char* p = text.c_str() + close + 1;
    for (int field = 3; field <= 22; ++field) {  // skip to field 22
        while (*p == ' ') ++p;
        if (field == 22) return std::strtoll(p, nullptr, 10);
        while (*p && *p != ' ') ++p;
        if (!*p) return -1;
    }
    return -1;
}

// "<boot>-<pid>-<start>-" for the calling process; recomputed after a fork (the pid changes).
std::string process_tag() {
    static thread_local long long cached_pid = -1;
    static thread_local std::string cached;
    const long long pid = ::getpid();
    if (pid != cached_pid) {
        cached_pid = pid;
        const std::string& boot = boot_tag();
        const long long start = start_time_of(pid);
        // Without /proc the name still carries the pid, but writer_of() will answer "unknown" for it.
        cached = (boot.empty() ? std::string("0000000000000000") : boot) + "-" + std::to_string(pid) + "-" +
                 std::to_string(start < 0 ? 0 : start) + "-";
    }
    return cached;
}

}  // namespace

std::string new_temp_name() {
    // Seeded per thread from the OS; the random part keeps two names of one thread apart.
    thread_local std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
    static const char digits[] = "0123456789abcdef";
    uint64_t x = rng();
    std::string out = process_tag();
    for (int i = 0; i < 16; ++i, x >>= 4) out += digits[x & 15];
    return out;
}

Writer writer_of(std::string_view name) {
    // <16 hex>-<pid>-<start>-<16 hex>
    const std::string& boot = boot_tag();
    if (boot.empty() || name.size() < 16 + 1 || name.substr(0, 16) != boot || name[16] != '-') return Writer::unknown;
    const std::string rest(name.substr(17));
    char* end = nullptr;
    errno = 0;
    const long long pid = std::strtoll(rest.c_str(), &end, 10);
    if (errno != 0 || end == rest.c_str() || *end != '-' || pid <= 0) return Writer::unknown;
    const char* start_text = end + 1;
    const long long start = std::strtoll(start_text, &end, 10);
    if (errno != 0 || end == start_text || *end != '-' || start <= 0) return Writer::unknown;
    const long long now = start_time_of(pid);
    if (now < 0) {
        // No /proc entry: gone, unless /proc is not there at all (then nothing can be told).
        return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH ? Writer::dead : Writer::unknown;
    }
    return now == start ? Writer::alive : Writer::dead;
}

}  // namespace tote::json_plugin
