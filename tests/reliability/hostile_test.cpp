// SPDX-License-Identifier: Apache-2.0
// hostile_test.cpp — stores that someone has tampered with, or that the machine makes hard: links planted in a
// JSON store, FIFOs and foreign files, unreadable files, corrupt and truncated SQLite files, a real full disk.
// Each gets a clear error naming the thing, and no stored value is lost or damaged.
#include "process.hpp"
#include "sealed.hpp"

#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Fixture {
    tote::test::TempDir dir;
    std::unique_ptr<tote::Host> host;

    Fixture() : host(tote::test::sealed_host()) {}
    tote::Store open(const std::string& url, bool create = true) const {
        tote::OpenOptions options;
        options.create = create;
        return host->open(url, options);
    }
};

tote::Status status_of(const std::function<void()>& fn, std::string* message = nullptr) {
    try {
        fn();
    } catch (const tote::Error& e) {
        if (message) *message = e.what();
        return e.status();
    }
    return tote::Status::ok;
}

}  // namespace

TEST_CASE("json: a symbolic link planted in the store never lets a key reach outside it") {
    Fixture f;
    const std::string root = f.dir / "store", outside = f.dir / "outside";
    tote::test::write_file(outside + "/secret.txt", "outside secret");
    tote::test::write_file(outside + "/file.json", "outside file");
    tote::Store s = f.open("json://" + root);
    s.write("inside/a.json", "inside value");
    fs::create_directory_symlink(outside, root + "/escape");           // a directory link, pointing out
    fs::create_symlink(outside + "/file.json", root + "/link.json");   // a file link, pointing out
    fs::create_directory_symlink(root + "/inside", root + "/alias");   // a link that stays inside: still not followed

    std::string message;
    CHECK(status_of([&] { s.read("escape/secret.txt"); }, &message) == tote::Status::permission_denied);
    CHECK(message.find("symbolic link") != std::string::npos);
    CHECK(status_of([&] { s.read("link.json"); }) == tote::Status::permission_denied);
    CHECK(status_of([&] { s.read("alias/a.json"); }) == tote::Status::permission_denied);
    CHECK(status_of([&] { s.write("escape/planted.txt", "x"); }) == tote::Status::permission_denied);
    CHECK(status_of([&] { s.append("escape/secret.txt", "x"); }) == tote::Status::permission_denied);
    CHECK(status_of([&] { s.rename("inside/a.json", "escape/moved.json"); }) == tote::Status::permission_denied);
    CHECK(!s.remove("escape", true));  // a link is not a prefix: nothing under it is removed
    CHECK(!s.remove("link.json"));
    CHECK(!s.stat("escape").has_value());
    CHECK(!s.exists("link.json"));
    // Listings show neither the links nor anything behind them.
    std::vector<std::string> keys;
    for (const auto& e : s.list("", tote::ListOptions{true, ""})) keys.push_back(e.key);
    CHECK(keys == std::vector<std::string>{"inside/a.json"});
    CHECK(status_of([&] { s.list("escape", {}); }) == tote::Status::permission_denied);
    // Writing a key that is a link replaces the link itself, never its target.
    s.write("link.json", "replaced");
    CHECK(s.read("link.json") == "replaced");
    CHECK(tote::test::read_file(outside + "/file.json") == "outside file");
    CHECK(tote::test::read_file(outside + "/secret.txt") == "outside secret");
    CHECK(tote::test::tree(outside) == std::vector<std::string>{"file.json", "secret.txt"});
    CHECK(s.read("inside/a.json") == "inside value");
}

TEST_CASE("json: FIFOs, sockets-to-be and foreign names are not keys, and never block") {
    Fixture f;
    const std::string root = f.dir / "store";
    tote::Store s = f.open("json://" + root);
    s.write("good.json", "1");
    REQUIRE(::mkfifo((root + "/pipe").c_str(), 0644) == 0);
    tote::test::write_file(root + "/bad\nname", "newline in a name");
    tote::test::write_file(root + "/bad\xff", "invalid UTF-8 in a name");
    tote::test::write_file(root + "/.DS_Store", "a foreign but valid key");
    tote::test::write_file(root + "/.tote-foreign", "reserved names are not keys");
    std::string message;
    auto started = std::chrono::steady_clock::now();
    CHECK(status_of([&] { s.read("pipe"); }, &message) == tote::Status::invalid_argument);  // must not wait for a writer
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    CHECK(message.find("not a regular file") != std::string::npos);
    CHECK(status_of([&] { s.append("pipe", "x"); }) == tote::Status::invalid_argument);
    CHECK(!s.stat("pipe").has_value());
    std::vector<std::string> keys;
    for (const auto& e : s.list("", {})) keys.push_back(e.key);
    CHECK(keys == std::vector<std::string>{".DS_Store", "good.json"});
    CHECK(s.read("good.json") == "1");
}

