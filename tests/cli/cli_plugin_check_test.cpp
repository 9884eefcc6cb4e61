// SPDX-License-Identifier: Apache-2.0
// cli_plugin_check_test.cpp — `tote plugin check`: the conformance suite against a plugin in child processes,
// with one line per case, a summary, and crashes, hangs and exits reported as failures of the case they hit.
#include "cli.hpp"

#include <catch2/catch.hpp>

using tote::test::Cli;

namespace {

const std::string kCheckDir = TOTE_TEST_CHECK_DIR;

bool has_line(const std::string& out, const std::string& start) {
    return out.find("\n" + start) != std::string::npos || out.rfind(start, 0) == 0;
}

}  // namespace

TEST_CASE("plugin check passes the pure-C plugin by path, skipping what it does not declare") {
    Cli tote;
    auto r = tote({"plugin", "check", std::string(TOTE_TEST_CMEM_DIR) + "/" + tote::test::plugin_file("tote-cmem")});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("checking ", 0) == 0);
    CHECK(has_line(r.out, "pass write then read returns the exact value\n"));
    CHECK(has_line(r.out, "skip data survives closing and reopening: plugin lacks persistent\n"));
    CHECK(has_line(r.out, "skip key-and-prefix mode: 'a' and 'a/b' coexist: plugin lacks key-and-prefix\n"));
    CHECK(r.out.find(" passed, 0 failed, 9 skipped\n") != std::string::npos);
}

