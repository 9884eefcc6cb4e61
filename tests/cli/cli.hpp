// SPDX-License-Identifier: Apache-2.0
// cli.hpp — a sealed environment for running the built tote binary in tests: its own HOME and XDG directories
// (so no real config or default store is touched), the built-in plugins of the build tree, and helpers to run
// commands and check their exit codes and output.
#ifndef TOTE_TEST_CLI_HPP
#define TOTE_TEST_CLI_HPP

#include "portable.hpp"
#include "process.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace tote::test {

class Cli {
public:
    Cli();
    const std::string& home() const { return home_.path(); }
    std::string path(const std::string& name) const { return home_ / name; }

    // Runs `tote args...` with cwd = home, feeding input on stdin.
    RunResult operator()(const std::vector<std::string>& args, const std::string& input = "") const;
    RunResult run(const std::vector<std::string>& args, RunOptions options) const;

    std::map<std::string, std::string> env;  // the child's environment; tests may add to it

private:
    TempDir home_;
};

// A path as the system writes it in messages ('\\' separators on Windows; unchanged elsewhere).
inline std::string native(const std::string& path) { return std::filesystem::path(path).make_preferred().string(); }

// s as a TOML basic string, quoted: Windows paths hold backslashes, which TOML reads as escapes.
inline std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\\' || c == '"') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

// The schemes of the first-party file-based backends, for GENERATE().
inline std::vector<std::string> file_schemes() { return {"json", "sqlite"}; }

// A store URL of the given scheme under dir ("json://DIR/NAME" or "sqlite://DIR/NAME.db").
std::string store_url(const std::string& scheme, const std::string& dir, const std::string& name);

}  // namespace tote::test

#endif  // TOTE_TEST_CLI_HPP
