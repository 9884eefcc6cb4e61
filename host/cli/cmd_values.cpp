// cmd_values.cpp — `tote put`, `tote get`, `tote append`: values in and out, as raw bytes.
#include "cli_context.hpp"
#include "cli_output.hpp"

namespace tote::cli {

namespace {

struct ValueArgs {
    std::string store;
    std::string key;
    std::string file;  // "" or "-" for stdin
    bool create_only = false;
    std::string if_version;
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
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                std::string value = read_input(args->file);
                WriteOptions options;
                options.create_only = args->create_only;
                if (!args->if_version.empty()) options.if_version = parse_version(args->if_version);
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
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                Store store = ctx.open(args->store, false, true);
                store.read_to(args->key, [](std::string_view piece) {
                    write_stdout(piece);
                    return true;
                });
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
        cmd->callback([&ctx, args] {
            ctx.action = [&ctx, args] {
                std::string data = read_input(args->file);
                Store store = ctx.open(args->store, true);
                store.append(args->key, data);
                return static_cast<int>(exit_ok);
            };
        });
    }
}

}  // namespace tote::cli
