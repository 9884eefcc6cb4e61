// SPDX-License-Identifier: Apache-2.0
// sealed.hpp — what the reliability tests share: a Host that sees only the build tree's first-party plugins (no
// environment, no config), and a store URL of a backend in a directory.
#ifndef TOTE_TEST_SEALED_HPP
#define TOTE_TEST_SEALED_HPP

#include <tote/tote.hpp>

#include <memory>
#include <string>

namespace tote::test {

inline std::unique_ptr<Host> sealed_host() {
    HostOptions options;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    return std::make_unique<Host>(options);
}

// "json://DIR/store" or "sqlite://DIR/store.db".
inline std::string url_in(const std::string& scheme, const std::string& dir) {
    // scheme may carry layers ("zstd::sqlite"): the file name is the backend's.
    const bool sqlite = scheme.size() >= 6 && scheme.compare(scheme.size() - 6, 6, "sqlite") == 0;
    return scheme + "://" + dir + "/store" + (sqlite ? ".db" : "");
}

}  // namespace tote::test

#endif  // TOTE_TEST_SEALED_HPP
