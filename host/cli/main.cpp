// SPDX-License-Identifier: Apache-2.0
// main.cpp — the tote CLI: global options, the commands, and the one place where errors become exit codes and
// "tote: error: ..." lines on stderr.
#include "cli_context.hpp"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include <cstdio>
#include <exception>
#include <string>

namespace {

void print_error(const std::string& message) { std::fprintf(stderr, "tote: error: %s\n", message.c_str()); }

}  // namespace

int main(int argc, char** argv) {
    using namespace tote::cli;
#ifdef _WIN32
    // Values are bytes: the C runtime's text mode would turn "\n" into "\r\n" on the way out, and on the way in
    // drop "\r" before "\n" and stop at the first Ctrl-Z.
    ::_setmode(::_fileno(stdin), _O_BINARY);
    ::_setmode(::_fileno(stdout), _O_BINARY);
#endif
    Context ctx;
    CLI::App app{"tote - one interface to many storage backends, loaded as plugins.", "tote"};
    app.require_subcommand(1);
    // GNU-style options only, on Windows too (CLI11 also reads "/name" as an option there by default, so a key or
    // a path starting with '/' was refused as an unexpected argument). Set before the subcommands, which copy it.
    app.allow_windows_style_options(false);
    // --config and --plugin-dir also after the command (`tote plugins --plugin-dir DIR`): the subcommands, which
    // inherit this, hand options they do not know to their parent.
    app.fallthrough();
    app.set_version_flag("--version", std::string("tote ") + tote::version() + " (plugin ABI " +
                                          std::to_string(TOTE_ABI_MAJOR) + "." + std::to_string(TOTE_ABI_MINOR) + ")");
#ifdef _WIN32
    const char* const config_help = "TOML config file (default: %TOTE_CONFIG%, else %APPDATA%\\tote\\config.toml if present)";
#else
    const char* const config_help = "TOML config file (default: $TOTE_CONFIG, else ~/.config/tote/config.toml if present)";
#endif
    app.add_option("--config", ctx.config, config_help);
    app.add_option("--plugin-dir", ctx.plugin_dirs, "search this plugin directory first (repeatable)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    app.add_flag("--metrics", ctx.metrics,
                 "print each store's operation counts, errors, bytes and latencies to stderr when the command ends "
                 "(the metrics layer)");
    app.footer(
        "Exit codes: 0 ok, 1 failure, 2 usage or config error, 3 not found, 4 conflict, 5 unknown outcome.\n"
        "Run 'tote COMMAND --help' for a command's options. Documentation: docs/cli.md");

    add_plugins_command(app, ctx);
    add_value_commands(app, ctx);
    add_key_commands(app, ctx);
    add_find_command(app, ctx);
    add_graph_command(app, ctx);
    add_cp_command(app, ctx);
    add_new_plugin_command(app, ctx);
    add_plugin_command(app, ctx);
    add_lock_command(app, ctx);
    add_tail_command(app, ctx);
    add_verify_command(app, ctx);
    add_admin_commands(app, ctx);
    add_complete_command(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what());
        std::fprintf(stderr, "Run 'tote --help' for usage.\n");
        return exit_usage;
    }

    try {
        return ctx.action ? ctx.action() : exit_usage;
    } catch (const tote::Error& e) {
        print_error(e.what());
        return exit_code_for(e.status());
    } catch (const CliError& e) {
        print_error(e.message);
        return e.exit_code;
    } catch (const std::exception& e) {
        print_error(e.what());
        return exit_failure;
    }
}
