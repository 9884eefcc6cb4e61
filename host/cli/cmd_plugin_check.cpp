// SPDX-License-Identifier: Apache-2.0
// cmd_plugin_check.cpp — `tote plugin check PLUGIN`: the conformance suite (host/conformance) against a plugin
// (or a layer, stacked over the backend --over names), each case on a fresh store (or, for a plugin that cannot write, on the store --fixture names, which holds the
// suite's fixture: cmd_plugin_fixture.cpp), the plugin's code confined to child processes.
//
// The parent never loads the plugin under test. It starts a worker (`tote plugin check-worker`, hidden) that
// loads it, describes it, and runs the cases from a given index on, reporting on a pipe:
//
//     plugin <name>\t<version>\t<abi>\t<scheme>\t<base URL>  after loading (escaped like messages)
//     start <i>                                             before case i
//     result <i> pass|skip|fail <message>                   after case i (message: \n and \\ escaped)
//     error <exit code> <message>                           the plugin cannot be checked at all
//     done
//
// If the worker dies or exits during a case, or a case outlives --timeout, the parent reports that case as
// failed (with how the process ended) and starts a new worker at the next case. So a crash, a hang or an exit()
// in a plugin is a result line, never the end of the CLI. The whole check has a deadline (--deadline), and it
// stops after kMaxTimeoutsInARow cases in a row timed out: a plugin that hangs on every read would otherwise take
// every case's timeout in turn (over half an hour at the defaults). Either way the cases not run are counted and
// the verdict says why the check stopped.
#include "child_process.hpp"
#include "cli_context.hpp"
#include "cli_output.hpp"
#include "temp_dir.hpp"

#include <suite.hpp>

#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace tote::cli {

