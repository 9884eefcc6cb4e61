// SPDX-License-Identifier: Apache-2.0
// cmd_values.cpp — `tote put`, `tote get`, `tote append`: values in and out, as raw bytes; with an expiry, a
// byte range, or at an expected size.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <optional>

namespace tote::cli {

namespace {

struct ValueArgs {
    std::string store;
    std::string key;
    std::string file;  // "" or "-" for stdin
    bool create_only = false;
    std::string if_version;
    std::string ttl;                 // put: "90s", "10m", "2h", "7d"
    std::optional<uint64_t> offset;  // get
    std::optional<uint64_t> length;  // get
    std::optional<uint64_t> if_size;  // append
    bool json = false;               // append
};

}  // namespace

void add_value_commands(CLI::App& app, Context& ctx) {
    {
        auto args = std::make_shared<ValueArgs>();
        auto* cmd = app.add_subcommand("put", "write a value (from FILE, or standard input) to KEY, atomically");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("KEY", args->key, "the key, e.g. evals/gsm8k.json")->required();
        cmd->add_option("FILE", args->file, "read the value from FILE; '-' or nothing: standard input");
        auto* create = cmd->add_flag("--create-only", args->create_only, "fail (exit 4) if KEY already exists");
        cmd->add_option("--if-version", args->if_version,
                        "write only if KEY is at this version (as shown by 'tote stat'); else exit 4")
            ->excludes(create);
        cmd->add_option("--ttl", args->ttl,
                        "the value expires after DURATION (90s, 10m, 2h, 7d): from then on KEY is gone; the store's "
                        "plugin must offer expiry (sqlite, postgres, redis)")
            ->type_name("DURATION");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                WriteOptions options;
                options.create_only = args->create_only;
                if (!args->if_version.empty()) options.if_version = parse_version(args->if_version);
                if (!args->ttl.empty()) options.expires_ns = now_ns() + parse_duration_ns(args->ttl);
                std::string value = read_input(args->file);
                Store store = ctx.open(args->store, true);
                store.write(args->key, value, options);
                return static_cast<int>(exit_ok);
            };
        });
    }
    {
        auto args = std::make_shared<ValueArgs>();
        auto* cmd = app.add_subcommand("get", "write the value of KEY to standard output, byte for byte");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("KEY", args->key, "the key")->required();
        cmd->add_option("--offset", args->offset, "start at this byte of the value (0: the first)")->type_name("N");
        cmd->add_option("--length", args->length, "at most this many bytes (default: to the end)")->type_name("L");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                Store store = ctx.open(args->store, false, true);
                auto out = [](std::string_view piece) {
                    write_stdout(piece);
                    return true;
                };
                if (args->offset || args->length)
                    store.read_range_to(args->key, args->offset.value_or(0),
                                        args->length.value_or(std::numeric_limits<uint64_t>::max()), out);
                else
                    store.read_to(args->key, out);
                flush_stdout();
                return static_cast<int>(exit_ok);
            };
        });
    }
    {
        auto args = std::make_shared<ValueArgs>();
        auto* cmd = app.add_subcommand("append", "append data (from FILE, or standard input) to KEY, creating it if absent");
        cmd->add_option("STORE", args->store, kStoreHelp)->required();
        cmd->add_option("KEY", args->key, "the key, e.g. runs/1/log.jsonl")->required();
        cmd->add_option("FILE", args->file, "read the data from FILE; '-' or nothing: standard input");
        cmd->add_option("--if-size", args->if_size,
                        "append only if the value is exactly N bytes long (a missing KEY counts as 0); else exit 4 "
                        "and nothing is written")
            ->type_name("N");
        cmd->add_flag("--json", args->json, "print where the data landed: {\"offset\": N, \"version\": \"...\"}");
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                std::string data = read_input(args->file);
                Store store = ctx.open(args->store, true);
                AppendOptions options;
                options.if_size = args->if_size;
                const AppendResult landed = store.append(args->key, data, options);
                if (args->json) {
                    write_stdout(nlohmann::json{{"offset", landed.offset}, {"version", format_version(landed.version)}}
                                     .dump() +
                                 "\n");
                    flush_stdout();
                }
                return static_cast<int>(exit_ok);
            };
        });
    }
}

}  // namespace tote::cli
