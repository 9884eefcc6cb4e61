// SPDX-License-Identifier: Apache-2.0
// cli_context.hpp — what every tote command shares: the global options, the Host built from them, the exit
// codes, and the error type that carries an exit code out of a command.
#ifndef TOTE_CLI_CONTEXT_HPP
#define TOTE_CLI_CONTEXT_HPP

#include <tote/tote.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tote::cli {

// Documented in docs/cli.md (tests/cli/cli_docs_test.cpp checks the table against exit_code_for()).
enum Exit : int {
    exit_ok = 0,
    exit_failure = 1,
    exit_usage = 2,            // bad usage or configuration, unknown scheme or store, invalid key
    exit_not_found = 3,        // the key or store does not exist
    exit_conflict = 4,         // already exists, version or size mismatch, key/prefix conflict, locked
    exit_unknown_outcome = 5,  // the operation may or may not have been applied (a connection lost mid-way)
};

// The exit code for a tote::Error: one case per status (the compiler checks that none is missing).
int exit_code_for(Status status);

// Thrown by commands for failures that are not a tote::Error (a missing input file, say).
struct CliError {
    int exit_code;
    std::string message;
};

class Context {
public:
    std::optional<std::string> config;
    std::vector<std::string> plugin_dirs;
    bool rescan = false;  // probe every plugin file again (tote plugins --rescan)
    bool metrics = false;  // --metrics: every store opened gets the metrics layer on top, printing on close

    // Built on first use, so `tote --help` works even with a broken config.
    const Host& host();
    // Opens a store named on the command line (URL, store name or "default").
    Store open(const std::string& store, bool create, bool read_only = false);

    // The command chosen on the command line, run after parsing.
    std::function<int()> action;

private:
    std::unique_ptr<Host> host_;
    std::set<std::string> warned_;
};

// Help text shared by every command that takes a STORE.
extern const char* const kStoreHelp;

void add_plugins_command(CLI::App& app, Context& ctx);
void add_value_commands(CLI::App& app, Context& ctx);  // put, get, append
void add_key_commands(CLI::App& app, Context& ctx);    // ls, stat, rm, mv
void add_find_command(CLI::App& app, Context& ctx);    // find
void add_graph_command(CLI::App& app, Context& ctx);   // graph
void add_cp_command(CLI::App& app, Context& ctx);
void add_new_plugin_command(CLI::App& app, Context& ctx);  // new-plugin
void add_plugin_command(CLI::App& app, Context& ctx);  // plugin check, plugin fixture
void add_plugin_fixture_command(CLI::App& plugin, Context& ctx);  // plugin fixture (called by the above)
void add_lock_command(CLI::App& app, Context& ctx);    // lock ls, lock rm
void add_tail_command(CLI::App& app, Context& ctx);    // tail
void add_verify_command(CLI::App& app, Context& ctx);  // verify
void add_admin_commands(CLI::App& app, Context& ctx);  // drop, doctor
void add_complete_command(CLI::App& app, Context& ctx);  // complete (hidden, for shell completion)

}  // namespace tote::cli

#endif  // TOTE_CLI_CONTEXT_HPP