namespace {

struct CheckArgs {
    std::string plugin;
    std::vector<std::string> options;  // KEY=VALUE
    std::string store;                 // a config store whose options (and, for servers, URL) to use
    std::string isolate_option;        // for a server backend: the option that gives each case its own store
    std::string fixture;               // for a plugin without TOTE_CAP_WRITE: a store holding the suite's fixture
    std::string over;                  // for a layer: the scheme of the backend it is stacked over (empty: json)
    std::string over_plugin;           // that backend's plugin file (resolved by the parent; worker only)
    double timeout = 60;
    double deadline = 900;
    // Worker only:
    size_t from = 0;
    std::string temp_dir;
    std::string store_url;
    long long report_fd = -1;  // a descriptor (POSIX) or an inherited HANDLE's value (Windows): ChildProcess
};

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string unescape(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            out += text[++i] == 'n' ? '\n' : text[i];
        } else {
            out += text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_options(const std::vector<std::string>& items) {
    std::map<std::string, std::string> out;
    for (const std::string& item : items) {
        size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw CliError{exit_usage, "bad --option '" + item + "': expected KEY=VALUE"};
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

// ---- the worker (child process) ---------------------------------------------------------------------------------

class Reporter {
public:
    explicit Reporter(int fd) : fd_(fd) {}
    void line(const std::string& text) {
        std::string out = text + "\n";
        const char* p = out.data();
        size_t left = out.size();
        while (left > 0) {
            ssize_t n = ::write(fd_, p, left);
            if (n <= 0) std::_Exit(3);  // the parent is gone: nobody to report to
            p += n;
            left -= static_cast<size_t>(n);
        }
    }

private:
    int fd_;
};

int run_worker(const CheckArgs& args) {
    Reporter report(ChildProcess::in_child(args.report_fd));
    HostOptions options;
    options.plugin_files = {args.plugin};
    if (!args.over_plugin.empty()) options.plugin_files.push_back(args.over_plugin);
    options.use_environment = false;
    options.builtin_plugins = false;
    options.isolate_plugins = false;  // this worker is the expendable process: the plugin is loaded right here
    Host host(options);
    if (!host.refused().empty()) {
        report.line("error 1 " + escape("the host refuses " + args.plugin + ": " + host.refused()[0].reason));
        return exit_failure;
    }
    const PluginInfo& checked = host.plugins().at(0);
    // A layer is checked stacked over a backend (--over): the suite's stores are "layer::scheme://…", and what the
    // backend's plugin describes (options, location, the fixture) is the backend's.
    const PluginInfo* below = nullptr;
    if (!is_layer(checked) && !args.over.empty()) {
        report.line("error 2 " + escape(checked.name + " is a storage backend, not a layer: --over (the store to "
                                        "stack a layer over) does not apply to it"));
        return exit_usage;
    }
    const std::string over = args.over.empty() ? "json" : args.over;
    if (is_layer(checked)) {
        for (const PluginInfo& p : host.plugins())
            if (!is_layer(p) && std::find(p.schemes.begin(), p.schemes.end(), over) != p.schemes.end()) below = &p;
        if (below == nullptr) {
            report.line("error 2 " + escape(checked.name + " is a layer, checked stacked over a store, and no backend "
                                            "plugin serves the scheme '" + over + "' to stack it over (--over)"));
            return exit_usage;
        }
    }
    const PluginInfo& plugin = below ? *below : checked;
    try {
        check_plugin_options(plugin, parse_options(args.options));
    } catch (const Error& e) {
        report.line("error 2 " + escape(e.what()));
        return exit_usage;
    }
    conformance::Target target;
    target.host = &host;
    if (below) target.layers = {checked.schemes.at(0)};
    target.scheme = plugin.schemes.at(0);
    if (!args.store_url.empty()) {
        const std::string scheme = args.store_url.substr(0, args.store_url.find("://"));
        if (std::find(plugin.schemes.begin(), plugin.schemes.end(), scheme) == plugin.schemes.end()) {
            report.line("error 2 " + escape("the store's URL " + args.store_url + " is not for the " + plugin.name +
                                            " plugin (schemes: " + plugin.schemes.at(0) + ")"));
            return exit_usage;
        }
        target.scheme = scheme;
    }
    target.options = parse_options(args.options);
    target.base = plugin.location_kind == TOTE_LOCATION_URL && !args.store_url.empty()
                      ? args.store_url
                      : conformance::default_base(plugin, target.scheme, args.temp_dir);
    target.isolate_option = args.isolate_option;
    const bool writes = (below ? layered_capabilities(checked.capabilities, below->capabilities) : plugin.capabilities) &
                        TOTE_CAP_WRITE;
    if (!writes && args.fixture.empty()) {
        report.line("error 2 " + escape("the " + plugin.name + " plugin cannot write (no write capability), so the "
                                        "suite cannot fill a store for it: write the suite's fixture with 'tote "
                                        "plugin fixture STORE' where the plugin can read it, then check with "
                                        "--fixture URL"));
        return exit_usage;
    }
    if (writes && !args.fixture.empty()) {
        report.line("error 2 " + escape("--fixture is for plugins that cannot write; the " + plugin.name +
                                        " plugin writes the fixture into each case's own store"));
        return exit_usage;
    }
    if (!args.fixture.empty()) {
        const std::string scheme = args.fixture.substr(0, args.fixture.find("://"));
        if (std::find(plugin.schemes.begin(), plugin.schemes.end(), scheme) == plugin.schemes.end()) {
            report.line("error 2 " + escape("the fixture's URL " + redact_url(args.fixture) + " is not for the " +
                                            plugin.name + " plugin (schemes: " + plugin.schemes.at(0) + ")"));
            return exit_usage;
        }
        target.scheme = scheme;
        target.fixture = args.fixture;
        try {
            OpenOptions read_only;
            read_only.read_only = true;
            read_only.options = target.options;
            host.open(args.fixture, read_only);
        } catch (const Error& e) {
            report.line("error " + std::to_string(exit_code_for(e.status())) + " " +
                        escape(std::string("the fixture store does not open: ") + e.what()));
            return exit_code_for(e.status());
        }
    }
    const std::string stack = below ? checked.schemes.at(0) + "::" : std::string();
    report.line("plugin " + escape(checked.name + "\t" + checked.version + "\t" +
                                   std::to_string(TOTE_ABI_VERSION_MAJOR(checked.abi_version)) + "." +
                                   std::to_string(TOTE_ABI_VERSION_MINOR(checked.abi_version)) + "\t" + stack +
                                   target.scheme + "\t" + stack + redact_url(target.base)));
    const auto& cases = conformance::all_cases();
    for (size_t i = args.from; i < cases.size(); ++i) {
        report.line("start " + std::to_string(i));
        conformance::Result r = conformance::run_case(target, i);
        const char* kind = r.outcome == conformance::Outcome::pass   ? "pass"
                           : r.outcome == conformance::Outcome::skip ? "skip"
                                                                     : "fail";
        report.line("result " + std::to_string(i) + " " + kind + " " + escape(r.message));
    }
    report.line("done");
    return exit_ok;
}

// ---- the parent ---------------------------------------------------------------------------------------------------

struct Tally {
    size_t passed = 0, failed = 0, skipped = 0;
};

// After this many consecutive cases that timed out, the plugin is taken to hang and the check stops.
constexpr int kMaxTimeoutsInARow = 3;

void print_result(const std::string& kind, const std::string& name, const std::string& message, Tally& tally) {
    std::string line = kind + " " + name;
    if (!message.empty()) {
        std::string indented;
        for (char c : message) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
        line += ": " + indented;
    }
    write_stdout(line + "\n");
    flush_stdout();
    if (kind == "pass") ++tally.passed;
    if (kind == "fail") ++tally.failed;
    if (kind == "skip") ++tally.skipped;
}

// The plugin file to check: PLUGIN itself if it is a file, else the file of the loaded plugin of that name.
std::string plugin_path(Context& ctx, const std::string& plugin) {
    std::error_code ec;
    if (fs::is_regular_file(plugin, ec)) return fs::absolute(plugin).lexically_normal().string();
    if (plugin.find('/') != std::string::npos || fs::path(plugin).has_extension())
        throw CliError{exit_not_found, "no such plugin file: " + plugin};
    for (const PluginInfo& p : ctx.host().plugins())
        if (p.name == plugin) return p.path.string();
    throw CliError{exit_not_found, "no loaded plugin is named '" + plugin + "' (see 'tote plugins'), and no such file"};
}

int run_check(Context& ctx, CheckArgs args) {
    if (!ChildProcess::supported())
        throw CliError{exit_failure, "tote plugin check needs child processes, which this system does not offer"};
    args.plugin = plugin_path(ctx, args.plugin);
    std::map<std::string, std::string> options = parse_options(args.options);
    if (!args.store.empty()) {
        bool found = false;
        for (const StoreDefinition& d : ctx.host().stores()) {
            if (d.name != args.store) continue;
            found = true;
            for (const auto& [k, v] : d.options) options.emplace(k, v);  // --option wins
            args.store_url = d.url;  // as written: only server (URL) backends use it, and those take it as is
        }
        if (!found) throw CliError{exit_usage, "no store named '" + args.store + "' in the config"};
    }
    // The backend a layer would be stacked over (used only if PLUGIN turns out to be a layer: the parent never loads
    // PLUGIN, so it cannot tell).
    std::string over_plugin;
    const std::string over = args.over.empty() ? "json" : args.over;
    for (const PluginInfo& p : ctx.host().plugins())
        if (!is_layer(p) && std::find(p.schemes.begin(), p.schemes.end(), over) != p.schemes.end())
            over_plugin = p.path.string();
    const std::string temp = make_temp_dir("tote-check-").string();
    struct RemoveTemp {
        std::string dir;
        ~RemoveTemp() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } remove_temp{temp};

    const auto& cases = conformance::all_cases();
    const auto timeout = std::chrono::milliseconds(static_cast<long long>(args.timeout * 1000));
    const auto deadline_at =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long long>(args.deadline * 1000));
    Tally tally;
    bool described = false;
    int timeouts_in_a_row = 0;
    std::string stopped;  // why the check stopped before the last case, if it did
    size_t next = 0;
    while (next < cases.size()) {
        std::vector<std::string> worker = {"plugin", "check-worker", args.plugin, "--from", std::to_string(next),
                                           "--temp-dir", temp, "--timeout", std::to_string(args.timeout)};
        for (const auto& [k, v] : options) worker.insert(worker.end(), {"--option", k + "=" + v});
        if (!args.store_url.empty()) worker.insert(worker.end(), {"--store-url", args.store_url});
        if (!args.isolate_option.empty()) worker.insert(worker.end(), {"--isolate-option", args.isolate_option});
        if (!args.fixture.empty()) worker.insert(worker.end(), {"--fixture", args.fixture});
        if (!args.over.empty()) worker.insert(worker.end(), {"--over", args.over});
        if (!over_plugin.empty()) worker.insert(worker.end(), {"--over-plugin", over_plugin});
        ChildProcess child(worker);
        constexpr size_t none = static_cast<size_t>(-1);
        size_t running = none;  // the case the worker is in, if any
        bool done = false, timed_out = false, past_deadline = false;
        for (std::string line;;) {
            const auto now = std::chrono::steady_clock::now();
            auto got = child.read_line(line, std::min(now + timeout, deadline_at));
            if (got == ChildProcess::Read::timeout) {
                timed_out = true;
                past_deadline = std::chrono::steady_clock::now() >= deadline_at;
                break;
            }
            if (got == ChildProcess::Read::end) break;
            std::istringstream in(line);
            std::string verb;
            in >> verb;
            if (verb == "plugin" && !described) {
                std::string rest;
                std::getline(in >> std::ws, rest);
                std::vector<std::string> f;  // name, version, abi, scheme, base
                std::istringstream fields(unescape(rest));
                for (std::string field; std::getline(fields, field, '\t');) f.push_back(field);
                f.resize(5);
                const std::string where =
                    !args.fixture.empty()         ? "reading the fixture at " + redact_url(args.fixture)
                    : args.isolate_option.empty() ? "stores at " + f[4] + "-case-N"
                                                  : "stores at " + f[4] + " with " + args.isolate_option + " …_case_N";
                write_stdout("checking " + args.plugin + ": " + f[0] + " " + f[1] + " (ABI " + f[2] + "), scheme " +
                             f[3] + ", " + where + "\n");
                described = true;
            } else if (verb == "start") {
                size_t i;
                in >> i;
                running = i;
            } else if (verb == "result") {
                size_t i;
                std::string kind;
                in >> i >> kind;
                std::string message;
                std::getline(in >> std::ws, message);
                print_result(kind, cases.at(i).name, unescape(message), tally);
                running = none;
                next = i + 1;
                timeouts_in_a_row = 0;
            } else if (verb == "error") {
                int code = exit_failure;
                std::string message;
                in >> code;
                std::getline(in >> std::ws, message);
                throw CliError{code, unescape(message)};
            } else if (verb == "done") {
                done = true;
            }
        }
        std::string ending = child.finish();
        if (done) break;
        const std::string how =
            past_deadline ? "the check's deadline of " + format_seconds(args.deadline) + " passed (the process was killed)"
            : timed_out   ? "timed out after " + format_seconds(args.timeout) + " (the process was killed)"
            : ending.empty() ? std::string("the process exited with status 0")
                             : "the process " + ending;
        if (running == none) {
            if (past_deadline) {
                stopped = "the check's deadline of " + format_seconds(args.deadline) + " passed";
                break;
            }
            // Died outside any case: while loading the plugin, or between cases. Nothing more can be checked.
            throw CliError{exit_failure, "the plugin could not be checked: " + how +
                                             (described ? " between cases" : " while loading it")};
        }
        print_result("fail", cases.at(running).name, how + " during this case", tally);
        next = running + 1;
        if (past_deadline) {
            stopped = "the check's deadline of " + format_seconds(args.deadline) + " passed (--deadline)";
            break;
        }
        if (timed_out && ++timeouts_in_a_row >= kMaxTimeoutsInARow) {
            stopped = std::to_string(kMaxTimeoutsInARow) + " cases in a row timed out: the plugin looks hung";
            break;
        }
    }
    const size_t not_run = cases.size() - std::min(next, cases.size());
    if (!stopped.empty())
        write_stdout("stopped: " + stopped + "; " + std::to_string(not_run) + " case" + (not_run == 1 ? "" : "s") +
                     " not run\n");
    write_stdout(std::to_string(tally.passed) + " passed, " + std::to_string(tally.failed) + " failed, " +
                 std::to_string(tally.skipped) + " skipped" +
                 (not_run > 0 ? ", " + std::to_string(not_run) + " not run" : std::string()) + "\n");
    flush_stdout();
    return tally.failed == 0 && not_run == 0 ? exit_ok : exit_failure;
}

}  // namespace

void add_plugin_command(CLI::App& app, Context& ctx) {
    auto* plugin = app.add_subcommand("plugin", "work with one plugin (see 'tote plugin check --help')");
    plugin->require_subcommand(1);
    {
        auto args = std::make_shared<CheckArgs>();
        auto* check = plugin->add_subcommand(
            "check", "run the conformance suite against PLUGIN, each case on a fresh store, in child processes");
        check->add_option("PLUGIN", args->plugin, "a plugin file (.so), or the name of a loaded plugin")->required();
        check->add_option("--option", args->options, "a plugin option for every store, KEY=VALUE (repeatable)")
            ->type_name("KEY=VALUE")
            ->allow_extra_args(false);
        check->add_option("--store", args->store,
                          "take options (and, for server backends, the URL) from this store of the config");
        check->add_option("--isolate-option", args->isolate_option,
                          "for a server backend given with --store: the option that gives each case a store of its "
                          "own on that server (postgres: table, redis: prefix)");
        check->add_option("--fixture", args->fixture,
                          "for a plugin that cannot write: a URL of PLUGIN's where it reads the suite's fixture "
                          "(written by 'tote plugin fixture')");
        check->add_option("--over", args->over,
                          "for a layer: the scheme of the backend to stack it over (its stores are LAYER::SCHEME://"
                          "...; --option, --store and --fixture then concern that backend)")
            ->default_str("json");
        check->add_option("--timeout", args->timeout, "seconds one case may take before it is failed")
            ->default_str("60")
            ->check(CLI::PositiveNumber);
        check->add_option("--deadline", args->deadline,
                          "seconds the whole check may take; the cases not reached by then are not run")
            ->default_str("900")
            ->check(CLI::PositiveNumber);
        check->footer("Prints 'pass NAME', 'fail NAME: reason' or 'skip NAME: reason' per case, then "
                      "'N passed, N failed, N skipped'.\nStops early, saying why and how many cases were not run, "
                      "at --deadline or after " + std::to_string(kMaxTimeoutsInARow) +
                      " cases in a row timed out.\nExit status 0 only if nothing failed and every case ran.");
        check->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_check(ctx, *args); }; });
    }
    {
        // The child side of `plugin check`; not for people (hidden from help).
        auto args = std::make_shared<CheckArgs>();
        auto* worker = plugin->add_subcommand("check-worker", "");
        worker->group("");
        worker->add_option("PLUGIN", args->plugin)->required();
        worker->add_option("--from", args->from);
        worker->add_option("--temp-dir", args->temp_dir)->required();
        worker->add_option("--timeout", args->timeout);
        worker->add_option("--option", args->options)->allow_extra_args(false);
        worker->add_option("--store-url", args->store_url);
        worker->add_option("--isolate-option", args->isolate_option);
        worker->add_option("--fixture", args->fixture);
        worker->add_option("--over", args->over);
        worker->add_option("--over-plugin", args->over_plugin);
        worker->add_option("--report-fd", args->report_fd)->required();
        worker->callback([&ctx, args] { ctx.action = [args] { return run_worker(*args); }; });
    }
    add_plugin_fixture_command(*plugin, ctx);
}

}  // namespace tote::cli
