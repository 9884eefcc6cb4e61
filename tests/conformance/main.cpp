// SPDX-License-Identifier: Apache-2.0
// main.cpp — runs the conformance suite against one plugin under Catch2, for ctest:
//
//     tote-conformance --plugin-dir DIR... --scheme SCHEME [--url URL --isolate-option NAME] [--option K=V]...
//                      [--host-abi 1.0] [--fixture-via SCHEME2] [--layer NAME]... [catch2 options]
//
// Loads only the plugins in the DIRs (no environment, no built-in plugins), and gives each case a fresh store:
// under a new temporary directory for file-based plugins, or named after this process for the others (see
// default_base() in suite.hpp). A server backend is given its server's URL with --url, and with
// --isolate-option the option that gives each case a store of its own on it (postgres: table; redis: prefix).
// Cases whose capabilities the plugin does not declare are reported as skipped. --host-abi 1.0 makes the host
// speak ABI 1.0 to the plugin, as an older host would (tote::HostOptions::plugin_abi): the compatibility test of
// plugins built against 1.1 serving a 1.0 host; any status code 1.0 does not define then fails the case.
// --fixture-via SCHEME2 is for a plugin without TOTE_CAP_WRITE: the suite's fixture is first written through a
// store of the (writable, file-based) plugin SCHEME2 in the temporary directory, and the plugin under test reads
// that same location as its fixture store. --layer NAME stacks a layer (tote/ext/layer.h) over every store of the
// run ("cxor::cmem://…"): the suite then checks the layered stores. `tote plugin check` runs the same cases, each
// in a child process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "suite.hpp"

#include <portable.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

namespace {

std::vector<std::string> g_plugin_dirs;
std::string g_scheme;
std::string g_fixture_via;  // a writable scheme to write the fixture with, for a plugin that cannot write
std::filesystem::path g_temp;  // for file-based plugins, removed at exit
std::string g_url;             // a server backend's URL
std::string g_isolate;         // its isolating option
std::vector<std::string> g_options;  // K=V
std::string g_host_abi;              // "" (this host's) or "1.0"
std::vector<std::string> g_layers;   // stacked over every store, outermost first

const tote::Host& host() {
    static const tote::Host instance = [] {
        tote::HostOptions options;
        for (const std::string& dir : g_plugin_dirs) options.plugin_dirs.emplace_back(dir);
        options.use_environment = false;
        options.builtin_plugins = false;
        if (g_host_abi == "1.0") options.plugin_abi = 0x00010000u;
        return tote::Host(options);
    }();
    return instance;
}

const tote::PluginInfo* plugin_for(const std::string& scheme) {
    for (const auto& p : host().plugins())
        for (const auto& s : p.schemes)
            if (s == scheme && !tote::is_layer(p)) return &p;
    return nullptr;
}

}  // namespace

TEST_CASE("conformance") {
    const tote::PluginInfo* plugin = plugin_for(g_scheme);
    if (plugin == nullptr) {
        std::string refused;
        for (const auto& r : host().refused()) refused += "\n  " + r.path.string() + ": " + r.reason;
        FAIL("no plugin serves scheme '" << g_scheme << "' in the plugin directories" << refused);
    }
    tote::conformance::Target target;
    target.host = &host();
    target.scheme = g_scheme;
    target.layers = g_layers;
    target.base = g_url.empty() ? tote::conformance::default_base(*plugin, g_scheme, g_temp.string()) : g_url;
    target.isolate_option = g_isolate;
    for (const std::string& option : g_options) {
        size_t eq = option.find('=');
        if (eq != std::string::npos) target.options[option.substr(0, eq)] = option.substr(eq + 1);
    }
    if (!g_fixture_via.empty()) {
        const std::string location = (g_temp / "fixture").string();
        tote::OpenOptions create;
        create.create = true;
        tote::Store writer = host().open(g_fixture_via + "://" + location, create);
        tote::conformance::write_fixture(writer);
        target.fixture = g_scheme + "://" + location;
    }
    const auto& cases = tote::conformance::all_cases();
    for (size_t i = 0; i < cases.size(); ++i) {
        DYNAMIC_SECTION(cases[i].name) {
            tote::conformance::Result result = tote::conformance::run_case(target, i);
            if (result.outcome == tote::conformance::Outcome::skip) WARN("skipped: " << result.message);
            if (result.outcome == tote::conformance::Outcome::fail) FAIL(result.message);
            if (result.outcome == tote::conformance::Outcome::pass) SUCCEED(cases[i].name);
        }
    }
}

int main(int argc, char* argv[]) {
    Catch::Session session;
    using Catch::clara::Opt;
    session.cli(session.cli() | Opt(g_plugin_dirs, "dir")["--plugin-dir"]("a directory of plugins (repeatable)") |
                Opt(g_scheme, "scheme")["--scheme"]("URL scheme of the plugin under test") |
                Opt(g_url, "url")["--url"]("a server backend's URL") |
                Opt(g_isolate, "option")["--isolate-option"]("the option giving each case its own store") |
                Opt(g_options, "k=v")["--option"]("a plugin option for every store") |
                Opt(g_host_abi, "1.0")["--host-abi"]("speak this older ABI version to the plugin") |
                Opt(g_layers, "name")["--layer"]("stack this layer over every store (repeatable, outermost first)") |
                Opt(g_fixture_via, "scheme")["--fixture-via"]("write the fixture with this plugin, for a read-only one"));
    if (int rc = session.applyCommandLine(argc, argv)) return rc;
    if (g_plugin_dirs.empty() || g_scheme.empty() || !(g_host_abi.empty() || g_host_abi == "1.0")) {
        std::fprintf(stderr, "usage: %s --plugin-dir DIR... --scheme SCHEME [--url URL --isolate-option NAME] "
                             "[--option K=V]... [--host-abi 1.0] [--fixture-via SCHEME2] [--layer NAME]... [catch2 options]\n",
                     argv[0]);
        return 2;
    }
    try {
        g_temp = tote::test::make_temp_dir("tote-conformance-").string();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    int rc = session.run();
    std::error_code ec;
    std::filesystem::remove_all(g_temp, ec);
    return rc;
}
