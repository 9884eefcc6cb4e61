// SPDX-License-Identifier: Apache-2.0
// cli_context.cpp — building the Host from the global options, and mapping statuses to exit codes.
#include "cli_context.hpp"

#include <cstdio>

namespace tote::cli {

const char* const kStoreHelp =
    "the store: a URL (json://DIR, sqlite://FILE.db, ...), a store name from the config, or 'default'";

int exit_code_for(Status status) {
    switch (status) {  // no default: a status added to TOTE_STATUS_LIST without an exit code does not compile
        case Status::ok: return exit_ok;
        case Status::invalid_argument: return exit_usage;
        case Status::not_found: return exit_not_found;
        case Status::already_exists:
        case Status::precondition_failed:
        case Status::conflict:
        case Status::busy: return exit_conflict;
        case Status::unknown_outcome: return exit_unknown_outcome;
        case Status::permission_denied:
        case Status::no_space:
        case Status::io:
        case Status::corrupt:
        case Status::unsupported:
        case Status::unavailable:
        case Status::timeout:
        case Status::internal: return exit_failure;
    }
    return exit_failure;
}

const Host& Context::host() {
    if (!host_) {
        HostOptions options;
        if (config) options.config_file = *config;
        for (const std::string& dir : plugin_dirs) options.plugin_dirs.emplace_back(dir);
        options.rescan = rescan;
        host_ = std::make_unique<Host>(options);
        for (const std::string& warning : host_->warnings()) std::fprintf(stderr, "tote: warning: %s\n", warning.c_str());
    }
    return *host_;
}

Store Context::open(const std::string& store, bool create, bool read_only) {
    OpenOptions options;
    options.create = create;
    options.read_only = read_only;
    if (metrics) options.layers.push_back({"metrics", {{"print", "true"}}});
    // Once per scheme and command: a plugin that shadows another is never used without saying so.
    if (std::optional<std::string> warning = host().shadow_warning(store))
        if (warned_.insert(*warning).second) std::fprintf(stderr, "tote: warning: %s\n", warning->c_str());
    return host().open(store, options);
}

}  // namespace tote::cli
