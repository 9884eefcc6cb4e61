// SPDX-License-Identifier: Apache-2.0
// temp_dir.cpp — make_temp_dir(): mkdtemp on POSIX; on Windows, which has none, a random name created with
// create_directory (which fails, rather than reuses, a name that exists), tried until one is new.
#include "temp_dir.hpp"

#include "cli_context.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <system_error>

namespace tote::cli {

namespace fs = std::filesystem;

fs::path make_temp_dir(const std::string& prefix) {
#ifdef _WIN32
    std::random_device seed;
    std::mt19937_64 random(seed());
    for (int attempt = 0; attempt < 100; ++attempt) {
        char suffix[17];
        std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
        const fs::path dir = fs::temp_directory_path() / (prefix + suffix);
        std::error_code ec;
        if (fs::create_directory(dir, ec)) return dir;
        if (ec) throw CliError{exit_failure, "cannot create a temporary directory " + dir.string() + ": " + ec.message()};
    }
    throw CliError{exit_failure, "cannot create a temporary directory: every name tried exists"};
#else
    std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw CliError{exit_failure, "cannot create a temporary directory " + pattern + ": " + std::strerror(errno)};
    return pattern;
#endif
}

}  // namespace tote::cli
