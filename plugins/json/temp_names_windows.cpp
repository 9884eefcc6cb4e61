// SPDX-License-Identifier: Apache-2.0
// temp_names_windows.cpp — temporary file names on Windows: "w<pid>-<creation>-<random>", where <creation> is the
// writer's creation time (100 ns units since 1601, from GetProcessTimes). Windows has no boot id, but a process is
// named exactly by its pid and creation time: a pid reused later belongs to a process created later. See
// temp_names.hpp; the POSIX version is temp_names.cpp.
#include "temp_names.hpp"

#include <windows.h>

#include <cstdint>
#include <cstdlib>
#include <random>

namespace tote::json_plugin {

namespace {

// The creation time of process, or 0 if it cannot be told.
uint64_t creation_of(HANDLE process) {
    FILETIME created, exited, kernel, user;
    if (!::GetProcessTimes(process, &created, &exited, &kernel, &user)) return 0;
    return (static_cast<uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
}

const std::string& process_tag() {
    static const std::string tag = "w" + std::to_string(::GetCurrentProcessId()) + "-" +
                                   std::to_string(creation_of(::GetCurrentProcess())) + "-";
    return tag;
}

}  // namespace

std::string new_temp_name() {
    thread_local std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
    static const char digits[] = "0123456789abcdef";
    uint64_t x = rng();
    std::string out = process_tag();
    for (int i = 0; i < 16; ++i, x >>= 4) out += digits[x & 15];
    return out;
}

Writer writer_of(std::string_view name) {
    if (name.size() < 2 || name[0] != 'w') return Writer::unknown;
    const std::string text(name.substr(1));
    char* end = nullptr;
    const unsigned long long pid = std::strtoull(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '-' || pid == 0 || pid > 0xFFFFFFFFull) return Writer::unknown;
    const char* creation_text = end + 1;
    const unsigned long long creation = std::strtoull(creation_text, &end, 10);
    if (end == creation_text || *end != '-' || creation == 0) return Writer::unknown;
    HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
    if (process == nullptr)
        return ::GetLastError() == ERROR_INVALID_PARAMETER ? Writer::dead : Writer::unknown;  // no such process
    DWORD code = 0;
    const bool running = ::GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    const uint64_t now = creation_of(process);
    ::CloseHandle(process);
    if (now == 0) return Writer::unknown;
    return running && now == creation ? Writer::alive : Writer::dead;
}

}  // namespace tote::json_plugin
