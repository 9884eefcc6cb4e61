// SPDX-License-Identifier: Apache-2.0
// cmd_admin.cpp — `tote drop STORE` (destroy a whole store) and `tote doctor [STORE]` (what tote sees, and what is
// wrong with it): the operator's side of "tote.admin/1".
//
// doctor never changes anything: it opens a store read-only and never creates it, and measures a round trip with
// stats of a key that need not exist. It lists every problem it finds and exits 1 if there was any.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

namespace tote::cli {

namespace {

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

int run_drop(Context& ctx, const std::string& store, bool yes) {
    const std::string url = redact_url(ctx.host().resolve(store));
    if (!yes) {
        if (!stdin_is_terminal())
            throw CliError{exit_usage, "refusing to drop " + url + " without --yes (standard input is not a terminal "
                                                                   "to ask on)"};
        std::fprintf(stderr, "Drop %s and every key in it? This cannot be undone. Type 'yes' to go on: ", url.c_str());
        std::fflush(stderr);
        std::string answer;
        if (!std::getline(std::cin, answer) || answer != "yes")
            throw CliError{exit_failure, "not dropped: " + url};
    }
    ctx.host().drop(store);
    write_stdout("dropped " + url + "\n");
    flush_stdout();
    return exit_ok;
}

// What doctor reports: lines to print, and the problems found on the way.
struct Report {
    std::string text;
    std::vector<std::string> problems;
    void line(const std::string& s) { text += s + "\n"; }
    void problem(const std::string& s) {
        problems.push_back(s);
        line("  PROBLEM: " + s);
    }
};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "none" : out;
}

void check_host(const Host& host, Report& r) {
    r.line("tote " + std::string(tote::version()) + " (plugin ABI " + std::to_string(TOTE_ABI_MAJOR) + "." +
           std::to_string(TOTE_ABI_MINOR) + ")");
    r.line("config file: " + (host.config_path() ? host.config_path()->string() : std::string("none")));
    r.line("plugin directories, in search order:");
    for (const std::string& line : plugin_directory_lines(host)) r.line(line);
    r.line("plugins loaded: " + std::to_string(host.plugins().size()));
    for (const PluginInfo& p : host.plugins())
        r.line("  " + p.name + " " + p.version + " (" + joined(p.schemes) + ") from " + p.path.string());
    if (!host.refused().empty()) r.line("refused:");
    for (const Refusal& refusal : host.refused()) r.problem(refusal.path.string() + ": " + refusal.reason);
    for (const std::string& warning : host.warnings()) r.problem(warning);
}

void check_store(Context& ctx, const std::string& name, Report& r) {
    std::string url;
    try {
        url = redact_url(ctx.host().resolve(name));
    } catch (const Error& e) {
        r.problem(e.what());
        return;
    }
    r.line("store " + name + ": " + url);
    std::optional<Store> store;
    const auto opening = std::chrono::steady_clock::now();
    try {
        store = ctx.open(name, false, true);
    } catch (const Error& e) {
        r.problem(std::string("it does not open: ") + e.what());
        return;
    }
    const auto opened = std::chrono::steady_clock::now();
    r.line("  opens:          yes, in " + format_latency(std::chrono::duration<double>(opened - opening).count()) +
           " (read-only)");
    r.line("  plugin:         " + store->plugin().name + " " + store->plugin().version + " (" +
           store->plugin().path.string() + ")");
    // The round trip: the median of five stats of a key that need not exist.
    std::vector<double> times;
    try {
        for (int i = 0; i < 5; ++i) {
            const auto start = std::chrono::steady_clock::now();
            (void)store->stat("tote-doctor-probe");
            times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(times.begin(), times.end());
        r.line("  round trip:     " + format_latency(times[times.size() / 2]) + " (median of 5 stats)");
    } catch (const Error& e) {
        r.problem(std::string("a stat fails: ") + e.what());
    }
    std::vector<std::string> options;
    for (const auto& [option, value] : store->options()) options.push_back(option + " = " + value);
    r.line("  options:        " + joined(options));
    // What the store offers: for a layered store, what the stack offers (less than the backend, perhaps).
    if (!store->layers().empty()) r.line("  layers:         " + joined(store->layers()) + " (outermost first)");
    r.line("  capabilities:   " + joined(capability_names(store->capabilities())));
    r.line("  extensions:     " + joined(store->extensions()));
    try {
        const nlohmann::json info = nlohmann::json::parse(store->info());
        for (const auto& [field, value] : info.items())
            r.line("  " + field + ":" + std::string(field.size() < 15 ? 15 - field.size() : 1, ' ') +
                   (value.is_string() ? value.get<std::string>() : value.dump()));
    } catch (const Error& e) {
        if (e.status() != Status::unsupported) r.problem(std::string("info fails: ") + e.what());
    }
}

int run_doctor(Context& ctx, const std::string& store) {
    Report report;
    check_host(ctx.host(), report);
    if (!store.empty()) check_store(ctx, store, report);
    if (report.problems.empty())
        report.line("no problems found");
    else
        report.line(std::to_string(report.problems.size()) + " problem(s) found");
    write_stdout(report.text);
    flush_stdout();
    return report.problems.empty() ? exit_ok : exit_failure;
}

}  // namespace

void add_admin_commands(CLI::App& app, Context& ctx) {
    {
        struct Args {
            std::string store;
            bool yes = false;
        };
        auto args = std::make_shared<Args>();
        auto* cmd = app.add_subcommand(
            "drop", "destroy a whole store: every key, and the file, directory, table or key prefix holding them");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_flag("-y,--yes", args->yes,
                      "do not ask (required when standard input is not a terminal)");
        cmd->footer("Exit 3 if there is no such store; the plugin must offer tote.admin/1 (json, sqlite, postgres, "
                    "redis do). 'tote rm -r STORE KEY' empties part of a store instead.");
        cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_drop(ctx, args->store, args->yes); }; });
    }
    {
        auto store = std::make_shared<std::string>();
        auto* cmd = app.add_subcommand(
            "doctor", "show the config, plugin directories and plugins in use and, for STORE, whether it opens, its "
                      "round trip, plugin details and capabilities; exit 1 naming every problem found");
        cmd->add_option("STORE", *store, kStoreHelp);
        cmd->callback([&ctx, store] { ctx.action = [&ctx, store] { return run_doctor(ctx, *store); }; });
    }
}

}  // namespace tote::cli
