// SPDX-License-Identifier: Apache-2.0
// cmd_plugin_fixture.cpp — `tote plugin fixture STORE`: writes the conformance suite's fixture (a fixed dataset,
// host/conformance/cases_fixture.cpp) into a store, so that a plugin which cannot write — a read-only source —
// can be checked against it with `tote plugin check PLUGIN --fixture URL`. A json:// store holds the fixture as
// plain files, which is also the easiest form to convert into whatever a read-only plugin reads.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <suite.hpp>

#include <memory>
#include <set>

namespace tote::cli {

namespace {

int run_fixture(Context& ctx, const std::string& name) {
    Store store = ctx.open(name, true);
    if (!store.supports(TOTE_CAP_WRITE))
        throw CliError{exit_usage, "the " + store.plugin().name + " plugin cannot write, so it cannot hold the "
                                   "fixture it is to be checked against: write it through a plugin that can (for "
                                   "plain files, json://DIR) and point the read-only plugin at the result"};
    const auto& entries = conformance::fixture_entries();
    if (store.supports(TOTE_CAP_LIST)) {
        // Never mix the fixture into someone's data: the store must be empty, or hold the fixture already.
        std::set<std::string> fixture_keys;
        for (const auto& [key, value] : entries) fixture_keys.insert(key);
        std::string foreign;
        store.list("", ListOptions{true, ""}, [&](const Entry& e) {
            if (fixture_keys.count(e.key)) return true;
            foreign = e.key;
            return false;
        });
        if (!foreign.empty())
            throw CliError{exit_conflict, store.url() + " holds keys that are not the fixture's ('" + foreign +
                                              "', …): name a new or empty store"};
    }
    conformance::write_fixture(store);
    uint64_t bytes = 0;
    for (const auto& [key, value] : entries) bytes += value.size();
    write_stdout("wrote the conformance fixture (" + std::to_string(entries.size()) + " keys, " +
                 format_bytes(bytes) + ") to " + store.url() + "\n");
    flush_stdout();
    return exit_ok;
}

}  // namespace

void add_plugin_fixture_command(CLI::App& plugin, Context& ctx) {
    auto name = std::make_shared<std::string>();
    auto* fixture = plugin.add_subcommand(
        "fixture", "write the conformance suite's fixture into STORE, for checking a read-only plugin against it");
    fixture->add_option("STORE", *name, kStoreHelp)->required();
    fixture->footer("STORE must be new or empty (or hold the fixture already); it is created if missing.\n"
                    "Then: tote plugin check PLUGIN --fixture URL, where URL is where PLUGIN reads that data\n"
                    "(json://DIR writes it as plain files: one file per key under DIR).");
    fixture->callback([&ctx, name] { ctx.action = [&ctx, name] { return run_fixture(ctx, *name); }; });
}

}  // namespace tote::cli
