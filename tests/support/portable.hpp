// SPDX-License-Identifier: Apache-2.0
// portable.hpp — the few system calls the tests make that differ between POSIX and Windows (the Windows build
// runs them under Wine): environment variables, a new temporary directory, a plugin file's name. Header-only.
#ifndef TOTE_TEST_PORTABLE_HPP
#define TOTE_TEST_PORTABLE_HPP

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

namespace tote::test {

inline void set_env(const char* name, const std::string& value) {
#ifdef _WIN32
    ::_putenv_s(name, value.c_str());
#else
    ::setenv(name, value.c_str(), 1);
#endif
}

inline void unset_env(const char* name) {
#ifdef _WIN32
    ::_putenv_s(name, "");  // Windows' C runtime removes a variable set to ""
#else
    ::unsetenv(name);
#endif
}

// A new directory <temp>/<prefix><random>, created exclusively (an existing name is never reused).
inline std::filesystem::path make_temp_dir(const std::string& prefix) {
    std::random_device seed;
    std::mt19937_64 random(seed());
    for (int attempt = 0; attempt < 100; ++attempt) {
        char suffix[17];
        std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
        const std::filesystem::path dir = std::filesystem::temp_directory_path() / (prefix + suffix);
        std::error_code ec;
        if (std::filesystem::create_directory(dir, ec)) return dir;
        if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    }
    throw std::runtime_error("cannot create a temporary directory: every name tried exists");
}

// The suffix of plugin libraries, and a plugin file's name: "tote-cmem" -> "tote-cmem.so" (".dll" on Windows).
inline std::string plugin_suffix() {
#ifdef _WIN32
    return ".dll";
#else
    return ".so";
#endif
}
inline std::string plugin_file(const std::string& stem) { return stem + plugin_suffix(); }

}  // namespace tote::test

#endif  // TOTE_TEST_PORTABLE_HPP
