// SPDX-License-Identifier: Apache-2.0
// cli_failures_test.cpp — a full disk and a refused permission: a clear error, and no stored value lost or torn.
//
// A full disk is simulated with RLIMIT_FSIZE on the child (writes past the limit fail with EFBIG), which needs
// neither root nor a special filesystem. A permission failure needs a process the OS actually refuses: as root,
// the child drops to nobody; otherwise the store directory is made read-only.
#include "cli.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

using tote::test::Cli;
using tote::test::RunOptions;
using tote::test::store_url;

namespace {

bool no_temporary_files(const std::string& dir) {
    for (const std::string& path : tote::test::tree(dir))
        if (path.find(".tote-tmp") != std::string::npos && path != ".tote-tmp" && path != ".tote-tmp/")
            return false;  // a temporary file (the directory that holds them stays)
    return true;
}

}  // namespace

TEST_CASE("a write that fills the disk fails cleanly and keeps the old value") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    const std::string old_value(200 * 1024, 'o');
    REQUIRE(tote({"put", url, "doc"}, old_value).exit_code == 0);
    REQUIRE(tote({"put", url, "other"}, "untouched").exit_code == 0);

    RunOptions limited;
    limited.stdin_data = std::string(4u << 20, 'n');
    limited.file_size_limit = 1 << 20;
    auto r = tote.run({"put", url, "doc"}, limited);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no space") != std::string::npos);
    CHECK(tote({"get", url, "doc"}).out == old_value);
    CHECK(tote({"get", url, "other"}).out == "untouched");
    CHECK(tote({"ls", url, "-r"}).out == "doc\nother\n");
    if (scheme == "json") CHECK(no_temporary_files(tote.home() + "/st"));

    limited.stdin_data = std::string(2u << 20, 'a');
    auto append = tote.run({"append", url, "doc"}, limited);
    CHECK(append.exit_code == 1);
    CHECK(tote({"get", url, "doc"}).out == old_value);  // a partial append is taken back
}

TEST_CASE("a store the OS will not let us write is refused with permission denied, unchanged") {
    const std::string scheme = GENERATE(from_range(tote::test::file_schemes()));
    Cli tote;
    const std::string url = store_url(scheme, tote.home(), "st");
    REQUIRE(tote({"put", url, "doc"}, "original").exit_code == 0);
    const std::string store_path = tote.home() + (scheme == "json" ? "/st" : "/st.db");
    RunOptions options;
    options.stdin_data = "replacement";
    if (::geteuid() == 0) {
        options.unprivileged = true;  // the store stays owned by root: nobody may not write it
        // nobody must be able to reach the binary and its libraries; skip where the build tree is private.
        if (::access(TOTE_CLI_PATH, X_OK) != 0) return;
    } else {
        ::chmod(store_path.c_str(), scheme == "json" ? 0555 : 0444);
        ::chmod(tote.home().c_str(), 0555);
    }
    auto r = tote.run({"put", url, "doc"}, options);
    ::chmod(tote.home().c_str(), 0755);
    ::chmod(store_path.c_str(), scheme == "json" ? 0755 : 0644);
    INFO(r.err);
    if (r.exit_code == 127 && r.err.find("execve") != std::string::npos) return;  // nobody cannot run the build
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("permission denied") != std::string::npos);
    CHECK(tote({"get", url, "doc"}).out == "original");
}
