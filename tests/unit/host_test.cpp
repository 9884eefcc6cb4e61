// SPDX-License-Identifier: Apache-2.0
// host_test.cpp — tote::Host and tote::Store through the public API, on the pure-C test plugin (cmem) and the
// first-party plugins: resolution of names and URLs, options, read-only stores, JSON helpers.
#include "process.hpp"

#include <tote/json.hpp>
#include <tote/tote.hpp>

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <unistd.h>

#include <algorithm>

#include <cstdlib>

namespace {

tote::HostOptions sealed(const std::vector<std::string>& dirs, const std::string& config = "") {
    tote::HostOptions options;
    for (const auto& d : dirs) options.plugin_dirs.emplace_back(d);
    options.use_environment = false;
    options.builtin_plugins = false;
    if (!config.empty()) options.config_file = config;
    return options;
}

// OpenOptions asking to create the store.
tote::OpenOptions creating() {
    tote::OpenOptions options;
    options.create = true;
    return options;
}

tote::Status status_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const tote::Error& e) {
        return e.status();
    }
    return tote::Status::ok;
}

}  // namespace

TEST_CASE("status names and unknown codes") {
    for (int32_t code = TOTE_OK; code <= TOTE_INTERNAL; ++code)
        CHECK(std::string(tote::status_name(tote::status_from_code(code))) != "unknown status");
    CHECK(tote::status_from_code(99) == tote::Status::internal);
    CHECK(tote::status_from_code(-1) == tote::Status::internal);
    CHECK(tote::capability_names(TOTE_CAP_WRITE | TOTE_CAP_LIST | (uint64_t{1} << 63)) ==
          std::vector<std::string>{"write", "list", "bit63"});
}

TEST_CASE("URLs pick the plugin by scheme; unknown schemes list the known ones") {
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR, TOTE_PLUGIN_BUILD_DIR}));
    const std::vector<std::string> schemes = host.schemes();  // sorted; the server backends too, if built
    for (const char* scheme : {"cmem", "json", "sqlite"})
        CHECK(std::find(schemes.begin(), schemes.end(), scheme) != schemes.end());
    CHECK(std::is_sorted(schemes.begin(), schemes.end()));
    tote::Store s = host.open("cmem://unit-a", creating());
    CHECK(s.url() == "cmem://unit-a");
    CHECK(s.plugin().name == "cmem");
    try {
        host.open("nosuchdb://x");
        FAIL("opened");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::invalid_argument);
        const std::string message = e.what();
        CHECK(message.rfind("unknown storage backend: nosuchdb (known: cmem, json, ", 0) == 0);
        CHECK(message.find("sqlite") != std::string::npos);
    }
}

TEST_CASE("file-based locations become absolute; relative to the cwd for URLs, to the config for names") {
    tote::test::TempDir tmp;
    tote::test::write_file(tmp / "conf/tote.toml", "[stores.rel]\nurl = \"json://data/store\"\n");
    tote::Host host(sealed({TOTE_PLUGIN_BUILD_DIR}, tmp / "conf/tote.toml"));
    CHECK(host.resolve("rel") == "json://" + (tmp / "conf/data/store"));
    char cwd[4096];
    REQUIRE(::getcwd(cwd, sizeof cwd));
    CHECK(host.resolve("json://here") == std::string("json://") + cwd + "/here");
    CHECK(host.resolve("json:///abs/./x/../y/") == "json:///abs/y");
    tote::test::set_env("HOME", tmp.path());
    CHECK(host.resolve("json://~/in-home") == "json://" + (tmp / "in-home"));
    CHECK(host.stores().size() == 1);
    CHECK(host.config_path().value() == tmp / "conf/tote.toml");
}

TEST_CASE("the default store: configured, or the embedded one under XDG_DATA_HOME") {
    tote::test::TempDir tmp;
    tote::test::set_env("XDG_DATA_HOME", tmp.path());
    tote::Host plain(sealed({TOTE_PLUGIN_BUILD_DIR}));
    CHECK(plain.resolve("default") == "sqlite://" + (tmp / "tote/default.db"));
    tote::Store store = plain.open("default");  // created on first use even without create
    store.write("k", "v");
    CHECK(plain.open("default").read("k") == "v");
    tote::test::write_file(tmp / "c.toml", "[host]\ndefault_store = \"cmem://named\"\n");
    tote::Host configured(sealed({TOTE_TEST_CMEM_DIR}, tmp / "c.toml"));
    CHECK(configured.resolve("default") == "cmem://named");
    tote::test::unset_env("XDG_DATA_HOME");
}

