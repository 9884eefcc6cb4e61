// SPDX-License-Identifier: Apache-2.0
// cli.cpp — the sealed tote CLI environment for tests.
#include "cli.hpp"

#include <filesystem>

namespace tote::test {

Cli::Cli() {
    env["HOME"] = home();
    env["XDG_CONFIG_HOME"] = home() + "/.config";
    env["XDG_DATA_HOME"] = home() + "/.local/share";
    env["LC_ALL"] = "C";
#ifdef _WIN32
    // Where tote.exe keeps the user's config and the default store (%APPDATA%, %LOCALAPPDATA%), sealed the same way.
    env["USERPROFILE"] = home();
    env["APPDATA"] = home() + "\\AppData\\Roaming";
    env["LOCALAPPDATA"] = home() + "\\AppData\\Local";
#endif
    if (const char* asan = std::getenv("ASAN_OPTIONS")) env["ASAN_OPTIONS"] = asan;
    if (const char* ubsan = std::getenv("UBSAN_OPTIONS")) env["UBSAN_OPTIONS"] = ubsan;
    if (const char* lsan = std::getenv("LSAN_OPTIONS")) env["LSAN_OPTIONS"] = lsan;
}

RunResult Cli::operator()(const std::vector<std::string>& args, const std::string& input) const {
    RunOptions options;
    options.stdin_data = input;
    return run(args, options);
}

RunResult Cli::run(const std::vector<std::string>& args, RunOptions options) const {
    std::vector<std::string> argv = {TOTE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& [k, v] : env)
        if (!options.env.count(k)) options.env[k] = v;
    if (options.cwd.empty()) options.cwd = home();
    return tote::test::run(argv, options);
}

std::string store_url(const std::string& scheme, const std::string& dir, const std::string& name) {
    return scheme + "://" + dir + "/" + name + (scheme == "sqlite" ? ".db" : "");
}

}  // namespace tote::test
