// SPDX-License-Identifier: Apache-2.0
// json_temp_test.cpp — the json plugin's temporary files of crashed writers: how a name tells a dead writer from a
// live one (plugins/json/temp_names.cpp, compiled in), and that a writable open and the periodic sweep during writes
// remove exactly the dead writers' files, while a read-only open touches nothing.
#include "process.hpp"

#include "../../plugins/json/temp_names.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace {

using tote::json_plugin::new_temp_name;
using tote::json_plugin::Writer;
using tote::json_plugin::writer_of;

// A temporary file name made by a child process that has exited since.
std::string name_of_a_dead_process() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const std::string name = new_temp_name();
        (void)!::write(fds[1], name.data(), name.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    char buffer[256];
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(n > 0);
    return std::string(buffer, static_cast<size_t>(n));
}

std::unique_ptr<tote::Host> json_host() {
    tote::HostOptions options;
    options.plugin_dirs = {TOTE_PLUGIN_BUILD_DIR};
    options.use_environment = false;
    options.builtin_plugins = false;
    options.isolate_plugins = false;
    return std::make_unique<tote::Host>(options);
}

bool has(const std::vector<std::string>& files, const std::string& file) {
    return std::find(files.begin(), files.end(), file) != files.end();
}

}  // namespace

TEST_CASE("a temporary file's name tells whether its writer still runs") {
    const std::string own = new_temp_name();
    CHECK(writer_of(own) == Writer::alive);
    CHECK(new_temp_name() != own);

    const std::string dead = name_of_a_dead_process();
    CHECK(dead.substr(0, 17) == own.substr(0, 17));  // same boot
    CHECK(writer_of(dead) == Writer::dead);

    // This process's pid with another start time: the pid was reused, the writer that named the file is gone.
    const size_t pid_end = own.find('-', 17), start_end = own.find('-', pid_end + 1);
    const std::string reused = own.substr(0, pid_end + 1) + "1" + own.substr(start_end);
    CHECK(writer_of(reused) == Writer::dead);

    // Another boot (or machine), or a name not made by new_temp_name(): nothing can be told from the name.
    std::string other_boot = own;
    other_boot[0] = other_boot[0] == 'f' ? 'e' : 'f';
    CHECK(writer_of(other_boot) == Writer::unknown);
    CHECK(writer_of("0123456789abcdef") == Writer::unknown);
    CHECK(writer_of("") == Writer::unknown);
    CHECK(writer_of(own.substr(0, 17) + "x-1-") == Writer::unknown);
}

TEST_CASE("json: a writable open removes dead writers' temporary files, and only those") {
    tote::test::TempDir dir;
    const std::string root = dir / "store";
    auto host = json_host();
    tote::OpenOptions create;
    create.create = true;
    host->open("json://" + root, create).write("a/key", "value");  // makes .tote-tmp/ and a/

    const std::string dead = name_of_a_dead_process(), live = new_temp_name();
    tote::test::write_file(root + "/.tote-tmp/" + dead, std::string(1 << 20, 'x'));
    tote::test::write_file(root + "/.tote-tmp/" + live, "still being written");
    tote::test::write_file(root + "/a/.tote-tmp." + dead, "left beside a key");  // another file system's way

    tote::OpenOptions read_only;
    read_only.read_only = true;
    CHECK(host->open("json://" + root, read_only).read("a/key") == "value");
    std::vector<std::string> files = tote::test::tree(root);
    CHECK(has(files, ".tote-tmp/" + dead));  // a read-only open changes nothing

    tote::Store store = host->open("json://" + root);
    files = tote::test::tree(root);
    CHECK_FALSE(has(files, ".tote-tmp/" + dead));
    CHECK(has(files, ".tote-tmp/" + live));
    CHECK(has(files, "a/.tote-tmp." + dead));  // beside a key: a listing of that directory reclaims it
    CHECK(store.list("a/").size() == 1);
    CHECK_FALSE(has(tote::test::tree(root), "a/.tote-tmp." + dead));
    CHECK(store.read("a/key") == "value");
}

TEST_CASE("json: writes sweep dead writers' temporary files from time to time") {
    tote::test::TempDir dir;
    const std::string root = dir / "store";
    auto host = json_host();
    tote::OpenOptions create;
    create.create = true;
    create.options["fsync"] = "false";
    tote::Store store = host->open("json://" + root, create);
    store.write("k", "v");
    const std::string dead = name_of_a_dead_process();
    tote::test::write_file(root + "/.tote-tmp/" + dead, "left by a crash after this store was opened");
    for (int i = 0; i < 256 && has(tote::test::tree(root), ".tote-tmp/" + dead); ++i) store.write("k", "v");
    CHECK_FALSE(has(tote::test::tree(root), ".tote-tmp/" + dead));
    CHECK(store.read("k") == "v");
}