TEST_CASE("options reach the plugin typed, and are checked against what it accepts") {
    tote::test::TempDir tmp;
    tote::test::write_file(tmp / "c.toml", R"(
[stores.small]
url = "cmem://unit-small"
options = { max_bytes = 10 }

[stores.typo]
url = "cmem://unit-typo"
options = { max_byte = 10 }

[stores.wrongtype]
url = "cmem://unit-wrongtype"
options = { max_bytes = "ten" }

[stores.archive]
url = "cmem://unit-archive"
read_only = true
)");
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR}, tmp / "c.toml"));
    tote::Store small = host.open("small", creating());
    small.write("a", "0123456789");
    CHECK(status_of([&] { small.write("b", "x"); }) == tote::Status::no_space);  // max_bytes arrived as an int
    CHECK(small.read("a") == "0123456789");
    try {
        host.open("typo", creating());
        FAIL("opened");
    } catch (const tote::Error& e) {
        CHECK(std::string(e.what()).find("c.toml:8:") != std::string::npos);
        CHECK(std::string(e.what()).find("unknown option 'max_byte' for the cmem plugin (accepted: max_bytes)") !=
              std::string::npos);
    }
    CHECK(status_of([&] { host.open("wrongtype", creating()); }) == tote::Status::invalid_argument);
    host.open("cmem://unit-archive", creating()).write("k", "v");
    tote::Store archive = host.open("archive");
    CHECK(archive.read_only());
    CHECK(archive.read("k") == "v");
    CHECK(status_of([&] { archive.write("k", "x"); }) == tote::Status::permission_denied);
}

TEST_CASE("JSON helpers store documents as text and refuse to parse garbage") {
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR}));
    tote::Store s = host.open("cmem://unit-json", creating());
    tote::write_json(s, "sessions/1.json", {{"model", "m"}, {"score", 0.5}});
    CHECK(tote::read_json(s, "sessions/1.json")["score"] == 0.5);
    CHECK(s.read("sessions/1.json").back() == '\n');
    tote::append_json_line(s, "log.jsonl", {{"step", 1}});
    tote::append_json_line(s, "log.jsonl", {{"step", 2}});
    CHECK(s.read("log.jsonl") == "{\"step\":1}\n{\"step\":2}\n");
    s.write("bad.json", "{not json");
    try {
        tote::read_json(s, "bad.json");
        FAIL("parsed");
    } catch (const tote::Error& e) {
        CHECK(e.status() == tote::Status::corrupt);
        CHECK(std::string(e.what()).find("bad.json") != std::string::npos);
    }
    CHECK(status_of([&] { tote::write_json(s, "x.json", std::string("\xff")); }) == tote::Status::invalid_argument);
}

TEST_CASE("exceptions thrown by callbacks come back out of read_to and list, the store intact") {
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR}));
    tote::Store s = host.open("cmem://unit-callbacks", creating());
    s.write("a", "1");
    s.write("b", "2");
    CHECK_THROWS_WITH(s.read_to("a", [](std::string_view) -> bool { throw std::runtime_error("sink"); }), "sink");
    CHECK_THROWS_WITH(s.list("", {}, [](const tote::Entry&) -> bool { throw std::runtime_error("entry"); }), "entry");
    CHECK(s.read("b") == "2");
}

TEST_CASE("a copied Store shares one open store, closed with the last copy") {
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR}));
    tote::Store copy = [&] {
        tote::Store original = host.open("cmem://unit-shared", creating());
        original.write("k", "v");
        return original;
    }();
    CHECK(copy.read("k") == "v");
}

TEST_CASE("text options are typed as the plugin declares them and override the config's") {
    tote::test::TempDir tmp;
    tote::test::write_file(tmp / "c.toml", "[stores.small]\nurl = \"cmem://unit-text\"\noptions = { max_bytes = 4 }\n");
    tote::Host host(sealed({TOTE_TEST_CMEM_DIR}, tmp / "c.toml"));
    REQUIRE(host.stores().size() == 1);
    CHECK(host.stores()[0].options == std::map<std::string, std::string>{{"max_bytes", "4"}});
    tote::OpenOptions options;
    options.create = true;
    tote::Store limited = host.open("small", options);
    CHECK(status_of([&] { limited.write("k", "12345"); }) == tote::Status::no_space);
    options.options["max_bytes"] = "100";
    tote::Store roomy = host.open("small", options);
    roomy.write("k", "12345");
    for (const auto& [value, expect] : std::vector<std::pair<std::string, std::string>>{
             {"ten", "is not an integer"}, {"", "is not an integer"}, {"1.5", "is not an integer"}}) {
        options.options["max_bytes"] = value;
        try {
            host.open("cmem://unit-text-bad", options);
            FAIL("opened");
        } catch (const tote::Error& e) {
            CHECK(e.status() == tote::Status::invalid_argument);
            CHECK(std::string(e.what()).find(expect) != std::string::npos);
        }
    }
    options.options = {{"no_such_option", "1"}};
    CHECK(status_of([&] { host.open("cmem://unit-text-bad", options); }) == tote::Status::invalid_argument);
}

TEST_CASE("URLs are shown with their passwords replaced") {
    CHECK(tote::redact_url("redis://:hunter2@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0");
    CHECK(tote::redact_url("postgresql://ada:s3cr%40t@db:5432/evals?sslmode=require") ==
          "postgresql://ada:***@db:5432/evals?sslmode=require");
    CHECK(tote::redact_url("postgresql://ada@db/evals?sslmode=require&password=x&application_name=t") ==
          "postgresql://ada@db/evals?sslmode=require&password=***&application_name=t");
    CHECK(tote::redact_url("postgresql://db/evals?password=x") == "postgresql://db/evals?password=***");
    CHECK(tote::redact_url("json:///srv/user:name@place/evals") == "json:///srv/user:name@place/evals");
    CHECK(tote::redact_url("sqlite://evals.db") == "sqlite://evals.db");
    CHECK(tote::redact_url("redis://user@host") == "redis://user@host");
}
