// SPDX-License-Identifier: Apache-2.0
// cmd_verify.cpp — `tote verify STORE [PREFIX]`: read every value and list those the store reports damaged
// (status corrupt: a checksum layer's mismatch, a backend's unreadable file). Nothing is written or repaired.
#include "cli_context.hpp"
#include "cli_output.hpp"

namespace tote::cli {

namespace {

int run_verify(Context& ctx, const std::string& store_name, const std::string& prefix) {
    Store store = ctx.open(store_name, false, true);
    std::vector<std::string> keys;  // listed first: reading during a listing would hold some backends' locks
    store.list(prefix, ListOptions{true, ""}, [&](const Entry& e) {
        keys.push_back(e.key);
        return true;
    });
    size_t checked = 0, damaged = 0;
    for (const std::string& key : keys) {
        try {
            store.read_to(key, [](std::string_view) { return true; });
            ++checked;
        } catch (const Error& e) {
            if (e.status() == Status::not_found) continue;  // removed since it was listed
            if (e.status() != Status::corrupt) throw;
            ++checked;
            ++damaged;
            write_stdout("damaged " + key + ": " + e.what() + "\n");
        }
    }
    write_stdout(std::to_string(checked) + " value" + (checked == 1 ? "" : "s") + " checked, " +
                 std::to_string(damaged) + " damaged\n");
    flush_stdout();
    return damaged == 0 ? exit_ok : exit_failure;
}

}  // namespace

void add_verify_command(CLI::App& app, Context& ctx) {
    auto store = std::make_shared<std::string>();
    auto prefix = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("verify", "read every value under PREFIX and list those the store reports damaged "
                                             "(with the checksum layer: any byte changed below it)");
    cmd->add_option("STORE", *store, kStoreHelp)->required();
    cmd->add_option("PREFIX", *prefix, "check only under this prefix (default: the whole store)");
    cmd->footer("Prints 'damaged KEY: reason' per damaged value, then 'N values checked, N damaged'.\n"
                "Exit status 0 when nothing is damaged, 1 when something is. Writes nothing.");
    cmd->callback([&ctx, store, prefix] { ctx.action = [&ctx, store, prefix] { return run_verify(ctx, *store, *prefix); }; });
}

}  // namespace tote::cli
