// SPDX-License-Identifier: Apache-2.0
// cmd_find.cpp — `tote find STORE [PREFIX] --where FILTER`: the keys whose values are JSON documents matching a
// filter (tote/query.hpp; the language in docs/queries.md), natively where the backend runs queries.
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <nlohmann/json.hpp>

namespace tote::cli {

namespace {

struct FindArgs {
    std::string store, prefix, where = "{}";
    bool recursive = false, json = false, count = false;
    uint64_t limit = 0;
};

int run_find(Context& ctx, const FindArgs& args) {
    const Filter filter = Filter::parse(args.where);  // a bad filter fails before the store is opened
    Store store = ctx.open(args.store, false, true);
    FindOptions options;
    options.recursive = args.recursive;
    options.limit = args.limit;
    uint64_t matches = 0;
    store.find(args.prefix, filter, options, [&](std::string_view key, std::string_view value) {
        ++matches;
        if (args.count) return true;
        if (args.json) {
            // One line per match, with the document exactly as stored (numbers keep their text, members their
            // order) except that line breaks become spaces: in JSON text they can only be whitespace between tokens.
            std::string document(value);
            for (char& c : document)
                if (c == '\n' || c == '\r') c = ' ';
            write_stdout("{\"key\":" + nlohmann::json(std::string(key)).dump() + ",\"value\":" + document + "}\n");
        } else {
            write_stdout(std::string(key) + "\n");
        }
        return true;
    });
    if (args.count) write_stdout(std::to_string(matches) + "\n");
    flush_stdout();
    return exit_ok;
}

}  // namespace

void add_find_command(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<FindArgs>();
    auto* cmd = app.add_subcommand(
        "find", "list the keys under PREFIX whose values are JSON documents matching a filter (--where)");
    cmd->add_option("STORE", args->store, kStoreHelp)->required();
    cmd->add_option("PREFIX", args->prefix, "look under this prefix (default: the whole store)");
    cmd->add_option("-w,--where", args->where,
                    "the filter, a JSON object: '{\"status\": \"failed\"}', '{\"score\": {\"$lt\": 0.5}}' "
                    "(default {}: every JSON document; see docs/queries.md)");
    cmd->add_flag("-r,--recursive", args->recursive, "every key under PREFIX, not only those directly under it");
    cmd->add_option("-n,--limit", args->limit, "stop after N matches (default, or 0: all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", args->json, "one line per match: {\"key\": ..., \"value\": <the document, as stored>}");
    cmd->add_flag("--count", args->count, "print only the number of matches");
    cmd->get_option("--count")->excludes("--json");
    cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_find(ctx, *args); }; });
}

}  // namespace tote::cli