TEST_CASE("plugin check takes a loaded plugin's name, and plugin options") {
    Cli tote;
    auto json = tote({"plugin", "check", "json", "--option", "fsync=false"});
    INFO(json.out << json.err);
    CHECK(json.exit_code == 0);
    CHECK(json.out.find(", 0 failed, ") != std::string::npos);
    CHECK(has_line(json.out, "skip key-and-prefix mode: 'a' and 'a/b' coexist: plugin lacks key-and-prefix\n"));
    auto sqlite = tote({"plugin", "check", "sqlite"});
    CHECK(sqlite.exit_code == 0);
    CHECK(has_line(sqlite.out, "skip strict mode: a key cannot be a prefix, nor a prefix a key: tests the other mode"));
    auto bad = tote({"plugin", "check", "json", "--option", "fsync=maybe"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("'maybe' is not true or false") != std::string::npos);
    auto unknown = tote({"plugin", "check", "json", "--option", "fsynk=true"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("unknown option 'fsynk' for the json plugin (accepted: fsync)") != std::string::npos);
    CHECK(tote({"plugin", "check", "json", "--option", "novalue"}).exit_code == 2);
}

TEST_CASE("plugin check --store takes the options of a configured store") {
    Cli tote;
    tote::test::write_file(tote.home() + "/c.toml", "[stores.tiny]\nurl = \"cmem://tiny\"\noptions = { max_bytes = 3 }\n");
    const std::string cmem = std::string(TOTE_TEST_CMEM_DIR) + "/" + tote::test::plugin_file("tote-cmem");
    auto tiny = tote({"--config", tote.home() + "/c.toml", "plugin", "check", cmem, "--store", "tiny"});
    CHECK(tiny.exit_code == 1);  // values over 3 bytes do not fit: the store's option arrived
    CHECK(tiny.out.find("no space") != std::string::npos);
    auto roomy = tote({"--config", tote.home() + "/c.toml", "plugin", "check", cmem, "--store", "tiny", "--option",
                       "max_bytes=0"});
    CHECK(roomy.exit_code == 0);  // --option overrides the store's value
    CHECK(tote({"--config", tote.home() + "/c.toml", "plugin", "check", cmem, "--store", "nope"}).exit_code == 2);
}

// How a worker that crashed on a null pointer is reported: POSIX's signal, Windows' exception code.
#ifdef _WIN32
const std::string kCrashed = "the process crashed (exception 0xC0000005: access violation)";
#else
const std::string kCrashed = "the process was killed by signal 11";
#endif

TEST_CASE("plugin check survives a plugin that crashes, hangs, exits or answers wrongly") {
    Cli tote;
    // Under AddressSanitizer a crash is first reported with a symbolized stack, which on a loaded machine can
    // outlast the 2 s timeout and turn "killed by signal" into "timed out": let the signal through as it is.
    if (tote.env.count("ASAN_OPTIONS")) tote.env["ASAN_OPTIONS"] += ":handle_segv=0:symbolize=0";
    auto r = tote({"plugin", "check", kCheckDir + "/" + tote::test::plugin_file("misbehaving"), "--timeout", "2"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(has_line(r.out, "fail a 10 MiB value round-trips, also streamed: " + kCrashed));
    CHECK(has_line(r.out, "fail compare-version writes succeed only at the expected version: timed out after 2 s"));
    CHECK(has_line(r.out, "fail create-only succeeds once, then already exists: the process exited with status 7"));
    CHECK(has_line(r.out, "fail binary values with every byte value round-trip: cases_read_write.cpp:"));
    CHECK(has_line(r.out, "pass drop destroys a store, and a missing store is not found\n"));  // the last case still ran
    // 6 cases, and the 5 fixture cases: the fixture has a key "big" too.
    CHECK(has_line(r.out, "fail fixture: ranged reads of a large value: " + kCrashed));
    CHECK(r.out.find(" passed, 11 failed, 9 skipped\n") != std::string::npos);
}

TEST_CASE("plugin check stops a plugin that hangs on every read, with a verdict, not case after case") {
    Cli tote;
    const std::string hangs = kCheckDir + "/" + tote::test::plugin_file("hangs_on_read");
    auto in_a_row = tote({"plugin", "check", hangs, "--timeout", "1"});
    INFO(in_a_row.out << in_a_row.err);
    CHECK(in_a_row.exit_code == 1);
    CHECK(has_line(in_a_row.out, "stopped: 3 cases in a row timed out: the plugin looks hung; "));
    CHECK(in_a_row.out.find(" not run\n") != std::string::npos);
    size_t timeouts = 0;
    for (size_t at = in_a_row.out.find("timed out after 1 s"); at != std::string::npos;
         at = in_a_row.out.find("timed out after 1 s", at + 1))
        ++timeouts;
    CHECK(timeouts < 8);  // a few cases, then the verdict: not one timeout per case of the suite

    auto deadline = tote({"plugin", "check", hangs, "--deadline", "2"});
    INFO(deadline.out << deadline.err);
    CHECK(deadline.exit_code == 1);
    CHECK(deadline.out.find("the check's deadline of 2 s passed (the process was killed) during this case") !=
          std::string::npos);
    CHECK(has_line(deadline.out, "stopped: the check's deadline of 2 s passed (--deadline); "));
    CHECK(tote({"plugin", "check", hangs, "--deadline", "0"}).exit_code == 2);
}

TEST_CASE("a plugin that cannot write is checked against the fixture that plugin fixture writes") {
    if (std::string(TOTE_TEST_READONLY_DIR).empty()) return;  // built without the json plugin
    Cli tote;
    const std::string jsonro = std::string(TOTE_TEST_READONLY_DIR) + "/jsonro.so";
    const std::string dir = tote.home() + "/fixture";

    auto made = tote({"plugin", "fixture", "json://" + dir});
    INFO(made.out << made.err);
    CHECK(made.exit_code == 0);
    CHECK(made.out == "wrote the conformance fixture (11 keys, 1.0 MiB) to json://" + dir + "\n");
    CHECK(tote({"get", "json://" + dir, "docs/a.json"}).out == "{\"id\": 1, \"ok\": true}\n");
    CHECK(tote({"plugin", "fixture", "json://" + dir}).exit_code == 0);  // again: it holds the fixture already

    auto checked = tote({"plugin", "check", jsonro, "--fixture", "jsonro://" + dir});
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 0);
    CHECK(checked.out.find("reading the fixture at jsonro://" + dir) != std::string::npos);
    CHECK(has_line(checked.out, "pass fixture: listings show exactly its keys, in byte order\n"));
    CHECK(has_line(checked.out, "pass fixture: ranged reads of a large value\n"));
    CHECK(has_line(checked.out, "pass operations the plugin lacks are unsupported, not attempted\n"));
    CHECK(has_line(checked.out, "skip overwrite replaces the value and changes the version: plugin lacks write\n"));
    CHECK(checked.out.find(" passed, 0 failed, ") != std::string::npos);

    // Without a fixture there is nothing to check against: a usage error that says what to do.
    auto bare = tote({"plugin", "check", jsonro});
    CHECK(bare.exit_code == 2);
    CHECK(bare.err.find("cannot write") != std::string::npos);
    CHECK(bare.err.find("tote plugin fixture") != std::string::npos);
    // A fixture that is not there, or of another plugin, or a writable plugin given one.
    CHECK(tote({"plugin", "check", jsonro, "--fixture", "jsonro://" + tote.home() + "/none"}).exit_code == 3);
    CHECK(tote({"plugin", "check", jsonro, "--fixture", "json://" + dir}).exit_code == 2);
    CHECK(tote({"plugin", "check", "json", "--fixture", "json://" + dir}).exit_code == 2);

    // A store that holds something else: the fixture is never mixed into it; a read-only plugin cannot hold it.
    tote({"put", "json://" + tote.home() + "/data", "mine", "-"}, "precious");
    auto mixed = tote({"plugin", "fixture", "json://" + tote.home() + "/data"});
    CHECK(mixed.exit_code == 4);
    CHECK(mixed.err.find("'mine'") != std::string::npos);
    CHECK(tote({"ls", "json://" + tote.home() + "/data"}).out == "mine\n");
    CHECK(tote({"--plugin-dir", TOTE_TEST_READONLY_DIR, "plugin", "fixture", "jsonro://" + dir}).exit_code == 2);

    // A fixture store that lost a key fails the cases that look for it, naming the key.
    tote({"rm", "json://" + dir, "docs/b.json"});
    auto damaged = tote({"plugin", "check", jsonro, "--fixture", "jsonro://" + dir});
    CHECK(damaged.exit_code == 1);
    CHECK(damaged.out.find("\"docs/b.json\"") != std::string::npos);
}

TEST_CASE("plugin check reports plugins it cannot check at all") {
    Cli tote;
    auto crash = tote({"plugin", "check", kCheckDir + "/" + tote::test::plugin_file("crash_on_load")});
    CHECK(crash.exit_code == 1);
#ifdef _WIN32
    CHECK(crash.err.find("could not be checked: the process crashed (exception 0x") != std::string::npos);
#else
    CHECK(crash.err.find("could not be checked: the process was killed by signal ") != std::string::npos);
#endif
    CHECK(crash.err.find("while loading it") != std::string::npos);
    auto refused = tote({"plugin", "check", std::string(TOTE_TEST_FIXTURE_DIR) + "/" + tote::test::plugin_file("wrong_abi")});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("the host refuses") != std::string::npos);
    CHECK(refused.err.find("ABI mismatch") != std::string::npos);
    auto missing = tote({"plugin", "check", "/nonexistent/x.so"});
    CHECK(missing.exit_code == 3);
    CHECK(tote({"plugin", "check", "nosuchplugin"}).exit_code == 3);
    CHECK(tote({"plugin"}).exit_code == 2);
}
