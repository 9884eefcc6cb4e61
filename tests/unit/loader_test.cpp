// SPDX-License-Identifier: Apache-2.0
// loader_test.cpp — the descriptor checks a plugin must pass (host/src/loader.cpp), on hand-made descriptors.
#include "loader.hpp"

#include <catch2/catch.hpp>

#include <portable.hpp>

#include <cstring>

using tote::detail::check_descriptor;

namespace {

tote_status fake_open(const tote_open_params*, const tote_call*, tote_store**) { return TOTE_INTERNAL; }
void fake_close(tote_store*) {}
tote_status fake_read(tote_store*, const tote_call*, const char*, size_t, tote_write_fn, void*, tote_stat*) {
    return TOTE_NOT_FOUND;
}
tote_status fake_stat(tote_store*, const tote_call*, const char*, size_t, tote_stat*) { return TOTE_NOT_FOUND; }
tote_status fake_write(tote_store*, const tote_call*, const tote_write_op*, uint64_t*) { return TOTE_OK; }
tote_status fake_remove(tote_store*, const tote_call*, const char*, size_t, uint32_t) { return TOTE_OK; }
const void* no_extension(const char*) { return nullptr; }

const char* const kSchemes[] = {"fake", nullptr};

// A valid read-only descriptor; tests break one field at a time.
tote_plugin good() {
    tote_plugin p{};
    p.struct_size = sizeof p;
    p.abi_version = TOTE_ABI_VERSION;
    p.location_kind = TOTE_LOCATION_URL;
    p.name = "fake";
    p.version = "1.0";
    p.schemes = kSchemes;
    p.open = fake_open;
    p.close = fake_close;
    p.read = fake_read;
    p.stat = fake_stat;
    p.get_extension = no_extension;
    return p;
}

bool refused_because(const tote_plugin& p, const std::string& reason) {
    std::string why = check_descriptor(&p);
    INFO("reason: " << why);
    return why.find(reason) != std::string::npos && !why.empty();
}

}  // namespace

TEST_CASE("a minimal read-only descriptor is accepted") {
    const tote_plugin p = good();
    CHECK(check_descriptor(&p) == "");
}

TEST_CASE("NULL, small, and other-major descriptors are refused with both versions named") {
    CHECK(check_descriptor(nullptr).find("returned NULL") != std::string::npos);
    tote_plugin p = good();
    p.struct_size = 4;
    CHECK(refused_because(p, "descriptor too small: struct_size 4 bytes"));
    p = good();
    p.struct_size = TOTE_PLUGIN_SIZE_1_0 - 8;
    CHECK(refused_because(p, "ABI 1.0 needs " + std::to_string(TOTE_PLUGIN_SIZE_1_0)));
    p = good();
    p.struct_size = 1u << 30;
    CHECK(refused_because(p, "implausible"));
    p = good();
    p.abi_version = (2u << 16) | 3;
    CHECK(refused_because(p, "plugin built for tote ABI 2.3, this host speaks ABI 1.1"));
    p = good();
    p.abi_version = (1u << 16) | 7;  // a newer minor of the same major is fine
    p.struct_size = sizeof p + 64;
    CHECK(check_descriptor(&p) == "");
}

TEST_CASE("names, schemes, location kinds and options are checked") {
    tote_plugin p = good();
    p.name = "Bad Name";
    CHECK(refused_because(p, "bad plugin name"));
    p = good();
    p.name = nullptr;
    CHECK(refused_because(p, "bad plugin name"));
    p = good();
    p.version = "";
    CHECK(refused_because(p, "version"));
    p = good();
    p.schemes = nullptr;
    CHECK(refused_because(p, "declares no URL scheme"));
    static const char* const bad_schemes[] = {"ok", "NOT ok", nullptr};
    p.schemes = bad_schemes;
    CHECK(refused_because(p, "bad URL scheme at index 1"));
    static const char* const twice[] = {"a", "a", nullptr};
    p.schemes = twice;
    CHECK(refused_because(p, "listed twice"));
    static std::vector<std::string> names;
    static const char* many[40];
    for (int i = 0; i < 39; ++i) names.push_back("s" + std::to_string(i));
    for (int i = 0; i < 39; ++i) many[i] = names[static_cast<size_t>(i)].c_str();
    many[39] = nullptr;
    p.schemes = many;
    CHECK(refused_because(p, "more than 32"));
    p = good();
    p.location_kind = 9;
    CHECK(refused_because(p, "unknown location_kind 9"));
    static const tote_option_spec bad_type[] = {{"x", 99, 0, nullptr, nullptr}, {nullptr, 0, 0, nullptr, nullptr}};
    p = good();
    p.options = bad_type;
    CHECK(refused_because(p, "option 'x' has unknown type 99"));
    static const tote_option_spec dup[] = {{"x", TOTE_TYPE_INT, 0, nullptr, nullptr},
                                           {"x", TOTE_TYPE_BOOL, 0, nullptr, nullptr},
                                           {nullptr, 0, 0, nullptr, nullptr}};
    p.options = dup;
    CHECK(refused_because(p, "declared twice"));
    static const tote_option_spec bad_name[] = {{"X-y", TOTE_TYPE_INT, 0, nullptr, nullptr}, {nullptr, 0, 0, nullptr, nullptr}};
    p.options = bad_name;
    CHECK(refused_because(p, "bad option name at index 0"));
}

TEST_CASE("every declared capability needs its function") {
    tote_plugin p = good();
    p.read = nullptr;
    CHECK(refused_because(p, "open, close, read or stat is NULL"));
    p = good();
    p.capabilities = TOTE_CAP_WRITE;
    CHECK(refused_because(p, "TOTE_CAP_WRITE but write is NULL"));
    p.write = fake_write;
    CHECK(refused_because(p, "TOTE_CAP_WRITE but remove is NULL"));
    p.remove = fake_remove;
    CHECK(check_descriptor(&p) == "");
    for (uint64_t cap : {TOTE_CAP_APPEND, TOTE_CAP_LIST, TOTE_CAP_RENAME}) {
        tote_plugin q = p;
        q.capabilities |= cap;
        CHECK(refused_because(q, "is NULL"));
    }
    p.capabilities |= TOTE_CAP_ATOMIC_BATCH;
    CHECK(refused_because(p, "TOTE_CAP_ATOMIC_BATCH but get_extension"));
    p.capabilities = TOTE_CAP_WRITE | (uint64_t{1} << 40);  // unknown future bits are ignored
    CHECK(check_descriptor(&p) == "");
}

TEST_CASE("load_plugin refuses files that are not plugins") {
    auto missing = tote::detail::load_plugin(tote::test::plugin_file("/nonexistent/plugin"));
    CHECK(!missing.plugin);
    CHECK(missing.refusal.find("cannot load: ") == 0);
    CHECK(missing.refusal.find("No such file") != std::string::npos);
    CHECK(missing.refusal.find("Bad file descriptor") == std::string::npos);
    auto fixture = tote::detail::load_plugin(std::string(TOTE_TEST_FIXTURE_DIR) + "/" + tote::test::plugin_file("null_entry"));
    CHECK(fixture.refusal.find("entry point returned NULL") == 0);
    auto cmem = tote::detail::load_plugin(std::string(TOTE_TEST_CMEM_DIR) + "/" + tote::test::plugin_file("tote-cmem"));
    REQUIRE(cmem.plugin);
    CHECK(cmem.plugin->info.name == "cmem");
    CHECK(cmem.plugin->info.schemes == std::vector<std::string>{"cmem"});
    CHECK(cmem.plugin->ext.batch == nullptr);
}