TEST_CASE("an unreadable value is a permission error naming it; the rest of the store works") {
    if (::geteuid() == 0) {
        // root reads everything: run the same check through the CLI as nobody instead.
        Fixture f;
        const std::string root = f.dir / "store";
        tote::Store s = f.open("json://" + root);
        s.write("secret.json", "top secret");
        s.write("open.json", "public");
        ::chmod((root + "/secret.json").c_str(), 0600);
        tote::test::RunOptions nobody;
        nobody.unprivileged = true;
        nobody.env = {{"HOME", f.dir.path()}};
        auto denied = tote::test::run({TOTE_CLI_PATH, "get", "json://" + root, "secret.json"}, nobody);
        if (denied.exit_code == 127) return;  // nobody cannot run the build tree here
        CHECK(denied.exit_code == 1);
        CHECK(denied.err.find("permission denied") != std::string::npos);
        CHECK(denied.err.find("secret.json") != std::string::npos);
        CHECK(denied.out.empty());
        auto allowed = tote::test::run({TOTE_CLI_PATH, "get", "json://" + root, "open.json"}, nobody);
        CHECK(allowed.out == "public");
        CHECK(s.read("secret.json") == "top secret");
        return;
    }
    Fixture f;
    const std::string root = f.dir / "store";
    tote::Store s = f.open("json://" + root);
    s.write("secret.json", "top secret");
    ::chmod((root + "/secret.json").c_str(), 0);
    std::string message;
    CHECK(status_of([&] { s.read("secret.json"); }, &message) == tote::Status::permission_denied);
    CHECK(message.find("secret.json") != std::string::npos);
    ::chmod((root + "/secret.json").c_str(), 0600);
    CHECK(s.read("secret.json") == "top secret");
}

TEST_CASE("sqlite: a truncated or corrupted database is reported, never made worse") {
    Fixture f;
    const std::string path = f.dir / "evals.db";
    {
        tote::Store s = f.open("sqlite://" + path);
        for (int i = 0; i < 200; ++i) s.write("k/" + std::to_string(i), std::string(3000, static_cast<char>('a' + i % 26)));
    }
    const std::string intact = tote::test::read_file(path);
    REQUIRE(intact.size() > 100000);

    SECTION("truncated to half") {
        tote::test::write_file(path, intact.substr(0, intact.size() / 2));
    }
    SECTION("garbage in the middle") {
        std::string damaged = intact;
        for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 20000; ++i) damaged[i] = static_cast<char>(i * 7);
        tote::test::write_file(path, damaged);
    }
    SECTION("the header destroyed") {
        std::string damaged = intact;
        for (size_t i = 0; i < 100; ++i) damaged[i] = 'x';
        tote::test::write_file(path, damaged);
    }
    const std::string before = tote::test::read_file(path);
    std::string message;
    tote::Status status = status_of(
        [&] {
            tote::OpenOptions read_only;
            read_only.read_only = true;
            tote::Store s = f.host->open("sqlite://" + path, read_only);
            for (int i = 0; i < 200; ++i) s.read("k/" + std::to_string(i));
            s.list("", tote::ListOptions{true, ""});
        },
        &message);
    INFO(message);
    CHECK((status == tote::Status::corrupt || status == tote::Status::io || status == tote::Status::not_found));
    CHECK(message.find(path) != std::string::npos);
    CHECK(tote::test::read_file(path) == before);  // looking at it changed nothing
}

TEST_CASE("a real full filesystem: writes fail with no space, and old values stay whole") {
    // A private 1 MiB tmpfs in a new mount namespace: needs root (or CAP_SYS_ADMIN) and a kernel that allows it.
    // Where it is not possible, the RLIMIT_FSIZE simulation in the CLI tests covers the same code paths.
    tote::test::TempDir dir;
    const std::string mount_point = dir / "small";
    fs::create_directory(mount_point);
    const std::string script =
        "set -u\n"
        "trap 'rm -f /tmp/old-$$ /tmp/err-$$' EXIT\n"
        "t=" TOTE_CLI_PATH "\n"
        "cd " + mount_point + "\n"
        "head -c 300000 /dev/zero | tr '\\0' o > /tmp/old-$$ \n"
        "for s in json://j sqlite://s.db; do\n"
        "  $t put $s doc /tmp/old-$$ || exit 11\n"
        "  head -c 2000000 /dev/zero | tr '\\0' n | $t put $s doc 2>/tmp/err-$$; rc=$?\n"
        "  [ $rc -eq 1 ] || { echo \"put exit $rc\"; exit 12; }\n"
        "  grep -q 'no space' /tmp/err-$$ || { cat /tmp/err-$$; exit 13; }\n"
        "  $t get $s doc | cmp -s - /tmp/old-$$ || exit 14\n"
        "  head -c 2000000 /dev/zero | tr '\\0' a | $t append $s doc 2>/dev/null && exit 15\n"
        "  $t get $s doc | cmp -s - /tmp/old-$$ || exit 16\n"
        "  $t ls -r $s | grep -qx doc || exit 17\n"
        "done\n"
        "echo ok\n";
    tote::test::RunOptions options;
    options.private_tmpfs = mount_point;
    options.private_tmpfs_size = "1m";
    options.env = {{"HOME", dir.path()}};
    auto r = tote::test::run({"/bin/sh", "-c", script}, options);
    if (r.exit_code == 126 && r.err.find("cannot mount") != std::string::npos) {
        WARN("no private tmpfs here (" << r.err << "); the simulated full disk of the CLI tests still ran");
        return;
    }
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "ok\n");
}

TEST_CASE("a 128 MiB value round-trips exactly through both backends") {
    const std::string scheme = GENERATE(as<std::string>{}, "json", "sqlite");
    Fixture f;
    tote::Store s = f.open(tote::test::url_in(scheme, f.dir.path()));
    std::string huge(128u << 20, '\0');
    for (size_t i = 0; i < huge.size(); i += 4096) huge[i] = static_cast<char>(i / 4096);
    s.write("huge.bin", huge);
    tote::Stat stat;
    const std::string back = s.read("huge.bin", &stat);
    CHECK(stat.size == huge.size());
    CHECK(back == huge);
}
