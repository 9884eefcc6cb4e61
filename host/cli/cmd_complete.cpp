// SPDX-License-Identifier: Apache-2.0
// cmd_complete.cpp — `tote complete WHAT [ARGS]`, hidden: the words shell completion offers, one per line, asked
// of the tote being completed so that they always match its commands, its config and its plugins. Used by
// packaging/completion/tote.bash; never prints errors (a completion that fails offers nothing).
//
//   tote complete commands              the commands
//   tote complete subcommands CMD       the subcommands of CMD (plugin: check, fixture; lock: ls, rm)
//   tote complete options CMD [SUB]     the options of CMD (or CMD SUB)
//   tote complete stores                "default", the config's store names, and "SCHEME://" for each scheme
//   tote complete plugins               the names of the plugins found
//   tote complete keys STORE [PREFIX]   the keys and sub-prefixes one level under PREFIX's directory
#include "cli_context.hpp"
#include "cli_output.hpp"

#include <memory>

namespace tote::cli {

namespace {

struct CompleteArgs {
    std::string what;
    std::vector<std::string> args;
};

void print_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += w + "\n";
    write_stdout(out);
}

std::vector<std::string> visible_subcommands(const CLI::App* app) {
    std::vector<std::string> out;
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
        out.push_back(sub->get_name());
    return out;
}

std::vector<std::string> options_of(const CLI::App* app) {
    std::vector<std::string> out;
    for (const CLI::Option* o : app->get_options()) {
        if (o->get_positional() && o->get_lnames().empty() && o->get_snames().empty()) continue;
        for (const std::string& l : o->get_lnames()) out.push_back("--" + l);
        for (const std::string& s : o->get_snames()) out.push_back("-" + s);
    }
    return out;
}

int complete(Context& ctx, const CLI::App& root, const CompleteArgs& a) {
    const CLI::App* app = &root;
    if (a.what == "commands") {
        print_words(visible_subcommands(app));
    } else if (a.what == "subcommands" || a.what == "options") {
        for (const std::string& name : a.args) {
            const CLI::App* sub = nullptr;
            for (const CLI::App* s : app->get_subcommands({}))
                if (s->get_name() == name) sub = s;
            if (sub == nullptr) return exit_ok;
            app = sub;
        }
        print_words(a.what == "options" ? options_of(app) : visible_subcommands(app));
    } else if (a.what == "stores") {
        std::vector<std::string> words = {"default"};
        for (const StoreDefinition& d : ctx.host().stores()) words.push_back(d.name);
        for (const std::string& scheme : ctx.host().schemes()) words.push_back(scheme + "://");
        print_words(words);
    } else if (a.what == "plugins") {
        std::vector<std::string> words;
        for (const PluginInfo& p : ctx.host().plugins()) words.push_back(p.name);
        print_words(words);
    } else if (a.what == "keys" && !a.args.empty()) {
        // The level the word being completed is in: "runs/gsm" lists under "runs/".
        const std::string typed = a.args.size() > 1 ? a.args[1] : "";
        const std::string prefix = typed.substr(0, typed.rfind('/') == std::string::npos ? 0 : typed.rfind('/') + 1);
        Store store = ctx.open(a.args[0], false, true);
        std::vector<std::string> words;
        store.list(prefix, ListOptions{}, [&](const Entry& e) {
            words.push_back(e.key);
            return words.size() < 1000;
        });
        print_words(words);
    }
    return exit_ok;
}

}  // namespace

void add_complete_command(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<CompleteArgs>();
    auto* cmd = app.add_subcommand("complete", "");
    cmd->group("");  // hidden: for the shell completion script
    cmd->add_option("WHAT", args->what)->required();
    cmd->add_option("ARGS", args->args);
    const CLI::App* root = &app;
    cmd->callback([&ctx, args, root] {
        ctx.action = [&ctx, args, root] {
            try {
                return complete(ctx, *root, *args);
            } catch (...) {
                return static_cast<int>(exit_failure);  // offer nothing, say nothing
            }
        };
    });
}

}  // namespace tote::cli
