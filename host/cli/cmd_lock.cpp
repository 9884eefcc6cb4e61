// SPDX-License-Identifier: Apache-2.0
// cmd_lock.cpp — `tote lock ls STORE` and `tote lock rm STORE NAME`: the named locks applications take with
// tote::Store::lock() (tote/lock.hpp), shown and broken from the command line.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tote::cli {

namespace {

std::string state_of(const LockInfo& info) { return info.stale ? "stale: " + info.stale_reason : "held"; }

int run_ls(Context& ctx, const std::string& store_name, bool json) {
    Store store = ctx.open(store_name, false, true);
    std::vector<LockInfo> locks = store.locks();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const LockInfo& l : locks)
            out.push_back({{"name", l.name},
                           {"owner", l.owner},
                           {"host", l.host},
                           {"pid", l.pid},
                           {"started", format_time(l.started_ns)},
                           {"expires", l.expires_ns ? nlohmann::json(format_time(l.expires_ns)) : nlohmann::json(nullptr)},
                           {"stale", l.stale},
                           {"stale_reason", l.stale_reason}});
        write_stdout(out.dump(2) + "\n");
    } else {
        for (const LockInfo& l : locks) {
            std::string line = l.name + "  " + state_of(l) + "  owner " + l.owner + ", pid " + std::to_string(l.pid) +
                               " on " + l.host + ", since " + format_time(l.started_ns);
            if (l.expires_ns) line += ", lease until " + format_time(l.expires_ns);
            write_stdout(line + "\n");
        }
    }
    flush_stdout();
    return exit_ok;
}

int run_rm(Context& ctx, const std::string& store_name, const std::string& name) {
    Store store = ctx.open(store_name, false);
    std::optional<LockInfo> info = store.lock_info(name);
    if (!store.break_lock(name))
        throw Error(Status::not_found, "not found: no lock '" + name + "' in " + store.url());
    if (info && !info->stale)
        std::fprintf(stderr, "tote: warning: broke lock '%s' held by %s (pid %lld on %s), which looked alive\n",
                     name.c_str(), info->owner.c_str(), static_cast<long long>(info->pid), info->host.c_str());
    return exit_ok;
}

}  // namespace

void add_lock_command(CLI::App& app, Context& ctx) {
    auto* lock = app.add_subcommand("lock", "show and break the named locks applications hold in a store");
    lock->require_subcommand(1);
    struct Args {
        std::string store, name;
        bool json = false;
    };
    {
        auto args = std::make_shared<Args>();
        auto* ls = lock->add_subcommand("ls", "list the locks in STORE: holder, host, pid, start, lease, and whether "
                                              "the holder is known to be gone (stale)");
        ls->add_option("STORE", args->store, kStoreHelp)->required();
        ls->add_flag("--json", args->json, "machine-readable output");
        ls->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_ls(ctx, args->store, args->json); }; });
    }
    {
        auto args = std::make_shared<Args>();
        auto* rm = lock->add_subcommand("rm", "break lock NAME in STORE, whoever holds it (exit 3 if there is none)");
        rm->add_option("STORE", args->store, kStoreHelp)->required();
        rm->add_option("NAME", args->name, "the lock's name")->required();
        rm->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_rm(ctx, args->store, args->name); }; });
    }
}

}  // namespace tote::cli
