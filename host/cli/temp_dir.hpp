// SPDX-License-Identifier: Apache-2.0
// temp_dir.hpp — a new private directory under the system's temporary directory (mkdtemp, or its Windows twin).
#ifndef TOTE_CLI_TEMP_DIR_HPP
#define TOTE_CLI_TEMP_DIR_HPP

#include <filesystem>
#include <string>

namespace tote::cli {

// Creates <temp>/<prefix>XXXXXX with a fresh random suffix, readable only by the user where the system has such
// modes. Throws CliError (exit 1) when it cannot.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace tote::cli

#endif  // TOTE_CLI_TEMP_DIR_HPP
