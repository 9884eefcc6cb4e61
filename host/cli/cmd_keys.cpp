// SPDX-License-Identifier: Apache-2.0
// cmd_keys.cpp — `tote ls`, `tote stat`, `tote rm`, `tote mv`: looking at and rearranging keys.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace tote::cli {

namespace {

nlohmann::json stat_json(const std::string& key, const Stat& st) {
    nlohmann::json out = {{"key", key}, {"kind", kind_name(st.kind)}};
    if (st.kind == Kind::key) {
        out["size"] = st.size;
        out["mtime_ns"] = st.mtime_ns;
        out["modified"] = format_time(st.mtime_ns);
        out["version"] = format_version(st.version);
        out["expires_ns"] = st.expires_ns;
        out["expires"] = st.expires_ns == 0 ? nlohmann::json(nullptr) : nlohmann::json(format_time(st.expires_ns));
    }
    return out;
}

int run_ls(Context& ctx, const std::string& store_name, const std::string& prefix, bool recursive, bool json) {
    Store store = ctx.open(store_name, false, true);
    size_t count = 0;
    if (json) write_stdout("[");
    store.list(prefix, ListOptions{recursive, ""}, [&](const Entry& e) {
        if (json) {
            nlohmann::json item = {{"key", e.key}, {"kind", kind_name(e.kind)}};
            write_stdout((count == 0 ? "\n  " : ",\n  ") + item.dump());
        } else {
            write_stdout(e.key + "\n");
        }
        ++count;
        return true;
    });
    if (count == 0 && !prefix.empty() && prefix != "/") {
        // Nothing under it: a key lists as itself (like ls FILE); a name that is nothing at all is an error.
        std::string name = prefix.back() == '/' ? prefix.substr(0, prefix.size() - 1) : prefix;
        auto st = store.stat(name);
        if (!st) throw Error(Status::not_found, "not found: nothing at or under '" + name + "' in " + store.url());
        if (st->kind == Kind::key) {
            if (json)
                write_stdout("\n  " + nlohmann::json({{"key", name}, {"kind", "key"}}).dump());
            else
                write_stdout(name + "\n");
            ++count;
        }
    }
    if (json) write_stdout(count == 0 ? "]\n" : "\n]\n");
    flush_stdout();
    return exit_ok;
}

int run_stat(Context& ctx, const std::string& store_name, const std::string& key, bool json) {
    Store store = ctx.open(store_name, false, true);
    auto st = store.stat(key);
    if (!st) throw Error(Status::not_found, "not found: stat '" + key + "' in " + store.url());
    if (json) {
        write_stdout(stat_json(key, *st).dump(2) + "\n");
    } else {
        std::string out = "key:      " + key + "\nkind:     " + kind_name(st->kind) + "\n";
        if (st->kind == Kind::key)
            out += "size:     " + std::to_string(st->size) + " (" + format_bytes(st->size) + ")\nmodified: " +
                   format_time(st->mtime_ns) + "\nversion:  " + format_version(st->version) + "\nexpires:  " +
                   (st->expires_ns == 0 ? std::string("never") : format_time(st->expires_ns)) + "\n";
        write_stdout(out);
    }
    flush_stdout();
    return exit_ok;
}

}  // namespace

void add_key_commands(CLI::App& app, Context& ctx) {
    struct Args {
        std::string store, key, to;
        bool recursive = false, json = false, force = false, no_clobber = false;
    };
    {
        auto args = std::make_shared<Args>();
        auto* cmd = app.add_subcommand("ls", "list keys under PREFIX in key order (one level: sub-prefixes end in '/')");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("PREFIX", args->key, "list under this prefix (default: the whole store)");
        cmd->add_flag("-r,--recursive", args->recursive, "every key under PREFIX, not just one level");
        cmd->add_flag("--json", args->json, "machine-readable output: an array of {key, kind}");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] { return run_ls(ctx, args->store, args->key, args->recursive, args->json); };
        });
    }
    {
        auto args = std::make_shared<Args>();
        auto* cmd = app.add_subcommand("stat", "show a key's kind, size, modification time and version");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("KEY", args->key, "the key or prefix")->required();
        cmd->add_flag("--json", args->json, "machine-readable output");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] { return run_stat(ctx, args->store, args->key, args->json); };
        });
    }
    {
        auto args = std::make_shared<Args>();
        auto* cmd = app.add_subcommand("rm", "remove KEY (with -r, also every key under it)");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("KEY", args->key, "the key (or, with -r, the prefix)")->required();
        cmd->add_flag("-r,--recursive", args->recursive, "also remove every key under KEY/");
        cmd->add_flag("-f,--force", args->force,
                      "succeed even if there is nothing to remove (no such key, or no such store)");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                std::optional<Store> opened;
                try {
                    opened.emplace(ctx.open(args->store, false));
                } catch (const Error& e) {
                    // -f: a store that does not exist holds nothing to remove. (An unknown scheme or store name
                    // is a usage error, not "not found", and still fails.)
                    if (args->force && e.status() == Status::not_found) return static_cast<int>(exit_ok);
                    throw;
                }
                Store& store = *opened;
                if (!store.remove(args->key, args->recursive) && !args->force) {
                    // The hint only where it applies: KEY names keys under it, which rm without -r keeps.
                    const auto what = args->recursive ? std::nullopt : store.stat(args->key);
                    const bool prefix = what && what->kind == Kind::prefix;
                    throw Error(Status::not_found,
                                "not found: remove '" + args->key + "' in " + store.url() +
                                    (prefix ? " ('" + args->key + "' is a prefix: -r removes the keys under it)" : ""));
                }
                return static_cast<int>(exit_ok);
            };
        });
    }
    {
        auto args = std::make_shared<Args>();
        auto* cmd = app.add_subcommand("mv", "rename key FROM to TO atomically (replacing TO unless -n)");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("FROM", args->key, "the key to move")->required();
        cmd->add_option("TO", args->to, "its new key")->required();
        cmd->add_flag("-n,--no-clobber", args->no_clobber, "fail (exit 4) if TO exists");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                Store store = ctx.open(args->store, false);
                store.rename(args->key, args->to, !args->no_clobber);
                return static_cast<int>(exit_ok);
            };
        });
    }
}

}  // namespace tote::cli
